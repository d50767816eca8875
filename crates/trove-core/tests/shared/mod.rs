//! What several test files need besides a scripted server: an identity service that issues
//! numbered tokens, a buffer that captures logs, a burst of concurrent calls, every item of a
//! listing, and a client over a transport that answers every request with a 200.

// Each test file that includes this module uses its own part of it.
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, TryStreamExt};
use http_body_util::Full;
use trove_auth::strategy::from_fn;
use trove_auth::{AuthError, AuthHttp, AuthStrategy, Clock, Session};
use trove_core::Client;
use trove_types::instance::Instance;

/// The tenant-scoped endpoint the numbered tokens are for.
pub const ENDPOINT: &str = "http://trove.test/v1.0/p1";

/// An identity service that issues `tok-1`, `tok-2`, ... for [`ENDPOINT`] (project `p1`),
/// at once and never expiring unless [`Numbered::delayed`] or [`Numbered::expiring`] say
/// otherwise. Clones, and the strategies made by [`Numbered::strategy`], share the count of
/// tokens issued.
#[derive(Debug, Clone, Default)]
pub struct Numbered {
    issued: Arc<AtomicUsize>,
    delay: Option<Duration>,
    expiry: Option<(Arc<dyn Clock>, Duration)>,
}

impl Numbered {
    /// Takes `delay` of tokio time to issue each token.
    pub fn delayed(delay: Duration) -> Self {
        Numbered {
            delay: Some(delay),
            ..Numbered::default()
        }
    }

    /// Issues tokens that live `lifetime` from `clock`'s now, stamped as issued then.
    pub fn expiring(clock: Arc<dyn Clock>, lifetime: Duration) -> Self {
        Numbered {
            expiry: Some((clock, lifetime)),
            ..Numbered::default()
        }
    }

    /// How many tokens were issued so far.
    pub fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }

    /// The strategy to give a client; it counts into this issuer.
    pub fn strategy(&self) -> impl AuthStrategy {
        let this = self.clone();
        from_fn("numbered", move |_, _| {
            let this = this.clone();
            Box::pin(async move {
                if let Some(delay) = this.delay {
                    tokio::time::sleep(delay).await;
                }
                let n = this.issued.fetch_add(1, Ordering::SeqCst) + 1;
                let session = Session::new(format!("tok-{n}"), ENDPOINT).with_project_id("p1");
                Ok(match &this.expiry {
                    None => session,
                    Some((clock, lifetime)) => {
                        let now = clock.now();
                        session.with_expires_at(now + *lifetime).with_issued_at(now)
                    }
                })
            })
        })
    }
}

/// Sends `request` to the identity service through `http`, as a strategy does: a failure to
/// reach it is [`AuthError::Connect`].
pub async fn send_to_identity(
    http: &dyn AuthHttp,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, AuthError> {
    let url = request.uri().to_string();
    http.send(request)
        .await
        .map_err(|source| AuthError::Connect { url, source })
}

/// Everything a `tracing` subscriber writes into it, shared by its clones.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

/// Gets instance `i-1` with `calls` concurrent tasks and returns each one's result.
pub async fn concurrent_gets(
    client: &Client,
    calls: usize,
) -> Vec<Result<Instance, trove_core::Error>> {
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.instances().get("i-1").await })
        })
        .collect();
    let mut results = Vec::with_capacity(calls);
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

/// Every item of a listing's stream, in order; panics on the first error.
pub async fn collect_all<T>(items: impl Stream<Item = Result<T, trove_core::Error>>) -> Vec<T> {
    items.try_collect().await.unwrap()
}

/// A client with token `t` at `http://trove.test/v1.0/t` whose transport answers its n-th
/// request (from 0) with a 200 carrying `body(n)`.
pub fn answering(body: impl Fn(usize) -> Bytes + Send + Sync + 'static) -> Client {
    let calls = Arc::new(AtomicUsize::new(0));
    let body = Arc::new(body);
    let svc = tower::service_fn(move |_req: http::Request<Full<Bytes>>| {
        let body = body(calls.fetch_add(1, Ordering::SeqCst));
        async move {
            Ok::<_, Infallible>(
                http::Response::builder()
                    .status(200)
                    .body(Full::new(body))
                    .unwrap(),
            )
        }
    });
    Client::builder()
        .token("t", "http://trove.test/v1.0/t")
        .transport(svc)
        .build()
        .unwrap()
}
