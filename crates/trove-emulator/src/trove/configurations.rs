//! Configuration groups: list (paged), create, show (with values), the instances using a group
//! (paged), PATCH merge (200), PUT replace (202) and delete (202; 400 while in use). Values are
//! checked against the datastore version's parameters, with Trove's 422 messages.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::{datastores, mgmt, pagination, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::Inner;

/// One configuration group.
#[derive(Debug, Clone)]
pub(crate) struct Configuration {
    pub(crate) id: String,
    pub(crate) tenant: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) values: Map<String, Value>,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    /// Ids of the (non-cluster) instances the group is attached to.
    pub(crate) instances: BTreeSet<String>,
}

/// Finds a tenant's group, or the 404 of Trove's `Configuration.load` (the group API and
/// instance create).
pub(crate) fn find<'w>(
    world: &'w Inner,
    tenant: &str,
    id: &str,
) -> Result<&'w Configuration, Resp> {
    world
        .configurations
        .get(id)
        .filter(|c| c.tenant == tenant)
        .ok_or_else(|| {
            fault::not_found(&format!(
                "Configuration group with ID {id} could not be found."
            ))
        })
}

/// Finds a group to attach, or the 404 of Trove's `Configuration.find`, whose message differs
/// from `find`'s (instance update and clusters).
pub(crate) fn find_to_attach<'w>(
    world: &'w Inner,
    tenant: &str,
    id: &str,
) -> Result<&'w Configuration, Resp> {
    find(world, tenant, id)
        .map_err(|_| fault::not_found(&format!("Configuration group id: {id} could not be found.")))
}

/// Records that instance `instance_id` uses group `id`.
pub(crate) fn attach(
    world: &mut Inner,
    tenant: &str,
    id: &str,
    instance_id: &str,
) -> Result<(), Resp> {
    find_to_attach(world, tenant, id)?;
    for c in world.configurations.values_mut() {
        c.instances.remove(instance_id);
    }
    if let Some(c) = world.configurations.get_mut(id) {
        c.instances.insert(instance_id.to_owned());
    }
    Ok(())
}

/// Records that instance `instance_id` no longer uses any group.
pub(crate) fn detach(world: &mut Inner, instance_id: &str) {
    for c in world.configurations.values_mut() {
        c.instances.remove(instance_id);
    }
}

/// Returns `(id, name)` of every live instance and cluster member using the group, by id.
fn users_of(world: &Inner, cfg: &Configuration) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = cfg
        .instances
        .iter()
        .filter_map(|id| world.instance(&cfg.tenant, id))
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect();
    for c in world.clusters.values() {
        if c.tenant == cfg.tenant && c.configuration.as_deref() == Some(cfg.id.as_str()) {
            out.extend(c.members.iter().map(|m| (m.id.clone(), m.name.clone())));
        }
    }
    out.sort();
    out
}

fn render(world: &Inner, c: &Configuration, detail: bool) -> Value {
    let mut v = json!({
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "created": world.clock.trove(c.created),
        "updated": world.clock.trove(c.updated),
        "datastore_name": datastores::DATASTORE_TYPE,
        "datastore_version_id": datastores::VERSION_ID,
        "datastore_version_name": datastores::VERSION_NAME,
    });
    // Only the detailed view (show, create) carries the version number.
    if detail {
        v["datastore_version_number"] = json!(datastores::VERSION_NAME);
        v["values"] = Value::Object(c.values.clone());
        v["instance_count"] = json!(users_of(world, c).len());
    }
    v
}

/// Routes `configurations[/{id}[/instances]]`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    let result = match path {
        ["configurations"] if m == Method::GET => list(req, world),
        ["configurations"] if m == Method::POST => create(req, world),
        ["configurations", id] if m == Method::GET => show(world, req, id),
        ["configurations", id] if m == Method::PATCH => update(req, world, id, true),
        ["configurations", id] if m == Method::PUT => update(req, world, id, false),
        ["configurations", id] if m == Method::DELETE => delete(req, world, id),
        ["configurations", id, "instances"] if m == Method::GET => instances(req, world, id),
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| e))
}

fn list(req: &Req<'_>, world: &Inner) -> Result<Resp, Resp> {
    let limit = pagination::db_limit(req)?;
    let mine: Vec<&Configuration> = world
        .configurations
        .values()
        .filter(|c| c.tenant == req.tenant)
        .collect();
    Ok(mgmt::id_page(
        req,
        "configurations",
        mine,
        |c| c.id.clone(),
        limit,
        |c| render(world, c, false),
    ))
}

fn show(world: &Inner, req: &Req<'_>, id: &str) -> Result<Resp, Resp> {
    let c = find(world, &req.tenant, id)?;
    Ok(json(
        StatusCode::OK,
        &json!({"configuration": render(world, c, true)}),
    ))
}

/// Checks values against the version's parameters, as Trove's `validate_configuration` does.
fn validate_values(world: &Inner, values: &Map<String, Value>) -> Result<(), Resp> {
    let params = mgmt::parameters(world, datastores::VERSION_ID);
    for (key, value) in values {
        let Some(p) = params.iter().find(|p| &p.name == key) else {
            return Err(fault::unprocessable(&format!(
                "The configuration parameter {key} is not supported for this datastore: {} {}.",
                datastores::DATASTORE_TYPE,
                datastores::VERSION_NAME
            )));
        };
        let ok = match p.data_type.as_str() {
            "integer" => value.is_i64() || value.is_u64(),
            "float" => value.is_number(),
            "boolean" => value.is_boolean() || value.as_i64().is_some_and(|i| i == 0 || i == 1),
            _ => value.is_string(),
        };
        if !ok {
            return Err(fault::unprocessable(&format!(
                "The value provided for the configuration parameter {key} is not of type {}.",
                p.data_type
            )));
        }
        if let Some(n) = value.as_i64().filter(|_| p.data_type == "integer") {
            if let Some(min) = p.min.filter(|min| n < *min) {
                return Err(fault::unprocessable(&format!(
                    "The value for the configuration parameter {key} is less than the minimum \
                     allowed: {min}"
                )));
            }
            if let Some(max) = p.max.filter(|max| n > *max) {
                return Err(fault::unprocessable(&format!(
                    "The value for the configuration parameter {key} is greater than the \
                     maximum allowed: {max}"
                )));
            }
        }
    }
    Ok(())
}

fn values_of(obj: &Map<String, Value>, path: &str) -> Result<Map<String, Value>, Resp> {
    let v = schema::required(obj, "values", path)?;
    schema::object(v, &format!("{path}['values']")).cloned()
}

fn create(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(schema::envelope(&body, "configuration")?, "configuration")?;
    let name = schema::required(obj, "name", "configuration")?;
    let name = schema::non_empty_string(name, "configuration['name']")?.to_owned();
    let values = values_of(obj, "configuration")?;
    if let Some(ds) = obj.get("datastore") {
        let ds = schema::object(ds, "configuration['datastore']")?;
        if let Some(t) = ds.get("type").and_then(Value::as_str) {
            if !datastores::find_datastore(t) {
                return Err(fault::not_found(&format!(
                    "Datastore '{t}' cannot be found."
                )));
            }
        }
        let version = ds.get("version").and_then(Value::as_str);
        if let Some(v) = version {
            if !datastores::find_version(v) {
                return Err(datastores::version_missing(v));
            }
        }
        // trove/datastore/models.py DatastoreVersion.load: a version named (not by UUID)
        // with a `version_number` must have that number; a UUID, or the default version
        // (which Trove looks up by its UUID), ignores it.
        if let (Some(v), Some(number)) = (
            version.filter(|v| *v != datastores::VERSION_ID),
            ds.get("version_number").and_then(Value::as_str),
        ) {
            if v != datastores::VERSION_NAME || number != datastores::VERSION_NAME {
                return Err(datastores::version_missing(number));
            }
        }
    }
    validate_values(world, &values)?;
    let cfg = Configuration {
        id: uuid::Uuid::new_v4().to_string(),
        tenant: req.tenant.clone(),
        name,
        description: obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        values,
        created: req.now,
        updated: req.now,
        instances: BTreeSet::new(),
    };
    let body = json!({"configuration": render(world, &cfg, true)});
    world.configurations.insert(cfg.id.clone(), cfg);
    Ok(json(StatusCode::OK, &body))
}

/// PATCH merges values (200); PUT replaces them, and name and description when given (202).
fn update(req: &Req<'_>, world: &mut Inner, id: &str, merge: bool) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(schema::envelope(&body, "configuration")?, "configuration")?;
    let values = values_of(obj, "configuration")?;
    let name = obj
        .get("name")
        .map(|n| schema::non_empty_string(n, "configuration['name']").map(str::to_owned))
        .transpose()?;
    find(world, &req.tenant, id)?;
    validate_values(world, &values)?;
    let c = world
        .configurations
        .get_mut(id)
        .ok_or_else(fault::internal_error)?;
    if merge {
        c.values.extend(values);
    } else {
        c.values = values;
        if let Some(n) = name {
            c.name = n;
        }
        if let Some(d) = obj.get("description") {
            c.description = d.as_str().map(str::to_owned);
        }
    }
    c.updated = req.now;
    Ok(empty(if merge {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    }))
}

fn delete(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let c = find(world, &req.tenant, id)?;
    if !users_of(world, c).is_empty() {
        return Err(fault::bad_request(
            "A configuration group cannot be deleted if it is associated with one or more \
             non-terminated instances. Detach the configuration group from all non-terminated \
             instances and please try again.",
        ));
    }
    world.configurations.remove(id);
    Ok(empty(StatusCode::ACCEPTED))
}

fn instances(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let c = find(world, &req.tenant, id)?;
    let limit = pagination::db_limit(req)?;
    let users = users_of(world, c);
    Ok(mgmt::id_page(
        req,
        "instances",
        users,
        |(id, _)| id.clone(),
        limit,
        |(id, name)| json!({"id": id, "name": name}),
    ))
}
