//! Clusters: create (BUILDING_INITIAL -> NONE), list, show, member show, the seven actions and
//! delete (DELETING, then 404). Only datastores with a cluster strategy accept clusters; the
//! emulator's `mysql` answers 501 as the real server does.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::{configurations, datastores, flavors, mgmt, pagination, schema, Req};
use crate::config::Delay;
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::{Inner, Kind, Pending, Started};

/// Datastores Trove has a cluster strategy for, with the version used when none is given.
const CLUSTER_DATASTORES: &[(&str, &str)] = &[
    ("mongodb", "3.6"),
    ("redis", "4.0"),
    ("cassandra", "3.11"),
    ("mariadb", "10.4"),
    ("pxc", "5.7"),
    ("vertica", "9.0"),
];

/// What a cluster is busy with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ClusterTask {
    Build,
    Grow,
    /// Members to remove when the task finishes.
    Shrink(BTreeSet<String>),
    Restart,
    Upgrade,
    AddShard,
    Delete,
}

impl ClusterTask {
    /// Trove's `ClusterTasks` entry: code, name, description.
    fn wire(&self) -> (u32, &'static str, &'static str) {
        match self {
            ClusterTask::Build => (2, "BUILDING_INITIAL", "Building the initial cluster."),
            ClusterTask::Delete => (3, "DELETING", "Deleting the cluster."),
            ClusterTask::Grow => (5, "GROWING_CLUSTER", "Increasing the size of the cluster."),
            ClusterTask::Shrink(_) => (
                6,
                "SHRINKING_CLUSTER",
                "Decreasing the size of the cluster.",
            ),
            ClusterTask::Upgrade => (
                7,
                "UPGRADING_CLUSTER",
                "Upgrading the cluster to new version.",
            ),
            ClusterTask::Restart => (8, "RESTARTING_CLUSTER", "Restarting the cluster."),
            ClusterTask::AddShard => (4, "ADDING_SHARD", "Adding a shard to the cluster."),
        }
    }
}

/// One member instance of a cluster.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) flavor_id: String,
    pub(crate) volume_size: u64,
    pub(crate) status: &'static str,
    pub(crate) created: Instant,
    pub(crate) modules: BTreeSet<String>,
    /// The shard (MongoDB replica set) a `member` belongs to.
    pub(crate) shard_id: Option<String>,
}

/// One cluster.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub(crate) id: String,
    pub(crate) tenant: String,
    pub(crate) name: String,
    pub(crate) datastore: String,
    pub(crate) version: String,
    pub(crate) members: Vec<Member>,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    pub(crate) pending: Option<Pending<ClusterTask>>,
    pub(crate) configuration: Option<String>,
    pub(crate) locality: Option<String>,
    pub(crate) extended_properties: Option<Value>,
}

impl Cluster {
    /// Applies a finished task; returns true when the cluster is gone.
    pub(crate) fn settle(&mut self, now: Instant) -> bool {
        let Some((task, at)) = Pending::take_done(&mut self.pending, now) else {
            return false;
        };
        if let ClusterTask::Shrink(gone) = &task {
            self.members.retain(|m| !gone.contains(&m.id));
        }
        if task == ClusterTask::Delete {
            return true;
        }
        for m in &mut self.members {
            if m.status != "ERROR" {
                m.status = "ACTIVE";
            }
        }
        self.updated = at;
        false
    }

    fn start(&mut self, task: ClusterTask, now: Instant, delay: Delay) -> Started {
        self.updated = now;
        Pending::start_in(&mut self.pending, Kind::Cluster, &self.id, task, now, delay)
    }

    fn task(&self) -> Value {
        let (id, name, description) = self
            .pending
            .as_ref()
            .map_or((1, "NONE", "No tasks for the cluster."), |p| p.task.wire());
        json!({"id": id, "name": name, "description": description})
    }
}

/// Renders a cluster; `detail` adds member status, volume and flavor (the show view).
/// Following `trove/cluster/views.py` `ClusterView`, a member's `ip` and the cluster's `ip`
/// (lists of `{address, type, network}`) appear only when a member has visible addresses;
/// the emulator's members have none, as in fake mode, so both are left out.
pub(crate) fn render(req: &Req<'_>, world: &Inner, c: &Cluster, detail: bool) -> Value {
    let instances: Vec<Value> = c
        .members
        .iter()
        .map(|m| {
            let mut v = json!({
                "id": m.id,
                "name": m.name,
                "type": m.kind,
                "links": req.links(&format!("instances/{}", m.id)),
            });
            if let Some(shard) = &m.shard_id {
                v["shard_id"] = json!(shard);
            }
            if detail {
                v["status"] = json!(m.status);
                v["volume"] = json!({"size": m.volume_size});
                v["flavor"] = json!({"id": m.flavor_id,
                    "links": req.links(&format!("flavors/{}", m.flavor_id))});
            }
            v
        })
        .collect();
    let mut v = json!({
        "id": c.id,
        "name": c.name,
        "task": c.task(),
        "created": world.clock.trove(c.created),
        "updated": world.clock.trove(c.updated),
        "links": req.links(&format!("clusters/{}", c.id)),
        "datastore": {"type": c.datastore, "version": c.version},
        "instances": instances,
    });
    if let Some(cfg) = &c.configuration {
        v["configuration"] = json!(cfg);
    }
    if let Some(l) = &c.locality {
        v["locality"] = json!(l);
    }
    if let Some(p) = &c.extended_properties {
        v["extended_properties"] = p.clone();
    }
    v
}

/// Renders a member as an instance detail view.
pub(crate) fn render_member(req: &Req<'_>, world: &Inner, c: &Cluster, m: &Member) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "status": m.status,
        "operating_status": if m.status == "ACTIVE" { "HEALTHY" } else { "" },
        "links": req.links(&format!("instances/{}", m.id)),
        "flavor": {"id": m.flavor_id, "links": req.links(&format!("flavors/{}", m.flavor_id))},
        "datastore": {"type": c.datastore, "version": c.version, "version_number": c.version},
        "region": "RegionOne",
        "access": {},
        "volume": {"size": m.volume_size},
        "cluster_id": c.id,
        "created": world.clock.trove(m.created),
        "updated": world.clock.trove(c.updated),
    })
}

/// Routes `clusters`, `clusters/{id}` and `clusters/{id}/instances/{iid}`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = &req.ctx.method;
    Some(match path {
        ["clusters"] if m == Method::GET => list(req, world),
        ["clusters"] if m == Method::POST => create(req, world),
        ["clusters", id] if m == Method::GET => show(req, world, id),
        ["clusters", id] if m == Method::POST => action(req, world, id),
        ["clusters", id] if m == Method::DELETE => delete(req, world, id),
        ["clusters", id, "instances", iid] if m == Method::GET => show_member(req, world, id, iid),
        _ => return None,
    })
}

fn not_found(id: &str) -> Resp {
    fault::not_found(&format!("Cluster '{id}' cannot be found."))
}

fn list(req: &Req<'_>, world: &Inner) -> Resp {
    let limit = match pagination::db_limit(req) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let mine: Vec<&Cluster> = world
        .clusters
        .values()
        .filter(|c| c.tenant == req.tenant)
        .collect();
    mgmt::id_page(
        req,
        "clusters",
        mine,
        |c| c.id.clone(),
        limit,
        |c| render(req, world, c, false),
    )
}

fn show(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(c) = world.clusters.get(id).filter(|c| c.tenant == req.tenant) else {
        return not_found(id);
    };
    let body = json!({"cluster": render(req, world, c, true)});
    if let Some(p) = world.clusters.get_mut(id).and_then(|c| c.pending.as_mut()) {
        p.count_show();
    }
    json(StatusCode::OK, &body)
}

fn show_member(req: &Req<'_>, world: &mut Inner, id: &str, iid: &str) -> Resp {
    let Some(c) = world.clusters.get(id).filter(|c| c.tenant == req.tenant) else {
        return not_found(id);
    };
    let Some(m) = c.members.iter().find(|m| m.id == iid) else {
        return fault::resource_not_found(iid);
    };
    json(
        StatusCode::OK,
        &json!({"instance": render_member(req, world, c, m)}),
    )
}

/// Validates one member spec (create or grow) and builds the member.
fn member(
    req: &Req<'_>,
    spec: &Value,
    path: &str,
    name: String,
    now: Instant,
) -> Result<Member, Resp> {
    let obj = schema::object(spec, path)?;
    let flavor_ref = schema::required(obj, "flavorRef", path)?;
    let flavor_id = flavors::resolve_ref(flavor_ref).unwrap_or_default();
    if flavors::find(&flavor_id).is_none() {
        return Err(fault::bad_request(&format!(
            "Resource {flavor_id} cannot be found."
        )));
    }
    let Some(vol) = obj.get("volume") else {
        return Err(fault::bad_request("Volume size was not specified."));
    };
    let vol = schema::object(vol, &format!("{path}['volume']"))?;
    let size = schema::required(vol, "size", &format!("{path}['volume']"))?;
    let size = schema::volume_size(size, &format!("{path}['volume']['size']"))?;
    if size > req.cfg.max_volume_size {
        return Err(fault::over_limit(&format!(
            "Volume 'size' cannot exceed maximum of {} GB, {size} cannot be accepted.",
            req.cfg.max_volume_size
        )));
    }
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .map_or(name, str::to_owned);
    let kind = obj
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("member")
        .to_owned();
    let modules = obj
        .get("modules")
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(Member {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        kind,
        flavor_id,
        volume_size: size,
        status: "BUILD",
        created: now,
        modules,
        shard_id: None,
    })
}

fn create(req: &Req<'_>, world: &mut Inner) -> Resp {
    match try_create(req, world) {
        Ok(r) | Err(r) => r,
    }
}

fn try_create(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let obj = schema::object(schema::envelope(&body, "cluster")?, "cluster")?.clone();
    let name = schema::required(&obj, "name", "cluster")?;
    let name = schema::non_empty_string(name, "cluster['name']")?.to_owned();
    let ds = schema::required(&obj, "datastore", "cluster")?;
    let ds = schema::object(ds, "cluster['datastore']")?;
    let kind = schema::required(ds, "type", "cluster['datastore']")?;
    let kind = schema::non_empty_string(kind, "cluster['datastore']['type']")?.to_owned();
    let specs = schema::required(&obj, "instances", "cluster")?;
    let specs = schema::array(specs, "cluster['instances']")?;
    if specs.is_empty() {
        return Err(fault::validation("cluster['instances']", "[] is too short"));
    }
    let version = ds.get("version").and_then(Value::as_str);
    if datastores::find_datastore(&kind) {
        return Err(fault::fault(
            StatusCode::NOT_IMPLEMENTED,
            "notImplemented",
            &format!(
                "Clusters not supported for {kind}-{}.",
                version.unwrap_or(datastores::VERSION_NAME)
            ),
        ));
    }
    let Some((_, default_version)) = CLUSTER_DATASTORES.iter().find(|(k, _)| *k == kind) else {
        return Err(fault::not_found(&format!(
            "Datastore '{kind}' cannot be found."
        )));
    };
    let configuration = obj
        .get("configuration")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(cfg) = configuration.as_deref() {
        configurations::find_to_attach(world, &req.tenant, cfg)?;
    }
    let mut members = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let default_name = format!("{name}-member-{}", i + 1);
        members.push(member(
            req,
            spec,
            &format!("cluster['instances'][{i}]"),
            default_name,
            req.now,
        )?);
    }
    if kind == "mongodb" {
        // trove/common/strategies/cluster/experimental/mongodb/api.py: the members form the
        // first shard (replica set rs1).
        let shard = uuid::Uuid::new_v4().to_string();
        for m in members.iter_mut().filter(|m| m.kind == "member") {
            m.shard_id = Some(shard.clone());
        }
    }
    let mut cluster = Cluster {
        id: uuid::Uuid::new_v4().to_string(),
        tenant: req.tenant.clone(),
        name,
        datastore: kind,
        version: version.unwrap_or(default_version).to_owned(),
        members,
        created: req.now,
        updated: req.now,
        pending: None,
        configuration,
        locality: obj
            .get("locality")
            .and_then(Value::as_str)
            .map(str::to_owned),
        extended_properties: obj.get("extended_properties").cloned(),
    };
    let started = cluster.start(ClusterTask::Build, req.now, req.cfg.build);
    let body = json!({"cluster": render(req, world, &cluster, true)});
    world.clusters.insert(cluster.id.clone(), cluster);
    world.track(started);
    Ok(json(StatusCode::OK, &body))
}

/// The actions Trove's cluster controller knows.
const ACTIONS: &[&str] = &[
    "grow",
    "shrink",
    "reset-status",
    "restart",
    "upgrade",
    "configuration_attach",
    "configuration_detach",
    "add_shard",
];

fn action(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    match try_action(req, world, id) {
        Ok(r) | Err(r) => r,
    }
}

fn try_action(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    // trove/cluster/service.py ClusterController.action: the body's shape, then the cluster,
    // then the action (trove/cluster/models.py Cluster.action names an unknown one).
    let obj: Map<String, Value> = body.as_object().cloned().unwrap_or_default();
    if obj.is_empty() {
        return Err(fault::bad_request("Invalid request body."));
    }
    if obj.len() != 1 {
        return Err(fault::bad_request(
            "Action request should have exactly one action specified in body",
        ));
    }
    let Some((name, arg)) = obj.iter().next() else {
        return Err(fault::internal_error());
    };
    if world
        .clusters
        .get(id)
        .is_none_or(|c| c.tenant != req.tenant)
    {
        return Err(not_found(id));
    }
    if !ACTIONS.contains(&name.as_str()) {
        return Err(fault::bad_request(&format!("Action {name} not supported")));
    }
    if name == "configuration_attach" {
        let cfg = arg
            .get("configuration_id")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                fault::validation(
                    "configuration_attach",
                    "'configuration_id' is a required property",
                )
            })?;
        configurations::find_to_attach(world, &req.tenant, cfg)?;
    }
    let (now, cfg) = (req.now, req.cfg);
    let c = world
        .clusters
        .get_mut(id)
        .filter(|c| c.tenant == req.tenant)
        .ok_or_else(|| not_found(id))?;
    let mut started = None;
    if name == "reset-status" {
        if c.pending.as_ref().map(|p| &p.task) != Some(&ClusterTask::Delete) {
            c.pending = None;
            c.updated = now;
            for m in &mut c.members {
                if m.status != "ERROR" {
                    m.status = "ACTIVE";
                }
            }
        }
    } else {
        if let Some(p) = &c.pending {
            return Err(fault::unprocessable(&format!(
                "This action cannot be performed on the cluster while the current cluster \
                 task is '{}'.",
                p.task.wire().1
            )));
        }
        match name.as_str() {
            "grow" => {
                let specs = schema::array(arg, "grow")?;
                if specs.is_empty() {
                    return Err(fault::validation("grow", "[] is too short"));
                }
                let base = c.members.len();
                let mut new = Vec::new();
                for (i, spec) in specs.iter().enumerate() {
                    let default_name = format!("{}-member-{}", c.name, base + i + 1);
                    new.push(member(req, spec, &format!("grow[{i}]"), default_name, now)?);
                }
                c.members.extend(new);
                started = Some(c.start(ClusterTask::Grow, now, cfg.build));
            }
            "shrink" => {
                let items = schema::array(arg, "shrink")?;
                let mut gone = BTreeSet::new();
                for item in items {
                    let iid = item.get("id").and_then(Value::as_str).unwrap_or_default();
                    if !c.members.iter().any(|m| m.id == iid) {
                        return Err(fault::resource_not_found(iid));
                    }
                    gone.insert(iid.to_owned());
                }
                if gone.is_empty() || gone.len() >= c.members.len() {
                    return Err(fault::bad_request(
                        "A cluster must keep at least one instance.",
                    ));
                }
                for m in c.members.iter_mut().filter(|m| gone.contains(&m.id)) {
                    m.status = "SHUTDOWN";
                }
                started = Some(c.start(ClusterTask::Shrink(gone), now, cfg.delete));
            }
            "restart" => {
                schema::object(arg, "restart")?;
                for m in &mut c.members {
                    m.status = "REBOOT";
                }
                started = Some(c.start(ClusterTask::Restart, now, cfg.restart));
            }
            "upgrade" => {
                let v = arg
                    .get("datastore_version")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        fault::validation("upgrade", "'datastore_version' is a required property")
                    })?;
                c.version = v.to_owned();
                for m in &mut c.members {
                    m.status = "UPGRADE";
                }
                started = Some(c.start(ClusterTask::Upgrade, now, cfg.restart));
            }
            "add_shard" => {
                started = Some(add_shard(c, now, cfg.build)?);
            }
            "configuration_attach" => {
                c.configuration = arg
                    .get("configuration_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                c.updated = now;
            }
            _ => {
                c.configuration = None;
                c.updated = now;
            }
        }
    }
    if let Some(started) = started {
        world.track(started);
    }
    let c = world.clusters.get(id).ok_or_else(fault::internal_error)?;
    Ok(json(
        StatusCode::ACCEPTED,
        &json!({"cluster": render(req, world, c, false)}),
    ))
}

/// `add_shard`, as `trove/common/strategies/cluster/experimental/mongodb/api.py`
/// `MongoDbCluster.add_shard` does it (the busy check is made by the caller): only MongoDB
/// clusters have it (others: 400 "Action add_shard not supported", from
/// `trove/cluster/models.py` `Cluster.action`); without a shard to copy, 422; otherwise as
/// many members as the first shard has, of its flavor and volume, named
/// `<cluster>-rs<N>-<i>`, and the task `ADDING_SHARD`.
fn add_shard(c: &mut Cluster, now: Instant, delay: Delay) -> Result<Started, Resp> {
    if c.datastore != "mongodb" {
        return Err(fault::bad_request("Action add_shard not supported"));
    }
    let shards: BTreeSet<&str> = c
        .members
        .iter()
        .filter(|m| m.kind == "member")
        .filter_map(|m| m.shard_id.as_deref())
        .collect();
    let Some(first) = c
        .members
        .iter()
        .find(|m| m.kind == "member" && m.shard_id.is_some())
    else {
        return Err(fault::unprocessable(
            "This action cannot be performed on the cluster as no reference shard exists.",
        ));
    };
    let template = first.clone();
    let copies = c
        .members
        .iter()
        .filter(|m| m.kind == "member" && m.shard_id == template.shard_id)
        .count();
    let replica_set = format!("rs{}", shards.len() + 1);
    let shard = uuid::Uuid::new_v4().to_string();
    for i in 1..=copies {
        c.members.push(Member {
            id: uuid::Uuid::new_v4().to_string(),
            name: format!("{}-{replica_set}-{i}", c.name),
            status: "BUILD",
            created: now,
            modules: BTreeSet::new(),
            shard_id: Some(shard.clone()),
            ..template.clone()
        });
    }
    Ok(c.start(ClusterTask::AddShard, now, delay))
}

fn delete(req: &Req<'_>, world: &mut Inner, id: &str) -> Resp {
    let Some(c) = world
        .clusters
        .get_mut(id)
        .filter(|c| c.tenant == req.tenant)
    else {
        return not_found(id);
    };
    if c.pending.as_ref().map(|p| &p.task) != Some(&ClusterTask::Delete) {
        for m in &mut c.members {
            m.status = "SHUTDOWN";
        }
        let started = c.start(ClusterTask::Delete, req.now, req.cfg.delete);
        world.track(started);
    }
    empty(StatusCode::ACCEPTED)
}
