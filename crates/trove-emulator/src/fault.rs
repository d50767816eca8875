//! Trove's error bodies, in the shapes the real server sends (see the `err-*` captures).

use http::StatusCode;
use serde_json::json;

use crate::response::{json, Resp};

/// Builds `{"<name>": {"code": N, "message": "..."}}`, Trove's usual fault body.
pub(crate) fn fault(status: StatusCode, name: &str, message: &str) -> Resp {
    json(
        status,
        &json!({ name: { "code": status.as_u16(), "message": message } }),
    )
}

/// 400 `badRequest`.
pub(crate) fn bad_request(message: &str) -> Resp {
    fault(StatusCode::BAD_REQUEST, "badRequest", message)
}

/// 400 `badRequest` for a JSON-schema failure: `Validation error: <path> <message>`.
pub(crate) fn validation(path: &str, message: &str) -> Resp {
    bad_request(&format!("Validation error: {path} {message}"))
}

/// 404 `itemNotFound`.
pub(crate) fn not_found(message: &str) -> Resp {
    fault(StatusCode::NOT_FOUND, "itemNotFound", message)
}

/// 404 `itemNotFound` with Trove's `Resource <id> cannot be found.` message.
pub(crate) fn resource_not_found(id: &str) -> Resp {
    not_found(&format!("Resource {id} cannot be found."))
}

/// 404 for a path no route matches, and for a wrong method (Trove has no 405).
pub(crate) fn no_route() -> Resp {
    not_found("The resource could not be found.")
}

/// 422 `unprocessableEntity`.
pub(crate) fn unprocessable(message: &str) -> Resp {
    fault(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessableEntity",
        message,
    )
}

/// 413 `overLimit`.
pub(crate) fn over_limit(message: &str) -> Resp {
    fault(StatusCode::PAYLOAD_TOO_LARGE, "overLimit", message)
}

/// 500 `instanceFault` for an unhandled server error, with the log id the real server prints.
pub(crate) fn internal_error() -> Resp {
    let id = uuid::Uuid::new_v4();
    fault(
        StatusCode::INTERNAL_SERVER_ERROR,
        "instanceFault",
        &format!(
            "Internal Server Error. Please keep this ID to help us figure out what went wrong: \
             ({id})."
        ),
    )
}

/// 500 `instanceFault` that fake keystone produces when `X-Auth-Token` is missing.
pub(crate) fn no_token() -> Resp {
    fault(
        StatusCode::INTERNAL_SERVER_ERROR,
        "instanceFault",
        "The server has either erred or is incapable of performing the requested operation.",
    )
}

/// 400 for a body that is not JSON, in the webob shape (not a Trove fault).
pub(crate) fn malformed_body() -> Resp {
    json(
        StatusCode::BAD_REQUEST,
        &json!({
            "message": "Malformed request body<br /><br />\n\n\n",
            "code": "400 Bad Request",
            "title": "Bad Request",
        }),
    )
}

/// 403 for a URL tenant that is not the token's, in the webob shape (not a Trove fault).
pub(crate) fn tenant_mismatch(token_tenant: &str) -> Resp {
    json(
        StatusCode::FORBIDDEN,
        &json!({
            "message": format!(
                "Access was denied to this resource.<br /><br />\nUser with tenant id \
                 {token_tenant} cannot access this resource.\n\n"
            ),
            "code": "403 Forbidden",
            "title": "Forbidden",
        }),
    )
}

/// 401 in keystonemiddleware's shape, for an unknown or revoked Keystone token.
pub(crate) fn unauthorized(keystone_uri: &str) -> Resp {
    let mut resp = json(
        StatusCode::UNAUTHORIZED,
        &json!({"error": {
            "code": 401,
            "title": "Unauthorized",
            "message": "The request you have made requires authentication.",
        }}),
    );
    if let Ok(v) = http::HeaderValue::from_str(&format!("Keystone uri=\"{keystone_uri}\"")) {
        resp.headers_mut().insert(http::header::WWW_AUTHENTICATE, v);
    }
    resp
}

/// 413 for a request body over the size limit.
pub(crate) fn body_too_large() -> Resp {
    over_limit("Request is too large.")
}

/// Formats an error message the way Trove stores it as an instance fault
/// (`trove.common.utils.format_output` with `truncate_len=255`): lines longer than 79
/// characters are broken at the first `". "`, `" ("` or `": "`, trying the three in turn and
/// carrying on where the last break left off, then the whole is cut to 255 characters.
pub(crate) fn instance_fault_message(message: &str) -> String {
    const TRUNCATE: usize = 255;
    let formatted = format_lines(split_lines(message), &mut 0);
    if formatted.chars().count() > TRUNCATE {
        let kept: String = formatted.chars().take(TRUNCATE - 3).collect();
        format!("{kept}...")
    } else {
        formatted
    }
}

const FORMAT_LEN: usize = 79;
const BREAKS: [(&str, &str); 3] = [(". ", ".\n"), (" (", "\n("), (": ", ":\n    ")];

fn format_lines(lines: Vec<String>, next_break: &mut usize) -> String {
    *next_break %= BREAKS.len();
    let mut out = String::new();
    for line in lines {
        if line.chars().count() <= FORMAT_LEN {
            out.push_str(&line);
            continue;
        }
        let mut pieces = vec![line.clone()];
        let mut split = false;
        for _ in 0..BREAKS.len() {
            let (from, to) = BREAKS[*next_break];
            pieces = split_lines(&line.replacen(from, to, 1));
            *next_break = (*next_break + 1) % BREAKS.len();
            if pieces.len() > 1 {
                split = true;
                break;
            }
        }
        for piece in pieces {
            if split && piece.chars().count() > FORMAT_LEN {
                // Python recurses with its own copy of the index, so the caller's is kept.
                let mut inner = *next_break;
                out.push_str(&format_lines(split_lines(&piece), &mut inner));
            } else {
                out.push_str(&piece);
            }
        }
    }
    out
}

/// Python's `str.splitlines(keepends=True)` for `\n`-separated text.
fn split_lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::instance_fault_message;

    #[test]
    fn fault_messages_break_like_trove() {
        // Both as the real Trove 26 stored them after a refused configuration attach.
        assert_eq!(
            instance_fault_message(
                "Instance 45ed6111-43a8-4264-bcdf-73a7664c9389 already has a Configuration \
                 Group attached: dbf746ce-bd9b-48f8-8d65-fcb068854659."
            ),
            "Instance 45ed6111-43a8-4264-bcdf-73a7664c9389 already has a Configuration Group \
             attached:\n    dbf746ce-bd9b-48f8-8d65-fcb068854659."
        );
        assert_eq!(
            instance_fault_message(
                "Configuration group id: 00000000-0000-0000-0000-000000000000 could not be found."
            ),
            "Configuration group id:\n    00000000-0000-0000-0000-000000000000 could not be found."
        );
        assert_eq!(instance_fault_message("Short."), "Short.");
        let long = "word ".repeat(80);
        let cut = instance_fault_message(&long);
        assert_eq!(cut.chars().count(), 255);
        assert!(cut.ends_with("..."));
    }
}
