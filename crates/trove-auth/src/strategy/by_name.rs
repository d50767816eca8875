//! Strategies chosen by name from the seed's four values, as python-troveclient's
//! `auth_strategy` chose them.

use std::sync::Arc;

use super::{Auth11, AuthStrategy, FakeAuth, KeystoneV2, KeystoneV3, Scope, Tenant, V3Method};
use crate::error::AuthError;
use trove_types::Secret;

/// The seed's credentials: `Dbaas(user, key, tenant, auth_url)`. What `key` is depends on the
/// strategy: a password, an API key, an application-credential secret or a token.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user name (or, for `v3applicationcredential`, the credential id).
    pub user: String,
    /// The password, API key, secret or token.
    pub key: Secret,
    /// The tenant (project) name.
    pub tenant: String,
    /// The identity service URL.
    pub auth_url: String,
}

impl Credentials {
    /// Bundles the four values.
    pub fn new(user: &str, key: impl Into<Secret>, tenant: &str, auth_url: &str) -> Self {
        Credentials {
            user: user.to_owned(),
            key: key.into(),
            tenant: tenant.to_owned(),
            auth_url: auth_url.to_owned(),
        }
    }

    fn tenant(&self) -> Tenant {
        if self.tenant.is_empty() {
            Tenant::None
        } else {
            Tenant::Name(self.tenant.clone())
        }
    }
}

/// The names [`by_name`] knows, for error messages and documentation.
pub const NAMES: &[&str] = &[
    "keystone",
    "keystone-v3",
    "v3password",
    "password",
    "keystone-v2",
    "v2password",
    "v3applicationcredential",
    "v3token",
    "rax",
    "rax2",
    "auth1.1",
    "fake",
];

/// Returns the strategy `name` designates, built from the seed's four values.
///
/// * `keystone`: Keystone v3 password auth with project `tenant` in domain `Default`, or
///   Keystone v2.0 when the auth URL's path has a `/v2.0` segment (as the seed's
///   `http://host:35357/v2.0/tokens` URLs did);
/// * `keystone-v3`, `v3password`, `password`: Keystone v3 password auth;
/// * `keystone-v2`, `v2password`: Keystone v2.0 `passwordCredentials` with `tenantName`;
/// * `v3applicationcredential`: `user` is the credential id and `key` its secret;
/// * `v3token`: `key` is a token, rescoped to project `tenant`;
/// * `rax`, `rax2`: Rackspace `RAX-KSKEY:apiKeyCredentials` (`rax2` appends `/tokens`);
/// * `auth1.1`: `{"credentials": {"username", "key"}}`;
/// * `fake`: Trove fake mode, token = tenant, no request.
///
/// ```
/// use trove_auth::strategy::{by_name, Credentials};
///
/// let creds = Credentials::new("jsmith", "abcdef", "demo", "http://keystone:5000/v2.0");
/// assert_eq!(by_name("keystone", &creds)?.name(), "keystone-v2-password");
/// assert_eq!(by_name("rax", &creds)?.name(), "rax");
/// assert!(by_name("kerberos", &creds).is_err());
/// # Ok::<(), trove_auth::AuthError>(())
/// ```
pub fn by_name(name: &str, c: &Credentials) -> Result<Arc<dyn AuthStrategy>, AuthError> {
    let v3_password = || KeystoneV3::password(&c.auth_url, &c.user, c.key.clone(), &c.tenant);
    let v2_password = || KeystoneV2::password(&c.auth_url, &c.user, c.key.clone(), c.tenant());
    Ok(match name {
        "keystone" if is_v2_url(&c.auth_url) => Arc::new(v2_password()),
        "keystone" | "keystone-v3" | "v3password" | "password" => Arc::new(v3_password()),
        "keystone-v2" | "v2password" => Arc::new(v2_password()),
        "v3applicationcredential" => Arc::new(KeystoneV3::application_credential(
            &c.auth_url,
            &c.user,
            c.key.clone(),
        )),
        "v3token" => Arc::new(KeystoneV3::new(
            &c.auth_url,
            V3Method::Token {
                token: c.key.clone(),
            },
            Scope::ProjectName {
                name: c.tenant.clone(),
                domain: Default::default(),
            },
        )),
        "rax" => Arc::new(KeystoneV2::rax(
            &c.auth_url,
            &c.user,
            c.key.clone(),
            c.tenant(),
        )),
        "rax2" => Arc::new(KeystoneV2::rax2(
            &c.auth_url,
            &c.user,
            c.key.clone(),
            c.tenant(),
        )),
        "auth1.1" => Arc::new(Auth11::new(&c.auth_url, &c.user, c.key.clone())),
        "fake" => Arc::new(FakeAuth::new(c.tenant.as_str(), &c.auth_url)?),
        other => {
            return Err(AuthError::InvalidConfig(format!(
                "unknown auth strategy {other:?}; known: {}",
                NAMES.join(", ")
            )))
        }
    })
}

/// True when the URL's path has a `v2.0` segment.
fn is_v2_url(url: &str) -> bool {
    url::Url::parse(url)
        .map(|u| {
            u.path_segments()
                .is_some_and(|mut s| s.any(|p| p == "v2.0"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_builds_its_strategy() {
        let c = Credentials::new("u", "k", "t", "http://id:5000");
        let names: Vec<_> = NAMES
            .iter()
            .map(|n| by_name(n, &c).unwrap().name())
            .collect();
        assert_eq!(
            names,
            [
                "keystone-v3-password",
                "keystone-v3-password",
                "keystone-v3-password",
                "keystone-v3-password",
                "keystone-v2-password",
                "keystone-v2-password",
                "keystone-v3-application-credential",
                "keystone-v3-token",
                "rax",
                "rax2",
                "auth1.1",
                "fake",
            ]
        );
        let v2 = Credentials::new("u", "k", "t", "http://id:35357/v2.0/tokens");
        assert_eq!(
            by_name("keystone", &v2).unwrap().name(),
            "keystone-v2-password"
        );
        let err = by_name("nope", &c).unwrap_err().to_string();
        assert!(err.contains("auth1.1") && err.contains("\"nope\""), "{err}");
    }
}
