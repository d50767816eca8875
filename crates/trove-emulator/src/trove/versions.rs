//! `GET /`: the API versions document (its self link is plain `http`, unlike every other link).

use http::{Method, StatusCode};
use serde_json::json;

use crate::fault;
use crate::request::Ctx;
use crate::response::{json, Resp};

/// Answers `GET /` with no auth.
pub(crate) fn index(ctx: &Ctx) -> Resp {
    if ctx.method != Method::GET {
        return fault::no_route();
    }
    json(
        StatusCode::OK,
        &json!({"versions": [{
            "id": "v1.0",
            "status": "CURRENT",
            "updated": "2012-08-01T00:00:00Z",
            "links": [{"rel": "self", "href": format!("http://{}/v1.0/", ctx.host)}],
        }]}),
    )
}
