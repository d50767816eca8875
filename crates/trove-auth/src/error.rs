//! The errors of authentication, each saying which step failed.

use crate::strategy::BoxError;

/// Why authentication failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The identity service could not be reached (connection refused, DNS, TLS, timeout).
    ///
    /// The cause is this error's `source()`, not part of its message, so a reporter that prints
    /// the chain (anyhow's `{:#}`, the `trove` CLI) shows it once.
    #[error("cannot reach the identity service at {url}")]
    Connect {
        /// The URL that was tried.
        url: String,
        /// The transport's error.
        #[source]
        source: BoxError,
    },
    /// The identity service refused the credentials (usually 401).
    #[error("the identity service at {url} rejected the credentials ({status}): {message}")]
    Rejected {
        /// The URL that answered.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What the service said.
        message: String,
    },
    /// The identity service answered something this strategy cannot read.
    #[error("malformed answer from the identity service at {url}: {reason}")]
    Malformed {
        /// The URL that answered.
        url: String,
        /// What was wrong with it.
        reason: String,
    },
    /// No endpoint in the catalog matched.
    #[error("no endpoint matches {wanted}; the catalog has: {available}")]
    EndpointNotFound {
        /// The filter that was applied.
        wanted: String,
        /// What the catalog offers (`type/name interface region url`), comma separated.
        available: String,
    },
    /// More than one endpoint matched; a region, service name or interface must be given.
    #[error("{count} endpoints match {wanted}: {matches}; give a region or service name")]
    AmbiguousEndpoints {
        /// The filter that was applied.
        wanted: String,
        /// How many matched.
        count: usize,
        /// The matches, comma separated.
        matches: String,
    },
    /// The strategy's configuration is unusable (a bad URL, a missing field).
    #[error("invalid auth configuration: {0}")]
    InvalidConfig(String),
    /// An authentication attempt shared by several concurrent callers failed.
    #[error(transparent)]
    Shared(std::sync::Arc<AuthError>),
}

impl AuthError {
    /// Returns true when retrying the same credentials cannot help.
    pub fn is_permanent(&self) -> bool {
        match self {
            AuthError::Connect { .. } => false,
            AuthError::Shared(inner) => inner.is_permanent(),
            _ => true,
        }
    }

    /// Returns the underlying error, looking through [`AuthError::Shared`].
    pub fn root(&self) -> &AuthError {
        match self {
            AuthError::Shared(inner) => inner.root(),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message of the chain, source by source, as an error reporter prints it.
    fn chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut messages = vec![err.to_string()];
        let mut source = err.source();
        while let Some(s) = source {
            messages.push(s.to_string());
            source = s.source();
        }
        messages
    }

    #[test]
    fn a_connect_error_prints_its_cause_once_along_the_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("tcp connect error")]
        struct Tcp(#[source] std::io::Error);
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = AuthError::Connect {
            url: "http://keystone:5000/v3/auth/tokens".into(),
            source: Box::new(Tcp(io)),
        };
        assert_eq!(
            chain(&err),
            [
                "cannot reach the identity service at http://keystone:5000/v3/auth/tokens",
                "tcp connect error",
                "refused",
            ]
        );
        let shared = AuthError::Shared(std::sync::Arc::new(err));
        let messages = chain(&shared);
        assert_eq!(messages.iter().filter(|m| m.contains("refused")).count(), 1);
    }
}
