//! The fields Trove 26's views render, and for whom: each test names the view (under `trove/`
//! of the installed package) whose code it follows.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::Tenant;
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator};

/// Creates an instance and returns the create answer's `instance`.
async fn create(api: &Tenant) -> Value {
    let body = json!({"instance": {"name": "v", "flavorRef": "1", "volume": {"size": 1}}});
    let r = api.post("instances", body).await;
    r.assert_status(200);
    r.json()["instance"].clone()
}

const ADMIN_ONLY: [&str; 3] = ["server_id", "volume_id", "encrypted_rpc_messaging"];

/// Follows trove/instance/views.py `InstanceView.data` and `InstanceDetailView.data`: an admin
/// sees `tenant_id` in every view and `server_id`, `volume_id` and `encrypted_rpc_messaging`
/// in the detail views (null ids in the create answer, made before Nova and Cinder answered);
/// a tenant sees none of them.
#[tokio::test(start_paused = true)]
async fn admin_only_instance_fields_follow_instance_detail_view() {
    let emu = Emulator::new(Config::default());
    let admin = Tenant::new(&emu.service(), "admin-views");
    let created = create(&admin).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["tenant_id"], "admin-views");
    assert_eq!(created["server_id"], Value::Null);
    assert_eq!(created["volume_id"], Value::Null);
    assert_eq!(created["encrypted_rpc_messaging"], true);
    tokio::time::advance(Duration::from_secs(3)).await;

    let shown = admin.get(&format!("instances/{id}")).await.json()["instance"].clone();
    assert!(shown["server_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(shown["volume_id"].as_str().is_some_and(|s| !s.is_empty()));
    let detail = admin.get("instances/detail").await.json()["instances"][0].clone();
    assert_eq!(detail["server_id"], shown["server_id"]);
    let summary = admin.get("instances").await.json()["instances"][0].clone();
    assert_eq!(summary["tenant_id"], "admin-views");
    for field in ADMIN_ONLY {
        assert!(summary.get(field).is_none(), "{field} in the summary view");
    }

    let mgmt = admin.get(&format!("mgmt/instances/{id}")).await.json()["instance"].clone();
    assert_eq!(mgmt["server_id"], shown["server_id"]);
    assert_eq!(mgmt["server"]["id"], shown["server_id"]);
    assert_eq!(mgmt["volume"]["id"], shown["volume_id"]);

    let tenant = Tenant::new(&emu.service(), common::TENANT);
    let mine = create(&tenant).await;
    let mine_id = mine["id"].as_str().unwrap();
    let shown = tenant.get(&format!("instances/{mine_id}")).await.json()["instance"].clone();
    for field in ADMIN_ONLY.iter().chain(&["tenant_id"]) {
        assert!(
            mine.get(*field).is_none() && shown.get(*field).is_none(),
            "{field}"
        );
    }
}

/// Follows trove/extensions/mgmt/instances/views.py `MgmtInstanceDetailView.data`: the
/// volume's zone and creation time, the server's `local_id`, and, once root was enabled, the
/// root history as `root_enabled` and `root_enabled_by`.
#[tokio::test(start_paused = true)]
async fn mgmt_show_follows_mgmt_instance_detail_view() {
    let emu = Emulator::new(Config::default());
    let admin = Tenant::new(&emu.service(), "admin-views");
    let id = create(&admin).await["id"].as_str().unwrap().to_owned();
    tokio::time::advance(Duration::from_secs(3)).await;
    let before = admin.get(&format!("mgmt/instances/{id}")).await.json()["instance"].clone();
    let volume = before["volume"].as_object().unwrap();
    assert!(volume.contains_key("availability_zone"));
    assert!(volume["created_at"].is_string());
    assert_eq!(before["server"]["local_id"], 0);
    assert!(before.get("root_enabled").is_none());

    assert_eq!(
        admin
            .post(&format!("instances/{id}/root"), json!({}))
            .await
            .status,
        200
    );
    let after = admin.get(&format!("mgmt/instances/{id}")).await.json()["instance"].clone();
    assert!(after["root_enabled"].is_string());
    assert_eq!(after["root_enabled_by"], "admin-views");
}

/// Follows trove/instance/service.py `module_list`, which reads its flags as
/// `bool(req.GET.get(...).lower())` (any value but the empty one is true) and passes
/// `include_contents` to the guest with or without `from_guest`, and
/// trove/guestagent/module/module_manager.py `read_module_results`, which lists contents
/// base64-encoded and gives a tenant, for an admin module, the message that it must be admin.
#[tokio::test(start_paused = true)]
async fn instance_module_contents_follow_module_list() {
    let emu = Emulator::new(Config::default());
    let admin = Tenant::new(&emu.service(), "admin-views");
    let tenant = Tenant::new(&emu.service(), common::TENANT);
    let contents = "aGVsbG8K"; // base64 of "hello\n", as python-troveclient sends it
    let body = |name: &str, all: u8| {
        json!({"module": {"name": name, "module_type": "ping", "contents": contents,
            "all_tenants": all}})
    };
    let mine = tenant.post("modules", body("mine", 0)).await.json()["module"]["id"].clone();
    let shared = admin.post("modules", body("shared", 1)).await.json()["module"]["id"].clone();
    let id = create(&tenant).await["id"].as_str().unwrap().to_owned();
    tokio::time::advance(Duration::from_secs(3)).await;
    let r = tenant
        .post(
            &format!("instances/{id}/modules"),
            json!({"modules": [{"id": mine}, {"id": shared}]}),
        )
        .await;
    r.assert_status(200);

    let listed = |query: &'static str| {
        let tenant = &tenant;
        let id = id.clone();
        async move {
            let v = tenant
                .get(&format!("instances/{id}/modules{query}"))
                .await
                .json();
            let mut by_name: Vec<(String, Value)> = v["modules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    (
                        m["name"].as_str().unwrap().to_owned(),
                        m["contents"].clone(),
                    )
                })
                .collect();
            by_name.sort_by(|a, b| a.0.cmp(&b.0));
            by_name
        }
    };
    let must_be_admin = "TXVzdCBiZSBhZG1pbiB0byByZXRyaWV2ZSBjb250ZW50cyBmb3IgbW9kdWxlIHNoYXJlZA==";
    let with = vec![
        ("mine".to_owned(), json!(contents)),
        ("shared".to_owned(), json!(must_be_admin)),
    ];
    assert_eq!(listed("?include_contents=true").await, with);
    assert_eq!(listed("?include_contents=false").await, with);
    assert_eq!(listed("?from_guest=1&include_contents=1").await, with);
    for query in ["", "?include_contents=", "?from_guest=true"] {
        assert!(
            listed(query).await.iter().all(|(_, c)| c.is_null()),
            "{query}"
        );
    }
}
