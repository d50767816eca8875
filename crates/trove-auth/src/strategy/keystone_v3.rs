//! Keystone v3 (`POST /v3/auth/tokens`): password, application credential and token methods.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{Answer, Posted, PostsCredentials};
use crate::catalog::{Catalog, EndpointFilter};
use crate::error::AuthError;
use crate::session::Session;
use trove_types::Secret;

/// How a domain is named: by name (`Default`) or by id (`default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainRef {
    /// By name.
    Name(String),
    /// By id.
    Id(String),
}

impl Default for DomainRef {
    fn default() -> Self {
        DomainRef::Name("Default".to_owned())
    }
}

impl DomainRef {
    fn to_json(&self) -> Value {
        match self {
            DomainRef::Name(n) => json!({ "name": n }),
            DomainRef::Id(i) => json!({ "id": i }),
        }
    }
}

/// A user: by id, or by name within a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// By id.
    Id(String),
    /// By name within a domain.
    Name {
        /// The user name.
        name: String,
        /// Its domain.
        domain: DomainRef,
    },
}

impl UserRef {
    fn to_json(&self) -> Value {
        match self {
            UserRef::Id(id) => json!({ "id": id }),
            UserRef::Name { name, domain } => json!({ "name": name, "domain": domain.to_json() }),
        }
    }
}

/// The identity method.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum V3Method {
    /// A user's password; the user by name (within a domain) or by id.
    Password {
        /// The user name, used with `user_domain`.
        username: Option<String>,
        /// The user id; takes precedence over the name.
        user_id: Option<String>,
        /// The user's domain, for a user given by name.
        user_domain: DomainRef,
        /// The password.
        password: Secret,
    },
    /// An application credential, by id (its scope is fixed when it is created).
    ApplicationCredential {
        /// The credential id.
        id: String,
        /// The credential secret.
        secret: Secret,
    },
    /// An application credential by name, which Keystone looks up among `user`'s credentials.
    ApplicationCredentialByName {
        /// The credential name.
        name: String,
        /// The user owning it.
        user: UserRef,
        /// The credential secret.
        secret: Secret,
    },
    /// An existing token, to rescope it or to check it.
    Token {
        /// The token.
        token: Secret,
    },
}

/// What the token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// A project, by id.
    ProjectId(String),
    /// A project, by name within a domain.
    ProjectName {
        /// The project name.
        name: String,
        /// Its domain.
        domain: DomainRef,
    },
    /// A domain.
    Domain(DomainRef),
    /// The whole deployment (`system: all`).
    System,
    /// No scope: the token carries no catalog, so it cannot reach Trove by itself.
    Unscoped,
}

/// Keystone v3 authentication.
#[derive(Debug, Clone)]
pub struct KeystoneV3 {
    tokens_url: String,
    method: V3Method,
    scope: Scope,
}

impl KeystoneV3 {
    /// Authenticates with `method` and `scope` against the identity service at `auth_url`
    /// (`http://host:5000`, `http://host:5000/v3` or the full `/v3/auth/tokens` URL).
    pub fn new(auth_url: &str, method: V3Method, scope: Scope) -> Self {
        KeystoneV3 {
            tokens_url: tokens_url(auth_url),
            method,
            scope,
        }
    }

    /// Password auth for user `username` of domain `Default`, scoped to project `project` of
    /// domain `Default`: the usual `OS_USERNAME`/`OS_PASSWORD`/`OS_PROJECT_NAME` setup.
    pub fn password(
        auth_url: &str,
        username: &str,
        password: impl Into<Secret>,
        project: &str,
    ) -> Self {
        KeystoneV3::new(
            auth_url,
            V3Method::Password {
                username: Some(username.to_owned()),
                user_id: None,
                user_domain: DomainRef::default(),
                password: password.into(),
            },
            Scope::ProjectName {
                name: project.to_owned(),
                domain: DomainRef::default(),
            },
        )
    }

    /// Application-credential auth by credential id; the credential carries its own scope.
    pub fn application_credential(auth_url: &str, id: &str, secret: impl Into<Secret>) -> Self {
        KeystoneV3::new(
            auth_url,
            V3Method::ApplicationCredential {
                id: id.to_owned(),
                secret: secret.into(),
            },
            Scope::Unscoped,
        )
    }

    /// Application-credential auth by credential name and owning user.
    pub fn application_credential_by_name(
        auth_url: &str,
        name: &str,
        user: UserRef,
        secret: impl Into<Secret>,
    ) -> Self {
        KeystoneV3::new(
            auth_url,
            V3Method::ApplicationCredentialByName {
                name: name.to_owned(),
                user,
                secret: secret.into(),
            },
            Scope::Unscoped,
        )
    }

    /// Token auth: exchanges an existing token for one scoped to `scope`.
    pub fn token(auth_url: &str, token: impl Into<Secret>, scope: Scope) -> Self {
        KeystoneV3::new(
            auth_url,
            V3Method::Token {
                token: token.into(),
            },
            scope,
        )
    }

    /// Returns the scope requested.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Returns the URL tokens are requested from.
    pub fn tokens_url(&self) -> &str {
        &self.tokens_url
    }

    fn request_body(&self) -> Value {
        let identity = match &self.method {
            V3Method::Password {
                username,
                user_id,
                user_domain,
                password,
            } => {
                let user = match user_id {
                    Some(id) => json!({ "id": id, "password": password.expose() }),
                    None => json!({
                        "name": username,
                        "domain": user_domain.to_json(),
                        "password": password.expose(),
                    }),
                };
                json!({ "methods": ["password"], "password": { "user": user } })
            }
            V3Method::ApplicationCredential { id, secret } => json!({
                "methods": ["application_credential"],
                "application_credential": { "id": id, "secret": secret.expose() },
            }),
            V3Method::ApplicationCredentialByName { name, user, secret } => json!({
                "methods": ["application_credential"],
                "application_credential": {
                    "name": name,
                    "user": user.to_json(),
                    "secret": secret.expose(),
                },
            }),
            V3Method::Token { token } => {
                json!({ "methods": ["token"], "token": { "id": token.expose() } })
            }
        };
        let scope = match &self.scope {
            Scope::ProjectId(id) => Some(json!({ "project": { "id": id } })),
            Scope::ProjectName { name, domain } => {
                Some(json!({ "project": { "name": name, "domain": domain.to_json() } }))
            }
            Scope::Domain(d) => Some(json!({ "domain": d.to_json() })),
            Scope::System => Some(json!({ "system": { "all": true } })),
            Scope::Unscoped => None,
        };
        // Application credentials carry their own scope; Keystone rejects a second one.
        let scope = match self.method {
            V3Method::ApplicationCredential { .. }
            | V3Method::ApplicationCredentialByName { .. } => None,
            _ => scope,
        };
        match scope {
            Some(scope) => json!({ "auth": { "identity": identity, "scope": scope } }),
            None => json!({ "auth": { "identity": identity } }),
        }
    }

    /// Reads a token response into a session, picking the endpoint with `filter`.
    pub fn parse_response(
        &self,
        response: &http::Response<Bytes>,
        filter: &EndpointFilter,
    ) -> Result<Session, AuthError> {
        read_token(&self.tokens_url, response, filter)
    }
}

/// Reads the token answer `url` gave into a session, picking the endpoint with `filter`.
fn read_token(
    url: &str,
    response: &http::Response<Bytes>,
    filter: &EndpointFilter,
) -> Result<Session, AuthError> {
    let answer = Answer::successful(url, response)?;
    let token = answer
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| answer.malformed("no X-Subject-Token header".to_owned()))?;
    let body: TokenBody = answer.body("token body")?;
    let (catalog, endpoint) =
        answer.catalog(body.token.catalog, "catalog", Catalog::from_v3, filter)?;
    let expires_at = body
        .token
        .expires_at
        .as_deref()
        .map(|s| {
            OffsetDateTime::parse(s, &Rfc3339)
                .map(std::time::SystemTime::from)
                .map_err(|e| answer.malformed(format!("expires_at {s:?}: {e}")))
        })
        .transpose()?;
    let issued_at = body
        .token
        .issued_at
        .as_deref()
        .map(|s| {
            OffsetDateTime::parse(s, &Rfc3339)
                .map(std::time::SystemTime::from)
                .map_err(|e| answer.malformed(format!("issued_at {s:?}: {e}")))
        })
        .transpose()?;
    Ok(Session {
        token: Secret::new(token),
        endpoint,
        project_id: body.token.project.map(|p| p.id),
        expires_at,
        issued_at,
        catalog: Some(catalog),
    })
}

impl PostsCredentials for KeystoneV3 {
    fn posted(&self) -> Posted<'_> {
        Posted {
            url: &self.tokens_url,
            body: self.request_body(),
            follow_305: false,
            read: read_token,
        }
    }

    fn label(&self) -> &'static str {
        match self.method {
            V3Method::Password { .. } => "keystone-v3-password",
            V3Method::ApplicationCredential { .. }
            | V3Method::ApplicationCredentialByName { .. } => "keystone-v3-application-credential",
            V3Method::Token { .. } => "keystone-v3-token",
        }
    }
}

/// Normalizes the usual spellings of an auth URL to the `/v3/auth/tokens` URL.
fn tokens_url(auth_url: &str) -> String {
    let base = auth_url.trim_end_matches('/');
    if base.ends_with("/auth/tokens") {
        base.to_owned()
    } else if base.ends_with("/v3") {
        format!("{base}/auth/tokens")
    } else {
        format!("{base}/v3/auth/tokens")
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: TokenInner,
}

#[derive(Deserialize)]
struct TokenInner {
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    issued_at: Option<String>,
    #[serde(default)]
    project: Option<ProjectRef>,
    #[serde(default)]
    catalog: Option<Value>,
}

#[derive(Deserialize)]
struct ProjectRef {
    id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::AuthStrategy;

    fn response(status: u16, token: Option<&str>, body: &str) -> http::Response<Bytes> {
        let mut b = http::Response::builder().status(status);
        if let Some(t) = token {
            b = b.header("X-Subject-Token", t);
        }
        b.body(Bytes::from(body.to_owned())).unwrap()
    }

    const OK_BODY: &str = r#"{"token": {"expires_at": "2026-11-27T12:02:22.000000Z",
        "issued_at": "2026-11-27T12:01:42.000000Z",
        "project": {"id": "720853f5", "name": "demo"},
        "catalog": [{"type": "database", "name": "trove", "endpoints": [
            {"interface": "public", "region": "RegionOne", "url": "http://127.0.0.1:8779/v1.0/720853f5"},
            {"interface": "admin", "region": "RegionOne", "url": "http://127.0.0.1:8779/v1.0/720853f5"}]}]}}"#;

    #[test]
    fn normalizes_auth_urls() {
        assert_eq!(tokens_url("http://k:5000"), "http://k:5000/v3/auth/tokens");
        assert_eq!(
            tokens_url("http://k:5000/v3/"),
            "http://k:5000/v3/auth/tokens"
        );
        assert_eq!(
            tokens_url("http://k:5000/v3/auth/tokens"),
            "http://k:5000/v3/auth/tokens"
        );
    }

    #[test]
    fn password_body_matches_keystone() {
        let auth = KeystoneV3::password("http://k:5000/v3", "jsmith", "abcdef", "demo");
        let expected = json!({"auth": {"identity": {"methods": ["password"], "password": {"user":
            {"name": "jsmith", "domain": {"name": "Default"}, "password": "abcdef"}}},
            "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}});
        assert_eq!(auth.request_body(), expected);
        assert!(!format!("{auth:?}").contains("abcdef"));
    }

    #[test]
    fn application_credential_sends_no_scope() {
        let auth = KeystoneV3::new(
            "http://k:5000",
            V3Method::ApplicationCredential {
                id: "ac1".into(),
                secret: Secret::new("s"),
            },
            Scope::ProjectId("p".into()),
        );
        assert!(auth.request_body()["auth"].get("scope").is_none());
    }

    #[test]
    fn every_method_and_scope_has_its_wire_form() {
        let domain = DomainRef::Id("d1".into());
        let by_id = KeystoneV3::new(
            "http://k:5000",
            V3Method::Password {
                username: None,
                user_id: Some("u1".into()),
                user_domain: DomainRef::default(),
                password: Secret::new("pw"),
            },
            Scope::Domain(domain.clone()),
        );
        assert_eq!(
            by_id.request_body(),
            json!({"auth": {"identity": {"methods": ["password"], "password": {"user":
                {"id": "u1", "password": "pw"}}}, "scope": {"domain": {"id": "d1"}}}})
        );
        let system = KeystoneV3::token("http://k:5000", "t0", Scope::System);
        assert_eq!(
            system.request_body(),
            json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "t0"}},
                "scope": {"system": {"all": true}}}})
        );
        let project_id = KeystoneV3::token("http://k:5000", "t0", Scope::ProjectId("p9".into()));
        assert_eq!(
            project_id.request_body()["auth"]["scope"],
            json!({"project": {"id": "p9"}})
        );
        let unscoped = KeystoneV3::token("http://k:5000", "t0", Scope::Unscoped);
        assert!(unscoped.request_body()["auth"].get("scope").is_none());
        let by_name = KeystoneV3::application_credential_by_name(
            "http://k:5000",
            "ci",
            UserRef::Name {
                name: "jsmith".into(),
                domain,
            },
            "s3",
        );
        assert_eq!(
            by_name.request_body(),
            json!({"auth": {"identity": {"methods": ["application_credential"],
                "application_credential": {"name": "ci", "user": {"name": "jsmith",
                "domain": {"id": "d1"}}, "secret": "s3"}}}})
        );
        assert_eq!(by_name.name(), "keystone-v3-application-credential");
        assert!(!format!("{by_name:?}{system:?}").contains("s3"));
    }

    #[test]
    fn parses_token_endpoint_and_expiry() {
        let auth = KeystoneV3::password("http://k:5000", "u", "p", "demo");
        let s = auth
            .parse_response(
                &response(201, Some("tok"), OK_BODY),
                &EndpointFilter::default(),
            )
            .unwrap();
        assert_eq!(s.token.expose(), "tok");
        assert_eq!(s.endpoint, "http://127.0.0.1:8779/v1.0/720853f5");
        assert_eq!(s.project_id.as_deref(), Some("720853f5"));
        let expected = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_780_942);
        assert_eq!(s.expires_at, Some(expected));
        assert_eq!(s.lifetime(), Some(std::time::Duration::from_secs(40)));
    }

    #[test]
    fn failures_say_which_step_failed() {
        let auth = KeystoneV3::password("http://k:5000", "u", "p", "demo");
        let f = EndpointFilter::default();
        let bad = r#"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#;
        assert!(matches!(
            auth.parse_response(&response(401, None, bad), &f),
            Err(AuthError::Rejected { status: 401, .. })
        ));
        assert!(matches!(
            auth.parse_response(&response(201, None, OK_BODY), &f),
            Err(AuthError::Malformed { .. })
        ));
        assert!(matches!(
            auth.parse_response(&response(201, Some("t"), "{"), &f),
            Err(AuthError::Malformed { .. })
        ));
        let no_catalog = r#"{"token": {"expires_at": "2026-11-27T12:02:22Z"}}"#;
        assert!(matches!(
            auth.parse_response(&response(201, Some("t"), no_catalog), &f),
            Err(AuthError::EndpointNotFound { .. })
        ));
    }
}
