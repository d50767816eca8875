//! The parsed request every handler sees: method, decoded path segments, query, body, link host.

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

use crate::fault;
use crate::response::Resp;

/// One buffered request.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) method: Method,
    /// The path as received (still percent-encoded, no query); echoed in `next` links.
    pub(crate) raw_path: String,
    /// Percent-decoded path segments, without the leading empty one.
    pub(crate) segments: Vec<String>,
    /// Query pairs in their order, decoded.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// `host[:port]` for links: advertised host, else `Host`, else the URI authority.
    pub(crate) host: String,
}

impl Ctx {
    /// Builds the context from request parts and a buffered body.
    pub(crate) fn new(parts: &http::request::Parts, body: Bytes, advertised: Option<&str>) -> Self {
        let raw_path = parts.uri.path().to_owned();
        let segments = raw_path
            .split('/')
            .skip(1)
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let host = advertised
            .map(str::to_owned)
            .or_else(|| {
                parts
                    .headers
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .filter(|h| !h.is_empty())
                    .map(str::to_owned)
            })
            .or_else(|| parts.uri.authority().map(|a| a.as_str().to_owned()))
            .unwrap_or_else(|| "localhost".to_owned());
        Self {
            method: parts.method.clone(),
            raw_path,
            segments,
            query,
            headers: parts.headers.clone(),
            body,
            host,
        }
    }

    /// Returns a header as text, if present and non-empty.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    }

    /// Returns the last value of a query parameter.
    pub(crate) fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Returns an `https://<host><path>` link, as Trove builds them.
    pub(crate) fn link(&self, path: &str) -> String {
        format!("https://{}{}", self.host, path)
    }

    /// Parses a required JSON body: empty gives Trove's 500, bad JSON its 400.
    pub(crate) fn json_body(&self) -> Result<Value, Resp> {
        match self.optional_json_body()? {
            Some(v) => Ok(v),
            None => Err(fault::internal_error()),
        }
    }

    /// Parses an optional JSON body: empty gives `None`, bad JSON Trove's 400.
    pub(crate) fn optional_json_body(&self) -> Result<Option<Value>, Resp> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body)
            .map(Some)
            .map_err(|_| fault::malformed_body())
    }
}
