//! Trove's fake-mode contract: the token is the tenant id.

use futures::future::BoxFuture;
use url::Url;

use super::{AuthHttp, AuthStrategy, StaticToken};
use crate::catalog::EndpointFilter;
use crate::error::AuthError;
use crate::session::Session;

/// Fake-mode auth, as Trove's fake keystone filter and the usage guide's `FakeAuth` define it: no
/// request is made, the token is the tenant id, and the endpoint is `<origin of the auth
/// URL>/v1.0/<tenant>`.
#[derive(Debug, Clone)]
pub struct FakeAuth {
    /// Fake mode is a static token scoped to the tenant: the tenant id itself.
    token: StaticToken,
}

impl FakeAuth {
    /// Fake auth for `tenant`, with the endpoint on the same origin as `auth_url`.
    pub fn new(tenant: impl Into<String>, auth_url: &str) -> Result<Self, AuthError> {
        let tenant = tenant.into();
        if tenant.is_empty() || tenant.contains('/') {
            return Err(AuthError::InvalidConfig(format!(
                "fake auth needs a tenant id, got {tenant:?}"
            )));
        }
        let url = Url::parse(auth_url)
            .map_err(|e| AuthError::InvalidConfig(format!("bad auth URL {auth_url:?}: {e}")))?;
        let origin = url.origin().ascii_serialization();
        if origin == "null" {
            return Err(AuthError::InvalidConfig(format!(
                "auth URL {auth_url:?} has no host"
            )));
        }
        let endpoint = format!("{origin}/v1.0/{tenant}");
        Ok(FakeAuth {
            token: StaticToken::new(tenant.clone(), &endpoint).scoped_to(tenant),
        })
    }
}

impl AuthStrategy for FakeAuth {
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        self.token.authenticate(http, filter)
    }

    fn name(&self) -> &'static str {
        "fake"
    }
}
