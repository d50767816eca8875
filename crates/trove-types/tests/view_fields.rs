//! The response fields of Trove 26's views that the other fixtures do not carry: admin-only
//! instance fields, the management view's volume and root history, volume statistics a guest
//! reports, and a module's instance count. Each fixture decodes and re-serializes without loss.
//!
//! Fixtures named `*.real-trove.json` were answered by Trove 26.0.0 in fake mode; those named
//! `*.from-view-code.json` were written from the view code, because fake mode cannot produce
//! the field (its guest reports no block counts, it has no PostgreSQL guest, no volume-less
//! flavors, and no module is applied to an instance).

// A test that cannot read its fixtures should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use trove_types::instance::InstanceEnvelope;
use trove_types::mgmt::MgmtInstanceEnvelope;
use trove_types::module::ModuleEnvelope;

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/views")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("fixture")).expect("fixture JSON")
}

/// Decodes `body` as `T` and checks that writing it back gives every field the body had.
fn decode_without_loss<T: DeserializeOwned + Serialize>(body: &Value) -> T {
    let typed: T = serde_json::from_value(body.clone()).expect("decodes");
    let back = serde_json::to_value(&typed).expect("serializes");
    let mut lost = Vec::new();
    compare("$", body, &back, &mut lost);
    assert!(lost.is_empty(), "{}", lost.join("\n"));
    typed
}

/// A body key missing from the re-serialization is lost unless it is `null` or `[]`.
fn compare(at: &str, body: &Value, back: &Value, lost: &mut Vec<String>) {
    match (body, back) {
        (Value::Object(b), Value::Object(k)) => {
            for (key, v) in b {
                match k.get(key) {
                    Some(kv) => compare(&format!("{at}.{key}"), v, kv, lost),
                    None if v.is_null() || v.as_array().is_some_and(Vec::is_empty) => {}
                    None => lost.push(format!("{at}.{key}: lost")),
                }
            }
        }
        (Value::Array(b), Value::Array(k)) if b.len() == k.len() => {
            for (i, (bv, kv)) in b.iter().zip(k).enumerate() {
                compare(&format!("{at}[{i}]"), bv, kv, lost);
            }
        }
        (b, k) if b == k => {}
        (b, k) => lost.push(format!("{at}: {b} became {k}")),
    }
}

/// Follows trove/instance/views.py `InstanceDetailView.data`: an admin sees `tenant_id`,
/// `server_id`, `volume_id` and `encrypted_rpc_messaging`.
#[test]
fn admin_instance_fields_follow_instance_detail_view() {
    let env: InstanceEnvelope =
        decode_without_loss(&fixture("admin-instance-show.real-trove.json"));
    let i = env.instance;
    assert_eq!(i.tenant_id.as_deref(), Some("admin0123456789"));
    assert_eq!(
        i.server_id(),
        Some("FAKE_e0350097-c294-4390-a331-b9a58d3f777f")
    );
    assert_eq!(
        i.volume_id(),
        Some("FAKE_VOL_5b584093-c6c8-4ecb-b7a8-cbfbc4b674cd")
    );
    assert_eq!(i.encrypted_rpc_messaging(), Some(true));
    assert!(i.fault().is_some_and(|f| f.details.is_some()));
}

/// Follows trove/instance/views.py `InstanceDetailView.data` and trove/instance/models.py
/// `load_guest_info`: `used_percent` from the guest's block counts, and `mgr_extra_info` (a
/// PostgreSQL guest's `wal_size` and `wal_archive_size`) merged into `volume`.
#[test]
fn volume_statistics_follow_load_guest_info() {
    let env: InstanceEnvelope =
        decode_without_loss(&fixture("instance-show-volume-stats.from-view-code.json"));
    assert!(env.instance.local_storage().is_none());
    let stats = env.instance.volume_stats().expect("volume statistics");
    assert_eq!(stats.used_percent, Some(21.35));
    assert_eq!(stats.wal_size, Some(16384));
    assert_eq!(stats.wal_archive_size, Some(1_048_576));
    assert_eq!(env.instance.volume.and_then(|v| v.used), Some(0.4));
}

/// Follows trove/instance/views.py `InstanceDetailView.data`: without volume support the
/// used space is reported as `local_storage.used`.
#[test]
fn local_storage_follows_instance_detail_view() {
    let env: InstanceEnvelope =
        decode_without_loss(&fixture("instance-show-local-storage.from-view-code.json"));
    assert!(env.instance.volume.is_none());
    assert_eq!(env.instance.local_storage().and_then(|l| l.used), Some(1.2));
}

/// Follows trove/extensions/mgmt/instances/views.py `MgmtInstanceDetailView.data`: the Cinder
/// volume's zone and creation time, the server's `local_id`, and the root history.
#[test]
fn mgmt_fields_follow_mgmt_instance_detail_view() {
    let env: MgmtInstanceEnvelope =
        decode_without_loss(&fixture("admin-mgmt-instance-show.real-trove.json"));
    let m = env.instance;
    let volume = m.volume.expect("volume");
    assert_eq!(volume.created_at.as_deref(), Some("2001-01-01-12:30:30"));
    assert_eq!(volume.availability_zone, None);
    assert_eq!(volume.total, Some(4.0));
    assert_eq!(m.server.and_then(|s| s.local_id), Some(0));
    assert_eq!(m.root_enabled.as_deref(), Some("2026-12-06T05:22:13"));
    assert_eq!(m.root_enabled_by.as_deref(), Some("admin0123456789"));
    assert_eq!(
        m.instance.server_id(),
        volume.attachments[0]["server_id"].as_str()
    );
}

/// Follows trove/module/views.py `DetailedModuleView.data` and trove/module/service.py
/// `ModuleController.show`, which counts the instances the module is applied to.
#[test]
fn module_instance_count_follows_detailed_module_view() {
    let env: ModuleEnvelope =
        decode_without_loss(&fixture("module-show-instance-count.from-view-code.json"));
    assert_eq!(env.module.instance_count, Some(2));
}
