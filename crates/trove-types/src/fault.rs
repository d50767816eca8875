//! Decoding of Trove fault bodies, whatever shape the server (or a proxy) chose.
//!
//! Trove answers errors as `{"<faultName>": {"code": N, "message": "..."}}`, but malformed JSON
//! and tenant mismatches come back as `{"message": "...<br /><br />...", "code": "400 Bad Request",
//! "title": "Bad Request"}`, Keystone uses `{"error": {...}}`, and some handlers and proxies send
//! plain text. [`Fault::from_body`] accepts all of them and never fails.

use serde::Deserialize;
use serde_json::{Map, Value};

/// What a failed response said, normalized across the body shapes Trove is known to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fault {
    /// The Trove fault name, such as `itemNotFound`, `badRequest` or `overLimit`. When the body
    /// does not name one, it is derived from the status code the way Trove derives it.
    pub name: String,
    /// The human-readable message, with HTML line breaks removed.
    pub message: String,
    /// Extra details, when the server sent them.
    pub details: Option<String>,
    /// Seconds to wait before retrying, from the body's `retryAfter` (rate limiting, 413).
    pub retry_after: Option<u64>,
}

// What Trove answers an error with (`trove/common/wsgi.py` `Fault`): one key naming the fault,
// holding its code and message, as in `{"itemNotFound": {"code": 404, "message": "..."}}`; or
// webob's own `{"code": "400 Bad Request", "message": "...", "title": "Bad Request"}` for a body
// that is not JSON or a project mismatch. `Fault::from_body` reads anything, but this is what
// the two servers send.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Fault {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Fault".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "code": { "type": "integer" },
                            "message": { "type": "string" },
                            "details": {},
                            "retryAfter": { "type": ["string", "number"] },
                        },
                        "required": ["message"],
                    },
                },
                {
                    "type": "object",
                    "properties": {
                        "code": { "type": "string" },
                        "message": { "type": "string" },
                        "title": { "type": "string" },
                    },
                    "required": ["code", "message", "title"],
                },
            ]
        })
    }
}

/// Returns Trove's fault name for a status code, as `trove/common/wsgi.py` `Fault` names the
/// webob exception of that status: ten names of its own (`itemNotFound`, `badMethod`,
/// `overLimit`, `badMediaType`, `instanceFault`...), and for the others the class name without
/// `HTTP`, first letter lowered (`HTTPConflict` is `conflict`). A status webob has no class for
/// is `httpError`, a name of this crate's.
///
/// The emulator answers with the same table, so the client and the emulator agree with Trove
/// and with each other.
pub fn fault_name_for_status(status: u16) -> &'static str {
    match status {
        // Trove's `named_exceptions`.
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        413 => "overLimit",
        415 => "badMediaType",
        500 => "instanceFault",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        // The rest of webob's `status_map`, named by the derivation.
        402 => "paymentRequired",
        406 => "notAcceptable",
        407 => "proxyAuthenticationRequired",
        408 => "requestTimeout",
        409 => "conflict",
        410 => "gone",
        411 => "lengthRequired",
        412 => "preconditionFailed",
        414 => "requestURITooLong",
        416 => "requestRangeNotSatisfiable",
        417 => "expectationFailed",
        422 => "unprocessableEntity",
        423 => "locked",
        424 => "failedDependency",
        428 => "preconditionRequired",
        429 => "tooManyRequests",
        431 => "requestHeaderFieldsTooLarge",
        451 => "unavailableForLegalReasons",
        502 => "badGateway",
        504 => "gatewayTimeout",
        505 => "versionNotSupported",
        507 => "insufficientStorage",
        511 => "networkAuthenticationRequired",
        _ => "httpError",
    }
}

/// The longest message kept from a non-JSON body; an HTML error page is not a message.
const MAX_TEXT_MESSAGE: usize = 512;

impl Fault {
    /// Decodes an error body. Never fails: an unknown shape falls back to the text of the body,
    /// and an empty body to the status code's fault name.
    pub fn from_body(status: u16, body: &[u8]) -> Fault {
        let fallback_name = fault_name_for_status(status);
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Self::from_object(fallback_name, &map)
                .unwrap_or_else(|| Self::from_text(fallback_name, &String::from_utf8_lossy(body))),
            _ => Self::from_text(fallback_name, &String::from_utf8_lossy(body)),
        }
    }

    fn from_object(fallback_name: &str, map: &Map<String, Value>) -> Option<Fault> {
        // The usual shape: exactly one key naming the fault, holding an object.
        if map.len() == 1 {
            if let Some((key, Value::Object(inner))) = map.iter().next() {
                let body = FaultBody::deserialize(Value::Object(inner.clone())).ok()?;
                let name = if key == "error" {
                    // Keystone's `{"error": {...}}` names no fault; the status does.
                    fallback_name.to_owned()
                } else {
                    key.clone()
                };
                return Some(Fault {
                    name,
                    message: clean_message(body.message.as_deref().unwrap_or_default()),
                    details: body.details.as_ref().and_then(value_text),
                    retry_after: body.retry_after.as_ref().and_then(value_seconds),
                });
            }
        }
        // The webob shape: {"message", "code": "400 Bad Request", "title"}.
        let message = map.get("message").and_then(Value::as_str)?;
        Some(Fault {
            name: fallback_name.to_owned(),
            message: clean_message(message),
            details: None,
            retry_after: None,
        })
    }

    fn from_text(name: &str, text: &str) -> Fault {
        let mut message = clean_message(text);
        if message.len() > MAX_TEXT_MESSAGE {
            let mut cut = MAX_TEXT_MESSAGE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        Fault {
            name: name.to_owned(),
            message,
            details: None,
            retry_after: None,
        }
    }
}

#[derive(Deserialize)]
struct FaultBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<Value>,
    #[serde(default, rename = "retryAfter")]
    retry_after: Option<Value>,
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn value_seconds(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().map(|f| f.max(0.0).ceil() as u64)),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .map(|f| f.max(0.0).ceil() as u64),
        _ => None,
    }
}

/// Removes the HTML line breaks webob puts in messages and folds white space.
fn clean_message(raw: &str) -> String {
    raw.replace("<br />", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_usual_trove_shape() {
        let f = Fault::from_body(
            404,
            br#"{"itemNotFound": {"code": 404, "message": "Resource x cannot be found."}}"#,
        );
        assert_eq!(f.name, "itemNotFound");
        assert_eq!(f.message, "Resource x cannot be found.");
        assert_eq!(f.retry_after, None);
    }

    #[test]
    fn decodes_the_webob_shape_of_a_tenant_mismatch() {
        let body = br#"{"message": "Access was denied to this resource.<br /><br />\nUser with tenant id 12345 cannot access this resource.\n\n", "code": "403 Forbidden", "title": "Forbidden"}"#;
        let f = Fault::from_body(403, body);
        assert_eq!(f.name, "forbidden");
        assert_eq!(
            f.message,
            "Access was denied to this resource. User with tenant id 12345 cannot access this resource."
        );
    }

    #[test]
    fn decodes_rate_limit_retry_after_as_string_or_number() {
        let f = Fault::from_body(
            413,
            br#"{"overLimit": {"code": 413, "message": "slow down", "details": "d", "retryAfter": "7"}}"#,
        );
        assert_eq!((f.name.as_str(), f.retry_after), ("overLimit", Some(7)));
        assert_eq!(f.details.as_deref(), Some("d"));
        let f = Fault::from_body(
            413,
            br#"{"overLimit": {"message": "m", "retryAfter": 2.5}}"#,
        );
        assert_eq!(f.retry_after, Some(3));
    }

    #[test]
    fn keystone_error_takes_its_name_from_the_status() {
        let f = Fault::from_body(
            401,
            br#"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#,
        );
        assert_eq!(f.name, "unauthorized");
        assert!(f.message.starts_with("The request you have made"));
    }

    #[test]
    fn non_json_and_empty_bodies_fall_back() {
        let f = Fault::from_body(502, b"<html><body>Bad Gateway</body></html>");
        assert_eq!(f.name, "badGateway");
        assert!(f.message.contains("Bad Gateway"));
        let f = Fault::from_body(503, b"");
        assert_eq!(
            (f.name.as_str(), f.message.as_str()),
            ("serviceUnavailable", "")
        );
        let f = Fault::from_body(404, b"[1, 2]");
        assert_eq!(f.name, "itemNotFound");
        let long = "x".repeat(5000);
        assert!(Fault::from_body(500, long.as_bytes()).message.len() <= MAX_TEXT_MESSAGE + 3);
    }

    /// Follows `trove/common/wsgi.py` (Trove 26.0.0) `Fault._get_error_name` over every error
    /// class in webob's `status_map`: `named_exceptions` first, then the derived name. The
    /// derivation is written out here as Trove writes it, so a typo in the table shows.
    #[test]
    fn fault_names_follow_trove_wsgi_fault_for_every_status() {
        let named = [
            ("HTTPBadRequest", "badRequest"),
            ("HTTPUnauthorized", "unauthorized"),
            ("HTTPForbidden", "forbidden"),
            ("HTTPNotFound", "itemNotFound"),
            ("HTTPMethodNotAllowed", "badMethod"),
            ("HTTPRequestEntityTooLarge", "overLimit"),
            ("HTTPUnsupportedMediaType", "badMediaType"),
            ("HTTPInternalServerError", "instanceFault"),
            ("HTTPNotImplemented", "notImplemented"),
            ("HTTPServiceUnavailable", "serviceUnavailable"),
        ];
        // webob 1.8 `exc.status_map`, error classes only.
        let webob = [
            (400, "HTTPBadRequest"),
            (401, "HTTPUnauthorized"),
            (402, "HTTPPaymentRequired"),
            (403, "HTTPForbidden"),
            (404, "HTTPNotFound"),
            (405, "HTTPMethodNotAllowed"),
            (406, "HTTPNotAcceptable"),
            (407, "HTTPProxyAuthenticationRequired"),
            (408, "HTTPRequestTimeout"),
            (409, "HTTPConflict"),
            (410, "HTTPGone"),
            (411, "HTTPLengthRequired"),
            (412, "HTTPPreconditionFailed"),
            (413, "HTTPRequestEntityTooLarge"),
            (414, "HTTPRequestURITooLong"),
            (415, "HTTPUnsupportedMediaType"),
            (416, "HTTPRequestRangeNotSatisfiable"),
            (417, "HTTPExpectationFailed"),
            (422, "HTTPUnprocessableEntity"),
            (423, "HTTPLocked"),
            (424, "HTTPFailedDependency"),
            (428, "HTTPPreconditionRequired"),
            (429, "HTTPTooManyRequests"),
            (431, "HTTPRequestHeaderFieldsTooLarge"),
            (451, "HTTPUnavailableForLegalReasons"),
            (500, "HTTPInternalServerError"),
            (501, "HTTPNotImplemented"),
            (502, "HTTPBadGateway"),
            (503, "HTTPServiceUnavailable"),
            (504, "HTTPGatewayTimeout"),
            (505, "HTTPVersionNotSupported"),
            (507, "HTTPInsufficientStorage"),
            (511, "HTTPNetworkAuthenticationRequired"),
        ];
        for (status, class) in webob {
            let expected = match named.iter().find(|(c, _)| *c == class) {
                Some((_, name)) => (*name).to_owned(),
                None => {
                    let rest = class.rsplit("HTTP").next().unwrap_or(class);
                    let mut chars = rest.chars();
                    let first = chars.next().map(|c| c.to_ascii_lowercase());
                    first.into_iter().chain(chars).collect()
                }
            };
            assert_eq!(fault_name_for_status(status), expected, "{status} {class}");
        }
        assert_eq!(fault_name_for_status(418), "httpError");
        assert_eq!(fault_name_for_status(200), "httpError");
    }
}
