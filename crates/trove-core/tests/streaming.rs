//! Streams 100,000 instances (5,000 pages) from the emulator and checks that the stream holds at
//! most one page at a time: pages are fetched only when the previous one is used up. The same
//! run with its memory figures is `trove-stream` in crates/trove-bench (see
//! docs/performance.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full};

const N: usize = 100_000;
const PAGE: usize = 20;

/// Counts the instances the server has handed to the client so far.
#[derive(Clone)]
struct CountItems<S>(S, Arc<AtomicUsize>);

impl<S> tower::Service<http::Request<Full<Bytes>>> for CountItems<S>
where
    S: tower::Service<
            http::Request<Full<Bytes>>,
            Response = http::Response<Full<Bytes>>,
            Error = trove_core::BoxError,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = futures::future::BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Full<Bytes>>) -> Self::Future {
        let delivered = self.1.clone();
        let fut = self.0.call(req);
        Box::pin(async move {
            let (parts, body) = fut.await?.into_parts();
            let body = body.collect().await?.to_bytes();
            // Counting `"status"` keys of instances is enough: one per instance in a page.
            let text = String::from_utf8_lossy(&body);
            delivered.fetch_add(text.matches("\"status\"").count(), Ordering::SeqCst);
            Ok(http::Response::from_parts(parts, Full::new(body)))
        })
    }
}

#[tokio::test]
async fn streaming_a_hundred_thousand_instances_holds_one_page_at_a_time() {
    let emulator = emulated::emulator();
    emulator.seed_instances(emulated::TENANT, N);
    let delivered = Arc::new(AtomicUsize::new(0));
    let counter = delivered.clone();
    let client = emulated::builder_for(&emulator, emulated::TENANT)
        .layer(tower::layer::layer_fn(move |inner| {
            CountItems(inner, counter.clone())
        }))
        .build()
        .unwrap();

    let mut stream = Box::pin(client.instances().list().into_stream());
    let mut consumed = 0usize;
    let mut peak_held = 0usize;
    let mut ids = std::collections::HashSet::with_capacity(N);
    // Trove cuts pages in id order (and shows each page newest first), so every id of a page
    // sorts after every id of the page before: pages come in order, none repeated or reordered.
    let mut previous_page_max = String::new();
    let mut page_ids = Vec::with_capacity(PAGE);
    while let Some(item) = stream.next().await {
        let instance = item.unwrap();
        consumed += 1;
        // Items fetched but not yet handed to the caller are what the stream holds.
        peak_held = peak_held.max(delivered.load(Ordering::SeqCst) - consumed);
        page_ids.push(instance.id.clone());
        if page_ids.len() == PAGE {
            let min = page_ids.iter().min().unwrap();
            assert!(
                *min > previous_page_max,
                "page ending at item {consumed} overlaps the one before"
            );
            previous_page_max = page_ids.iter().max().unwrap().clone();
            page_ids.clear();
        }
        ids.insert(instance.id);
    }
    assert_eq!(consumed, N);
    assert!(page_ids.is_empty(), "the last page was not full");
    assert_eq!(ids.len(), N, "an instance was streamed twice");
    assert!(
        peak_held < PAGE,
        "the stream held {peak_held} items at once; one page is {PAGE}"
    );
}
