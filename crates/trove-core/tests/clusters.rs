//! Clusters against the in-process emulator: create, list pages and streams, show, member
//! show, every action, waits and delete.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use std::time::Duration;

use shared::collect_all;
use trove_core::Error;
use trove_types::cluster::{ClusterInstanceSpec, ClusterTaskName};
use trove_types::InstanceStatus;

#[tokio::test(start_paused = true)]
async fn create_wait_show_member_and_delete() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let cluster = client
        .clusters()
        .create("c1", "mongodb", "3.6")
        .instances(3, "7", 1)
        .locality("anti-affinity")
        .await
        .unwrap();
    assert_eq!(cluster.task_name(), ClusterTaskName::BuildingInitial);
    assert_eq!(cluster.instances.len(), 3);
    assert_eq!(cluster.instances[0].name, "c1-member-1");
    assert_eq!(cluster.locality.as_deref(), Some("anti-affinity"));

    let ready = client
        .clusters()
        .wait_ready(&cluster.id, emulated::fast())
        .await
        .unwrap();
    assert_eq!(ready.task_name(), ClusterTaskName::None);
    assert!(ready
        .instances
        .iter()
        .all(|i| i.status == Some(InstanceStatus::Active)));

    let member = client
        .clusters()
        .get_instance(&cluster.id, &ready.instances[1].id)
        .await
        .unwrap();
    assert_eq!(member.cluster_id(), Some(cluster.id.as_str()));
    assert!(member.status.is_ready());
    let missing = client
        .clusters()
        .get_instance(&cluster.id, "nope")
        .await
        .unwrap_err();
    assert!(missing.is_not_found());

    client.clusters().delete(&cluster.id).await.unwrap();
    let deleting = client.clusters().get(&cluster.id).await.unwrap();
    assert_eq!(deleting.task_name(), ClusterTaskName::Deleting);
    client
        .clusters()
        .wait_deleted(&cluster.id, emulated::fast())
        .await
        .unwrap();
    assert!(client
        .clusters()
        .get(&cluster.id)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test(start_paused = true)]
async fn actions_grow_shrink_restart_upgrade_and_configuration() {
    let emulator = emulated::emulator_with_reads(1);
    let client = emulated::client(&emulator);
    let clusters = client.clusters();
    let c = clusters
        .create("c2", "redis", "4.0")
        .instances(2, "7", 1)
        .await
        .unwrap();
    clusters.wait_ready(&c.id, emulated::fast()).await.unwrap();

    let grown = clusters
        .grow(&c.id, vec![ClusterInstanceSpec::new("7", 1).name("extra")])
        .await
        .unwrap()
        .expect("the action answers with the cluster");
    assert_eq!(grown.task_name(), ClusterTaskName::GrowingCluster);
    // A second action while a task runs is refused with 422.
    let busy = clusters.restart(&c.id).await.unwrap_err();
    assert_eq!(busy.status().map(|s| s.as_u16()), Some(422));
    let c = clusters.wait_ready(&c.id, emulated::fast()).await.unwrap();
    assert_eq!(c.instances.len(), 3);
    assert!(c.instances.iter().any(|i| i.name == "extra"));

    let victim = c.instances[0].id.clone();
    clusters.shrink(&c.id, &[&victim]).await.unwrap();
    let c = clusters.wait_ready(&c.id, emulated::fast()).await.unwrap();
    assert_eq!(c.instances.len(), 2);
    assert!(c.instances.iter().all(|i| i.id != victim));

    clusters.restart(&c.id).await.unwrap();
    let restarting = clusters.get(&c.id).await.unwrap();
    assert_eq!(restarting.task_name(), ClusterTaskName::RestartingCluster);
    clusters.wait_ready(&c.id, emulated::fast()).await.unwrap();

    clusters.upgrade(&c.id, "5.0").await.unwrap();
    let c = clusters.wait_ready(&c.id, emulated::fast()).await.unwrap();
    assert_eq!(c.datastore.unwrap().version.as_deref(), Some("5.0"));

    let group = client
        .configurations()
        .create("for-cluster")
        .value("max_connections", 50)
        .await
        .unwrap();
    clusters
        .configuration_attach(&c.id, &group.id)
        .await
        .unwrap();
    assert_eq!(
        clusters.get(&c.id).await.unwrap().configuration.as_deref(),
        Some(group.id.as_str())
    );
    let users = collect_all(client.configurations().instances(&group.id).into_stream()).await;
    assert_eq!(users.len(), 2, "both members use the group");
    let unknown = clusters
        .configuration_attach(&c.id, "missing")
        .await
        .unwrap_err();
    assert!(unknown.is_not_found());
    clusters.configuration_detach(&c.id).await.unwrap();
    assert!(clusters.get(&c.id).await.unwrap().configuration.is_none());

    // reset-status clears a running task at once.
    clusters.restart(&c.id).await.unwrap();
    clusters.reset_status(&c.id).await.unwrap();
    assert!(clusters.get(&c.id).await.unwrap().is_ready());
}

#[tokio::test(start_paused = true)]
async fn list_pages_by_id_and_streams_everything() {
    let emulator = emulated::emulator_with_reads(0);
    let client = emulated::client(&emulator);
    for i in 0..23 {
        client
            .clusters()
            .create(format!("c{i}"), "cassandra", "3.11")
            .instances(1, "7", 1)
            .await
            .unwrap();
    }
    let first = client.clusters().list().await.unwrap();
    assert_eq!(first.len(), 20);
    let second = client
        .clusters()
        .list()
        .marker(first.next.as_deref())
        .await
        .unwrap();
    assert_eq!(second.len(), 3);
    assert!(second.next.is_none());
    let small = client.clusters().list().limit(5).await.unwrap();
    assert_eq!(small.len(), 5);
    let all = collect_all(client.clusters().list().limit(7).into_stream()).await;
    let mut ids: Vec<_> = all.iter().map(|c| c.id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 23);
    // Another tenant sees none of them.
    let other = emulated::client_for(&emulator, "67890");
    assert!(other.clusters().list().await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn create_is_validated_as_trove_does() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let mysql = client
        .clusters()
        .create("c", "mysql", "5.7")
        .instances(1, "7", 1)
        .await
        .unwrap_err();
    assert_eq!(mysql.status().map(|s| s.as_u16()), Some(501));
    let unknown = client
        .clusters()
        .create("c", "nosuchdb", "1")
        .instances(1, "7", 1)
        .await
        .unwrap_err();
    assert!(unknown.is_not_found());
    let no_members = client
        .clusters()
        .create("c", "mongodb", "3.6")
        .await
        .unwrap_err();
    assert_eq!(no_members.fault_name(), Some("badRequest"));
    let bad_flavor = client
        .clusters()
        .create("c", "mongodb", "3.6")
        .instances(1, "999", 1)
        .await
        .unwrap_err();
    assert_eq!(bad_flavor.status().map(|s| s.as_u16()), Some(400));
    let too_big = client
        .clusters()
        .create("c", "mongodb", "3.6")
        .instances(1, "7", 1000)
        .await
        .unwrap_err();
    assert_eq!(too_big.fault_name(), Some("overLimit"));
}

#[tokio::test(start_paused = true)]
async fn a_wait_that_times_out_carries_the_last_task() {
    let emulator = emulated::emulator_with_reads(1000);
    let client = emulated::client(&emulator);
    let c = client
        .clusters()
        .create("slow", "mongodb", "3.6")
        .instances(1, "7", 1)
        .await
        .unwrap();
    let err = client
        .clusters()
        .wait_ready(&c.id, emulated::fast().timeout(Duration::from_millis(100)))
        .await
        .unwrap_err();
    match err {
        Error::Wait(w) => assert_eq!(w.last_status.as_deref(), Some("BUILDING_INITIAL")),
        other => panic!("unexpected {other:?}"),
    }
}

/// Follows trove/common/strategies/cluster/experimental/mongodb/api.py
/// `MongoDbCluster.add_shard` (via trove/cluster/service.py `ClusterController.action`): a
/// shard like the first one is added; other datastores refuse the action.
#[tokio::test(start_paused = true)]
async fn add_shard_copies_the_first_shard() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let clusters = client.clusters();
    let cluster = clusters
        .create("s", "mongodb", "3.6")
        .instances(2, "7", 1)
        .await
        .unwrap();
    clusters
        .wait_ready(&cluster.id, emulated::fast())
        .await
        .unwrap();
    let adding = clusters.add_shard(&cluster.id).await.unwrap().unwrap();
    assert_eq!(adding.task_name(), ClusterTaskName::AddingShard);
    let ready = clusters
        .wait_ready(&cluster.id, emulated::fast())
        .await
        .unwrap();
    let shards: std::collections::BTreeSet<_> =
        ready.instances.iter().map(|m| m.shard_id.clone()).collect();
    assert_eq!((ready.instances.len(), shards.len()), (4, 2), "{ready:?}");
    assert!(ready.instances.iter().all(|m| m.ip.is_empty()));

    let redis = clusters
        .create("r", "redis", "4.0")
        .instances(1, "7", 1)
        .await
        .unwrap();
    clusters
        .wait_ready(&redis.id, emulated::fast())
        .await
        .unwrap();
    let err = clusters.add_shard(&redis.id).await.unwrap_err();
    assert_eq!(emulated::status(&err), Some(400), "{err}");
}
