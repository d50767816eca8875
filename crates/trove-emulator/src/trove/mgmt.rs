//! The management API (`mgmt/...`) and quotas, for admins only (a fake-mode token or tenant
//! starting with `admin`, or a Keystone user of the `admin` project); others get 403 as Trove's
//! policy answers. Also owns the datastore version parameters the configuration groups are
//! checked against, and the admin datastore version table.

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::{clusters, datastores, pagination, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::{Inner, Instance, InstanceTask};

/// The quota resources and their defaults (`max_*_per_tenant`).
const QUOTA_DEFAULTS: &[(&str, i64)] = &[
    ("instances", 10),
    ("ram", -1),
    ("volumes", 40),
    ("backups", 50),
];

/// A built-in parameter: name, type, min, max, restart required.
pub type BuiltinParameter = (&'static str, &'static str, Option<i64>, Option<i64>, bool);

/// The configuration parameters the emulator's mysql 5.7.29 has built in (a slice of Trove's
/// `validation-rules.json`). A real Trove in fake mode starts with none; registering these
/// through the management API makes it list the same set.
pub const BUILTIN_PARAMETERS: &[BuiltinParameter] = &[
    ("autocommit", "integer", Some(0), Some(1), false),
    ("character_set_server", "string", None, None, false),
    ("collation_server", "string", None, None, false),
    (
        "connect_timeout",
        "integer",
        Some(2),
        Some(31_536_000),
        false,
    ),
    // Trove's maximum is 2^64 - 1, beyond what the emulator's bounds hold; 64 GiB stands in.
    (
        "innodb_buffer_pool_size",
        "integer",
        Some(5_242_880),
        Some(68_719_476_736),
        true,
    ),
    ("local_infile", "integer", Some(0), Some(1), false),
    (
        "max_allowed_packet",
        "integer",
        Some(1024),
        Some(1_073_741_824),
        false,
    ),
    ("max_connections", "integer", Some(1), Some(100_000), false),
    ("wait_timeout", "integer", Some(1), Some(31_536_000), false),
];

/// A configuration parameter of a datastore version.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    pub(crate) name: String,
    pub(crate) version_id: String,
    pub(crate) data_type: String,
    pub(crate) min: Option<i64>,
    pub(crate) max: Option<i64>,
    pub(crate) restart_required: bool,
    pub(crate) deleted_at: Option<Instant>,
}

/// A datastore version in the admin table.
#[derive(Debug, Clone)]
pub(crate) struct DsVersion {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) datastore_name: String,
    pub(crate) manager: String,
    pub(crate) image: Option<String>,
    pub(crate) image_tags: Vec<String>,
    pub(crate) packages: Value,
    pub(crate) active: bool,
    pub(crate) default: bool,
    pub(crate) version: String,
    pub(crate) registry_ext: Option<String>,
    pub(crate) repl_strategy: Option<String>,
}

/// The guest manager class and replication strategy Trove stores when a version is
/// registered without them: `trove/datastore/models.py` `update_datastore_version` takes
/// `constants.REGISTRY_EXT_DEFAULTS[manager]` and the manager's `replication_namespace` +
/// `replication_strategy` options (`trove/common/cfg.py`). Managers without defaults get none.
pub(crate) fn manager_defaults(manager: &str) -> (Option<&'static str>, Option<&'static str>) {
    match manager {
        "mysql" => (
            Some("trove.guestagent.datastore.mysql.manager.Manager"),
            Some("trove.guestagent.strategies.replication.mysql_gtid.MysqlGTIDReplication"),
        ),
        "mariadb" => (
            Some("trove.guestagent.datastore.mariadb.manager.Manager"),
            Some("trove.guestagent.strategies.replication.mariadb_gtid.MariaDBGTIDReplication"),
        ),
        "postgresql" => (
            Some("trove.guestagent.datastore.postgres.manager.PostgresManager"),
            Some(
                "trove.guestagent.strategies.replication.postgresql.PostgresqlReplicationStreaming",
            ),
        ),
        _ => (None, None),
    }
}

/// What the management API keeps: quotas, parameter changes and datastore versions.
#[derive(Debug, Default)]
pub(crate) struct MgmtState {
    /// Per project, the limits set by an admin.
    quotas: BTreeMap<String, BTreeMap<String, i64>>,
    /// Parameters registered, changed or deleted by an admin, by (version id, name).
    parameters: BTreeMap<(String, String), Parameter>,
    /// The admin datastore version table; `None` until first used (then seeded).
    versions: Option<BTreeMap<String, DsVersion>>,
}

/// Returns true when the request carries admin rights.
pub(crate) fn is_admin(req: &Req<'_>) -> bool {
    let token = req
        .ctx
        .header("x-auth-token")
        .or_else(|| req.ctx.header("x-storage-token"));
    token.is_some_and(|t| t.starts_with("admin"))
        || req.tenant.starts_with("admin")
        || req
            .cfg
            .keystone_users
            .iter()
            .any(|u| u.project_id == req.tenant && u.project_name == "admin")
}

/// Returns the live parameters of a datastore version: built-ins, then admin changes.
pub(crate) fn parameters(world: &Inner, version_id: &str) -> Vec<Parameter> {
    all_parameters(world, version_id)
        .into_iter()
        .filter(|p| p.deleted_at.is_none())
        .collect()
}

fn all_parameters(world: &Inner, version_id: &str) -> Vec<Parameter> {
    let mut out: BTreeMap<String, Parameter> = BTreeMap::new();
    if version_id == datastores::VERSION_ID {
        for (name, t, min, max, restart) in BUILTIN_PARAMETERS {
            out.insert(
                (*name).to_owned(),
                Parameter {
                    name: (*name).to_owned(),
                    version_id: version_id.to_owned(),
                    data_type: (*t).to_owned(),
                    min: *min,
                    max: *max,
                    restart_required: *restart,
                    deleted_at: None,
                },
            );
        }
    }
    for ((v, name), p) in &world.mgmt.parameters {
        if v == version_id {
            out.insert(name.clone(), p.clone());
        }
    }
    out.into_values().collect()
}

fn versions(world: &mut Inner) -> &mut BTreeMap<String, DsVersion> {
    world.mgmt.versions.get_or_insert_with(|| {
        let builtin = DsVersion {
            id: datastores::VERSION_ID.to_owned(),
            name: datastores::VERSION_NAME.to_owned(),
            datastore_name: datastores::DATASTORE_TYPE.to_owned(),
            manager: datastores::DATASTORE_TYPE.to_owned(),
            image: None,
            image_tags: vec!["trove".to_owned()],
            packages: json!(""),
            active: true,
            default: true,
            version: datastores::VERSION_NAME.to_owned(),
            registry_ext: manager_defaults(datastores::DATASTORE_TYPE)
                .0
                .map(str::to_owned),
            repl_strategy: manager_defaults(datastores::DATASTORE_TYPE)
                .1
                .map(str::to_owned),
        };
        BTreeMap::from([(builtin.id.clone(), builtin)])
    })
}

/// The fields `trove/datastore/views.py` `DatastoreVersionView` adds for an admin: `active`,
/// `packages` (Trove's stored string), `image`, `registry_ext`, `repl_strategy` and
/// `image_tags` (a list, empty when none), from the admin table.
pub(crate) fn admin_version_fields(world: &mut Inner, id: &str) -> Option<Value> {
    let v = versions(world).get(id)?;
    let packages = match &v.packages {
        Value::Array(items) => json!(items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(",")),
        other => other.clone(),
    };
    Some(json!({
        "active": v.active,
        "packages": packages,
        "image": v.image,
        "registry_ext": v.registry_ext,
        "repl_strategy": v.repl_strategy,
        "image_tags": v.image_tags,
    }))
}

/// The datastore and version name of version `id` (by UUID, as `DatastoreVersion.load_by_uuid`
/// finds it), from the admin table once an admin touched it, else the built-in version.
pub(crate) fn version_by_uuid(world: &Inner, id: &str) -> Option<(String, String)> {
    match world.mgmt.versions.as_ref() {
        Some(table) => table
            .get(id)
            .map(|v| (v.datastore_name.clone(), v.name.clone())),
        None => (id == datastores::VERSION_ID).then(|| {
            (
                datastores::DATASTORE_TYPE.to_owned(),
                datastores::VERSION_NAME.to_owned(),
            )
        }),
    }
}

/// What a project that is not an admin gets on a management route. Every management handler
/// but quota show is wrapped in `trove/common/auth.py` `admin_context`, whose `Forbidden`
/// `trove/common/wsgi.py` maps to 401; `trove/extensions/mgmt/quota/service.py`
/// `QuotaController.show` lets a project read its own quotas and answers another's with
/// `TroveOperationAuthError`, a 403.
fn not_admin(req: &Req<'_>, path: &[&str]) -> Option<Resp> {
    match path {
        ["mgmt", "quotas", id] if req.ctx.method == Method::GET => (*id != req.tenant).then(|| {
            fault::fault(
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("Operation not allowed for tenant {}.", req.tenant),
            )
        }),
        _ => Some(fault::fault(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "User does not have admin privileges.",
        )),
    }
}

/// Routes `mgmt/...`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    let known = matches!(
        path,
        ["mgmt", "instances", ..]
            | ["mgmt", "clusters", ..]
            | ["mgmt", "quotas", _]
            | ["mgmt", "datastores", "versions", _, "parameters", ..]
            | ["mgmt", "datastore-versions", ..]
    );
    if !known {
        return None;
    }
    if !is_admin(req) {
        if let Some(refused) = not_admin(req, path) {
            return Some(refused);
        }
    }
    let result = match path {
        ["mgmt", "instances"] if m == Method::GET => list_instances(req, world),
        ["mgmt", "instances", id] if m == Method::GET => show_instance(req, world, id),
        ["mgmt", "instances", id, "action"] if m == Method::POST => instance_action(req, world, id),
        ["mgmt", "instances", id, "root"] if m == Method::GET => root_history(req, world, id),
        ["mgmt", "instances", id, "diagnostics"] if m == Method::GET => any_instance(world, id)
            .map(|_| {
                ok(
                    // Trove's DiagnosticsView renames the guest's snake_case keys.
                    json!({"diagnostics": {"version": "1", "fdSize": 64, "vmSize": 29096,
                    "vmPeak": 29160, "vmRss": 2872, "vmHwm": 2872, "threads": 2}}),
                )
            }),
        ["mgmt", "instances", id, "hwinfo"] if m == Method::GET => any_instance(world, id)
            .map(|_| ok(json!({"hwinfo": {"mem_total": 524_288, "num_cpus": 1}}))),
        ["mgmt", "instances", id, "rpc_ping"] if m == Method::GET => {
            any_instance(world, id).map(|_| empty(StatusCode::NO_CONTENT))
        }
        ["mgmt", "instances", id, "upgrade"] if m == Method::POST => guest_upgrade(req, world, id),
        ["mgmt", "clusters"] if m == Method::GET => list_clusters(req, world),
        ["mgmt", "clusters", id] if m == Method::GET => show_cluster(req, world, id),
        ["mgmt", "clusters", id, "action"] if m == Method::POST => cluster_action(req, world, id),
        ["mgmt", "quotas", project] if m == Method::GET => show_quotas(world, project),
        ["mgmt", "quotas", project] if m == Method::PUT => update_quotas(req, world, project),
        ["mgmt", "datastores", "versions", v, "parameters"] if m == Method::GET => {
            list_parameters(req, world, v)
        }
        ["mgmt", "datastores", "versions", v, "parameters"] if m == Method::POST => {
            create_parameter(req, world, v)
        }
        ["mgmt", "datastores", "versions", v, "parameters", name] if m == Method::GET => {
            show_parameter(world, v, name)
        }
        ["mgmt", "datastores", "versions", v, "parameters", name] if m == Method::PUT => {
            update_parameter(req, world, v, name)
        }
        ["mgmt", "datastores", "versions", v, "parameters", name] if m == Method::DELETE => {
            delete_parameter(req, world, v, name)
        }
        ["mgmt", "datastore-versions"] if m == Method::GET => {
            let items: Vec<Value> = versions(world).values().map(version_view).collect();
            Ok(ok(json!({ "versions": items })))
        }
        ["mgmt", "datastore-versions"] if m == Method::POST => create_version(req, world),
        ["mgmt", "datastore-versions", id] if m == Method::GET => versions(world)
            .get(*id)
            .map(|v| ok(json!({"version": version_view(v)})))
            .ok_or_else(|| datastores::version_missing(id)),
        ["mgmt", "datastore-versions", id] if m == Method::PATCH => edit_version(req, world, id),
        ["mgmt", "datastore-versions", id] if m == Method::DELETE => {
            match versions(world).remove(*id) {
                Some(_) => Ok(empty(StatusCode::ACCEPTED)),
                None => Err(datastores::version_missing(id)),
            }
        }
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| e))
}

fn ok(body: Value) -> Resp {
    json(StatusCode::OK, &body)
}

/// Answers 200 with one page of `items` (sorted by `id`): those after the `marker` query, at
/// most `limit` (from [`pagination::db_limit`]), rendered with `render` under `key`. Every
/// id-paged list of clusters, groups, modules and admin views pages this way; the marker is
/// compared with the ids, known or not.
pub(crate) fn id_page<T>(
    req: &Req<'_>,
    key: &str,
    items: Vec<T>,
    id: impl Fn(&T) -> String,
    limit: usize,
    render: impl FnMut(T) -> Value,
) -> Resp {
    let (page, next) = match pagination::by_id(items, id, req.ctx.query("marker"), limit) {
        Ok(cut) => cut,
        Err(e) => return e,
    };
    let items = page.into_iter().map(render).collect();
    ok(pagination::body(req, key, items, next))
}

fn any_instance<'w>(world: &'w Inner, id: &str) -> Result<&'w Instance, Resp> {
    world
        .instances
        .get(id)
        .ok_or_else(|| fault::resource_not_found(id))
}

fn task_description(status: &str) -> &'static str {
    match status {
        "BUILD" => "Building the initial instance.",
        "REBOOT" => "Restarting the database on an instance.",
        "RESIZE" => "Resizing the instance.",
        "SHUTDOWN" => "Deleting the instance.",
        "MIGRATE" => "Migrating the instance.",
        "REBUILD" => "Rebuilding the instance.",
        _ => "No tasks for the instance.",
    }
}

/// Renders the admin view of an instance (`MgmtInstanceDetailView`).
fn render_instance(req: &Req<'_>, world: &Inner, i: &Instance) -> Value {
    let ready = i.status == "ACTIVE";
    let mut v = super::instances::view_of(
        req,
        world,
        i,
        json!({
            "datastore": {
                "type": datastores::DATASTORE_TYPE,
                "version": datastores::VERSION_NAME,
                "version_number": datastores::VERSION_NAME,
            },
            "tenant_id": i.tenant,
            "created": world.clock.trove(i.created),
            "updated": world.clock.trove(i.updated),
            "service_status_updated": world.clock.trove(i.service_status_updated),
            "server_id": super::instances::server_uuid(&i.id),
            "volume_id": super::instances::volume_uuid(&i.id),
            "encrypted_rpc_messaging": true,
            "server": {
                "id": super::instances::server_uuid(&i.id),
                "name": i.name,
                "host": "fake-host-1",
                "status": if ready { "ACTIVE" } else { i.status },
                "tenant_id": i.tenant,
                "deleted": false,
                "deleted_at": null,
                "local_id": 0,
                "addresses": [{"address": "123.123.123.123", "type": "private", "network": "net-id"}],
            },
            "volume": {
                "id": super::instances::volume_uuid(&i.id),
                "size": i.volume_size,
                "used": if ready { json!(0.16) } else { Value::Null },
                "total": if ready { json!(i.volume_size as f64 - 0.03) } else { Value::Null },
                "status": "in-use",
                "attachments": [{"server_id": super::instances::server_uuid(&i.id), "device": "/dev/vdb"}],
                "availability_zone": null,
                "created_at": world.clock.trove(i.created),
            },
            "guest_status": {"state_description": if ready { "healthy" } else { "building" }},
            "task_description": task_description(i.status),
            "service_status": if ready { "HEALTHY" } else { i.status },
            "deleted": false,
            "deleted_at": null,
        }),
    );
    // `InstanceDetailView` shows the last task's failure here too.
    if let Some(f) = &i.fault {
        v["fault"] = super::instances::fault_view(world, f);
    }
    v
}

/// `GET mgmt/instances`, newest `updated` first and paged by offset
/// ([`pagination::by_offset`]), as `trove/extensions/mgmt/instances/models.py`
/// `_paginate_instances` pages it.
fn list_instances(req: &Req<'_>, world: &Inner) -> Result<Resp, Resp> {
    // trove/extensions/mgmt/instances/service.py MgmtInstanceController.index: `true` keeps
    // the deleted rows, `false` the live ones, anything else both.
    let deleted = match req.ctx.query("deleted").map(str::to_ascii_lowercase) {
        Some(d) if d == "true" => Some(true),
        Some(d) if d == "false" => Some(false),
        _ => None,
    };
    let project = req.ctx.query("project_id");
    let clustered = req
        .ctx
        .query("include_clustered")
        .is_some_and(|d| d.eq_ignore_ascii_case("true"));
    // (updated, id, view); a delete is the deleted row's last update.
    let mut all: Vec<(Instant, String, Value)> = Vec::new();
    if deleted != Some(true) {
        all.extend(
            world
                .instances
                .values()
                .filter(|i| project.is_none_or(|p| i.tenant == p))
                .map(|i| (i.updated, i.id.clone(), render_instance(req, world, i))),
        );
    }
    if deleted != Some(false) {
        all.extend(
            world
                .deleted_instances
                .values()
                .filter(|(i, _)| project.is_none_or(|p| i.tenant == p))
                .map(|(i, at)| (*at, i.id.clone(), render_deleted(req, world, i, *at))),
        );
    }
    if clustered && deleted != Some(true) {
        for c in world.clusters.values() {
            if project.is_some_and(|p| c.tenant != p) {
                continue;
            }
            for m in &c.members {
                let mut v = clusters::render_member(req, world, c, m);
                v["tenant_id"] = json!(c.tenant);
                v["deleted"] = json!(false);
                all.push((c.updated, m.id.clone(), v));
            }
        }
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let items = all.into_iter().map(|(_, _, v)| v);
    Ok(ok(pagination::by_offset(req, "instances", items)?))
}

/// Renders a deleted instance: the admin view with `deleted: true` and its `deleted_at`.
fn render_deleted(req: &Req<'_>, world: &Inner, i: &Instance, at: Instant) -> Value {
    let mut v = render_instance(req, world, i);
    let when = world.clock.trove(at);
    v["deleted"] = json!(true);
    v["deleted_at"] = json!(when);
    v["server"]["deleted"] = json!(true);
    v["server"]["deleted_at"] = json!(when);
    v
}

/// `GET mgmt/instances/{id}`: a deleted instance is found only with `?deleted=true`
/// (`trove/extensions/mgmt/instances/service.py` `MgmtInstanceController.show`).
fn show_instance(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let include_deleted = req
        .ctx
        .query("deleted")
        .is_some_and(|d| d.eq_ignore_ascii_case("true"));
    let (i, mut v) = match world.instances.get(id) {
        Some(i) => (i, render_instance(req, world, i)),
        None => match world.deleted_instances.get(id) {
            Some((i, at)) if include_deleted => (i, render_deleted(req, world, i, *at)),
            _ => return Err(fault::resource_not_found(id)),
        },
    };
    // `MgmtInstanceDetailView` adds the root history, when there is one, from the same record
    // `GET mgmt/instances/{id}/root` shows.
    if i.root_enabled {
        v["root_enabled"] = json!(world.clock.trove(i.updated));
        v["root_enabled_by"] = json!(i.tenant);
    }
    Ok(ok(json!({"instance": v})))
}

fn instance_action(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = body.as_object().cloned().unwrap_or_default();
    let Some((name, arg)) = obj.iter().next().filter(|_| obj.len() == 1) else {
        return Err(fault::bad_request("Invalid request body."));
    };
    if name == "rebuild" {
        let arg = schema::object(arg, "rebuild")?;
        let image = schema::required(arg, "image_id", "rebuild")?;
        schema::string(image, "rebuild['image_id']")?;
    }
    let (now, cfg) = (req.now, req.cfg);
    let i = world
        .instances
        .get_mut(id)
        .ok_or_else(|| fault::resource_not_found(id))?;
    if matches!(
        i.pending.as_ref().map(|p| &p.task),
        Some(InstanceTask::Delete)
    ) && name != "reset-task-status"
    {
        return Err(fault::unprocessable(&format!(
            "Instance {id} is not ready."
        )));
    }
    match name.as_str() {
        "stop" => {
            i.pending = None;
            i.status = "SHUTDOWN";
            i.operating_status = "SHUTDOWN";
            i.updated = now;
        }
        "reboot" => {
            let started = i.start(InstanceTask::Restart, "REBOOT", now, cfg.restart);
            world.track(started);
        }
        "migrate" => {
            let started = i.start(InstanceTask::Restart, "MIGRATE", now, cfg.resize);
            world.track(started);
        }
        "rebuild" => {
            let started = i.start(InstanceTask::Restart, "REBUILD", now, cfg.build);
            world.track(started);
        }
        "reset-task-status" => {
            if !matches!(
                i.pending.as_ref().map(|p| &p.task),
                Some(InstanceTask::Delete)
            ) {
                i.pending = None;
                i.status = "ACTIVE";
                i.operating_status = "HEALTHY";
                i.updated = now;
            }
        }
        other => {
            return Err(fault::bad_request(&format!(
                "Invalid instance action: {other}"
            )))
        }
    }
    Ok(empty(StatusCode::ACCEPTED))
}

fn root_history(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let i = any_instance(world, id)?;
    if !i.root_enabled {
        return Err(fault::not_found(&format!(
            "Root history for instance {id} cannot be found."
        )));
    }
    let _ = req;
    Ok(ok(json!({"root_history": {
        "id": i.id,
        "enabled": world.clock.trove(i.updated),
        "user": i.tenant,
    }})))
}

fn guest_upgrade(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    schema::object(schema::envelope(&body, "upgrade")?, "upgrade")?;
    any_instance(world, id)?;
    Ok(empty(StatusCode::ACCEPTED))
}

fn mgmt_cluster(req: &Req<'_>, world: &Inner, c: &clusters::Cluster, detail: bool) -> Value {
    let mut v = clusters::render(req, world, c, detail);
    v["tenant_id"] = json!(c.tenant);
    v["deleted"] = json!(false);
    v["deleted_at"] = Value::Null;
    v
}

fn list_clusters(req: &Req<'_>, world: &Inner) -> Result<Resp, Resp> {
    let items: Vec<Value> = world
        .clusters
        .values()
        .map(|c| mgmt_cluster(req, world, c, false))
        .collect();
    Ok(ok(json!({ "clusters": items })))
}

fn cluster_missing(id: &str) -> Resp {
    fault::not_found(&format!("Cluster '{id}' cannot be found."))
}

fn show_cluster(req: &Req<'_>, world: &Inner, id: &str) -> Result<Resp, Resp> {
    let c = world.clusters.get(id).ok_or_else(|| cluster_missing(id))?;
    Ok(ok(json!({"cluster": mgmt_cluster(req, world, c, true)})))
}

fn cluster_action(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    if body.get("reset-task").is_none() {
        return Err(fault::bad_request("Invalid request body."));
    }
    let now = req.now;
    let c = world
        .clusters
        .get_mut(id)
        .ok_or_else(|| cluster_missing(id))?;
    let deleting = matches!(
        c.pending.as_ref().map(|p| &p.task),
        Some(clusters::ClusterTask::Delete)
    );
    if !deleting {
        c.pending = None;
        c.updated = now;
    }
    Ok(empty(StatusCode::ACCEPTED))
}

fn show_quotas(world: &Inner, project: &str) -> Result<Resp, Resp> {
    let set = world.mgmt.quotas.get(project);
    let mine = || world.instances.values().filter(|i| i.tenant == project);
    let quotas: Vec<Value> = QUOTA_DEFAULTS
        .iter()
        .map(|(resource, default)| {
            let in_use = match *resource {
                "instances" => mine().count() as i64,
                "volumes" => mine().map(|i| i.volume_size as i64).sum(),
                "backups" => world
                    .backups
                    .values()
                    .filter(|b| b.tenant == project)
                    .count() as i64,
                _ => 0,
            };
            let limit = set
                .and_then(|s| s.get(*resource))
                .copied()
                .unwrap_or(*default);
            json!({"resource": resource, "in_use": in_use, "limit": limit, "reserved": 0})
        })
        .collect();
    Ok(ok(json!({ "quotas": quotas })))
}

/// `PUT mgmt/quotas/{project}`, as `trove/extensions/mgmt/quota/service.py`
/// `QuotaController.update` takes it: an empty (falsy) body is a 400 "Invalid request body.", a
/// body without `quotas` the `KeyError`'s 500.
fn update_quotas(req: &Req<'_>, world: &mut Inner, project: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    if !super::instances::truthy(Some(&body)) {
        return Err(fault::bad_request("Invalid request body."));
    }
    let asked = schema::object(schema::envelope(&body, "quotas")?, "quotas")?;
    let unknown: Vec<String> = asked
        .keys()
        .filter(|k| !QUOTA_DEFAULTS.iter().any(|(r, _)| r == k))
        .map(|k| format!("'{k}'"))
        .collect();
    if !unknown.is_empty() {
        return Err(fault::bad_request(&format!(
            "Unknown quota resources [{}].",
            unknown.join(", ")
        )));
    }
    let mut changed = Map::new();
    for (k, v) in asked {
        let Some(limit) = v.as_i64() else {
            return Err(fault::bad_request(&format!(
                "Quota limit for {k} must be an integer."
            )));
        };
        changed.insert(k.clone(), json!(limit));
    }
    let set = world.mgmt.quotas.entry(project.to_owned()).or_default();
    for (k, v) in &changed {
        set.insert(k.clone(), v.as_i64().unwrap_or_default());
    }
    Ok(ok(json!({ "quotas": changed })))
}

fn parameter_view(p: &Parameter) -> Value {
    let mut v = json!({
        "name": p.name,
        "datastore_version_id": p.version_id,
        "restart_required": p.restart_required,
        "type": p.data_type,
    });
    if let Some(max) = p.max {
        v["max_size"] = json!(max);
    }
    if let Some(min) = p.min {
        v["min_size"] = json!(min);
    }
    v
}

fn known_version(world: &mut Inner, v: &str) -> Result<(), Resp> {
    if versions(world).contains_key(v) {
        Ok(())
    } else {
        Err(datastores::parameters_version_missing(v))
    }
}

fn list_parameters(req: &Req<'_>, world: &mut Inner, v: &str) -> Result<Resp, Resp> {
    known_version(world, v)?;
    let _ = req;
    let items: Vec<Value> = parameters(world, v).iter().map(parameter_view).collect();
    Ok(ok(json!({ "configuration-parameters": items })))
}

fn parameter_missing(name: &str) -> Resp {
    fault::resource_not_found(name)
}

fn show_parameter(world: &mut Inner, v: &str, name: &str) -> Result<Resp, Resp> {
    known_version(world, v)?;
    let live = parameters(world, v);
    let p = live
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| parameter_missing(name))?;
    Ok(ok(parameter_view(p)))
}

/// Validates `{"configuration-parameter": {name, data_type, min_size, max_size,
/// restart_required}}`, as Trove's `_validate_data_type` does.
fn parameter_spec(req: &Req<'_>, v: &str) -> Result<Parameter, Resp> {
    let body = req.ctx.json_body()?;
    let obj = body
        .get("configuration-parameter")
        .and_then(Value::as_object)
        .ok_or_else(|| fault::bad_request("Invalid request body."))?;
    let name = schema::required(obj, "name", "configuration-parameter")?;
    let name = schema::string(name, "configuration-parameter['name']")?.to_owned();
    let restart = schema::required(obj, "restart_required", "configuration-parameter")?;
    let restart_required =
        schema::boolean_string(restart, "configuration-parameter['restart_required']")?;
    let data_type = obj
        .get("data_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !["integer", "string", "boolean", "float"].contains(&data_type) {
        return Err(fault::bad_request(&format!(
            "Invalid or unsupported type defined in the configuration-parameter: {data_type}."
        )));
    }
    let bound = |k: &str| obj.get(k).and_then(Value::as_i64);
    let (min, max) = (bound("min_size"), bound("max_size"));
    if data_type == "integer" && (min.is_none() || max.is_none()) {
        return Err(fault::bad_request(
            "min_size and max_size are required for an integer configuration-parameter.",
        ));
    }
    Ok(Parameter {
        name,
        version_id: v.to_owned(),
        data_type: data_type.to_owned(),
        min,
        max,
        restart_required,
        deleted_at: None,
    })
}

fn create_parameter(req: &Req<'_>, world: &mut Inner, v: &str) -> Result<Resp, Resp> {
    known_version(world, v)?;
    let p = parameter_spec(req, v)?;
    if parameters(world, v).iter().any(|q| q.name == p.name) {
        return Err(fault::bad_request(&format!(
            "{} parameter already exists for datastore version {v}.",
            p.name
        )));
    }
    Ok(store_parameter(world, v, p))
}

/// Records `p` as an admin change of version `v`'s parameters and answers with its view.
fn store_parameter(world: &mut Inner, v: &str, p: Parameter) -> Resp {
    let view = parameter_view(&p);
    world
        .mgmt
        .parameters
        .insert((v.to_owned(), p.name.clone()), p);
    ok(view)
}

fn update_parameter(req: &Req<'_>, world: &mut Inner, v: &str, name: &str) -> Result<Resp, Resp> {
    known_version(world, v)?;
    if !parameters(world, v).iter().any(|q| q.name == name) {
        return Err(parameter_missing(name));
    }
    let mut p = parameter_spec(req, v)?;
    p.name = name.to_owned();
    Ok(store_parameter(world, v, p))
}

/// Deletes without checking the version: Trove looks the parameter up directly, so any miss
/// is its 400 "does not exist".
fn delete_parameter(req: &Req<'_>, world: &mut Inner, v: &str, name: &str) -> Result<Resp, Resp> {
    let Some(mut p) = parameters(world, v).into_iter().find(|q| q.name == name) else {
        return Err(fault::bad_request(&format!(
            "Parameter {name} does not exist in the database."
        )));
    };
    p.deleted_at = Some(req.now);
    world
        .mgmt
        .parameters
        .insert((v.to_owned(), p.name.clone()), p);
    Ok(empty(StatusCode::NO_CONTENT))
}

fn version_view(v: &DsVersion) -> Value {
    json!({
        "id": v.id,
        "name": v.name,
        "datastore_id": if v.datastore_name == datastores::DATASTORE_TYPE {
            datastores::DATASTORE_ID.to_owned()
        } else {
            format!("ds-{}", v.datastore_name)
        },
        "datastore_name": v.datastore_name,
        "datastore_manager": v.manager,
        "image": v.image,
        "image_tags": v.image_tags,
        "packages": v.packages,
        "active": v.active,
        "registry_ext": v.registry_ext,
        "repl_strategy": v.repl_strategy,
        "default": v.default,
        "version": v.version,
    })
}

/// A string field of a version body, when present.
fn text(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn create_version(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(schema::envelope(&body, "version")?, "version")?;
    let field = |k: &str| -> Result<String, Resp> {
        let v = schema::required(obj, k, "version")?;
        Ok(schema::non_empty_string(v, &format!("version['{k}']"))?.to_owned())
    };
    let (ds, manager, name) = (
        field("datastore_name")?,
        field("datastore_manager")?,
        field("name")?,
    );
    let active = schema::required(obj, "active", "version")?
        .as_bool()
        .unwrap_or(false);
    let image = obj.get("image").and_then(Value::as_str).map(str::to_owned);
    let image_tags: Vec<String> = obj
        .get("image_tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    // trove/extensions/mgmt/datastores/service.py DatastoreVersionController.create
    if image.is_none() && image_tags.is_empty() {
        return Err(fault::bad_request("Image must be specified."));
    }
    let version = obj
        .get("version")
        .and_then(Value::as_str)
        .map_or_else(|| name.clone(), str::to_owned);
    let table = versions(world);
    if table
        .values()
        .any(|v| v.datastore_name == ds && v.name == name && v.version == version)
    {
        return Err(fault::bad_request(&format!(
            "A datastore version with the name '{name}' already exists."
        )));
    }
    let default = obj.get("default").and_then(Value::as_bool).unwrap_or(false);
    if default {
        for v in table.values_mut().filter(|v| v.datastore_name == ds) {
            v.default = false;
        }
    }
    let new = DsVersion {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        datastore_name: ds,
        image,
        image_tags,
        packages: obj.get("packages").cloned().unwrap_or_else(|| json!("")),
        active,
        default,
        version,
        registry_ext: text(obj, "registry_ext")
            .or_else(|| manager_defaults(&manager).0.map(str::to_owned)),
        repl_strategy: text(obj, "repl_strategy")
            .or_else(|| manager_defaults(&manager).1.map(str::to_owned)),
        manager,
    };
    table.insert(new.id.clone(), new);
    Ok(empty(StatusCode::ACCEPTED))
}

fn edit_version(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(&body, "body")?.clone();
    let table = versions(world);
    let ds = table
        .get(id)
        .map(|v| v.datastore_name.clone())
        .ok_or_else(|| datastores::version_missing(id))?;
    if obj.get("default").and_then(Value::as_bool) == Some(true) {
        for v in table.values_mut().filter(|v| v.datastore_name == ds) {
            v.default = false;
        }
    }
    let v = table
        .get_mut(id)
        .ok_or_else(|| datastores::version_missing(id))?;
    if let Some(n) = obj.get("name").and_then(Value::as_str) {
        v.name = n.to_owned();
    }
    if let Some(m) = obj.get("datastore_manager").and_then(Value::as_str) {
        v.manager = m.to_owned();
    }
    if let Some(i) = obj.get("image") {
        v.image = i.as_str().map(str::to_owned);
    }
    if let Some(tags) = obj.get("image_tags").and_then(Value::as_array) {
        v.image_tags = tags
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    if let Some(a) = obj.get("active").and_then(Value::as_bool) {
        v.active = a;
    }
    if let Some(d) = obj.get("default").and_then(Value::as_bool) {
        v.default = d;
    }
    if let Some(p) = obj.get("packages") {
        v.packages = p.clone();
    }
    if let Some(r) = text(&obj, "registry_ext") {
        v.registry_ext = Some(r);
    }
    if let Some(r) = text(&obj, "repl_strategy") {
        v.repl_strategy = Some(r);
    }
    Ok(empty(StatusCode::ACCEPTED))
}
