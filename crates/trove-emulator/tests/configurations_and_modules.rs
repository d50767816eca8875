//! Configuration groups, parameters, an instance's default configuration and modules, as the
//! real Trove 26.0.0 answers them in fake mode (each expectation was seen on the real server;
//! the conformance suite in `tests/` re-checks the shapes against it).

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Tenant;
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator};

const VERSION_ID: &str = "44aaf438-dcbb-4e42-989d-e8222b7353c3";
const DATASTORE_ID: &str = "873604ef-5d13-4e9e-b4ed-53934a3f50ed";
const NO_SUCH_ID: &str = "00000000-0000-0000-0000-000000000000";

/// An emulator whose tasks finish on the first show, and a tenant on it.
fn world() -> (Emulator, Tenant) {
    let emu = Emulator::new(Config::with_reads(0));
    let api = Tenant::new(&emu.service(), common::TENANT);
    (emu, api)
}

/// Creates an instance of `flavor` and shows it once, which makes it ready.
async fn ready_instance(api: &Tenant, flavor: &str) -> String {
    let body = json!({"instance": {"name": "cfg", "flavorRef": flavor, "volume": {"size": 1}}});
    let r = api.post("instances", body).await;
    assert_eq!(r.status, 200);
    let id = r.json()["instance"]["id"].as_str().expect("id").to_owned();
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("ACTIVE"));
    id
}

async fn create_group(api: &Tenant, max_connections: i64) -> String {
    let body =
        json!({"configuration": {"name": "g", "values": {"max_connections": max_connections}}});
    let r = api.post("configurations", body).await;
    assert_eq!(r.status, 200);
    r.json()["configuration"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn message(r: &common::Reply) -> String {
    let v = r.json();
    let (_, inner) = v.as_object().and_then(|o| o.iter().next()).expect("fault");
    inner["message"].as_str().expect("message").to_owned()
}

#[tokio::test(start_paused = true)]
async fn instance_update_attaches_detaches_and_records_refusals_as_faults() {
    let (_emu, api) = world();
    let id = ready_instance(&api, "1").await;
    let group = create_group(&api, 100).await;
    let instance = format!("instances/{id}");

    // One attribute besides the name, checked before the instance is even looked up.
    let two = json!({"instance": {"configuration": group, "access": {}}});
    for target in [instance.clone(), format!("instances/{NO_SUCH_ID}")] {
        let r = api.put(&target, two.clone()).await;
        assert_eq!(r.status, 400);
        assert_eq!(
            message(&r),
            "Only one attribute (except 'name') is allowed to update."
        );
    }

    let attach = json!({"instance": {"configuration": group}});
    assert_eq!(api.put(&instance, attach.clone()).await.status, 202);
    let shown = api.get(&instance).await.json();
    assert_eq!(shown["instance"]["configuration"]["id"], group.as_str());
    assert!(shown["instance"].get("fault").is_none());

    // Attaching again is refused, and Trove keeps the refusal as the instance's fault, with
    // its line-wrapping.
    let r = api.put(&instance, attach).await;
    assert_eq!(r.status, 400);
    let shown = api.get(&instance).await.json();
    assert_eq!(
        shown["instance"]["fault"]["message"],
        format!("Instance {id} already has a Configuration Group attached:\n    {group}.")
    );
    assert_eq!(shown["instance"]["fault"]["details"], Value::Null);

    // An empty update detaches the group.
    assert_eq!(
        api.put(&instance, json!({"instance": {}})).await.status,
        202
    );
    let users = api.get(&format!("configurations/{group}/instances")).await;
    assert_eq!(users.json(), json!({"instances": []}));

    let r = api
        .put(
            &instance,
            json!({"instance": {"configuration": NO_SUCH_ID}}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        message(&r),
        format!("Configuration group id: {NO_SUCH_ID} could not be found.")
    );
    let shown = api.get(&instance).await.json();
    assert_eq!(
        shown["instance"]["fault"]["message"],
        format!("Configuration group id:\n    {NO_SUCH_ID} could not be found.")
    );

    let r = api.get(&format!("configurations/{NO_SUCH_ID}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        message(&r),
        format!("Configuration group with ID {NO_SUCH_ID} could not be found.")
    );
}

#[tokio::test(start_paused = true)]
async fn default_configuration_is_the_template_for_the_flavor() {
    let (_emu, api) = world();
    let small = ready_instance(&api, "1").await;
    let large = ready_instance(&api, "2").await;
    let config = |id: String| {
        let api = api.clone();
        async move {
            api.get(&format!("instances/{id}/configuration"))
                .await
                .json()["instance"]["configuration"]
                .clone()
        }
    };
    let tiny = config(small.clone()).await;
    assert_eq!(tiny["max_connections"], 100, "512 MB");
    assert_eq!(tiny["key_buffer_size"], "50M");
    assert_eq!(tiny["secure-file-priv"], "NULL");
    assert_eq!(tiny["port"], 3306);
    assert!(tiny["server_id"].is_u64());
    assert_eq!(tiny.as_object().expect("map").len(), 37);
    let big = config(large).await;
    assert_eq!(big["max_connections"], 400, "2048 MB");
    assert_eq!(big["innodb_buffer_pool_size"], "600M");

    // An attached group does not show in the template.
    let group = create_group(&api, 150).await;
    let attach = json!({"instance": {"configuration": group}});
    assert_eq!(
        api.put(&format!("instances/{small}"), attach).await.status,
        202
    );
    assert_eq!(config(small).await, tiny);
}

#[tokio::test(start_paused = true)]
async fn parameters_and_their_admin_table() {
    let (emu, api) = world();
    let r = api
        .get("datastores/mysql/versions/5.7.29/parameters/autocommit")
        .await;
    assert_eq!(
        r.json(),
        json!({"name": "autocommit", "type": "integer", "min": 0, "max": 1,
               "restart_required": false, "datastore_version_id": VERSION_ID})
    );
    let r = api
        .get(&format!("datastores/versions/{VERSION_ID}/parameters/nope"))
        .await;
    assert_eq!(
        (r.status.as_u16(), message(&r)),
        (404, "Resource nope cannot be found.".into())
    );
    let r = api.get("datastores/versions/no-version/parameters").await;
    assert_eq!(
        (r.status.as_u16(), message(&r)),
        (
            400,
            "Datastore version 'no-version' cannot be found.".into()
        )
    );

    let admin = Tenant::new(&emu.service(), "admin-tenant");
    let base = format!("mgmt/datastores/versions/{VERSION_ID}/parameters");
    let spec = json!({"configuration-parameter": {"name": "max_connections",
        "data_type": "integer", "min_size": 1, "max_size": 10, "restart_required": 0}});
    let r = admin.post(&base, spec).await;
    assert_eq!(
        message(&r),
        format!("max_connections parameter already exists for datastore version {VERSION_ID}.")
    );
    let shown = admin.get(&format!("{base}/wait_timeout")).await.json();
    assert!(shown.get("deleted").is_none(), "{shown}");
    assert_eq!(
        admin.delete(&format!("{base}/wait_timeout")).await.status,
        204
    );
    assert_eq!(admin.get(&format!("{base}/wait_timeout")).await.status, 404);
    let r = admin.delete(&format!("{base}/wait_timeout")).await;
    assert_eq!(
        (r.status.as_u16(), message(&r)),
        (
            400,
            "Parameter wait_timeout does not exist in the database.".into()
        )
    );
}

#[tokio::test(start_paused = true)]
async fn modules_views_refusals_and_instances() {
    let (_emu, api) = world();
    let id = ready_instance(&api, "1").await;
    let body = json!({"module": {"name": "m", "module_type": "ping", "contents": "eA==",
        "datastore": {"type": "mysql"}}});
    let created = api.post("modules", body.clone()).await.json();
    let module = created["module"]["id"].as_str().expect("id").to_owned();
    assert!(created["module"].get("instance_count").is_none());

    // The list view names tenant and datastores too; show adds Trove 26's constant count.
    let listed = api.get("modules").await.json();
    assert_eq!(listed["modules"][0]["tenant"], common::TENANT);
    assert_eq!(listed["modules"][0]["datastore"], "mysql");
    assert_eq!(listed["modules"][0]["datastore_version"], "all");
    let shown = api.get(&format!("modules/{module}")).await.json();
    assert_eq!(shown["module"]["instance_count"], 2);

    let r = api.post("modules", body).await;
    assert_eq!(
        message(&r),
        format!(
            "A module with the name 'm' already exists for datastore '{DATASTORE_ID}' and \
             datastore version 'all'"
        )
    );
    let auto = json!({"module": {"name": "a", "module_type": "ping", "contents": "eA==",
        "auto_apply": 1, "visible": 0}});
    let r = api.post("modules", auto).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        message(&r),
        "You must be admin to create a module with these options. (Auto: 1, Visible: 0)"
    );

    // Unknown ids are skipped when applying; the holder list uses the instance list view.
    let r = api
        .post(
            &format!("instances/{id}/modules"),
            json!({"modules": [{"id": NO_SUCH_ID}]}),
        )
        .await;
    assert_eq!(r.json(), json!({"modules": []}));
    let r = api
        .post(
            &format!("instances/{id}/modules"),
            json!({"modules": [{"id": module}]}),
        )
        .await;
    assert_eq!(r.status, 200);
    let holders = api.get(&format!("modules/{module}/instances")).await.json();
    let holder = &holders["instances"][0];
    assert_eq!(holder["id"], id.as_str());
    assert_eq!(holder["operating_status"], "HEALTHY");
    assert!(holder["flavor"]["links"].is_array() && holder["access"].is_object());

    let r = api.delete(&format!("modules/{module}")).await;
    assert_eq!(r.status, 403);
    assert!(r.json().get("forbidden").is_some());
    let remove = format!("instances/{id}/modules/{module}");
    assert_eq!(api.delete(&remove).await.status, 200);
    assert_eq!(
        api.delete(&remove).await.status,
        200,
        "not applied: still 200"
    );
    assert_eq!(
        api.delete(&format!("instances/{id}/modules/{NO_SUCH_ID}"))
            .await
            .status,
        404
    );
    assert_eq!(api.delete(&format!("modules/{module}")).await.status, 200);

    // An admin's module is an admin module; tenants see it but cannot delete it.
    let admin = Tenant::new(&api.svc, "admin-tenant");
    let shared = json!({"module": {"name": "s", "module_type": "ping", "contents": "eA==",
        "all_tenants": 1, "auto_apply": 1}});
    let created = admin.post("modules", shared).await.json();
    assert_eq!(
        (&created["module"]["tenant"], &created["module"]["is_admin"]),
        (&json!("all"), &json!(true))
    );
    let shared = created["module"]["id"].as_str().expect("id").to_owned();
    let r = api.delete(&format!("modules/{shared}")).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        message(&r),
        "You must be admin to delete a module with these options. (Tenant: all, Auto: True)"
    );
}

#[tokio::test(start_paused = true)]
async fn module_flags_are_the_integers_0_and_1_as_trove_validates_them() {
    let (_emu, api) = world();
    let with = |flag: &str, value: Value| {
        let mut body = json!({"module": {"name": "m", "module_type": "ping", "contents": "eA=="}});
        body["module"][flag] = value;
        body
    };
    let r = api.post("modules", with("live_update", json!(true))).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        message(&r),
        "Validation error: module['live_update'] True is not of type 'integer'"
    );
    let r = api.post("modules", with("visible", json!(2))).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        message(&r),
        "Validation error: module['visible'] 2 is greater than the maximum of 1"
    );
    let r = api.post("modules", with("live_update", json!(1))).await;
    assert_eq!(r.status, 200);
    let id = r.json()["module"]["id"].as_str().expect("id").to_owned();
    let r = api
        .put(
            &format!("modules/{id}"),
            json!({"module": {"visible": false}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        message(&r),
        "Validation error: module['visible'] False is not of type 'integer'"
    );
}

/// Follows trove/module/models.py `Modules.load` of Trove 26.0.0: `modules` is bound only on the
/// branch for a project that is not an admin, so an admin's `GET /modules` ends in an
/// `UnboundLocalError`, answered 500 `instanceFault` (seen on the real server in fake mode with an
/// `admin...` project); the admin still shows a module by id.
#[tokio::test]
async fn an_admin_cannot_list_modules() {
    let emu = Emulator::new(Config::with_reads(0));
    let admin = Tenant::new(&emu.service(), "admin1");
    let body = json!({"module": {"name": "m", "module_type": "ping", "contents": "aGVsbG8="}});
    let created = admin.post("modules", body).await;
    assert_eq!(created.status, 200, "{}", created.json());
    let id = created.json()["module"]["id"].as_str().unwrap().to_owned();
    let listed = admin.get("modules").await;
    listed.assert_status(500);
    assert!(
        listed.json()["instanceFault"].is_object(),
        "{}",
        listed.json()
    );
    assert_eq!(admin.get(&format!("modules/{id}")).await.status, 200);
    let user = Tenant::new(&emu.service(), common::TENANT);
    assert_eq!(user.get("modules").await.status, 200);
}
