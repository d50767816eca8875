//! Backups: create (NEW -> COMPLETED), show, list (offset markers, newest update first),
//! instance backups, and delete (visible for the delete delay, then 404).

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{datastores, pagination, ready_instance, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::{Backup, BackupTask, Inner};

/// Fake Swift reports the same size for every backup.
const SIZE_GB: f64 = 0.14;

/// True while a backup of the instance is being taken (the instance is then not ready).
pub(crate) fn running_for(world: &Inner, instance_id: &str) -> bool {
    world.backups.values().any(|b| {
        b.instance_id == instance_id
            && matches!(b.pending.as_ref().map(|p| p.task), Some(BackupTask::Create))
    })
}

fn view(world: &Inner, b: &Backup) -> Value {
    let done = b.status == "COMPLETED";
    json!({
        "id": b.id,
        "name": b.name,
        "description": b.description,
        "locationRef": if done { json!("http://localhost/path/to/backup") } else { Value::Null },
        "instance_id": b.instance_id,
        "created": world.clock.trove(b.created),
        "updated": world.clock.trove(b.updated),
        "size": if done { json!(SIZE_GB) } else { Value::Null },
        "status": b.status,
        "parent_id": b.parent_id,
        "project_id": b.tenant,
        "datastore": {
            "type": datastores::DATASTORE_TYPE,
            "version": datastores::VERSION_NAME,
            "version_id": datastores::VERSION_ID,
        },
    })
}

/// Routes `backups[/{id}]` and `instances/{id}/backups`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    Some(match path {
        ["backups"] if m == Method::GET => {
            list(req, world, req.ctx.query("instance_id").map(str::to_owned))
        }
        ["backups"] if m == Method::POST => create(req, world),
        ["backups", id] if m == Method::GET => show(req, world, id),
        ["backups", id] if m == Method::DELETE => delete(req, world, id),
        ["instances", id, "backups"] if m == Method::GET => {
            if world.instance(&req.tenant, id).is_none() {
                return Some(fault::resource_not_found(id));
            }
            list(req, world, Some((*id).to_owned()))
        }
        _ => return None,
    })
}

/// Lists by `updated` descending; the marker is an offset and a next link appears whenever the
/// page is full, so the last page may be empty. Filters: `instance_id`, `datastore` (name or
/// id), and for admins `all_projects` and `project_id`.
fn list(req: &Req<'_>, world: &Inner, instance: Option<String>) -> Resp {
    let limit = match pagination::limit(req, false) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let all_projects = req
        .ctx
        .query("all_projects")
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    let project = req.ctx.query("project_id");
    if (all_projects || project.is_some_and(|p| p != req.tenant)) && !super::mgmt::is_admin(req) {
        return fault::fault(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Policy doesn't allow backup:index:all_projects to be performed.",
        );
    }
    let project = project.unwrap_or(&req.tenant);
    if let Some(ds) = req.ctx.query("datastore") {
        if !datastores::find_datastore(ds) {
            return fault::not_found(&format!("Datastore '{ds}' cannot be found."));
        }
    }
    let offset = match req.ctx.query("marker").map(|m| m.trim().parse::<usize>()) {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => return fault::internal_error(),
    };
    let mut mine: Vec<&Backup> = world
        .backups
        .values()
        .filter(|b| all_projects || b.tenant == project)
        .filter(|b| instance.as_deref().is_none_or(|i| b.instance_id == i))
        .collect();
    mine.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.seq.cmp(&a.seq)));
    let page: Vec<Value> = mine
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|b| view(world, b))
        .collect();
    let next = (page.len() == limit).then(|| offset.saturating_add(limit).to_string());
    json(
        StatusCode::OK,
        &pagination::body(req, "backups", page, next),
    )
}

fn show(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(b) = world.backups.get(id).filter(|b| b.tenant == req.tenant) else {
        return fault::resource_not_found(id);
    };
    let body = json!({"backup": view(world, b)});
    if let Some(p) = world.backups.get_mut(id).and_then(|b| b.pending.as_mut()) {
        p.count_show();
    }
    json(StatusCode::OK, &body)
}

fn create(req: &Req<'_>, world: &mut Inner) -> Resp {
    let body = match req.ctx.json_body() {
        Ok(b) => b,
        Err(e) => return e,
    };
    let fields = match schema::envelope(&body, "backup").and_then(|v| schema::object(v, "backup")) {
        Ok(f) => f.clone(),
        Err(e) => return e,
    };
    let checked = schema::required(&fields, "name", "backup")
        .and_then(|n| schema::non_empty_string(n, "backup['name']").map(str::to_owned))
        .and_then(|name| {
            let inst = schema::required(&fields, "instance", "backup")?;
            Ok((name, schema::string(inst, "backup['instance']")?.to_owned()))
        });
    let (name, instance_id) = match checked {
        Ok(v) => v,
        Err(e) => return e,
    };
    let description = fields
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let parent_id = fields
        .get("parent_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(parent) = parent_id.as_deref() {
        if !world.backups.contains_key(parent) {
            return fault::resource_not_found(parent);
        }
    }
    if let Err(e) = ready_instance(req, world, &instance_id) {
        return e;
    }
    let seq = world.next_seq();
    let mut backup = Backup {
        id: uuid::Uuid::new_v4().to_string(),
        tenant: req.tenant.clone(),
        seq,
        name,
        description,
        instance_id,
        parent_id,
        created: req.now,
        updated: req.now,
        status: "NEW",
        pending: None,
    };
    let started = backup.start(BackupTask::Create, req.now, req.cfg.backup);
    let body = json!({"backup": view(world, &backup)});
    world.backups.insert(backup.id.clone(), backup);
    world.track(started);
    json(StatusCode::ACCEPTED, &body)
}

fn delete(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(b) = world.backups.get_mut(id).filter(|b| b.tenant == req.tenant) else {
        return fault::resource_not_found(id);
    };
    match b.pending.as_ref().map(|p| p.task) {
        Some(BackupTask::Create) => fault::unprocessable(&format!(
            "Backup {id} cannot be deleted because it is running."
        )),
        Some(BackupTask::Delete) => empty(StatusCode::ACCEPTED),
        None => {
            // The real server answers from the old row for a moment before the backup is gone.
            let started = b.start(BackupTask::Delete, req.now, req.cfg.delete);
            world.track(started);
            empty(StatusCode::ACCEPTED)
        }
    }
}
