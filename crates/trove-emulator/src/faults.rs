//! Fault injection: a scriptable plan of the failures production clouds produce (error statuses
//! with `Retry-After`, connection resets before or after the request is read, delays, truncated
//! or invalid bodies, wrong content types, 401s), per route or global.
//!
//! A plan is a list of [`FaultRule`]s; each request fires the first rule that matches it and has
//! firings left. Build one in code, or parse the text form that the binary's `--faults` takes:
//! one rule per line or `;`, `#` starts a comment, tokens separated by spaces:
//!
//! ```text
//! POST /v1.0/*/instances reset=after times=1     # the first create is processed, then reset
//! GET * status=503 retry-after=2 times=2         # two 503s with Retry-After: 2
//! status=413 retry-after=5 skip=3 times=1        # any route: the 4th request is rate limited
//! delay=1500ms                                   # every request waits 1.5 s first
//! ```
//!
//! Matchers: an upper-case method, a path glob starting with `/` (`*` matches any run of
//! characters, the whole path must match; the query is ignored), `*` for any route.
//! Actions (one per rule): `status=N` (a Trove fault body named after the status; with
//! `retry-after=S` also a `Retry-After` header and the body's `retryAfter`), `reset=before`
//! (close the connection without reading the request: nothing is processed), `reset=after`
//! (process the request, then close the connection without answering), `delay=D` (`500ms`,
//! `2s`; then answer normally), `truncate` (answer with half the body under the full
//! `Content-Length`), `invalid-json` (process, then answer a broken JSON body), `content-type=T`
//! (process, then label the answer `T`), `unauthorized` (keystonemiddleware's 401, to force a
//! re-authentication). Limits: `times=N` (fire at most N times; default every match),
//! `skip=N` (let the first N matches through).
//!
//! Resets need a connection: in process ([`crate::Emulator::service`]) reset rules never match.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::json;

use crate::response::{json, Resp};

/// What a firing rule does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// Answers `status` with a Trove fault body without processing the request; with
    /// `retry_after`, also sends `Retry-After` and the body's `retryAfter`.
    Status {
        /// The HTTP status.
        status: u16,
        /// Seconds the client should wait.
        retry_after: Option<u64>,
    },
    /// Closes the connection before reading the request: nothing is processed.
    ResetBeforeRead,
    /// Processes the request, then closes the connection without answering.
    ResetAfterRead,
    /// Waits, then answers normally.
    Delay(Duration),
    /// Processes the request, then sends half the body under the full `Content-Length`.
    TruncateBody,
    /// Processes the request, then answers with a body that is not valid JSON.
    InvalidJson,
    /// Processes the request, then labels the answer with this content type.
    ContentType(String),
    /// Answers 401 (keystonemiddleware's body) without processing, to force a re-auth.
    Unauthorized,
}

impl FaultAction {
    fn needs_connection(&self) -> bool {
        matches!(
            self,
            FaultAction::ResetBeforeRead | FaultAction::ResetAfterRead
        )
    }
}

/// One rule of a [`FaultPlan`]: which requests it matches, what it does, how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The method to match; `None` matches any.
    pub method: Option<Method>,
    /// The path glob to match (`*` matches any run of characters); `None` matches any.
    pub path: Option<String>,
    /// What the rule does.
    pub action: FaultAction,
    /// How many times the rule fires; `None` for every match.
    pub times: Option<u32>,
    /// How many matching requests go through untouched before the rule starts firing.
    pub skip: u32,
}

impl FaultRule {
    /// Creates a rule that applies `action` to every request.
    pub fn new(action: FaultAction) -> Self {
        FaultRule {
            method: None,
            path: None,
            action,
            times: None,
            skip: 0,
        }
    }

    /// Matches only requests with `method`.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Matches only paths that fit `glob` (`/v1.0/*/instances`).
    pub fn path(mut self, glob: &str) -> Self {
        self.path = Some(glob.to_owned());
        self
    }

    /// Fires at most `n` times.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Lets the first `n` matching requests through.
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = n;
        self
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method)
            && self.path.as_deref().is_none_or(|g| glob_match(g, path))
    }
}

/// An ordered list of fault rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// The rules, tried in order.
    pub rules: Vec<FaultRule>,
}

/// Why a fault spec could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpecError(pub String);

impl std::fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid fault spec: {}", self.0)
    }
}

impl std::error::Error for FaultSpecError {}

impl FaultPlan {
    /// Creates an empty plan.
    pub fn new() -> Self {
        FaultPlan::default()
    }

    /// Adds `rule` after the others.
    pub fn rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Reads a plan from `arg`: the contents of the file it names if there is one, else `arg`
    /// itself as an inline spec.
    pub fn load(arg: &str) -> Result<Self, FaultSpecError> {
        let path = std::path::Path::new(arg);
        if path.is_file() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| FaultSpecError(format!("cannot read {arg}: {e}")))?;
            return text.parse();
        }
        arg.parse()
    }
}

impl FromStr for FaultPlan {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, FaultSpecError> {
        let mut plan = FaultPlan::new();
        for line in spec.lines() {
            let line = line.split('#').next().unwrap_or_default();
            for rule in line.split(';') {
                if !rule.trim().is_empty() {
                    plan.rules.push(parse_rule(rule)?);
                }
            }
        }
        Ok(plan)
    }
}

fn parse_rule(text: &str) -> Result<FaultRule, FaultSpecError> {
    let err = |m: String| FaultSpecError(format!("{m} in rule `{}`", text.trim()));
    let mut method = None;
    let mut path = None;
    let mut action = None;
    let mut retry_after = None;
    let mut times = None;
    let mut skip = 0;
    let set = |action_slot: &mut Option<FaultAction>, a: FaultAction| {
        if action_slot.replace(a).is_some() {
            Err(err("more than one action".into()))
        } else {
            Ok(())
        }
    };
    for token in text.split_whitespace() {
        let (key, value) = match token.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (token, None),
        };
        let number = |v: Option<&str>| -> Result<u64, FaultSpecError> {
            v.and_then(|v| v.parse().ok())
                .ok_or_else(|| err(format!("`{token}` needs a number")))
        };
        match (key, value) {
            ("*", None) => {}
            (p, None) if p.starts_with('/') => path = Some(p.to_owned()),
            (m, None) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) => {
                method = Some(Method::from_str(m).map_err(|e| err(e.to_string()))?);
            }
            ("method", Some(m)) => {
                method = Some(Method::from_str(m).map_err(|e| err(e.to_string()))?);
            }
            ("path", Some(p)) => path = Some(p.to_owned()),
            ("status", v) => {
                let status = u16::try_from(number(v)?)
                    .ok()
                    .filter(|s| StatusCode::from_u16(*s).is_ok())
                    .ok_or_else(|| err(format!("`{token}` is not a status")))?;
                set(
                    &mut action,
                    FaultAction::Status {
                        status,
                        retry_after: None,
                    },
                )?;
            }
            ("retry-after", v) => retry_after = Some(number(v)?),
            ("reset", Some("before")) => set(&mut action, FaultAction::ResetBeforeRead)?,
            ("reset", Some("after")) => set(&mut action, FaultAction::ResetAfterRead)?,
            ("delay", Some(d)) => set(
                &mut action,
                FaultAction::Delay(
                    parse_duration(d)
                        .ok_or_else(|| err(format!("`{d}` is not a duration (500ms, 2s)")))?,
                ),
            )?,
            ("truncate", None) => set(&mut action, FaultAction::TruncateBody)?,
            ("invalid-json", None) => set(&mut action, FaultAction::InvalidJson)?,
            ("content-type", Some(t)) => {
                HeaderValue::from_str(t)
                    .map_err(|_| err(format!("`{t}` is not a header value")))?;
                set(&mut action, FaultAction::ContentType(t.to_owned()))?;
            }
            ("unauthorized", None) => set(&mut action, FaultAction::Unauthorized)?,
            ("times", v) => times = Some(u32::try_from(number(v)?).unwrap_or(u32::MAX)),
            ("skip", v) => skip = u32::try_from(number(v)?).unwrap_or(u32::MAX),
            _ => return Err(err(format!("unknown token `{token}`"))),
        }
    }
    let mut action = action.ok_or_else(|| err("no action".into()))?;
    match (&mut action, retry_after) {
        (_, None) => {}
        (FaultAction::Status { retry_after, .. }, Some(s)) => *retry_after = Some(s),
        (_, Some(_)) => return Err(err("`retry-after` goes with `status`".into())),
    }
    Ok(FaultRule {
        method,
        path,
        action,
        times,
        skip,
    })
}

/// Parses `500ms`, `2s` or `1.5s`.
fn parse_duration(text: &str) -> Option<Duration> {
    let (number, unit) = match text.strip_suffix("ms") {
        Some(n) => (n, 0.001),
        None => (text.strip_suffix('s')?, 1.0),
    };
    let value = number.parse::<f64>().ok()? * unit;
    (0.0..1e9)
        .contains(&value)
        .then(|| Duration::from_secs_f64(value))
}

/// Matches `path` against `glob`, where `*` matches any run of characters.
fn glob_match(glob: &str, path: &str) -> bool {
    let mut parts = glob.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The plan in force and how often each rule matched and fired.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Mutex<Vec<(FaultRule, u32, u32)>>,
    fired: AtomicU64,
}

impl Faults {
    pub(crate) fn set(&self, plan: FaultPlan) {
        *self.lock() = plan.rules.into_iter().map(|r| (r, 0, 0)).collect();
    }

    pub(crate) fn rule_count(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn fired(&self) -> u64 {
        self.fired.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(FaultRule, u32, u32)>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Returns the action of the first rule that matches and has firings left.
    pub(crate) fn pick(&self, method: &Method, path: &str, over_tcp: bool) -> Option<FaultAction> {
        let mut rules = self.lock();
        for (rule, matched, fired) in rules.iter_mut() {
            if !rule.matches(method, path) || (rule.action.needs_connection() && !over_tcp) {
                continue;
            }
            *matched = matched.saturating_add(1);
            if *matched <= rule.skip || rule.times.is_some_and(|t| *fired >= t) {
                continue;
            }
            *fired += 1;
            self.fired.fetch_add(1, Ordering::Relaxed);
            return Some(rule.action.clone());
        }
        None
    }
}

/// The error a service returns to make the server drop the connection without answering.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionReset;

impl std::fmt::Display for ConnectionReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ConnectionReset {}

/// Applies the actions that act on a processed request's answer.
pub(crate) async fn spoil(
    resp: Resp,
    action: Option<FaultAction>,
) -> Result<Resp, ConnectionReset> {
    let (mut parts, body) = resp.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(never) => match never {},
    };
    let bytes = match action {
        Some(FaultAction::ResetAfterRead) => return Err(ConnectionReset),
        Some(FaultAction::TruncateBody) => {
            // The header keeps the full length, so the answer ends early, as when a proxy
            // drops a connection mid-body.
            parts
                .headers
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            bytes.slice(..bytes.len() / 2)
        }
        Some(FaultAction::InvalidJson) => {
            let cut = bytes.len() / 2;
            let mut broken = bytes.slice(..cut).to_vec();
            broken.extend_from_slice(b"<!-- not json -->");
            parts.headers.insert(
                http::header::CONTENT_LENGTH,
                HeaderValue::from(broken.len()),
            );
            Bytes::from(broken)
        }
        Some(FaultAction::ContentType(t)) => {
            if let Ok(v) = HeaderValue::from_str(&t) {
                parts.headers.insert(http::header::CONTENT_TYPE, v);
            }
            bytes
        }
        _ => bytes,
    };
    Ok(Resp::from_parts(parts, Full::new(bytes)))
}

/// Builds the answer of a `status=` rule: Trove's fault body, named after the status.
pub(crate) fn status_answer(status: u16, retry_after: Option<u64>) -> Resp {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    // One table for the client and the emulator, tested against `trove/common/wsgi.py`.
    let name = trove_types::fault::fault_name_for_status(status.as_u16());
    let message = status.canonical_reason().unwrap_or("Injected fault");
    let mut inner = json!({ "code": status.as_u16(), "message": message });
    if let Some(secs) = retry_after {
        inner["retryAfter"] = json!(secs.to_string());
    }
    let mut resp = json(status, &json!({ name: inner }));
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_examples() {
        let plan: FaultPlan = "POST /v1.0/*/instances reset=after times=1 # first create\n\
                               GET * status=503 retry-after=2 times=2; delay=1500ms\n\
                               status=413 retry-after=5 skip=3 times=1"
            .parse()
            .unwrap();
        assert_eq!(plan.rules.len(), 4);
        assert_eq!(
            plan.rules[0],
            FaultRule::new(FaultAction::ResetAfterRead)
                .method(Method::POST)
                .path("/v1.0/*/instances")
                .times(1)
        );
        assert_eq!(
            plan.rules[1].action,
            FaultAction::Status {
                status: 503,
                retry_after: Some(2)
            }
        );
        assert_eq!(
            plan.rules[2].action,
            FaultAction::Delay(Duration::from_millis(1500))
        );
        assert_eq!(plan.rules[3].skip, 3);
        for bad in [
            "GET",
            "status=999x",
            "status=503 reset=before",
            "delay=forever",
            "reset=after retry-after=3",
            "wat",
        ] {
            assert!(bad.parse::<FaultPlan>().is_err(), "{bad}");
        }
    }

    #[test]
    fn globs_match_whole_paths() {
        assert!(glob_match("/v1.0/*/instances", "/v1.0/p1/instances"));
        assert!(!glob_match("/v1.0/*/instances", "/v1.0/p1/instances/i-1"));
        assert!(glob_match("/v1.0/*/instances/*", "/v1.0/p1/instances/i-1"));
        assert!(glob_match("*", "/anything"));
        assert!(glob_match("/v1.0/*/*/action", "/v1.0/p/instances/x/action"));
        assert!(!glob_match("/v3/*", "/v1.0/p"));
    }

    #[test]
    fn rules_fire_in_order_within_their_limits() {
        let faults = Faults::default();
        faults.set(
            FaultPlan::new()
                .rule(
                    FaultRule::new(FaultAction::InvalidJson)
                        .method(Method::GET)
                        .skip(1)
                        .times(2),
                )
                .rule(FaultRule::new(FaultAction::ResetBeforeRead).times(1))
                .rule(FaultRule::new(FaultAction::Unauthorized).times(1)),
        );
        let get = |tcp| faults.pick(&Method::GET, "/x", tcp);
        // In process the reset rule never matches, so the 401 rule fires first.
        assert_eq!(get(false), Some(FaultAction::Unauthorized));
        assert_eq!(get(true), Some(FaultAction::InvalidJson));
        assert_eq!(get(true), Some(FaultAction::InvalidJson));
        assert_eq!(get(true), Some(FaultAction::ResetBeforeRead));
        assert_eq!(get(true), None);
        assert_eq!(faults.fired(), 4);
    }
}
