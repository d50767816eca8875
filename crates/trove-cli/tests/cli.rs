//! Runs the `trove` binary against the emulator on a TCP port, one command group at a time.
//!
//! Waits complete after a set number of polls (`Delay::Reads`) with `--poll-interval 0`, so no
//! test sleeps in real time.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use trove_emulator::{Config, Delay, Emulator, RunningEmulator};

/// An emulator on a TCP port, served by a runtime of its own while the test runs the binary.
struct Env {
    emulator: RunningEmulator,
    runtime: tokio::runtime::Runtime,
}

fn start() -> Env {
    let d = Delay::Reads(1);
    start_with(Config {
        build: d,
        delete: d,
        backup: d,
        restart: d,
        resize: d,
        ..Default::default()
    })
}

fn start_with(config: Config) -> Env {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(Emulator::start(config)).unwrap();
    Env { emulator, runtime }
}

impl Env {
    fn url(&self) -> String {
        self.emulator.url()
    }

    /// The binary with an empty environment and no credentials.
    fn bare(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_trove"));
        c.env_clear();
        c
    }

    /// The binary with fake-mode credentials for tenant 12345.
    fn trove(&self) -> Command {
        let mut c = self.bare();
        c.args(["--auth-strategy", "fake", "--os-project-name", "12345"])
            .arg("--os-auth-url")
            .arg(format!("{}/v1.0/auth", self.url()));
        c
    }

    /// Runs `args` with `-f json`, expecting success, and parses stdout.
    fn json(&self, args: &[&str]) -> Value {
        let out = self
            .trove()
            .args(args)
            .args(["-f", "json"])
            .output()
            .unwrap();
        assert_success(&out);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
        })
    }

    /// Runs `args`, expecting failure with `code`, and returns stderr.
    fn fails(&self, mut cmd: Command, code: i32) -> String {
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
        stderr
    }

    /// Creates an instance, waiting until it is ACTIVE, and returns its id.
    fn create_active(&self, name: &str) -> String {
        let v = self.json(&[
            "instance",
            "create",
            name,
            "1",
            "--size",
            "1",
            "--wait",
            "--poll-interval",
            "0",
        ]);
        assert_eq!(v["status"], "ACTIVE", "{v}");
        v["id"].as_str().unwrap().to_owned()
    }
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn stdout(out: &Output) -> String {
    assert_success(out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn version_help_and_completion_need_no_server() {
    let env = start();
    let out = stdout(&env.bare().arg("--version").output().unwrap());
    assert_eq!(out.trim(), format!("trove {}", env!("CARGO_PKG_VERSION")));
    let help = stdout(&env.bare().arg("--help").output().unwrap());
    assert!(
        help.contains("Examples:") && help.contains("instance"),
        "{help}"
    );
    let help = stdout(
        &env.bare()
            .args(["instance", "create", "--help"])
            .output()
            .unwrap(),
    );
    assert!(
        help.contains("--wait") && help.contains("Examples:"),
        "{help}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&env.bare().args(["completion", shell]).output().unwrap());
        assert!(script.contains("trove"), "{shell}");
        assert!(script.contains("instance"), "{shell}");
    }
}

#[test]
fn bad_input_is_a_usage_error() {
    let env = start();
    let mut cmd = env.trove();
    cmd.args(["instance", "list", "--bogus"]);
    let err = env.fails(cmd, 2);
    assert!(err.contains("--bogus"), "{err}");
    let mut cmd = env.trove();
    cmd.args(["instance", "create", "x", "1", "--user", "nocolon"]);
    let err = env.fails(cmd, 2);
    assert!(err.contains("NAME:PASSWORD"), "{err}");
    let mut cmd = env.trove();
    cmd.args(["instance", "list", "-f", "json", "-c", "Nope"]);
    let err = env.fails(cmd, 2);
    assert!(
        err.contains("unknown column") && err.contains("Status"),
        "{err}"
    );
}

#[test]
fn missing_credentials_are_named() {
    let env = start();
    let mut cmd = env.bare();
    cmd.args(["instance", "list"]);
    let err = env.fails(cmd, 2);
    assert!(err.starts_with("ERROR: missing credentials"), "{err}");
    assert!(
        err.contains("--os-auth-url") && err.contains("OS_PASSWORD"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn instance_lifecycle_with_waits() {
    let env = start();
    let id = env.create_active("db1");

    let shown = env.json(&["instance", "show", &id]);
    assert_eq!(shown["name"], "db1");
    assert_eq!(shown["volume"]["size"], 1);
    let by_name = env.json(&["instance", "show", "db1"]);
    assert_eq!(by_name["id"], id.as_str());

    let list = env.json(&["instance", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ID"], id.as_str());
    assert_eq!(rows[0]["Status"], "ACTIVE");
    assert_eq!(rows[0]["Flavor ID"], "1");

    let out = env
        .trove()
        .args([
            "instance",
            "delete",
            "db1",
            "--wait",
            "--poll-interval",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "");
    assert_eq!(env.emulator.emulator().instance_count("12345"), 0);

    let mut cmd = env.trove();
    cmd.args(["instance", "show", &id]);
    let err = env.fails(cmd, 1);
    assert!(err.starts_with("ERROR: itemNotFound: "), "{err}");
    assert!(err.contains("(HTTP 404)"), "{err}");
    assert!(err.contains("Request-ID: req-"), "{err}");
}

#[test]
fn create_sends_databases_users_and_datastore() {
    let env = start();
    let v = env.json(&[
        "instance",
        "create",
        "db2",
        "1",
        "--size",
        "2",
        "--database",
        "app",
        "--user",
        "app:s3cret",
        "--datastore",
        "mysql",
    ]);
    assert_eq!(v["status"], "BUILD");
    assert_eq!(v["volume"]["size"], 2);
    assert_eq!(v["datastore"]["type"], "mysql");
}

#[test]
fn wait_timeouts_and_api_faults_set_the_exit_status() {
    let env = start_with(Config {
        build: Delay::Reads(1000),
        ..Default::default()
    });
    let mut cmd = env.trove();
    cmd.args(["instance", "create", "slow", "1", "--size", "1", "--wait"])
        .args(["--timeout", "0", "--poll-interval", "0"]);
    let err = env.fails(cmd, 4);
    assert!(err.contains("timed out") && err.contains("BUILD"), "{err}");

    let mut cmd = env.trove();
    cmd.args(["instance", "create", "big", "1", "--size", "100000"]);
    let err = env.fails(cmd, 1);
    assert!(err.contains("creating the instance: "), "{err}");
    assert!(err.contains("(HTTP 4"), "{err}");
}

#[test]
fn lists_walk_every_page_unless_limited() {
    let env = start();
    let client = troveclient::Client::builder()
        .token("12345", &format!("{}/v1.0/12345", env.url()))
        .build()
        .unwrap();
    env.runtime.block_on(async {
        for i in 0..25 {
            client
                .instances()
                .create(format!("i{i:02}"), "1")
                .volume(1)
                .await
                .unwrap();
        }
    });
    assert_eq!(
        env.json(&["instance", "list"]).as_array().unwrap().len(),
        25
    );

    let out = env
        .trove()
        .args([
            "instance", "list", "--limit", "5", "-f", "value", "-c", "id",
        ])
        .output()
        .unwrap();
    let first: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(first.len(), 5);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let marker = stderr
        .split("--marker ")
        .nth(1)
        .map(str::trim)
        .expect("a next marker on stderr");
    let rest = env.json(&["instance", "list", "--marker", marker]);
    let rest: Vec<&str> = rest
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ID"].as_str().unwrap())
        .collect();
    assert_eq!(rest.len(), 20);
    assert!(first.iter().all(|id| !rest.contains(&id.as_str())));
}

#[test]
fn output_formats() {
    let env = start();
    let id = env.create_active("fmt");
    let run = |args: &[&str]| stdout(&env.trove().args(args).output().unwrap());

    let table = run(&["instance", "list"]);
    assert!(table.contains("| ID ") && table.contains(&id), "{table}");
    let table = run(&["instance", "show", &id]);
    assert!(
        table.contains("| Field ") && table.contains("| status "),
        "{table}"
    );

    let yaml = run(&["instance", "show", &id, "-f", "yaml", "-c", "name"]);
    assert_eq!(yaml.trim(), "name: fmt");
    let value = run(&[
        "instance", "list", "-f", "value", "-c", "Name", "-c", "Status",
    ]);
    assert_eq!(value, "fmt ACTIVE\n");
    let csv = run(&["instance", "list", "-f", "csv", "-c", "name"]);
    assert_eq!(csv, "\"Name\"\n\"fmt\"\n");
}

#[test]
fn credentials_from_token_env_keystone_and_clouds_yaml() {
    let env = start();
    let url = env.url();
    env.create_active("auth");
    let names = |out: Output| -> Vec<String> { stdout(&out).lines().map(str::to_owned).collect() };
    let list = ["instance", "list", "-f", "value", "-c", "name"];

    // A static token against the endpoint.
    let out = env
        .bare()
        .args(["--os-token", "12345", "--os-endpoint-override"])
        .arg(format!("{url}/v1.0/12345"))
        .args(list)
        .output()
        .unwrap();
    assert_eq!(names(out), ["auth"]);

    // OS_* variables, fake mode.
    let out = env
        .bare()
        .env("OS_AUTH_TYPE", "fake")
        .env("OS_AUTH_URL", format!("{url}/v1.0/auth"))
        .env("OS_PROJECT_NAME", "12345")
        .args(list)
        .output()
        .unwrap();
    assert_eq!(names(out), ["auth"]);

    // Keystone v3 password auth; the emulator's demo project is another tenant (empty).
    let out = env
        .bare()
        .env("OS_AUTH_URL", format!("{url}/v3"))
        .env("OS_USERNAME", "jsmith")
        .env("OS_PASSWORD", "abcdef")
        .env("OS_PROJECT_NAME", "demo")
        .args(list)
        .arg("--debug")
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let debug = String::from_utf8_lossy(&out.stderr);
    assert!(debug.contains("DEBUG"), "{debug}");
    assert!(!debug.contains("abcdef"), "the password leaked: {debug}");

    // A wrong password is an authentication error.
    let mut cmd = env.bare();
    cmd.env("OS_AUTH_URL", format!("{url}/v3"))
        .env("OS_USERNAME", "jsmith")
        .env("OS_PASSWORD", "wrong")
        .env("OS_PROJECT_NAME", "demo")
        .args(list);
    let err = env.fails(cmd, 1);
    assert!(err.contains("authentication failed"), "{err}");

    // clouds.yaml, with a flag overriding the project.
    let dir = std::env::temp_dir().join(format!("trove-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("clouds.yaml");
    std::fs::write(
        &file,
        format!(
            "clouds:\n  emu:\n    auth_type: fake\n    auth:\n      auth_url: {url}/v1.0/auth\n      project_name: nobody\n"
        ),
    )
    .unwrap();
    let out = env
        .bare()
        .env("OS_CLIENT_CONFIG_FILE", &file)
        .args(["--os-cloud", "emu", "--os-project-name", "12345"])
        .args(list)
        .output()
        .unwrap();
    assert_eq!(names(out), ["auth"]);
    let mut cmd = env.bare();
    cmd.env("OS_CLIENT_CONFIG_FILE", &file)
        .args(["--os-cloud", "missing"])
        .args(list);
    let err = env.fails(cmd, 2);
    assert!(err.contains("\"missing\""), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn versions_from_a_url_or_the_endpoint() {
    let env = start();
    let v = env.json(&["versions", &env.url()]);
    assert_eq!(v[0]["ID"], "v1.0", "{v}");
    let v = env.json(&["versions"]);
    assert_eq!(v[0]["ID"], "v1.0", "{v}");
    assert!(v[0]["URL"].as_str().unwrap().contains("/v1.0"), "{v}");
}

/// Runs `args` and returns stdout, expecting success.
fn ok(env: &Env, args: &[&str]) -> String {
    stdout(&env.trove().args(args).output().unwrap())
}

#[test]
fn instance_actions_wait_until_ready_again() {
    let env = start();
    let id = env.create_active("act");
    let w = ["--wait", "--poll-interval", "0"];

    let v = env.json(&[&["instance", "restart", "act"][..], &w[..]].concat());
    assert_eq!(v["status"], "ACTIVE", "{v}");
    let v = env.json(&[&["instance", "resize-flavor", "act", "2"][..], &w[..]].concat());
    assert_eq!(v["flavor"]["id"], "2", "{v}");
    assert_eq!(v["status"], "ACTIVE", "{v}");
    let v = env.json(&[&["instance", "resize-volume", "act", "2"][..], &w[..]].concat());
    assert_eq!(v["status"], "ACTIVE", "{v}");

    assert_eq!(
        ok(&env, &["instance", "update", "act", "--name", "renamed"]),
        ""
    );
    assert_eq!(env.json(&["instance", "show", &id])["name"], "renamed");
    assert_eq!(ok(&env, &["instance", "reset-status", "renamed"]), "");

    let mut cmd = env.trove();
    cmd.args(["instance", "update", "renamed"]);
    let err = env.fails(cmd, 2);
    assert!(err.contains("nothing to update"), "{err}");
    let mut cmd = env.trove();
    cmd.args(["instance", "resize-volume", "renamed", "1"]);
    let err = env.fails(cmd, 1);
    assert!(
        err.contains("badRequest") && err.contains("(HTTP 400)"),
        "{err}"
    );
}

#[test]
fn databases_users_and_root() {
    let env = start();
    env.create_active("db");

    assert_eq!(
        ok(&env, &["database", "create", "db", "app", "reports"]),
        ""
    );
    let names = ok(
        &env,
        &["database", "list", "db", "-f", "value", "-c", "name"],
    );
    assert_eq!(names, "app\nreports\n");
    let page = env.json(&["database", "list", "db", "--limit", "1"]);
    assert_eq!(page.as_array().unwrap().len(), 1);

    assert_eq!(
        ok(
            &env,
            &["user", "create", "db", "alice", "pw1", "--databases", "app"]
        ),
        ""
    );
    let users = env.json(&["user", "list", "db"]);
    assert_eq!(users[0]["Name"], "alice", "{users}");
    assert_eq!(users[0]["Databases"], "app", "{users}");
    let shown = env.json(&["user", "show", "db", "alice"]);
    assert_eq!(shown["host"], "%", "{shown}");
    assert_eq!(ok(&env, &["user", "grant", "db", "alice", "reports"]), "");
    let access = ok(&env, &["user", "list-access", "db", "alice", "-f", "value"]);
    assert_eq!(access, "app\nreports\n");
    assert_eq!(ok(&env, &["user", "revoke", "db", "alice", "app"]), "");
    let access = ok(&env, &["user", "list-access", "db", "alice", "-f", "value"]);
    assert_eq!(access, "reports\n");
    assert_eq!(
        ok(&env, &["user", "set-password", "db", "alice", "pw2"]),
        ""
    );
    assert_eq!(
        ok(
            &env,
            &["user", "update", "db", "alice", "--new-name", "bob"]
        ),
        ""
    );
    assert_eq!(env.json(&["user", "show", "db", "bob"])["name"], "bob");
    assert_eq!(ok(&env, &["user", "delete", "db", "bob"]), "");
    let mut cmd = env.trove();
    cmd.args(["user", "show", "db", "bob"]);
    let err = env.fails(cmd, 1);
    assert!(err.contains("(HTTP 404)"), "{err}");

    assert_eq!(env.json(&["root", "show", "db"])["is_root_enabled"], false);
    let root = env.json(&["root", "enable", "db"]);
    assert_eq!(root["name"], "root");
    assert!(!root["password"].as_str().unwrap().is_empty());
    let root = env.json(&["root", "enable", "db", "--password", "chosen"]);
    assert_eq!(root["password"], "chosen");
    assert_eq!(env.json(&["root", "show", "db"])["is_root_enabled"], true);
    assert_eq!(ok(&env, &["root", "disable", "db"]), "");

    assert_eq!(ok(&env, &["database", "delete", "db", "reports"]), "");
    let names = ok(
        &env,
        &["database", "list", "db", "-f", "value", "-c", "name"],
    );
    assert_eq!(names, "app\n");
}

#[test]
fn backups_and_backup_strategies() {
    let env = start();
    let instance = env.create_active("bk");
    let b = env.json(&[
        "backup",
        "create",
        "bk",
        "nightly",
        "--description",
        "first",
        "--wait",
        "--poll-interval",
        "0",
    ]);
    assert_eq!(b["status"], "COMPLETED", "{b}");
    assert_eq!(b["instance_id"], instance.as_str());
    let id = b["id"].as_str().unwrap().to_owned();

    let list = env.json(&["backup", "list", "--instance", "bk"]);
    assert_eq!(list[0]["ID"], id.as_str(), "{list}");
    assert_eq!(env.json(&["backup", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(env.json(&["backup", "show", &id])["name"], "nightly");

    let out = env
        .trove()
        .args(["backup", "delete", &id, "--wait", "--poll-interval", "0"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "");
    let mut cmd = env.trove();
    cmd.args(["backup", "show", &id]);
    env.fails(cmd, 1);

    let s = env.json(&[
        "backup-strategy",
        "create",
        "--instance",
        "bk",
        "--swift-container",
        "bk-backups",
    ]);
    assert_eq!(s["swift_container"], "bk-backups", "{s}");
    let list = env.json(&["backup-strategy", "list"]);
    assert_eq!(list[0]["Instance ID"], instance.as_str(), "{list}");
    assert_eq!(
        ok(&env, &["backup-strategy", "delete", "--instance", "bk"]),
        ""
    );
    assert_eq!(
        env.json(&["backup-strategy", "list"]),
        serde_json::json!([])
    );
}

#[test]
fn datastores_flavors_and_limits() {
    let env = start();
    let list = env.json(&["datastore", "list"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["Name"] == "mysql"),
        "{list}"
    );
    let mysql = env.json(&["datastore", "show", "mysql"]);
    assert_eq!(mysql["name"], "mysql");
    let versions = env.json(&["datastore", "version", "list", "mysql"]);
    let name = versions[0]["Name"].as_str().unwrap().to_owned();
    let version_id = versions[0]["ID"].as_str().unwrap().to_owned();
    let v = env.json(&["datastore", "version", "show", "mysql", &name]);
    assert_eq!(v["id"], version_id.as_str());
    let v = env.json(&["datastore", "version", "show", "--id", &version_id]);
    assert_eq!(v["name"], name.as_str());
    let flavors = env.json(&["datastore", "version", "flavors", "mysql", &name]);
    assert!(!flavors.as_array().unwrap().is_empty(), "{flavors}");

    let flavors = env.json(&["flavor", "list"]);
    assert!(
        flavors.as_array().unwrap().iter().any(|f| f["ID"] == "1"),
        "{flavors}"
    );
    let f = env.json(&["flavor", "show", "1"]);
    assert_eq!(f["name"], "m1.tiny");

    let limits = env.json(&["limit", "list"]);
    assert_eq!(limits[0]["Verb"], "ABSOLUTE", "{limits}");
    assert!(limits[0]["Max Instances"].is_number(), "{limits}");
}

#[test]
fn quotas_need_an_admin() {
    let env = start();
    let mut cmd = env.trove();
    cmd.args(["quota", "show", "12345"]);
    let err = env.fails(cmd, 1);
    assert!(err.contains("(HTTP 403)"), "{err}");

    let admin = |args: &[&str]| -> Value {
        let out = env
            .bare()
            .args(["--auth-strategy", "fake", "--os-project-name", "admin"])
            .arg("--os-auth-url")
            .arg(format!("{}/v1.0/auth", env.url()))
            .args(args)
            .args(["-f", "json"])
            .output()
            .unwrap();
        serde_json::from_str(&stdout(&out)).unwrap()
    };
    let quotas = admin(&["quota", "show", "12345"]);
    assert!(
        quotas
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["Resource"] == "instances"),
        "{quotas}"
    );
    assert_eq!(
        admin(&["quota", "update", "12345", "instances", "7"]),
        serde_json::json!({"instances": 7})
    );
    let quotas = admin(&["quota", "show", "12345"]);
    let instances = quotas
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["Resource"] == "instances")
        .unwrap();
    assert_eq!(instances["Limit"], 7);
}

#[test]
fn configuration_groups_and_parameters() {
    let env = start();
    env.create_active("cfg");
    let params = env.json(&["configuration", "parameter", "list", "mysql", "5.7.29"]);
    assert!(
        params
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["Name"] == "max_connections"),
        "{params}"
    );
    let p = env.json(&[
        "configuration",
        "parameter",
        "show",
        "max_connections",
        "mysql",
        "5.7.29",
    ]);
    assert_eq!(p["name"], "max_connections", "{p}");

    let c = env.json(&[
        "configuration",
        "create",
        "tuned",
        "--datastore",
        "mysql",
        "--datastore-version",
        "5.7.29",
        "--value",
        "max_connections=200",
    ]);
    assert_eq!(c["values"]["max_connections"], 200, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    let list = env.json(&["configuration", "list"]);
    assert_eq!(list[0]["ID"], id.as_str(), "{list}");

    assert_eq!(
        ok(
            &env,
            &[
                "configuration",
                "patch",
                &id,
                "--value",
                "connect_timeout=20"
            ]
        ),
        ""
    );
    let shown = env.json(&["configuration", "show", &id]);
    assert_eq!(shown["values"]["connect_timeout"], 20, "{shown}");
    assert_eq!(
        ok(
            &env,
            &[
                "configuration",
                "update",
                &id,
                r#"{"max_connections": 300}"#
            ]
        ),
        ""
    );
    let shown = env.json(&["configuration", "show", &id]);
    assert_eq!(shown["values"], serde_json::json!({"max_connections": 300}));

    assert_eq!(ok(&env, &["configuration", "attach", "cfg", &id]), "");
    let users = env.json(&["configuration", "instances", &id]);
    assert_eq!(users[0]["Name"], "cfg", "{users}");
    let defaults = env.json(&["configuration", "default", "cfg"]);
    assert!(defaults.is_object(), "{defaults}");
    assert_eq!(ok(&env, &["configuration", "detach", "cfg"]), "");
    assert_eq!(ok(&env, &["configuration", "delete", &id]), "");

    let mut cmd = env.trove();
    cmd.args(["configuration", "create", "bad", "not json"]);
    let err = env.fails(cmd, 2);
    assert!(err.contains("not a JSON object"), "{err}");
}

#[test]
fn clusters_wait_for_their_members() {
    let env = start();
    let c = env.json(&[
        "cluster",
        "create",
        "c1",
        "mongodb",
        "--instance",
        "flavor=2,volume=2",
        "--instance",
        "flavor=2,volume=2",
        "--instance",
        "flavor=2,volume=2",
        "--wait",
        "--poll-interval",
        "0",
    ]);
    assert_eq!(c["name"], "c1", "{c}");
    assert!(c.get("task").is_none_or(|t| t["name"] == "NONE"), "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    let list = env.json(&["cluster", "list"]);
    assert_eq!(list[0]["ID"], id.as_str(), "{list}");
    let members = env.json(&["cluster", "instances", &id]);
    assert_eq!(members.as_array().unwrap().len(), 3, "{members}");
    assert_eq!(env.json(&["cluster", "show", &id])["id"], id.as_str());
    let out = env
        .trove()
        .args(["cluster", "delete", &id, "--wait", "--poll-interval", "0"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "");
    assert_eq!(env.json(&["cluster", "list"]), serde_json::json!([]));

    let mut cmd = env.trove();
    cmd.args([
        "cluster",
        "create",
        "c2",
        "mongodb",
        "--instance",
        "volume=1",
    ]);
    let err = env.fails(cmd, 2);
    assert!(err.contains("flavor=ID is required"), "{err}");
}

#[test]
fn modules_and_instance_modules() {
    let env = start();
    env.create_active("mod");
    let dir = std::env::temp_dir().join(format!("trove-cli-mod-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ping.dat");
    std::fs::write(&file, "ping contents\n").unwrap();
    let file = file.to_str().unwrap();

    let m = env.json(&["module", "create", "ping", "ping", file, "--live-update"]);
    assert_eq!(m["name"], "ping", "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    let list = env.json(&["module", "list"]);
    assert_eq!(list[0]["ID"], id.as_str(), "{list}");
    assert_eq!(env.json(&["module", "show", &id])["type"], "ping");
    let m = env.json(&["module", "update", &id, "--description", "pings"]);
    assert_eq!(m["description"], "pings", "{m}");

    let applied = env.json(&["module", "apply", "mod", &id]);
    assert_eq!(applied[0]["ID"], id.as_str(), "{applied}");
    let on = env.json(&["module", "list-instance", "mod"]);
    assert_eq!(on[0]["Name"], "ping", "{on}");
    let with = env.json(&["module", "instances", &id]);
    assert_eq!(with[0]["Name"], "mod", "{with}");
    assert_eq!(ok(&env, &["module", "remove", "mod", &id]), "");
    assert_eq!(
        env.json(&["module", "list-instance", "mod"]),
        serde_json::json!([])
    );
    assert_eq!(ok(&env, &["module", "delete", &id]), "");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn guest_logs() {
    let env = start();
    env.create_active("logs");
    let list = env.json(&["log", "list", "logs"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|l| l["Name"] == "general"),
        "{list}"
    );
    let log = env.json(&["log", "enable", "logs", "general"]);
    assert_eq!(log["status"], "Enabled", "{log}");
    assert_eq!(
        env.json(&["log", "show", "logs", "general"])["name"],
        "general"
    );
    let log = env.json(&["log", "disable", "logs", "general"]);
    assert_eq!(log["status"], "Disabled", "{log}");
}

#[test]
fn replicas_promote_and_eject() {
    let env = start();
    let source = env.create_active("src");
    let replica = env.json(&[
        "instance",
        "create",
        "rep",
        "1",
        "--size",
        "1",
        "--replica-of",
        "src",
        "--wait",
        "--poll-interval",
        "0",
    ]);
    assert_eq!(replica["replica_of"]["id"], source.as_str(), "{replica}");
    let promoted = env.json(&[
        "instance",
        "promote",
        "rep",
        "--wait",
        "--poll-interval",
        "0",
    ]);
    assert_eq!(promoted["status"], "ACTIVE", "{promoted}");
    assert!(promoted.get("replica_of").is_none(), "{promoted}");
    let mut cmd = env.trove();
    cmd.args(["instance", "eject", "rep"]);
    let err = env.fails(cmd, 1);
    assert!(err.contains("badRequest"), "{err}");
}
