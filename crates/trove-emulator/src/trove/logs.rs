//! Guest logs of an instance: list and the show/enable/disable/publish/discard action, with the
//! messages of Trove's guest agent (`guest_log_action`).

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{ready_instance, Req};
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

/// Bytes a fake datastore writes to an enabled log between two publishes.
const PENDING_BYTES: u64 = 4096;

/// One guest log of an instance.
#[derive(Debug, Clone)]
pub(crate) struct GuestLog {
    /// `USER` or `SYS`.
    kind: &'static str,
    enabled: bool,
    published: u64,
    pending: u64,
    status: &'static str,
}

/// The logs of a new mysql instance: `general` and `slow_query` (user, off) and `guest` (system).
pub(crate) fn initial() -> BTreeMap<String, GuestLog> {
    let user = GuestLog {
        kind: "USER",
        enabled: false,
        published: 0,
        pending: 0,
        status: "Disabled",
    };
    let sys = GuestLog {
        kind: "SYS",
        enabled: true,
        published: 0,
        pending: PENDING_BYTES,
        status: "Ready",
    };
    BTreeMap::from([
        ("general".to_owned(), user.clone()),
        ("guest".to_owned(), sys),
        ("slow_query".to_owned(), user),
    ])
}

fn view(instance_id: &str, name: &str, log: &GuestLog) -> Value {
    json!({
        "name": name,
        "type": log.kind,
        "status": log.status,
        "published": log.published,
        "pending": log.pending,
        "container": "database_logs",
        "prefix": format!("{instance_id}/mysql-{name}/"),
        "metafile": format!("{instance_id}/mysql-{name}_metafile"),
    })
}

/// Routes `instances/{id}/log`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let ["instances", id, "log"] = path else {
        return None;
    };
    let m = &req.ctx.method;
    if m == Method::GET {
        return Some(match ready_instance(req, world, id) {
            Ok(inst) => {
                let logs: Vec<Value> = inst
                    .logs
                    .iter()
                    .map(|(name, log)| view(&inst.id, name, log))
                    .collect();
                json(StatusCode::OK, &json!({ "logs": logs }))
            }
            Err(e) => e,
        });
    }
    if m != Method::POST {
        return None;
    }
    Some(action(req, world, id).unwrap_or_else(|e| e))
}

fn flag(body: &Value, key: &str) -> bool {
    match body.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

fn action(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    // `body['name']`: a missing name is an unhandled KeyError on the real server.
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(fault::internal_error)?
        .to_owned();
    let (mut enable, disable) = (flag(&body, "enable"), flag(&body, "disable"));
    let (publish, discard) = (flag(&body, "publish"), flag(&body, "discard"));
    if enable && disable {
        return Err(fault::bad_request("Cannot enable and disable log."));
    }
    let inst = ready_instance(req, world, id)?;
    let Some(log) = inst.logs.get_mut(&name) else {
        return Err(fault::not_found(&format!("Log '{name}' is not defined.")));
    };
    // The guest enables a log it is asked to publish, unless told to disable it.
    if publish && !disable {
        enable = true;
    }
    if log.kind == "SYS" && !publish && (enable || disable) {
        let verb = if enable { "enable" } else { "disable" };
        return Err(fault::bad_request(&format!(
            "Cannot {verb} a SYSTEM log ('{name}')."
        )));
    }
    if log.kind == "USER" && ((log.enabled && disable) || (!log.enabled && enable)) {
        log.enabled = enable;
        log.status = if enable { "Enabled" } else { "Disabled" };
        log.pending = if enable { PENDING_BYTES } else { 0 };
    }
    if discard {
        log.published = 0;
        log.status = if log.enabled { "Ready" } else { "Disabled" };
    }
    if publish {
        log.published = log.published.saturating_add(log.pending);
        log.pending = 0;
        log.status = "Published";
    }
    let body = json!({ "log": view(&inst.id, &name, log) });
    Ok(json(StatusCode::OK, &body))
}
