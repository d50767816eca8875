//! The `trove` binary against the real Trove 26.0.0 in fake mode, started by
//! `cargo xtask conformance`; enable with `--features conformance`.
#![cfg(feature = "conformance")]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The real Trove URL from the facts file the xtask wrote.
fn trove_url() -> String {
    let path = std::env::var("TROVE_REAL_FACTS").unwrap_or_else(|_| {
        let root =
            std::env::var("TROVE_REAL_ROOT").unwrap_or_else(|_| "/tmp/trove-real-servers".into());
        format!("{root}/facts.json")
    });
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no facts at {path} ({e}): run `cargo xtask real-servers up`"));
    let facts: Value = serde_json::from_str(&text).unwrap();
    facts["trove_url"]
        .as_str()
        .unwrap_or("http://127.0.0.1:8779")
        .trim_end_matches('/')
        .to_owned()
}

/// The binary with fake-mode credentials for a tenant of this run only.
fn trove(tenant: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trove"));
    c.env_clear()
        .args(["--auth-strategy", "fake", "--os-project-name", tenant])
        .arg("--os-auth-url")
        .arg(format!("{}/v1.0/auth", trove_url()));
    c
}

fn json(tenant: &str, args: &[&str]) -> Value {
    let out: Output = trove(tenant)
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "trove {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_cli_drives_the_real_server() {
    let tenant = format!("cli{}", std::process::id());
    let versions = json(&tenant, &["versions"]);
    assert!(versions.to_string().contains("v1.0"), "{versions}");
    let flavors = json(&tenant, &["flavor", "list"]);
    assert!(
        flavors.as_array().is_some_and(|a| !a.is_empty()),
        "{flavors}"
    );
    let datastores = json(&tenant, &["datastore", "list"]);
    assert!(datastores.to_string().contains("mysql"), "{datastores}");

    let created = json(
        &tenant,
        &[
            "instance",
            "create",
            "cli-db",
            "1",
            "--size",
            "1",
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            "120",
        ],
    );
    let status = created["status"].as_str().unwrap_or_default().to_owned();
    assert!(status == "ACTIVE" || status == "HEALTHY", "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    trove(&tenant)
        .args(["database", "create", &id, "cli_db"])
        .assert()
        .success();
    let dbs = json(&tenant, &["database", "list", &id]);
    assert!(dbs.to_string().contains("cli_db"), "{dbs}");
    let listed = json(&tenant, &["instance", "list"]);
    assert!(listed.to_string().contains(&id), "{listed}");

    let missing = trove(&tenant)
        .args(["instance", "show", "00000000-0000-0000-0000-00000000dead"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("itemNotFound"),
        "{missing:?}"
    );

    trove(&tenant)
        .args([
            "instance",
            "delete",
            &id,
            "--wait",
            "--poll-interval",
            "1",
            "--timeout",
            "120",
        ])
        .assert()
        .success();
}
