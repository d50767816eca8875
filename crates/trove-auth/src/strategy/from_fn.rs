//! A strategy made of a function, for an identity service of one's own or a test's.

use std::fmt;

use futures::future::BoxFuture;

use super::{AuthHttp, AuthStrategy};
use crate::catalog::EndpointFilter;
use crate::error::AuthError;
use crate::session::Session;

/// What [`from_fn`] calls to authenticate.
type AuthFn = dyn for<'a> Fn(&'a dyn AuthHttp, &'a EndpointFilter) -> BoxFuture<'a, Result<Session, AuthError>>
    + Send
    + Sync;

/// An [`AuthStrategy`] that calls a function; made by [`from_fn`].
pub struct FnStrategy {
    name: &'static str,
    authenticate: Box<AuthFn>,
}

/// An [`AuthStrategy`] named `name` that authenticates by calling `authenticate` with the
/// HTTP and the endpoint filter the client gives it, instead of a type of one's own.
///
/// ```
/// use trove_auth::{strategy::from_fn, AuthStrategy, EndpointFilter, NoHttp, Session};
///
/// let strategy = from_fn("vault", |_http, _filter| {
///     Box::pin(async { Ok(Session::new("t0k3n", "https://trove.example/v1.0/p1")) })
/// });
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let session = strategy.authenticate(&NoHttp, &EndpointFilter::default()).await?;
/// assert_eq!(session.token.expose(), "t0k3n");
/// # Ok::<(), trove_auth::AuthError>(())
/// # }).unwrap();
/// ```
pub fn from_fn<F>(name: &'static str, authenticate: F) -> FnStrategy
where
    F: for<'a> Fn(
            &'a dyn AuthHttp,
            &'a EndpointFilter,
        ) -> BoxFuture<'a, Result<Session, AuthError>>
        + Send
        + Sync
        + 'static,
{
    FnStrategy {
        name,
        authenticate: Box::new(authenticate),
    }
}

impl fmt::Debug for FnStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnStrategy")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl AuthStrategy for FnStrategy {
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        (self.authenticate)(http, filter)
    }

    fn name(&self) -> &'static str {
        self.name
    }
}
