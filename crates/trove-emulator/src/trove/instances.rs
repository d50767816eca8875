//! Instances: list (summary and detail), create (with configuration, modules and replicas),
//! show, update (rename, access, configuration attach/detach, replica detach, datastore
//! upgrade), delete, actions (restart, resizes, replica promote/eject, reset status) and the
//! default configuration, with the BUILD -> ACTIVE, REBOOT, RESIZE, UPGRADE, PROMOTE, DETACH and
//! SHUTDOWN -> gone lifecycles.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::{backups, configurations, datastores, flavors, mgmt, modules, pagination, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::{DbUser, Inner, Instance, InstanceFault, InstanceTask, Started};

/// Fake mode reports the same disk usage for every ready instance.
const USED_GB: f64 = 0.16;

/// Which instance view to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// `GET instances`: no timestamps, no `version_number`, no `volume.used`.
    Summary,
    /// `GET instances/detail`: timestamps, but no `volume.used`.
    DetailList,
    /// Show: everything.
    Show,
    /// The create answer: as show, but rendered before Nova and Cinder made the server and
    /// volume, so an admin sees `server_id` and `volume_id` as null.
    Created,
}

/// The `[mysqld]` section of Trove's mysql `config.template` for a flavor with `ram` MB, in
/// template order: what `GET instances/{id}/configuration` reports. Sizes scale with the RAM
/// as the template's `(n * flavor['ram']/512)|int` does.
fn default_configuration(ram: u32, server_id: u32) -> Vec<(&'static str, String)> {
    let scaled = |n: u64| (n * u64::from(ram) / 512).to_string();
    vec![
        ("port", "3306".into()),
        ("basedir", "/usr".into()),
        ("datadir", "/var/lib/mysql/data".into()),
        ("secure-file-priv", "NULL".into()),
        ("tmpdir", "/var/tmp".into()),
        ("pid-file", "/var/run/mysqld/mysqld.pid".into()),
        ("socket", "/var/run/mysqld/mysqld.sock".into()),
        (
            "default_authentication_plugin",
            "mysql_native_password".into(),
        ),
        ("skip-external-locking", "1".into()),
        ("key_buffer_size", format!("{}M", scaled(50))),
        ("max_allowed_packet", format!("{}K", scaled(1024))),
        ("thread_stack", "192K".into()),
        ("thread_cache_size", scaled(4)),
        ("myisam-recover-options", "BACKUP,FORCE".into()),
        ("innodb_data_file_path", "ibdata1:10M:autoextend".into()),
        ("innodb_buffer_pool_size", format!("{}M", scaled(150))),
        ("innodb_file_per_table", "1".into()),
        ("innodb_log_files_in_group", "2".into()),
        ("innodb_log_file_size", "50M".into()),
        ("innodb_log_buffer_size", "25M".into()),
        ("connect_timeout", "15".into()),
        ("wait_timeout", "120".into()),
        ("join_buffer_size", "1M".into()),
        ("read_buffer_size", "512K".into()),
        ("read_rnd_buffer_size", "512K".into()),
        ("sort_buffer_size", "1M".into()),
        ("tmp_table_size", format!("{}M", scaled(16))),
        ("max_heap_table_size", format!("{}M", scaled(16))),
        ("table_open_cache", scaled(256)),
        ("table_definition_cache", scaled(256)),
        ("open_files_limit", scaled(512)),
        ("max_user_connections", scaled(100)),
        ("max_connections", scaled(100)),
        ("default_storage_engine", "innodb".into()),
        ("local-infile", "0".into()),
        ("server_id", server_id.to_string()),
        ("performance_schema", "ON".into()),
    ]
}

/// A positive 31-bit number derived from the instance id, as the template's `server_id` is
/// (Trove hashes the id; any stable hash will do).
fn server_id(instance_id: &str) -> u32 {
    let digest = super::modules::md5_hex(instance_id.as_bytes());
    u32::from_str_radix(&digest[..8], 16).unwrap_or(1) & 0x7fff_ffff
}

/// Returns `(id, name)` of the configuration group attached to instance `id`.
fn attached_configuration(world: &Inner, id: &str) -> Option<(String, String)> {
    world
        .configurations
        .values()
        .find(|c| c.instances.contains(id))
        .map(|c| (c.id.clone(), c.name.clone()))
}

/// Renders the summary view of `GET instances`, which other lists (a module's instances) reuse.
pub(crate) fn summary(req: &Req<'_>, world: &Inner, inst: &Instance) -> Value {
    render(req, world, inst, View::Summary)
}

/// The Nova server id of an instance, as the admin views show it.
pub(crate) fn server_uuid(instance_id: &str) -> String {
    instance_id.to_owned()
}

/// The Cinder volume id of an instance, as the admin views show it.
pub(crate) fn volume_uuid(instance_id: &str) -> String {
    format!("vol-{instance_id}")
}

/// The status an instance shows (trove/instance/models.py `SimpleInstance.status`): a task's
/// status first, then BACKUP while a backup of it runs, then the server's.
pub(crate) fn shown_status(world: &Inner, inst: &Instance) -> &'static str {
    if inst.is_ready() && backups::running_for(world, &inst.id) {
        "BACKUP"
    } else {
        inst.status
    }
}

/// The fields every instance view starts with (trove/instance/views.py `InstanceView.data`
/// and the admin view built on it), with the fields of the object `more` on top.
pub(crate) fn view_of(req: &Req<'_>, world: &Inner, inst: &Instance, more: Value) -> Value {
    let mut v = json!({
        "id": inst.id,
        "name": inst.name,
        "status": shown_status(world, inst),
        "operating_status": inst.operating_status,
        "links": req.links(&format!("instances/{}", inst.id)),
        "flavor": {"id": inst.flavor_id, "links": req.links(&format!("flavors/{}", inst.flavor_id))},
        "region": "RegionOne",
        "access": inst.access,
    });
    if let Value::Object(more) = more {
        for (key, value) in more {
            v[key] = value;
        }
    }
    v
}

/// The `fault` of a detailed instance view: the last task's failure.
pub(crate) fn fault_view(world: &Inner, f: &InstanceFault) -> Value {
    json!({"message": f.message, "created": world.clock.trove(f.created), "details": null})
}

fn render(req: &Req<'_>, world: &Inner, inst: &Instance, view: View) -> Value {
    let admin = mgmt::is_admin(req);
    let mut datastore =
        json!({"type": datastores::DATASTORE_TYPE, "version": datastores::VERSION_NAME});
    let mut volume = json!({"size": inst.volume_size});
    let mut v = view_of(req, world, inst, Value::Null);
    if let Some(source) = &inst.replica_of {
        v["replica_of"] = json!({"id": source, "links": req.links(&format!("instances/{source}"))});
    }
    if view != View::Summary {
        if let Some((cid, cname)) = attached_configuration(world, &inst.id) {
            v["configuration"] = json!({
                "id": cid,
                "name": cname,
                "links": req.links(&format!("configurations/{cid}")),
            });
        }
        let replicas: Vec<Value> = world
            .instances
            .values()
            .filter(|r| r.replica_of.as_deref() == Some(inst.id.as_str()))
            .map(|r| json!({"id": r.id, "links": req.links(&format!("instances/{}", r.id))}))
            .collect();
        if !replicas.is_empty() {
            v["replicas"] = Value::Array(replicas);
        }
        datastore["version_number"] = json!(datastores::VERSION_NAME);
        if view == View::Show && inst.status == "ACTIVE" {
            volume["used"] = json!(USED_GB);
        }
        v["created"] = json!(world.clock.trove(inst.created));
        v["updated"] = json!(world.clock.trove(inst.updated));
        v["service_status_updated"] = json!(world.clock.trove(inst.service_status_updated));
        if let Some(f) = &inst.fault {
            v["fault"] = fault_view(world, f);
        }
    }
    if admin {
        v["tenant_id"] = json!(inst.tenant);
        if view != View::Summary {
            let made = view != View::Created;
            v["server_id"] = if made {
                json!(server_uuid(&inst.id))
            } else {
                Value::Null
            };
            v["volume_id"] = if made {
                json!(volume_uuid(&inst.id))
            } else {
                Value::Null
            };
            // Trove's `enable_secure_rpc_messaging` defaults to true, so every instance gets a key.
            v["encrypted_rpc_messaging"] = json!(true);
        }
    }
    v["datastore"] = datastore;
    v["volume"] = volume;
    v
}

/// Routes `instances`, `instances/detail`, `instances/{id}` and `instances/{id}/action`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    Some(match path {
        ["instances"] if m == Method::GET => list(req, world, View::Summary),
        ["instances"] if m == Method::POST => create(req, world),
        ["instances", "detail"] if m == Method::GET => list(req, world, View::DetailList),
        ["instances", id] if m == Method::GET => show(req, world, id),
        ["instances", id] if m == Method::PUT || m == Method::PATCH => update(req, world, id),
        ["instances", id] if m == Method::DELETE => delete(req, world, id),
        ["instances", id, "action"] if m == Method::POST => action(req, world, id),
        ["instances", id, "configuration"] if m == Method::GET => configuration(req, world, id),
        _ => return None,
    })
}

/// An error Trove raises inside one of its instance notifications (restart, resize, delete,
/// configuration attach and detach, replica promote/eject/detach, upgrade): besides the error
/// answer, Trove stores its message as the instance's fault, shown until the next one.
struct Refusal {
    answer: fn(&str) -> Resp,
    message: String,
}

impl Refusal {
    fn bad_request(message: String) -> Self {
        Self {
            answer: fault::bad_request,
            message,
        }
    }

    fn unprocessable(message: String) -> Self {
        Self {
            answer: fault::unprocessable,
            message,
        }
    }

    fn not_found(message: String) -> Self {
        Self {
            answer: fault::not_found,
            message,
        }
    }

    fn over_limit(message: String) -> Self {
        Self {
            answer: fault::over_limit,
            message,
        }
    }

    /// Records the fault on instance `id` and returns the error answer.
    fn answer(self, world: &mut Inner, id: &str, now: tokio::time::Instant) -> Resp {
        if let Some(inst) = world.instances.get_mut(id) {
            inst.fault = Some(InstanceFault {
                message: fault::instance_fault_message(&self.message),
                created: now,
            });
        }
        (self.answer)(&self.message)
    }
}

/// Lists a page: cut in id order, shown newest first (so the marker is not the last shown id).
fn list(req: &Req<'_>, world: &Inner, view: View) -> Resp {
    let limit = match pagination::db_limit(req) {
        Ok(l) => l,
        Err(e) => return e,
    };
    // The map is keyed by id, the order Trove cuts pages in, so a page is a range scan from the
    // marker: listing stays proportional to the page, not to every instance of the world. The
    // marker is compared, not looked up (trove/db/sqlalchemy/api.py `_limits`: `id > marker`),
    // so one that is no id of the tenant still starts the page after it; an empty one is falsy.
    let start = match req.ctx.query("marker").filter(|m| !m.is_empty()) {
        Some(m) => Bound::Excluded(m),
        None => Bound::Unbounded,
    };
    let rows: Vec<&Instance> = world
        .instances
        .range::<str, _>((start, Bound::Unbounded))
        .map(|(_, i)| i)
        .filter(|i| i.tenant == req.tenant)
        .take(limit.saturating_add(1))
        .collect();
    let (mut page, next) = match pagination::paginated_collection(rows, limit, |i| i.id.clone()) {
        Ok(cut) => cut,
        Err(e) => return e,
    };
    page.sort_by_key(|i| std::cmp::Reverse(i.seq));
    let items = page
        .into_iter()
        .map(|i| render(req, world, i, view))
        .collect();
    json(
        StatusCode::OK,
        &pagination::body(req, "instances", items, next),
    )
}

fn show(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(inst) = world.instance(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    let body = json!({"instance": render(req, world, inst, View::Show)});
    if let Some(p) = world
        .instance_mut(&req.tenant, id)
        .and_then(|i| i.pending.as_mut())
    {
        p.count_show();
    }
    json(StatusCode::OK, &body)
}

/// A validated create request.
struct NewInstance {
    name: String,
    /// `None` when the body has no `flavorRef`, as a replica create must.
    flavor_ref: Option<Value>,
    volume: Option<u64>,
    databases: BTreeSet<String>,
    users: BTreeMap<(String, String), DbUser>,
    datastore: Option<(Option<String>, Option<String>)>,
    /// True when `datastore` is a non-empty object (Python's truthiness, as Trove tests it).
    datastore_given: bool,
    /// True when `locality` is truthy.
    locality_given: bool,
    /// True when the (single) nic names a fixed IP address.
    nic_ip_given: bool,
    replica_count: Option<u64>,
    access: Value,
    configuration: Option<String>,
    modules: Vec<String>,
    replica_of: Option<String>,
}

/// Python's truthiness of a JSON value, which Trove's controller tests options with.
pub(super) fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::Bool(true)) => true,
    }
}

/// Validates what Trove's JSON schema checks, with its messages.
fn validate_create(body: &Value) -> Result<NewInstance, Resp> {
    let inst = schema::object(schema::envelope(body, "instance")?, "instance")?;
    let name = schema::required(inst, "name", "instance")?;
    let name = schema::non_empty_string(name, "instance['name']")?.to_owned();
    // The schema lets `flavorRef` out: a replica takes its source's flavor.
    let flavor_ref = inst.get("flavorRef").cloned();
    if let Some(flavor_ref) = &flavor_ref {
        if !(flavor_ref.is_i64() || flavor_ref.as_str().is_some_and(|s| !s.is_empty())) {
            return Err(fault::validation(
                "instance['flavorRef']",
                &format!(
                    "{} is not valid under any of the given schemas",
                    schema::pyrepr(flavor_ref)
                ),
            ));
        }
    }
    let volume = match inst.get("volume") {
        None => None,
        Some(v) => {
            let vol = schema::object(v, "instance['volume']")?;
            let size = schema::required(vol, "size", "instance['volume']")?;
            Some(schema::volume_size(size, "instance['volume']['size']")?)
        }
    };
    let databases = match inst.get("databases") {
        None => BTreeSet::new(),
        Some(v) => super::databases::validate_list(v, "instance['databases']")?,
    };
    let users = match inst.get("users") {
        None => BTreeMap::new(),
        Some(v) => super::users::validate_new(v, "instance['users']")?,
    };
    let datastore = match inst.get("datastore") {
        None => None,
        Some(v) => {
            let ds = schema::object(v, "instance['datastore']")?;
            let field = |k: &str| -> Result<Option<String>, Resp> {
                ds.get(k)
                    .map(|v| schema::non_empty_string(v, &format!("instance['datastore']['{k}']")))
                    .transpose()
                    .map(|o| o.map(str::to_owned))
            };
            Some((field("type")?, field("version")?))
        }
    };
    let access = match inst.get("access") {
        Some(Value::Object(a)) => Value::Object(a.clone()),
        _ => json!({}),
    };
    let configuration = match inst.get("configuration") {
        None | Some(Value::Null) => None,
        Some(v) => Some(schema::string(v, "instance['configuration']")?.to_owned()),
    };
    let replica_of = match inst.get("replica_of") {
        None | Some(Value::Null) => None,
        Some(v) => Some(schema::string(v, "instance['replica_of']")?.to_owned()),
    };
    let mut module_ids = Vec::new();
    if let Some(v) = inst.get("modules") {
        for (i, m) in schema::array(v, "instance['modules']")?.iter().enumerate() {
            let p = format!("instance['modules'][{i}]");
            let obj = schema::object(m, &p)?;
            let id = schema::required(obj, "id", &p)?;
            module_ids.push(schema::string(id, &format!("{p}['id']"))?.to_owned());
        }
    }
    let nic_ip_given = inst
        .get("nics")
        .and_then(Value::as_array)
        .and_then(|n| n.first())
        .is_some_and(|nic| truthy(nic.get("ip_address")));
    Ok(NewInstance {
        name,
        flavor_ref,
        volume,
        databases,
        users,
        datastore,
        datastore_given: truthy(inst.get("datastore")),
        locality_given: truthy(inst.get("locality")),
        nic_ip_given,
        replica_count: inst.get("replica_count").and_then(Value::as_u64),
        access,
        configuration,
        modules: module_ids,
        replica_of,
    })
}

/// The options a replica create may not carry, in the order Trove's controller tests them,
/// with its messages (`trove/instance/service.py`, `create()`).
fn refuse_replica_options(new: &NewInstance) -> Result<(), Resp> {
    let refused = [
        (new.flavor_ref.is_some(), "flavor"),
        (new.datastore_given, "datastore"),
        (new.volume.is_some(), "volume"),
        (new.locality_given, "locality"),
    ];
    match refused.iter().find(|(given, _)| *given) {
        Some((_, what)) => Err(fault::bad_request(&format!(
            "Cannot specify {what} when creating replicas."
        ))),
        None => Ok(()),
    }
}

/// What a replica takes from its source: flavor, volume size and (unless the request names
/// one) configuration group. Checks the source as Trove does: it must exist, must not be a
/// replica itself and must be able to take an action.
fn replica_source(
    req: &Req<'_>,
    world: &Inner,
    new: &NewInstance,
    source: &str,
) -> Result<(String, u64, Option<String>), Resp> {
    let Some(src) = world.instance(&req.tenant, source) else {
        return Err(fault::resource_not_found(source));
    };
    if src.replica_of.is_some() {
        // Trove raises `Forbidden`, which its controllers map to 401.
        return Err(fault::fault(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            &format!("Cannot create a replica of a replica {source}"),
        ));
    }
    if !new.databases.is_empty() || !new.users.is_empty() {
        return Err(fault::bad_request(
            "Cannot create a replica with users or databases.",
        ));
    }
    if new.nic_ip_given {
        return Err(fault::bad_request(
            "Cannot specify IP address when creating replicas.",
        ));
    }
    if !src.is_ready() || backups::running_for(world, source) {
        let (kind, status) = if src.status != "ACTIVE" {
            ("instance", src.status)
        } else if src.pending.is_some() {
            ("task", src.status)
        } else {
            ("instance", "BACKUP")
        };
        return Err(fault::unprocessable(&super::not_available(
            source, kind, status,
        )));
    }
    let configuration = attached_configuration(world, source).map(|(id, _)| id);
    Ok((src.flavor_id.clone(), src.volume_size, configuration))
}

fn create(req: &Req<'_>, world: &mut Inner) -> Resp {
    let mut new = match req.ctx.json_body().and_then(|b| validate_create(&b)) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let inherited = match new.replica_of.as_deref() {
        Some(source) => {
            if let Err(e) = refuse_replica_options(&new) {
                return e;
            }
            match replica_source(req, world, &new, source) {
                Ok(inherited) => Some(inherited),
                Err(e) => return e,
            }
        }
        None => {
            if let Some(n) = new.replica_count.filter(|n| *n > 1) {
                return fault::bad_request(&format!(
                    "Replica count only valid when creating replicas. Cannot create {n} \
                     instances."
                ));
            }
            None
        }
    };
    let (flavor_id, size) = match inherited {
        Some((flavor, size, configuration)) => {
            if new.configuration.is_none() {
                new.configuration = configuration;
            }
            (flavor, size)
        }
        None => {
            let flavor_ref = new.flavor_ref.clone().unwrap_or(Value::Null);
            let flavor_id = flavors::resolve_ref(&flavor_ref).unwrap_or_default();
            if flavors::find(&flavor_id).is_none() {
                // Trove formats a missing `flavorRef` as Python's `None`.
                let raw = match &flavor_ref {
                    Value::Null => "None".to_owned(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                return fault::bad_request(&format!("Resource {raw} cannot be found."));
            }
            if let Some((ds_type, ds_version)) = &new.datastore {
                if let Some(t) = ds_type
                    .as_deref()
                    .filter(|t| !datastores::find_datastore(t))
                {
                    return fault::not_found(&format!("Datastore '{t}' cannot be found."));
                }
                if let Some(v) = ds_version
                    .as_deref()
                    .filter(|v| !datastores::find_version(v))
                {
                    return datastores::version_missing(v);
                }
            }
            let Some(size) = new.volume else {
                return fault::bad_request("Volume size was not specified.");
            };
            (flavor_id, size)
        }
    };
    if let Some(cfg) = new.configuration.as_deref() {
        if let Err(e) = configurations::find(world, &req.tenant, cfg) {
            return e;
        }
    }
    if size > req.cfg.max_volume_size {
        return too_big(req, size);
    }
    // A replica create with `replica_count` N makes N replicas named `<name>-1`..`<name>-N`
    // and answers with the last one made, as Trove's `Instance.create` does.
    let count = match (&new.replica_of, new.replica_count) {
        (Some(_), Some(n)) if n > 1 => n,
        _ => 1,
    };
    let mut made = Vec::new();
    for index in 1..=count {
        let name = if count > 1 {
            format!("{}-{index}", new.name)
        } else {
            new.name.clone()
        };
        match create_one(req, world, &new, name, &flavor_id, size) {
            Ok(id) => made.push(id),
            Err(e) => return e,
        }
    }
    let last = made.last().cloned();
    if let Some(source) = new.replica_of.as_deref() {
        backups::take_replication_snapshot(req, world, source, made);
    }
    let Some(inst) = last.and_then(|id| world.instances.get(&id)) else {
        return fault::internal_error();
    };
    let body = json!({"instance": render(req, world, inst, View::Created)});
    json(StatusCode::OK, &body)
}

/// Makes one instance of a validated create request; returns its id.
fn create_one(
    req: &Req<'_>,
    world: &mut Inner,
    new: &NewInstance,
    name: String,
    flavor_id: &str,
    size: u64,
) -> Result<String, Resp> {
    let now = req.now;
    let seq = world.next_seq();
    let mut inst = Instance {
        status: "BUILD",
        operating_status: "",
        flavor_id: flavor_id.to_owned(),
        volume_size: size,
        access: new.access.clone(),
        databases: new.databases.clone(),
        users: new.users.clone(),
        replica_of: new.replica_of.clone(),
        ..Instance::ready(
            uuid::Uuid::new_v4().to_string(),
            req.tenant.clone(),
            seq,
            name,
            now,
        )
    };
    let started = inst.start(InstanceTask::Build, "BUILD", now, req.cfg.build);
    let id = inst.id.clone();
    world.instances.insert(id.clone(), inst);
    world.track(started);
    if let Some(cfg) = new.configuration.as_deref() {
        configurations::attach(world, &req.tenant, cfg, &id)?;
    }
    // Trove loads the modules by id and silently skips those the tenant cannot see.
    let visible: Vec<&String> = new
        .modules
        .iter()
        .filter(|m| {
            world
                .modules
                .get(m.as_str())
                .is_some_and(|m| m.tenant.is_none() || m.tenant.as_deref() == Some(&req.tenant))
        })
        .collect();
    for m in visible {
        modules::record_apply(world, m, &id);
    }
    Ok(id)
}

fn too_big(req: &Req<'_>, size: u64) -> Resp {
    fault::over_limit(&too_big_message(req, size))
}

fn too_big_message(req: &Req<'_>, size: u64) -> String {
    format!(
        "Volume 'size' cannot exceed maximum of {} GB, {size} cannot be accepted.",
        req.cfg.max_volume_size
    )
}

/// PUT/PATCH: rename, access, (no-op) configuration detach, replica detach, datastore version.
fn update(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let body = match req.ctx.json_body() {
        Ok(b) => b,
        Err(e) => return e,
    };
    let fields =
        match schema::envelope(&body, "instance").and_then(|v| schema::object(v, "instance")) {
            Ok(f) => f.clone(),
            Err(e) => return e,
        };
    // `PATCH` is validated against Trove's `instance:edit` schema, which has no `access`
    // (trove/common/apischema.py); `PUT` (`instance:update`) has it but no `slave_of`.
    let allowed: &[&str] = if req.ctx.method == Method::PATCH {
        &[
            "slave_of",
            "replica_of",
            "name",
            "configuration",
            "datastore_version",
        ]
    } else {
        &[
            "name",
            "replica_of",
            "configuration",
            "datastore_version",
            "access",
        ]
    };
    let unexpected: Vec<String> = fields
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| format!("'{k}'"))
        .collect();
    if !unexpected.is_empty() {
        let verb = if unexpected.len() == 1 { "was" } else { "were" };
        return fault::validation(
            "instance",
            &format!(
                "Additional properties are not allowed ({} {verb} unexpected)",
                unexpected.join(", ")
            ),
        );
    }
    let name = match fields
        .get("name")
        .map(|n| schema::non_empty_string(n, "instance['name']"))
    {
        Some(Err(e)) => return e,
        Some(Ok(n)) => Some(n.to_owned()),
        None => None,
    };
    // Checked before the instance is looked up, as Trove does.
    if fields.len() - usize::from(name.is_some()) > 1 {
        return fault::bad_request("Only one attribute (except 'name') is allowed to update.");
    }
    let Some(inst) = world.instance(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    let ready = inst.is_ready();
    let detach_replica = fields.contains_key("replica_of") || fields.contains_key("slave_of");
    // Of these changes only a replica detach asks `validate_can_perform_action`, which a
    // running backup fails; attaching or detaching a group and upgrading do not
    // (trove/instance/models.py `detach_replica`, `_validate_can_perform_assign`, `upgrade`).
    let busy_with_backup = detach_replica && backups::running_for(world, id);
    if detach_replica && inst.replica_of.is_none() {
        return Refusal::bad_request(format!("Instance {id} is not a replica."))
            .answer(world, id, req.now);
    }
    let upgrade = match fields.get("datastore_version") {
        None => None,
        Some(v) => match schema::non_empty_string(v, "instance['datastore_version']") {
            Ok(v) if datastores::find_version(v) => Some(v.to_owned()),
            Ok(v) => return datastores::version_missing(v),
            Err(e) => return e,
        },
    };
    let configuration = match fields.get("configuration") {
        // Trove reads an empty body as "detach the configuration group".
        None if fields.is_empty() => Some(None),
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match schema::string(v, "instance['configuration']") {
            Ok(c) => Some(Some(c.to_owned())),
            Err(e) => return e,
        },
    };
    if (detach_replica || upgrade.is_some() || configuration.is_some()) && !ready {
        return Refusal::unprocessable(format!("Instance {id} is not ready."))
            .answer(world, id, req.now);
    }
    if ready && busy_with_backup {
        return Refusal::unprocessable(super::busy_with_backup(id)).answer(world, id, req.now);
    }
    match &configuration {
        Some(Some(cfg)) => {
            if let Some((current, _)) = attached_configuration(world, id) {
                return Refusal::bad_request(format!(
                    "Instance {id} already has a Configuration Group attached: {current}."
                ))
                .answer(world, id, req.now);
            }
            if configurations::find_to_attach(world, &req.tenant, cfg).is_err() {
                return Refusal::not_found(format!(
                    "Configuration group id: {cfg} could not be found."
                ))
                .answer(world, id, req.now);
            }
            if let Err(e) = configurations::attach(world, &req.tenant, cfg, id) {
                return e;
            }
        }
        Some(None) => configurations::detach(world, id),
        None => {}
    }
    let Some(inst) = world.instance_mut(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    if let Some(n) = name {
        inst.name = n;
    }
    if let Some(Value::Object(a)) = fields.get("access") {
        inst.access = Value::Object(a.clone());
    }
    inst.updated = req.now;
    let started = if detach_replica {
        inst.replica_of = None;
        Some(inst.start(InstanceTask::Restart, "DETACH", req.now, req.cfg.restart))
    } else if upgrade.is_some() {
        Some(inst.start(InstanceTask::Restart, "UPGRADE", req.now, req.cfg.resize))
    } else {
        None
    };
    if let Some(started) = started {
        world.track(started);
    }
    empty(StatusCode::ACCEPTED)
}

/// `GET instances/{id}/configuration`: the default template rendered for the instance's
/// flavor. An attached group does not show here: Trove renders the template, not the guest's
/// live values.
fn configuration(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    if let Err(e) = super::ready_instance(req, world, id) {
        return e;
    }
    let Some(inst) = world.instance(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    let ram = flavors::ram(&inst.flavor_id).unwrap_or(512);
    let mut values = Map::new();
    for (k, v) in default_configuration(ram, server_id(id)) {
        // Trove's view turns numeric values into numbers and leaves the rest as strings.
        let value = v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n));
        values.insert(k.to_owned(), value);
    }
    json(
        StatusCode::OK,
        &json!({"instance": {"configuration": Value::Object(values)}}),
    )
}

fn delete(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(inst) = world.instance_mut(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    if inst.status == "BUILD" {
        return Refusal::unprocessable(format!("Instance {id} is not ready. (Status is BUILD)."))
            .answer(world, id, req.now);
    }
    // Trove's `Instance.delete()` refuses a source while any replica row is not yet deleted,
    // and a replica being deleted still has its row until the delete completes.
    if world
        .instances
        .values()
        .any(|r| r.replica_of.as_deref() == Some(id))
    {
        return fault::fault(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Detach replicas before deleting replica source.",
        );
    }
    let Some(inst) = world.instance_mut(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    let deleting = matches!(
        inst.pending.as_ref().map(|p| &p.task),
        Some(InstanceTask::Delete)
    );
    if !deleting {
        inst.operating_status = "";
        let started = inst.start(InstanceTask::Delete, "SHUTDOWN", req.now, req.cfg.delete);
        world.track(started);
    }
    empty(StatusCode::ACCEPTED)
}

/// The action names Trove's `_action_*` map knows, in the order it tries them.
const ACTIONS: &[&str] = &[
    "restart",
    "resize",
    "reset_status",
    "promote_to_replica_source",
    "eject_replica_source",
];

fn action(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let body = match req.ctx.json_body() {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(obj) = body.as_object() else {
        return fault::internal_error();
    };
    let Some((name, arg)) = ACTIONS.iter().find_map(|a| obj.get(*a).map(|v| (*a, v))) else {
        // Trove has no handler for it and fails with an unhandled error.
        return fault::internal_error();
    };
    if let Err(e) = validate_action(name, arg) {
        return e;
    }
    let backup_running = backups::running_for(world, id);
    let Some(inst) = world.instance_mut(&req.tenant, id) else {
        return fault::resource_not_found(id);
    };
    if name == "reset_status" {
        // Real Trove clears the task and lets the guest heartbeat restore the status; with no
        // guest here, the instance is ACTIVE again straight away.
        if !matches!(
            inst.pending.as_ref().map(|p| &p.task),
            Some(InstanceTask::Delete)
        ) {
            inst.pending = None;
            inst.status = "ACTIVE";
            inst.operating_status = "HEALTHY";
            inst.updated = req.now;
        }
        return empty(StatusCode::ACCEPTED);
    }
    if !inst.is_ready() {
        return Refusal::unprocessable(format!("Instance {id} is not ready."))
            .answer(world, id, req.now);
    }
    if backup_running {
        return Refusal::unprocessable(super::busy_with_backup(id)).answer(world, id, req.now);
    }
    let started = match name {
        "restart" => inst.start(InstanceTask::Restart, "REBOOT", req.now, req.cfg.restart),
        "resize" => {
            let arg = arg.as_object().cloned().unwrap_or_default();
            match resize(req, inst, &arg) {
                Ok(started) => started,
                Err(refusal) => return refusal.answer(world, id, req.now),
            }
        }
        "promote_to_replica_source" => return promote(req, world, id),
        _ => return eject(world, id).answer(world, id, req.now),
    };
    world.track(started);
    empty(StatusCode::ACCEPTED)
}

/// Makes replica `id` the source: the old source and the other replicas now replicate from it.
fn promote(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(source) = world
        .instance(&req.tenant, id)
        .and_then(|i| i.replica_of.clone())
    else {
        return Refusal::bad_request(format!("Instance {id} is not a replica."))
            .answer(world, id, req.now);
    };
    for other in world.instances.values_mut() {
        if other.id == source || other.replica_of.as_deref() == Some(source.as_str()) {
            other.replica_of = Some(id.to_owned());
        }
    }
    if let Some(inst) = world.instance_mut(&req.tenant, id) {
        inst.replica_of = None;
        let started = inst.start(InstanceTask::Restart, "PROMOTE", req.now, req.cfg.restart);
        world.track(started);
    }
    empty(StatusCode::ACCEPTED)
}

/// Ejects source `id`; its guest always has a current heartbeat here, so Trove refuses.
fn eject(world: &Inner, id: &str) -> Refusal {
    let has_replicas = world
        .instances
        .values()
        .any(|r| r.replica_of.as_deref() == Some(id));
    if has_replicas {
        Refusal::bad_request(format!(
            "Replica Source {id} cannot be ejected as it has a current heartbeat"
        ))
    } else {
        Refusal::bad_request(format!("Instance {id} is not a replica source."))
    }
}

fn validate_action(name: &str, arg: &Value) -> Result<(), Resp> {
    match name {
        "resize" => {
            let obj = schema::object(arg, "resize")?;
            if let Some(vol) = obj.get("volume") {
                let vol = schema::object(vol, "resize['volume']")?;
                let size = schema::required(vol, "size", "resize['volume']")?;
                schema::volume_size(size, "resize['volume']['size']")?;
            } else if let Some(f) = obj.get("flavorRef") {
                if !(f.is_i64() || f.as_str().is_some_and(|s| !s.is_empty())) {
                    return Err(fault::validation(
                        "resize['flavorRef']",
                        &format!(
                            "{} is not valid under any of the given schemas",
                            schema::pyrepr(f)
                        ),
                    ));
                }
            } else {
                return Err(fault::validation(
                    "resize",
                    &format!(
                        "{} is not valid under any of the given schemas",
                        schema::pyrepr(arg)
                    ),
                ));
            }
            Ok(())
        }
        _ => schema::object(arg, name).map(|_| ()),
    }
}

fn resize(
    req: &Req<'_>,
    inst: &mut Instance,
    arg: &Map<String, Value>,
) -> Result<Started, Refusal> {
    if let Some(size) = arg.get("volume").and_then(|v| v.get("size")) {
        // `validate_action` has checked the size already.
        let size = schema::volume_size(size, "resize['volume']['size']").unwrap_or_default();
        if size <= inst.volume_size {
            return Err(Refusal::bad_request(format!(
                "The new volume 'size' must be larger than the current volume size of '{}'.",
                inst.volume_size
            )));
        }
        if size > req.cfg.max_volume_size {
            return Err(Refusal::over_limit(too_big_message(req, size)));
        }
        return Ok(inst.start(
            InstanceTask::ResizeVolume,
            "RESIZE",
            req.now,
            req.cfg.resize,
        ));
    }
    let flavor_ref = arg.get("flavorRef").cloned().unwrap_or(Value::Null);
    let flavor = flavors::resolve_ref(&flavor_ref).unwrap_or_default();
    if flavors::find(&flavor).is_none() {
        return Err(Refusal::bad_request(format!(
            "Resource {flavor} cannot be found."
        )));
    }
    if flavor == inst.flavor_id {
        return Err(Refusal::bad_request(format!(
            "The new flavor id must be different than the current flavor id of '{flavor}'."
        )));
    }
    Ok(inst.start(
        InstanceTask::ResizeFlavor(flavor),
        "RESIZE",
        req.now,
        req.cfg.resize,
    ))
}
