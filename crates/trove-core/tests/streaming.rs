//! Streams 20,000 instances (1,000 pages) from the emulator and checks that the stream holds at
//! most one page at a time: pages are fetched only when the previous one is used up. The
//! 100,000-instance run with its memory figures is `trove-stream` in crates/trove-bench (see
//! docs/performance.md); here the emulator's per-request bookkeeping, which visits every
//! instance, would make a debug-build test of 100,000 take minutes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::StreamExt;
use trove_core::Client;
use trove_emulator::{Config, Emulator};

const N: usize = 20_000;
const PAGE: usize = 20;

/// Counts the instances the server has handed to the client so far.
#[derive(Clone)]
struct CountItems<S>(S, Arc<AtomicUsize>);

impl<S> tower::Service<http::Request<Bytes>> for CountItems<S>
where
    S: tower::Service<http::Request<Bytes>, Response = http::Response<Bytes>> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = futures::future::BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Bytes>) -> Self::Future {
        let delivered = self.1.clone();
        let fut = self.0.call(req);
        Box::pin(async move {
            let response = fut.await?;
            // Counting `"status"` keys of instances is enough: one per instance in a page.
            let body = String::from_utf8_lossy(response.body());
            delivered.fetch_add(body.matches("\"status\"").count(), Ordering::SeqCst);
            Ok(response)
        })
    }
}

#[tokio::test]
async fn streaming_twenty_thousand_instances_holds_one_page_at_a_time() {
    let emulator = Emulator::new(Config::default());
    emulator.seed_instances("12345", N);
    let delivered = Arc::new(AtomicUsize::new(0));
    let counter = delivered.clone();
    let client = Client::new(
        "jsmith",
        "abcdef",
        "12345",
        "http://localhost:8779/v1.0/auth",
    )
    .auth_strategy("fake")
    .transport(emulator.service())
    .layer(tower::layer::layer_fn(move |inner| {
        CountItems(inner, counter.clone())
    }))
    .build()
    .unwrap();

    let mut stream = Box::pin(client.instances().list().into_stream());
    let mut consumed = 0usize;
    let mut peak_held = 0usize;
    let mut ids = std::collections::HashSet::with_capacity(N);
    while let Some(item) = stream.next().await {
        let instance = item.unwrap();
        consumed += 1;
        // Items fetched but not yet handed to the caller are what the stream holds.
        peak_held = peak_held.max(delivered.load(Ordering::SeqCst) - consumed);
        ids.insert(instance.id);
    }
    assert_eq!(consumed, N);
    assert_eq!(ids.len(), N, "an instance was streamed twice");
    assert!(
        peak_held < PAGE,
        "the stream held {peak_held} items at once; one page is {PAGE}"
    );
}
