//! Version discovery against the in-process emulator: the versions document at `GET /`, and
//! the version's own root at `GET /v1.0/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

/// Follows trove/versions.py `VersionsController.index` and `show`, and
/// trove/common/auth.py `TenantBasedAuth.authorize`: `GET /v1.0/` reaches `show` only through
/// Trove's token and tenant checks. The SDK sends no token outside the project endpoint, and
/// fake mode answers a request without one with 500 `instanceFault`
/// (`tests/fixtures/real-trove/067-err-no-token.json`); with a token, the tenant check, whose
/// pattern needs a tenant in the path, refuses it with 403 (`003-get-v1-root.json`, which the
/// emulator's replay suite checks). Either way the caller gets the server's error.
#[tokio::test(start_paused = true)]
async fn index_and_show() {
    let emulator = emulated::emulator();
    let client = emulated::client(&emulator);
    let versions = client
        .versions()
        .index("http://localhost:8779")
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].id, "v1.0");
    let root = versions[0].self_link().unwrap().to_owned();
    assert!(root.ends_with("/v1.0/"), "{root}");
    let err = client.versions().show(&root).await.unwrap_err();
    assert_eq!(emulated::status(&err), Some(500), "{err}");
    assert!(err.to_string().contains("instanceFault"), "{err}");
    assert!(client
        .versions()
        .show("http://localhost:8779")
        .await
        .is_err());
}
