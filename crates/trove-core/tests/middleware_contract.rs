//! The middleware contract of docs/middleware.md, as a layer or transport author meets it: a
//! layer's own error is its own and is not retried; `LayerError` steers retry; a user timeout is
//! reported with its own duration; a custom transport's refused connection is not sent; the
//! default transport can be wrapped; tower-http's body-typed layers compose with the stack.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod scripted;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use scripted::{answer, Act, Server};
use trove_core::transport::hyper_transport;
use trove_core::{BoxError, Client, Error, LayerError, LayerTimedOut, RetryConfig, SendState};

const INSTANCE: &str =
    r#"{"instance": {"id": "i-1", "name": "db", "status": "ACTIVE", "links": []}}"#;
const ENDPOINT: &str = "http://trove.test/v1.0/p1";

/// A circuit breaker's refusal: the error type a user layer defines for itself.
#[derive(Debug, thiserror::Error)]
#[error("circuit open")]
struct CircuitOpen;

/// A layer that refuses the first `refuse` requests with `make()` and then passes them on,
/// counting every call.
#[derive(Clone)]
struct Refuse<S> {
    inner: S,
    calls: Arc<AtomicUsize>,
    refuse: usize,
    make: fn() -> BoxError,
}

impl<S, B> tower::Service<http::Request<B>> for Refuse<S>
where
    S: tower::Service<http::Request<B>, Error = BoxError>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<S::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.refuse {
            let error = (self.make)();
            return Box::pin(async move { Err(error) });
        }
        Box::pin(self.inner.call(request))
    }
}

/// A client over `server` (answering every request with the instance) behind a layer that
/// refuses its first `refuse` requests with `make()`, retrying quickly; and the layer's count
/// of the requests it saw.
fn refusing(server: &Server, refuse: usize, make: fn() -> BoxError) -> (Client, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let layer = tower::layer::layer_fn(move |inner| Refuse {
        inner,
        calls: counter.clone(),
        refuse,
        make,
    });
    let client = Client::builder()
        .token("tok", ENDPOINT)
        .retry(quick_retry())
        .layer(layer)
        .transport(server.transport(|_, _| answer(200, INSTANCE)))
        .build()
        .unwrap();
    (client, calls)
}

fn quick_retry() -> RetryConfig {
    RetryConfig::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .jitter(false)
}

#[tokio::test(start_paused = true)]
async fn a_layers_own_error_is_its_own_and_sent_once() {
    let server = Server::default();
    let (client, calls) = refusing(&server, usize::MAX, || Box::new(CircuitOpen));

    let err = client.instances().get("i-1").await.unwrap_err();
    assert!(matches!(err, Error::Layer { state: None, .. }), "{err:?}");
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.is::<CircuitOpen>(), "{source:?}");
    assert_eq!(err.send_state(), None);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a layer's own error is not retried"
    );

    let err = client.instances().create("db", "1").await.unwrap_err();
    assert!(matches!(err, Error::Layer { state: None, .. }), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(server.seen().is_empty(), "nothing reached the server");
}

#[tokio::test(start_paused = true)]
async fn a_layer_that_says_not_sent_is_retried_even_for_a_create() {
    let server = Server::default();
    let (client, calls) = refusing(&server, 1, || Box::new(LayerError::not_sent(CircuitOpen)));
    client.instances().create("db", "1").await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        server.count("POST"),
        1,
        "the create reached the server once"
    );
}

#[tokio::test(start_paused = true)]
async fn a_layer_that_says_no_retry_is_believed() {
    let server = Server::default();
    let (client, calls) = refusing(&server, usize::MAX, || {
        Box::new(LayerError::not_sent(CircuitOpen).no_retry())
    });
    let err = client.instances().get("i-1").await.unwrap_err();
    assert_eq!(err.send_state(), Some(SendState::NotSent));
    assert!(std::error::Error::source(&err).unwrap().is::<CircuitOpen>());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_user_timeout_is_reported_with_its_own_duration() {
    let server = Server::default();
    let client = Client::builder()
        .token("tok", ENDPOINT)
        .retry(quick_retry())
        .layer(tower::timeout::TimeoutLayer::new(Duration::from_millis(
            100,
        )))
        .transport(server.transport(|_, _| Act::Hang))
        .build()
        .unwrap();

    let err = client.instances().get("i-1").await.unwrap_err();
    let Error::Layer { state, source } = &err else {
        panic!("not a layer error: {err:?}");
    };
    assert_eq!(*state, Some(SendState::MaybeSent));
    let timed_out = source.downcast_ref::<LayerTimedOut>().unwrap();
    assert_eq!(timed_out.after, Duration::from_millis(100));
    assert!(err.to_string().contains("layer"), "{err}");
    assert_eq!(server.count("GET"), 3, "a timed-out get is retried");

    let err = client.instances().create("db", "1").await.unwrap_err();
    assert!(matches!(err, Error::Layer { .. }), "{err:?}");
    assert_eq!(server.count("POST"), 1, "a timed-out create is not");
}

/// A transport of the user's own whose connection is refused `refuse` times, then answers.
fn refusing_transport(
    refuse: usize,
) -> (
    impl tower::Service<
            http::Request<Full<Bytes>>,
            Response = http::Response<Full<Bytes>>,
            Error = std::io::Error,
            Future = BoxFuture<'static, Result<http::Response<Full<Bytes>>, std::io::Error>>,
        > + Clone
        + Send
        + Sync
        + 'static,
    Arc<AtomicUsize>,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let service = tower::service_fn(move |_request: http::Request<Full<Bytes>>| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            if n < refuse {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionRefused,
                    "connection refused",
                ));
            }
            Ok(http::Response::new(Full::new(Bytes::from_static(
                INSTANCE.as_bytes(),
            ))))
        }) as BoxFuture<'static, _>
    });
    (service, calls)
}

#[tokio::test(start_paused = true)]
async fn a_custom_transports_refused_connection_is_not_sent() {
    let (transport, calls) = refusing_transport(1);
    let client = Client::builder()
        .token("tok", ENDPOINT)
        .retry(quick_retry())
        .transport(transport)
        .build()
        .unwrap();
    client.instances().create("db", "1").await.unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "a create is retried when nothing was sent"
    );

    let (transport, _) = refusing_transport(usize::MAX);
    let client = Client::builder()
        .token("tok", ENDPOINT)
        .retry(RetryConfig::disabled())
        .transport(transport)
        .build()
        .unwrap();
    let err = client.instances().create("db", "1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                state: SendState::NotSent,
                ..
            }
        ),
        "{err:?}"
    );
}

/// One exchange as a wire recorder wrapped around the default transport saw it.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    uri: String,
    request_body: Bytes,
    status: u16,
    response_body: Bytes,
}

#[tokio::test]
async fn the_default_transport_can_be_wrapped_to_record_the_wire() {
    let emulator = trove_emulator::Emulator::start(Default::default())
        .await
        .unwrap();
    let wire: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let log = wire.clone();
    let default_transport = hyper_transport();
    let recorder = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
        let inner = default_transport.clone();
        let log = log.clone();
        async move {
            let (parts, body) = request.into_parts();
            let request_body = body.collect().await?.to_bytes();
            let (method, uri) = (parts.method.to_string(), parts.uri.to_string());
            let request = http::Request::from_parts(parts, Full::new(request_body.clone()));
            let response = tower::ServiceExt::oneshot(inner, request).await?;
            let (parts, body) = response.into_parts();
            let response_body = body.collect().await?.to_bytes();
            log.lock().unwrap().push(Exchange {
                method,
                uri,
                request_body,
                status: parts.status.as_u16(),
                response_body: response_body.clone(),
            });
            Ok::<_, BoxError>(http::Response::from_parts(parts, Full::new(response_body)))
        }
    });
    let client = Client::new(
        "jsmith",
        "abcdef",
        "12345",
        &format!("{}/v1.0/auth", emulator.url()),
    )
    .auth_strategy("fake")
    .transport(recorder)
    .build()
    .unwrap();
    let created = client
        .instances()
        .create("recorded", "1")
        .volume(1)
        .await
        .unwrap();

    let wire = wire.lock().unwrap().clone();
    let create = wire
        .iter()
        .find(|e| e.method == "POST" && e.uri.ends_with("/instances"))
        .expect("the create is on the wire");
    assert!(create.uri.starts_with(&emulator.url()), "{}", create.uri);
    let sent: serde_json::Value = serde_json::from_slice(&create.request_body).unwrap();
    assert_eq!(sent["instance"]["name"], "recorded");
    assert_eq!(create.status, 200);
    let answered: serde_json::Value = serde_json::from_slice(&create.response_body).unwrap();
    assert_eq!(answered["instance"]["id"], created.id.as_str());
}

/// Gzips `data`, as a server that compresses its answers would.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn tower_http_layers_compose_with_the_stack() {
    use tower_http::decompression::DecompressionLayer;
    use tower_http::follow_redirect::FollowRedirectLayer;
    use tower_http::request_id::{MakeRequestUuid, SetRequestIdLayer};
    use tower_http::trace::TraceLayer;

    let headers_seen: Arc<Mutex<Vec<http::HeaderMap>>> = Arc::default();
    let seen = headers_seen.clone();
    let transport = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(request.headers().clone());
            let response = if request.uri().path().ends_with("/instances/old") {
                http::Response::builder()
                    .status(302)
                    .header("location", format!("{ENDPOINT}/instances/i-1"))
                    .body(Full::new(Bytes::new()))
            } else {
                http::Response::builder()
                    .status(200)
                    .header("content-encoding", "gzip")
                    .body(Full::new(Bytes::from(gzip(INSTANCE.as_bytes()))))
            };
            Ok::<_, BoxError>(response.unwrap())
        }
    });
    // User layers see origin-form URIs (the auth layer below them resolves the endpoint), so a
    // layer that needs the absolute URI, as following a redirect does, wraps the transport.
    let client = Client::builder()
        .token("tok", ENDPOINT)
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(DecompressionLayer::new())
        .transport(
            tower::ServiceBuilder::new()
                .layer(FollowRedirectLayer::new())
                .service(transport),
        )
        .build()
        .unwrap();

    let instance = client.instances().get("old").await.unwrap();
    assert_eq!(instance.id, "i-1", "redirected, then decompressed");
    let seen = headers_seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for headers in seen.iter() {
        assert!(headers.contains_key("x-request-id"), "{headers:?}");
        assert_eq!(headers["accept-encoding"], "gzip");
    }
}
