//! A downstream tool's view of the SDK, built on the packaged crates: tower-http's `TraceLayer`
//! and a circuit breaker of its own around the client, a timeout of its own, and a recorder
//! wrapped around the default transport, all against the emulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use troveclient::stack::hyper_transport;
use troveclient::{BoxError, Dbaas, Error, LayerError, LayerTimedOut, SendState};
use trove_emulator::{Config, Emulator, FaultAction, FaultPlan, FaultRule};

/// The breaker's own error, which the tool wants back as it is.
#[derive(Debug, thiserror::Error)]
#[error("circuit open")]
struct CircuitOpen;

/// A circuit breaker: while open it refuses every request, counting the refusals.
#[derive(Clone)]
struct Breaker<S> {
    inner: S,
    open: Arc<Mutex<bool>>,
    calls: Arc<AtomicUsize>,
}

impl<S, B> tower::Service<http::Request<B>> for Breaker<S>
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
        self.calls.fetch_add(1, Ordering::SeqCst);
        if *self.open.lock().unwrap() {
            return Box::pin(async { Err(LayerError::not_sent(CircuitOpen).no_retry().into()) });
        }
        Box::pin(self.inner.call(request))
    }
}

fn fake_auth(auth_url: &str) -> troveclient::ClientBuilder {
    Dbaas::new("jsmith", "abcdef", "12345", auth_url).auth_strategy("fake")
}

#[tokio::test]
async fn trace_layer_and_a_circuit_breaker_compose_and_the_breaker_speaks_for_itself() {
    let emulator = Emulator::new(Config::default());
    let open = Arc::new(Mutex::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let (o, c) = (open.clone(), calls.clone());
    let client = fake_auth("http://localhost:8779/v1.0/auth")
        .transport(emulator.service())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower::layer::layer_fn(move |inner| Breaker {
            inner,
            open: o.clone(),
            calls: c.clone(),
        }))
        .build()
        .unwrap();

    // Closed: calls go through.
    client.flavors().list().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Open: a create comes back as the breaker's own error, said not sent, sent once.
    *open.lock().unwrap() = true;
    let err = client.instances().create("db1", "1").volume(1).await.unwrap_err();
    assert!(
        matches!(err, Error::Layer { state: Some(SendState::NotSent), .. }),
        "{err:?}"
    );
    assert_eq!(err.send_state(), Some(SendState::NotSent));
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.is::<CircuitOpen>(), "{source:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "refused once, not retried");
    assert_eq!(emulator.instance_count("12345"), 0, "nothing reached the server");
}

#[tokio::test(start_paused = true)]
async fn a_timeout_of_the_tools_own_is_reported_with_its_own_duration() {
    let emulator = Emulator::new(Config::default());
    let client = fake_auth("http://localhost:8779/v1.0/auth")
        .transport(emulator.service())
        .layer(tower::timeout::TimeoutLayer::new(Duration::from_millis(250)))
        .build()
        .unwrap();
    client.flavors().list().await.unwrap();
    emulator.set_faults(
        FaultPlan::new().rule(FaultRule::new(FaultAction::Delay(Duration::from_secs(5)))),
    );

    let err = client.flavors().list().await.unwrap_err();
    let Error::Layer { source, .. } = &err else {
        panic!("not the tool's timeout: {err:?}");
    };
    let timed_out = source.downcast_ref::<LayerTimedOut>().unwrap();
    assert_eq!(timed_out.after, Duration::from_millis(250));
    assert!(!matches!(err, Error::Timeout(_)), "not the client's 60 s limit");
}

#[tokio::test]
async fn the_default_transport_wrapped_records_the_wire() {
    let running = Emulator::start(Config::default()).await.unwrap();
    let wire: Arc<Mutex<Vec<(String, String, u16, Bytes)>>> = Arc::default();
    let log = wire.clone();
    let default_transport = hyper_transport();
    let recorder = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
        let (inner, log) = (default_transport.clone(), log.clone());
        async move {
            let (method, uri) = (request.method().to_string(), request.uri().to_string());
            let response = tower::ServiceExt::oneshot(inner, request).await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            log.lock()
                .unwrap()
                .push((method, uri, parts.status.as_u16(), body.clone()));
            Ok::<_, BoxError>(http::Response::from_parts(parts, Full::new(body)))
        }
    });
    let client = fake_auth(&format!("{}/v1.0/auth", running.url()))
        .transport(recorder)
        .build()
        .unwrap();
    let created = client
        .instances()
        .create("recorded", "1")
        .volume(1)
        .await
        .unwrap();

    let wire = wire.lock().unwrap();
    let (_, uri, status, body) = wire
        .iter()
        .find(|(method, uri, _, _)| method == "POST" && uri.ends_with("/instances"))
        .expect("the create went over the wire");
    assert!(uri.starts_with(&running.url()), "{uri}");
    assert_eq!(*status, 200);
    assert!(String::from_utf8_lossy(body).contains(&created.id));
}
