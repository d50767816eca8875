//! TLS of an instance's datastore: `GET` the state (optionally with the certificate) and `POST`
//! one of enable, disable or rollback. Only a primary instance (not a replica) takes actions.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{ready_instance, Req};
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

/// The modes Trove accepts.
const MODES: &[&str] = &["basic", "enforced", "mtls", "builtin"];

/// The TLS state of an instance: the mode when on, and the state before the last change.
#[derive(Debug, Clone, Default)]
pub(crate) struct SslState {
    mode: Option<String>,
    previous: Option<Option<String>>,
}

fn view(instance_id: &str, state: &SslState, include_certificate: bool) -> Value {
    let Some(mode) = &state.mode else {
        return json!({"status": "off"});
    };
    let mut certificate = json!({
        "cn": instance_id,
        "expire_at": "2027-12-31T00:00:00",
        "san": [format!("{instance_id}.trove.local")],
    });
    if include_certificate {
        certificate["payload"] = json!(format!(
            "-----BEGIN CERTIFICATE-----\nZmFrZS1{instance_id}\n-----END CERTIFICATE-----\n"
        ));
    }
    json!({"status": "on", "mode": mode, "certificate": certificate})
}

/// Routes `instances/{id}/ssl`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let ["instances", id, "ssl"] = path else {
        return None;
    };
    let m = &req.ctx.method;
    if m == Method::GET {
        let include = req
            .ctx
            .query("include_certificate")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        return Some(match ready_instance(req, world, id) {
            Ok(inst) => json(
                StatusCode::OK,
                &json!({"ssl": view(&inst.id, &inst.ssl, include)}),
            ),
            Err(e) => e,
        });
    }
    if m != Method::POST {
        return None;
    }
    Some(action(req, world, id).unwrap_or_else(|e| e))
}

fn action(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let Some(ssl) = body.get("ssl").and_then(Value::as_object) else {
        return Err(fault::validation("ssl", "is a required property"));
    };
    let on = |k: &str| ssl.get(k).and_then(Value::as_bool).unwrap_or(false);
    let chosen: Vec<&str> = ["enable", "disable", "rollback"]
        .into_iter()
        .filter(|k| on(k))
        .collect();
    if chosen.len() != 1 {
        return Err(fault::bad_request(
            "Exactly one of enable, disable and rollback must be given.",
        ));
    }
    let mode = match ssl.get("mode").map(|m| m.as_str()) {
        None => "basic".to_owned(),
        Some(Some(m)) if MODES.contains(&m) => m.to_owned(),
        Some(_) => {
            return Err(fault::bad_request(&format!(
                "Invalid SSL mode; expected one of {}.",
                MODES.join(", ")
            )))
        }
    };
    let inst = ready_instance(req, world, id)?;
    if inst.replica_of.is_some() {
        return Err(fault::bad_request(&format!(
            "SSL can only be changed on a primary instance; {id} is a replica."
        )));
    }
    let before = inst.ssl.mode.clone();
    match chosen[0] {
        "enable" => inst.ssl.mode = Some(mode),
        "disable" => inst.ssl.mode = None,
        _ => match inst.ssl.previous.take() {
            Some(previous) => inst.ssl.mode = previous,
            None => {
                return Err(fault::bad_request(&format!(
                    "There is no previous SSL state of instance {id} to roll back to."
                )))
            }
        },
    }
    if chosen[0] != "rollback" {
        inst.ssl.previous = Some(before.clone());
    }
    let mut out = json!({
        "status": if inst.ssl.mode.is_some() { "on" } else { "off" },
        "restart_required": before != inst.ssl.mode,
    });
    if let Some(mode) = &inst.ssl.mode {
        out["mode"] = json!(mode);
    }
    Ok(json(StatusCode::OK, &json!({ "ssl": out })))
}
