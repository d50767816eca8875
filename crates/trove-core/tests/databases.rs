//! Databases against the emulator: create, list (pages by name, stream), delete, and the
//! errors of an instance that is not ready.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use shared::collect_all;
use trove_types::instance::DatabaseSpec;

#[tokio::test(start_paused = true)]
async fn create_list_delete() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "db-host").await;
    let dbs = client.databases(&id);
    dbs.create(&[
        DatabaseSpec::new("db2"),
        DatabaseSpec::new("my.db").character_set("utf8"),
    ])
    .await
    .unwrap();
    let page = dbs.list().await.unwrap();
    let names: Vec<&str> = page.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["db2", "my.db"]);
    assert!(page.next.is_none());
    dbs.delete("my.db").await.unwrap();
    let names: Vec<String> = dbs
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["db2"]);
}

#[tokio::test(start_paused = true)]
async fn list_pages_by_name_and_streams() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "db-host").await;
    let specs: Vec<DatabaseSpec> = (0..25)
        .map(|i| DatabaseSpec::new(format!("db{i:02}")))
        .collect();
    client.databases(&id).create(&specs).await.unwrap();
    let first = client.databases(&id).list().await.unwrap();
    assert_eq!(first.len(), 20);
    assert_eq!(first.next.as_deref(), Some("db19"));
    let second = client
        .databases(&id)
        .list()
        .marker(first.next.as_deref())
        .await
        .unwrap();
    assert_eq!(second.len(), 5);
    assert!(second.next.is_none());
    let small = client.databases(&id).list().limit(1).await.unwrap();
    assert_eq!(small.next.as_deref(), Some("db00"));
    let all = collect_all(client.databases(&id).list().limit(7).into_stream()).await;
    assert_eq!(all.len(), 25);
    assert_eq!(all[24].name, "db24");
}

#[tokio::test(start_paused = true)]
async fn not_ready_or_unknown_instances_fail() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let building = client.instances().create("b", "1").volume(1).await.unwrap();
    let err = client
        .databases(&building.id)
        .create(&[DatabaseSpec::new("x")])
        .await
        .unwrap_err();
    assert!(err.is_unprocessable(), "{err}");
    let err = client.databases("nope").list().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}
