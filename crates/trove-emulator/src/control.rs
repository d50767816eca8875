//! The control API under `/_emulator/`, for test suites in any language: reset the world, swap
//! the fault plan, finish pending tasks, skip time, seed instances and read the request log.
//!
//! Trove routes nothing under `/_emulator/` (its paths start with a version), so the prefix
//! cannot hide a Trove route. Control requests are neither faulted nor logged, so a test can
//! always clear the faults it set and reading the log does not change it.
//!
//! | request | does |
//! |---|---|
//! | `POST /_emulator/reset` | empties the Trove world, the fault plan and the request log (Keystone tokens stay valid) |
//! | `PUT /_emulator/faults` | replaces the fault plan with the body, in the `--faults` text form |
//! | `GET /_emulator/faults`, `DELETE /_emulator/faults` | counts the rules and firings; stops injecting |
//! | `POST /_emulator/settle` | finishes every pending task now (BUILD to ACTIVE, backups to COMPLETED, deletes gone) |
//! | `POST /_emulator/clock?advance=SECS` | moves the emulator's time forward: tasks fall due, tokens expire |
//! | `GET /_emulator/requests[?since=SEQ]`, `DELETE /_emulator/requests` | the exchanges served, oldest first; clears them |
//! | `POST /_emulator/seed` | adds `{"count": N, "tenant": ID, "name_prefix": P}` ACTIVE instances |
//!
//! Errors are JSON, `{"error": {"code": 400, "title": "Bad Request", "message": "..."}}`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::faults::{FaultAction, FaultPlan};
use crate::request::Ctx;
use crate::response::{json, Resp};
use crate::state::Shared;

/// The path prefix of the control API (first segment).
pub(crate) const PREFIX: &str = "_emulator";

/// How many exchanges the request log keeps; older ones are dropped first.
pub const REQUEST_LOG_CAPACITY: usize = 1000;

/// Most instances one seed request may add.
const MAX_SEED: u64 = 100_000;

/// Largest single clock advance: ten years, far beyond any token or task delay.
const MAX_ADVANCE_SECS: f64 = 10.0 * 365.0 * 86_400.0;

/// Query parameters whose values are never logged.
const SECRET_WORDS: [&str; 6] = ["token", "password", "secret", "key", "credential", "auth"];

/// True when a request path is under the control prefix.
pub(crate) fn is_control(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|p| p.split('/').next())
        .is_some_and(|first| first == PREFIX)
}

/// One exchange of the request log.
#[derive(Debug, Clone)]
struct Exchange {
    seq: u64,
    at: Instant,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    /// `None` when the connection was reset instead of answered.
    status: Option<u16>,
    request_id: Option<String>,
    fault: Option<String>,
}

#[derive(Debug, Default)]
struct Log {
    next_seq: u64,
    dropped: u64,
    entries: VecDeque<Exchange>,
}

/// The control API's shared state: the bounded request log.
#[derive(Debug, Default)]
pub(crate) struct Control {
    log: Mutex<Log>,
}

impl Control {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs one exchange; `status` is `None` for a connection reset. Control requests are left
    /// out. Only the method, path, query (secret values masked), status and request id are kept:
    /// no header and no body, so no token, password or credential can reach the log.
    pub(crate) fn record(
        &self,
        method: &Method,
        uri: &http::Uri,
        status: Option<u16>,
        request_id: Option<&str>,
        fault: Option<&FaultAction>,
    ) {
        if is_control(uri.path()) {
            return;
        }
        let query = uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| {
                        let v = if is_secret_key(&k) {
                            "***".to_owned()
                        } else {
                            v.into_owned()
                        };
                        (k.into_owned(), v)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let exchange = Exchange {
            seq: 0,
            at: Instant::now(),
            method: method.as_str().to_owned(),
            path: redact_path(uri.path()),
            query,
            status,
            request_id: request_id.map(str::to_owned),
            fault: fault.map(fault_name),
        };
        let mut log = self.log();
        log.next_seq += 1;
        let seq = log.next_seq;
        if log.entries.len() == REQUEST_LOG_CAPACITY {
            log.entries.pop_front();
            log.dropped += 1;
        }
        log.entries.push_back(Exchange { seq, ..exchange });
    }

    pub(crate) fn clear(&self) {
        let mut log = self.log();
        log.entries.clear();
        log.dropped = 0;
    }
}

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| key.contains(w))
}

/// Masks a path segment that is a Keystone token (none should be, but a client bug could put
/// one there, and the log must stay safe to print).
fn redact_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with(crate::keystone::TOKEN_PREFIX) {
                "***"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The `--faults` text of one action, as the log names it.
fn fault_name(action: &FaultAction) -> String {
    match action {
        FaultAction::Status { status, .. } => format!("status={status}"),
        FaultAction::ResetBeforeRead => "reset=before".to_owned(),
        FaultAction::ResetAfterRead => "reset=after".to_owned(),
        FaultAction::Delay(d) => format!("delay={}ms", d.as_millis()),
        FaultAction::TruncateBody => "truncate".to_owned(),
        FaultAction::InvalidJson => "invalid-json".to_owned(),
        FaultAction::ContentType(t) => format!("content-type={t}"),
        FaultAction::Unauthorized => "unauthorized".to_owned(),
    }
}

fn error(status: StatusCode, message: &str) -> Resp {
    json(
        status,
        &json!({"error": {
            "code": status.as_u16(),
            "title": status.canonical_reason().unwrap_or("Error"),
            "message": message,
        }}),
    )
}

fn bad_request(message: &str) -> Resp {
    error(StatusCode::BAD_REQUEST, message)
}

/// Routes `/_emulator/...`; `path` starts after the prefix.
pub(crate) fn handle(shared: &Shared, ctx: &Ctx, path: &[&str]) -> Resp {
    let m = &ctx.method;
    let allowed: &[Method] = match path {
        ["reset"] => &[Method::POST],
        ["faults"] => &[Method::GET, Method::PUT, Method::DELETE],
        ["settle"] => &[Method::POST],
        ["clock"] => &[Method::GET, Method::POST],
        ["requests"] => &[Method::GET, Method::DELETE],
        ["seed"] => &[Method::POST],
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                &format!(
                    "no control endpoint {}; see the trove_emulator crate docs for the list",
                    ctx.raw_path
                ),
            )
        }
    };
    if !allowed.contains(m) {
        let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
        let mut resp = error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{} takes {}", ctx.raw_path, names.join(", ")),
        );
        if let Ok(v) = http::HeaderValue::from_str(&names.join(", ")) {
            resp.headers_mut().insert(http::header::ALLOW, v);
        }
        return resp;
    }
    match (path, m.as_str()) {
        (["reset"], _) => reset(shared),
        (["faults"], "PUT") => put_faults(shared, ctx),
        (["faults"], "DELETE") => {
            shared.faults.set(FaultPlan::default());
            faults_view(shared)
        }
        (["faults"], _) => faults_view(shared),
        (["settle"], _) => settle(shared),
        (["clock"], "POST") => advance(shared, ctx),
        (["clock"], _) => clock_view(shared),
        (["requests"], "DELETE") => {
            shared.control.clear();
            requests(shared, ctx)
        }
        (["requests"], _) => requests(shared, ctx),
        _ => seed(shared, ctx),
    }
}

fn reset(shared: &Shared) -> Resp {
    shared.lock().reset(&shared.config);
    shared.faults.set(FaultPlan::default());
    shared.control.clear();
    json(StatusCode::OK, &json!({"reset": true}))
}

fn faults_view(shared: &Shared) -> Resp {
    json(
        StatusCode::OK,
        &json!({"rules": shared.faults.rule_count(), "fired": shared.faults.fired()}),
    )
}

fn put_faults(shared: &Shared, ctx: &Ctx) -> Resp {
    let Ok(text) = std::str::from_utf8(&ctx.body) else {
        return bad_request("the fault plan must be UTF-8 text");
    };
    match text.parse::<FaultPlan>() {
        Ok(plan) => {
            tracing::info!(rules = plan.rules.len(), "fault plan replaced");
            shared.faults.set(plan);
            faults_view(shared)
        }
        Err(e) => bad_request(&e.to_string()),
    }
}

fn settle(shared: &Shared) -> Resp {
    let settled = shared.lock().settle_all();
    json(StatusCode::OK, &json!({"settled": settled}))
}

fn clock_view(shared: &Shared) -> Resp {
    let world = shared.lock();
    let now = world.clock.now();
    json(
        StatusCode::OK,
        &json!({
            "now": world.clock.zulu(now),
            "skipped_seconds": world.clock.skipped().as_secs_f64(),
        }),
    )
}

fn advance(shared: &Shared, ctx: &Ctx) -> Resp {
    let Some(raw) = ctx.query("advance") else {
        return bad_request("missing ?advance=SECS (seconds to move the clock forward)");
    };
    let secs = match raw.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=MAX_ADVANCE_SECS).contains(&s) => s,
        _ => {
            return bad_request(&format!(
                "advance={raw:?} is not a number of seconds between 0 and {MAX_ADVANCE_SECS}"
            ))
        }
    };
    {
        let mut world = shared.lock();
        world.clock.advance(Duration::from_secs_f64(secs));
    }
    // The next lock settles what fell due, so the answer shows the new time.
    clock_view(shared)
}

fn requests(shared: &Shared, ctx: &Ctx) -> Resp {
    let since = match ctx.query("since").map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return bad_request("since must be a sequence number (an integer)"),
    };
    let clock = shared.lock().clock;
    let log = shared.control.log();
    let entries: Vec<Value> = log
        .entries
        .iter()
        .filter(|e| e.seq > since)
        .map(|e| {
            let query: serde_json::Map<String, Value> = e
                .query
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            json!({
                "seq": e.seq,
                "time": clock.wall_millis(e.at),
                "method": e.method,
                "path": e.path,
                "query": query,
                "status": e.status,
                "request_id": e.request_id,
                "fault": e.fault,
            })
        })
        .collect();
    json(
        StatusCode::OK,
        &json!({
            "requests": entries,
            "capacity": REQUEST_LOG_CAPACITY,
            "dropped": log.dropped,
            "last_seq": log.next_seq,
        }),
    )
}

fn seed(shared: &Shared, ctx: &Ctx) -> Resp {
    let body = match ctx.optional_json_body() {
        Ok(Some(Value::Object(map))) => map,
        Ok(None) => serde_json::Map::new(),
        _ => return bad_request("the body must be a JSON object such as {\"count\": 10}"),
    };
    let count = match body.get("count") {
        None => 1,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_SEED).contains(&n) => n,
            _ => {
                return bad_request(&format!(
                    "count must be an integer from 1 to {MAX_SEED}, not {v}"
                ))
            }
        },
    };
    let tenant = match body.get("tenant") {
        None => crate::config::DEMO_PROJECT_ID.to_owned(),
        Some(Value::String(t)) if !t.is_empty() && !t.contains('/') => t.clone(),
        Some(v) => return bad_request(&format!("tenant must be a project id, not {v}")),
    };
    let prefix = match body.get("name_prefix") {
        None => "seed".to_owned(),
        Some(Value::String(p)) => p.clone(),
        Some(v) => return bad_request(&format!("name_prefix must be a string, not {v}")),
    };
    let ids = seed_instances(shared, &tenant, &prefix, count as usize);
    json(
        StatusCode::CREATED,
        &json!({"seeded": ids.len(), "tenant": tenant, "ids": ids}),
    )
}

/// Adds `n` idle ACTIVE instances named `<prefix>-<i>` to `tenant`; returns their ids.
pub(crate) fn seed_instances(shared: &Shared, tenant: &str, prefix: &str, n: usize) -> Vec<String> {
    let mut world = shared.lock();
    let now = world.clock.now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let seq = world.next_seq();
        let id = uuid::Uuid::new_v4().to_string();
        let instance = crate::state::Instance::ready(
            id.clone(),
            tenant.to_owned(),
            seq,
            format!("{prefix}-{i}"),
            now,
        );
        world.instances.insert(id.clone(), instance);
        ids.push(id);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_segment_makes_a_control_path() {
        assert!(is_control("/_emulator/reset"));
        assert!(is_control("/_emulator"));
        assert!(!is_control("/v1.0/_emulator/reset"));
        assert!(!is_control("/_emulatorx/reset"));
    }

    #[test]
    fn secret_query_values_and_token_segments_are_masked() {
        let c = Control::default();
        let uri: http::Uri = "/v3/x/gAAAAAabc?password=pw&X-Auth-Token=t&limit=2"
            .parse()
            .unwrap();
        c.record(&Method::GET, &uri, Some(200), None, None);
        let log = c.log();
        let e = &log.entries[0];
        assert_eq!(e.path, "/v3/x/***");
        assert_eq!(
            e.query,
            vec![
                ("password".to_owned(), "***".to_owned()),
                ("X-Auth-Token".to_owned(), "***".to_owned()),
                ("limit".to_owned(), "2".to_owned()),
            ]
        );
    }

    #[tokio::test]
    async fn the_log_keeps_the_newest_exchanges() {
        let c = Control::default();
        let uri: http::Uri = "/v1.0/t/instances".parse().unwrap();
        for _ in 0..REQUEST_LOG_CAPACITY + 5 {
            c.record(&Method::GET, &uri, Some(200), None, None);
        }
        let log = c.log();
        assert_eq!(log.entries.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(log.dropped, 5);
        assert_eq!(log.entries.front().map(|e| e.seq), Some(6));
    }
}
