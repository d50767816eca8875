//! Datastores, versions, their flavors and volume types, the admin delete, and configuration
//! parameters (hyphenated list key, bare show) against the emulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

const VERSION_ID: &str = "44aaf438-dcbb-4e42-989d-e8222b7353c3";

#[tokio::test(start_paused = true)]
async fn list_get_versions() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let ds = client.datastores();
    let all = ds.list().await.unwrap();
    assert_eq!(all[0].name, "mysql");
    assert_eq!(all[0].default_version.as_deref(), Some(VERSION_ID));
    assert_eq!(ds.get("mysql").await.unwrap().id, all[0].id);
    let versions = ds.versions("mysql").await.unwrap();
    assert_eq!(versions[0].name, "5.7.29");
    let by_name = ds.version("mysql", "5.7.29").await.unwrap();
    assert_eq!(by_name.id, VERSION_ID);
    let by_uuid = ds.version_by_uuid(VERSION_ID).await.unwrap();
    assert_eq!(by_uuid.name, "5.7.29");
    assert!(ds.get("nosuch").await.unwrap_err().is_not_found());
    assert!(ds.version("mysql", "9.9").await.unwrap_err().is_not_found());
}

#[tokio::test(start_paused = true)]
async fn version_flavors_and_volume_types() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let flavors = client
        .datastores()
        .version_flavors("mysql", "5.7.29")
        .await
        .unwrap();
    assert!(flavors.iter().any(|f| f.id() == "1"));
    let types = client
        .datastores()
        .version_volume_types("mysql", "5.7.29")
        .await
        .unwrap();
    assert_eq!(types[0].name, "lvmdriver-1");
}

#[tokio::test(start_paused = true)]
async fn delete_is_admin_only_and_refused_with_versions() {
    let emu = emulated::emulator();
    let err = emulated::client(&emu)
        .datastores()
        .delete("mysql")
        .await
        .unwrap_err();
    assert!(err.is_forbidden(), "{err}");
    let admin = emulated::admin(&emu);
    let err = admin.datastores().delete("mysql").await.unwrap_err();
    assert!(err.is_bad_request(), "{err}");
    let err = admin.datastores().delete("nosuch").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn configuration_parameters_by_name_and_by_version_id() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let params = client.configuration_parameters();
    let list = params.list("mysql", "5.7.29").await.unwrap();
    let max = list.iter().find(|p| p.name == "max_connections").unwrap();
    assert_eq!(max.kind, "integer");
    assert_eq!(max.max.as_ref().and_then(|n| n.as_u64()), Some(100_000));
    let one = params
        .get("mysql", "5.7.29", "max_connections")
        .await
        .unwrap();
    assert_eq!(&one, max);
    let by_id = params.list_by_version(VERSION_ID).await.unwrap();
    assert_eq!(by_id.len(), list.len());
    let one = params
        .get_by_version(VERSION_ID, "character_set_server")
        .await
        .unwrap();
    assert_eq!((one.kind.as_str(), one.min.is_none()), ("string", true));
    let err = params.get_by_version(VERSION_ID, "nope").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}
