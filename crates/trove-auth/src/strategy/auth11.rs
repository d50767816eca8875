//! Auth 1.1 (`auth1.1`): Rackspace's pre-Keystone `{"credentials": {"username", "key"}}`.

use serde_json::{json, Value};

use super::keystone_v2::{parse_token_answer, Dialect};
use super::{Posted, PostsCredentials};
use trove_types::Secret;

/// Auth 1.1: the user name and API key are POSTed to the auth URL as given; the answer's root
/// key is `auth`, with the token in `auth.token.id` and the catalog in `auth.serviceCatalog`.
///
/// The catalog is accepted in both shapes seen in the wild: a list of `{type, name, endpoints}`
/// (what python-troveclient's compat layer iterated) and a map from service name to endpoint
/// list (what Rackspace's 1.1 service sent). A map entry has no type; its type is taken to be its
/// name, except `cloudDatabases`, which is `rax:database` as in Rackspace's v2.0 catalog.
#[derive(Debug, Clone)]
pub struct Auth11 {
    url: String,
    username: String,
    key: Secret,
}

impl Auth11 {
    /// Auth 1.1 for `username` with API key `key` at `auth_url` (used as given).
    pub fn new(auth_url: &str, username: &str, key: impl Into<Secret>) -> Self {
        Auth11 {
            url: auth_url.to_owned(),
            username: username.to_owned(),
            key: key.into(),
        }
    }

    fn request_body(&self) -> Value {
        json!({ "credentials": { "username": self.username, "key": self.key.expose() } })
    }
}

impl PostsCredentials for Auth11 {
    fn posted(&self) -> Posted<'_> {
        Posted {
            url: &self.url,
            body: self.request_body(),
            follow_305: true,
            read: |url, response, filter| {
                parse_token_answer(Dialect::Auth11, url, response, filter)
            },
        }
    }

    fn label(&self) -> &'static str {
        "auth1.1"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::EndpointFilter;
    use crate::error::AuthError;
    use bytes::Bytes;

    fn ok(body: &str) -> http::Response<Bytes> {
        http::Response::builder()
            .status(200)
            .body(Bytes::from(body.to_owned()))
            .unwrap()
    }

    #[test]
    fn sends_username_and_key() {
        let a = Auth11::new("https://auth/v1.1/auth", "u", "k3y");
        assert_eq!(
            a.request_body(),
            json!({"credentials": {"username": "u", "key": "k3y"}})
        );
        assert!(!format!("{a:?}").contains("k3y"));
    }

    #[test]
    fn reads_a_list_catalog_and_a_map_catalog() {
        let list = r#"{"auth": {"token": {"id": "t11", "expires": "2012-04-13T13:15:00.000-05:00"},
            "serviceCatalog": [{"type": "database", "name": "trove", "endpoints": [
                {"region": "ORD", "publicURL": "https://ord/v1.0/1"}]}]}}"#;
        let s = parse_token_answer(Dialect::Auth11, "u", &ok(list), &EndpointFilter::default())
            .unwrap();
        assert_eq!(
            (s.token.expose(), s.endpoint.as_str()),
            ("t11", "https://ord/v1.0/1")
        );
        assert!(s.expires_at.is_some());

        let map = r#"{"auth": {"token": {"id": "t11"}, "serviceCatalog": {
            "cloudDatabases": [{"region": "DFW", "publicURL": "https://dfw/v1.0/1"},
                               {"region": "ORD", "publicURL": "https://ord/v1.0/1"}],
            "cloudFiles": [{"region": "DFW", "publicURL": "https://files/v1"}]}}}"#;
        let mut f = EndpointFilter {
            service_type: "rax:database".into(),
            region: Some("ORD".into()),
            ..Default::default()
        };
        let s = parse_token_answer(Dialect::Auth11, "u", &ok(map), &f).unwrap();
        assert_eq!(s.endpoint, "https://ord/v1.0/1");
        f.region = None;
        assert!(matches!(
            parse_token_answer(Dialect::Auth11, "u", &ok(map), &f),
            Err(AuthError::AmbiguousEndpoints { count: 2, .. })
        ));
    }

    #[test]
    fn a_bad_key_is_rejected_and_garbage_is_malformed() {
        let f = EndpointFilter::default();
        let denied = http::Response::builder()
            .status(401)
            .body(Bytes::from_static(
                br#"{"unauthorized": {"code": 401, "message": "Username or api key is invalid"}}"#,
            ))
            .unwrap();
        assert!(matches!(
            parse_token_answer(Dialect::Auth11, "u", &denied, &f),
            Err(AuthError::Rejected { status: 401, .. })
        ));
        assert!(matches!(
            parse_token_answer(Dialect::Auth11, "u", &ok(r#"{"access": {}}"#), &f),
            Err(AuthError::Malformed { .. })
        ));
        assert!(matches!(
            parse_token_answer(
                Dialect::Auth11,
                "u",
                &ok(r#"{"auth": {"token": {"id": "t"}, "serviceCatalog": 5}}"#),
                &f
            ),
            Err(AuthError::Malformed { .. })
        ));
    }
}
