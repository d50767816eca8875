//! The token cache: refreshes before expiry, and lets one task authenticate for all.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::catalog::EndpointFilter;
use crate::clock::{Clock, SystemClock};
use crate::error::AuthError;
use crate::session::{trim_endpoint, Session};
use crate::store::{TokenKey, TokenStore, STORE_MIN_VALIDITY};
use crate::strategy::{AuthHttp, AuthStrategy};

/// The longest time before its expiry a token is replaced by default; long enough for a slow
/// call to finish. A token is replaced at the latest halfway through its life (see
/// [`TokenCache::with_refresh_margin`]).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Holds the current [`Session`] and replaces it when it is about to expire or was rejected.
///
/// Refresh is single-flight: when many tasks find the token stale at once, one authenticates and
/// the others wait for its result, so a token expiry under load costs one request to the
/// identity service.
#[derive(Debug)]
pub struct TokenCache {
    strategy: Arc<dyn AuthStrategy>,
    filter: EndpointFilter,
    endpoint_override: Option<String>,
    clock: Arc<dyn Clock>,
    margin: Duration,
    current: RwLock<Option<Arc<Session>>>,
    refresh: tokio::sync::Mutex<Option<Arc<AuthError>>>,
    attempts: AtomicU64,
    store: Option<(Arc<dyn TokenStore>, TokenKey)>,
}

impl TokenCache {
    /// A cache over `strategy` that picks the endpoint with `filter`.
    pub fn new(strategy: Arc<dyn AuthStrategy>, filter: EndpointFilter) -> Self {
        TokenCache {
            strategy,
            filter,
            endpoint_override: None,
            clock: Arc::new(SystemClock),
            margin: DEFAULT_REFRESH_MARGIN,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(None),
            attempts: AtomicU64::new(0),
            store: None,
        }
    }

    /// Keeps sessions in `store` under `key` between runs: a stored session still valid for
    /// [`STORE_MIN_VALIDITY`] (or the refresh margin, if longer) is used without authenticating,
    /// and each new session is saved there.
    pub fn with_store(mut self, store: Arc<dyn TokenStore>, key: TokenKey) -> Self {
        self.store = Some((store, key));
        self
    }

    /// Returns the stored session, when it is fresh enough to use.
    fn load_stored(&self) -> Option<Arc<Session>> {
        let (store, key) = self.store.as_ref()?;
        let mut session = store.load(key)?;
        let need = self.margin.max(STORE_MIN_VALIDITY);
        if session.expires_at.is_none() || session.expires_within(self.clock.now(), need) {
            tracing::debug!("the stored token expires too soon; authenticating");
            return None;
        }
        if let Some(endpoint) = &self.endpoint_override {
            session.endpoint.clone_from(endpoint);
        }
        tracing::debug!("using the stored token");
        Some(Arc::new(session))
    }

    /// Uses `endpoint` instead of the one the strategy found (`OS_ENDPOINT_OVERRIDE`).
    pub fn with_endpoint_override(mut self, endpoint: Option<String>) -> Self {
        self.endpoint_override = endpoint.map(|e| trim_endpoint(&e));
        self
    }

    /// Reads the time from `clock` (tests inject a manual clock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces tokens `margin` before they expire (default [`DEFAULT_REFRESH_MARGIN`]), or
    /// halfway through their life when that comes later: a margin as long as the token's
    /// lifetime would make every call authenticate.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Returns the margin applied to `session`: the configured one, at most half its lifetime.
    pub fn refresh_margin_for(&self, session: &Session) -> Duration {
        match session.lifetime() {
            Some(lifetime) => self.margin.min(lifetime / 2),
            None => self.margin,
        }
    }

    /// Returns the strategy.
    pub fn strategy(&self) -> &Arc<dyn AuthStrategy> {
        &self.strategy
    }

    /// Returns how many times the strategy has been asked to authenticate.
    pub fn auth_count(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Returns the cached session if it is still fresh, without authenticating.
    pub fn cached(&self) -> Option<Arc<Session>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|s| !s.expires_within(self.clock.now(), self.refresh_margin_for(s)))
            .cloned()
    }

    /// Returns a fresh session, authenticating when there is none or it is about to expire.
    pub async fn session(&self, http: &dyn AuthHttp) -> Result<Arc<Session>, AuthError> {
        if let Some(s) = self.cached() {
            return Ok(s);
        }
        let seen = self.attempts.load(Ordering::Acquire);
        let mut last_failure = self.refresh.lock().await;
        if let Some(s) = self.cached() {
            return Ok(s);
        }
        if self.attempts.load(Ordering::Acquire) != seen {
            // Another task authenticated while this one waited, and failed: share its answer
            // instead of sending the same bad credentials again.
            if let Some(err) = last_failure.as_ref() {
                return Err(AuthError::Shared(err.clone()));
            }
        }
        if let Some(session) = self.load_stored() {
            *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(session.clone());
            *last_failure = None;
            return Ok(session);
        }
        self.attempts.fetch_add(1, Ordering::AcqRel);
        tracing::debug!(strategy = self.strategy.name(), "authenticating");
        match self.strategy.authenticate(http, &self.filter).await {
            Ok(mut session) => {
                // Saved before the override, which is applied again on load.
                if let Some((store, key)) = &self.store {
                    if session.expires_at.is_some() {
                        store.save(key, &session);
                    }
                }
                if let Some(endpoint) = &self.endpoint_override {
                    session.endpoint.clone_from(endpoint);
                }
                // Without the server's word, the lifetime counts from now: the margin can then
                // only come out shorter than the token's real half-life, never longer.
                if session.issued_at.is_none() && session.expires_at.is_some() {
                    session.issued_at = Some(self.clock.now());
                }
                let session = Arc::new(session);
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(session.clone());
                *last_failure = None;
                Ok(session)
            }
            Err(err) => {
                tracing::warn!(strategy = self.strategy.name(), error = %err, "authentication failed");
                let err = Arc::new(err);
                *last_failure = Some(err.clone());
                Err(AuthError::Shared(err))
            }
        }
    }

    /// Forgets `stale` after the server rejected it, so the next call re-authenticates. A session
    /// that was already replaced by another task is left alone, so concurrent 401s cause one
    /// re-authentication, not one each.
    pub fn invalidate(&self, stale: &Arc<Session>) {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        if guard
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(current, stale))
        {
            *guard = None;
            if let Some((store, key)) = &self.store {
                store.discard(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::{from_fn, NoHttp};
    use std::sync::Mutex;
    use std::time::SystemTime;

    #[derive(Debug)]
    struct ManualClock(Mutex<SystemTime>);
    impl Clock for ManualClock {
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap()
        }
    }

    /// A strategy issuing tokens `t1`, `t2`, ... that live `lifetime` from the clock's time
    /// when asked, stamped with that time as Keystone stamps `issued_at`, and counting its calls
    /// into `calls`. It answers after `latency` of tokio time or, with none, after yielding once
    /// so concurrent callers really overlap; with `fail` it rejects instead.
    fn issuing(
        clock: Arc<dyn Clock>,
        lifetime: Duration,
        latency: Option<Duration>,
        fail: bool,
        calls: Arc<AtomicU64>,
    ) -> impl AuthStrategy {
        from_fn("issuing", move |_, _| {
            let (clock, calls) = (clock.clone(), calls.clone());
            Box::pin(async move {
                let issued = clock.now();
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                match latency {
                    Some(latency) => tokio::time::sleep(latency).await,
                    None => tokio::task::yield_now().await,
                }
                if fail {
                    return Err(AuthError::Rejected {
                        url: "u".into(),
                        status: 401,
                        message: "no".into(),
                    });
                }
                Ok(Session::new(format!("t{n}"), "http://e/v1.0/p")
                    .with_expires_at(issued + lifetime)
                    .with_issued_at(issued))
            })
        })
    }

    /// A cache over tokens that live an hour, issued on a manual clock.
    fn setup(fail: bool) -> (Arc<ManualClock>, Arc<AtomicU64>, Arc<TokenCache>) {
        let clock = Arc::new(ManualClock(Mutex::new(
            std::time::UNIX_EPOCH + Duration::from_secs(1_000_000),
        )));
        let calls = Arc::new(AtomicU64::new(0));
        let strategy = issuing(
            clock.clone(),
            Duration::from_secs(3600),
            None,
            fail,
            calls.clone(),
        );
        let cache = TokenCache::new(Arc::new(strategy), EndpointFilter::default())
            .with_clock(clock.clone())
            .with_refresh_margin(Duration::from_secs(60));
        (clock, calls, Arc::new(cache))
    }

    async fn burst(cache: &Arc<TokenCache>, n: usize) -> Vec<Result<String, String>> {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move {
                    cache
                        .session(&NoHttp)
                        .await
                        .map(|s| s.token.expose().to_owned())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_hundred_callers_across_an_expiry_cause_one_auth_each_time() {
        let (clock, calls, cache) = setup(false);
        let first = burst(&cache, 200).await;
        assert!(first.iter().all(|r| r.as_deref() == Ok("t1")));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // Inside the refresh margin: the token is replaced, once.
        *clock.0.lock().unwrap() += Duration::from_secs(3600 - 30);
        let second = burst(&cache, 200).await;
        assert!(
            second.iter().all(|r| r.as_deref() == Ok("t2")),
            "{second:?}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.auth_count(), 2);
    }

    #[tokio::test]
    async fn invalidating_a_stale_session_twice_reauthenticates_once() {
        let (_clock, calls, cache) = setup(false);
        let s1 = cache.session(&NoHttp).await.unwrap();
        cache.invalidate(&s1);
        let s2 = cache.session(&NoHttp).await.unwrap();
        cache.invalidate(&s1); // a late 401 for the old token must not discard the new one
        let s3 = cache.session(&NoHttp).await.unwrap();
        assert!(Arc::ptr_eq(&s2, &s3));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_auth_is_shared_by_the_waiting_callers() {
        let (_clock, calls, cache) = setup(true);
        let results = burst(&cache, 50).await;
        assert!(results.iter().all(|r| r.is_err()));
        assert!(
            calls.load(Ordering::SeqCst) < 50,
            "every waiter re-sent bad credentials"
        );
    }

    /// The wall clock of paused tokio time: it moves exactly as the test's virtual time does.
    #[derive(Debug)]
    struct TokioClock {
        base: SystemTime,
        start: tokio::time::Instant,
    }
    impl Clock for TokioClock {
        fn now(&self) -> SystemTime {
            self.base + self.start.elapsed()
        }
    }

    /// Runs 200 callers that each ask for a session at the same 40 ticks, `lifetime / 9`
    /// apart (four lifetimes and a third); returns the number of authentications, checking
    /// that no caller got an expired token.
    async fn authentications_for(lifetime: Duration, margin: Option<Duration>) -> u64 {
        let clock = Arc::new(TokioClock {
            base: std::time::UNIX_EPOCH + Duration::from_secs(1_000_000),
            start: tokio::time::Instant::now(),
        });
        let calls = Arc::new(AtomicU64::new(0));
        let strategy = issuing(
            clock.clone(),
            lifetime,
            Some(Duration::from_millis(100)),
            false,
            calls.clone(),
        );
        let mut cache = TokenCache::new(Arc::new(strategy), EndpointFilter::default())
            .with_clock(clock.clone());
        if let Some(margin) = margin {
            cache = cache.with_refresh_margin(margin);
        }
        let cache = Arc::new(cache);
        let tick = lifetime / 9;
        let start = tokio::time::Instant::now();
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let (cache, clock) = (cache.clone(), clock.clone());
                tokio::spawn(async move {
                    for k in 0..40 {
                        tokio::time::sleep_until(start + tick * k).await;
                        let session = cache.session(&NoHttp).await.unwrap();
                        assert!(session.expires_at.unwrap() > clock.now(), "expired token");
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(cache.auth_count(), calls.load(Ordering::SeqCst));
        calls.load(Ordering::SeqCst)
    }

    #[tokio::test(start_paused = true)]
    async fn every_token_lifetime_costs_one_authentication_per_token_for_all_callers() {
        // The margin is min(300 s, lifetime / 2), so a token is replaced at the first tick
        // once it is lifetime - margin old: 10 s, 60 s, 300 s and 3300 s, that is 4.5 ticks
        // (replaced every 5th tick: 0, 5, ... 35) or, for an hour, 8.25 ticks (every 9th).
        let secs = Duration::from_secs;
        assert_eq!(authentications_for(secs(20), None).await, 8);
        assert_eq!(authentications_for(secs(120), None).await, 8);
        assert_eq!(authentications_for(secs(600), None).await, 8);
        assert_eq!(authentications_for(secs(3600), None).await, 5);
        // A margin set on the builder is capped at half the lifetime...
        assert_eq!(authentications_for(secs(120), Some(secs(300))).await, 8);
        // ...and a shorter one replaces later: 15 s old is 6.75 ticks, so every 7th.
        assert_eq!(authentications_for(secs(20), Some(secs(5))).await, 6);
    }
}
