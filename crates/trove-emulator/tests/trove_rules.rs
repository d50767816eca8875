//! The rules Trove 26 enforces in its controllers rather than in its request schemas: each test
//! names the Trove file (under `trove/` of the installed package) whose code it follows.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Reply, Tenant};
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator};

const T: &str = common::TENANT;
const NET: &str = "0aa8d5f3-6e0b-4a3e-9c1b-7a2f5e8d9c01";

fn api() -> (Emulator, Tenant) {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), T);
    (emu, api)
}

/// Creates an instance on flavor `flavor` with a `size` GB volume and waits until it is ready.
async fn ready(api: &Tenant, name: &str, flavor: &str, size: u64) -> String {
    let body = json!({"instance": {"name": name, "flavorRef": flavor, "volume": {"size": size}}});
    let r = api.post("instances", body).await;
    r.assert_status(200);
    let id = r.json()["instance"]["id"].as_str().unwrap().to_owned();
    tokio::time::advance(Duration::from_secs(3)).await;
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("ACTIVE"));
    id
}

fn fault(r: &Reply, name: &str) -> String {
    let v = r.json();
    v[name]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} fault in {v}"))
        .to_owned()
}

async fn create(api: &Tenant, instance: Value) -> Reply {
    api.post("instances", json!({ "instance": instance })).await
}

/// Follows trove/instance/service.py `create()`: with `replica_of`, a flavor, datastore,
/// volume or locality is refused, in that order, with the controller's messages.
#[tokio::test(start_paused = true)]
async fn replica_create_refuses_flavor_datastore_volume_locality() {
    let (_emu, api) = api();
    let source = ready(&api, "src", "1", 1).await;
    let cases = [
        (
            json!({"flavorRef": "1", "volume": {"size": 1}}),
            "Cannot specify flavor when creating replicas.",
        ),
        (
            json!({"datastore": {"type": "mysql"}, "volume": {"size": 1}}),
            "Cannot specify datastore when creating replicas.",
        ),
        (
            json!({"volume": {"size": 1}, "locality": "affinity"}),
            "Cannot specify volume when creating replicas.",
        ),
        (
            json!({"locality": "affinity"}),
            "Cannot specify locality when creating replicas.",
        ),
    ];
    for (extra, message) in cases {
        let mut body = json!({"name": "rep", "replica_of": source});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = create(&api, body).await;
        assert_eq!(r.status, 400, "{message}");
        assert_eq!(fault(&r, "badRequest"), message);
    }
    // An empty datastore object is falsy to Python, so Trove lets it through.
    let r = create(
        &api,
        json!({"name": "rep", "replica_of": source, "datastore": {}}),
    )
    .await;
    r.assert_status(200);
}

/// Follows trove/instance/service.py `create()` and trove/instance/models.py
/// `Instance.create()`: a replica takes its source's flavor, volume size and configuration
/// group, and `replica_count` N makes N replicas named `<name>-1`..`<name>-N`.
#[tokio::test(start_paused = true)]
async fn replica_inherits_flavor_volume_and_configuration_from_its_source() {
    let (_emu, api) = api();
    let source = ready(&api, "src", "2", 3).await;
    let group = api
        .post(
            "configurations",
            json!({"configuration": {"name": "g", "values": {"max_connections": 50}}}),
        )
        .await;
    group.assert_status(200);
    let group = group.json()["configuration"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = api
        .put(
            &format!("instances/{source}"),
            json!({"instance": {"configuration": group}}),
        )
        .await;
    r.assert_status(202);

    let r = create(&api, json!({"name": "rep", "replica_of": source})).await;
    r.assert_status(200);
    let replica = r.json()["instance"].clone();
    assert_eq!(replica["flavor"]["id"], "2");
    assert_eq!(replica["volume"]["size"], 3);
    assert_eq!(replica["replica_of"]["id"], source.as_str());
    assert_eq!(replica["configuration"]["id"], group.as_str());
    // The replica's snapshot of the source runs until the replica is built.
    tokio::time::advance(Duration::from_secs(3)).await;

    let r = create(
        &api,
        json!({"name": "many", "replica_of": source, "replica_count": 2}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["instance"]["name"], "many-2");
    let list = api.get("instances").await.json();
    let mut names: Vec<&str> = list["instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["many-1", "many-2", "rep", "src"]);
}

/// Follows trove/instance/service.py `create()` and trove/instance/models.py
/// `validate_can_perform_action()`: the source must exist (404), must not be a replica (its
/// `Forbidden` maps to 401), the replica takes no users, databases or fixed IP (400), and the
/// source must be able to take an action (422).
#[tokio::test(start_paused = true)]
async fn replica_source_checks_follow_trove() {
    let (_emu, api) = api();
    let missing = "00000000-0000-0000-0000-000000000000";
    let r = create(&api, json!({"name": "r", "replica_of": missing})).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        fault(&r, "itemNotFound"),
        format!("Resource {missing} cannot be found.")
    );

    let building = api.create_instance("b").await;
    let r = create(&api, json!({"name": "r", "replica_of": building})).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        fault(&r, "unprocessableEntity"),
        format!(
            "Instance {building} is not currently available for an action to be performed \
             (instance status was BUILD)."
        )
    );
    tokio::time::advance(Duration::from_secs(3)).await;

    let r = create(
        &api,
        json!({"name": "r", "replica_of": building, "databases": [{"name": "d"}]}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        fault(&r, "badRequest"),
        "Cannot create a replica with users or databases."
    );
    let r = create(
        &api,
        json!({"name": "r", "replica_of": building,
               "nics": [{"network_id": NET, "ip_address": "10.0.0.9"}]}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        fault(&r, "badRequest"),
        "Cannot specify IP address when creating replicas."
    );

    let r = create(&api, json!({"name": "r", "replica_of": building})).await;
    assert_eq!(r.status, 200);
    let replica = r.json()["instance"]["id"].as_str().unwrap().to_owned();
    tokio::time::advance(Duration::from_secs(3)).await;
    let r = create(&api, json!({"name": "r2", "replica_of": replica})).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        fault(&r, "unauthorized"),
        format!("Cannot create a replica of a replica {replica}")
    );
}

/// Follows trove/taskmanager/models.py `get_replication_master_snapshot` and
/// trove/taskmanager/manager.py `_create_replication_slave`: a replica create takes a backup of
/// its source, incremental on the source's last completed one, and deletes it once the replica
/// is built. While the snapshot runs the source shows BACKUP (trove/instance/models.py
/// `SimpleInstance.status`) and refuses actions (`validate_can_perform_action`), but takes
/// guest calls such as a database create (trove/extensions/common/models.py `load_and_verify`).
#[tokio::test(start_paused = true)]
async fn a_replica_create_snapshots_its_source_until_the_replica_is_built() {
    let emu = Emulator::new(Config {
        backup: trove_emulator::Delay::Time(Duration::from_secs(1)),
        build: trove_emulator::Delay::Time(Duration::from_secs(3)),
        ..Config::default()
    });
    let api = Tenant::new(&emu.service(), T);
    let source = api.create_instance("src").await;
    tokio::time::advance(Duration::from_secs(4)).await;
    let r = api
        .post(
            "backups",
            json!({"backup": {"name": "full", "instance": source}}),
        )
        .await;
    r.assert_status(202);
    let full = r.json()["backup"]["id"].as_str().unwrap().to_owned();
    tokio::time::advance(Duration::from_secs(2)).await;

    let r = create(&api, json!({"name": "rep", "replica_of": source})).await;
    r.assert_status(200);
    let replica = r.json()["instance"]["id"].as_str().unwrap().to_owned();
    let shown = api.get(&format!("instances/{source}")).await.json();
    assert_eq!(shown["instance"]["status"], "BACKUP");
    assert_eq!(shown["instance"]["operating_status"], "HEALTHY");
    let listed = api.get("instances").await.json();
    let row = listed["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == source.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["status"], "BACKUP");

    let snapshots = |page: &Value| -> Vec<Value> {
        page["backups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["id"] != full.as_str())
            .cloned()
            .collect()
    };
    let page = api.get(&format!("instances/{source}/backups")).await.json();
    let [snapshot] = snapshots(&page).try_into().unwrap();
    assert_eq!(
        snapshot["name"],
        format!("Replication snapshot for {replica}")
    );
    assert_eq!(
        snapshot["description"],
        "Backup image used to initialize replication slave"
    );
    assert_eq!(snapshot["status"], "NEW");
    assert_eq!(snapshot["parent_id"], full.as_str());

    let busy = format!(
        "Instance {source} is not currently available for an action to be performed \
         (instance status was BACKUP)."
    );
    let refusals = [
        ("action", json!({"restart": {}})),
        (
            "backups",
            json!({"backup": {"name": "b2", "instance": source}}),
        ),
        (
            "ssl",
            json!({"ssl": {"enable": true, "container_ref": "c"}}),
        ),
        (
            "replica",
            json!({"instance": {"name": "rep2", "replica_of": source}}),
        ),
    ];
    for (what, body) in refusals {
        let path = match what {
            "backups" => "backups".to_owned(),
            "replica" => "instances".to_owned(),
            other => format!("instances/{source}/{other}"),
        };
        let r = api.post(&path, body).await;
        assert_eq!(r.status, 422, "{what}");
        assert_eq!(fault(&r, "unprocessableEntity"), busy, "{what}");
    }
    let r = api
        .post(
            &format!("instances/{source}/databases"),
            json!({"databases": [{"name": "during_backup"}]}),
        )
        .await;
    r.assert_status(202);

    // The snapshot is done before the replica is built, and goes with the build.
    tokio::time::advance(Duration::from_millis(1500)).await;
    assert_eq!(
        api.instance_status(&source).await.as_deref(),
        Some("ACTIVE")
    );
    assert_eq!(
        api.instance_status(&replica).await.as_deref(),
        Some("BUILD")
    );
    let page = api.get(&format!("instances/{source}/backups")).await.json();
    let [snapshot] = snapshots(&page).try_into().unwrap();
    assert_eq!(snapshot["status"], "COMPLETED");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(
        api.instance_status(&replica).await.as_deref(),
        Some("ACTIVE")
    );
    let page = api.get("backups").await.json();
    assert_eq!(common::ids(&page, "backups"), [full]);
}

/// Follows trove/instance/service.py `create()`: without `replica_of`, `replica_count` above 1
/// is refused, and a missing `flavorRef` is looked up as Python's `None`.
#[tokio::test(start_paused = true)]
async fn a_plain_create_needs_a_flavor_and_one_instance() {
    let (_emu, api) = api();
    let r = create(
        &api,
        json!({"name": "x", "flavorRef": "1", "volume": {"size": 1}, "replica_count": 2}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        fault(&r, "badRequest"),
        "Replica count only valid when creating replicas. Cannot create 2 instances."
    );
    let r = create(&api, json!({"name": "x", "volume": {"size": 1}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(fault(&r, "badRequest"), "Resource None cannot be found.");
}

/// Follows trove/common/apischema.py `instance["edit"]` and `instance["update"]` as
/// trove/instance/service.py selects them: `PATCH` takes no `access` (Trove's schema message),
/// `PUT` does, and `PUT` with `configuration: null` detaches the group.
#[tokio::test(start_paused = true)]
async fn patch_takes_no_access_put_does() {
    let (_emu, api) = api();
    let id = ready(&api, "p", "1", 1).await;
    let path = format!("instances/{id}");
    let access = json!({"instance": {"access": {"is_public": true}}});
    let r = api
        .call(http::Method::PATCH, &path, Some(access.clone()))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        fault(&r, "badRequest"),
        "Validation error: instance Additional properties are not allowed ('access' was \
         unexpected)"
    );
    let r = api
        .call(
            http::Method::PATCH,
            &path,
            Some(json!({"instance": {"name": "renamed"}})),
        )
        .await;
    assert_eq!(r.status, 202);
    let r = api.put(&path, access).await;
    r.assert_status(202);
    let shown = api.get(&path).await.json();
    assert_eq!(shown["instance"]["access"]["is_public"], true);
    assert_eq!(shown["instance"]["name"], "renamed");
    let r = api
        .put(&path, json!({"instance": {"configuration": null}}))
        .await;
    r.assert_status(202);
}

async fn ssl(api: &Tenant, id: &str, body: Value) -> Reply {
    api.post(&format!("instances/{id}/ssl"), json!({ "ssl": body }))
        .await
}

/// Follows trove/instance/service.py `ssl_action()`: an enable needs a truthy
/// `container_ref`, several actions at once are refused, a replica takes only rollback, and
/// the mode (default basic) must be basic, enforced or mtls: `builtin` is refused.
#[tokio::test(start_paused = true)]
async fn ssl_actions_follow_trove() {
    let (_emu, api) = api();
    let source = ready(&api, "src", "1", 1).await;
    let cases = [
        (
            json!({"enable": true, "mode": "basic"}),
            "You should provide container_ref for enabling ssl.",
        ),
        (
            json!({"enable": true, "container_ref": ""}),
            "You should provide container_ref for enabling ssl.",
        ),
        (
            json!({"enable": true, "disable": true, "container_ref": "c"}),
            "Cannot do several operations at once.",
        ),
        (
            json!({"disable": true, "rollback": true}),
            "Cannot do several operations at once.",
        ),
        (
            json!({"enable": true, "mode": "builtin", "container_ref": "c"}),
            "Unknown SSL mode. Available options are: basic, enforced, mtls",
        ),
        (
            json!({"disable": true, "mode": "loose"}),
            "Unknown SSL mode. Available options are: basic, enforced, mtls",
        ),
    ];
    for (body, message) in cases {
        let r = ssl(&api, &source, body.clone()).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(fault(&r, "badRequest"), message, "{body}");
    }
    let r = ssl(&api, &source, json!({"enable": true, "container_ref": "c"})).await;
    r.assert_status(200);
    assert_eq!(r.json()["ssl"]["mode"], "basic");

    let r = create(&api, json!({"name": "rep", "replica_of": source})).await;
    r.assert_status(200);
    let replica = r.json()["instance"]["id"].as_str().unwrap().to_owned();
    tokio::time::advance(Duration::from_secs(3)).await;
    for body in [
        json!({"enable": true, "container_ref": "c"}),
        json!({"disable": true}),
    ] {
        let r = ssl(&api, &replica, body).await;
        assert_eq!(r.status, 400);
        assert_eq!(
            fault(&r, "badRequest"),
            "Unable to modify ssl on the replica. Please perform the action on the primary \
             instead."
        );
    }
    // Rollback is allowed on a replica, before the mode is looked at.
    let r = ssl(&api, &replica, json!({"rollback": true, "mode": "loose"})).await;
    assert_ne!(
        r.json()["badRequest"]["message"],
        "Unable to modify ssl on the replica. Please perform the action on the primary instead."
    );
    assert_ne!(
        r.json()["badRequest"]["message"],
        "Unknown SSL mode. Available options are: basic, enforced, mtls"
    );
}

const VERSION_ID: &str = "44aaf438-dcbb-4e42-989d-e8222b7353c3";

/// Follows trove/backup/service.py `BackupController.create` and trove/backup/models.py
/// `Backup.create`: without `restore_from` an instance is required; a `swift_container` must
/// survive shell quoting (`utils.validate_command`); an import needs a known datastore
/// version, takes no instance, and is recorded `RESTORED` with its location and size.
#[tokio::test(start_paused = true)]
async fn backup_create_and_import_follow_backup_controller_create() {
    let (_emu, api) = api();
    let r = api.post("backups", json!({"backup": {"name": "b"}})).await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (400, "instance is missing.".to_owned())
    );
    let r = api
        .post(
            "backups",
            json!({"backup": {"name": "b", "swift_container": "c;rm"}}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (400, "The value is not allowed: c;rm.".to_owned())
    );
    let missing = "00000000-0000-0000-0000-000000000001";
    let import = |version: &str| {
        json!({"backup": {"name": "imp", "storage_driver": "cinder", "restore_from": {
            "remote_location": "http://swift/c/o", "local_datastore_version_id": version,
            "size": 1.5}}})
    };
    let r = api.post("backups", import(missing)).await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (
            400,
            format!("Datastore version '{missing}' cannot be found.")
        )
    );
    let mut body = import(VERSION_ID);
    body["backup"]["instance"] = json!("00000000-0000-0000-0000-00000000beef");
    let r = api.post("backups", body).await;
    r.assert_status(202);
    let b = r.json()["backup"].clone();
    assert_eq!(b["status"], "RESTORED");
    assert_eq!(
        b["instance_id"],
        Value::Null,
        "an import backs up no instance"
    );
    assert_eq!(b["locationRef"], "http://swift/c/o");
    assert_eq!(b["size"], 1.5);
    assert_eq!(b["datastore"]["version_id"], VERSION_ID);
    let shown = api
        .get(&format!("backups/{}", b["id"].as_str().unwrap()))
        .await;
    assert_eq!(shown.json()["backup"]["status"], "RESTORED");
}

/// Follows trove/common/apischema.py cluster create (read by trove/cluster/service.py
/// `ClusterController.create`): `datastore.version` is required.
#[tokio::test(start_paused = true)]
async fn cluster_create_needs_a_datastore_version() {
    let (_emu, api) = api();
    let body = json!({"cluster": {"name": "c", "datastore": {"type": "mongodb"},
        "instances": [{"flavorRef": "1", "volume": {"size": 1}}]}});
    let r = api.post("clusters", body).await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (
            400,
            "Validation error: cluster['datastore'] 'version' is a required property".to_owned()
        )
    );
}

async fn cluster(api: &Tenant, kind: &str, version: &str, members: usize) -> Value {
    let member = json!({"flavorRef": "1", "volume": {"size": 2}});
    let body = json!({"cluster": {"name": "c", "datastore": {"type": kind, "version": version},
        "instances": vec![member; members]}});
    let r = api.post("clusters", body).await;
    r.assert_status(200);
    tokio::time::advance(Duration::from_secs(3)).await;
    let id = r.json()["cluster"]["id"].as_str().unwrap().to_owned();
    api.get(&format!("clusters/{id}")).await.json()["cluster"].clone()
}

/// Follows trove/common/strategies/cluster/experimental/mongodb/api.py
/// `MongoDbCluster.add_shard` (dispatched by trove/cluster/service.py
/// `ClusterController.action`) and trove/cluster/models.py `Cluster.action` for the others;
/// and trove/cluster/views.py `ClusterView`: `ip` appears only for members with addresses
/// (the emulator's have none), `shard_id` for sharded members.
#[tokio::test(start_paused = true)]
async fn add_shard_follows_mongodb_cluster_add_shard() {
    let (_emu, api) = api();
    let redis = cluster(&api, "redis", "4.0", 1).await;
    let path = format!("clusters/{}", redis["id"].as_str().unwrap());
    let r = api.post(&path, json!({"add_shard": {}})).await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (400, "Action add_shard not supported".to_owned())
    );

    let mongo = cluster(&api, "mongodb", "3.6", 3).await;
    let members = mongo["instances"].as_array().unwrap();
    assert!(members.iter().all(|m| m.get("ip").is_none()), "{mongo}");
    let shard = members[0]["shard_id"].clone();
    assert!(shard.is_string(), "{mongo}");
    let path = format!("clusters/{}", mongo["id"].as_str().unwrap());
    let r = api.post(&path, json!({"add_shard": {}})).await;
    r.assert_status(202);
    assert_eq!(r.json()["cluster"]["task"]["name"], "ADDING_SHARD");
    let r = api.post(&path, json!({"add_shard": {}})).await;
    assert_eq!(r.status.as_u16(), 422, "a busy cluster refuses");
    tokio::time::advance(Duration::from_secs(3)).await;
    let shown = api.get(&path).await.json()["cluster"].clone();
    let members = shown["instances"].as_array().unwrap();
    let added: Vec<&Value> = members.iter().filter(|m| m["shard_id"] != shard).collect();
    assert_eq!(added.len(), 3, "{shown}");
    assert_eq!(added[0]["name"], "c-rs2-1");
    assert_eq!(shown["task"]["name"], "NONE");
}

fn admin() -> (Emulator, Tenant) {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), "admin-rules");
    (emu, api)
}

/// Follows trove/extensions/mgmt/instances/views.py `DiagnosticsView` (camelCase keys) and
/// trove/extensions/mgmt/instances/service.py `MgmtInstanceController.show` and `index`: a
/// deleted instance is found with `deleted=true` only.
#[tokio::test(start_paused = true)]
async fn mgmt_diagnostics_and_deleted_instances_follow_mgmt_instance_controller() {
    let (_emu, api) = admin();
    let id = ready(&api, "gone", "1", 1).await;
    let d = api
        .get(&format!("mgmt/instances/{id}/diagnostics"))
        .await
        .json();
    for key in [
        "fdSize", "vmSize", "vmPeak", "vmRss", "vmHwm", "threads", "version",
    ] {
        assert!(d["diagnostics"].get(key).is_some(), "{key} in {d}");
    }
    assert!(d["diagnostics"].get("fd_size").is_none(), "{d}");
    assert_eq!(api.delete(&format!("instances/{id}")).await.status, 202);
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(api.get(&format!("mgmt/instances/{id}")).await.status, 404);
    let shown = api.get(&format!("mgmt/instances/{id}?deleted=true")).await;
    shown.assert_status(200);
    let shown = shown.json()["instance"].clone();
    assert_eq!(shown["deleted"], true);
    assert!(shown["deleted_at"].is_string(), "{shown}");
    let ids = |q: &str| {
        let q = q.to_owned();
        let api = &api;
        async move {
            common::ids(
                &api.get(&format!("mgmt/instances{q}")).await.json(),
                "instances",
            )
        }
    };
    assert_eq!(ids("?deleted=true").await, vec![id.clone()]);
    assert!(!ids("?deleted=false").await.contains(&id));
    assert!(
        ids("").await.contains(&id),
        "without the filter both kinds are listed"
    );
}

/// Follows trove/instance/service.py `_action_reset_status`: `force_delete` only changes the
/// policy checked, so the reset is the same.
#[tokio::test(start_paused = true)]
async fn reset_status_takes_force_delete() {
    let (_emu, api) = admin();
    let id = ready(&api, "stuck", "1", 1).await;
    let status = api
        .action(&id, json!({"reset_status": {"force_delete": true}}))
        .await;
    assert_eq!(status, 202);
}

/// Follows trove/common/apischema.py mgmt_instance rebuild (read by
/// trove/extensions/mgmt/instances/service.py `_action_rebuild`): the image is a UUID.
#[tokio::test(start_paused = true)]
async fn rebuild_needs_a_uuid_image() {
    let (_emu, api) = admin();
    let id = ready(&api, "rb", "1", 1).await;
    let r = api
        .post(
            &format!("mgmt/instances/{id}/action"),
            json!({"rebuild": {"image_id": "img"}}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        fault(&r, "badRequest").contains("does not match"),
        "{}",
        fault(&r, "badRequest")
    );
}

/// Follows trove/extensions/mgmt/datastores/service.py `DatastoreVersionController` and
/// views.py, trove/datastore/models.py `update_datastore_version` (the manager's default
/// `registry_ext` and `repl_strategy`), trove/datastore/views.py `DatastoreVersionView` (an
/// admin sees both), and trove/common/extensions.py, which routes `PATCH` to `edit` and so
/// validates it against the `edit` schema.
#[tokio::test(start_paused = true)]
async fn datastore_versions_keep_registry_ext_and_repl_strategy() {
    let (_emu, api) = admin();
    let r = api
        .post(
            "mgmt/datastore-versions",
            json!({"version": {"name": "8.0", "datastore_name": "mysql",
                "datastore_manager": "mysql", "active": true}}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (400, "Image must be specified.".to_owned())
    );
    let r = api
        .post(
            "mgmt/datastore-versions",
            json!({"version": {"name": "8.0", "datastore_name": "mysql",
                "datastore_manager": "mysql", "active": true, "image_tags": ["trove"],
                "repl_strategy": "my.Strategy"}}),
        )
        .await;
    r.assert_status(202);
    let list = api.get("mgmt/datastore-versions").await.json();
    let v = list["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "8.0")
        .unwrap()
        .clone();
    assert_eq!(
        v["registry_ext"],
        "trove.guestagent.datastore.mysql.manager.Manager"
    );
    assert_eq!(v["repl_strategy"], "my.Strategy");
    let id = v["id"].as_str().unwrap();
    let path = format!("mgmt/datastore-versions/{id}");
    let r = api
        .call(
            http::Method::PATCH,
            &path,
            Some(json!({"registry_ext": "my.Manager"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 202);
    let shown = api.get(&path).await.json();
    assert_eq!(shown["version"]["registry_ext"], "my.Manager");
    let r = api
        .call(
            http::Method::PATCH,
            &path,
            Some(json!({"image_tags": ["a", "a"]})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (
            400,
            "Validation error: image_tags ['a', 'a'] has non-unique elements".to_owned()
        )
    );
    let public = api
        .get(&format!("datastores/versions/{VERSION_ID}"))
        .await
        .json();
    assert_eq!(
        public["version"]["repl_strategy"],
        "trove.guestagent.strategies.replication.mysql_gtid.MysqlGTIDReplication"
    );
    let (_emu2, user) = self::api();
    let public = user
        .get(&format!("datastores/versions/{VERSION_ID}"))
        .await
        .json();
    assert!(public["version"].get("registry_ext").is_none(), "{public}");
}

/// Follows trove/configuration/service.py `ConfigurationsController.create`, which hands the
/// datastore's `type`, `version` and `version_number` to trove/datastore/models.py
/// `get_datastore_version`: no type means the default datastore; a named version must have
/// the given number.
#[tokio::test(start_paused = true)]
async fn configuration_datastore_follows_get_datastore_version() {
    let (_emu, api) = api();
    let create = |ds: Value| json!({"configuration": {"name": "g", "values": {}, "datastore": ds}});
    let r = api
        .post("configurations", create(json!({"version": "5.7.29"})))
        .await;
    r.assert_status(200);
    let r = api
        .post(
            "configurations",
            create(json!({"type": "mysql", "version": "5.7.29", "version_number": "5.7.29"})),
        )
        .await;
    r.assert_status(200);
    let r = api
        .post(
            "configurations",
            create(json!({"type": "mysql", "version": "5.7.29", "version_number": "8.0"})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "itemNotFound")),
        (404, "Datastore version '8.0' cannot be found.".to_owned())
    );
}

/// Follows trove/cluster/service.py `ClusterController.action` (one action per body, the
/// cluster loaded before the action is looked at) and trove/cluster/models.py
/// `Cluster.action` ("Action X not supported").
#[tokio::test(start_paused = true)]
async fn cluster_action_bodies_follow_cluster_controller_action() {
    let (_emu, api) = api();
    let missing = "clusters/00000000-0000-0000-0000-00000000beef";
    let r = api.post(missing, json!({"defragment": {}})).await;
    assert_eq!(r.status.as_u16(), 404);
    let c = cluster(&api, "mongodb", "3.6", 1).await;
    let path = format!("clusters/{}", c["id"].as_str().unwrap());
    let r = api.post(&path, json!({"defragment": {}})).await;
    assert_eq!(
        (r.status.as_u16(), fault(&r, "badRequest")),
        (400, "Action defragment not supported".to_owned())
    );
    let r = api
        .post(&path, json!({"restart": {}, "defragment": {}}))
        .await;
    r.assert_status(400);
}

/// Follows trove/instance/service.py `InstanceController.module_list`: the member of a cluster
/// is loaded as any instance (`models.Instance.load`), so its module list answers 200 with the
/// modules given at create, as python-troveclient's `cluster modules` reads them
/// (troveclient/osc/v1/database_clusters.py `ListDatabaseClusterModules`).
#[tokio::test(start_paused = true)]
async fn a_cluster_members_modules_are_listed_like_an_instances() {
    let (_emu, api) = api();
    let body = json!({"module": {"name": "m", "module_type": "ping", "contents": "eA=="}});
    let r = api.post("modules", body).await;
    let module = r.json()["module"]["id"].as_str().unwrap().to_owned();
    let with = json!({"flavorRef": "1", "volume": {"size": 2}, "modules": [{"id": module}]});
    let without = json!({"flavorRef": "1", "volume": {"size": 2}});
    let body = json!({"cluster": {"name": "c", "datastore": {"type": "mongodb", "version": "3.6"},
        "instances": [with, without.clone(), without]}});
    let r = api.post("clusters", body).await;
    r.assert_status(200);
    let members = r.json()["cluster"]["instances"].as_array().unwrap().clone();
    let listed = |i: usize| format!("instances/{}/modules", members[i]["id"].as_str().unwrap());
    let first = api.get(&listed(0)).await;
    assert_eq!(first.status.as_u16(), 200);
    assert_eq!(first.json()["modules"][0]["id"], module.as_str());
    let second = api.get(&listed(1)).await;
    assert_eq!(second.json(), json!({"modules": []}));
    let r = api
        .get("instances/00000000-0000-0000-0000-000000000000/modules")
        .await;
    assert_eq!(r.status.as_u16(), 404);
}

/// Follows trove/extensions/mgmt/quota/service.py `QuotaController.update`: `if not body` is a
/// 400 "Invalid request body." (an empty object, as the real server answered `{}`), and a body
/// without `quotas` reaches `body['quotas']`, a `KeyError` answered 500.
#[tokio::test]
async fn a_quota_update_needs_a_body_with_quotas() {
    let emu = Emulator::new(Config::default());
    let admin = Tenant::new(&emu.service(), "admin1");
    let empty = admin.put("mgmt/quotas/12345", json!({})).await;
    empty.assert_status(400);
    assert_eq!(
        empty.json(),
        json!({"badRequest": {"code": 400, "message": "Invalid request body."}})
    );
    admin
        .put("mgmt/quotas/12345", json!({"limits": {}}))
        .await
        .assert_status(500);
    let set = admin
        .put("mgmt/quotas/12345", json!({"quotas": {"instances": 7}}))
        .await;
    set.assert_status(200);
    assert_eq!(set.json(), json!({"quotas": {"instances": 7}}));
}
