//! The management API against the in-process emulator: admin instance views and actions,
//! root history, diagnostics, hwinfo, ping, guest upgrade, admin clusters, configuration
//! parameters, datastore versions, and 403 for non-admins.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use shared::collect_all;
use trove_types::cluster::ClusterTaskName;
use trove_types::mgmt::{
    CreateDatastoreVersion, EditDatastoreVersion, GuestUpgrade, ParameterSpec,
};
use trove_types::InstanceStatus;

use emulated::status;

/// The id of the emulator's one datastore version.
const VERSION_ID: &str = "44aaf438-dcbb-4e42-989d-e8222b7353c3";

/// Follows trove/common/auth.py `admin_context`, whose `Forbidden` trove/common/wsgi.py
/// answers with 401.
#[tokio::test(start_paused = true)]
async fn non_admins_get_401_everywhere() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    let mgmt = user.mgmt();
    assert_eq!(status(&mgmt.instances().await.unwrap_err()), Some(401));
    assert_eq!(status(&mgmt.instance("x").await.unwrap_err()), Some(401));
    assert_eq!(status(&mgmt.clusters().await.unwrap_err()), Some(401));
    assert_eq!(
        status(&mgmt.parameters(VERSION_ID).await.unwrap_err()),
        Some(401)
    );
    assert_eq!(
        status(&mgmt.datastore_versions().await.unwrap_err()),
        Some(401)
    );
    assert_eq!(status(&mgmt.rpc_ping("x").await.unwrap_err()), Some(401));
}

#[tokio::test(start_paused = true)]
async fn admin_instance_views_filters_and_pages() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    let other = emulated::client_for(&emulator, "67890");
    for i in 0..22 {
        user.instances()
            .create(format!("u{i}"), "1")
            .volume(1)
            .await
            .unwrap();
    }
    let theirs = other.instances().create("o", "1").volume(1).await.unwrap();
    let admin = emulated::admin(&emulator);

    let page = admin.mgmt().instances().await.unwrap();
    assert_eq!(page.len(), 20);
    let all = collect_all(admin.mgmt().instances().into_stream()).await;
    assert_eq!(all.len(), 23);
    let only_theirs = admin.mgmt().instances().project_id("67890").await.unwrap();
    assert_eq!(only_theirs.len(), 1);
    assert_eq!(only_theirs[0].instance.id, theirs.id);
    assert_eq!(only_theirs[0].instance.tenant_id.as_deref(), Some("67890"));
    let deleted = admin.mgmt().instances().deleted(true).await.unwrap();
    assert!(deleted.is_empty());

    let shown = admin.mgmt().instance(&theirs.id).await.unwrap();
    assert_eq!(shown.instance.name, "o");
    assert!(shown.server.unwrap().host.is_some());
    assert_eq!(shown.volume.unwrap().size, Some(1));
    assert!(shown.task_description.is_some());
    assert!(admin
        .mgmt()
        .instance("nope")
        .await
        .unwrap_err()
        .is_not_found());

    // Cluster members only with include_clustered.
    user.clusters()
        .create("c", "mongodb", "3.6")
        .instances(3, "7", 1)
        .await
        .unwrap();
    let with_members = collect_all(
        admin
            .mgmt()
            .instances()
            .include_clustered(true)
            .project_id("12345")
            .into_stream(),
    )
    .await;
    assert_eq!(with_members.len(), 25);
    assert_eq!(
        with_members
            .iter()
            .filter(|i| i.instance.cluster_id().is_some())
            .count(),
        3
    );
}

#[tokio::test(start_paused = true)]
async fn admin_instance_actions_and_guest_calls() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    let admin = emulated::admin(&emulator);
    let inst = user.instances().create("db", "1").volume(1).await.unwrap();
    user.instances()
        .wait_ready(&inst.id, emulated::fast())
        .await
        .unwrap();
    let mgmt = admin.mgmt();

    mgmt.reboot(&inst.id).await.unwrap();
    assert_eq!(
        user.instances().get(&inst.id).await.unwrap().status,
        InstanceStatus::Reboot
    );
    user.instances()
        .wait_ready(&inst.id, emulated::fast())
        .await
        .unwrap();

    mgmt.migrate(&inst.id, Some("host-2")).await.unwrap();
    assert_eq!(
        user.instances().get(&inst.id).await.unwrap().status,
        InstanceStatus::Unknown("MIGRATE".into())
    );
    mgmt.reset_task_status(&inst.id).await.unwrap();
    assert!(user
        .instances()
        .get(&inst.id)
        .await
        .unwrap()
        .status
        .is_ready());

    mgmt.rebuild(&inst.id, "5a0c6e2b-3d4f-4a1b-8c9d-0e1f2a3b4c5d")
        .await
        .unwrap();
    user.instances()
        .wait_ready(&inst.id, emulated::fast())
        .await
        .unwrap();

    mgmt.stop(&inst.id).await.unwrap();
    assert_eq!(
        user.instances().get(&inst.id).await.unwrap().status,
        InstanceStatus::Shutdown
    );
    mgmt.reset_task_status(&inst.id).await.unwrap();

    let diag = mgmt.diagnostics(&inst.id).await.unwrap();
    assert!(diag.threads.is_some() && diag.version.is_some());
    let hw = mgmt.hwinfo(&inst.id).await.unwrap();
    assert_eq!(hw.num_cpus, Some(1));
    mgmt.rpc_ping(&inst.id).await.unwrap();
    assert!(mgmt.rpc_ping("nope").await.unwrap_err().is_not_found());
    mgmt.guest_upgrade(
        &inst.id,
        &GuestUpgrade {
            instance_version: Some("2.0".into()),
            location: Some("http://pkg/guest.deb".into()),
            metadata: None,
        },
    )
    .await
    .unwrap();

    // Root history appears once root was enabled.
    assert!(mgmt
        .root_history(&inst.id)
        .await
        .unwrap_err()
        .is_not_found());
    user.root(&inst.id).enable().await.unwrap();
    let history = mgmt.root_history(&inst.id).await.unwrap();
    assert_eq!(history.id, inst.id);
    assert_eq!(history.user.as_deref(), Some("12345"));
}

#[tokio::test(start_paused = true)]
async fn admin_clusters_list_show_and_reset_task() {
    let emulator = emulated::emulator_with_reads(1000);
    let user = emulated::client(&emulator);
    let admin = emulated::admin(&emulator);
    let c = user
        .clusters()
        .create("stuck", "mongodb", "3.6")
        .instances(1, "7", 1)
        .await
        .unwrap();
    let list = admin.mgmt().clusters().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].tenant_id.as_deref(), Some("12345"));
    let shown = admin.mgmt().cluster(&c.id).await.unwrap();
    assert_eq!(shown.cluster.task_name(), ClusterTaskName::BuildingInitial);
    assert_eq!(shown.deleted, Some(false));
    admin.mgmt().cluster_reset_task(&c.id).await.unwrap();
    assert_eq!(
        user.clusters().get(&c.id).await.unwrap().task_name(),
        ClusterTaskName::None
    );
    assert!(admin
        .mgmt()
        .cluster("nope")
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test(start_paused = true)]
async fn configuration_parameters_lifecycle() {
    let emulator = emulated::emulator();
    let admin = emulated::admin(&emulator);
    let mgmt = admin.mgmt();
    let builtin = mgmt.parameters(VERSION_ID).await.unwrap();
    assert!(builtin.iter().any(|p| p.name == "max_connections"));
    let one = mgmt.parameter(VERSION_ID, "max_connections").await.unwrap();
    assert_eq!(one.kind.as_deref(), Some("integer"));
    assert_eq!(one.min, Some(1));

    let created = mgmt
        .create_parameter(
            VERSION_ID,
            &ParameterSpec::integer("table_open_cache", 1, 524_288, false),
        )
        .await
        .unwrap();
    assert_eq!(created.name, "table_open_cache");
    assert_eq!(created.max, Some(524_288));
    // The new parameter is now accepted in configuration groups.
    admin
        .configurations()
        .create("uses-new")
        .value("table_open_cache", 100)
        .await
        .unwrap();
    let dup = mgmt
        .create_parameter(
            VERSION_ID,
            &ParameterSpec::of_type("table_open_cache", "string", false),
        )
        .await
        .unwrap_err();
    assert_eq!(dup.fault_name(), Some("badRequest"));

    let updated = mgmt
        .update_parameter(
            VERSION_ID,
            "table_open_cache",
            &ParameterSpec::integer("table_open_cache", 1, 1000, true),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.max, updated.restart_required),
        (Some(1000), Some(true))
    );

    mgmt.delete_parameter(VERSION_ID, "table_open_cache")
        .await
        .unwrap();
    // As on the real Trove 26: a deleted parameter is gone from the admin views too, deleting
    // it again is a 400, and the parameter routes report an unknown version as a 400.
    assert!(mgmt
        .parameter(VERSION_ID, "table_open_cache")
        .await
        .unwrap_err()
        .is_not_found());
    assert!(mgmt
        .delete_parameter(VERSION_ID, "table_open_cache")
        .await
        .unwrap_err()
        .is_bad_request());
    assert!(mgmt
        .parameters("no-version")
        .await
        .unwrap_err()
        .is_bad_request());
}

#[tokio::test(start_paused = true)]
async fn datastore_versions_lifecycle() {
    let emulator = emulated::emulator();
    let admin = emulated::admin(&emulator);
    let mgmt = admin.mgmt();
    let before = mgmt.datastore_versions().await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].id, VERSION_ID);

    let mut new = CreateDatastoreVersion::new("mysql", "mysql", "8.0.30");
    new.image_tags = vec!["trove".into(), "mysql".into()];
    mgmt.create_datastore_version(&new).await.unwrap();
    let dup = mgmt.create_datastore_version(&new).await.unwrap_err();
    assert_eq!(dup.fault_name(), Some("badRequest"));
    let no_image = mgmt
        .create_datastore_version(&CreateDatastoreVersion::new("mysql", "mysql", "9"))
        .await
        .unwrap_err();
    assert_eq!(status(&no_image), Some(400));

    let all = mgmt.datastore_versions().await.unwrap();
    let created = all.iter().find(|v| v.name == "8.0.30").unwrap();
    assert_eq!(created.active, Some(true));
    mgmt.edit_datastore_version(
        &created.id,
        &EditDatastoreVersion {
            active: Some(false),
            default: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let shown = mgmt.datastore_version(&created.id).await.unwrap();
    assert_eq!((shown.active, shown.default), (Some(false), Some(true)));
    let builtin = mgmt.datastore_version(VERSION_ID).await.unwrap();
    assert_eq!(builtin.default, Some(false), "one default per datastore");

    mgmt.delete_datastore_version(&created.id).await.unwrap();
    assert!(mgmt
        .datastore_version(&created.id)
        .await
        .unwrap_err()
        .is_not_found());
}

/// Follows trove/extensions/mgmt/instances/views.py `DiagnosticsView` (camelCase fields read
/// into the model) and trove/extensions/mgmt/instances/service.py
/// `MgmtInstanceController.show` (a deleted instance only with `deleted=true`), and
/// trove/instance/service.py `_action_reset_status` (`force_delete`).
#[tokio::test(start_paused = true)]
async fn diagnostics_deleted_instances_and_forced_reset() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    let admin = emulated::admin(&emulator);
    let id = emulated::ready_instance(&user, "gone").await;
    let mgmt = admin.mgmt();
    let diag = mgmt.diagnostics(&id).await.unwrap();
    assert!(
        [
            diag.fd_size,
            diag.vm_size,
            diag.vm_peak,
            diag.vm_rss,
            diag.vm_hwm
        ]
        .iter()
        .all(Option::is_some),
        "{diag:?}"
    );
    user.instances()
        .reset_status_force_delete(&id)
        .await
        .unwrap();
    assert!(mgmt.rebuild(&id, "cirros").await.is_err(), "not a UUID");
    user.instances().delete(&id).await.unwrap();
    user.instances()
        .wait_deleted(&id, emulated::wait())
        .await
        .unwrap();
    assert!(mgmt.instance(&id).await.unwrap_err().is_not_found());
    let gone = mgmt.instance_including_deleted(&id).await.unwrap();
    assert_eq!(gone.deleted, Some(true));
    assert!(gone.deleted_at.is_some());
}

/// Follows trove/extensions/mgmt/datastores/service.py `DatastoreVersionController` and
/// views.py: `registry_ext` and `repl_strategy` are stored on create and edit and shown.
#[tokio::test(start_paused = true)]
async fn datastore_versions_registry_ext_and_repl_strategy() {
    let emulator = emulated::emulator();
    let admin = emulated::admin(&emulator);
    let mgmt = admin.mgmt();
    let mut new = CreateDatastoreVersion::new("mysql", "mysql", "8.0");
    new.image_tags = vec!["trove".into()];
    new.repl_strategy = Some("my.Strategy".into());
    mgmt.create_datastore_version(&new).await.unwrap();
    let created = mgmt
        .datastore_versions()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "8.0")
        .unwrap();
    assert_eq!(
        created.registry_ext.as_deref(),
        Some("trove.guestagent.datastore.mysql.manager.Manager")
    );
    assert_eq!(created.repl_strategy.as_deref(), Some("my.Strategy"));
    let edit = EditDatastoreVersion {
        registry_ext: Some("my.Manager".into()),
        ..Default::default()
    };
    mgmt.edit_datastore_version(&created.id, &edit)
        .await
        .unwrap();
    let shown = mgmt.datastore_version(&created.id).await.unwrap();
    assert_eq!(shown.registry_ext.as_deref(), Some("my.Manager"));
}
