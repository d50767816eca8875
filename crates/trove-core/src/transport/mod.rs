//! The bottom of the stack: any HTTP `Service`, adapted to whole-body requests and responses.
//!
//! Trove answers are small JSON documents (a 1000-instance page is under 1 MB) that are decoded
//! in one go, so the stack above the transport works on `Request<Bytes>` and `Response<Bytes>`:
//! bodies are cheap to clone for a replay and the decoder reads one contiguous slice.

mod body;
pub mod tls;

use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::future::BoxFuture;
use http::Uri;
use http_body::Body;
use http_body_util::{BodyExt, Full};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

use crate::error::{BoxError, SendState};

/// The default limit on opening a TCP connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub use body::{BodyService, HttpService};
pub(crate) use body::{BytesService, Whole};

/// Brings a custom transport to the SDK's whole-body service, its failures said as transport
/// failures ([`Whole::transport`]).
pub(crate) fn from_service<S: BodyService>(service: S) -> BytesService {
    BoxCloneSyncService::new(Whole::transport(service))
}

/// Returns the default transport: hyper-util's pooled HTTP/1.1 client, with HTTPS through
/// rustls verifying servers against the default roots.
pub fn hyper_transport() -> HttpService {
    hyper_transport_with(Some(DEFAULT_CONNECT_TIMEOUT))
}

/// Returns hyper-util's pooled HTTP/1.1 client, giving up on a TCP connect after
/// `connect_timeout` (a connect failure is [`SendState::NotSent`], so any call may retry it).
/// The root certificates are loaded on the first `https` connection, not before.
pub fn hyper_transport_with(connect_timeout: Option<std::time::Duration>) -> HttpService {
    BoxCloneSyncService::new(HyperClient::new(
        Arc::new(crate::transport::tls::default_client_config),
        connect_timeout,
    ))
}

/// Returns hyper-util's pooled HTTP/1.1 client speaking `http` and, with `tls`, `https`.
pub fn https_transport(
    tls: rustls::ClientConfig,
    connect_timeout: Option<std::time::Duration>,
) -> HttpService {
    BoxCloneSyncService::new(HyperClient::new(
        Arc::new(move || tls.clone()),
        connect_timeout,
    ))
}

/// The transport at the bottom of a client's stack: the built-in hyper client, called
/// directly, or a service the user gave. An enum rather than a boxed service because the stack
/// above clones it on every call and a box costs an allocation per clone.
#[derive(Clone)]
pub(crate) enum Transport {
    /// hyper-util's client.
    Hyper(HyperClient),
    /// A user's transport, already adapted to whole bodies.
    Custom(BytesService),
}

impl Service<http::Request<Bytes>> for Transport {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Transport::Hyper(client) => Service::<http::Request<Bytes>>::poll_ready(client, cx),
            Transport::Custom(service) => service.poll_ready(cx),
        }
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        match self {
            Transport::Hyper(client) => client.call(request),
            Transport::Custom(service) => service.call(request),
        }
    }
}

/// Builds the rustls configuration when the first `https` connection needs it.
type TlsConfigFn = Arc<dyn Fn() -> rustls::ClientConfig + Send + Sync>;

/// hyper-util's connector for `http` and `https` that builds its TLS half on first use.
///
/// Loading the platform's root certificates reads every file of the system store (about 5 ms
/// and a few MiB), which a client that only speaks `http` (the emulator, a loopback endpoint,
/// a short CLI call) should not pay for.
#[derive(Clone)]
struct LazyTlsConnector {
    http: HttpConnector,
    tls: Arc<LazyTls>,
}

struct LazyTls {
    config: TlsConfigFn,
    connector: OnceLock<HttpsConnector<HttpConnector>>,
}

impl LazyTlsConnector {
    fn https(&self) -> HttpsConnector<HttpConnector> {
        self.tls
            .connector
            .get_or_init(|| {
                hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config((self.tls.config)())
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(self.http.clone())
            })
            .clone()
    }
}

impl Service<Uri> for LazyTlsConnector {
    type Response = MaybeHttpsStream<TokioIo<TcpStream>>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<Self::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        if uri.scheme() == Some(&http::uri::Scheme::HTTPS) {
            let https = self.https();
            Box::pin(https.oneshot(uri))
        } else {
            let connecting = self.http.call(uri);
            Box::pin(async move { Ok(MaybeHttpsStream::Http(connecting.await?)) })
        }
    }
}

/// The most a body's announced length reserves up front; a longer body grows the buffer as it
/// arrives, so a wrong or hostile `Content-Length` cannot make the client allocate it at once.
const MAX_RESERVE: u64 = 16 * 1024 * 1024;

/// Reads `body` into one contiguous buffer.
///
/// `BodyExt::collect` keeps every chunk until the end and then copies them all, so a large page
/// needs twice its size for a moment; here the buffer is sized from the body's length and each
/// chunk is freed as soon as it is copied. A body that arrives in one chunk is kept as it is.
pub(crate) async fn read_body<B>(body: B) -> Result<Bytes, B::Error>
where
    B: Body<Data = Bytes>,
{
    let mut body = std::pin::pin!(body);
    let first = loop {
        match body.frame().await {
            None => return Ok(Bytes::new()),
            Some(frame) => {
                if let Ok(data) = frame?.into_data() {
                    break data;
                }
            }
        }
    };
    if body.is_end_stream() {
        return Ok(first);
    }
    let rest = body.size_hint();
    let rest = rest.exact().unwrap_or(rest.lower()).min(MAX_RESERVE);
    let mut buffer = BytesMut::with_capacity(first.len() + usize::try_from(rest).unwrap_or(0));
    buffer.extend_from_slice(&first);
    drop(first);
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            buffer.extend_from_slice(&data);
        }
    }
    Ok(buffer.freeze())
}

/// hyper-util's client, with its errors classified by whether the request went out.
#[derive(Clone)]
pub(crate) struct HyperClient {
    /// Shared, because the stack above clones the transport on every call and a hyper-util
    /// client clone copies several `Arc`s; this is one.
    inner: Arc<hyper_util::client::legacy::Client<LazyTlsConnector, Full<Bytes>>>,
}

impl HyperClient {
    /// A pooled HTTP/1.1 client whose TLS configuration `tls` builds on the first `https`
    /// connection.
    pub(crate) fn new(tls: TlsConfigFn, connect_timeout: Option<std::time::Duration>) -> Self {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(connect_timeout);
        http.enforce_http(false);
        let connector = LazyTlsConnector {
            http,
            tls: Arc::new(LazyTls {
                config: tls,
                connector: OnceLock::new(),
            }),
        };
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .build::<_, Full<Bytes>>(connector);
        HyperClient {
            inner: Arc::new(client),
        }
    }
}

impl HyperClient {
    /// Sends `request`, reading the answer whole and saying of a failure whether the request
    /// went out.
    fn send(
        &self,
        request: http::Request<Full<Bytes>>,
    ) -> impl std::future::Future<Output = Result<http::Response<Bytes>, BoxError>> + Send + 'static
    {
        // `request` clones the client once for its future; cloning it here too and going
        // through `oneshot` cost a second clone (several `Arc`s) per call.
        let response = self.inner.request(request);
        async move {
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
            let bytes = read_body(body).await.map_err(|e| {
                Box::new(TransportError {
                    state: SendState::MaybeSent,
                    source: Box::new(e),
                }) as BoxError
            })?;
            Ok(http::Response::from_parts(parts, bytes))
        }
    }
}

impl Service<http::Request<Bytes>> for HyperClient {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        Box::pin(self.send(request.map(Full::new)))
    }
}

/// The same client as a transport a user can wrap ([`HttpService`]): the answer is read whole
/// and handed on as a `Full` body.
impl Service<http::Request<Full<Bytes>>> for HyperClient {
    type Response = http::Response<Full<Bytes>>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Full<Bytes>>, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Full<Bytes>>) -> Self::Future {
        let sent = self.send(request);
        Box::pin(async move { Ok(sent.await?.map(Full::new)) })
    }
}

/// A transport failure that knows whether the request may have reached the server.
///
/// Its `Display` says only that; the failure itself is its [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("{}", match state {
    SendState::NotSent => "the request could not be sent",
    SendState::MaybeSent => "the request failed after it may have been sent",
})]
pub struct TransportError {
    /// Whether the server may have seen the request.
    pub state: SendState,
    /// What failed.
    #[source]
    pub source: BoxError,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A server that answers every connection with one `200 {}` and closes it.
    async fn plain_http_server() -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                    )
                    .await;
            }
        });
        addr
    }

    fn empty_roots_config() -> rustls::ClientConfig {
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
    }

    fn get(url: String) -> http::Request<Bytes> {
        http::Request::get(url).body(Bytes::new()).unwrap()
    }

    /// A body that yields the given frames and announces `hint` as its remaining length.
    struct Chunks {
        frames: std::collections::VecDeque<Result<http_body::Frame<Bytes>, &'static str>>,
        hint: http_body::SizeHint,
    }

    impl Chunks {
        fn new(data: &[&'static [u8]], hint: http_body::SizeHint) -> Self {
            let frames = data
                .iter()
                .map(|d| Ok(http_body::Frame::data(Bytes::from_static(d))))
                .collect();
            Chunks { frames, hint }
        }
    }

    impl Body for Chunks {
        type Data = Bytes;
        type Error = &'static str;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, &'static str>>> {
            Poll::Ready(self.frames.pop_front())
        }

        fn is_end_stream(&self) -> bool {
            self.frames.is_empty()
        }

        fn size_hint(&self) -> http_body::SizeHint {
            self.hint
        }
    }

    #[tokio::test]
    async fn a_body_in_one_chunk_is_kept_without_a_copy() {
        static PAGE: &[u8] = b"{\"instances\": []}";
        let body = read_body(Chunks::new(&[PAGE], http_body::SizeHint::with_exact(0)))
            .await
            .unwrap();
        assert_eq!(body.as_ptr(), PAGE.as_ptr());
    }

    #[tokio::test]
    async fn chunks_are_joined_in_order_whatever_the_announced_length() {
        let chunks: &[&'static [u8]] = &[b"{\"a\"", b": [1,", b" 2]}"];
        for hint in [
            http_body::SizeHint::with_exact(9),
            http_body::SizeHint::new(),
            http_body::SizeHint::with_exact(2),
            // A length no client could reserve: the buffer must grow as data arrives instead.
            http_body::SizeHint::with_exact(1 << 50),
        ] {
            let body = read_body(Chunks::new(chunks, hint)).await.unwrap();
            assert_eq!(body.as_ref(), b"{\"a\": [1, 2]}");
        }
    }

    #[tokio::test]
    async fn trailers_are_skipped_and_an_empty_body_is_empty() {
        let mut body = Chunks::new(&[b"[1]"], http_body::SizeHint::new());
        body.frames
            .push_front(Ok(http_body::Frame::trailers(http::HeaderMap::new())));
        body.frames
            .push_back(Ok(http_body::Frame::trailers(http::HeaderMap::new())));
        assert_eq!(read_body(body).await.unwrap().as_ref(), b"[1]");
        let empty = Chunks::new(&[], http_body::SizeHint::new());
        assert!(read_body(empty).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_error_in_the_middle_of_a_body_is_returned() {
        let mut body = Chunks::new(&[b"[1,", b"2]"], http_body::SizeHint::new());
        body.frames.insert(1, Err("connection reset"));
        assert_eq!(read_body(body).await, Err("connection reset"));
        let mut first = Chunks::new(&[b"[1]"], http_body::SizeHint::new());
        first.frames.push_front(Err("refused"));
        assert_eq!(read_body(first).await, Err("refused"));
    }

    #[tokio::test]
    async fn tls_is_configured_on_the_first_https_connection_and_only_once() {
        let addr = plain_http_server().await;
        let built = Arc::new(AtomicUsize::new(0));
        let counter = built.clone();
        let mut client = HyperClient::new(
            Arc::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                empty_roots_config()
            }),
            None,
        );

        let response = client.call(get(format!("http://{addr}/"))).await.unwrap();
        assert_eq!(response.body().as_ref(), b"{}");
        assert_eq!(built.load(Ordering::SeqCst), 0, "http built a TLS config");

        // The plain server cannot complete a handshake: the point is that TLS was attempted.
        for _ in 0..2 {
            let err = client.call(get(format!("https://{addr}/"))).await;
            assert!(
                err.is_err(),
                "a TLS handshake with a plain server succeeded"
            );
        }
        assert_eq!(built.load(Ordering::SeqCst), 1);
    }
}
