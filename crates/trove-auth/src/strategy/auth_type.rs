//! The one table of auth type names: what the builder's `auth_strategy`, `OS_AUTH_TYPE` and
//! clouds.yaml's `auth_type` may say, and the strategy each name means.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use super::{
    Auth11, AuthStrategy, FakeAuth, KeystoneV2, KeystoneV3, Scope, StaticToken, Tenant, V3Method,
};
use crate::error::AuthError;
use trove_types::Secret;

/// An authentication type: which strategy a name (`keystone`, `v3token`, `rax`...) designates.
///
/// Parsing ignores case and treats `-` and `_` alike, so clouds.yaml's `v3password` and
/// `application_credential`, python-troveclient's `keystone` and `auth1.1`, and keystoneauth's
/// `admin_token` are all accepted; [`NAMES`] lists every spelling.
///
/// ```
/// use trove_auth::AuthType;
///
/// assert_eq!("keystone".parse::<AuthType>()?, AuthType::Password);
/// assert_eq!("Keystone-V2".parse::<AuthType>()?, AuthType::V2Password);
/// assert_eq!("application_credential".parse::<AuthType>()?, AuthType::V3ApplicationCredential);
/// assert_eq!(AuthType::V3Token.to_string(), "v3token");
/// assert!("kerberos".parse::<AuthType>().is_err());
/// # Ok::<(), trove_auth::AuthError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthType {
    /// `keystone`, `password`: Keystone password auth, v2.0 when the configuration points at
    /// v2.0 (a `/v2.0` auth URL, or `identity_api_version: 2`), else v3.
    Password,
    /// `keystone-v3`, `v3password`: Keystone v3 password auth.
    V3Password,
    /// `keystone-v2`, `v2password`: Keystone v2.0 `passwordCredentials`.
    V2Password,
    /// `token`, `v3token`: a Keystone v3 token, rescoped to the project.
    V3Token,
    /// `v3applicationcredential`, `applicationcredential`, `application_credential`: a Keystone
    /// v3 application credential.
    V3ApplicationCredential,
    /// `admin_token`, `token_endpoint`, `static`: a fixed token and endpoint, no identity
    /// service.
    AdminToken,
    /// `rax`: Rackspace `RAX-KSKEY:apiKeyCredentials`.
    Rax,
    /// `rax2`: as `rax`, the URL getting `/tokens` appended.
    Rax2,
    /// `auth1.1`: `{"credentials": {"username", "key"}}`.
    Auth11,
    /// `fake`: Trove's fake mode, where the token is the tenant id; no request.
    Fake,
}

/// Every accepted name and its type; parsing compares names without case, `-` or `_`.
const TABLE: &[(&str, AuthType)] = &[
    ("keystone", AuthType::Password),
    ("password", AuthType::Password),
    ("keystone-v3", AuthType::V3Password),
    ("v3password", AuthType::V3Password),
    ("keystone-v2", AuthType::V2Password),
    ("v2password", AuthType::V2Password),
    ("token", AuthType::V3Token),
    ("v3token", AuthType::V3Token),
    ("v3applicationcredential", AuthType::V3ApplicationCredential),
    ("applicationcredential", AuthType::V3ApplicationCredential),
    ("application_credential", AuthType::V3ApplicationCredential),
    ("admin_token", AuthType::AdminToken),
    ("token_endpoint", AuthType::AdminToken),
    ("static", AuthType::AdminToken),
    ("rax", AuthType::Rax),
    ("rax2", AuthType::Rax2),
    ("auth1.1", AuthType::Auth11),
    ("fake", AuthType::Fake),
];

/// The names [`AuthType`] parses, for error messages and documentation.
pub const NAMES: &[&str] = &[
    "keystone",
    "password",
    "keystone-v3",
    "v3password",
    "keystone-v2",
    "v2password",
    "token",
    "v3token",
    "v3applicationcredential",
    "applicationcredential",
    "application_credential",
    "admin_token",
    "token_endpoint",
    "static",
    "rax",
    "rax2",
    "auth1.1",
    "fake",
];

fn folded(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
}

impl FromStr for AuthType {
    type Err = AuthError;

    fn from_str(name: &str) -> Result<Self, AuthError> {
        TABLE
            .iter()
            .find(|(known, _)| folded(known).eq(folded(name)))
            .map(|(_, kind)| *kind)
            .ok_or_else(|| {
                AuthError::InvalidConfig(format!(
                    "unknown auth type {name:?}; known: {}",
                    NAMES.join(", ")
                ))
            })
    }
}

impl AuthType {
    /// Returns the name this type is written as in clouds.yaml.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Password => "password",
            AuthType::V3Password => "v3password",
            AuthType::V2Password => "v2password",
            AuthType::V3Token => "v3token",
            AuthType::V3ApplicationCredential => "v3applicationcredential",
            AuthType::AdminToken => "admin_token",
            AuthType::Rax => "rax",
            AuthType::Rax2 => "rax2",
            AuthType::Auth11 => "auth1.1",
            AuthType::Fake => "fake",
        }
    }

    /// Builds this type's strategy from python-troveclient's four values.
    ///
    /// * [`Password`](AuthType::Password): project `tenant` in domain `Default` over Keystone
    ///   v3, or v2.0 when the auth URL's path has a `v2.0` segment (as python-troveclient's
    ///   `http://host:35357/v2.0/tokens` URLs did);
    /// * [`V3ApplicationCredential`](AuthType::V3ApplicationCredential): `user` is the
    ///   credential id and `key` its secret;
    /// * [`V3Token`](AuthType::V3Token): `key` is a token, rescoped to project `tenant`;
    /// * [`AdminToken`](AuthType::AdminToken): `key` is the token and `auth_url` the Trove
    ///   endpoint;
    /// * [`Fake`](AuthType::Fake): the token is `tenant`.
    pub fn strategy(self, c: &Credentials) -> Result<Arc<dyn AuthStrategy>, AuthError> {
        let v3_password = || KeystoneV3::password(&c.auth_url, &c.user, c.key.clone(), &c.tenant);
        let v2_password = || KeystoneV2::password(&c.auth_url, &c.user, c.key.clone(), c.tenant());
        Ok(match self {
            AuthType::Password if is_v2_url(&c.auth_url) => Arc::new(v2_password()),
            AuthType::Password | AuthType::V3Password => Arc::new(v3_password()),
            AuthType::V2Password => Arc::new(v2_password()),
            AuthType::V3ApplicationCredential => Arc::new(KeystoneV3::application_credential(
                &c.auth_url,
                &c.user,
                c.key.clone(),
            )),
            AuthType::V3Token => Arc::new(KeystoneV3::new(
                &c.auth_url,
                V3Method::Token {
                    token: c.key.clone(),
                },
                Scope::ProjectName {
                    name: c.tenant.clone(),
                    domain: Default::default(),
                },
            )),
            AuthType::AdminToken => Arc::new(StaticToken::new(c.key.clone(), &c.auth_url)),
            AuthType::Rax => Arc::new(KeystoneV2::rax(
                &c.auth_url,
                &c.user,
                c.key.clone(),
                c.tenant(),
            )),
            AuthType::Rax2 => Arc::new(KeystoneV2::rax2(
                &c.auth_url,
                &c.user,
                c.key.clone(),
                c.tenant(),
            )),
            AuthType::Auth11 => Arc::new(Auth11::new(&c.auth_url, &c.user, c.key.clone())),
            AuthType::Fake => Arc::new(FakeAuth::new(c.tenant.as_str(), &c.auth_url)?),
        })
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// python-troveclient's credentials: `Dbaas(user, key, tenant, auth_url)`. What `key` is
/// depends on the strategy: a password, an API key, an application-credential secret or a token.
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

/// Returns the strategy `name` designates (an [`AuthType`] name), built from
/// python-troveclient's four values.
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
    name.parse::<AuthType>()?.strategy(c)
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
    fn names_and_table_agree() {
        let table: Vec<&str> = TABLE.iter().map(|(name, _)| *name).collect();
        assert_eq!(table, NAMES);
        for (name, kind) in TABLE {
            assert_eq!(name.parse::<AuthType>().unwrap(), *kind, "{name}");
            assert_eq!(name.to_uppercase().parse::<AuthType>().unwrap(), *kind);
            // Every type's own name parses back to it.
            assert_eq!(kind.as_str().parse::<AuthType>().unwrap(), *kind);
        }
    }

    /// Every name the builder's `auth_strategy` accepted before the one table, with the strategy
    /// it built then.
    #[test]
    fn every_builder_name_builds_its_strategy() {
        let c = Credentials::new("u", "k", "t", "http://id:5000");
        let cases = [
            ("keystone", "keystone-v3-password"),
            ("keystone-v3", "keystone-v3-password"),
            ("v3password", "keystone-v3-password"),
            ("password", "keystone-v3-password"),
            ("keystone-v2", "keystone-v2-password"),
            ("v2password", "keystone-v2-password"),
            (
                "v3applicationcredential",
                "keystone-v3-application-credential",
            ),
            ("v3token", "keystone-v3-token"),
            ("rax", "rax"),
            ("rax2", "rax2"),
            ("auth1.1", "auth1.1"),
            ("fake", "fake"),
            // New to the builder: the names clouds.yaml accepted.
            ("token", "keystone-v3-token"),
            (
                "application_credential",
                "keystone-v3-application-credential",
            ),
            ("admin_token", "static-token"),
            ("token_endpoint", "static-token"),
        ];
        for (name, strategy) in cases {
            assert_eq!(by_name(name, &c).unwrap().name(), strategy, "{name}");
        }
        let v2 = Credentials::new("u", "k", "t", "http://id:35357/v2.0/tokens");
        assert_eq!(
            by_name("keystone", &v2).unwrap().name(),
            "keystone-v2-password"
        );
        let err = by_name("nope", &c).unwrap_err().to_string();
        assert!(err.contains("auth1.1") && err.contains("\"nope\""), "{err}");
    }
}
