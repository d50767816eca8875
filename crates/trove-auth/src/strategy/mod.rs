//! The [`AuthStrategy`] trait, the HTTP it is given, and the built-in strategies.

use std::fmt::Debug;

use bytes::Bytes;
use futures::future::BoxFuture;

use crate::catalog::EndpointFilter;
use crate::error::AuthError;
use crate::session::Session;

mod fake;
mod keystone_v3;
mod static_token;

pub use fake::FakeAuth;
pub use keystone_v3::{KeystoneV3, Scope, V3Method};
pub use static_token::StaticToken;

/// A boxed error of a transport.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The HTTP a strategy may use to talk to the identity service. trove-core provides one built
/// on the client's transport; tests provide canned answers.
pub trait AuthHttp: Send + Sync {
    /// Sends one request and returns the whole response.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>>;
}

/// An [`AuthHttp`] for strategies that need no HTTP; any request is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHttp;

impl AuthHttp for NoHttp {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>> {
        Box::pin(async { Err("this client has no HTTP transport for authentication".into()) })
    }
}

/// Turns credentials into a [`Session`].
///
/// Implement it to plug in an authentication scheme of your own; the client calls it when it has
/// no valid token, when the token is about to expire, and once after a 401.
pub trait AuthStrategy: Send + Sync + Debug + 'static {
    /// Authenticates, using `http` for any request and `filter` to pick the Trove endpoint from
    /// a catalog.
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>>;

    /// A short name for logs, such as `keystone-v3-password`.
    fn name(&self) -> &'static str;
}

/// Sends a JSON POST and maps transport failures to [`AuthError::Connect`].
pub(crate) async fn post_json(
    http: &dyn AuthHttp,
    url: &str,
    body: &serde_json::Value,
) -> Result<http::Response<Bytes>, AuthError> {
    let bytes = serde_json::to_vec(body).map_err(|e| AuthError::InvalidConfig(e.to_string()))?;
    let request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .body(Bytes::from(bytes))
        .map_err(|e| AuthError::InvalidConfig(format!("bad auth URL {url:?}: {e}")))?;
    http.send(request)
        .await
        .map_err(|source| AuthError::Connect {
            url: url.to_owned(),
            source,
        })
}

/// Maps a non-success answer of the identity service to [`AuthError::Rejected`].
pub(crate) fn rejected(url: &str, response: &http::Response<Bytes>) -> AuthError {
    let fault = trove_types::Fault::from_body(response.status().as_u16(), response.body());
    AuthError::Rejected {
        url: url.to_owned(),
        status: response.status().as_u16(),
        message: fault.message,
    }
}
