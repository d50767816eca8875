//! Configuration groups against the in-process emulator: create, show, list pages, merge and
//! replace values, validation, instances using a group, delete.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use std::collections::BTreeMap;

use serde_json::json;
use shared::collect_all;
use trove_types::configuration::UpdateConfiguration;

#[tokio::test(start_paused = true)]
async fn create_show_edit_update_and_delete() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let cfgs = client.configurations();
    let group = cfgs
        .create("web")
        .description("for the web tier")
        .datastore("mysql", Some("5.7.29".into()))
        .value("max_connections", 200)
        .value("character_set_server", "utf8mb4")
        .await
        .unwrap();
    assert_eq!(group.name, "web");
    assert_eq!(group.instance_count, Some(0));
    assert_eq!(group.datastore_name.as_deref(), Some("mysql"));
    let values = group.values.clone().unwrap();
    assert_eq!(values["max_connections"], 200);

    // PATCH merges.
    cfgs.edit(
        &group.id,
        BTreeMap::from([("wait_timeout".to_owned(), json!(30))]),
    )
    .await
    .unwrap();
    let shown = cfgs.get(&group.id).await.unwrap();
    let values = shown.values.unwrap();
    assert_eq!(values.len(), 3);
    assert_eq!(values["wait_timeout"], 30);

    // PUT replaces values and renames.
    let put = UpdateConfiguration {
        values: BTreeMap::from([("max_connections".to_owned(), json!(10))]),
        name: Some("web-2".into()),
        description: None,
    };
    cfgs.update(&group.id, &put).await.unwrap();
    let shown = cfgs.get(&group.id).await.unwrap();
    assert_eq!(shown.name, "web-2");
    assert_eq!(
        shown.values.unwrap(),
        BTreeMap::from([("max_connections".to_owned(), json!(10))])
    );

    let users = cfgs.instances(&group.id).await.unwrap();
    assert!(users.is_empty() && users.next.is_none());

    cfgs.delete(&group.id).await.unwrap();
    assert!(cfgs.get(&group.id).await.unwrap_err().is_not_found());
    assert!(cfgs.delete(&group.id).await.unwrap_err().is_not_found());
}

#[tokio::test(start_paused = true)]
async fn values_are_checked_against_the_parameters() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let cfgs = client.configurations();
    let unknown = cfgs
        .create("g")
        .value("no_such_parameter", 1)
        .await
        .unwrap_err();
    assert_eq!(unknown.fault_name(), Some("unprocessableEntity"));
    let wrong_type = cfgs
        .create("g")
        .value("max_connections", "many")
        .await
        .unwrap_err();
    assert_eq!(wrong_type.status().map(|s| s.as_u16()), Some(422));
    let too_small = cfgs
        .create("g")
        .value("max_connections", 0)
        .await
        .unwrap_err();
    assert!(too_small.to_string().contains("minimum"));
    let bad_datastore = cfgs
        .create("g")
        .datastore("nosuch", None)
        .await
        .unwrap_err();
    assert!(bad_datastore.is_not_found());
    let good = cfgs.create("g").value("autocommit", 1).await.unwrap();
    let bad_patch = cfgs
        .edit(
            &good.id,
            BTreeMap::from([("max_connections".to_owned(), json!(1_000_000))]),
        )
        .await
        .unwrap_err();
    assert_eq!(bad_patch.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test(start_paused = true)]
async fn list_pages_and_streams() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    for i in 0..25 {
        client
            .configurations()
            .create(format!("g{i}"))
            .await
            .unwrap();
    }
    let page = client.configurations().list().await.unwrap();
    assert_eq!(page.len(), 20);
    assert!(page.iter().all(|c| c.values.is_none()));
    let rest = client
        .configurations()
        .list()
        .marker(page.next.as_deref())
        .await
        .unwrap();
    assert_eq!(rest.len(), 5);
    assert!(rest.next.is_none());
    let all = collect_all(client.configurations().list().limit(4).into_stream()).await;
    assert_eq!(all.len(), 25);
}

#[tokio::test(start_paused = true)]
async fn a_group_in_use_cannot_be_deleted() {
    let emulator = emulated::emulator_with_reads(0);
    let client = emulated::client(&emulator);
    let group = client
        .configurations()
        .create("shared")
        .value("max_connections", 5)
        .await
        .unwrap();
    let cluster = client
        .clusters()
        .create("c", "mongodb", "3.6")
        .instances(3, "7", 1)
        .configuration(group.id.clone())
        .await
        .unwrap();
    assert_eq!(cluster.configuration.as_deref(), Some(group.id.as_str()));
    let shown = client.configurations().get(&group.id).await.unwrap();
    assert_eq!(shown.instance_count, Some(3));
    let page = client
        .configurations()
        .instances(&group.id)
        .limit(2)
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert!(page.next.is_some());
    let refused = client.configurations().delete(&group.id).await.unwrap_err();
    assert_eq!(refused.fault_name(), Some("badRequest"));
}
