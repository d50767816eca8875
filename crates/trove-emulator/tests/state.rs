//! `--state FILE`: instances (with databases and users) and backups saved by one emulator and
//! loaded by another, pending tasks finished before the save, and a bad file refused whole.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use http::StatusCode;
use serde_json::json;
use trove_emulator::{Config, Emulator};

use common::{ids, Tenant, TENANT};

/// A fresh path in the system temp directory, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "trove-emulator-state-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempPath(dir)
    }
    fn file(&self) -> PathBuf {
        self.0.join("state.json")
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(start_paused = true)]
async fn a_saved_world_loads_into_a_new_emulator() {
    let dir = TempPath::new("roundtrip");
    let first = Emulator::new(Config::default());
    let svc = first.service();
    let api = Tenant::new(&svc, TENANT);
    let a = api.create_instance("a").await;
    let _building = api.create_instance("b").await;
    first.settle_all();
    let base = format!("instances/{a}");
    let r = api
        .post(
            &format!("{base}/databases"),
            json!({"databases": [{"name": "shop"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = api
        .post(
            &format!("{base}/users"),
            json!({"users": [{"name": "app", "password": "pw-123", "databases": [{"name": "shop"}]}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = api
        .post("backups", json!({"backup": {"name": "bk", "instance": a}}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let backup = r.json()["backup"]["id"].as_str().unwrap().to_owned();
    let shown_before = api.get(&base).await.json()["instance"].clone();
    // Trove shows an instance as BACKUP while a backup of it runs; the save finishes the
    // backup, so the loaded instance is ACTIVE again.
    assert_eq!(shown_before["status"], "BACKUP");

    first.save_state(&dir.file()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.file()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the file holds user passwords");
    }

    let second = Emulator::new(Config::default());
    second.load_state(&dir.file()).unwrap();
    let svc2 = second.service();
    let api2 = Tenant::new(&svc2, TENANT);
    let shown = api2.get(&base).await.json()["instance"].clone();
    for key in ["id", "name", "flavor", "volume"] {
        assert_eq!(shown[key], shown_before[key], "{key}");
    }
    assert_eq!(shown["status"], "ACTIVE");
    // Times are kept to the second through a wall-clock reading of each process, so a save and
    // a load that straddle a second boundary may differ by one.
    for key in ["created", "updated"] {
        let secs = |v: &serde_json::Value| {
            let t = v.as_str().expect("a time");
            let day: i64 = t[8..10].parse().unwrap();
            let hms: Vec<i64> = t[11..19].split(':').map(|x| x.parse().unwrap()).collect();
            day * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
        };
        let drift = (secs(&shown[key]) - secs(&shown_before[key])).abs();
        assert!(drift <= 1, "{key}: {} vs {}", shown[key], shown_before[key]);
    }
    let list = api2.get("instances").await.json();
    assert_eq!(ids(&list, "instances").len(), 2);
    let dbs = api2.get(&format!("{base}/databases")).await.json();
    assert_eq!(dbs["databases"][0]["name"], "shop");
    let users = api2.get(&format!("{base}/users")).await.json();
    assert_eq!(users["users"][0]["name"], "app");
    assert_eq!(users["users"][0]["databases"][0]["name"], "shop");
    // The backup was still NEW at the save, which finished it.
    let b = api2.get(&format!("backups/{backup}")).await.json();
    assert_eq!(b["backup"]["status"], "COMPLETED");
    // A new instance after the load sorts after the loaded ones (lists are newest first), so
    // the loaded sequence numbers were kept and the counter moved past them.
    let c = api2.create_instance("c").await;
    let list = api2.get("instances").await.json();
    assert_eq!(ids(&list, "instances").first(), Some(&c));
    assert_eq!(ids(&list, "instances").last(), Some(&a));
}

#[tokio::test(start_paused = true)]
async fn the_save_finishes_tasks_in_flight() {
    let dir = TempPath::new("pending");
    let first = Emulator::new(Config::default());
    let api = Tenant::new(&first.service(), TENANT);
    let a = api.create_instance("a").await;
    assert_eq!(api.instance_status(&a).await.as_deref(), Some("BUILD"));
    first.save_state(&dir.file()).unwrap();
    let second = Emulator::new(Config::default());
    second.load_state(&dir.file()).unwrap();
    let api2 = Tenant::new(&second.service(), TENANT);
    assert_eq!(api2.instance_status(&a).await.as_deref(), Some("ACTIVE"));
}

#[tokio::test(start_paused = true)]
async fn a_bad_state_file_is_refused_and_changes_nothing() {
    let dir = TempPath::new("bad");
    let emulator = Emulator::new(Config::default());
    let api = Tenant::new(&emulator.service(), TENANT);
    let a = api.create_instance("keep").await;
    for (text, needle) in [
        ("not json", "expected"),
        (
            r#"{"version": 99, "instances": [], "backups": []}"#,
            "format version 99",
        ),
        (
            r#"{"version": 1, "backups": [], "instances": [{"id": "x", "tenant": "t", "seq": 1,
              "name": "n", "status": "MELTING", "operating_status": "", "flavor_id": "1",
              "volume_size": 1, "created": 0, "updated": 0, "service_status_updated": 0,
              "fault": null, "access": {}, "databases": [], "users": [], "root_enabled": false,
              "replica_of": null}]}"#,
            "unknown status \"MELTING\"",
        ),
    ] {
        std::fs::write(dir.file(), text).unwrap();
        let e = emulator.load_state(&dir.file()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert!(e.to_string().contains(needle), "{e} lacks {needle:?}");
    }
    assert!(
        api.instance_status(&a).await.is_some(),
        "the world is unchanged"
    );
    let missing = emulator.load_state(&dir.0.join("absent.json")).unwrap_err();
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
}

#[tokio::test(start_paused = true)]
async fn loaded_times_before_the_start_keep_their_date() {
    let dir = TempPath::new("old-times");
    std::fs::write(
        dir.file(),
        r#"{"version": 1, "backups": [], "instances": [{"id": "old", "tenant": "TENANT",
          "seq": 7, "name": "n", "status": "ACTIVE", "operating_status": "HEALTHY",
          "flavor_id": "1", "volume_size": 1, "created": 1000000000, "updated": 1000000061,
          "service_status_updated": 1000000061, "fault": null, "access": {}, "databases": [],
          "users": [], "root_enabled": false, "replica_of": null}]}"#
            .replace("TENANT", TENANT),
    )
    .unwrap();
    let emulator = Emulator::new(Config::default());
    emulator.load_state(&dir.file()).unwrap();
    let api = Tenant::new(&emulator.service(), TENANT);
    let shown = api.get("instances/old").await.json()["instance"].clone();
    assert_eq!(shown["created"], "2001-09-09T01:46:40");
    assert_eq!(shown["updated"], "2001-09-09T01:47:41");
}

/// An imported backup (trove/backup/models.py `Backup.create` with `restore_from`) keeps its
/// status, location, size and lack of instance across a save and a load.
#[tokio::test(start_paused = true)]
async fn an_imported_backup_survives_a_restart() {
    let dir = TempPath::new("import");
    let first = Emulator::new(Config::default());
    let api = Tenant::new(&first.service(), TENANT);
    let body = json!({"backup": {"name": "imp", "restore_from": {
        "remote_location": "http://swift/c/o",
        "local_datastore_version_id": "44aaf438-dcbb-4e42-989d-e8222b7353c3", "size": 3.25}}});
    let r = api.post("backups", body).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let id = r.json()["backup"]["id"].as_str().unwrap().to_owned();
    let before = api.get(&format!("backups/{id}")).await.json();
    first.save_state(&dir.file()).unwrap();

    let second = Emulator::new(Config::default());
    second.load_state(&dir.file()).unwrap();
    let api = Tenant::new(&second.service(), TENANT);
    let after = api.get(&format!("backups/{id}")).await.json();
    for key in [
        "status",
        "instance_id",
        "locationRef",
        "size",
        "datastore",
        "created",
    ] {
        assert_eq!(after["backup"][key], before["backup"][key], "{key}");
    }
    assert_eq!(after["backup"]["status"], "RESTORED");
}
