//! The SDK against the real Keystone 30.0.0 issuing 20 s tokens and the real Trove 26.0.0
//! validating them with its own rate limiter on (`trove/common/limits.py`). Run by
//! `cargo xtask reliability`, which starts the servers so tuned; enable with
//! `--features reliability`. Each scenario prints a `figures:` line that docs/reliability.md
//! quotes.
#![cfg(feature = "reliability")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A test measuring wall time against real servers has no clock to inject.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeSet;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tower::{Layer, Service};
use trove_tests::Target;
use troveclient::{auth::DEFAULT_REFRESH_MARGIN, BoxError, Dbaas, Error, InstanceStatus};

/// A setting `cargo xtask reliability` passes in the environment, else its default there.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// A counting proxy in front of Keystone: every token the client is issued passes through it.

/// What the proxy saw.
#[derive(Default)]
struct ProxyCounts {
    /// `POST /v3/auth/tokens` requests.
    token_requests: AtomicU64,
    /// Those answered 201 (a token issued).
    tokens_issued: AtomicU64,
}

/// Forwards HTTP/1 requests on a loopback port to `upstream`, counting token requests. Only
/// the client under test is pointed at it (Trove's own service user talks to Keystone
/// directly), so the counts are exactly the client's authentications as Keystone saw them.
async fn start_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<ProxyCounts>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counts = Arc::new(ProxyCounts::default());
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http();
    let seen = counts.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let client = client.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let client = client.clone();
                    let seen = seen.clone();
                    async move {
                        // A failed forward is a 502, as a real proxy would answer.
                        let answer = forward(&client, upstream, &seen, req).await;
                        Ok::<_, std::convert::Infallible>(answer.unwrap_or_else(|e| {
                            let mut bad =
                                http::Response::new(Full::new(Bytes::from(e.to_string())));
                            *bad.status_mut() = http::StatusCode::BAD_GATEWAY;
                            bad
                        }))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (addr, counts)
}

async fn forward(
    client: &hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
    upstream: SocketAddr,
    seen: &ProxyCounts,
    req: http::Request<hyper::body::Incoming>,
) -> Result<http::Response<Full<Bytes>>, BoxError> {
    let (mut parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let is_token = parts.method == http::Method::POST && parts.uri.path() == "/v3/auth/tokens";
    let pq = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    parts.uri = format!("http://{upstream}{pq}").parse()?;
    let answer = client
        .request(http::Request::from_parts(parts, Full::new(body)))
        .await?;
    let (parts, body) = answer.into_parts();
    let body = body.collect().await?.to_bytes();
    if is_token {
        seen.token_requests.fetch_add(1, Ordering::SeqCst);
        if parts.status == http::StatusCode::CREATED {
            seen.tokens_issued.fetch_add(1, Ordering::SeqCst);
        }
    }
    Ok(http::Response::from_parts(parts, Full::new(body)))
}

// ---------------------------------------------------------------------------------------------
// An attempt layer counting what Trove answered each attempt.

#[derive(Default)]
struct AttemptCounts {
    attempts: AtomicU64,
    over_limit: AtomicU64,
    unauthorized: AtomicU64,
    posts: AtomicU64,
}

#[derive(Clone)]
struct Counting(Arc<AttemptCounts>);

impl<S> Layer<S> for Counting {
    type Service = CountingService<S>;
    fn layer(&self, inner: S) -> CountingService<S> {
        CountingService {
            inner,
            counts: self.0.clone(),
        }
    }
}

#[derive(Clone)]
struct CountingService<S> {
    inner: S,
    counts: Arc<AttemptCounts>,
}

type Answer = http::Response<Full<Bytes>>;

impl<S> Service<http::Request<Full<Bytes>>> for CountingService<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = Answer, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Answer;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Answer, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Full<Bytes>>) -> Self::Future {
        let counts = self.counts.clone();
        counts.attempts.fetch_add(1, Ordering::SeqCst);
        if req.method() == http::Method::POST {
            counts.posts.fetch_add(1, Ordering::SeqCst);
        }
        let fut = self.inner.call(req);
        Box::pin(async move {
            let answer = fut.await?;
            match answer.status().as_u16() {
                413 => counts.over_limit.fetch_add(1, Ordering::SeqCst),
                401 => counts.unauthorized.fetch_add(1, Ordering::SeqCst),
                _ => 0,
            };
            Ok(answer)
        })
    }
}

fn keystone_addr(target: &Target) -> SocketAddr {
    let url = target
        .keystone_url
        .clone()
        .expect("a Keystone URL in the facts");
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    authority.parse().expect("Keystone on a numeric address")
}

// ---------------------------------------------------------------------------------------------
// (a) 48 callers on one client across token expiry.

/// Calls made by the load, and the failures with their messages.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: Mutex<Vec<String>>,
}

impl Tally {
    fn record<T>(&self, what: &str, result: Result<T, Error>) -> Option<T> {
        match result {
            Ok(v) => {
                self.ok.fetch_add(1, Ordering::SeqCst);
                Some(v)
            }
            Err(e) => {
                self.failed.lock().unwrap().push(format!("{what}: {e}"));
                None
            }
        }
    }
}

/// Waits until instance `id` has left BUILD (GETs, counted like every call), then deletes it:
/// Trove answers 422 to a DELETE of a building instance and still spends a DELETE slot of its
/// limiter on it (`trove/instance/service.py` `InstanceController.delete`, behind
/// `RateLimitingMiddleware`), so the lifecycle never tries that.
async fn delete_when_ready(
    client: &troveclient::Client,
    tally: &Tally,
    id: &str,
    until: Instant,
) -> bool {
    while Instant::now() < until {
        if let Some(i) = tally.record("get", client.instances().get(id).await) {
            if i.status != InstanceStatus::Build {
                return tally
                    .record("delete", client.instances().delete(id).await)
                    .is_some();
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

/// 48 tasks share one client for 60 s against 20 s Keystone tokens: 47 list and show
/// (instances, flavors, datastores), one creates, waits for and deletes instances within
/// Trove's POST and DELETE rates. Asserts that no call fails, that Keystone issued exactly the
/// tokens the client counted, and that the client authenticated at most lifetime-count + 2
/// times, where lifetime-count is the number of tokens the client's refresh policy needs to
/// cover the run: a token is replaced `min(DEFAULT_REFRESH_MARGIN, lifetime / 2)` before it
/// expires (`trove-auth` `TokenCache`), so each serves `lifetime - margin` seconds and a run
/// of T seconds needs `ceil(T / (lifetime - margin))` tokens plus the first. The 2 spare
/// authentications cover Keystone truncating `issued_at` to the second (a token can look up to
/// a second older than it is) and one token expiring while a request carrying it is in flight
/// (a 401 and one re-authentication).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_eight_callers_share_tokens_across_expiry_without_failures() {
    let target = Target::real();
    let lifetime = Duration::from_secs(setting("RELIABILITY_TOKEN_LIFETIME", 20));
    let get_rate = setting("RELIABILITY_GET_RATE", 1200);
    let run_for = Duration::from_secs(setting("RELIABILITY_RUN_SECS", 60));
    let (proxy, proxy_counts) = start_proxy(keystone_addr(&target)).await;
    let counts = Arc::new(AttemptCounts::default());
    // Paced at 90% of Trove's GET rate per minute: callers sharing one project's budget
    // queue in the client instead of spending attempts on 413s. At most 12 in flight: every
    // request bearing a token Trove has not seen yet is validated against Keystone on its own
    // (keystonemiddleware does not coalesce them), and with 20 s tokens each validation also
    // logs Trove's service user in again (keystoneauth renews a token with under 120 s left),
    // so 48 requests on a fresh token cost Keystone about 96 requests.
    let pace = (get_rate * 9 / 10 / 60).max(1);
    let client = Dbaas::new("jsmith", "abcdef", "demo", &format!("http://{proxy}/v3"))
        .layer(Counting(counts.clone()))
        .rate_limit(pace, Duration::from_secs(1))
        .concurrency_limit(12)
        .build()
        .expect("client");
    let tally = Arc::new(Tally::default());
    let started = Instant::now();

    // The project's first create makes its quota rows; concurrent first creates race on them
    // and one gets a 500 (`trove/quota/quota.py` `DbQuotaDriver`), so one create goes first.
    let warm = tally
        .record(
            "create",
            client
                .instances()
                .create("reliability-warm", "1")
                .volume(1)
                .await,
        )
        .expect("the project's first create");
    let session = client.session().await.expect("session");
    let issued = session.issued_at.expect("Keystone's issued_at");
    let expires = session.expires_at.expect("Keystone's expires_at");
    let seen_lifetime = expires.duration_since(issued).expect("expiry after issue");
    assert_eq!(
        seen_lifetime.as_secs(),
        lifetime.as_secs(),
        "Keystone's [token] expiration is not the one the run was started with"
    );

    let until = Instant::now() + run_for;
    let mut tasks = Vec::new();
    for n in 0..47u64 {
        let client = client.clone();
        let tally = tally.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = n;
            while Instant::now() < until {
                match i % 4 {
                    0 => {
                        tally.record("list instances", client.instances().list().await);
                    }
                    1 => {
                        tally.record("list flavors", client.flavors().list().await);
                    }
                    2 => {
                        tally.record("get flavor", client.flavors().get("1").await);
                    }
                    _ => {
                        tally.record("list datastores", client.datastores().list().await);
                    }
                }
                i += 1;
            }
        }));
    }
    let lifecycle = {
        let client = client.clone();
        let tally = tally.clone();
        let warm_id = warm.id.clone();
        tokio::spawn(async move {
            let mut deleted = 0;
            let first = tally.record(
                "create",
                client
                    .instances()
                    .create("reliability-a", "1")
                    .volume(1)
                    .await,
            );
            for id in [Some(warm_id), first.map(|i| i.id)].into_iter().flatten() {
                deleted += u32::from(delete_when_ready(&client, &tally, &id, until).await);
            }
            // Trove's POST bucket holds 3 a minute: the third create waits for a slot to
            // drain rather than meeting a 413.
            let second_at = until - run_for + Duration::from_secs(25);
            tokio::time::sleep_until(second_at.into()).await;
            let second = tally.record(
                "create",
                client
                    .instances()
                    .create("reliability-b", "1")
                    .volume(1)
                    .await,
            );
            if let Some(i) = second {
                deleted += u32::from(delete_when_ready(&client, &tally, &i.id, until).await);
            }
            deleted
        })
    };
    for t in tasks {
        t.await.expect("caller task");
    }
    let deleted = lifecycle.await.expect("lifecycle task");
    let elapsed = started.elapsed();

    let failed = tally.failed.lock().unwrap().clone();
    let ok = tally.ok.load(Ordering::SeqCst);
    let auths = client.auth_count();
    let issued_tokens = proxy_counts.tokens_issued.load(Ordering::SeqCst);
    let token_requests = proxy_counts.token_requests.load(Ordering::SeqCst);
    let margin = DEFAULT_REFRESH_MARGIN.min(lifetime / 2);
    let serves = (lifetime - margin).as_secs_f64();
    let lifetime_count = (elapsed.as_secs_f64() / serves).ceil() as u64 + 1;
    println!(
        "figures (a): {} s, {} calls ok, {} failed, {} attempts, {} answered 413, {} answered \
         401, {deleted} instances deleted; {auths} authentications (client), {issued_tokens} \
         tokens issued / {token_requests} requested (Keystone via proxy); lifetime-count {} \
         (tokens of {} s replaced {} s before expiry), bound {}",
        elapsed.as_secs(),
        ok,
        failed.len(),
        counts.attempts.load(Ordering::SeqCst),
        counts.over_limit.load(Ordering::SeqCst),
        counts.unauthorized.load(Ordering::SeqCst),
        lifetime_count,
        lifetime.as_secs(),
        margin.as_secs(),
        lifetime_count + 2,
    );
    assert!(
        failed.is_empty(),
        "{} failed calls, first: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    assert_eq!(
        issued_tokens, auths,
        "Keystone issued {issued_tokens} tokens, the client counted {auths}"
    );
    assert!(
        auths <= lifetime_count + 2,
        "{auths} authentications in {elapsed:?}, more than lifetime-count {lifetime_count} + 2"
    );
    // Every token really expired during the run: one token cannot have served it all.
    let at_least = (elapsed.as_secs_f64() / lifetime.as_secs_f64()).ceil() as u64;
    assert!(
        auths >= at_least,
        "{auths} authentications in {elapsed:?} with {lifetime:?} tokens: expiry not crossed"
    );
    assert_eq!(deleted, 3, "warm-up and both creates deleted once ready");
}

// ---------------------------------------------------------------------------------------------
// (b) A create refused with a Retry-After beyond the call's deadline.

/// With Trove's POST rate at 3 a minute (a one-minute leaky bucket of 3,
/// `trove/common/limits.py` `Limit.__call__`), a project's fourth create is answered 413
/// `overLimit` with `Retry-After` of about 20 s (`trove/common/wsgi.py`
/// `OverLimitFault._retry_after`). Under a 10 s deadline the client does not start that wait:
/// it returns the typed 413 after one round trip, the request sent once, and Trove's own
/// listing shows exactly the three instances that were accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_refused_past_its_deadline_returns_the_typed_413_at_once() {
    let target = Target::real();
    let keystone = target.keystone_url.clone().expect("a Keystone URL");
    let post_rate = setting("RELIABILITY_POST_RATE", 3);
    let deadline = Duration::from_secs(10);
    let counts = Arc::new(AttemptCounts::default());
    // The admin project: the limiter's buckets are per project, so this scenario's POSTs do
    // not share the load scenario's.
    let client = Dbaas::new("admin", "adminpw", "admin", &keystone)
        .layer(Counting(counts.clone()))
        .timeout(Some(deadline))
        .build()
        .expect("client");

    // One create first (the quota rows, see the load scenario), then fill the bucket.
    let mut accepted = BTreeSet::new();
    for n in 0..post_rate {
        let name = format!("reliability-413-{n}");
        client
            .instances()
            .create(name.as_str(), "1")
            .volume(1)
            .await
            .unwrap_or_else(|e| panic!("create {n} of {post_rate} within the rate: {e}"));
        accepted.insert(name);
    }
    let posts_before = counts.posts.load(Ordering::SeqCst);

    let sent = Instant::now();
    let err = client
        .instances()
        .create("reliability-413-refused", "1")
        .volume(1)
        .await
        .expect_err("a create over Trove's POST rate");
    let took = sent.elapsed();
    let posts = counts.posts.load(Ordering::SeqCst) - posts_before;

    let listed: BTreeSet<String> = client
        .instances()
        .list()
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|i| i.name)
        .collect();
    println!(
        "figures (b): refused create answered in {} ms with {err}; {posts} POST sent; \
         {} instances listed",
        took.as_millis(),
        listed.len()
    );

    let api = err
        .api()
        .unwrap_or_else(|| panic!("a typed API error, got {err:?}"));
    assert_eq!(api.status.as_u16(), 413, "{err}");
    assert_eq!(api.fault.name, "overLimit", "{err}");
    let retry_after = api.fault.retry_after.expect("Trove's retryAfter");
    assert!(
        Duration::from_secs(retry_after) > deadline,
        "Retry-After {retry_after} s must lie beyond the {deadline:?} deadline for this test"
    );
    assert_eq!(err.send_state(), None, "Trove answered: nothing in doubt");
    assert!(err.is_over_limit(), "{err}");
    assert_eq!(posts, 1, "the refused create is sent once, never replayed");
    assert!(
        took < deadline / 2,
        "the 413 came back after {took:?}: the client waited instead of returning it"
    );
    assert_eq!(listed, accepted, "Trove holds exactly the accepted creates");
}
