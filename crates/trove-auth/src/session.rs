//! What authentication yields: a token, an endpoint and what came with them.

use std::time::{Duration, SystemTime};

use trove_types::Secret;

use crate::catalog::Catalog;

/// An authenticated session with Trove.
#[derive(Debug, Clone)]
pub struct Session {
    /// The token sent as `X-Auth-Token`.
    pub token: Secret,
    /// The tenant-scoped Trove endpoint, such as `http://host:8779/v1.0/<project>`, without a
    /// trailing slash.
    pub endpoint: String,
    /// The project (tenant) the token is scoped to, when known.
    pub project_id: Option<String>,
    /// When the token expires; `None` means never (fake and static tokens).
    pub expires_at: Option<SystemTime>,
    /// When the identity service issued the token (Keystone's `issued_at`); when it does not
    /// say, the token cache fills in the time it received the token. With `expires_at` it gives
    /// the token's lifetime, which the refresh margin follows.
    pub issued_at: Option<SystemTime>,
    /// The service catalog, when the identity service sent one.
    pub catalog: Option<Catalog>,
}

impl Session {
    /// A session with `token` against the tenant-scoped `endpoint`, with nothing else known: no
    /// project, no expiry (the token never expires), no issue time and no catalog. The `with_`
    /// setters add what the identity service said.
    pub fn new(token: impl Into<Secret>, endpoint: impl Into<String>) -> Self {
        Session {
            token: token.into(),
            endpoint: endpoint.into(),
            project_id: None,
            expires_at: None,
            issued_at: None,
            catalog: None,
        }
    }

    /// Sets the project (tenant) the token is scoped to.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets when the token expires.
    pub fn with_expires_at(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Sets when the identity service issued the token.
    pub fn with_issued_at(mut self, issued_at: SystemTime) -> Self {
        self.issued_at = Some(issued_at);
        self
    }

    /// Sets the service catalog.
    pub fn with_catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// Returns true when the token expires within `margin` of `now`.
    pub fn expires_within(&self, now: SystemTime, margin: Duration) -> bool {
        match self.expires_at {
            None => false,
            Some(at) => now + margin >= at,
        }
    }

    /// Returns how long the token lives from issue to expiry, when both are known.
    pub fn lifetime(&self) -> Option<Duration> {
        let (issued, expires) = (self.issued_at?, self.expires_at?);
        Some(expires.duration_since(issued).unwrap_or(Duration::ZERO))
    }
}

/// Removes trailing slashes so paths can be appended with a single `/`.
pub(crate) fn trim_endpoint(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}
