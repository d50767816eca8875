//! Modules: list (`?datastore`), create, show, update (PUT 200), delete (200; 403 while
//! applied), the instances that have a module (paged, or `count_only`), and reapply (202).
//! Admin-only options answer 403 `ModuleAccessForbidden` to other tenants.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::{clusters, datastores, instances, mgmt, pagination, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::Inner;

/// The module types of Trove's default `module_types` option.
const MODULE_TYPES: &[&str] = &["ping", "new_relic_license"];

/// One module.
#[derive(Debug, Clone)]
pub(crate) struct Module {
    pub(crate) id: String,
    /// `None` for a module of all tenants.
    pub(crate) tenant: Option<String>,
    pub(crate) name: String,
    pub(crate) module_type: String,
    pub(crate) contents: String,
    pub(crate) description: Option<String>,
    pub(crate) datastore: Option<String>,
    pub(crate) datastore_version: Option<String>,
    pub(crate) auto_apply: bool,
    pub(crate) visible: bool,
    pub(crate) live_update: bool,
    pub(crate) priority_apply: bool,
    pub(crate) apply_order: i64,
    pub(crate) full_access: bool,
    pub(crate) is_admin: bool,
    pub(crate) md5: String,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    /// Ids of the (non-cluster) instances the module is applied to.
    pub(crate) applied: BTreeSet<String>,
}

/// Records that the module was applied to an instance.
pub(crate) fn record_apply(world: &mut Inner, module_id: &str, instance_id: &str) {
    if let Some(m) = world.modules.get_mut(module_id) {
        m.applied.insert(instance_id.to_owned());
    }
}

fn visible_to(req: &Req<'_>, m: &Module) -> bool {
    mgmt::is_admin(req)
        || m.tenant.as_deref() == Some(req.tenant.as_str())
        || m.tenant.is_none() && m.visible
}

fn not_found(id: &str) -> Resp {
    fault::not_found(&format!("Module with ID {id} could not be found."))
}

fn find<'w>(req: &Req<'_>, world: &'w Inner, id: &str) -> Result<&'w Module, Resp> {
    world
        .modules
        .get(id)
        .filter(|m| visible_to(req, m))
        .ok_or_else(|| not_found(id))
}

/// The fields a module shows both in the module views and in an instance's module list.
pub(crate) fn shared_view(world: &Inner, m: &Module) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "type": m.module_type,
        "auto_apply": m.auto_apply,
        "priority_apply": m.priority_apply,
        "apply_order": m.apply_order,
        "is_admin": m.is_admin,
        "md5": m.md5,
        "visible": m.visible,
        "created": world.clock.trove(m.created),
        "updated": world.clock.trove(m.updated),
        "tenant": m.tenant.as_deref().unwrap_or("all"),
        "datastore": m.datastore.as_deref().unwrap_or("all"),
        "datastore_version": m.datastore_version.as_deref().unwrap_or("all"),
    })
}

fn render(world: &Inner, m: &Module, detail: bool) -> Value {
    let mut v = shared_view(world, m);
    v["description"] = json!(m.description);
    v["tenant_id"] = json!(m.tenant);
    v["datastore_id"] = json!(m.datastore.as_ref().map(|_| datastores::DATASTORE_ID));
    v["datastore_version_id"] = json!(m.datastore_version.as_ref().map(|_| datastores::VERSION_ID));
    if detail {
        v["live_update"] = json!(m.live_update);
    }
    v
}

/// The show view. Trove 26 sets `instance_count` to `len()` of the `(items, marker)` pair that
/// `InstanceModules.load` returns, so it is always 2 whatever the module is applied to.
fn render_show(world: &Inner, m: &Module) -> Value {
    let mut v = render(world, m, true);
    v["instance_count"] = json!(2);
    v
}

/// Routes `modules[/{id}[/instances]]`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    let result = match path {
        ["modules"] if m == Method::GET => list(req, world),
        ["modules"] if m == Method::POST => create(req, world),
        ["modules", id] if m == Method::GET => {
            find(req, world, id).map(|m| ok(json!({"module": render_show(world, m)})))
        }
        ["modules", id] if m == Method::PUT => update(req, world, id),
        ["modules", id] if m == Method::DELETE => delete(req, world, id),
        ["modules", id, "instances"] if m == Method::GET => instances(req, world, id),
        ["modules", id, "instances"] if m == Method::PUT => reapply(req, world, id),
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| e))
}

fn ok(body: Value) -> Resp {
    json(StatusCode::OK, &body)
}

/// `GET /modules`. Trove 26.0.0 cannot list modules for an admin: `trove/module/models.py`
/// `Modules.load` binds `modules` only on its non-admin branch, so an admin's call ends in an
/// `UnboundLocalError`, the server's 500.
fn list(req: &Req<'_>, world: &Inner) -> Result<Resp, Resp> {
    if mgmt::is_admin(req) {
        return Err(fault::internal_error());
    }
    let ds = req.ctx.query("datastore");
    let items: Vec<Value> = world
        .modules
        .values()
        .filter(|m| visible_to(req, m))
        .filter(|m| match ds {
            None => true,
            Some(d) if d.eq_ignore_ascii_case("all") => m.datastore.is_none(),
            Some(d) => m.datastore.as_deref() == Some(d),
        })
        .map(|m| render(world, m, false))
        .collect();
    Ok(ok(json!({ "modules": items })))
}

/// Checks the flags Trove's module schema declares as `boolean_string` (the integer 0 or 1);
/// the others (`priority_apply`, `full_access`) it takes in any form.
fn check_flags(obj: &Map<String, Value>, keys: &[&str]) -> Result<(), Resp> {
    for key in keys {
        if let Some(v) = obj.get(*key) {
            schema::boolean_string(v, &format!("module['{key}']"))?;
        }
    }
    Ok(())
}

fn flag(obj: &Map<String, Value>, key: &str) -> Option<bool> {
    obj.get(key).and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    })
}

/// The admin-only options a body asks for, as Trove's `validate_action` lists them: each with
/// the value as sent, printed the Python way.
fn admin_options(obj: &Map<String, Value>) -> Vec<String> {
    let mut opts = Vec::new();
    if flag(obj, "all_tenants") == Some(true) {
        opts.push("Tenant: all".to_owned());
    }
    for (key, label, admin_when) in [
        ("auto_apply", "Auto", true),
        ("visible", "Visible", false),
        ("priority_apply", "Priority", true),
    ] {
        if let Some(v) = obj.get(key).filter(|_| flag(obj, key) == Some(admin_when)) {
            opts.push(format!("{label}: {}", schema::pyrepr(v)));
        }
    }
    // Any `full_access`, even 0, is an admin option.
    if let Some(v) = obj.get("full_access") {
        opts.push(format!("Full Access: {}", schema::pyrepr(v)));
    }
    opts
}

/// The admin-only options a stored module has (what deleting it needs an admin for).
fn stored_admin_options(m: &Module) -> Vec<String> {
    let mut opts = Vec::new();
    if m.tenant.is_none() {
        opts.push("Tenant: all".to_owned());
    }
    if m.auto_apply {
        opts.push("Auto: True".to_owned());
    }
    if !m.visible {
        opts.push("Visible: False".to_owned());
    }
    if m.priority_apply {
        opts.push("Priority: True".to_owned());
    }
    opts
}

/// Trove's `ModuleAccessForbidden`, unless the caller is an admin or nothing needs one.
fn forbid(req: &Req<'_>, action: &str, opts: &[String]) -> Result<(), Resp> {
    if opts.is_empty() || mgmt::is_admin(req) {
        return Ok(());
    }
    Err(access_forbidden(action, &format!("({})", opts.join(", "))))
}

fn access_forbidden(action: &str, options: &str) -> Resp {
    fault::fault(
        StatusCode::FORBIDDEN,
        "forbidden",
        &format!("You must be admin to {action} a module with these options. {options}"),
    )
}

/// Reads `datastore: {type, version}`, checking both exist.
fn datastore_of(obj: &Map<String, Value>) -> Result<(Option<String>, Option<String>), Resp> {
    let Some(ds) = obj.get("datastore") else {
        return Ok((None, None));
    };
    let ds = schema::object(ds, "module['datastore']")?;
    let kind = ds.get("type").and_then(Value::as_str);
    let version = ds.get("version").and_then(Value::as_str);
    if let Some(t) = kind.filter(|t| !datastores::find_datastore(t)) {
        return Err(fault::not_found(&format!(
            "Datastore '{t}' cannot be found."
        )));
    }
    if let Some(v) = version.filter(|v| !datastores::find_version(v)) {
        return Err(datastores::version_missing(v));
    }
    Ok((
        kind.map(|_| datastores::DATASTORE_TYPE.to_owned()),
        version.map(|_| datastores::VERSION_NAME.to_owned()),
    ))
}

fn create(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(schema::envelope(&body, "module")?, "module")?;
    let name = schema::required(obj, "name", "module")?;
    let name = schema::non_empty_string(name, "module['name']")?.to_owned();
    let module_type = schema::required(obj, "module_type", "module")?;
    let module_type = schema::non_empty_string(module_type, "module['module_type']")?.to_owned();
    let contents = schema::required(obj, "contents", "module")?;
    let contents = schema::string(contents, "module['contents']")?.to_owned();
    check_flags(
        obj,
        &["auto_apply", "all_tenants", "visible", "live_update"],
    )?;
    if !MODULE_TYPES.contains(&module_type.to_ascii_lowercase().as_str()) {
        return Err(fault::not_found(&format!(
            "Module type '{module_type}' was not found."
        )));
    }
    forbid(req, "create", &admin_options(obj))?;
    let (datastore, datastore_version) = datastore_of(obj)?;
    let all_tenants = flag(obj, "all_tenants") == Some(true);
    let tenant = (!all_tenants).then(|| req.tenant.clone());
    if world.modules.values().any(|m| {
        m.name == name
            && m.module_type.eq_ignore_ascii_case(&module_type)
            && m.tenant == tenant
            && m.datastore == datastore
            && m.datastore_version == datastore_version
    }) {
        // Trove names the datastore and version by id here.
        return Err(fault::bad_request(&format!(
            "A module with the name '{name}' already exists for datastore '{}' and datastore \
             version '{}'",
            datastore
                .as_ref()
                .map_or("all", |_| datastores::DATASTORE_ID),
            datastore_version
                .as_ref()
                .map_or("all", |_| datastores::VERSION_ID)
        )));
    }
    // A module an admin creates is an admin module, unless it is made `full_access`.
    let is_admin = mgmt::is_admin(req) && flag(obj, "full_access") != Some(true);
    let module = Module {
        id: uuid::Uuid::new_v4().to_string(),
        tenant,
        name,
        module_type: module_type.to_ascii_lowercase(),
        md5: md5_hex(contents.as_bytes()),
        contents,
        description: obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        datastore,
        datastore_version,
        auto_apply: flag(obj, "auto_apply").unwrap_or(false),
        visible: flag(obj, "visible").unwrap_or(true),
        live_update: flag(obj, "live_update").unwrap_or(false),
        priority_apply: flag(obj, "priority_apply").unwrap_or(false),
        apply_order: obj.get("apply_order").and_then(Value::as_i64).unwrap_or(5),
        full_access: flag(obj, "full_access").unwrap_or(false),
        is_admin,
        created: req.now,
        updated: req.now,
        applied: BTreeSet::new(),
    };
    let body = json!({"module": render(world, &module, true)});
    world.modules.insert(module.id.clone(), module);
    Ok(ok(body))
}

fn update(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(schema::envelope(&body, "module")?, "module")?;
    check_flags(
        obj,
        &[
            "auto_apply",
            "all_tenants",
            "all_datastores",
            "all_datastore_versions",
            "visible",
            "live_update",
        ],
    )?;
    let current = find(req, world, id)?;
    if current.is_admin && !mgmt::is_admin(req) {
        return Err(access_forbidden("update", "(Module is an admin module)"));
    }
    forbid(req, "update", &admin_options(obj))?;
    let (datastore, version) = datastore_of(obj)?;
    let name = obj
        .get("name")
        .map(|n| schema::non_empty_string(n, "module['name']").map(str::to_owned))
        .transpose()?;
    let m = world.modules.get_mut(id).ok_or_else(|| not_found(id))?;
    if let Some(n) = name {
        m.name = n;
    }
    if let Some(t) = obj.get("module_type").and_then(Value::as_str) {
        m.module_type = t.to_ascii_lowercase();
    }
    if let Some(c) = obj.get("contents").and_then(Value::as_str) {
        m.contents = c.to_owned();
        m.md5 = md5_hex(c.as_bytes());
    }
    if let Some(d) = obj.get("description") {
        m.description = d.as_str().map(str::to_owned);
    }
    if datastore.is_some() {
        m.datastore = datastore;
    }
    if version.is_some() {
        m.datastore_version = version;
    }
    if flag(obj, "all_datastores") == Some(true) {
        m.datastore = None;
        m.datastore_version = None;
    }
    if flag(obj, "all_datastore_versions") == Some(true) {
        m.datastore_version = None;
    }
    if let Some(all) = flag(obj, "all_tenants") {
        m.tenant = (!all).then(|| req.tenant.clone());
    }
    for (key, slot) in [
        ("auto_apply", &mut m.auto_apply),
        ("visible", &mut m.visible),
        ("live_update", &mut m.live_update),
        ("priority_apply", &mut m.priority_apply),
        ("full_access", &mut m.full_access),
    ] {
        if let Some(v) = flag(obj, key) {
            *slot = v;
        }
    }
    if let Some(o) = obj.get("apply_order").and_then(Value::as_i64) {
        m.apply_order = o;
    }
    m.updated = req.now;
    let m = world.modules.get(id).ok_or_else(|| not_found(id))?;
    Ok(ok(json!({"module": render(world, m, true)})))
}

/// Returns `(id, rendered instance)` of every live holder of the module, sorted by id.
fn holders(req: &Req<'_>, world: &Inner, m: &Module, clustered: bool) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = m
        .applied
        .iter()
        .filter_map(|id| world.instances.get(id))
        .filter(|i| mgmt::is_admin(req) || i.tenant == req.tenant)
        .map(|i| (i.id.clone(), instances::summary(req, world, i)))
        .collect();
    if clustered {
        for c in world.clusters.values() {
            if !mgmt::is_admin(req) && c.tenant != req.tenant {
                continue;
            }
            for member in c.members.iter().filter(|x| x.modules.contains(&m.id)) {
                out.push((
                    member.id.clone(),
                    clusters::render_member(req, world, c, member),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn query_flag(req: &Req<'_>, key: &str) -> bool {
    req.ctx
        .query(key)
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}

fn instances(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let m = find(req, world, id)?;
    let all = holders(req, world, m, query_flag(req, "include_clustered"));
    if query_flag(req, "count_only") {
        let lines = if all.is_empty() {
            vec![]
        } else {
            let when = world.clock.trove(m.updated);
            vec![
                json!({"module_id": m.id, "module_name": m.name, "module_md5": m.md5,
                "current": true, "instance_count": all.len(),
                "min_updated_date": when, "max_updated_date": when}),
            ]
        };
        return Ok(ok(json!({ "instances": lines })));
    }
    let limit = pagination::db_limit(req)?;
    let by_id = |(id, _): &(String, Value)| id.clone();
    Ok(mgmt::id_page(
        req,
        "instances",
        all,
        by_id,
        limit,
        |(_, v)| v,
    ))
}

fn reapply(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let arg = schema::object(schema::envelope(&body, "reapply")?, "reapply")?;
    if let Some(md5) = arg.get("md5") {
        schema::string(md5, "reapply['md5']")?;
    }
    // Trove lets any tenant that sees a module reapply it, admin module or not.
    find(req, world, id)?;
    Ok(empty(StatusCode::ACCEPTED))
}

fn delete(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let m = find(req, world, id)?;
    forbid(req, "delete", &stored_admin_options(m))?;
    if !m.live_update && !holders(req, world, m, true).is_empty() {
        return Err(fault::fault(
            StatusCode::FORBIDDEN,
            "forbidden",
            "A module cannot be deleted or its contents modified if it has been applied to a \
             non-terminated instance, unless the module has been marked as 'live_update.' \
             Please remove the module from all non-terminated instances and try again.",
        ));
    }
    world.modules.remove(id);
    Ok(empty(StatusCode::OK))
}

/// Computes the MD5 of `data` as lower-case hex, as Trove stores `md5`.
pub(crate) fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::md5_hex;

    #[test]
    fn md5_matches_known_digests() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            md5_hex(b"The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }
}
