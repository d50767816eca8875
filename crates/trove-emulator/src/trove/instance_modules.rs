//! Modules on an instance: list (Trove's records, or `from_guest` with the apply status; with
//! `include_contents`, each module's contents as the guest reads them back), apply (`POST`, 200
//! with what the guest applied) and remove (`DELETE`, 200 with no body).

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::modules::{self, Module};
use super::{mgmt, ready_instance, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::Inner;

/// What `include_contents` shows of a module's contents: the guest decodes the base64 it was
/// given into the module's data file and reads the file back base64-encoded
/// (`trove/guestagent/module/module_manager.py`, `write_module_contents` and
/// `read_module_results`); a tenant asking for an admin module's contents gets, encoded the
/// same way, the message that it must be admin.
fn contents_shown(m: &Module, admin: bool) -> String {
    use base64::Engine as _;
    let b64 = &base64::engine::general_purpose::STANDARD;
    if m.is_admin && !admin {
        return b64.encode(format!(
            "Must be admin to retrieve contents for module {}",
            m.name
        ));
    }
    // Contents that are not base64 could not have been written by a real guest; they are
    // shown as they were sent.
    match b64.decode(m.contents.trim_end()) {
        Ok(bytes) => b64.encode(bytes),
        Err(_) => m.contents.clone(),
    }
}

fn view(world: &Inner, m: &Module, from_guest: bool, contents: Option<String>) -> Value {
    let mut v = modules::shared_view(world, m);
    if from_guest {
        v["status"] = json!("OK");
        v["message"] = json!("Module applied");
        v["removed"] = Value::Null;
    }
    if let Some(c) = contents {
        v["contents"] = json!(c);
    }
    v
}

fn module_missing(id: &str) -> Resp {
    fault::not_found(&format!("Module with ID {id} could not be found."))
}

/// Routes `instances/{id}/modules[/{module_id}]`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    let result = match path {
        ["instances", id, "modules"] if m == Method::GET => list(req, world, id),
        ["instances", id, "modules"] if m == Method::POST => apply(req, world, id),
        ["instances", id, "modules", module] if m == Method::DELETE => {
            remove(req, world, id, module)
        }
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| e))
}

/// A query flag as Trove reads it: `bool(req.GET.get(key, '').lower())`, so any value but the
/// empty one is true, `false` included.
fn flag(req: &Req<'_>, key: &str) -> bool {
    req.ctx.query(key).is_some_and(|v| !v.is_empty())
}

fn list(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let from_guest = flag(req, "from_guest");
    if !from_guest && world.instance(&req.tenant, id).is_none() {
        // A cluster member is an instance to Trove (`trove/instance/service.py`,
        // `module_list` loads it with `models.Instance.load` like any other): its modules are
        // those the cluster create or grow gave it.
        let member = world
            .clusters
            .values()
            .filter(|c| c.tenant == req.tenant)
            .flat_map(|c| &c.members)
            .find(|m| m.id == id);
        let Some(member) = member else {
            return Err(fault::resource_not_found(id));
        };
        let items: Vec<Value> = member
            .modules
            .iter()
            .filter_map(|mid| world.modules.get(mid))
            .map(|m| view(world, m, false, None))
            .collect();
        return Ok(json(StatusCode::OK, &json!({ "modules": items })));
    }
    if from_guest {
        ready_instance(req, world, id)?;
    }
    // Trove passes `include_contents` to the guest with or without `from_guest`
    // (trove/instance/service.py `module_list`).
    let include_contents = flag(req, "include_contents");
    let admin = mgmt::is_admin(req);
    let items: Vec<Value> = world
        .modules
        .values()
        .filter(|m| m.applied.contains(id))
        .map(|m| {
            let contents = include_contents.then(|| contents_shown(m, admin));
            view(world, m, from_guest, contents)
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({ "modules": items })))
}

fn apply(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let list = schema::array(schema::envelope(&body, "modules")?, "modules")?;
    let mut ids = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let p = format!("modules[{i}]");
        let obj = schema::object(item, &p)?;
        let mid = schema::required(obj, "id", &p)?;
        ids.push(schema::string(mid, &format!("{p}['id']"))?.to_owned());
    }
    let admin = mgmt::is_admin(req);
    // Trove loads the modules by id and silently skips those the tenant cannot see.
    ids.retain(|mid| {
        world.modules.get(mid).is_some_and(|m| {
            admin || m.tenant.as_deref() == Some(req.tenant.as_str()) || m.tenant.is_none()
        })
    });
    ready_instance(req, world, id)?;
    for mid in &ids {
        modules::record_apply(world, mid, id);
    }
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|mid| world.modules.get(mid))
        .map(|m| view(world, m, true, None))
        .collect();
    Ok(json(StatusCode::OK, &json!({ "modules": items })))
}

/// Removes a module; one that exists but was never applied is removed all the same (200).
fn remove(req: &Req<'_>, world: &mut Inner, id: &str, module: &str) -> Result<Resp, Resp> {
    ready_instance(req, world, id)?;
    let admin = mgmt::is_admin(req);
    let Some(m) = world.modules.get_mut(module).filter(|m| {
        admin || m.tenant.as_deref() == Some(req.tenant.as_str()) || m.tenant.is_none()
    }) else {
        return Err(module_missing(module));
    };
    m.applied.remove(id);
    Ok(empty(StatusCode::OK))
}
