//! The [`AuthStrategy`] trait, the HTTP it is given, and the built-in strategies.

use std::fmt::Debug;

use bytes::Bytes;
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;

use crate::catalog::{Catalog, EndpointFilter};
use crate::error::AuthError;
use crate::session::{trim_endpoint, Session};

mod auth11;
mod auth_type;
mod fake;
mod from_fn;
mod keystone_v2;
mod keystone_v3;
mod static_token;

pub use auth11::Auth11;
pub use auth_type::{by_name, AuthType, Credentials, NAMES};
pub use fake::FakeAuth;
pub use from_fn::{from_fn, FnStrategy};
pub use keystone_v2::{KeystoneV2, Tenant};
pub use keystone_v3::{DomainRef, KeystoneV3, Scope, UserRef, V3Method};
pub use static_token::StaticToken;

/// A boxed error of a transport.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The HTTP a strategy may use to talk to the identity service. trove-core provides one built
/// on the client's transport; tests provide canned answers.
pub trait AuthHttp: Send + Sync {
    /// Sends one request and returns the whole response.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>>;
}

/// An [`AuthHttp`] for strategies that need no HTTP; any request is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHttp;

impl AuthHttp for NoHttp {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>> {
        Box::pin(async { Err("this client has no HTTP transport for authentication".into()) })
    }
}

/// Turns credentials into a [`Session`].
///
/// Implement it to plug in an authentication scheme of your own; the client calls it when it has
/// no valid token, when the token is about to expire, and once after a 401.
pub trait AuthStrategy: Send + Sync + Debug + 'static {
    /// Authenticates, using `http` for any request and `filter` to pick the Trove endpoint from
    /// a catalog.
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>>;

    /// A short name for logs, such as `keystone-v3-password`.
    fn name(&self) -> &'static str;
}

/// Sends a JSON POST and maps transport failures to [`AuthError::Connect`].
pub(crate) async fn post_json(
    http: &dyn AuthHttp,
    url: &str,
    body: &serde_json::Value,
) -> Result<http::Response<Bytes>, AuthError> {
    let bytes = serde_json::to_vec(body).map_err(|e| AuthError::InvalidConfig(e.to_string()))?;
    let request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .body(Bytes::from(bytes))
        .map_err(|e| AuthError::InvalidConfig(format!("bad auth URL {url:?}: {e}")))?;
    http.send(request)
        .await
        .map_err(|source| AuthError::Connect {
            url: url.to_owned(),
            source,
        })
}

pub(crate) use sealed::{Posted, PostsCredentials};

mod sealed {
    use super::*;

    /// A built-in strategy that POSTs its credentials as JSON and reads a session from the
    /// answer (Keystone v2.0 and v3, Auth 1.1). It says only what it posts; the one
    /// [`AuthStrategy`] impl over this trait sends it and reads the answer.
    pub trait PostsCredentials: Debug + Send + Sync + 'static {
        /// What to send, where, and how to read the answer.
        fn posted(&self) -> Posted<'_>;

        /// The strategy's name for logs.
        fn label(&self) -> &'static str;
    }

    /// One credential POST, as a [`PostsCredentials`] strategy describes it.
    pub struct Posted<'s> {
        /// Where the credentials go.
        pub url: &'s str,
        /// The JSON body carrying them.
        pub body: serde_json::Value,
        /// Whether a 305 is followed once, as the legacy `Authenticator` did (v2.0, Auth 1.1).
        pub follow_305: bool,
        /// Reads the answer of the URL that answered into a session.
        pub read: fn(&str, &http::Response<Bytes>, &EndpointFilter) -> Result<Session, AuthError>,
    }
}

impl<T: PostsCredentials> AuthStrategy for T {
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        let posted = self.posted();
        Box::pin(async move {
            let (url, response) = if posted.follow_305 {
                post_json_following_305(http, posted.url, &posted.body).await?
            } else {
                let response = post_json(http, posted.url, &posted.body).await?;
                (posted.url.to_owned(), response)
            };
            (posted.read)(&url, &response, filter)
        })
    }

    fn name(&self) -> &'static str {
        self.label()
    }
}

/// Maps a non-success answer of the identity service to [`AuthError::Rejected`].
pub(crate) fn rejected(url: &str, response: &http::Response<Bytes>) -> AuthError {
    let fault = trove_types::Fault::from_body(response.status().as_u16(), response.body());
    AuthError::Rejected {
        url: url.to_owned(),
        status: response.status().as_u16(),
        message: fault.message,
    }
}

/// A success answer of the identity service, being read into a session: the steps Auth 1.1,
/// Keystone v2.0 and v3 share, with their errors naming the URL that answered.
pub(crate) struct Answer<'r> {
    url: &'r str,
    response: &'r http::Response<Bytes>,
}

impl<'r> Answer<'r> {
    /// Takes the answer `url` gave, or maps a non-success status to [`AuthError::Rejected`].
    pub(crate) fn successful(
        url: &'r str,
        response: &'r http::Response<Bytes>,
    ) -> Result<Self, AuthError> {
        if !response.status().is_success() {
            return Err(rejected(url, response));
        }
        Ok(Answer { url, response })
    }

    /// Returns the answer's headers.
    pub(crate) fn headers(&self) -> &http::HeaderMap {
        self.response.headers()
    }

    /// Returns an [`AuthError::Malformed`] about this answer.
    pub(crate) fn malformed(&self, reason: String) -> AuthError {
        AuthError::Malformed {
            url: self.url.to_owned(),
            reason,
        }
    }

    /// Decodes the JSON body; `what` names it in the error.
    pub(crate) fn body<T: DeserializeOwned>(&self, what: &str) -> Result<T, AuthError> {
        serde_json::from_slice(self.response.body())
            .map_err(|e| self.malformed(format!("{what}: {}", json_error(&e))))
    }

    /// Reads the answer's catalog `raw` (empty when absent) with `parse`, `what` naming it in
    /// the error, and returns it with the endpoint `filter` selects in it.
    pub(crate) fn catalog(
        &self,
        raw: Option<serde_json::Value>,
        what: &str,
        parse: fn(serde_json::Value) -> Result<Catalog, String>,
        filter: &EndpointFilter,
    ) -> Result<(Catalog, String), AuthError> {
        let catalog = match raw {
            Some(v) => parse(v).map_err(|e| self.malformed(format!("{what}: {e}")))?,
            None => Catalog::default(),
        };
        let endpoint = trim_endpoint(catalog.select(filter)?);
        Ok((catalog, endpoint))
    }
}

/// Sends a JSON POST as the legacy `Authenticator` did: a 305 answer names, in `Location`, the
/// auth URL to use instead, and is followed once. Returns the URL that answered, and its answer.
pub(crate) async fn post_json_following_305(
    http: &dyn AuthHttp,
    url: &str,
    body: &serde_json::Value,
) -> Result<(String, http::Response<Bytes>), AuthError> {
    let response = post_json(http, url, body).await?;
    if response.status() != http::StatusCode::USE_PROXY {
        return Ok((url.to_owned(), response));
    }
    let malformed = |reason: String| AuthError::Malformed {
        url: url.to_owned(),
        reason,
    };
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| malformed("305 without a Location header".to_owned()))?;
    let base = url::Url::parse(url)
        .map_err(|e| AuthError::InvalidConfig(format!("bad auth URL {url:?}: {e}")))?;
    let next = base
        .join(location)
        .map_err(|e| malformed(format!("305 Location {location:?}: {e}")))?;
    // The credentials go wherever the 305 points; never let it strip TLS off them.
    if base.scheme() == "https" && next.scheme() != "https" {
        return Err(malformed(format!(
            "refusing to follow a 305 from https to {}",
            next.scheme()
        )));
    }
    let next = next.to_string();
    tracing::debug!(from = url, to = %next, "identity service answered 305; following it once");
    let response = post_json(http, &next, body).await?;
    if response.status() == http::StatusCode::USE_PROXY {
        return Err(AuthError::Malformed {
            url: next,
            reason: "a second 305 in a row".to_owned(),
        });
    }
    Ok((next, response))
}

/// Parses a token expiry as legacy identity services wrote it: RFC 3339, or the same without
/// an offset (`2012-02-14T19:48:30`, meaning UTC).
pub(crate) fn parse_expiry(s: &str) -> Option<std::time::SystemTime> {
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;
    OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339))
        .ok()
        .map(std::time::SystemTime::from)
}

/// Describes a JSON decoding failure without quoting the offending value, which may be a token
/// or a key the server put in an unexpected place.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if !text.starts_with("invalid") {
        return text;
    }
    match text.find(", expected") {
        Some(at) => format!("unexpected value{}", &text[at..]),
        None => format!(
            "unexpected value at line {} column {}",
            e.line(),
            e.column()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Answers each request with the next scripted `(status, location, body)`, recording URLs.
    struct Script(
        Mutex<Vec<(u16, Option<&'static str>, &'static str)>>,
        Mutex<Vec<String>>,
    );

    impl AuthHttp for Script {
        fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> BoxFuture<'_, Result<http::Response<Bytes>, BoxError>> {
            self.1.lock().unwrap().push(request.uri().to_string());
            let (status, location, body) = self.0.lock().unwrap().remove(0);
            let mut b = http::Response::builder().status(status);
            if let Some(l) = location {
                b = b.header("location", l);
            }
            let response = b.body(Bytes::from_static(body.as_bytes())).unwrap();
            Box::pin(async move { Ok(response) })
        }
    }

    const ACCESS: &str = r#"{"access": {"token": {"id": "t"}, "serviceCatalog": [{"type": "database",
        "endpoints": [{"publicURL": "http://trove/v1.0/x"}]}]}}"#;

    fn script(steps: Vec<(u16, Option<&'static str>, &'static str)>) -> Script {
        Script(Mutex::new(steps), Mutex::new(Vec::new()))
    }

    #[tokio::test]
    async fn a_305_is_followed_once_to_its_location() {
        let http = script(vec![(305, Some("/v2.0/tokens"), ""), (200, None, ACCESS)]);
        let auth = KeystoneV2::password("http://old:5000/v2.0", "u", "p", Tenant::None);
        let s = auth
            .authenticate(&http, &EndpointFilter::default())
            .await
            .unwrap();
        assert_eq!(s.endpoint, "http://trove/v1.0/x");
        assert_eq!(
            *http.1.lock().unwrap(),
            ["http://old:5000/v2.0/tokens", "http://old:5000/v2.0/tokens"]
        );

        let http = script(vec![
            (305, Some("http://b/v2.0/tokens"), ""),
            (305, Some("http://c/v2.0/tokens"), ""),
        ]);
        let err = auth.authenticate(&http, &EndpointFilter::default()).await;
        assert!(matches!(err, Err(AuthError::Malformed { .. })), "{err:?}");

        let http = script(vec![(305, Some("http://plain/auth"), "")]);
        let tls = Auth11::new("https://secure/v1.1/auth", "u", "k");
        let err = tls
            .authenticate(&http, &EndpointFilter::default())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
        assert_eq!(
            http.1.lock().unwrap().len(),
            1,
            "credentials were sent over http"
        );
    }

    #[tokio::test]
    async fn an_unreachable_identity_service_is_a_connect_error() {
        let err = Auth11::new("http://nowhere/v1.1/auth", "u", "k")
            .authenticate(&NoHttp, &EndpointFilter::default())
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::Connect { .. }));
        assert!(!err.is_permanent());
    }

    #[test]
    fn expiry_parsing_accepts_legacy_spellings() {
        for s in [
            "2012-02-14T19:48:30Z",
            "2012-02-14T19:48:30",
            "2012-02-14T19:48:30.000000Z",
            "2012-02-14T13:48:30.000-06:00",
        ] {
            assert_eq!(
                parse_expiry(s),
                Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_329_248_910)),
                "{s}"
            );
        }
        assert_eq!(parse_expiry("tomorrow"), None);
    }

    #[test]
    fn json_errors_never_quote_the_value() {
        let e = serde_json::from_str::<Vec<u8>>(r#""s3cr3t""#).unwrap_err();
        let text = json_error(&e);
        assert!(
            !text.contains("s3cr3t") && text.contains("expected"),
            "{text}"
        );
    }
}
