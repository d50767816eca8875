//! Databases (schemas) on an instance: list by name with name markers, create, drop.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{change_ready, pagination, ready_instance, schema, Req};
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

/// Validates `[{"name": ..., "character_set"?, "collate"?}, ...]` and returns the names.
pub(crate) fn validate_list(v: &Value, path: &str) -> Result<BTreeSet<String>, Resp> {
    let mut names = BTreeSet::new();
    for (i, db) in schema::array(v, path)?.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let obj = schema::object(db, &p)?;
        let name = schema::required(obj, "name", &p)?;
        names.insert(schema::string(name, &format!("{p}['name']"))?.to_owned());
    }
    Ok(names)
}

/// Routes `instances/{id}/databases[/{name}]`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    Some(match path {
        ["instances", id, "databases"] if m == Method::GET => {
            list(req, world, id).unwrap_or_else(|e| e)
        }
        ["instances", id, "databases"] if m == Method::POST => create(req, world, id),
        ["instances", id, "databases", name] if m == Method::DELETE => {
            drop_db(req, world, id, name)
        }
        ["instances", _, "databases", _] if m == Method::GET => fault::fault(
            StatusCode::NOT_IMPLEMENTED,
            "notImplemented",
            "The server has either erred or is incapable of performing the requested operation.",
        ),
        _ => return None,
    })
}

fn list(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    // trove/extensions/common/models.py `load_via_context` checks the instance before it
    // reads the limit, so an unknown instance is a 404 whatever the limit.
    let inst = ready_instance(req, world, id)?;
    let limit = pagination::guest_limit(req)?;
    let names: Vec<String> = inst.databases.iter().cloned().collect();
    let (page, next) = pagination::cut(names, String::clone, req.ctx.query("marker"), limit);
    let items = page.into_iter().map(|n| json!({"name": n})).collect();
    Ok(json(
        StatusCode::OK,
        &pagination::body(req, "databases", items, next),
    ))
}

fn create(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let names = match req.ctx.json_body().and_then(|b| {
        let list = schema::envelope(&b, "databases")?;
        validate_list(list, "databases")
    }) {
        Ok(n) => n,
        Err(e) => return e,
    };
    change_ready(req, world, id, |inst| inst.databases.extend(names))
}

fn drop_db(req: &Req<'_>, world: &mut Inner, id: &str, name: &str) -> Resp {
    change_ready(req, world, id, |inst| {
        inst.databases.remove(name);
        for user in inst.users.values_mut() {
            user.databases.remove(name);
        }
    })
}
