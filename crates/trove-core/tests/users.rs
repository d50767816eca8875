//! Users against the emulator: create, list (pages by name), show, update, bulk password
//! change, delete, database access, and `name@host` / dotted names in paths.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;
mod shared;

use shared::collect_all;
use trove_types::instance::{DatabaseSpec, UserSpec};
use trove_types::user::{PasswordChange, UpdateUser};

#[tokio::test(start_paused = true)]
async fn create_list_show_update_delete() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "users").await;
    let users = client.users(&id);
    users
        .create(&[
            UserSpec::new("alice", "pw1"),
            UserSpec::new("bob", "pw2").host("10.0.0.%"),
        ])
        .await
        .unwrap();
    let page = users.list().await.unwrap();
    let names: Vec<(&str, Option<&str>)> = page
        .iter()
        .map(|u| (u.name.as_str(), u.host.as_deref()))
        .collect();
    assert_eq!(names, [("alice", Some("%")), ("bob", Some("10.0.0.%"))]);
    let bob = users.get(("bob", "10.0.0.%")).await.unwrap();
    assert_eq!(bob.host.as_deref(), Some("10.0.0.%"));
    assert!(users.get("bob").await.unwrap_err().is_not_found());
    users
        .update("alice", &UpdateUser::new().name("alicia").host("192.168.%"))
        .await
        .unwrap();
    assert!(users.get("alice").await.unwrap_err().is_not_found());
    let alicia = users.get(("alicia", "192.168.%")).await.unwrap();
    assert_eq!(alicia.name, "alicia");
    users.delete(&alicia).await.unwrap();
    users.delete("bob@10.0.0.%").await.unwrap();
    assert!(users.list().await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn change_passwords_in_bulk() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "users").await;
    let users = client.users(&id);
    users
        .create(&[UserSpec::new("a", "1"), UserSpec::new("b", "2")])
        .await
        .unwrap();
    users
        .change_passwords(&[PasswordChange::new("a", "x"), PasswordChange::new("b", "y")])
        .await
        .unwrap();
    let err = users
        .change_passwords(&[PasswordChange::new("ghost", "z")])
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn access_grant_list_revoke() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "users").await;
    client
        .databases(&id)
        .create(&[DatabaseSpec::new("d1"), DatabaseSpec::new("d.2")])
        .await
        .unwrap();
    let users = client.users(&id);
    users
        .create(&[UserSpec::new("j.smith", "pw").host("%").database("d1")])
        .await
        .unwrap();
    users.grant("j.smith", &["d.2"]).await.unwrap();
    let access: Vec<String> = users
        .access(("j.smith", "%"))
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(access, ["d.2", "d1"]);
    users.revoke("j.smith", "d.2").await.unwrap();
    let access = users.access("j.smith").await.unwrap();
    assert_eq!(access.len(), 1);
    assert_eq!(access[0].name, "d1");
}

#[tokio::test(start_paused = true)]
async fn list_pages_by_user_at_host_and_streams() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "users").await;
    let specs: Vec<UserSpec> = (0..23)
        .map(|i| UserSpec::new(format!("u{i:02}"), "pw"))
        .collect();
    client.users(&id).create(&specs).await.unwrap();
    let first = client.users(&id).list().await.unwrap();
    // The marker is `user@host`, as Trove's guest pages users.
    assert_eq!((first.len(), first.next.as_deref()), (20, Some("u19@%")));
    let all = collect_all(client.users(&id).list().into_stream()).await;
    assert_eq!(all.len(), 23);
}
