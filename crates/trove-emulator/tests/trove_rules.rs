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
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
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
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
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
    assert_eq!(
        group.status,
        200,
        "{}",
        String::from_utf8_lossy(&group.body)
    );
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
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));

    let r = create(&api, json!({"name": "rep", "replica_of": source})).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let replica = r.json()["instance"].clone();
    assert_eq!(replica["flavor"]["id"], "2");
    assert_eq!(replica["volume"]["size"], 3);
    assert_eq!(replica["replica_of"]["id"], source.as_str());
    assert_eq!(replica["configuration"]["id"], group.as_str());

    let r = create(
        &api,
        json!({"name": "many", "replica_of": source, "replica_count": 2}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
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
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let shown = api.get(&path).await.json();
    assert_eq!(shown["instance"]["access"]["is_public"], true);
    assert_eq!(shown["instance"]["name"], "renamed");
    let r = api
        .put(&path, json!({"instance": {"configuration": null}}))
        .await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
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
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["ssl"]["mode"], "basic");

    let r = create(&api, json!({"name": "rep", "replica_of": source})).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
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
