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
    /// The published parts, oldest first, as the guest puts them in Swift.
    pub(crate) parts: Vec<LogPart>,
    /// Parts published so far (never reset, so part names stay unique after a discard).
    part_seq: u64,
    /// Lines written so far, numbering the next line.
    lines: u64,
}

/// One published part of a guest log: a Swift object under the log's prefix.
#[derive(Debug, Clone)]
pub(crate) struct LogPart {
    /// The object name after the prefix: `log-<UTC time>`, as `guest_log.py` `_object_name`.
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) last_modified: String,
    /// The `x-object-meta-lines` header the guest sets on each part.
    pub(crate) lines: u64,
}

/// The Swift container the guest publishes to (`guest_log_container_name`'s default).
pub(crate) const CONTAINER: &str = "database_logs";

/// The object prefix of a log (`guest_log.py` `_object_prefix`, datastore `mysql`).
pub(crate) fn prefix(instance_id: &str, name: &str) -> String {
    format!("{instance_id}/mysql-{name}/")
}

/// The metafile object of a log (`guest_log.py` `_metafile_name`).
pub(crate) fn metafile(instance_id: &str, name: &str) -> String {
    format!("{instance_id}/mysql-{name}_metafile")
}

impl GuestLog {
    pub(crate) fn kind(&self) -> &'static str {
        self.kind
    }

    pub(crate) fn published(&self) -> u64 {
        self.published
    }

    /// Writes the pending bytes as one part of fake log text in 64-byte lines, as the guest puts
    /// what was written since the last publish in one object (`_publish_to_container`).
    fn publish_part(&mut self, log_name: &str, stamp: &str) {
        const LINE: usize = 64;
        let mut left = usize::try_from(self.pending).unwrap_or(0);
        if left == 0 {
            return;
        }
        let (mut text, mut lines) = (String::with_capacity(left), 0);
        while left > 0 {
            let width = left.min(LINE);
            self.lines += 1;
            let line = format!("{stamp} {:>6} [Note] {log_name} log line", self.lines);
            let mut line: String = line.chars().take(width - 1).collect();
            while line.len() < width - 1 {
                line.push(' ');
            }
            text.push_str(&line);
            text.push('\n');
            lines += 1;
            left -= width;
        }
        self.part_seq += 1;
        self.parts.push(LogPart {
            name: format!("log-{stamp}.{:06}", self.part_seq),
            text,
            last_modified: format!("{stamp}.{:06}", self.part_seq),
            lines,
        });
    }
}

/// The logs of a new mysql instance: `general` and `slow_query` (user, off) and `guest` (system).
pub(crate) fn initial() -> BTreeMap<String, GuestLog> {
    let user = GuestLog {
        kind: "USER",
        enabled: false,
        published: 0,
        pending: 0,
        status: "Disabled",
        parts: Vec::new(),
        part_seq: 0,
        lines: 0,
    };
    let sys = GuestLog {
        kind: "SYS",
        enabled: true,
        published: 0,
        pending: PENDING_BYTES,
        status: "Ready",
        parts: Vec::new(),
        part_seq: 0,
        lines: 0,
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
        // `trove/guestagent/guest_log.py` `GuestLog.show`: the container and prefix are the
        // string 'None' until something is published; the metafile name is always given.
        "container": if log.published == 0 { "None".to_owned() } else { CONTAINER.to_owned() },
        "prefix": if log.published == 0 { "None".to_owned() } else { prefix(instance_id, name) },
        "metafile": metafile(instance_id, name),
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
    let stamp = world.clock.trove(req.now);
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
        log.parts.clear();
        log.status = if log.enabled { "Ready" } else { "Disabled" };
    }
    if publish {
        log.publish_part(&name, &stamp);
        log.published = log.published.saturating_add(log.pending);
        log.pending = 0;
        log.status = "Published";
    }
    let body = json!({ "log": view(&inst.id, &name, log) });
    Ok(json(StatusCode::OK, &body))
}
