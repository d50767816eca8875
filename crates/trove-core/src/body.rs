//! Bodies at the edges of the stack. User layers, call layers and custom transports speak
//! `http_body` bodies (`Full<Bytes>` in, any body out), so tower-http's layers and any other
//! `http`-generic middleware fit; the SDK's own layers work on whole `Bytes`, which are cheap to
//! clone for a replay. The adapters here convert at those edges only, so a client without user
//! layers or a custom transport pays nothing for them.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures::future::{BoxFuture, MapOk};
use futures::TryFutureExt;
use http_body::Body;
use http_body_util::Full;
use tower::util::BoxCloneSyncService;
use tower::{Layer, Service};

use crate::error::{BoxError, SendState};
use crate::layer_error::{LayerError, LayerTimedOut};
use crate::transport::{read_body, TransportError};

/// The service a user layer wraps, and what a transport is: `http::Request<Full<Bytes>>` in,
/// `http::Response<Full<Bytes>>` out. [`hyper_transport`](crate::transport::hyper_transport)
/// returns one, so the default transport can be wrapped and handed back to
/// [`ClientBuilder::transport`](crate::ClientBuilder::transport).
pub type HttpService =
    BoxCloneSyncService<http::Request<Full<Bytes>>, http::Response<Full<Bytes>>, BoxError>;

/// The SDK's own layers' service: whole-body requests and responses.
pub(crate) type BytesService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>;

/// A user layer, stored as the function that applies it to the SDK's service below it.
pub(crate) type BoxedLayer = std::sync::Arc<dyn Fn(BytesService) -> BytesService + Send + Sync>;

/// Takes the data of a `Full` body, which holds it ready: no copy and no await.
fn full_bytes(mut body: Full<Bytes>) -> Bytes {
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut body).poll_frame(&mut cx) {
        Poll::Ready(Some(Ok(frame))) => frame.into_data().unwrap_or_default(),
        _ => Bytes::new(),
    }
}

/// Presents the SDK's service below a user layer as an [`HttpService`].
#[derive(Clone)]
pub(crate) struct ToBodies<S>(S);

type ToFull = fn(http::Response<Bytes>) -> http::Response<Full<Bytes>>;

impl<S> Service<http::Request<Full<Bytes>>> for ToBodies<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>,
{
    type Response = http::Response<Full<Bytes>>;
    type Error = BoxError;
    type Future = MapOk<S::Future, ToFull>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Full<Bytes>>) -> Self::Future {
        let to_full: ToFull = |response| response.map(Full::new);
        self.0.call(request.map(full_bytes)).map_ok(to_full)
    }
}

/// Brings a user layer's service back to whole bodies, and says what its errors mean: a
/// `tower::timeout::Elapsed` becomes [`LayerTimedOut`] with the time the layer took, and a
/// response body that cannot be read is a [`LayerError`] after the request may have been sent.
#[derive(Clone)]
pub(crate) struct FromBodies<S>(S);

impl<S> FromBodies<S> {
    pub(crate) fn new(inner: S) -> Self {
        FromBodies(inner)
    }
}

impl<S, B> Service<http::Request<Bytes>> for FromBodies<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let started = tokio::time::Instant::now();
        let answer = self.0.call(request.map(Full::new));
        Box::pin(async move {
            let response = answer.await.map_err(|e| {
                let e: BoxError = e.into();
                if e.is::<tower::timeout::error::Elapsed>() {
                    Box::new(LayerTimedOut {
                        after: started.elapsed(),
                        source: e,
                    })
                } else {
                    e
                }
            })?;
            let (parts, body) = response.into_parts();
            let bytes = read_body(body)
                .await
                .map_err(|e| Box::new(LayerError::maybe_sent(e)) as BoxError)?;
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// Boxes `layer` as a function over the SDK's service, with the body adapters on both sides.
pub(crate) fn boxed_layer<L, B>(layer: L) -> BoxedLayer
where
    L: Layer<HttpService> + Send + Sync + 'static,
    L::Service: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as Service<http::Request<Full<Bytes>>>>::Error: Into<BoxError>,
    <L::Service as Service<http::Request<Full<Bytes>>>>::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    std::sync::Arc::new(move |inner: BytesService| {
        BytesService::new(FromBodies(layer.layer(HttpService::new(ToBodies(inner)))))
    })
}

/// A custom transport, brought to whole bodies, its failures said as transport failures: one
/// that is (or wraps) a connection that could not be made is [`SendState::NotSent`], so even a
/// create may be sent again; anything else may have been sent. A [`TransportError`] or
/// [`LayerError`] the transport returns itself is kept as it is.
#[derive(Clone)]
pub(crate) struct Collect<S>(S);

impl<S> Collect<S> {
    pub(crate) fn new(inner: S) -> Self {
        Collect(inner)
    }
}

impl<S, B> Service<http::Request<Bytes>> for Collect<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0
            .poll_ready(cx)
            .map_err(|e| transport_failure(e.into()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let answer = self.0.call(request.map(Full::new));
        Box::pin(async move {
            let response = answer.await.map_err(|e| transport_failure(e.into()))?;
            let (parts, body) = response.into_parts();
            let bytes = read_body(body).await.map_err(|e| {
                Box::new(TransportError {
                    state: SendState::MaybeSent,
                    source: e.into(),
                }) as BoxError
            })?;
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// Says what a custom transport's error means for the request; see [`Collect`].
pub(crate) fn transport_failure(error: BoxError) -> BoxError {
    if error.is::<TransportError>() || error.is::<LayerError>() {
        return error;
    }
    let state = if never_connected(error.as_ref()) {
        SendState::NotSent
    } else {
        SendState::MaybeSent
    };
    Box::new(TransportError {
        state,
        source: error,
    })
}

/// Whether `error`, or an error it wraps, says no connection was made: hyper-util's connect
/// errors, or the refusals an operating system gives before any byte is written.
fn never_connected(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(e) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
            if e.is_connect() {
                return true;
            }
        }
        if let Some(e) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                e.kind(),
                ConnectionRefused | AddrNotAvailable | NetworkUnreachable | HostUnreachable
            ) {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_full_body_gives_its_bytes_without_copying() {
        let data = Bytes::from_static(b"{\"instance\": {}}");
        let taken = full_bytes(Full::new(data.clone()));
        assert_eq!(taken, data);
        assert_eq!(taken.as_ptr(), data.as_ptr());
    }

    #[test]
    fn a_refused_connection_is_not_sent_and_anything_else_may_be() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let wrapped = transport_failure(Box::new(refused));
        let t = wrapped.downcast_ref::<TransportError>().unwrap();
        assert_eq!(t.state, SendState::NotSent);

        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let wrapped = transport_failure(Box::new(reset));
        let t = wrapped.downcast_ref::<TransportError>().unwrap();
        assert_eq!(t.state, SendState::MaybeSent);
    }

    #[test]
    fn a_transport_that_says_what_happened_is_believed() {
        let said = LayerError::not_sent("offline").no_retry();
        let kept = transport_failure(Box::new(said));
        let e = kept.downcast_ref::<LayerError>().unwrap();
        assert!(!e.is_retryable());
    }
}
