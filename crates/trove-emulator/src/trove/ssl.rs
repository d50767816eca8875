//! TLS of an instance's datastore: `GET` the state (optionally with the certificate) and `POST`
//! at most one of enable, disable or rollback. A replica takes only rollback.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::instances::truthy;
use super::{actionable_instance, ready_instance, Req};
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

/// The modes an enable may ask for (`builtin` is only what `GET` shows for the default).
const MODES: &[&str] = &["basic", "enforced", "mtls"];

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
    // Trove tests each option with Python's truthiness, in this order
    // (trove/instance/service.py `ssl_action()`), after checking the instance can act.
    let inst = actionable_instance(req, world, id)?;
    let on = |k: &str| truthy(ssl.get(k));
    if on("enable") && !on("container_ref") {
        return Err(fault::bad_request(
            "You should provide container_ref for enabling ssl.",
        ));
    }
    let chosen: Vec<&str> = ["enable", "disable", "rollback"]
        .into_iter()
        .filter(|k| on(k))
        .collect();
    if chosen.len() > 1 {
        return Err(fault::bad_request("Cannot do several operations at once."));
    }
    // Rollback is the one action Trove allows on a replica.
    if chosen.first() != Some(&"rollback") && inst.replica_of.is_some() {
        return Err(fault::bad_request(
            "Unable to modify ssl on the replica. \
             Please perform the action on the primary instead.",
        ));
    }
    let mode = match ssl.get("mode") {
        None => "basic".to_owned(),
        Some(Value::String(m)) if MODES.contains(&m.as_str()) => m.clone(),
        Some(_) if chosen.first() == Some(&"rollback") => "basic".to_owned(),
        Some(_) => {
            return Err(fault::bad_request(&format!(
                "Unknown SSL mode. Available options are: {}",
                MODES.join(", ")
            )))
        }
    };
    let Some(&chosen) = chosen.first() else {
        // With no action Trove passes nothing to the guest; the state is unchanged.
        return Ok(state_answer(&inst.ssl.mode, false));
    };
    let before = inst.ssl.mode.clone();
    match chosen {
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
    if chosen != "rollback" {
        inst.ssl.previous = Some(before.clone());
    }
    let restart = before != inst.ssl.mode;
    Ok(state_answer(&inst.ssl.mode, restart))
}

fn state_answer(mode: &Option<String>, restart_required: bool) -> Resp {
    let mut out = json!({
        "status": if mode.is_some() { "on" } else { "off" },
        "restart_required": restart_required,
    });
    if let Some(mode) = mode {
        out["mode"] = json!(mode);
    }
    json(StatusCode::OK, &json!({ "ssl": out }))
}
