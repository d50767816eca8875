//! Helpers shared by the emulator's integration tests: send a request in process, read JSON.

#![allow(dead_code, clippy::expect_used)]

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tower::ServiceExt;
use trove_emulator::EmulatorService;

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
