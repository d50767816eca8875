//! Backups: create (NEW -> COMPLETED), show, list (offset markers, newest update first),
//! instance backups, and delete (visible for the delete delay, then 404).

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{actionable_instance, datastores, pagination, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::{Backup, BackupTask, Imported, Inner};

/// Fake Swift reports the same size for every backup.
const SIZE_GB: f64 = 0.14;

/// True while a backup of the instance is being taken (the instance is then not ready).
pub(crate) fn running_for(world: &Inner, instance_id: &str) -> bool {
    world.backups.values().any(|b| {
        b.instance_id.as_deref() == Some(instance_id)
            && matches!(b.pending.as_ref().map(|p| p.task), Some(BackupTask::Create))
    })
}

/// Takes the snapshot a replica create needs of its source `source`, seeding `replicas`
/// (trove/taskmanager/models.py `get_replication_master_snapshot`): a backup named after the
/// first replica, incremental on the source's last completed backup, running (the source shows
/// BACKUP and refuses actions) for the backup delay. It goes once the replicas are built.
///
/// Fake mode's guest reports no snapshot id, so the real server in fake mode cannot delete it
/// and keeps it COMPLETED; the emulator follows a real guest, which names it.
pub(crate) fn take_replication_snapshot(
    req: &Req<'_>,
    world: &mut Inner,
    source: &str,
    replicas: Vec<String>,
) {
    let Some(first) = replicas.first() else {
        return;
    };
    // `Backup.get_last_completed`: the first page of the source's backups, newest update
    // first, and of those the first completed one.
    let mut of_source: Vec<&Backup> = world
        .backups
        .values()
        .filter(|b| b.instance_id.as_deref() == Some(source))
        .collect();
    of_source.sort_by(|a, b| newest_first(a, b));
    let parent_id = of_source
        .into_iter()
        .take(req.cfg.page_size)
        .find(|b| b.status == "COMPLETED")
        .map(|b| b.id.clone());
    start(
        req,
        world,
        format!("Replication snapshot for {first}"),
        Some("Backup image used to initialize replication slave".to_owned()),
        source.to_owned(),
        parent_id,
        replicas,
    );
}

/// Starts a backup of `instance_id`, NEW for the backup delay, and returns its view.
fn start(
    req: &Req<'_>,
    world: &mut Inner,
    name: String,
    description: Option<String>,
    instance_id: String,
    parent_id: Option<String>,
    seeds: Vec<String>,
) -> Value {
    let seq = world.next_seq();
    let mut backup = Backup {
        id: uuid::Uuid::new_v4().to_string(),
        tenant: req.tenant.clone(),
        seq,
        name,
        description,
        instance_id: Some(instance_id),
        parent_id,
        created: req.now,
        updated: req.now,
        status: "NEW",
        pending: None,
        imported: None,
        version_id: datastores::VERSION_ID.to_owned(),
        seeds,
    };
    let started = backup.start(BackupTask::Create, req.now, req.cfg.backup);
    let body = view(world, &backup);
    world.backups.insert(backup.id.clone(), backup);
    world.track(started);
    body
}

/// The order Trove lists backups in (`trove/backup/models.py` `Backup._paginate`): the latest
/// update first; ties, which Trove leaves to the database, go to the one made later.
fn newest_first(a: &Backup, b: &Backup) -> std::cmp::Ordering {
    b.updated.cmp(&a.updated).then(b.seq.cmp(&a.seq))
}

fn view(world: &Inner, b: &Backup) -> Value {
    let done = b.status == "COMPLETED";
    let (location, size) = match &b.imported {
        Some(i) => (json!(i.location), json!(i.size)),
        None if done => (json!("http://localhost/path/to/backup"), json!(SIZE_GB)),
        None => (Value::Null, Value::Null),
    };
    let (kind, version) = super::mgmt::version_by_uuid(world, &b.version_id).unwrap_or_else(|| {
        (
            datastores::DATASTORE_TYPE.to_owned(),
            datastores::VERSION_NAME.to_owned(),
        )
    });
    json!({
        "id": b.id,
        "name": b.name,
        "description": b.description,
        "locationRef": location,
        "instance_id": b.instance_id,
        "created": world.clock.trove(b.created),
        "updated": world.clock.trove(b.updated),
        "size": size,
        "status": b.status,
        "parent_id": b.parent_id,
        "project_id": b.tenant,
        "datastore": {
            "type": kind,
            "version": version,
            "version_id": b.version_id,
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

/// Lists by `updated` descending, paged by offset ([`pagination::by_offset`]). Filters:
/// `instance_id`, `datastore` (name or id), and for admins `all_projects` and `project_id`.
fn list(req: &Req<'_>, world: &Inner, instance: Option<String>) -> Resp {
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
    let mut mine: Vec<&Backup> = world
        .backups
        .values()
        .filter(|b| all_projects || b.tenant == project)
        .filter(|b| {
            instance
                .as_deref()
                .is_none_or(|i| b.instance_id.as_deref() == Some(i))
        })
        .collect();
    mine.sort_by(|a, b| newest_first(a, b));
    match pagination::by_offset(req, "backups", mine.into_iter().map(|b| view(world, b))) {
        Ok(body) => json(StatusCode::OK, &body),
        Err(e) => e,
    }
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

/// `POST /backups`, as `trove/backup/service.py` `BackupController.create` and
/// `trove/backup/models.py` `Backup.create` take it (after the schema): a `swift_container`
/// must survive shell quoting (`utils.validate_command`); without `restore_from` an instance
/// is required ("instance is missing."); with it no instance is backed up and any `instance`,
/// `parent_id` or `incremental` is ignored: the import is recorded `RESTORED` with the given
/// location and size, once its datastore version is found by UUID.
fn create(req: &Req<'_>, world: &mut Inner) -> Resp {
    match create_checked(req, world) {
        Ok(r) | Err(r) => r,
    }
}

fn create_checked(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let fields = schema::object(schema::envelope(&body, "backup")?, "backup")?.clone();
    let name = schema::non_empty_string(
        schema::required(&fields, "name", "backup")?,
        "backup['name']",
    )?
    .to_owned();
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(container) = text("swift_container") {
        if !shell_safe(&container) {
            return Err(fault::bad_request(&format!(
                "The value is not allowed: {container}."
            )));
        }
    }
    let description = text("description");
    let restore_from = fields
        .get("restore_from")
        .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()));
    if let Some(from) = restore_from {
        let version_id = from
            .get("local_datastore_version_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if super::mgmt::version_by_uuid(world, &version_id).is_none() {
            return Err(fault::bad_request(&format!(
                "Datastore version '{version_id}' cannot be found."
            )));
        }
        let imported = Imported {
            location: from
                .get("remote_location")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            size: from.get("size").and_then(Value::as_f64).unwrap_or_default(),
        };
        let backup = Backup {
            id: uuid::Uuid::new_v4().to_string(),
            tenant: req.tenant.clone(),
            seq: world.next_seq(),
            name,
            description,
            instance_id: None,
            parent_id: None,
            created: req.now,
            updated: req.now,
            status: "RESTORED",
            pending: None,
            imported: Some(imported),
            version_id,
            seeds: Vec::new(),
        };
        let body = json!({"backup": view(world, &backup)});
        world.backups.insert(backup.id.clone(), backup);
        return Ok(json(StatusCode::ACCEPTED, &body));
    }
    let Some(instance_id) = text("instance") else {
        return Err(fault::bad_request("instance is missing."));
    };
    let parent_id = text("parent_id");
    if let Some(parent) = parent_id.as_deref() {
        if !world.backups.contains_key(parent) {
            return Err(fault::resource_not_found(parent));
        }
    }
    actionable_instance(req, world, &instance_id)?;
    let shown = start(
        req,
        world,
        name,
        description,
        instance_id,
        parent_id,
        Vec::new(),
    );
    let body = json!({ "backup": shown });
    Ok(json(StatusCode::ACCEPTED, &body))
}

/// True when Python's `shlex.quote` leaves `s` as it is: only ASCII word characters and
/// `@%+=:,./-`, and not empty.
fn shell_safe(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b))
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
