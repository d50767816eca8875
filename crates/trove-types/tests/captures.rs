//! Decodes every response body captured from the real Trove 26.0.0 server
//! (`tests/fixtures/real-trove/*.json`) into the typed envelope its route returns, and checks
//! that re-serializing the typed value loses no field the model knows: every field the model
//! writes back equals the capture's, and every capture field is written back.

// A test that cannot read its fixtures should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use trove_types::backup::{BackupEnvelope, BackupList};
use trove_types::database::DatabaseList;
use trove_types::datastore::{
    DatastoreEnvelope, DatastoreList, DatastoreVersionEnvelope, DatastoreVersionList,
};
use trove_types::flavor::{FlavorEnvelope, FlavorList};
use trove_types::instance::{InstanceEnvelope, InstanceList};
use trove_types::limit::LimitList;
use trove_types::root::{RootEnabled, RootUserEnvelope};
use trove_types::user::{UserEnvelope, UserList};
use trove_types::version::VersionsEnvelope;
use trove_types::Fault;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real-trove")
}

/// Decodes `body` as `T`, re-serializes it, and returns the differences with the capture.
fn round_trip<T: DeserializeOwned + Serialize>(body: &Value) -> Result<Vec<String>, String> {
    let typed: T = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    let mut diffs = Vec::new();
    compare("$", body, &back, &mut diffs);
    Ok(diffs)
}

/// Compares the capture with the re-serialization. A capture key that is absent from the
/// re-serialization is lost unless its value is `null` or an empty list (which the models
/// write as an absent `Option` or skipped empty `Vec`).
fn compare(at: &str, capture: &Value, back: &Value, diffs: &mut Vec<String>) {
    match (capture, back) {
        (Value::Object(c), Value::Object(b)) => {
            for (k, cv) in c {
                match b.get(k) {
                    Some(bv) => compare(&format!("{at}.{k}"), cv, bv, diffs),
                    None if cv.is_null() || cv.as_array().is_some_and(Vec::is_empty) => {}
                    None => diffs.push(format!("{at}.{k}: lost")),
                }
            }
            for k in b.keys().filter(|k| !c.contains_key(*k)) {
                if !b[k].is_null() {
                    diffs.push(format!("{at}.{k}: added"));
                }
            }
        }
        (Value::Array(c), Value::Array(b)) if c.len() == b.len() => {
            for (i, (cv, bv)) in c.iter().zip(b).enumerate() {
                compare(&format!("{at}[{i}]"), cv, bv, diffs);
            }
        }
        (c, b) if c == b => {}
        (c, b) => diffs.push(format!("{at}: {c} became {b}")),
    }
}

/// Picks the typed envelope of a successful response by method and route (`T/` stripped).
fn check_success(method: &str, route: &[&str], body: &Value) -> Result<Vec<String>, String> {
    match (method, route) {
        ("GET", []) => round_trip::<VersionsEnvelope>(body),
        ("GET", ["flavors"]) => round_trip::<FlavorList>(body),
        ("GET", ["flavors", _]) => round_trip::<FlavorEnvelope>(body),
        ("GET", ["datastores"]) => round_trip::<DatastoreList>(body),
        ("GET", ["datastores", _]) => round_trip::<DatastoreEnvelope>(body),
        ("GET", ["datastores", _, "versions"]) => round_trip::<DatastoreVersionList>(body),
        ("GET", ["datastores", _, "versions", _]) => round_trip::<DatastoreVersionEnvelope>(body),
        ("GET", ["limits"]) => round_trip::<LimitList>(body),
        ("GET", ["instances"] | ["instances", "detail"]) => round_trip::<InstanceList>(body),
        ("POST", ["instances"]) | ("GET", ["instances", _]) => round_trip::<InstanceEnvelope>(body),
        ("GET", ["instances", _, "databases"]) => round_trip::<DatabaseList>(body),
        ("GET", ["instances", _, "users"]) => round_trip::<UserList>(body),
        ("GET", ["instances", _, "users", _]) => round_trip::<UserEnvelope>(body),
        ("GET", ["instances", _, "users", _, "databases"]) => round_trip::<DatabaseList>(body),
        ("GET", ["instances", _, "root"]) => round_trip::<RootEnabled>(body),
        ("POST", ["instances", _, "root"]) => round_trip::<RootUserEnvelope>(body),
        ("GET", ["backups"] | ["instances", _, "backups"]) => round_trip::<BackupList>(body),
        ("POST", ["backups"]) | ("GET", ["backups", _]) => round_trip::<BackupEnvelope>(body),
        _ => Err(format!("no typed envelope for {method} {route:?}")),
    }
}

#[test]
fn every_captured_body_decodes_into_its_typed_envelope_without_loss() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut typed, mut faults, mut empty) = (0, 0, 0);
    let mut failures = Vec::new();
    for file in &files {
        let capture: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let Some(request) = capture.get("request") else {
            continue; // the scenario summary is not an exchange
        };
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let method = request["method"].as_str().unwrap();
        let path = request["path"].as_str().unwrap();
        let path = path.split('?').next().unwrap();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // `/v1.0/{tenant}/rest...`; `/` alone is the versions document.
        let route: Vec<&str> = match segments.as_slice() {
            ["v1.0", _tenant, rest @ ..] => rest.to_vec(),
            other => other.to_vec(),
        };
        let status = capture["response"]["status"].as_u64().unwrap();
        let raw = capture["response"]["body_raw"].as_str().unwrap_or_default();
        if raw.trim().is_empty() {
            empty += 1;
            continue;
        }
        if !(200..300).contains(&status) {
            let fault = Fault::from_body(u16::try_from(status).unwrap(), raw.as_bytes());
            if fault.message.is_empty() || fault.name.is_empty() {
                failures.push(format!("{name}: fault without name or message: {fault:?}"));
            }
            faults += 1;
            continue;
        }
        let body: Value = serde_json::from_str(raw).unwrap();
        match check_success(method, &route, &body) {
            Ok(diffs) if diffs.is_empty() => typed += 1,
            Ok(diffs) => failures.push(format!("{name}: {}", diffs.join("; "))),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every exchange was looked at: 87 captures, of which some have empty 202/204 bodies.
    assert_eq!(
        typed + faults + empty,
        files.len() - 1,
        "captures not classified"
    );
    assert!(typed >= 40, "only {typed} typed bodies checked");
    assert!(faults >= 20, "only {faults} fault bodies checked");
}
