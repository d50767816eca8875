//! The auth layer: resolves endpoint-relative requests, injects the token, re-authenticates once
//! after a 401.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http::header::{HeaderName, HeaderValue};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::Uri;
use tower::{Layer, Service, ServiceExt};
use trove_auth::{AuthError, AuthHttp, Session, TokenCache};

use crate::error::{BoxError, SendState};
use crate::middleware::replay::{copy_for_replay, KeptExtensions};
use crate::transport::BytesService;
use crate::transport::TransportError;

/// How far a call got, so a deadline that runs out while the call waits for its token can say
/// nothing was sent. Set through [`CALL_PROGRESS`]; only ever moves towards `SENDING`.
pub(crate) const WAITING_FOR_TOKEN: u8 = 1;
/// See [`WAITING_FOR_TOKEN`]: an attempt went below the auth layer and may have been sent.
pub(crate) const SENDING: u8 = 2;

tokio::task_local! {
    /// The progress of the call being polled on this task, when `Client::execute` set one up.
    /// A stack that moved the auth layer onto another task leaves it untouched (0, unknown),
    /// which reads as "maybe sent": only a positively seen token wait claims otherwise.
    pub(crate) static CALL_PROGRESS: Arc<std::sync::atomic::AtomicU8>;
}

/// Records `step` for the call on this task, never going back from [`SENDING`].
fn progress(step: u8) {
    let _ = CALL_PROGRESS.try_with(|p| p.fetch_max(step, std::sync::atomic::Ordering::Relaxed));
}

/// The header Trove (and every OpenStack service) reads the token from.
pub const AUTH_TOKEN: &str = "x-auth-token";

/// [`AUTH_TOKEN`] as a header name, so it is not parsed again on every request.
const AUTH_TOKEN_HEADER: HeaderName = HeaderName::from_static(AUTH_TOKEN);

/// Adds authentication to the requests of the wrapped service. See [`AuthService`].
#[derive(Clone)]
pub struct AuthLayer {
    shared: Arc<Shared>,
}

/// What every clone of the auth service shares, behind one `Arc`: the stack is cloned on every
/// call, and each `Arc` is a reference count the cores of a multi-thread runtime contend for.
struct Shared {
    cache: Arc<TokenCache>,
    auth_http: Arc<dyn AuthHttp>,
    prepared: Mutex<Option<Arc<Prepared>>>,
}

impl AuthLayer {
    /// Authenticates through `cache`, whose strategy sends its requests through `auth_http`.
    pub fn new(cache: Arc<TokenCache>, auth_http: Arc<dyn AuthHttp>) -> Self {
        AuthLayer {
            shared: Arc::new(Shared {
                cache,
                auth_http,
                prepared: Mutex::new(None),
            }),
        }
    }
}

/// What every request of one session needs, worked out once per session: the token as a
/// header value (validated once, not per request) and the endpoint split into the parts a URI
/// is built from.
struct Prepared {
    session: Arc<Session>,
    token: HeaderValue,
    scheme: Scheme,
    authority: Authority,
    /// The endpoint's path without a trailing slash (`/v1.0/<project>`, or empty).
    base_path: String,
}

impl Prepared {
    /// Fails with [`AuthError::InvalidConfig`] when the session cannot be used in HTTP: an
    /// endpoint that is not an absolute URL, or a token that is not a valid header value. The
    /// message never includes the token.
    fn new(session: Arc<Session>) -> Result<Self, AuthError> {
        let not_absolute = || {
            AuthError::InvalidConfig(format!(
                "the endpoint {:?} is not an absolute URL",
                session.endpoint
            ))
        };
        let endpoint: Uri = session.endpoint.parse().map_err(|_| not_absolute())?;
        let parts = endpoint.into_parts();
        let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) else {
            return Err(not_absolute());
        };
        let base_path = parts
            .path_and_query
            .as_ref()
            .map_or("", |p| p.as_str())
            .trim_end_matches('/')
            .to_owned();
        let mut token = HeaderValue::from_str(session.token.expose()).map_err(|_| {
            AuthError::InvalidConfig(
                "the token has characters an HTTP header cannot carry".to_owned(),
            )
        })?;
        token.set_sensitive(true);
        Ok(Prepared {
            session,
            token,
            scheme,
            authority,
            base_path,
        })
    }
}

/// Returns the prepared form of `session`, reusing the last one while the session is the same.
fn prepare(
    slot: &Mutex<Option<Arc<Prepared>>>,
    session: Arc<Session>,
) -> Result<Arc<Prepared>, BoxError> {
    let mut slot = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(prepared) = slot.as_ref() {
        if Arc::ptr_eq(&prepared.session, &session) {
            return Ok(prepared.clone());
        }
    }
    let prepared = Arc::new(Prepared::new(session)?);
    *slot = Some(prepared.clone());
    Ok(prepared)
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// Resolves an origin-form request (`/instances?limit=5`) against the session endpoint and
/// adds `X-Auth-Token`. When Trove answers 401, the session is dropped, a new one obtained, and
/// the request replayed once: a 401 means the request was refused before it was processed, so a
/// replay cannot duplicate it. Absolute URIs pass through untouched and carry no token.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Service<http::Request<Bytes>> for AuthService<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = AuthFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        if request.uri().scheme().is_some() {
            progress(SENDING);
            return AuthFuture::new(State::Direct {
                future: self.inner.call(request),
            });
        }
        // The ready service goes into the future; a fresh clone stays for the next call.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        // The common case, a fresh session in the cache, needs no `await` before sending: the
        // request is sent from here and the future is a plain state, not a boxed `async` block
        // (one allocation per call saved; docs/performance.md).
        let state = match shared.cache.cached() {
            Some(session) => send(inner, shared, session, request),
            None => State::Slow {
                future: Box::pin(async move {
                    progress(WAITING_FOR_TOKEN);
                    let session = session_of(&shared).await?;
                    AuthFuture::new(send(inner, shared, session, request)).await
                }),
            },
        };
        AuthFuture::new(state)
    }
}

/// Sends `request` with `session`'s token through the ready service `inner`, keeping what a
/// replay after a 401 needs.
fn send<S>(
    mut inner: S,
    shared: Arc<Shared>,
    session: Arc<Session>,
    request: http::Request<Bytes>,
) -> State<S>
where
    S: Service<http::Request<Bytes>>,
{
    let prepared = match prepare(&shared.prepared, session.clone()) {
        Ok(prepared) => prepared,
        Err(error) => return State::Failed { error: Some(error) },
    };
    progress(SENDING);
    // The copy for the replay after a 401 keeps the SDK's own extensions as values and copies
    // no map for them (see `replay`).
    let (copy, kept) = copy_for_replay(&request);
    let first = match authorize(request, &prepared) {
        Ok(first) => first,
        Err(error) => return State::Failed { error: Some(error) },
    };
    // `inner` is kept for the rare replay instead of cloning the stack below for every call
    // just in case.
    State::Sent {
        future: inner.call(first),
        replay: Some(Replay {
            inner,
            shared,
            session,
            copy,
            kept,
        }),
    }
}

/// What a call keeps to replay its request once after a 401.
struct Replay<S> {
    inner: S,
    shared: Arc<Shared>,
    session: Arc<Session>,
    copy: http::Request<Bytes>,
    kept: KeptExtensions,
}

pin_project_lite::pin_project! {
    /// The future of an [`AuthService`] call.
    pub struct AuthFuture<S: Service<http::Request<Bytes>>> {
        #[pin]
        state: State<S>,
    }
}

pin_project_lite::pin_project! {
    /// Where an [`AuthFuture`] is.
    #[project = StateProj]
    enum State<S: Service<http::Request<Bytes>>> {
        /// An absolute URI, passed through without a token.
        Direct {
            #[pin]
            future: S::Future,
        },
        /// Sent with the cached session's token; replayed once if Trove answers 401.
        Sent {
            #[pin]
            future: S::Future,
            replay: Option<Replay<S>>,
        },
        /// Authenticating first, or replaying after a 401: rare enough to be boxed.
        Slow {
            future: BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>,
        },
        /// The request could not be authorized (a token or endpoint that is not valid in HTTP).
        Failed {
            error: Option<BoxError>,
        },
    }
}

impl<S: Service<http::Request<Bytes>>> AuthFuture<S> {
    fn new(state: State<S>) -> Self {
        AuthFuture { state }
    }
}

impl<S> Future for AuthFuture<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Output = Result<http::Response<Bytes>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        let replay = match state.as_mut().project() {
            StateProj::Direct { future } => return future.poll(cx),
            StateProj::Slow { future } => return future.as_mut().poll(cx),
            StateProj::Failed { error } => {
                return Poll::Ready(Err(error
                    .take()
                    .unwrap_or_else(|| "auth future polled after completion".into())))
            }
            StateProj::Sent { future, replay } => {
                let response = std::task::ready!(future.poll(cx))?;
                if response.status() != http::StatusCode::UNAUTHORIZED {
                    return Poll::Ready(Ok(response));
                }
                match replay.take() {
                    Some(replay) => replay,
                    None => return Poll::Ready(Ok(response)),
                }
            }
        };
        let mut future = Box::pin(reauthenticate_and_replay(replay));
        let poll = future.as_mut().poll(cx);
        state.set(State::Slow { future });
        poll
    }
}

/// After a 401: drops the rejected session, obtains a new one, and replays the request once.
/// A 401 means the request was refused before it was processed, so the replay cannot
/// duplicate it.
async fn reauthenticate_and_replay<S>(replay: Replay<S>) -> Result<http::Response<Bytes>, BoxError>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>,
{
    let Replay {
        inner,
        shared,
        session,
        copy,
        kept,
    } = replay;
    tracing::debug!(
        strategy = shared.cache.strategy().name(),
        "401 from Trove: re-authenticating once"
    );
    shared.cache.invalidate(&session);
    let session = session_of(&shared).await?;
    let prepared = prepare(&shared.prepared, session)?;
    let mut replay = copy;
    *replay.extensions_mut() = kept.restore();
    inner.oneshot(authorize(replay, &prepared)?).await
}

/// Returns a fresh session from the cache, authenticating on a task of its own: a call that
/// is dropped while it waits (its deadline, a `select!`) leaves the authentication to finish
/// and the token in the cache for the calls that still wait, instead of throwing away a token
/// being issued and making the next caller ask again.
async fn session_of(shared: &Arc<Shared>) -> Result<Arc<Session>, BoxError> {
    let cache = shared.cache.clone();
    let http = shared.auth_http.clone();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return Ok(cache.session(http.as_ref()).await?);
    };
    match runtime
        .spawn(async move { cache.session(http.as_ref()).await })
        .await
    {
        Ok(session) => Ok(session?),
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Err(_) => Err(AuthError::InvalidConfig(
            "authentication was cancelled: the runtime is shutting down".to_owned(),
        )
        .into()),
    }
}

/// Resolves `request`'s URI against the session endpoint and adds the token.
fn authorize(
    mut request: http::Request<Bytes>,
    prepared: &Prepared,
) -> Result<http::Request<Bytes>, BoxError> {
    let path_and_query = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut path = String::with_capacity(prepared.base_path.len() + path_and_query.len());
    path.push_str(&prepared.base_path);
    path.push_str(path_and_query);
    let mut uri = http::uri::Parts::default();
    uri.scheme = Some(prepared.scheme.clone());
    uri.authority = Some(prepared.authority.clone());
    // Both halves were parsed before, so joining them cannot fail in practice; if it did,
    // nothing was sent, and the error says so.
    let not_sent = |source: BoxError| TransportError {
        state: SendState::NotSent,
        source,
    };
    uri.path_and_query = Some(PathAndQuery::try_from(path).map_err(|e| not_sent(e.into()))?);
    *request.uri_mut() = Uri::from_parts(uri).map_err(|e| not_sent(e.into()))?;
    request
        .headers_mut()
        .insert(AUTH_TOKEN_HEADER, prepared.token.clone());
    Ok(request)
}

/// The [`AuthHttp`] handed to strategies: the transport below the auth layer, each request
/// bounded by the identity timeout. Authentication is not timed by the call's attempts, so
/// this limit is what keeps a hung identity service from holding every caller's token.
pub struct StackAuthHttp {
    service: BytesService,
    limit: Option<std::time::Duration>,
}

impl StackAuthHttp {
    /// Sends auth requests through `service`, each limited to `limit` (`None`: no limit).
    pub fn new(service: BytesService, limit: Option<std::time::Duration>) -> Self {
        StackAuthHttp { service, limit }
    }
}

impl AuthHttp for StackAuthHttp {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>> {
        let service = self.service.clone();
        let limit = self.limit;
        Box::pin(async move {
            let sent = service.oneshot(request);
            match limit {
                None => sent.await,
                Some(limit) => match tokio::time::timeout(limit, sent).await {
                    Ok(answer) => answer,
                    Err(_) => Err(
                        Box::new(crate::middleware::timeout::IdentityTimedOut(limit)) as BoxError,
                    ),
                },
            }
        })
    }
}
