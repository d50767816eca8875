//! Keystone v2.0 (`POST /v2.0/tokens`): password credentials, and Rackspace's API-key variant.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse_expiry, Answer, Posted, PostsCredentials};
use crate::catalog::{Catalog, EndpointFilter};
use crate::error::AuthError;
use crate::session::Session;
use trove_types::Secret;

/// The tenant (project) a v2.0 token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenant {
    /// By name (`tenantName`), as python-troveclient's `tenant` argument.
    Name(String),
    /// By id (`tenantId`), as the v1 HTTPClient sent when it only knew the id.
    Id(String),
    /// No tenant: Keystone returns an unscoped token with no Trove endpoint.
    None,
}

#[derive(Debug, Clone)]
enum V2Credentials {
    Password { username: String, password: Secret },
    RaxApiKey { username: String, api_key: Secret },
}

/// Keystone v2.0 authentication, and Rackspace's `rax`/`rax2` strategies, which send an API key
/// in the same envelope and read the same `access` answer.
///
/// ```
/// use trove_auth::strategy::{KeystoneV2, Tenant};
///
/// let auth = KeystoneV2::password("http://keystone:5000/v2.0", "jsmith", "abcdef",
///                                 Tenant::Name("demo".into()));
/// assert_eq!(auth.tokens_url(), "http://keystone:5000/v2.0/tokens");
/// ```
#[derive(Debug, Clone)]
pub struct KeystoneV2 {
    tokens_url: String,
    credentials: V2Credentials,
    tenant: Tenant,
    name: &'static str,
}

impl KeystoneV2 {
    /// Password auth (`passwordCredentials`) against `auth_url`, to which `/tokens` is appended
    /// unless it already ends with it (as the v1 HTTPClient did).
    pub fn password(
        auth_url: &str,
        username: &str,
        password: impl Into<Secret>,
        tenant: Tenant,
    ) -> Self {
        KeystoneV2 {
            tokens_url: with_tokens(auth_url),
            credentials: V2Credentials::Password {
                username: username.to_owned(),
                password: password.into(),
            },
            tenant,
            name: "keystone-v2-password",
        }
    }

    /// Rackspace API-key auth (`rax`): `RAX-KSKEY:apiKeyCredentials`, POSTed to `auth_url` as
    /// given. Rackspace registers Trove as type `rax:database`, name `cloudDatabases`: pick it
    /// with [`EndpointFilter::service_type`].
    pub fn rax(auth_url: &str, username: &str, api_key: impl Into<Secret>, tenant: Tenant) -> Self {
        KeystoneV2 {
            tokens_url: auth_url.to_owned(),
            credentials: V2Credentials::RaxApiKey {
                username: username.to_owned(),
                api_key: api_key.into(),
            },
            tenant,
            name: "rax",
        }
    }

    /// Rackspace API-key auth (`rax2`): as [`KeystoneV2::rax`], with `/tokens` appended.
    pub fn rax2(
        auth_url: &str,
        username: &str,
        api_key: impl Into<Secret>,
        tenant: Tenant,
    ) -> Self {
        KeystoneV2 {
            tokens_url: with_tokens(auth_url),
            name: "rax2",
            ..KeystoneV2::rax(auth_url, username, api_key, tenant)
        }
    }

    /// Returns the URL tokens are requested from.
    pub fn tokens_url(&self) -> &str {
        &self.tokens_url
    }

    /// Adds the tenant to scope to, if any, beside the credentials in `object`: the password
    /// body carries it next to `passwordCredentials`, the API key body inside its credentials.
    fn add_tenant(&self, object: &mut Value) {
        match &self.tenant {
            Tenant::Name(n) => object["tenantName"] = json!(n),
            Tenant::Id(id) => object["tenantId"] = json!(id),
            Tenant::None => {}
        }
    }

    fn request_body(&self) -> Value {
        match &self.credentials {
            V2Credentials::Password { username, password } => {
                let mut auth = json!({
                    "passwordCredentials": { "username": username, "password": password.expose() },
                });
                self.add_tenant(&mut auth);
                json!({ "auth": auth })
            }
            V2Credentials::RaxApiKey { username, api_key } => {
                let mut creds = json!({ "username": username, "apiKey": api_key.expose() });
                self.add_tenant(&mut creds);
                json!({ "auth": { "RAX-KSKEY:apiKeyCredentials": creds } })
            }
        }
    }
}

impl PostsCredentials for KeystoneV2 {
    fn posted(&self) -> Posted<'_> {
        Posted {
            url: &self.tokens_url,
            body: self.request_body(),
            follow_305: true,
            read: |url, response, filter| parse_token_answer(Dialect::V2, url, response, filter),
        }
    }

    fn label(&self) -> &'static str {
        self.name
    }
}

/// Appends `/tokens` to a v2.0 auth URL that does not end with it.
fn with_tokens(auth_url: &str) -> String {
    let base = auth_url.trim_end_matches('/');
    if base.ends_with("/tokens") {
        base.to_owned()
    } else {
        format!("{base}/tokens")
    }
}

/// Reads a catalog in one of the shapes an answer may carry.
type CatalogReader = fn(Value) -> Result<Catalog, String>;

/// The answers that carry a v2.0 token: v2.0's `{"access": {...}}`, and Auth 1.1's
/// `{"auth": {...}}` with its own catalog shapes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dialect {
    V2,
    Auth11,
}

/// Reads an answer in `dialect` into a session.
pub(crate) fn parse_token_answer(
    dialect: Dialect,
    url: &str,
    response: &http::Response<Bytes>,
    filter: &EndpointFilter,
) -> Result<Session, AuthError> {
    let answer = Answer::successful(url, response)?;
    let (root, inner, parse): (_, TokenAnswer, CatalogReader) = match dialect {
        Dialect::V2 => {
            let body: AccessBody = answer.body("access body")?;
            ("access", body.access, Catalog::from_v2)
        }
        Dialect::Auth11 => {
            let body: Auth11Body = answer.body("auth body")?;
            ("auth", body.auth, Catalog::from_auth11)
        }
    };
    inner
        .token
        .into_session(&answer, root, inner.service_catalog, parse, filter)
}

#[derive(Deserialize)]
struct AccessBody {
    access: TokenAnswer,
}

#[derive(Deserialize)]
struct Auth11Body {
    auth: TokenAnswer,
}

/// What a v2.0 or Auth 1.1 answer holds under its root key.
#[derive(Deserialize)]
struct TokenAnswer {
    token: V2Token,
    #[serde(rename = "serviceCatalog", default)]
    service_catalog: Option<Value>,
}

#[derive(Deserialize)]
pub(crate) struct V2Token {
    pub(crate) id: Secret,
    #[serde(default)]
    pub(crate) expires: Option<String>,
    #[serde(default)]
    pub(crate) issued_at: Option<String>,
    #[serde(default)]
    pub(crate) tenant: Option<V2Tenant>,
}

impl V2Token {
    /// Completes a session from this token of `answer`, whose root key is `root`, with the
    /// endpoint `filter` selects in the catalog `raw` (read with `parse`). Auth 1.1 answers
    /// carry the same token as v2.0 under another root key and with another catalog shape.
    pub(crate) fn into_session(
        self,
        answer: &Answer<'_>,
        root: &str,
        raw: Option<Value>,
        parse: CatalogReader,
        filter: &EndpointFilter,
    ) -> Result<Session, AuthError> {
        if self.id.expose().is_empty() {
            return Err(answer.malformed(format!("empty {root}.token.id")));
        }
        let (catalog, endpoint) = answer.catalog(raw, "serviceCatalog", parse, filter)?;
        let expires_at = self
            .expires
            .as_deref()
            .map(|s| {
                parse_expiry(s).ok_or_else(|| answer.malformed(format!("token expires {s:?}")))
            })
            .transpose()?;
        // An unreadable `issued_at` only costs the lifetime-based refresh margin.
        let issued_at = self.issued_at.as_deref().and_then(parse_expiry);
        Ok(Session {
            token: self.id,
            endpoint,
            project_id: self.tenant.and_then(|t| t.id),
            expires_at,
            issued_at,
            catalog: Some(catalog),
        })
    }
}

#[derive(Deserialize)]
pub(crate) struct V2Tenant {
    #[serde(default)]
    pub(crate) id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::AuthStrategy;

    const ACCESS: &str = r#"{"access": {"token": {"id": "tok-v2", "expires": "2012-02-14T19:48:30Z",
        "tenant": {"id": "t1", "name": "demo"}},
        "serviceCatalog": [{"type": "database", "name": "trove", "endpoints": [
            {"region": "RegionOne", "publicURL": "http://trove/v1.0/t1/", "tenantId": "t1"}]},
            {"type": "rax:database", "name": "cloudDatabases", "endpoints": [
            {"region": "DFW", "publicURL": "https://dfw.databases/v1.0/t1"}]}],
        "user": {"id": "u1", "name": "jsmith"}}}"#;

    fn response(status: u16, body: &str) -> http::Response<Bytes> {
        http::Response::builder()
            .status(status)
            .body(Bytes::from(body.to_owned()))
            .unwrap()
    }

    #[test]
    fn bodies_match_the_legacy_wire_formats() {
        let by_name = KeystoneV2::password("http://k/v2.0", "u", "p", Tenant::Name("demo".into()));
        assert_eq!(
            by_name.request_body(),
            json!({"auth": {"passwordCredentials": {"username": "u", "password": "p"}, "tenantName": "demo"}})
        );
        let by_id = KeystoneV2::password("http://k/v2.0/tokens", "u", "p", Tenant::Id("t1".into()));
        assert_eq!(by_id.request_body()["auth"]["tenantId"], "t1");
        assert_eq!(by_id.tokens_url(), "http://k/v2.0/tokens");
        let rax = KeystoneV2::rax("https://id/v2.0", "u", "k3y", Tenant::Name("t".into()));
        assert_eq!(
            rax.request_body(),
            json!({"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "u", "apiKey": "k3y", "tenantName": "t"}}})
        );
        assert_eq!(rax.tokens_url(), "https://id/v2.0");
        let rax2 = KeystoneV2::rax2("https://id/v2.0/", "u", "k3y", Tenant::None);
        assert_eq!(rax2.tokens_url(), "https://id/v2.0/tokens");
        assert_eq!((rax.name(), rax2.name()), ("rax", "rax2"));
        assert!(!format!("{rax:?}{by_name:?}").contains("k3y"));
    }

    #[test]
    fn parses_the_access_document() {
        let s = parse_token_answer(
            Dialect::V2,
            "u",
            &response(200, ACCESS),
            &EndpointFilter::default(),
        )
        .unwrap();
        assert_eq!(s.token.expose(), "tok-v2");
        assert_eq!(s.endpoint, "http://trove/v1.0/t1");
        assert_eq!(s.project_id.as_deref(), Some("t1"));
        assert_eq!(
            s.expires_at,
            Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_329_248_910))
        );
        let rax = EndpointFilter {
            service_type: "rax:database".into(),
            service_name: Some("cloudDatabases".into()),
            ..Default::default()
        };
        let s = parse_token_answer(Dialect::V2, "u", &response(200, ACCESS), &rax).unwrap();
        assert_eq!(s.endpoint, "https://dfw.databases/v1.0/t1");
    }

    #[test]
    fn failures_say_which_step_failed() {
        let f = EndpointFilter::default();
        let denied = r#"{"unauthorized": {"code": 401, "message": "Invalid user / password"}}"#;
        match parse_token_answer(Dialect::V2, "u", &response(401, denied), &f) {
            Err(AuthError::Rejected {
                status: 401,
                message,
                ..
            }) => assert_eq!(message, "Invalid user / password"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_token_answer(Dialect::V2, "u", &response(200, r#"{"token": {}}"#), &f),
            Err(AuthError::Malformed { .. })
        ));
        let no_db = r#"{"access": {"token": {"id": "t"}, "serviceCatalog": []}}"#;
        assert!(matches!(
            parse_token_answer(Dialect::V2, "u", &response(200, no_db), &f),
            Err(AuthError::EndpointNotFound { .. })
        ));
        let bad_expiry = r#"{"access": {"token": {"id": "t", "expires": "soon"}, "serviceCatalog": [
            {"type": "database", "endpoints": [{"publicURL": "http://t/v1.0/x"}]}]}}"#;
        assert!(matches!(
            parse_token_answer(Dialect::V2, "u", &response(200, bad_expiry), &f),
            Err(AuthError::Malformed { .. })
        ));
    }
}
