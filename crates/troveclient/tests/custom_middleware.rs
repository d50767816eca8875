//! The `custom_middleware` example's metrics layer sees every attempt: a scripted server that
//! answers a get with 503 twice and then 200 is counted three times; a create answered 503 is
//! counted once, because it is never replayed.

#![allow(clippy::unwrap_used)]

#[path = "../examples/custom_middleware.rs"]
mod example;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use troveclient::Dbaas;

const INSTANCE: &str = r#"{"instance": {"id": "i-1", "name": "db", "status": "ACTIVE"}}"#;

#[tokio::test(start_paused = true)]
async fn the_metrics_layer_counts_every_attempt_and_status() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let transport = tower::service_fn(move |req: http::Request<Full<Bytes>>| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let status = match (req.method().as_str(), n) {
            ("GET", 0 | 1) | ("POST", _) => 503,
            _ => 200,
        };
        async move {
            Ok::<_, std::convert::Infallible>(
                http::Response::builder()
                    .status(status)
                    .body(Full::new(Bytes::from_static(INSTANCE.as_bytes())))
                    .unwrap(),
            )
        }
    });
    let metrics = example::MetricsLayer::default();
    let client = Dbaas::builder()
        .token("t", "http://trove.test/v1.0/p1")
        .transport(transport)
        .layer(metrics.clone())
        .build()
        .unwrap();

    client.instances().get("i-1").await.unwrap();
    let counts = metrics.snapshot();
    assert_eq!(counts.attempts, 3);
    assert_eq!(counts.statuses.get(&503), Some(&2));
    assert_eq!(counts.statuses.get(&200), Some(&1));
    assert_eq!(counts.max_attempt, 3);

    let err = client.instances().create("db", "1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let counts = metrics.snapshot();
    assert_eq!(counts.attempts, 4, "the create was sent once");
    assert_eq!(served.load(Ordering::SeqCst), 4);
}
