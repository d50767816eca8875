//! Root users against the emulator: instance enable (generated or given password), check,
//! disable (204); cluster enable and check.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

#[tokio::test(start_paused = true)]
async fn enable_check_disable() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "root").await;
    let root = client.root(&id);
    assert!(!root.is_enabled().await.unwrap());
    let user = root.enable().await.unwrap();
    assert_eq!(user.name, "root");
    assert!(!user.password.expose().is_empty());
    assert!(root.is_enabled().await.unwrap());
    root.disable().await.unwrap();
    assert!(!root.is_enabled().await.unwrap());
    assert!(root.disable().await.unwrap_err().is_not_found());
}

#[tokio::test(start_paused = true)]
async fn enable_with_password() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let id = emulated::ready_instance(&client, "root").await;
    let user = client
        .root(&id)
        .enable_with_password("s3cret")
        .await
        .unwrap();
    assert_eq!(user.password.expose(), "s3cret");
    assert!(!format!("{user:?}").contains("s3cret"));
}

#[tokio::test(start_paused = true)]
async fn cluster_root_enable_check() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let cluster = client
        .clusters()
        .create("c1", "mongodb", "3.6")
        .instances(3, "1", 1)
        .await
        .unwrap();
    let root = client.cluster_root(&cluster.id);
    assert!(!root.is_enabled().await.unwrap());
    let user = root.enable_with_password("pw").await.unwrap();
    assert_eq!((user.name.as_str(), user.password.expose()), ("root", "pw"));
    assert!(root.is_enabled().await.unwrap());
    assert!(!root.enable().await.unwrap().password.expose().is_empty());
    let err = client.cluster_root("nope").is_enabled().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}
