//! A token and an endpoint given by the user: no identity service, no catalog.

use futures::future::BoxFuture;

use super::{AuthHttp, AuthStrategy};
use crate::catalog::EndpointFilter;
use crate::error::AuthError;
use crate::session::{trim_endpoint, Session};
use trove_types::Secret;

/// A fixed token sent to a fixed endpoint (`OS_TOKEN` + `OS_ENDPOINT`). After a 401 there is
/// nothing to refresh, so the 401 reaches the caller.
#[derive(Debug, Clone)]
pub struct StaticToken {
    token: Secret,
    endpoint: String,
}

impl StaticToken {
    /// Uses `token` against the tenant-scoped `endpoint`.
    pub fn new(token: impl Into<Secret>, endpoint: &str) -> Self {
        StaticToken {
            token: token.into(),
            endpoint: trim_endpoint(endpoint),
        }
    }
}

impl AuthStrategy for StaticToken {
    fn authenticate<'a>(
        &'a self,
        _http: &'a dyn AuthHttp,
        _filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        Box::pin(async move {
            Ok(Session {
                token: self.token.clone(),
                endpoint: self.endpoint.clone(),
                project_id: None,
                expires_at: None,
                issued_at: None,
                catalog: None,
            })
        })
    }

    fn name(&self) -> &'static str {
        "static-token"
    }
}
