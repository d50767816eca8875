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
    session: Session,
}

impl StaticToken {
    /// Uses `token` against the tenant-scoped `endpoint`.
    pub fn new(token: impl Into<Secret>, endpoint: &str) -> Self {
        StaticToken {
            session: Session::new(token, trim_endpoint(endpoint)),
        }
    }

    /// The same token, known to be scoped to `project`.
    pub(crate) fn scoped_to(mut self, project: String) -> Self {
        self.session.project_id = Some(project);
        self
    }
}

impl AuthStrategy for StaticToken {
    fn authenticate<'a>(
        &'a self,
        _http: &'a dyn AuthHttp,
        _filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        // The session is known without asking anyone.
        Box::pin(futures::future::ready(Ok(self.session.clone())))
    }

    fn name(&self) -> &'static str {
        "static-token"
    }
}
