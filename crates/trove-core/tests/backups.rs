//! Backups and backup strategies against the emulator: create (NEW), wait for COMPLETED, get,
//! list with filters and offset markers (an empty last page ends the stream), instance backups,
//! delete and wait for 404; and a scripted server for the failure states.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use bytes::Bytes;
use shared::{answering, collect_all};
use trove_core::request::wait::WaitFailure;
use trove_core::Error;
use trove_types::backup::{BackupStatus, CreateBackupStrategy};

#[tokio::test(start_paused = true)]
async fn create_wait_get_list_delete() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "bk").await;
    let backup = client
        .backups()
        .create("bk1", &id)
        .description("first")
        .await
        .unwrap();
    assert_eq!(backup.status, BackupStatus::New);
    assert_eq!(backup.description.as_deref(), Some("first"));
    let done = client
        .backups()
        .wait_completed(&backup.id, emulated::wait())
        .await
        .unwrap();
    assert_eq!(done.status, BackupStatus::Completed);
    assert!(done.size.is_some() && done.location_ref.is_some());
    let got = client.backups().get(&backup.id).await.unwrap();
    assert_eq!(got.instance_id.as_deref(), Some(id.as_str()));
    let page = client.backups().list().await.unwrap();
    assert_eq!(page.len(), 1);
    assert!(page.next.is_none());
    let mine = client.instances().backups(&id).await.unwrap();
    assert_eq!(mine[0].id, backup.id);
    client.backups().delete(&backup.id).await.unwrap();
    client
        .backups()
        .wait_deleted(&backup.id, emulated::wait())
        .await
        .unwrap();
    assert!(client
        .backups()
        .get(&backup.id)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test(start_paused = true)]
async fn offset_pages_end_with_an_empty_page() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "bk").await;
    for i in 0..4 {
        let b = client
            .backups()
            .create(format!("bk{i}"), &id)
            .await
            .unwrap();
        client
            .backups()
            .wait_completed(&b.id, emulated::wait())
            .await
            .unwrap();
    }
    let first = client.backups().list().limit(2).await.unwrap();
    assert_eq!((first.len(), first.next.as_deref()), (2, Some("2")));
    let second = client
        .backups()
        .list()
        .limit(2)
        .marker(first.next.as_deref())
        .await
        .unwrap();
    assert_eq!((second.len(), second.next.as_deref()), (2, Some("4")));
    let last = client
        .backups()
        .list()
        .limit(2)
        .marker(second.next.as_deref())
        .await
        .unwrap();
    assert!(last.is_empty() && last.next.is_none());
    let all = collect_all(client.backups().list().limit(2).into_stream()).await;
    assert_eq!(all.len(), 4);
    let names: Vec<&str> = all.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["bk3", "bk2", "bk1", "bk0"], "newest update first");
    let by_instance = collect_all(client.instances().backups(&id).limit(3).into_stream()).await;
    assert_eq!(by_instance.len(), 4);
}

#[tokio::test(start_paused = true)]
async fn list_filters() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let a = emulated::ready_instance(&client, "a").await;
    let b = emulated::ready_instance(&client, "b").await;
    for (name, inst) in [("ba", &a), ("bb", &b)] {
        let bk = client.backups().create(name, inst).await.unwrap();
        client
            .backups()
            .wait_completed(&bk.id, emulated::wait())
            .await
            .unwrap();
    }
    let only_a = client.backups().list().instance_id(&a).await.unwrap();
    assert_eq!(only_a.len(), 1);
    assert_eq!(only_a[0].name, "ba");
    let req = client
        .backups()
        .list()
        .datastore("mysql")
        .all_projects(true)
        .project_id("p1");
    assert_eq!(
        req.operation(None).path_and_query(),
        "/backups?datastore=mysql&all_projects=true&project_id=p1"
    );
    assert_eq!(
        client
            .backups()
            .list()
            .datastore("mysql")
            .await
            .unwrap()
            .len(),
        2
    );
    let err = client
        .backups()
        .list()
        .all_projects(true)
        .await
        .unwrap_err();
    assert!(err.is_forbidden(), "{err}");
    let admin = emulated::admin(&emu);
    assert_eq!(
        admin
            .backups()
            .list()
            .all_projects(true)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test(start_paused = true)]
async fn strategies_create_list_delete() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "s").await;
    let strategies = client.backup_strategies();
    let created = strategies
        .create(&CreateBackupStrategy {
            instance_id: Some(id.clone()),
            swift_container: Some("my-backups".into()),
        })
        .await
        .unwrap();
    assert_eq!(created.swift_container.as_deref(), Some("my-backups"));
    assert_eq!(created.backend.as_deref(), Some("swift"));
    strategies
        .create(&CreateBackupStrategy {
            instance_id: None,
            swift_container: Some("project-backups".into()),
        })
        .await
        .unwrap();
    assert_eq!(strategies.list(None, None).await.unwrap().len(), 2);
    let one = strategies.list(Some(&id), None).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].instance_id.as_deref(), Some(id.as_str()));
    strategies.delete(Some(&id), None).await.unwrap();
    assert_eq!(strategies.list(None, None).await.unwrap().len(), 1);
    assert!(strategies
        .delete(Some(&id), None)
        .await
        .unwrap_err()
        .is_not_found());
}

/// A server whose backup shows `statuses` in turn (the last one forever).
fn scripted(statuses: &'static [&'static str]) -> trove_core::Client {
    answering(move |n| {
        let status = statuses[n.min(statuses.len() - 1)];
        Bytes::from(format!(
            r#"{{"backup": {{"id": "b1", "name": "bk", "status": "{status}"}}}}"#
        ))
    })
}

#[tokio::test(start_paused = true)]
async fn wait_for_fails_on_failed_states_with_the_last_status() {
    for (script, last) in [
        (&["NEW", "BUILDING", "FAILED"][..], "FAILED"),
        (&["SAVING", "DELETE_FAILED"][..], "DELETE_FAILED"),
    ] {
        let client = scripted(script);
        let err = client
            .backups()
            .wait_completed("b1", emulated::wait())
            .await
            .unwrap_err();
        let Error::Wait(w) = err else {
            panic!("not a wait error: {err}")
        };
        assert_eq!(w.failure, WaitFailure::FailedState);
        assert_eq!(w.last_status.as_deref(), Some(last));
    }
    let client = scripted(&["DELETE_FAILED"]);
    let err = client
        .backups()
        .wait_deleted("b1", emulated::wait())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Wait(_)), "{err}");
    let client = scripted(&["NEW", "SAVING", "COMPLETED"]);
    let b = client
        .backups()
        .wait_for("b1", &[BackupStatus::Completed], emulated::wait())
        .await
        .unwrap();
    assert_eq!(b.status, BackupStatus::Completed);
}

/// Follows trove/backup/service.py `BackupController.create` and trove/backup/models.py
/// `Backup.create`: an import records the given data as a `RESTORED` backup of no instance;
/// a backup with a storage driver is taken as usual.
#[tokio::test(start_paused = true)]
async fn import_and_storage_driver() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let version = "44aaf438-dcbb-4e42-989d-e8222b7353c3";
    let from = trove_types::backup::RestoreFrom::new("http://swift/c/b.xbstream", version, 2.5);
    let imported = client
        .backups()
        .import("imported", from)
        .description("from another region")
        .storage_driver("swift")
        .await
        .unwrap();
    assert_eq!(imported.status, BackupStatus::Restored);
    assert_eq!(imported.instance_id, None);
    assert_eq!(imported.size, Some(2.5));
    assert_eq!(
        imported.location_ref.as_deref(),
        Some("http://swift/c/b.xbstream")
    );
    let unknown = trove_types::backup::RestoreFrom::new(
        "http://swift/c/b.xbstream",
        "00000000-0000-0000-0000-000000000bad",
        1.0,
    );
    let err = client.backups().import("x", unknown).await.unwrap_err();
    assert_eq!(emulated::status(&err), Some(400), "{err}");

    let id = emulated::ready_instance(&client, "sd").await;
    let taken = client
        .backups()
        .create("with-driver", &id)
        .storage_driver("swift")
        .await
        .unwrap();
    assert_eq!(taken.instance_id.as_deref(), Some(id.as_str()));
}
