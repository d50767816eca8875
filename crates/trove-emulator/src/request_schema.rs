//! Trove 26.0.0's request JSON schemas, applied to a request body the way Trove's wsgi layer does.
//!
//! The schemas come from `schemas/trove-26-request-schemas.json` (exported from Trove's
//! `apischema.py` by `extract-trove-schemas.py` beside it). Trove picks a route's schema in each controller's
//! `get_schema`, validates with `jsonschema.Draft4Validator`, sorts every error by its instance
//! path and joins them in `format_validation_msg` (`trove/common/wsgi.py`). This module does the
//! same with the `jsonschema` crate doing the validation and Python's wording rebuilt from each
//! error, so the emulator answers Trove's own 400 message and a test can ask, without a server,
//! whether Trove would take a body.
//!
//! Validators are compiled once, on first use, for the whole route table.

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The route table and schemas of Trove 26.0.0, byte for byte as the export wrote them.
pub const TROVE_26_REQUEST_SCHEMAS: &str = include_str!("../schemas/trove-26-request-schemas.json");

/// What Trove's schema validation makes of a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Trove validates no JSON schema on this method and path (or on this action).
    NoSchema,
    /// The body satisfies the route's schema.
    Valid,
    /// The body breaks the schema: Trove's 400 `badRequest` with this exact message.
    Invalid(String),
    /// Trove's validation code itself raises on this body (an error at the body's root, or an
    /// action body without a key), which the server answers as a 500 `instanceFault`.
    ServerError,
    /// The body is not JSON (Trove's request deserializer refuses it before validation).
    Malformed,
}

impl Verdict {
    /// Returns whether Trove would let the body through its schema check.
    pub fn passes(&self) -> bool {
        matches!(self, Verdict::NoSchema | Verdict::Valid)
    }
}

/// A route of Trove's mapper that validates a schema: the schema(s) and how one is picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The schema applies to the whole body.
    Whole,
    /// The schema is keyed by the body's first key (cluster, mgmt actions, users `update_all`).
    ByKey,
    /// Instance actions: keyed by the body's first key, and `resize` again by its first sub-key.
    InstanceAction,
}

/// One row of the exported route table.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// HTTP method.
    pub method: String,
    /// Trove's path pattern, e.g. `/{tenant_id}/instances/{id}/action`.
    pub path: String,
    /// Trove's controller class.
    pub controller: String,
    /// The controller method.
    pub action: String,
    /// How the schema is picked, when the route has one.
    pub selection: Option<Selection>,
}

/// Validates `body` as Trove does for `method` on `path`.
///
/// `path` is the part after `/v1.0`, starting with the tenant: `/<tenant>/instances/<id>/action`.
/// An empty body counts as `{}`, as Trove's deserializer leaves it.
pub fn check(method: &str, path: &str, body: &[u8]) -> Verdict {
    let segments: Vec<&str> = path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .collect();
    check_segments(method, &segments, body)
}

/// [`check`] on decoded path segments (`["<tenant>", "instances", "<id>", "action"]`).
pub fn check_segments(method: &str, segments: &[&str], body: &[u8]) -> Verdict {
    let Some(route) = TABLE.route(method, segments) else {
        return Verdict::NoSchema;
    };
    let Some(schema) = &route.schema else {
        return Verdict::NoSchema;
    };
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => return Verdict::Malformed,
        }
    };
    let compiled = match schema {
        RouteSchema::Whole(c) => c,
        RouteSchema::Keyed {
            entries,
            resize_by_sub_key,
        } => {
            let Ok(ordered) = Ordered::parse(body) else {
                return Verdict::Malformed;
            };
            // Trove's get_action_schema: `list(body.keys())[0]`, which raises on an empty or
            // non-object body.
            let Some((key, inner)) = ordered.first_entry() else {
                return Verdict::ServerError;
            };
            let Some(entry) = entries.iter().find(|(k, _)| k == key).map(|(_, e)| e) else {
                return Verdict::NoSchema;
            };
            match entry {
                KeyedEntry::Schema(c) => c,
                KeyedEntry::BySubKey(subs) if *resize_by_sub_key => {
                    let Some((sub, _)) = inner.first_entry() else {
                        return Verdict::ServerError;
                    };
                    match subs.iter().find(|(k, _)| k == sub) {
                        Some((_, c)) => c,
                        None => return Verdict::NoSchema,
                    }
                }
                KeyedEntry::BySubKey(_) => return Verdict::NoSchema,
            }
        }
    };
    if compiled.validator.is_valid(&value) {
        return Verdict::Valid;
    }
    let ordered = Ordered::parse(body).unwrap_or_else(|_| Ordered::Object(Vec::new()));
    compiled.message(&value, &ordered)
}

/// Every route of Trove 26.0.0's mapper, in the mapper's order, with how its schema is picked.
pub fn routes() -> Vec<RouteInfo> {
    TABLE
        .routes
        .iter()
        .map(|r| RouteInfo {
            method: r.method.clone(),
            path: r.path.clone(),
            controller: r.controller.clone(),
            action: r.action.clone(),
            selection: r.schema.as_ref().map(|s| match s {
                RouteSchema::Whole(_) => Selection::Whole,
                RouteSchema::Keyed {
                    resize_by_sub_key: true,
                    ..
                } => Selection::InstanceAction,
                RouteSchema::Keyed { .. } => Selection::ByKey,
            }),
        })
        .collect()
}

/// Problems met while compiling the exported schemas (empty when every schema compiled).
pub fn load_errors() -> &'static [String] {
    &TABLE.errors
}

static TABLE: LazyLock<Table> = LazyLock::new(Table::load);

struct Table {
    routes: Vec<Route>,
    errors: Vec<String>,
}

struct Route {
    method: String,
    path: String,
    pattern: Vec<Option<String>>,
    controller: String,
    action: String,
    schema: Option<RouteSchema>,
}

enum RouteSchema {
    Whole(Compiled),
    Keyed {
        entries: Vec<(String, KeyedEntry)>,
        resize_by_sub_key: bool,
    },
}

enum KeyedEntry {
    Schema(Compiled),
    BySubKey(Vec<(String, Compiled)>),
}

struct Compiled {
    validator: jsonschema::Validator,
    schema: Value,
    ordered: Ordered,
}

impl Table {
    fn load() -> Table {
        let mut errors = Vec::new();
        let doc = match Ordered::parse(TROVE_26_REQUEST_SCHEMAS.as_bytes()) {
            Ok(d) => d,
            Err(e) => {
                return Table {
                    routes: Vec::new(),
                    errors: vec![format!("schema file: {e}")],
                }
            }
        };
        let mut routes = Vec::new();
        for row in doc.get("routes").map(Ordered::items).unwrap_or_default() {
            let text = |k: &str| {
                row.get(k)
                    .and_then(Ordered::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let (method, path, controller, action) = (
                text("method"),
                text("path"),
                text("controller"),
                text("action"),
            );
            // UserAccessController.get_schema (trove/extensions/common/service.py) looks the
            // schema up under a `databases` key the user schemas do not have, so Trove
            // validates nothing on these routes.
            let unvalidated = controller == "UserAccessController" && action != "update_all";
            let schema = row.get("schema").filter(|_| !unvalidated).and_then(|s| {
                let made = route_schema(&controller, &action, s);
                made.map_err(|e| errors.push(format!("{method} {path}: {e}")))
                    .ok()
            });
            routes.push(Route {
                pattern: pattern_of(&path),
                method,
                path,
                controller,
                action,
                schema,
            });
        }
        Table { routes, errors }
    }

    fn route(&self, method: &str, segments: &[&str]) -> Option<&Route> {
        self.routes.iter().find(|r| {
            r.method.eq_ignore_ascii_case(method)
                && r.pattern.len() == segments.len()
                && r.pattern
                    .iter()
                    .zip(segments)
                    .all(|(p, s)| p.as_deref().is_none_or(|lit| lit == *s))
        })
    }
}

/// Removes every `"required": []` in the schema and gives each pattern Python's `$`.
fn drop_empty_required(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("required")
                .is_some_and(|r| r.as_array().is_some_and(Vec::is_empty))
            {
                m.remove("required");
            }
            // Python's `re.search` lets a final `$` match before a trailing newline; the
            // crate's regex matches `$` only at the very end.
            if let Some(Value::String(p)) = m.get_mut("pattern") {
                let escaped = p.trim_end_matches('$').ends_with('\\');
                if p.ends_with('$') && !escaped {
                    p.truncate(p.len() - 1);
                    p.push_str("\\n?$");
                }
            }
            m.values_mut().for_each(drop_empty_required);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_empty_required),
        _ => {}
    }
}

/// `/{tenant_id}/instances/{id}` as segments: `None` for a placeholder.
fn pattern_of(path: &str) -> Vec<Option<String>> {
    path.trim_start_matches('/')
        .split('/')
        .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
        .collect()
}

/// How each controller picks its schema: `get_schema`/`get_action_schema` in
/// `trove/instance/service.py`, `trove/cluster/service.py`, `trove/extensions/mgmt/*/service.py`
/// and `trove/extensions/common/service.py` (`UserController`).
fn route_schema(controller: &str, action: &str, s: &Ordered) -> Result<RouteSchema, String> {
    let keyed = matches!(
        (controller, action),
        ("InstanceController", "action")
            | ("ClusterController", "action")
            | ("MgmtInstanceController", "action")
            | ("MgmtClusterController", "action")
            | ("UserController", "update_all")
    );
    if !keyed {
        return Compiled::new(s).map(RouteSchema::Whole);
    }
    let resize_by_sub_key = controller == "InstanceController";
    let mut entries = Vec::new();
    for (key, sub) in s.entries() {
        let entry = if resize_by_sub_key && key == "resize" {
            let mut subs = Vec::new();
            for (k, v) in sub.entries() {
                subs.push((k.clone(), Compiled::new(v)?));
            }
            KeyedEntry::BySubKey(subs)
        } else {
            KeyedEntry::Schema(Compiled::new(sub)?)
        };
        entries.push((key.clone(), entry));
    }
    Ok(RouteSchema::Keyed {
        entries,
        resize_by_sub_key,
    })
}

impl Compiled {
    fn new(ordered: &Ordered) -> Result<Compiled, String> {
        let schema = ordered.to_value();
        // Trove never checks its schemas against the metaschema, which refuses the empty
        // `required` lists some of them hold; an empty list requires nothing, so it is dropped
        // for the crate's compile-time metaschema check.
        let mut compilable = schema.clone();
        drop_empty_required(&mut compilable);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(false)
            .build(&compilable)
            .map_err(|e| e.to_string())?;
        Ok(Compiled {
            validator,
            schema,
            ordered: ordered.clone(),
        })
    }

    /// `format_validation_msg`: every error, sorted by instance path (ties in the order Python
    /// yields them: the schema's key order), each as `<path> <message>`, then its sub-errors
    /// sorted by schema path.
    fn message(&self, value: &Value, body: &Ordered) -> Verdict {
        let mut errors: Vec<Found> = self
            .validator
            .iter_errors(value)
            .map(|e| self.found(&e, body))
            .collect();
        errors.sort_by(|a, b| {
            cmp_py_path(&a.instance_path, &b.instance_path).then_with(|| a.order.cmp(&b.order))
        });
        let mut parts = Vec::new();
        for e in errors {
            let Some((first, rest)) = e.instance_path.split_first() else {
                // `path[0]` of an error at the root raises IndexError.
                return Verdict::ServerError;
            };
            let mut p = match first {
                PySeg::Key(k) => k.clone(),
                PySeg::Index(i) => i.to_string(),
            };
            for seg in rest {
                p.push('[');
                p.push_str(&seg.to_string());
                p.push(']');
            }
            parts.push(format!("{p} {}", e.message));
            parts.extend(e.context);
        }
        if parts.is_empty() {
            return Verdict::Valid;
        }
        Verdict::Invalid(format!("Validation error: {}", parts.join("; ")))
    }

    fn found(&self, e: &jsonschema::ValidationError<'_>, body: &Ordered) -> Found {
        let schema_path = pointer_segments(e.schema_path().as_str());
        let (instance_path, instance) = walk_instance(body, e.instance_path().as_str());
        let order = self.ordered.ordinals(&schema_path);
        let message = self.python_message(e, &schema_path, instance);
        let mut context = Vec::new();
        if let jsonschema::error::ValidationErrorKind::OneOfNotValid { context: groups }
        | jsonschema::error::ValidationErrorKind::AnyOf { context: groups } = e.kind()
        {
            let mut subs: Vec<(Vec<PySeg>, String)> = Vec::new();
            for sub in groups.iter().flatten() {
                let sub_path = pointer_segments(sub.schema_path().as_str());
                let relative: Vec<String> = if sub_path.starts_with(&schema_path) {
                    sub_path[schema_path.len()..].to_vec()
                } else {
                    sub_path.clone()
                };
                let (_, sub_instance) = walk_instance(body, sub.instance_path().as_str());
                let text = self.python_message(sub, &sub_path, sub_instance);
                subs.push((schema_py_path(&relative), text));
            }
            subs.sort_by(|a, b| cmp_py_path(&a.0, &b.0));
            context = subs.into_iter().map(|(_, t)| t).collect();
        }
        Found {
            instance_path,
            order,
            message,
            context,
        }
    }

    /// The wording of Python jsonschema 4.26's keyword functions (`_keywords.py`,
    /// `_legacy_keywords.py` for Draft 4's `minimum`/`maximum`).
    fn python_message(
        &self,
        e: &jsonschema::ValidationError<'_>,
        schema_path: &[String],
        instance: Option<&Ordered>,
    ) -> String {
        use jsonschema::error::ValidationErrorKind as K;
        let r = match instance {
            Some(o) => o.repr(),
            None => pyrepr(e.instance()),
        };
        let keyword_value = self.schema_at(schema_path);
        let parent = schema_path
            .split_last()
            .and_then(|(_, p)| self.schema_at(p));
        let num = |v: Option<&Value>| v.map(pyrepr).unwrap_or_default();
        match e.kind() {
            K::Type { .. } => {
                let types = match keyword_value {
                    Some(Value::Array(ts)) => ts.iter().map(pyrepr).collect::<Vec<_>>(),
                    Some(t) => vec![pyrepr(t)],
                    None => vec![],
                };
                format!("{r} is not of type {}", types.join(", "))
            }
            K::Required { property } => format!("{} is a required property", pyrepr(property)),
            K::MinLength { limit } | K::MinItems { limit } => {
                let m = if *limit == 1 {
                    "should be non-empty"
                } else {
                    "is too short"
                };
                format!("{r} {m}")
            }
            K::MaxLength { limit } | K::MaxItems { limit } => {
                let m = if *limit == 0 {
                    "is expected to be empty"
                } else {
                    "is too long"
                };
                format!("{r} {m}")
            }
            K::MinProperties { limit } => {
                let m = if *limit == 1 {
                    "should be non-empty"
                } else {
                    "does not have enough properties"
                };
                format!("{r} {m}")
            }
            K::MaxProperties { limit } => {
                let m = if *limit == 0 {
                    "is expected to be empty"
                } else {
                    "has too many properties"
                };
                format!("{r} {m}")
            }
            K::Minimum { .. } | K::ExclusiveMinimum { .. } => {
                let exclusive =
                    parent.and_then(|p| p.get("exclusiveMinimum")) == Some(&Value::Bool(true));
                let cmp = if exclusive {
                    "less than or equal to"
                } else {
                    "less than"
                };
                format!(
                    "{r} is {cmp} the minimum of {}",
                    num(parent.and_then(|p| p.get("minimum")))
                )
            }
            K::Maximum { .. } | K::ExclusiveMaximum { .. } => {
                let exclusive =
                    parent.and_then(|p| p.get("exclusiveMaximum")) == Some(&Value::Bool(true));
                let cmp = if exclusive {
                    "greater than or equal to"
                } else {
                    "greater than"
                };
                format!(
                    "{r} is {cmp} the maximum of {}",
                    num(parent.and_then(|p| p.get("maximum")))
                )
            }
            K::Pattern { pattern } => {
                let original = keyword_value.and_then(Value::as_str).unwrap_or(pattern);
                format!("{r} does not match {}", py_str(original))
            }
            K::Enum { options } => format!("{r} is not one of {}", pyrepr(options)),
            K::UniqueItems => format!("{r} has non-unique elements"),
            K::AdditionalProperties { unexpected } => {
                let mut extras = unexpected.clone();
                extras.sort();
                let verb = if extras.len() == 1 { "was" } else { "were" };
                let list = extras
                    .iter()
                    .map(|x| py_str(x))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("Additional properties are not allowed ({list} {verb} unexpected)")
            }
            K::OneOfNotValid { .. } | K::AnyOf { .. } => {
                format!("{r} is not valid under any of the given schemas")
            }
            K::OneOfMultipleValid { .. } => {
                let reprs = match keyword_value {
                    Some(Value::Array(subs)) => {
                        subs.iter().map(pyrepr).collect::<Vec<_>>().join(", ")
                    }
                    _ => String::new(),
                };
                format!("{r} is valid under each of {reprs}")
            }
            K::Not { schema } => format!("{r} should not be valid under {}", pyrepr(schema)),
            _ => e.to_string(),
        }
    }

    fn schema_at(&self, path: &[String]) -> Option<&Value> {
        path.iter().try_fold(&self.schema, |v, seg| match v {
            Value::Object(m) => m.get(seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        })
    }
}

struct Found {
    instance_path: Vec<PySeg>,
    order: Vec<usize>,
    message: String,
    context: Vec<String>,
}

/// A path element as Python holds it: `str` for a key, `int` for an index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PySeg {
    Key(String),
    Index(usize),
}

impl fmt::Display for PySeg {
    /// `%r` of the element.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PySeg::Key(k) => f.write_str(&py_str(k)),
            PySeg::Index(i) => write!(f, "{i}"),
        }
    }
}

/// Python's ordering of two path deques: element by element, then the shorter first.
fn cmp_py_path(a: &[PySeg], b: &[PySeg]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (PySeg::Key(x), PySeg::Key(y)) => x.cmp(y),
            (PySeg::Index(x), PySeg::Index(y)) => x.cmp(y),
            (PySeg::Index(_), PySeg::Key(_)) => Ordering::Less,
            (PySeg::Key(_), PySeg::Index(_)) => Ordering::Greater,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// A schema path with the indices under `oneOf`/`anyOf`/`allOf`/`items` as Python's ints.
fn schema_py_path(segs: &[String]) -> Vec<PySeg> {
    let mut out = Vec::with_capacity(segs.len());
    let mut prev: Option<&str> = None;
    for s in segs {
        let indexed = matches!(prev, Some("oneOf" | "anyOf" | "allOf" | "items"));
        match s.parse::<usize>() {
            Ok(i) if indexed => out.push(PySeg::Index(i)),
            _ => out.push(PySeg::Key(s.clone())),
        }
        prev = Some(s);
    }
    out
}

/// Splits a JSON pointer into unescaped segments.
fn pointer_segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Follows an instance pointer through the body: the Python path and the value found there.
fn walk_instance<'b>(body: &'b Ordered, pointer: &str) -> (Vec<PySeg>, Option<&'b Ordered>) {
    let mut node = Some(body);
    let mut path = Vec::new();
    for seg in pointer_segments(pointer) {
        match node {
            Some(Ordered::Array(items)) => {
                let i = seg.parse::<usize>().unwrap_or(usize::MAX);
                path.push(PySeg::Index(i));
                node = items.get(i);
            }
            Some(Ordered::Object(entries)) => {
                node = entries
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == seg)
                    .map(|(_, v)| v);
                path.push(PySeg::Key(seg));
            }
            _ => {
                node = None;
                path.push(PySeg::Key(seg));
            }
        }
    }
    (path, node)
}

/// JSON kept in document order, for what Python sees in dict order: which key of an action
/// body comes first, the order the schema's keywords are checked in, and `repr` of objects.
#[derive(Debug, Clone)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Array(Vec<Ordered>),
    Scalar(Value),
}

impl Ordered {
    fn parse(bytes: &[u8]) -> Result<Ordered, serde_json::Error> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Ordered::Object(Vec::new()));
        }
        serde_json::from_slice(bytes)
    }

    fn get(&self, key: &str) -> Option<&Ordered> {
        match self {
            Ordered::Object(e) => e.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn entries(&self) -> &[(String, Ordered)] {
        match self {
            Ordered::Object(e) => e,
            _ => &[],
        }
    }

    fn items(&self) -> Vec<&Ordered> {
        match self {
            Ordered::Array(a) => a.iter().collect(),
            _ => Vec::new(),
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Ordered::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// `list(body.keys())[0]` and its value; `None` where Python raises.
    fn first_entry(&self) -> Option<(&str, &Ordered)> {
        match self {
            Ordered::Object(e) => {
                let (k, _) = e.first()?;
                // A repeated key keeps its first position and its last value, as in a dict.
                Some((k.as_str(), self.get(k)?))
            }
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Ordered::Object(e) => {
                Value::Object(e.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
            }
            Ordered::Array(a) => Value::Array(a.iter().map(Ordered::to_value).collect()),
            Ordered::Scalar(v) => v.clone(),
        }
    }

    /// The position of each step of `path` in its parent, which orders errors as Python's
    /// depth-first walk of the schema in dict order yields them.
    fn ordinals(&self, path: &[String]) -> Vec<usize> {
        let mut out = Vec::with_capacity(path.len());
        let mut node = Some(self);
        for seg in path {
            match node {
                Some(Ordered::Object(e)) => {
                    let i = e.iter().position(|(k, _)| k == seg);
                    out.push(i.unwrap_or(usize::MAX));
                    node = i.map(|i| &e[i].1);
                }
                Some(Ordered::Array(a)) => {
                    let i = seg.parse::<usize>().unwrap_or(usize::MAX);
                    out.push(i);
                    node = a.get(i);
                }
                _ => {
                    out.push(usize::MAX);
                    node = None;
                }
            }
        }
        out
    }

    /// Python's `repr` of the decoded value, dicts in document order.
    fn repr(&self) -> String {
        match self {
            Ordered::Scalar(v) => pyrepr(v),
            Ordered::Array(a) => format!(
                "[{}]",
                a.iter().map(Ordered::repr).collect::<Vec<_>>().join(", ")
            ),
            Ordered::Object(e) => {
                // A dict holds a repeated key once, at its first position with its last value.
                let mut seen: Vec<&str> = Vec::new();
                let mut parts = Vec::new();
                for (k, _) in e {
                    if seen.contains(&k.as_str()) {
                        continue;
                    }
                    seen.push(k);
                    if let Some(v) = self.get(k) {
                        parts.push(format!("{}: {}", py_str(k), v.repr()));
                    }
                }
                format!("{{{}}}", parts.join(", "))
            }
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(
                    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
                ))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::String(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::String(v)))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Ordered::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    out.push((k, v));
                }
                Ok(Ordered::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Python's `repr` of a `str`: single quotes unless the text holds one and no double quote.
pub(crate) fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of a decoded JSON value.
pub(crate) fn pyrepr(v: &Value) -> String {
    match v {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => py_number(n),
        Value::String(s) => py_str(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(pyrepr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), pyrepr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `repr` of an int or float as Python prints it (`1e+20`, `1.5`, `2.0`).
fn py_number(n: &serde_json::Number) -> String {
    if n.is_f64() {
        let s = n.to_string();
        match s.split_once('e') {
            Some((m, exp)) if !exp.starts_with('-') && !exp.starts_with('+') => {
                format!("{m}e+{exp}")
            }
            _ => s,
        }
    } else {
        n.to_string()
    }
}
