//! Modules against the in-process emulator: create, show, list (by datastore), update, admin
//! options, the instances that have a module (paged and counted), reapply and delete.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use shared::collect_all;
use trove_types::cluster::ClusterInstanceSpec;
use trove_types::instance::ModuleRef;
use trove_types::module::{Reapply, UpdateModule};

#[tokio::test(start_paused = true)]
async fn create_show_list_update_delete() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let modules = client.modules();
    let m = modules
        .create("pinger", "ping", "hello")
        .description("says hello")
        .datastore("mysql", None)
        .live_update(true)
        .await
        .unwrap();
    assert_eq!(m.kind.as_deref(), Some("ping"));
    // Trove hashes the contents as they were sent (trove/module/models.py
    // `Module.process_contents`): the MD5 of "aGVsbG8=", the base64 of "hello".
    assert_eq!(m.md5.as_deref(), Some("0733351879b2fa9bd05c7ca3061529c0"));
    assert_eq!(m.datastore.as_deref(), Some("mysql"));
    assert_eq!(m.live_update, Some(true));
    assert_eq!(m.is_admin, Some(false));
    let other = modules.create("any", "ping", "x").await.unwrap();

    assert_eq!(modules.get(&m.id).await.unwrap().name, "pinger");
    assert_eq!(modules.list().await.unwrap().len(), 2);
    let mysql_only = modules.list().datastore("mysql").await.unwrap();
    assert_eq!(mysql_only.len(), 1);
    assert_eq!(mysql_only[0].id, m.id);

    let updated = modules
        .update(
            &m.id,
            &UpdateModule {
                all_datastores: Some(true),
                ..Default::default()
            }
            .contents("bye"),
        )
        .await
        .unwrap();
    assert_eq!(updated.datastore.as_deref(), Some("all"));
    assert_ne!(updated.md5, m.md5);

    // Another tenant cannot see a private module.
    let stranger = emulated::client_for(&emulator, "67890");
    assert!(stranger
        .modules()
        .get(&m.id)
        .await
        .unwrap_err()
        .is_not_found());
    assert!(stranger.modules().list().await.unwrap().is_empty());

    modules.delete(&m.id).await.unwrap();
    modules.delete(&other.id).await.unwrap();
    assert!(modules.get(&m.id).await.unwrap_err().is_not_found());
    assert!(modules.list().await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn admin_options_need_an_admin() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    let denied = user
        .modules()
        .create("auto", "ping", "x")
        .auto_apply(true)
        .await
        .unwrap_err();
    assert_eq!(denied.status().map(|s| s.as_u16()), Some(403));
    let unknown_type = user
        .modules()
        .create("m", "no_such_type", "x")
        .await
        .unwrap_err();
    assert!(unknown_type.is_not_found());

    let admin = emulated::admin(&emulator);
    let m = admin
        .modules()
        .create("auto", "ping", "x")
        .auto_apply(true)
        .all_tenants(true)
        .await
        .unwrap();
    assert_eq!(m.is_admin, Some(true));
    assert_eq!(m.tenant.as_deref(), Some("all"));
    // Tenants see an all-tenants module but cannot change it.
    assert_eq!(user.modules().get(&m.id).await.unwrap().id, m.id);
    let refused = user.modules().delete(&m.id).await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));
    let duplicate = admin
        .modules()
        .create("auto", "ping", "y")
        .all_tenants(true)
        .await
        .unwrap_err();
    assert_eq!(duplicate.fault_name(), Some("badRequest"));
}

#[tokio::test(start_paused = true)]
async fn instances_with_a_module_are_paged_counted_and_reapplied() {
    let emulator = emulated::emulator_with_reads(0);
    let client = emulated::client(&emulator);
    let m = client
        .modules()
        .create("pinger", "ping", "hello")
        .await
        .unwrap();
    let member = || {
        let mut spec = ClusterInstanceSpec::new("7", 1);
        spec.modules.push(ModuleRef { id: m.id.clone() });
        spec
    };
    let mut create = client.clusters().create("c", "mongodb", "3.6");
    for _ in 0..3 {
        create = create.instance(member());
    }
    create.await.unwrap();

    // Cluster members only show with include_clustered.
    assert!(client.modules().instances(&m.id).await.unwrap().is_empty());
    let page = client
        .modules()
        .instances(&m.id)
        .include_clustered(true)
        .limit(2)
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert!(page.next.is_some());
    let all = collect_all(
        client
            .modules()
            .instances(&m.id)
            .include_clustered(true)
            .limit(2)
            .into_stream(),
    )
    .await;
    assert_eq!(all.len(), 3);

    let counts = client.modules().instance_counts(&m.id, true).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].instance_count, 3);
    assert_eq!(counts[0].module_md5, m.md5);

    client
        .modules()
        .reapply(
            &m.id,
            &Reapply {
                force: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Applied and not live-update: delete is refused, with a 403 as on the real server.
    let refused = client.modules().delete(&m.id).await.unwrap_err();
    assert_eq!(refused.fault_name(), Some("forbidden"));
}

/// Follows python-troveclient's troveclient/v1/modules.py `Modules.create` (the request body
/// it sends is `tests/fixtures/python-troveclient/module-create-request.json`) and
/// `Instances.module_retrieve`, which base64-decodes what `include_contents` lists: a module
/// made by either client has the same MD5 and reads back as the same bytes.
#[tokio::test(start_paused = true)]
async fn a_module_made_by_python_troveclient_reads_the_same() {
    let fixture: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/python-troveclient/module-create-request.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    // The module create route, with python-troveclient's body as it was captured.
    static PYTHON_CREATE: trove_core::request::routes::Route = trove_core::request::routes::Route {
        name: "modules create, python-troveclient's body",
        method: http::Method::POST,
        template: "/modules",
        request: Some("Value"),
        response: "ModuleEnvelope",
        status: http::StatusCode::OK,
        query: &[],
        offset_marker: false,
    };
    let op =
        trove_core::Operation::<trove_types::module::ModuleEnvelope>::json(&PYTHON_CREATE, &[])
            .with_path(fixture["path"].as_str().unwrap().to_owned())
            .with_json(&fixture["body"])
            .unwrap();
    let by_python = client.execute(op).await.unwrap().module;
    let contents = b"hello from python-troveclient\n";
    let by_us = client
        .modules()
        .create("rust-mod", "ping", contents)
        .await
        .unwrap();
    assert_eq!(by_python.md5, by_us.md5, "the same contents, the same MD5");

    let instance = emulated::ready_instance(&client, "mods").await;
    let instances = client.instances();
    instances
        .apply_modules(&instance, &[&by_python.id, &by_us.id])
        .await
        .unwrap();
    let listed = instances.modules_with_contents(&instance).await.unwrap();
    assert_eq!(listed.len(), 2);
    for m in &listed {
        assert_eq!(
            m.decoded_contents().unwrap().unwrap(),
            contents,
            "{}",
            m.name
        );
    }
}
