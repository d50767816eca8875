//! Quotas against the in-process emulator: usage, update, and the admin-only policy.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

use trove_types::quota::QuotaLimits;

#[tokio::test(start_paused = true)]
async fn admin_reads_usage_and_sets_limits() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    user.instances().create("a", "1").volume(2).await.unwrap();
    user.instances().create("b", "1").volume(3).await.unwrap();

    let admin = emulated::admin(&emulator);
    let usage = admin.quotas().get("12345").await.unwrap();
    let instances = usage.get("instances").unwrap();
    assert_eq!((instances.in_use, instances.limit), (2, 10));
    assert_eq!(usage.get("volumes").unwrap().in_use, 5);
    assert!(usage.get("backups").is_some() && usage.get("ram").is_some());

    let set = admin
        .quotas()
        .update("12345", &QuotaLimits::default().set("instances", 3))
        .await
        .unwrap();
    assert_eq!(set.quotas.get("instances"), Some(&3));
    assert_eq!(set.quotas.len(), 1);
    let usage = admin.quotas().get("12345").await.unwrap();
    assert_eq!(usage.get("instances").unwrap().limit, 3);
    assert_eq!(usage.get("backups").unwrap().limit, 50);

    let unknown = admin
        .quotas()
        .update("12345", &QuotaLimits::default().set("gpus", 1))
        .await
        .unwrap_err();
    assert_eq!(unknown.fault_name(), Some("badRequest"));
}

#[tokio::test(start_paused = true)]
/// Follows trove/extensions/mgmt/quota/service.py: `QuotaController.show` answers a project's
/// own quotas and refuses another's (`TroveOperationAuthError`, 403); `update` is
/// `admin_context` (401).
async fn quotas_are_admin_only() {
    let emulator = emulated::emulator();
    let user = emulated::client(&emulator);
    let own = user.quotas().get("12345").await.unwrap();
    assert!(own.get("instances").is_some());
    let denied = user.quotas().get("67890").await.unwrap_err();
    assert_eq!(denied.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(denied.fault_name(), Some("forbidden"));
    let denied = user
        .quotas()
        .update("12345", &QuotaLimits::default().set("instances", 99))
        .await
        .unwrap_err();
    assert_eq!(denied.status().map(|s| s.as_u16()), Some(401));
}
