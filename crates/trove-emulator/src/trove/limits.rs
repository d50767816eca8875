//! Limits: absolute quotas and the fake rate limiter's rows, as captured.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::Req;
use crate::response::{json, Resp};
use crate::state::Inner;

/// `GET limits`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    if req.ctx.method != Method::GET || path != ["limits"] {
        return None;
    }
    let next = world.clock.zulu(req.now);
    let rate = |verb: &str, uri: &str, regex: &str, remaining: u32| -> Value {
        json!({
            "nextAvailable": next, "remaining": remaining, "unit": "MINUTE", "value": 10000,
            "verb": verb, "uri": uri, "regex": regex,
        })
    };
    let body = json!({ "limits": [
        {"verb": "ABSOLUTE", "max_instances": 100, "max_ram": -1, "max_backups": 50, "max_volumes": 500},
        rate("POST", "*", ".*", 10000),
        rate("PUT", "*", ".*", 10000),
        rate("DELETE", "*", ".*", 10000),
        // This very GET is counted, as the real rate limiter does.
        rate("GET", "*", ".*", 9999),
        rate("POST", "*/mgmt", "^/mgmt", 10000),
    ]});
    Some(json(StatusCode::OK, &body))
}
