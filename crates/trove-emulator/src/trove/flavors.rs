//! Flavors: those of the captured fake-mode server. Numeric ones have an integer `id` and the
//! same `str_id`; the non-numeric `custom` has `"id": null` and only its `str_id`.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::Req;
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

/// One flavor: `(str_id, name, ram MB, disk GB, ephemeral GB)`; every fake flavor has 10 vCPUs.
type Flavor = (&'static str, &'static str, u32, u32, u32);

const FLAVORS: &[Flavor] = &[
    ("1", "m1.tiny", 512, 0, 0),
    ("2", "m1.small", 2048, 20, 0),
    ("3", "m1.medium", 4096, 40, 0),
    ("4", "m1.large", 8192, 80, 0),
    ("5", "m1.xlarge", 16384, 160, 0),
    ("6", "m1.nano", 64, 0, 0),
    ("7", "m1.micro", 128, 0, 0),
    ("8", "m1.rd-smaller", 768, 2, 0),
    ("9", "tinier", 506, 10, 0),
    ("10", "m1.rd-tiny", 512, 2, 0),
    ("11", "eph.rd-tiny", 512, 0, 1),
    ("12", "eph.rd-smaller", 768, 20, 2),
    ("custom", "custom.small", 512, 25, 1),
];

/// Returns the flavor whose `str_id` is `id`.
pub(crate) fn find(id: &str) -> Option<&'static str> {
    FLAVORS.iter().find(|f| f.0 == id).map(|f| f.0)
}

/// Returns the RAM (MB) of the flavor whose `str_id` is `id`.
pub(crate) fn ram(id: &str) -> Option<u32> {
    FLAVORS.iter().find(|f| f.0 == id).map(|f| f.2)
}

/// Resolves a `flavorRef`: an id, or an href whose last segment is the id.
pub(crate) fn resolve_ref(flavor_ref: &Value) -> Option<String> {
    let raw = match flavor_ref {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(
        raw.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn view(req: &Req<'_>, f: &Flavor) -> Value {
    let (id, name, ram, disk, ephemeral) = *f;
    let int_id = id.parse::<u64>().map_or(Value::Null, Value::from);
    json!({
        "id": int_id,
        "links": req.links(&format!("flavors/{id}")),
        "name": name,
        "ram": ram,
        "vcpus": 10,
        "disk": disk,
        "ephemeral": ephemeral,
        "str_id": id,
    })
}

/// Renders every flavor (the list a datastore version allows: all of them, as no flavor is
/// associated with a version).
pub(crate) fn all(req: &Req<'_>) -> Vec<Value> {
    FLAVORS.iter().map(|f| view(req, f)).collect()
}

/// `GET flavors`, `GET flavors/{id}`.
pub(crate) fn route(req: &Req<'_>, _world: &mut Inner, path: &[&str]) -> Option<Resp> {
    if req.ctx.method != Method::GET {
        return None;
    }
    match path {
        ["flavors"] => Some(json(StatusCode::OK, &json!({ "flavors": all(req) }))),
        ["flavors", id] => Some(match FLAVORS.iter().find(|f| f.0 == *id) {
            Some(f) => json(StatusCode::OK, &json!({ "flavor": view(req, f) })),
            None => fault::resource_not_found(id),
        }),
        _ => None,
    }
}
