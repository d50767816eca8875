//! Instance operations beyond create/get/list/delete against the emulator: update variants
//! (PUT and PATCH), actions, replicas, default configuration, guest logs, SSL, modules, and
//! the create request's optional fields.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

use trove_core::Client;
use trove_types::instance::Access;
use trove_types::instance_action::UpdateInstance;
use trove_types::log::{LogAction, LogStatus, LogType};
use trove_types::ssl::{SslAction, SslMode};
use trove_types::InstanceStatus;

async fn status(client: &Client, id: &str) -> InstanceStatus {
    client.instances().get(id).await.unwrap().status
}

#[tokio::test(start_paused = true)]
async fn update_rename_access_and_patch() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "before").await;
    let instances = client.instances();
    instances.rename(&id, "after").await.unwrap();
    assert_eq!(instances.get(&id).await.unwrap().name, "after");
    instances
        .edit(&id, &UpdateInstance::rename("patched"))
        .await
        .unwrap();
    assert_eq!(instances.get(&id).await.unwrap().name, "patched");
    let access = Access {
        is_public: Some(true),
        allowed_cidrs: Some(vec!["10.0.0.0/8".into()]),
    };
    instances.update_access(&id, access.clone()).await.unwrap();
    assert_eq!(instances.get(&id).await.unwrap().access, Some(access));
}

#[tokio::test(start_paused = true)]
async fn configuration_attach_detach_and_default() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "cfg").await;
    // The mysql template scaled to flavor 1 (512 MB), as the real Trove 26 renders it.
    let defaults = client.instances().configuration(&id).await.unwrap();
    assert_eq!(defaults["max_connections"], 100);
    let group = client
        .configurations()
        .create("tuned")
        .value("max_connections", 150)
        .await
        .unwrap();
    client
        .instances()
        .attach_configuration(&id, &group.id)
        .await
        .unwrap();
    let shown = client.instances().get(&id).await.unwrap();
    assert_eq!(shown.configuration().unwrap().id, group.id);
    // The real server keeps answering with the template, not the attached group's values.
    let effective = client.instances().configuration(&id).await.unwrap();
    assert_eq!(effective, defaults);
    let err = client
        .instances()
        .attach_configuration(&id, &group.id)
        .await
        .unwrap_err();
    assert!(err.is_bad_request(), "{err}");
    client.instances().detach_configuration(&id).await.unwrap();
    assert!(client
        .instances()
        .get(&id)
        .await
        .unwrap()
        .configuration()
        .is_none());
    let err = client
        .instances()
        .attach_configuration(&id, "00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn upgrade_shows_upgrade_then_ready() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "up").await;
    client.instances().upgrade(&id, "5.7.29").await.unwrap();
    assert_eq!(status(&client, &id).await, InstanceStatus::Upgrade);
    client
        .instances()
        .wait_ready(&id, emulated::wait())
        .await
        .unwrap();
    let err = client.instances().upgrade(&id, "9.9").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn actions_restart_resize_reset() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let instances = client.instances();
    let id = emulated::ready_instance(&client, "act").await;
    instances.restart(&id).await.unwrap();
    assert_eq!(status(&client, &id).await, InstanceStatus::Reboot);
    instances.wait_ready(&id, emulated::wait()).await.unwrap();
    instances.resize_flavor(&id, "2").await.unwrap();
    assert_eq!(status(&client, &id).await, InstanceStatus::Resize);
    let ready = instances.wait_ready(&id, emulated::wait()).await.unwrap();
    assert_eq!(ready.flavor_id(), Some("2"));
    instances.resize_volume(&id, 4).await.unwrap();
    assert_eq!(status(&client, &id).await, InstanceStatus::Resize);
    instances.reset_status(&id).await.unwrap();
    assert!(status(&client, &id).await.is_ready());
    let err = instances.resize_volume(&id, 1).await.unwrap_err();
    assert!(err.is_bad_request(), "{err}");
}

/// Trove refuses a replica create naming a flavor, volume, datastore, locality, databases,
/// users or a fixed IP (trove/instance/service.py `create()`): the replica builder, with every
/// setter it has, sends none of them.
#[tokio::test(start_paused = true)]
async fn the_replica_builder_cannot_send_what_trove_refuses() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let request = client
        .instances()
        .create_replica("rep", "src")
        .replica_count(2)
        .availability_zone("nova")
        .network("net-1", Some("sub-1".into()))
        .configuration("c1")
        .region("RegionOne")
        .module("m1")
        .access(Access::default());
    let body = serde_json::to_value(request.body()).unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access",
            "availability_zone",
            "configuration",
            "modules",
            "name",
            "nics",
            "region_name",
            "replica_count",
            "replica_of"
        ]
    );
    assert_eq!(
        body["nics"],
        serde_json::json!([{"network_id": "net-1", "subnet_id": "sub-1"}])
    );
}

#[tokio::test(start_paused = true)]
async fn replicas_promote_detach_eject() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let instances = client.instances();
    let source = emulated::ready_instance(&client, "src").await;
    let replica = instances.create_replica("rep", &source).await.unwrap();
    assert_eq!(replica.replica_of().unwrap().id, source);
    let shown_source = instances.get(&source).await.unwrap();
    assert_eq!(replica.flavor_id(), shown_source.flavor_id());
    assert_eq!(
        replica.volume.as_ref().map(|v| v.size),
        shown_source.volume.as_ref().map(|v| v.size)
    );
    instances
        .wait_ready(&replica.id, emulated::wait())
        .await
        .unwrap();
    let shown = instances.get(&source).await.unwrap();
    assert_eq!(shown.replicas()[0].id, replica.id);
    let err = instances.eject_replica_source(&source).await.unwrap_err();
    assert!(err.is_bad_request(), "{err}");
    let err = instances
        .promote_to_replica_source(&source)
        .await
        .unwrap_err();
    assert!(err.is_bad_request(), "{err}");
    instances
        .promote_to_replica_source(&replica.id)
        .await
        .unwrap();
    assert_eq!(status(&client, &replica.id).await, InstanceStatus::Promote);
    instances
        .wait_ready(&replica.id, emulated::wait())
        .await
        .unwrap();
    let old_source = instances.get(&source).await.unwrap();
    assert_eq!(old_source.replica_of().unwrap().id, replica.id);
    instances.detach_replica(&source).await.unwrap();
    assert_eq!(status(&client, &source).await, InstanceStatus::Detach);
    let detached = instances
        .wait_ready(&source, emulated::wait())
        .await
        .unwrap();
    assert!(detached.replica_of().is_none());
    let err = instances.detach_replica(&source).await.unwrap_err();
    assert!(err.is_bad_request(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn logs_list_show_enable_publish_discard_disable() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let instances = client.instances();
    let id = emulated::ready_instance(&client, "logs").await;
    let logs = instances.logs(&id).await.unwrap();
    let names: Vec<&str> = logs.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["general", "guest", "slow_query"]);
    let general = instances.log(&id, "general").await.unwrap();
    assert_eq!(
        (general.kind, general.status),
        (LogType::User, LogStatus::Disabled)
    );
    let enabled = instances.log_enable(&id, "general").await.unwrap();
    assert_eq!(enabled.status, LogStatus::Enabled);
    assert!(enabled.pending > 0);
    let published = instances.log_publish(&id, "general").await.unwrap();
    assert_eq!(published.status, LogStatus::Published);
    assert_eq!(
        (published.pending, published.published),
        (0, enabled.pending)
    );
    let discarded = instances.log_discard(&id, "general").await.unwrap();
    assert_eq!(discarded.published, 0);
    let disabled = instances.log_disable(&id, "general").await.unwrap();
    assert_eq!(disabled.status, LogStatus::Disabled);
    let err = instances.log_enable(&id, "guest").await.unwrap_err();
    assert!(err.is_bad_request(), "{err}");
    let guest = instances
        .log_action(&id, "guest", LogAction::Publish)
        .await
        .unwrap();
    assert_eq!(guest.kind, LogType::Sys);
    let err = instances.log(&id, "nope").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn ssl_enable_get_disable_rollback() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let instances = client.instances();
    let id = emulated::ready_instance(&client, "tls").await;
    assert!(!instances.ssl(&id, false).await.unwrap().is_on());
    let on = instances
        .ssl_enable(
            &id,
            SslMode::Enforced,
            "https://barbican.example.com/v1/containers/c1",
        )
        .await
        .unwrap();
    assert!(on.is_on());
    assert_eq!(on.restart_required, Some(true));
    let shown = instances.ssl(&id, true).await.unwrap();
    assert_eq!(shown.mode.as_deref(), Some("enforced"));
    assert!(shown.certificate.unwrap().payload.is_some());
    let plain = instances.ssl(&id, false).await.unwrap();
    assert!(plain.certificate.unwrap().payload.is_none());
    assert!(!instances.ssl_disable(&id).await.unwrap().is_on());
    assert!(instances.ssl_rollback(&id).await.unwrap().is_on());
    // The action type can hold neither an enable without a container nor several actions:
    // each builds exactly one of Trove's bodies.
    let bodies = [
        SslAction::enable(SslMode::Mtls, "c").password_ref("p"),
        SslAction::disable(),
        SslAction::rollback().password_ref("ignored"),
    ]
    .map(|a| serde_json::to_value(a).unwrap());
    assert_eq!(
        bodies,
        [
            serde_json::json!({"enable": true, "mode": "mtls", "container_ref": "c", "password_ref": "p"}),
            serde_json::json!({"disable": true}),
            serde_json::json!({"rollback": true}),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn modules_apply_list_remove() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let instances = client.instances();
    let id = emulated::ready_instance(&client, "mods").await;
    let module = client
        .modules()
        .create("pinger", "ping", "hello")
        .await
        .unwrap();
    assert!(instances.modules(&id).await.unwrap().is_empty());
    let applied = instances.apply_modules(&id, &[&module.id]).await.unwrap();
    assert_eq!(applied[0].id, module.id);
    assert_eq!(applied[0].status.as_deref(), Some("OK"));
    let listed = instances.modules(&id).await.unwrap();
    assert_eq!(listed[0].name, "pinger");
    let guest = instances.modules_from_guest(&id, true).await.unwrap();
    assert_eq!(guest[0].contents.as_deref(), Some("aGVsbG8="));
    assert_eq!(guest[0].decoded_contents().unwrap().unwrap(), b"hello");
    let recorded = instances.modules_with_contents(&id).await.unwrap();
    assert_eq!(recorded[0].decoded_contents().unwrap().unwrap(), b"hello");
    assert!(instances.modules(&id).await.unwrap()[0].contents.is_none());
    instances.remove_module(&id, &module.id).await.unwrap();
    assert!(instances.modules(&id).await.unwrap().is_empty());
    // As on the real server: removing a module that is not applied succeeds, an unknown
    // module is a 404, and applying unknown ids applies nothing.
    instances.remove_module(&id, &module.id).await.unwrap();
    let err = instances.remove_module(&id, "nope").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let applied = instances.apply_modules(&id, &["nope"]).await.unwrap();
    assert!(applied.is_empty(), "{applied:?}");
}

#[tokio::test(start_paused = true)]
async fn create_with_every_option_users_ask_for() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let group = client
        .configurations()
        .create("g")
        .value("max_connections", 10)
        .await
        .unwrap();
    let module = client.modules().create("m", "ping", "x").await.unwrap();
    let request = client
        .instances()
        .create("full", "1")
        .volume_typed(2, "lvmdriver-1")
        .datastore("mysql", Some("5.7.29".into()))
        .datastore_version_number("5.7.29")
        .availability_zone("nova")
        .nic(trove_types::instance::NicSpec {
            network_id: Some("0e9a6f3c-1b2d-4c5e-8f70-112233445566".into()),
            subnet_id: Some("7d1e2f3a-4b5c-4d6e-9f80-665544332211".into()),
            ip_address: Some("10.0.0.5".into()),
        })
        .configuration(&group.id)
        .module(&module.id)
        .locality("anti-affinity")
        .region("RegionOne")
        .access(Access {
            is_public: Some(false),
            allowed_cidrs: None,
        });
    let body = serde_json::to_value(request.body()).unwrap();
    assert_eq!(
        body["volume"],
        serde_json::json!({"size": 2, "type": "lvmdriver-1"})
    );
    assert_eq!(body["datastore"]["version_number"], "5.7.29");
    assert_eq!(
        body["nics"],
        serde_json::json!([{"network_id": "0e9a6f3c-1b2d-4c5e-8f70-112233445566", "subnet_id": "7d1e2f3a-4b5c-4d6e-9f80-665544332211", "ip_address": "10.0.0.5"}])
    );
    assert_eq!(body["modules"], serde_json::json!([{"id": module.id}]));
    assert_eq!(body["locality"], "anti-affinity");
    assert_eq!(body["region_name"], "RegionOne");
    let created = request.await.unwrap();
    let ready = client
        .instances()
        .wait_ready(&created.id, emulated::wait())
        .await
        .unwrap();
    assert_eq!(ready.configuration().unwrap().id, group.id);
    assert_eq!(
        client.instances().modules(&created.id).await.unwrap().len(),
        1
    );
    let with_restore = client.instances().create("r", "1").restore_point("b-1");
    let body = serde_json::to_value(with_restore.body()).unwrap();
    assert_eq!(
        body["restorePoint"],
        serde_json::json!({"backupRef": "b-1"})
    );
    assert!(body.get("replica_of").is_none(), "{body}");
}

#[tokio::test(start_paused = true)]
async fn list_detail_wait_and_delete() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "lst").await;
    let summary = client.instances().list().await.unwrap();
    assert_eq!(summary[0].id, id);
    assert!(summary[0].created.is_none());
    let detail = client.instances().list().detailed(true).await.unwrap();
    assert!(detail[0].created.is_some());
    client.instances().delete(&id).await.unwrap();
    assert_eq!(status(&client, &id).await, InstanceStatus::Shutdown);
    client
        .instances()
        .wait_deleted(&id, emulated::wait())
        .await
        .unwrap();
    assert!(client
        .instances()
        .get(&id)
        .await
        .unwrap_err()
        .is_not_found());
}
