//! The auth layer: resolves endpoint-relative requests, injects the token, re-authenticates once
//! after a 401.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http::header::HeaderValue;
use http::Uri;
use tower::{Layer, Service, ServiceExt};
use trove_auth::{AuthHttp, Session, TokenCache};

use crate::error::BoxError;
use crate::transport::HttpService;

/// The header Trove (and every OpenStack service) reads the token from.
pub const AUTH_TOKEN: &str = "x-auth-token";

/// Adds authentication to the requests of the wrapped service. See [`AuthService`].
#[derive(Clone)]
pub struct AuthLayer {
    cache: Arc<TokenCache>,
    auth_http: Arc<dyn AuthHttp>,
}

impl AuthLayer {
    /// Authenticates through `cache`, whose strategy sends its requests through `auth_http`.
    pub fn new(cache: Arc<TokenCache>, auth_http: Arc<dyn AuthHttp>) -> Self {
        AuthLayer { cache, auth_http }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            inner,
            cache: self.cache.clone(),
            auth_http: self.auth_http.clone(),
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
    cache: Arc<TokenCache>,
    auth_http: Arc<dyn AuthHttp>,
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
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        // The ready service goes into the future; a fresh clone stays for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let cache = self.cache.clone();
        let auth_http = self.auth_http.clone();
        Box::pin(async move {
            if request.uri().scheme().is_some() {
                return inner.call(request).await;
            }
            let session = cache.session(auth_http.as_ref()).await?;
            let first = authorize(&request, &session)?;
            // `inner` is ready (polled by `poll_ready`) and is used again for the rare replay,
            // instead of cloning the stack below for every call just in case (issue #8).
            let response = inner.call(first).await?;
            if response.status() != http::StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            tracing::debug!(
                strategy = cache.strategy().name(),
                "401 from Trove: re-authenticating once"
            );
            cache.invalidate(&session);
            let session = cache.session(auth_http.as_ref()).await?;
            inner.oneshot(authorize(&request, &session)?).await
        })
    }
}

/// Copies `request` with its URI resolved against the session endpoint and the token added.
fn authorize(
    request: &http::Request<Bytes>,
    session: &Session,
) -> Result<http::Request<Bytes>, BoxError> {
    let path_and_query = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let uri: Uri = format!("{}{}", session.endpoint, path_and_query).parse()?;
    let mut token = HeaderValue::from_str(session.token.expose())?;
    token.set_sensitive(true);
    let mut out = http::Request::builder()
        .method(request.method().clone())
        .uri(uri)
        .version(request.version())
        .body(request.body().clone())?;
    *out.headers_mut() = request.headers().clone();
    *out.extensions_mut() = request.extensions().clone();
    out.headers_mut().insert(AUTH_TOKEN, token);
    Ok(out)
}

/// The [`AuthHttp`] handed to strategies: the transport below the auth layer.
pub struct StackAuthHttp {
    service: HttpService,
}

impl StackAuthHttp {
    /// Sends auth requests through `service`.
    pub fn new(service: HttpService) -> Self {
        StackAuthHttp { service }
    }
}

impl AuthHttp for StackAuthHttp {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>> {
        let service = self.service.clone();
        Box::pin(service.oneshot(request))
    }
}
