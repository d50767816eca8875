//! Response builders: every handler returns one of these, never panics.

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use http_body_util::Full;
use serde_json::Value;

/// The response type of every handler and of the service.
pub(crate) type Resp = Response<Full<Bytes>>;

/// Builds a response with a JSON body.
pub(crate) fn json(status: StatusCode, body: &Value) -> Resp {
    // Serializing a `Value` cannot fail; an empty body is a harmless fallback.
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    with_body(status, Bytes::from(bytes))
}

/// Builds a response with an empty body; Trove still labels it `application/json`.
pub(crate) fn empty(status: StatusCode) -> Resp {
    with_body(status, Bytes::new())
}

fn with_body(status: StatusCode, bytes: Bytes) -> Resp {
    let len = bytes.len();
    let mut resp = Response::new(Full::new(bytes));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    resp
}
