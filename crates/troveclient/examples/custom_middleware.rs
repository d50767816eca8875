//! A downstream tool adds its own tower layer to the client: a metrics counter that counts every
//! attempt and every status the server answered, retries included.
//!
//! Layers given to `ClientBuilder::layer` sit below the retry layer, so they see each attempt;
//! `ClientBuilder::call_layer` would see each call once. Here the embedded emulator answers the
//! first two gets with 503 (fault injection), the client retries, and the counter sees three
//! attempts for one call.
//!
//! Run it with `cargo run -p troveclient --example custom_middleware`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use troveclient::{Attempt, Dbaas};

/// What the metrics layer counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Requests sent to the server, one per attempt.
    pub attempts: u64,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Attempts that failed without an answer (reset, timeout).
    pub failures: u64,
    /// The highest attempt number seen.
    pub max_attempt: u32,
}

/// A tower layer that counts attempts and statuses into shared [`Counts`].
#[derive(Clone, Default)]
pub struct MetricsLayer {
    counts: Arc<Mutex<Counts>>,
}

impl MetricsLayer {
    /// Returns a copy of the counts so far.
    pub fn snapshot(&self) -> Counts {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = Metrics<S>;

    fn layer(&self, inner: S) -> Metrics<S> {
        Metrics {
            inner,
            counts: self.counts.clone(),
        }
    }
}

/// The service [`MetricsLayer`] wraps around the client's stack.
#[derive(Clone)]
pub struct Metrics<S> {
    inner: S,
    counts: Arc<Mutex<Counts>>,
}

// Generic over the bodies, as tower-http's layers are: the client hands user layers
// `http::Request<Full<Bytes>>` and takes back any `http_body` body.
impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for Metrics<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Error: Send + 'static,
    S::Future: Send + 'static,
    ResBody: Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<http::Response<ResBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let attempt = Attempt::of(request.extensions());
        let counts = self.counts.clone();
        let future = self.inner.call(request);
        Box::pin(async move {
            let result = future.await;
            if let Ok(mut c) = counts.lock() {
                c.attempts += 1;
                c.max_attempt = c.max_attempt.max(attempt);
                match &result {
                    Ok(response) => *c.statuses.entry(response.status().as_u16()).or_default() += 1,
                    Err(_) => c.failures += 1,
                }
            }
            result
        })
    }
}

#[allow(dead_code)] // The test that includes this file uses the layer, not `main`.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use trove_emulator::{FaultAction, FaultPlan, FaultRule};

    let emulator = trove_emulator::Emulator::new(trove_emulator::Config::default());
    let metrics = MetricsLayer::default();
    let client = Dbaas::new(
        "jsmith",
        "abcdef",
        "12345",
        "http://localhost:8779/v1.0/auth",
    )
    .auth_strategy("fake")
    .transport(emulator.service())
    .layer(metrics.clone())
    .build()?;
    let created = client
        .instances()
        .create("metrics-demo", "1")
        .volume(1)
        .await?;

    // The next two gets of the instance are answered 503; the third attempt succeeds.
    emulator.set_faults(
        FaultPlan::new().rule(
            FaultRule::new(FaultAction::Status {
                status: 503,
                retry_after: None,
            })
            .method(http::Method::GET)
            .times(2),
        ),
    );
    let instance = client.instances().get(&created.id).await?;
    println!("got {} ({})", instance.name, instance.status);
    println!("{:#?}", metrics.snapshot());
    Ok(())
}
