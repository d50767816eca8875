//! The bottom of the stack: any HTTP `Service`, adapted to whole-body requests and responses.
//!
//! Trove answers are small JSON documents (a 1000-instance page is under 1 MB) that are decoded
//! in one go, so the stack above the transport works on `Request<Bytes>` and `Response<Bytes>`:
//! bodies are cheap to clone for a replay and the decoder reads one contiguous slice.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body::Body;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tower::util::BoxCloneSyncService;
use tower::Service;

use crate::error::{BoxError, SendState};

/// The service type every layer of the stack wraps.
pub type HttpService = BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>;

/// Adapts `service` (any `Service<Request<Full<Bytes>>>` with a `Bytes` response body) to an
/// [`HttpService`]: request bodies are wrapped, response bodies collected.
pub fn from_service<S, B>(service: S) -> HttpService
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    BoxCloneSyncService::new(Collect { inner: service })
}

/// Returns the default transport: hyper-util's pooled HTTP/1.1 client, with HTTPS through
/// rustls verifying servers against the default roots.
pub fn hyper_transport() -> HttpService {
    hyper_transport_with(Some(crate::stack::DEFAULT_CONNECT_TIMEOUT))
}

/// Returns hyper-util's pooled HTTP/1.1 client, giving up on a TCP connect after
/// `connect_timeout` (a connect failure is [`SendState::NotSent`], so any call may retry it).
pub fn hyper_transport_with(connect_timeout: Option<std::time::Duration>) -> HttpService {
    https_transport(crate::tls::default_client_config(), connect_timeout)
}

/// Returns hyper-util's pooled HTTP/1.1 client speaking `http` and, with `tls`, `https`.
pub fn https_transport(
    tls: rustls::ClientConfig,
    connect_timeout: Option<std::time::Duration>,
) -> HttpService {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(connect_timeout);
    connector.enforce_http(false);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector);
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build::<_, Full<Bytes>>(connector);
    BoxCloneSyncService::new(HyperClient {
        inner: Arc::new(client),
    })
}

#[derive(Clone)]
struct Collect<S> {
    inner: S,
}

impl<S, B> Service<http::Request<Bytes>> for Collect<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let fut = self.inner.call(request.map(Full::new));
        Box::pin(async move {
            let response = fut.await.map_err(Into::into)?;
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// hyper-util's client, with its errors classified by whether the request went out.
#[derive(Clone)]
struct HyperClient {
    /// Shared, because the stack above clones the transport a few times per call and a
    /// hyper-util client clone copies several `Arc`s; this is one.
    inner: Arc<
        hyper_util::client::legacy::Client<
            hyper_rustls::HttpsConnector<HttpConnector>,
            Full<Bytes>,
        >,
    >,
}

impl Service<http::Request<Bytes>> for HyperClient {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        // `request` clones the client once for its future; cloning it here too and going
        // through `oneshot` cost a second clone (several `Arc`s) per call.
        let response = self.inner.request(request.map(Full::new));
        Box::pin(async move {
            let response = response.await.map_err(|e| {
                let state = if e.is_connect() {
                    SendState::NotSent
                } else {
                    SendState::MaybeSent
                };
                Box::new(TransportError {
                    state,
                    source: Box::new(e),
                }) as BoxError
            })?;
            let (parts, body) = response.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| {
                    Box::new(TransportError {
                        state: SendState::MaybeSent,
                        source: Box::new(e),
                    }) as BoxError
                })?
                .to_bytes();
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// A transport failure that knows whether the request may have reached the server.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct TransportError {
    /// Whether the server may have seen the request.
    pub state: SendState,
    /// What failed.
    #[source]
    pub source: BoxError,
}
