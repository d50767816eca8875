//! Helpers shared by the emulator's integration tests: send a request in process, read JSON,
//! and talk to Trove as one fake-mode tenant.

#![allow(dead_code, clippy::expect_used)]

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tower::ServiceExt;
use trove_emulator::EmulatorService;

/// The tenant most tests use.
pub const TENANT: &str = "12345";

/// A buffered response.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// Parses the body as JSON (panics with the body text if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts the status code, showing the body when it is another.
    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
    }

    /// Returns a header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends one request through the in-process service, with `Host: localhost:8779`.
pub async fn send(
    svc: &EmulatorService,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut headers = vec![("Host".to_owned(), "localhost:8779".to_owned())];
    if let Some(t) = token {
        headers.push(("X-Auth-Token".to_owned(), t.to_owned()));
    }
    let raw = body.map(|b| b.to_string()).unwrap_or_default();
    send_raw(svc, method, path, &headers, raw.into_bytes()).await
}

/// Sends one request with exactly these headers and body bytes.
pub async fn send_raw(
    svc: &EmulatorService,
    method: Method,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .expect("request builds");
    let resp: Response<Full<Bytes>> = svc.clone().oneshot(req).await.expect("infallible");
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.expect("full body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// Returns the `marker` query value of a page's `next` link, if any.
pub fn next_marker(page: &Value) -> Option<String> {
    let href = page
        .get("links")?
        .as_array()?
        .iter()
        .find(|l| l["rel"] == "next")?["href"]
        .as_str()?;
    let query = href.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "marker")
        .map(|(_, v)| v.into_owned())
}

/// One tenant's requests to the Trove API of an in-process emulator: paths are relative to
/// `/v1.0/{tenant}/`, and the token is the tenant id, as in Trove's fake mode.
#[derive(Clone)]
pub struct Tenant {
    pub svc: EmulatorService,
    pub id: String,
}

impl Tenant {
    pub fn new(svc: &EmulatorService, id: &str) -> Self {
        Self {
            svc: svc.clone(),
            id: id.to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("/v1.0/{}/{}", self.id, path.trim_start_matches('/'))
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        send(&self.svc, method, &self.url(path), Some(&self.id), body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates a 1 GB flavor-1 instance and returns its id (the create must answer 200).
    pub async fn create_instance(&self, name: &str) -> String {
        let body = serde_json::json!({"instance": {
            "name": name, "flavorRef": "1", "volume": {"size": 1}}});
        let r = self.post("instances", body).await;
        assert_eq!(
            r.status,
            200,
            "create: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.json()["instance"]["id"].as_str().expect("id").to_owned()
    }

    /// Shows an instance: its status, or `None` once it is gone (404).
    pub async fn instance_status(&self, id: &str) -> Option<String> {
        let r = self.get(&format!("instances/{id}")).await;
        match r.status.as_u16() {
            200 => Some(
                r.json()["instance"]["status"]
                    .as_str()
                    .expect("status")
                    .to_owned(),
            ),
            404 => None,
            other => panic!("unexpected {other}"),
        }
    }

    /// Posts an instance action and returns the status code.
    pub async fn action(&self, id: &str, body: Value) -> u16 {
        self.post(&format!("instances/{id}/action"), body)
            .await
            .status
            .as_u16()
    }
}

/// Posts `body` to the built-in Keystone's `POST /v3/auth/tokens` (plus `query`, such as
/// `?nocatalog`), with no token.
pub async fn issue_token(svc: &EmulatorService, query: &str, body: Value) -> Reply {
    send(
        svc,
        Method::POST,
        &format!("/v3/auth/tokens{query}"),
        None,
        Some(body),
    )
    .await
}

/// The `id`s of the items of a list body under `key`, in order.
pub fn ids(page: &Value, key: &str) -> Vec<String> {
    page[key]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}
