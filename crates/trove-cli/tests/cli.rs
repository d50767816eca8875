//! Runs the `trove` binary against the emulator on a TCP port, one command group at a time.
//!
//! Waits complete after a set number of polls (`Delay::Reads`) with `--poll-interval 0`, so no
//! test sleeps in real time.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{json, Value};
use trove_emulator::{Config, Delay, Emulator, RunningEmulator};

/// An emulator on a TCP port, served by a runtime of its own while the test runs the binary.
struct Env {
    emulator: RunningEmulator,
    runtime: tokio::runtime::Runtime,
}

/// Every operation finishes on the first poll after it starts.
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

/// The options that make `--wait` poll without pausing.
const WAIT: [&str; 3] = ["--wait", "--poll-interval", "0"];

/// A command line about to run, and what it is expected to do.
struct Run(Command);

impl Run {
    fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.0.args(args);
        self
    }

    fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Run {
        self.0.env(key, value);
        self
    }

    /// Adds `--wait` with polls that do not pause.
    fn waiting(self) -> Run {
        self.args(WAIT)
    }

    fn output(mut self) -> Output {
        self.0.output().unwrap()
    }

    /// Expects success and returns stdout.
    fn ok(self) -> String {
        stdout(&self.output())
    }

    /// Expects success with `-f json` and parses stdout.
    fn json(self) -> Value {
        let out = self.args(["-f", "json"]).ok();
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    /// Expects exit status `code` and returns stderr.
    fn fails(self, code: i32) -> String {
        let out = self.output();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
        stderr
    }
}

impl Env {
    fn url(&self) -> String {
        self.emulator.url()
    }

    /// The binary with an empty environment and no credentials.
    fn bare(&self, args: &[&str]) -> Run {
        let mut c = Command::new(env!("CARGO_BIN_EXE_trove"));
        c.env_clear().args(args);
        Run(c)
    }

    /// The binary with fake-mode credentials for `project`.
    fn as_project(&self, project: &str, args: &[&str]) -> Run {
        self.bare(&["--auth-strategy", "fake", "--os-project-name", project])
            .arg_pair("--os-auth-url", format!("{}/v1.0/auth", self.url()))
            .args(args)
    }

    /// The binary as tenant 12345.
    fn trove(&self, args: &[&str]) -> Run {
        self.as_project("12345", args)
    }

    /// The binary as the admin project.
    fn admin(&self, args: &[&str]) -> Run {
        self.as_project("admin", args)
    }

    /// Runs `args` as tenant 12345 with `-f json`, expecting success.
    fn json(&self, args: &[&str]) -> Value {
        self.trove(args).json()
    }

    /// Runs `args` as tenant 12345, expecting success, and returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        self.trove(args).ok()
    }

    /// Runs `args` as tenant 12345 with `--wait`, expecting success, and parses the JSON.
    fn waited(&self, args: &[&str]) -> Value {
        self.trove(args).waiting().json()
    }

    /// Runs `args` as tenant 12345, expecting exit status `code`, and returns stderr.
    fn fails(&self, args: &[&str], code: i32) -> String {
        self.trove(args).fails(code)
    }

    /// Creates an instance, waiting until it is ACTIVE, and returns its id.
    fn create_active(&self, name: &str) -> String {
        let v = self.waited(&["instance", "create", name, "1", "--size", "1"]);
        assert_eq!(v["status"], "ACTIVE", "{v}");
        id_of(&v)
    }

    /// Creates a three-member mongodb cluster, waiting until it is ready, and returns its id.
    fn create_cluster(&self, name: &str) -> String {
        let member = ["--instance", "flavor=2,volume=2"];
        let c = self.waited(
            &[
                &["cluster", "create", name, "mongodb", "3.6"][..],
                &member,
                &member,
                &member,
            ]
            .concat(),
        );
        assert_eq!(c["name"], name, "{c}");
        id_of(&c)
    }

    /// Creates a module named `name` with `contents`, and returns its id.
    fn create_module(&self, dir: &TempDir, name: &str, contents: &str) -> String {
        let file = dir.file(&format!("{name}.dat"), contents);
        let m = self.json(&["module", "create", name, "ping", &file, "--live-update"]);
        assert_eq!(m["name"], name, "{m}");
        id_of(&m)
    }

    /// A client of the SDK for tenant 12345, to set things up faster than the binary can.
    fn client(&self) -> troveclient::Client {
        troveclient::Client::builder()
            .token("12345", &format!("{}/v1.0/12345", self.url()))
            .build()
            .unwrap()
    }
}

impl Run {
    fn arg_pair(self, flag: &str, value: String) -> Run {
        self.args([flag.to_owned(), value])
    }
}

/// A directory removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("trove-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to file `name` in the directory and returns its path.
    fn file(&self, name: &str, contents: &str) -> String {
        let file = self.0.join(name);
        std::fs::write(&file, contents).unwrap();
        file.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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

/// Updates datastore version `id` with `flags` as admin, which prints nothing, and shows it.
fn update_version(env: &Env, id: &str, flags: &[&str]) -> Value {
    let mut args = vec!["mgmt", "datastore-version", "update", id];
    args.extend_from_slice(flags);
    assert_eq!(env.admin(&args).ok(), "");
    env.admin(&["mgmt", "datastore-version", "show", id]).json()
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {v}"))
        .to_owned()
}

/// The values of column `column` in a JSON list.
fn column<'a>(rows: &'a Value, column: &str) -> Vec<&'a str> {
    rows.as_array()
        .unwrap_or_else(|| panic!("not a list: {rows}"))
        .iter()
        .map(|r| r[column].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn version_help_and_completion_need_no_server() {
    let env = start();
    let out = env.bare(&["--version"]).ok();
    assert_eq!(out.trim(), format!("trove {}", env!("CARGO_PKG_VERSION")));
    let help = env.bare(&["--help"]).ok();
    assert!(
        help.contains("Examples:") && help.contains("instance") && help.contains("mgmt"),
        "{help}"
    );
    let help = env.bare(&["instance", "create", "--help"]).ok();
    assert!(
        help.contains("--wait") && help.contains("Examples:"),
        "{help}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let script = env.bare(&["completion", shell]).ok();
        assert!(script.contains("trove"), "{shell}");
        assert!(script.contains("instance"), "{shell}");
    }
}

#[test]
fn bad_input_is_a_usage_error() {
    let env = start();
    let err = env.fails(&["instance", "list", "--bogus"], 2);
    assert!(err.contains("--bogus"), "{err}");
    let err = env.fails(&["instance", "create", "x", "1", "--user", "nocolon"], 2);
    assert!(err.contains("NAME:PASSWORD"), "{err}");
    let err = env.fails(&["instance", "list", "-f", "json", "-c", "Nope"], 2);
    assert!(
        err.contains("unknown column") && err.contains("Status"),
        "{err}"
    );
}

#[test]
fn missing_credentials_are_named() {
    let env = start();
    let err = env.bare(&["instance", "list"]).fails(2);
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
    // Flattened as `openstack database instance show` prints it.
    assert_eq!(shown["volume"], 1);
    assert_eq!(shown["flavor"], "1");
    assert_eq!(shown["datastore"], "mysql");
    assert!(shown.get("links").is_none(), "{shown}");
    let by_name = env.json(&["instance", "show", "db1"]);
    assert_eq!(by_name["id"], id.as_str());

    let list = env.json(&["instance", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ID"], id.as_str());
    assert_eq!(rows[0]["Status"], "ACTIVE");
    assert_eq!(rows[0]["Flavor ID"], "1");

    let out = env.trove(&["instance", "delete", "db1"]).waiting().ok();
    assert_eq!(out, "");
    assert_eq!(env.emulator.emulator().instance_count("12345"), 0);

    let err = env.fails(&["instance", "show", &id], 1);
    assert!(err.starts_with("ERROR: itemNotFound: "), "{err}");
    assert!(err.contains("(HTTP 404)"), "{err}");
    assert!(err.contains("Request-ID: req-"), "{err}");
}

#[test]
fn force_delete_clears_a_stuck_task_first() {
    let env = start_with(Config {
        build: Delay::Reads(1000),
        delete: Delay::Reads(1),
        ..Default::default()
    });
    let v = env.json(&["instance", "create", "stuck", "1", "--size", "1"]);
    assert_eq!(v["status"], "BUILD", "{v}");

    let err = env.fails(&["instance", "delete", "stuck"], 1);
    assert!(
        err.contains("deleting instance stuck") && err.contains("(HTTP 422)"),
        "{err}"
    );
    assert_eq!(env.emulator.emulator().instance_count("12345"), 1);

    let out = env
        .trove(&["instance", "force-delete", "stuck"])
        .waiting()
        .ok();
    assert_eq!(out, "");
    assert_eq!(env.emulator.emulator().instance_count("12345"), 0);
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
fn create_finds_backups_configurations_and_modules_by_name() {
    let env = start();
    let dir = TempDir::new("create-names");
    env.create_active("src");
    let backup = env.waited(&["backup", "create", "src", "nightly"]);
    let config = env.json(&[
        "configuration",
        "create",
        "tuned",
        "--value",
        "max_connections=9",
    ]);
    let module = env.create_module(&dir, "pinger", "ping\n");

    let v = env.waited(&[
        "instance",
        "create",
        "copy",
        "1",
        "--size",
        "1",
        "--backup",
        "nightly",
        "--configuration",
        "tuned",
        "--module",
        "pinger",
    ]);
    assert_eq!(v["status"], "ACTIVE", "{v}");
    assert_eq!(v["configuration"]["id"], config["id"], "{v}");
    let users = env.json(&["configuration", "instances", "tuned"]);
    assert_eq!(column(&users, "Name"), ["copy"]);
    let applied = env.json(&["module", "list-instance", "copy"]);
    assert_eq!(column(&applied, "ID"), [module.as_str()]);
    assert_eq!(env.json(&["backup", "show", "nightly"])["id"], backup["id"]);
    // Names are looked up before the request is sent: an unknown one stops the command.
    let err = env.fails(
        &[
            "instance", "create", "x", "1", "--size", "1", "--backup", "nope",
        ],
        1,
    );
    assert!(err.contains("(HTTP 404)"), "{err}");
    assert_eq!(env.emulator.emulator().instance_count("12345"), 2);
}

#[test]
fn wait_timeouts_and_api_faults_set_the_exit_status() {
    let env = start_with(Config {
        build: Delay::Reads(1000),
        ..Default::default()
    });
    let err = env
        .trove(&["instance", "create", "slow", "1", "--size", "1", "--wait"])
        .args(["--timeout", "0", "--poll-interval", "0"])
        .fails(4);
    assert!(err.contains("timed out") && err.contains("BUILD"), "{err}");

    let err = env.fails(&["instance", "create", "big", "1", "--size", "100000"], 1);
    assert!(err.contains("creating the instance: "), "{err}");
    assert!(err.contains("(HTTP 4"), "{err}");
}

#[test]
fn lists_walk_every_page_unless_limited() {
    let env = start();
    let client = env.client();
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
        .trove(&[
            "instance", "list", "--limit", "5", "-f", "value", "-c", "id",
        ])
        .output();
    let first: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(first.len(), 5);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let marker = stderr
        .split("--marker ")
        .nth(1)
        .map(str::trim)
        .expect("a next marker on stderr");
    let rest = env.json(&["instance", "list", "--marker", marker]);
    let rest = column(&rest, "ID");
    assert_eq!(rest.len(), 20);
    assert!(first.iter().all(|id| !rest.contains(&id.as_str())));
}

#[test]
fn output_formats() {
    let env = start();
    let id = env.create_active("fmt");

    let table = env.ok(&["instance", "list"]);
    assert!(table.contains("| ID ") && table.contains(&id), "{table}");
    let table = env.ok(&["instance", "show", &id]);
    assert!(
        table.contains("| Field ") && table.contains("| status "),
        "{table}"
    );

    let yaml = env.ok(&["instance", "show", &id, "-f", "yaml", "-c", "name"]);
    assert_eq!(yaml.trim(), "name: fmt");
    let value = env.ok(&[
        "instance", "list", "-f", "value", "-c", "Name", "-c", "Status",
    ]);
    assert_eq!(value, "fmt ACTIVE\n");
    let csv = env.ok(&["instance", "list", "-f", "csv", "-c", "name"]);
    assert_eq!(csv, "\"Name\"\n\"fmt\"\n");
}

#[test]
fn credentials_from_token_env_keystone_and_clouds_yaml() {
    let env = start();
    let url = env.url();
    env.create_active("auth");
    let list = ["instance", "list", "-f", "value", "-c", "name"];
    let names = |run: Run| -> Vec<String> { run.ok().lines().map(str::to_owned).collect() };

    // A static token against the endpoint.
    let run = env
        .bare(&["--os-token", "12345"])
        .arg_pair("--os-endpoint-override", format!("{url}/v1.0/12345"))
        .args(list);
    assert_eq!(names(run), ["auth"]);

    // OS_* variables, fake mode.
    let run = env
        .bare(&list)
        .env("OS_AUTH_TYPE", "fake")
        .env("OS_AUTH_URL", format!("{url}/v1.0/auth"))
        .env("OS_PROJECT_NAME", "12345");
    assert_eq!(names(run), ["auth"]);

    // Keystone v3 password auth; the emulator's demo project is another tenant (empty).
    let keystone = |password: &str| {
        env.bare(&list)
            .env("OS_AUTH_URL", format!("{url}/v3"))
            .env("OS_USERNAME", "jsmith")
            .env("OS_PASSWORD", password)
            .env("OS_PROJECT_NAME", "demo")
    };
    let out = keystone("abcdef").args(["--debug"]).output();
    assert_eq!(stdout(&out), "");
    let debug = String::from_utf8_lossy(&out.stderr);
    assert!(debug.contains("DEBUG"), "{debug}");
    assert!(!debug.contains("abcdef"), "the password leaked: {debug}");

    // A wrong password is an authentication error.
    let err = keystone("wrong").fails(1);
    assert!(err.contains("authentication failed"), "{err}");

    // clouds.yaml, with a flag overriding the project.
    let dir = TempDir::new("clouds");
    let file = dir.file(
        "clouds.yaml",
        &format!(
            "clouds:\n  emu:\n    auth_type: fake\n    auth:\n      auth_url: {url}/v1.0/auth\n      project_name: nobody\n"
        ),
    );
    let run = env
        .bare(&["--os-cloud", "emu", "--os-project-name", "12345"])
        .env("OS_CLIENT_CONFIG_FILE", &file)
        .args(list);
    assert_eq!(names(run), ["auth"]);
    let err = env
        .bare(&["--os-cloud", "missing"])
        .env("OS_CLIENT_CONFIG_FILE", &file)
        .args(list)
        .fails(2);
    assert!(err.contains("\"missing\""), "{err}");
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

#[test]
fn instance_actions_wait_until_ready_again() {
    let env = start();
    let id = env.create_active("act");

    let v = env.waited(&["instance", "restart", "act"]);
    assert_eq!(v["status"], "ACTIVE", "{v}");
    let v = env.waited(&["instance", "resize-flavor", "act", "2"]);
    assert_eq!(v["flavor"]["id"], "2", "{v}");
    assert_eq!(v["status"], "ACTIVE", "{v}");
    let v = env.waited(&["instance", "resize-volume", "act", "2"]);
    assert_eq!(v["status"], "ACTIVE", "{v}");

    assert_eq!(
        env.ok(&["instance", "update", "act", "--name", "renamed"]),
        ""
    );
    assert_eq!(env.json(&["instance", "show", &id])["name"], "renamed");
    assert_eq!(
        env.ok(&["instance", "update", "renamed", "--name", "patched", "--patch"]),
        ""
    );
    assert_eq!(env.json(&["instance", "show", &id])["name"], "patched");
    assert_eq!(env.ok(&["instance", "reset-status", "patched"]), "");

    let err = env.fails(&["instance", "update", "patched"], 2);
    assert!(err.contains("nothing to update"), "{err}");
    let err = env.fails(&["instance", "resize-volume", "patched", "1"], 1);
    assert!(
        err.contains("badRequest") && err.contains("(HTTP 400)"),
        "{err}"
    );
}

#[test]
fn databases_users_and_root() {
    let env = start();
    env.create_active("db");

    assert_eq!(env.ok(&["database", "create", "db", "app", "reports"]), "");
    let names = env.ok(&["database", "list", "db", "-f", "value", "-c", "name"]);
    assert_eq!(names, "app\nreports\n");
    let page = env.json(&["database", "list", "db", "--limit", "1"]);
    assert_eq!(page.as_array().unwrap().len(), 1);

    assert_eq!(
        env.ok(&["user", "create", "db", "alice", "pw1", "--databases", "app"]),
        ""
    );
    let users = env.json(&["user", "list", "db"]);
    assert_eq!(users[0]["Name"], "alice", "{users}");
    assert_eq!(users[0]["Databases"], "app", "{users}");
    let shown = env.json(&["user", "show", "db", "alice"]);
    assert_eq!(shown["host"], "%", "{shown}");
    assert_eq!(env.ok(&["user", "grant", "db", "alice", "reports"]), "");
    let access = env.ok(&["user", "list-access", "db", "alice", "-f", "value"]);
    assert_eq!(access, "app\nreports\n");
    assert_eq!(env.ok(&["user", "revoke", "db", "alice", "app"]), "");
    let access = env.ok(&["user", "list-access", "db", "alice", "-f", "value"]);
    assert_eq!(access, "reports\n");
    assert_eq!(env.ok(&["user", "set-password", "db", "alice", "pw2"]), "");
    assert_eq!(
        env.ok(&["user", "update", "db", "alice", "--new-name", "bob"]),
        ""
    );
    assert_eq!(env.json(&["user", "show", "db", "bob"])["name"], "bob");
    assert_eq!(env.ok(&["user", "delete", "db", "bob"]), "");
    let err = env.fails(&["user", "show", "db", "bob"], 1);
    assert!(err.contains("(HTTP 404)"), "{err}");

    assert_eq!(env.json(&["root", "show", "db"])["is_root_enabled"], false);
    let root = env.json(&["root", "enable", "db"]);
    assert_eq!(root["name"], "root");
    assert!(!root["password"].as_str().unwrap().is_empty());
    let root = env.json(&["root", "enable", "db", "--password", "chosen"]);
    assert_eq!(root["password"], "chosen");
    assert_eq!(env.json(&["root", "show", "db"])["is_root_enabled"], true);
    assert_eq!(env.ok(&["root", "disable", "db"]), "");

    assert_eq!(env.ok(&["database", "delete", "db", "reports"]), "");
    let names = env.ok(&["database", "list", "db", "-f", "value", "-c", "name"]);
    assert_eq!(names, "app\n");
}

#[test]
fn backups_and_backup_strategies() {
    let env = start();
    let instance = env.create_active("bk");
    let b = env.waited(&[
        "backup",
        "create",
        "bk",
        "nightly",
        "--description",
        "first",
    ]);
    assert_eq!(b["status"], "COMPLETED", "{b}");
    assert_eq!(b["instance_id"], instance.as_str());
    let id = id_of(&b);

    let list = env.json(&["backup", "list", "--instance", "bk"]);
    assert_eq!(column(&list, "ID"), [id.as_str()]);
    assert_eq!(env.json(&["backup", "list"]).as_array().unwrap().len(), 1);
    let shown = env.json(&["backup", "show", &id]);
    assert_eq!(shown["name"], "nightly");
    // Flattened as `openstack database backup show` prints it.
    assert_eq!(shown["datastore"], "mysql", "{shown}");
    assert!(shown["datastore_version"].is_string(), "{shown}");
    assert!(shown["datastore_version_id"].is_string(), "{shown}");
    assert_eq!(env.json(&["backup", "show", "nightly"])["id"], id.as_str());

    // An incremental backup on top of the first, named by its name.
    let incr = env.waited(&["backup", "create", "bk", "incr", "--parent", "nightly"]);
    assert_eq!(incr["parent_id"], id.as_str(), "{incr}");
    let of_instance = env.json(&["backup", "list-instance", "bk"]);
    let mut names = column(&of_instance, "Name");
    names.sort_unstable();
    assert_eq!(names, ["incr", "nightly"]);
    let out = env
        .trove(&[
            "backup",
            "list-instance",
            "bk",
            "--limit",
            "1",
            "-f",
            "value",
            "-c",
            "ID",
        ])
        .output();
    assert_eq!(stdout(&out).lines().count(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--marker 1"), "{stderr}");
    assert_eq!(
        env.json(&["backup", "list-instance", "bk", "--marker", "1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(env.ok(&["backup", "delete", "incr"]).trim(), "");

    assert_eq!(
        env.trove(&["backup", "delete", "nightly"]).waiting().ok(),
        ""
    );
    env.fails(&["backup", "show", &id], 1);

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
        env.ok(&["backup-strategy", "delete", "--instance", "bk"]),
        ""
    );
    assert_eq!(env.json(&["backup-strategy", "list"]), json!([]));
}

#[test]
fn ambiguous_names_are_refused_and_ids_still_work() {
    let env = start();
    env.create_active("twin");
    let first = id_of(&env.waited(&["backup", "create", "twin", "same"]));
    let second = id_of(&env.waited(&["backup", "create", "twin", "same"]));

    let err = env.fails(&["backup", "show", "same"], 2);
    assert!(
        err.contains("2 backups are named \"same\"")
            && err.contains(&first)
            && err.contains(&second)
            && err.contains("use an id"),
        "{err}"
    );
    assert_eq!(
        env.json(&["backup", "show", &second])["id"],
        second.as_str()
    );
    let err = env.fails(&["backup", "show", "other"], 1);
    assert!(err.contains("(HTTP 404)"), "{err}");

    env.json(&["configuration", "create", "dup"]);
    env.json(&["configuration", "create", "dup"]);
    let err = env.fails(&["configuration", "delete", "dup"], 2);
    assert!(
        err.contains("2 configuration groups are named \"dup\""),
        "{err}"
    );
    assert_eq!(
        env.json(&["configuration", "list"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A resource whose name is another's id: the id wins.
    let named_like_id = env.json(&["configuration", "create", &first]);
    assert_ne!(named_like_id["id"], first.as_str());
    assert_eq!(env.json(&["backup", "show", &first])["name"], "same");
}

#[test]
fn datastores_flavors_and_limits() {
    let env = start();
    let list = env.json(&["datastore", "list"]);
    assert!(column(&list, "Name").contains(&"mysql"), "{list}");
    let mysql = env.json(&["datastore", "show", "mysql"]);
    assert_eq!(mysql["name"], "mysql");
    // Flattened as `openstack datastore show` prints it.
    assert!(mysql.get("links").is_none(), "{mysql}");
    assert!(mysql["versions (id)"].is_string(), "{mysql}");
    let versions = env.json(&["datastore", "version", "list", "mysql"]);
    let name = versions[0]["Name"].as_str().unwrap().to_owned();
    let version_id = versions[0]["ID"].as_str().unwrap().to_owned();
    let v = env.json(&["datastore", "version", "show", "mysql", &name]);
    assert_eq!(v["id"], version_id.as_str());
    assert!(v.get("links").is_none(), "{v}");
    let v = env.json(&["datastore", "version", "show", "--id", &version_id]);
    assert_eq!(v["name"], name.as_str());
    let flavors = env.json(&["datastore", "version", "flavors", "mysql", &name]);
    assert!(!flavors.as_array().unwrap().is_empty(), "{flavors}");

    let flavors = env.json(&["flavor", "list"]);
    assert!(column(&flavors, "ID").contains(&"1"), "{flavors}");
    let f = env.json(&["flavor", "show", "1"]);
    assert_eq!(f["name"], "m1.tiny");
    assert!(f.get("links").is_none(), "{f}");

    let limits = env.json(&["limit", "list"]);
    assert_eq!(limits[0]["Verb"], "ABSOLUTE", "{limits}");
    assert!(limits[0]["Max Instances"].is_number(), "{limits}");
}

#[test]
/// Follows trove/extensions/mgmt/quota/service.py: `QuotaController.show` lets a project read
/// its own quotas and refuses another's (403); `update` is `admin_context` (401).
fn quotas_need_an_admin() {
    let env = start();
    let own = env.json(&["quota", "show", "12345"]);
    assert!(column(&own, "Resource").contains(&"instances"), "{own}");
    let err = env.fails(&["quota", "show", "67890"], 1);
    assert!(
        err.contains("Operation not allowed for tenant 12345. (HTTP 403)"),
        "{err}"
    );
    let err = env.fails(&["quota", "update", "12345", "instances", "7"], 1);
    assert!(err.contains("(HTTP 401)"), "{err}");

    let quotas = env.admin(&["quota", "show", "12345"]).json();
    assert!(
        column(&quotas, "Resource").contains(&"instances"),
        "{quotas}"
    );
    assert_eq!(
        env.admin(&["quota", "update", "12345", "instances", "7"])
            .json(),
        json!({"instances": 7})
    );
    let quotas = env.admin(&["quota", "show", "12345"]).json();
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
        column(&params, "Name").contains(&"max_connections"),
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
    let id = id_of(&c);
    let list = env.json(&["configuration", "list"]);
    assert_eq!(column(&list, "ID"), [id.as_str()]);

    assert_eq!(
        env.ok(&[
            "configuration",
            "patch",
            &id,
            "--value",
            "connect_timeout=20"
        ]),
        ""
    );
    let shown = env.json(&["configuration", "show", "tuned"]);
    assert_eq!(shown["values"]["connect_timeout"], 20, "{shown}");
    assert_eq!(
        env.ok(&[
            "configuration",
            "update",
            "tuned",
            r#"{"max_connections": 300}"#
        ]),
        ""
    );
    let shown = env.json(&["configuration", "show", &id]);
    assert_eq!(shown["values"], json!({"max_connections": 300}));

    assert_eq!(env.ok(&["configuration", "attach", "cfg", "tuned"]), "");
    let users = env.json(&["configuration", "instances", "tuned"]);
    assert_eq!(column(&users, "Name"), ["cfg"]);
    let defaults = env.json(&["configuration", "default", "cfg"]);
    assert!(defaults.is_object(), "{defaults}");
    assert_eq!(env.ok(&["configuration", "detach", "cfg"]), "");
    assert_eq!(
        env.ok(&["instance", "update", "cfg", "--configuration", "tuned"]),
        ""
    );
    assert_eq!(
        env.json(&["instance", "show", "cfg"])["configuration"],
        id.as_str()
    );
    assert_eq!(
        env.ok(&["instance", "update", "cfg", "--detach-configuration"]),
        ""
    );
    assert_eq!(env.ok(&["configuration", "delete", "tuned"]), "");
    assert_eq!(env.json(&["configuration", "list"]), json!([]));

    let err = env.fails(&["configuration", "create", "bad", "not json"], 2);
    assert!(err.contains("not a JSON object"), "{err}");
}

#[test]
fn clusters_wait_for_their_members() {
    let env = start();
    let id = env.create_cluster("c1");
    let c = env.json(&["cluster", "show", "c1"]);
    assert_eq!(c["id"], id.as_str());
    // Flattened as `openstack database cluster show` prints it.
    assert!(c.get("task").is_none(), "{c}");
    assert_eq!(c["task_name"], "NONE", "{c}");
    assert_eq!(c["datastore"], "mongodb", "{c}");
    assert_eq!(c["instance_count"], 3, "{c}");
    assert!(c.get("links").is_none(), "{c}");
    let list = env.json(&["cluster", "list"]);
    assert_eq!(column(&list, "ID"), [id.as_str()]);
    let members = env.json(&["cluster", "instances", "c1"]);
    assert_eq!(members.as_array().unwrap().len(), 3, "{members}");
    assert_eq!(env.json(&["cluster", "show", &id])["id"], id.as_str());

    let member = members[0]["ID"].as_str().unwrap().to_owned();
    let member_name = members[0]["Name"].as_str().unwrap().to_owned();
    let shown = env.json(&["cluster", "show-instance", "c1", &member_name]);
    assert_eq!(shown["id"], member.as_str(), "{shown}");
    assert_eq!(shown["cluster_id"], id.as_str(), "{shown}");
    let err = env.fails(&["cluster", "show-instance", "c1", "nobody"], 2);
    assert!(err.contains("no member"), "{err}");

    let group = env.json(&["configuration", "create", "cgroup"]);
    let attached = env.waited(&["cluster", "configuration-attach", "c1", "cgroup"]);
    assert_eq!(attached["configuration"], group["id"], "{attached}");
    let users = env.json(&["configuration", "instances", "cgroup"]);
    assert_eq!(users.as_array().unwrap().len(), 3, "{users}");
    let detached = env.waited(&["cluster", "configuration-detach", "c1"]);
    assert!(detached.get("configuration").is_none(), "{detached}");

    let shrunk = env.waited(&["cluster", "shrink", "c1", &member_name]);
    assert_eq!(shrunk["instances"].as_array().unwrap().len(), 2, "{shrunk}");

    assert_eq!(env.trove(&["cluster", "delete", "c1"]).waiting().ok(), "");
    assert_eq!(env.json(&["cluster", "list"]), json!([]));

    let err = env.fails(
        &[
            "cluster",
            "create",
            "c2",
            "mongodb",
            "3.6",
            "--instance",
            "volume=1",
        ],
        2,
    );
    assert!(err.contains("flavor=ID is required"), "{err}");
}

#[test]
fn cluster_root() {
    let env = start();
    env.create_cluster("rooted");
    let shown = env.json(&["root", "show", "rooted", "--cluster"]);
    assert_eq!(shown["is_root_enabled"], false, "{shown}");
    let root = env.json(&["root", "enable", "rooted", "--cluster", "--password", "pw"]);
    assert_eq!(root["password"], "pw", "{root}");
    let shown = env.json(&["root", "show", "rooted", "--cluster"]);
    assert_eq!(shown["is_root_enabled"], true, "{shown}");
    // Without --cluster the name is looked up among instances.
    env.fails(&["root", "show", "rooted"], 1);
}

#[test]
fn modules_and_instance_modules() {
    let env = start();
    let dir = TempDir::new("modules");
    env.create_active("mod");
    let id = env.create_module(&dir, "ping", "ping contents\n");

    let list = env.json(&["module", "list"]);
    assert_eq!(column(&list, "ID"), [id.as_str()]);
    let shown = env.json(&["module", "show", "ping"]);
    assert_eq!(shown["id"], id.as_str());
    assert!(shown.get("links").is_none(), "{shown}");
    let m = env.json(&["module", "update", "ping", "--description", "pings"]);
    assert_eq!(m["description"], "pings", "{m}");

    let applied = env.json(&["module", "apply", "mod", "ping"]);
    assert_eq!(column(&applied, "ID"), [id.as_str()]);
    let on = env.json(&["module", "list-instance", "mod"]);
    assert_eq!(column(&on, "Name"), ["ping"]);
    assert!(on[0].get("Contents").is_none(), "{on}");
    // Contents go out base64-encoded (python-troveclient's `utils.encode_data`) and are listed
    // as the guest reads them back, base64 again.
    let on = env.json(&["module", "list-instance", "mod", "--include-contents"]);
    assert_eq!(column(&on, "Contents"), ["cGluZyBjb250ZW50cwo="]);
    let with = env.json(&["module", "instances", "ping"]);
    assert_eq!(column(&with, "Name"), ["mod"]);

    let counts = env.json(&["module", "instance-count", "ping"]);
    assert_eq!(counts[0]["Instance Count"], 1, "{counts}");
    assert_eq!(counts[0]["Module ID"], id.as_str(), "{counts}");
    assert_eq!(env.ok(&["module", "reapply", "ping", "--force"]), "");
    let err = env.fails(&["module", "reapply", "nope"], 1);
    assert!(err.contains("(HTTP 404)"), "{err}");

    let out = dir.path().join("out");
    let saved = env.json(&[
        "module",
        "retrieve",
        "mod",
        "--directory",
        out.to_str().unwrap(),
        "--prefix",
        "db",
    ]);
    let file = out.join("db_ping_all_all.dat");
    assert_eq!(
        saved,
        json!([{"Module": "ping", "File": file.to_str().unwrap()}])
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "ping contents\n");

    assert_eq!(env.ok(&["module", "remove", "mod", "ping"]), "");
    assert_eq!(env.json(&["module", "list-instance", "mod"]), json!([]));
    assert_eq!(env.ok(&["module", "delete", "ping"]), "");
    assert_eq!(env.json(&["module", "list"]), json!([]));
}

#[test]
fn modules_on_cluster_members() {
    let env = start();
    let dir = TempDir::new("cluster-modules");
    let id = env.create_module(&dir, "clustered", "x");
    let member = ["--instance", "flavor=2,volume=2,module=clustered"];
    env.waited(
        &[
            &["cluster", "create", "cm", "mongodb", "3.6"][..],
            &member,
            &member,
            &member,
        ]
        .concat(),
    );

    assert_eq!(env.json(&["module", "instances", "clustered"]), json!([]));
    let with = env.json(&["module", "instances", "clustered", "--include-clustered"]);
    assert_eq!(with.as_array().unwrap().len(), 3, "{with}");
    let counts = env.json(&["module", "instance-count", &id, "--include-clustered"]);
    assert_eq!(counts[0]["Instance Count"], 3, "{counts}");
}

#[test]
fn guest_logs() {
    let env = start();
    env.create_active("logs");
    let list = env.json(&["log", "list", "logs"]);
    assert!(column(&list, "Name").contains(&"general"), "{list}");
    let log = env.json(&["log", "enable", "logs", "general"]);
    assert_eq!(log["status"], "Enabled", "{log}");
    assert_eq!(
        env.json(&["log", "show", "logs", "general"])["name"],
        "general"
    );
    let log = env.json(&["log", "publish", "logs", "general"]);
    assert_eq!(log["name"], "general", "{log}");
    let log = env.json(&["log", "discard", "logs", "general"]);
    assert_eq!(log["name"], "general", "{log}");
    let log = env.json(&["log", "disable", "logs", "general"]);
    assert_eq!(log["status"], "Disabled", "{log}");
}

#[test]
fn ssl_enable_show_disable_rollback() {
    let env = start();
    env.create_active("tls");
    assert_eq!(env.json(&["ssl", "show", "tls"])["status"], "off");
    // Trove requires a Barbican container to enable TLS; the CLI does not send an enable
    // without one.
    let err = env.fails(&["ssl", "enable", "tls", "--mode", "enforced"], 2);
    assert!(err.contains("--container-ref"), "{err}");
    let on = env.json(&[
        "ssl",
        "enable",
        "tls",
        "--mode",
        "enforced",
        "--container-ref",
        "https://barbican.example.com/v1/containers/c1",
    ]);
    assert_eq!(on["status"], "on", "{on}");
    assert_eq!(on["mode"], "enforced", "{on}");
    assert_eq!(on["restart_required"], true, "{on}");
    let shown = env.json(&["ssl", "show", "tls", "--certificate"]);
    assert!(shown["certificate"]["payload"].is_string(), "{shown}");
    let shown = env.json(&["ssl", "show", "tls"]);
    assert!(shown["certificate"].get("payload").is_none(), "{shown}");
    assert_eq!(env.json(&["ssl", "disable", "tls"])["status"], "off");
    let back = env.json(&["ssl", "rollback", "tls"]);
    assert_eq!(
        (&back["status"], &back["mode"]),
        (&json!("on"), &json!("enforced"))
    );
    // Trove takes basic, enforced and mtls only; the CLI refuses another mode unsent.
    let err = env.fails(
        &[
            "ssl",
            "enable",
            "tls",
            "--mode",
            "builtin",
            "--container-ref",
            "c",
        ],
        2,
    );
    assert!(err.contains("expected basic, enforced or mtls"), "{err}");
    let basic = env.json(&["ssl", "enable", "tls", "--container-ref", "c"]);
    assert_eq!(basic["mode"], "basic", "{basic}");
}

#[test]
fn replicas_promote_and_eject() {
    let env = start();
    let source = env.create_active("src");
    // Trove refuses a flavor or volume on a replica create; the CLI does not send them.
    for extra in [&["1"][..], &["--size", "1"], &["--locality", "affinity"]] {
        let mut args = vec!["instance", "create", "rep", "--replica-of", "src"];
        args.extend_from_slice(extra);
        let err = env.fails(&args, 2);
        assert!(err.contains("cannot be used with"), "{err}");
    }
    let err = env.fails(&["instance", "create", "plain", "--size", "1"], 2);
    assert!(err.contains("<FLAVOR>"), "{err}");
    let replica = env.waited(&["instance", "create", "rep", "--replica-of", "src"]);
    assert_eq!(replica["replica_of"]["id"], source.as_str(), "{replica}");
    let promoted = env.waited(&["instance", "promote", "rep"]);
    assert_eq!(promoted["status"], "ACTIVE", "{promoted}");
    assert!(promoted.get("replica_of").is_none(), "{promoted}");
    let err = env.fails(&["instance", "eject", "rep"], 1);
    assert!(err.contains("badRequest"), "{err}");
}

#[test]
fn mgmt_needs_an_admin() {
    let env = start();
    let id = env.create_active("mine");
    for args in [
        &["mgmt", "instance", "list"][..],
        &["mgmt", "instance", "show", &id],
        &["mgmt", "cluster", "list"],
        &["mgmt", "datastore-version", "list"],
    ] {
        let err = env.fails(args, 1);
        // trove/common/auth.py `admin_context` raises `Forbidden`, which Trove answers 401.
        assert!(
            err.contains("User does not have admin privileges. (HTTP 401)"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn mgmt_instances_across_projects() {
    let env = start();
    let id = env.create_active("mine");
    env.as_project(
        "67890",
        &["instance", "create", "theirs", "1", "--size", "1"],
    )
    .waiting()
    .json();

    let all = env.admin(&["mgmt", "instance", "list"]).json();
    let mut names = column(&all, "Name");
    names.sort_unstable();
    assert_eq!(names, ["mine", "theirs"]);
    let theirs = env
        .admin(&["mgmt", "instance", "list", "--project-id", "67890"])
        .json();
    assert_eq!(column(&theirs, "Name"), ["theirs"]);
    assert_eq!(theirs[0]["Project ID"], "67890", "{theirs}");
    let deleted = env.admin(&["mgmt", "instance", "list", "--deleted"]).json();
    assert_eq!(deleted, json!([]));

    let shown = env.admin(&["mgmt", "instance", "show", "theirs"]).json();
    assert_eq!(shown["tenant_id"], "67890", "{shown}");
    assert!(shown["server"]["host"].is_string(), "{shown}");
    let shown = env.admin(&["mgmt", "instance", "show", &id]).json();
    assert_eq!(shown["name"], "mine", "{shown}");

    let status = || env.json(&["instance", "show", &id])["status"].clone();
    assert_eq!(env.admin(&["mgmt", "instance", "reboot", &id]).ok(), "");
    assert_eq!(status(), "REBOOT");
    assert_eq!(
        env.admin(&["mgmt", "instance", "migrate", &id, "--host", "host-2"])
            .ok(),
        ""
    );
    assert_eq!(status(), "MIGRATE");
    assert_eq!(
        env.admin(&["mgmt", "instance", "reset-task-status", &id])
            .ok(),
        ""
    );
    assert_eq!(status(), "ACTIVE");
    assert_eq!(env.admin(&["mgmt", "instance", "stop", &id]).ok(), "");
    assert_eq!(status(), "SHUTDOWN");
    env.admin(&["mgmt", "instance", "reset-task-status", &id])
        .ok();
    assert_eq!(
        env.admin(&[
            "mgmt",
            "instance",
            "rebuild",
            &id,
            "5a0c6e2b-3d4f-4a1b-8c9d-0e1f2a3b4c5d"
        ])
        .ok(),
        ""
    );

    env.create_active("guest");
    let diag = env
        .admin(&["mgmt", "instance", "diagnostics", "guest"])
        .json();
    assert!(diag["threads"].is_number(), "{diag}");
    let hw = env.admin(&["mgmt", "instance", "hwinfo", "guest"]).json();
    assert_eq!(hw["num_cpus"], 1, "{hw}");
    assert_eq!(env.admin(&["mgmt", "instance", "ping", "guest"]).ok(), "");
    let err = env.admin(&["mgmt", "instance", "ping", "nobody"]).fails(1);
    assert!(err.contains("(HTTP 404)"), "{err}");
    assert_eq!(
        env.admin(&[
            "mgmt",
            "instance",
            "guest-upgrade",
            "guest",
            "--instance-version",
            "2.0",
            "--location",
            "http://pkg/guest.deb",
            "--metadata",
            r#"{"checksum": "abc"}"#,
        ])
        .ok(),
        ""
    );
    let err = env
        .admin(&[
            "mgmt",
            "instance",
            "guest-upgrade",
            "guest",
            "--metadata",
            "[1]",
        ])
        .fails(2);
    assert!(err.contains("not a JSON object"), "{err}");

    env.admin(&["mgmt", "instance", "root-history", "guest"])
        .fails(1);
    env.json(&["root", "enable", "guest"]);
    let history = env
        .admin(&["mgmt", "instance", "root-history", "guest"])
        .json();
    assert_eq!(history["user"], "12345", "{history}");
}

#[test]
fn mgmt_clusters() {
    let env = start_with(Config {
        build: Delay::Reads(1000),
        ..Default::default()
    });
    let c = env.json(&[
        "cluster",
        "create",
        "stuck",
        "mongodb",
        "3.6",
        "--instance",
        "flavor=7,volume=1",
    ]);
    let list = env.admin(&["mgmt", "cluster", "list"]).json();
    assert_eq!(column(&list, "Name"), ["stuck"]);
    assert_eq!(list[0]["Project ID"], "12345", "{list}");
    let shown = env.admin(&["mgmt", "cluster", "show", "stuck"]).json();
    assert_eq!(shown["id"], c["id"], "{shown}");
    assert_eq!(shown["task"]["name"], "BUILDING_INITIAL", "{shown}");
    assert_eq!(
        env.admin(&["mgmt", "cluster", "reset-task", "stuck"]).ok(),
        ""
    );
    let shown = env.admin(&["mgmt", "cluster", "show", "stuck"]).json();
    assert_eq!(shown["task"]["name"], "NONE", "{shown}");
}

#[test]
fn mgmt_parameters_and_datastore_versions() {
    let env = start();
    let versions = env.admin(&["mgmt", "datastore-version", "list"]).json();
    assert_eq!(versions.as_array().unwrap().len(), 1, "{versions}");
    let builtin = versions[0]["ID"].as_str().unwrap().to_owned();

    let p = env
        .admin(&[
            "mgmt",
            "parameter",
            "create",
            &builtin,
            "my_knob",
            "integer",
        ])
        .args(["--min", "-5", "--max", "50", "--restart-required"])
        .json();
    assert_eq!(
        (&p["name"], &p["min"], &p["max"]),
        (&json!("my_knob"), &json!(-5), &json!(50))
    );
    assert_eq!(p["restart_required"], true, "{p}");
    let list = env.admin(&["mgmt", "parameter", "list", &builtin]).json();
    assert!(column(&list, "Name").contains(&"my_knob"), "{list}");
    let p = env
        .admin(&[
            "mgmt",
            "parameter",
            "update",
            &builtin,
            "my_knob",
            "integer",
            "--min",
            "1",
            "--max",
            "99",
        ])
        .json();
    assert_eq!((&p["min"], &p["max"]), (&json!(1), &json!(99)), "{p}");
    assert_eq!(p["restart_required"], false, "{p}");
    let p = env
        .admin(&["mgmt", "parameter", "show", &builtin, "my_knob"])
        .json();
    assert_eq!(p["max"], 99, "{p}");
    assert_eq!(
        env.admin(&["mgmt", "parameter", "delete", &builtin, "my_knob"])
            .ok(),
        ""
    );
    env.admin(&["mgmt", "parameter", "show", &builtin, "my_knob"])
        .fails(1);

    let created = env
        .admin(&[
            "mgmt",
            "datastore-version",
            "create",
            "8.0.30",
            "mysql",
            "mysql",
        ])
        .args([
            "--image-tag",
            "trove",
            "--image-tag",
            "mysql",
            "--package",
            "mysql-server",
        ])
        .json();
    assert_eq!(created["name"], "8.0.30", "{created}");
    assert_eq!(
        created["image_tags"],
        json!(["trove", "mysql"]),
        "{created}"
    );
    assert_eq!(created["active"], true, "{created}");
    let id = id_of(&created);
    let err = env
        .admin(&["mgmt", "datastore-version", "create", "9", "mysql", "mysql"])
        .fails(2);
    assert!(err.contains("--image"), "{err}");

    let shown = update_version(&env, &id, &["--inactive", "--default"]);
    assert_eq!(
        (&shown["active"], &shown["default"]),
        (&json!(false), &json!(true))
    );
    let err = env
        .admin(&["mgmt", "datastore-version", "update", &id])
        .fails(2);
    assert!(err.contains("nothing to update"), "{err}");
    assert_eq!(
        env.admin(&["mgmt", "datastore-version", "delete", &id])
            .ok(),
        ""
    );
    env.admin(&["mgmt", "datastore-version", "show", &id])
        .fails(1);
}

/// Every command whose body follows a Trove 26 rule, across its options, against the
/// emulator, which validates each body with Trove's request schemas
/// (crates/trove-emulator/schemas) and its controller rules: a body Trove would refuse fails
/// the command. Follows trove/backup/service.py `BackupController.create` (storage_driver,
/// restore_from), trove/cluster/service.py `ClusterController` (a version on create,
/// add_shard), trove/instance/service.py `_action_reset_status` (force_delete),
/// trove/configuration/service.py `ConfigurationsController.create` (datastore version
/// without a type, version_number), trove/extensions/mgmt/instances/service.py (show
/// deleted, rebuild) and trove/extensions/mgmt/datastores/service.py (registry_ext,
/// repl_strategy).
#[test]
fn commands_send_bodies_trove_takes() {
    let env = start();
    env.create_active("src");
    let b = env.waited(&[
        "backup",
        "create",
        "src",
        "full",
        "--description",
        "d",
        "--swift-container",
        "bk",
        "--storage-driver",
        "swift",
    ]);
    assert_eq!(b["status"], "COMPLETED", "{b}");
    let b = env.waited(&[
        "backup",
        "create",
        "src",
        "incr",
        "--incremental",
        "--storage-driver",
        "cinder",
    ]);
    assert_eq!(b["status"], "COMPLETED", "{b}");
    let versions = env.admin(&["mgmt", "datastore-version", "list"]).json();
    let version = versions[0]["ID"].as_str().unwrap().to_owned();
    let imported = env.json(&[
        "backup",
        "import",
        "imported",
        "--restore-from",
        "https://swift.example.com/v1/AUTH_x/database_backups/b1.xbstream.gz.enc",
        "--restore-datastore-version",
        &version,
        "--restore-size",
        "0.5",
        "--description",
        "from another region",
        "--storage-driver",
        "swift",
    ]);
    assert_eq!(
        (
            &imported["status"],
            &imported["instance_id"],
            &imported["size"]
        ),
        (&json!("RESTORED"), &Value::Null, &json!(0.5)),
        "{imported}"
    );
    let err = env.fails(
        &[
            "backup",
            "import",
            "bad",
            "--restore-from",
            "https://swift/c/o",
            "--restore-datastore-version",
            "5.7.29",
            "--restore-size",
            "1",
        ],
        1,
    );
    assert!(err.contains("not a UUID"), "{err}");

    // A cluster needs its datastore version; add_shard copies the first shard.
    let err = env.fails(
        &[
            "cluster",
            "create",
            "c0",
            "mongodb",
            "--instance",
            "flavor=2,volume=2",
        ],
        2,
    );
    assert!(err.contains("VERSION"), "{err}");
    env.create_cluster("c1");
    let shard = env.waited(&["cluster", "add-shard", "c1"]);
    assert_eq!(shard["instances"].as_array().unwrap().len(), 6, "{shard}");

    for datastore in [
        &["--datastore-version", "5.7.29"][..],
        &[
            "--datastore",
            "mysql",
            "--datastore-version",
            "5.7.29",
            "--datastore-version-number",
            "5.7.29",
        ][..],
    ] {
        let g = env.json(&[&["configuration", "create", "g"][..], datastore].concat());
        assert_eq!(g["datastore_version_name"], "5.7.29", "{g}");
        env.ok(&["configuration", "delete", &id_of(&g)]);
    }

    let stuck = env.create_active("stuck");
    assert_eq!(
        env.ok(&["instance", "reset-status", &stuck, "--force-delete"]),
        ""
    );
    let image = "00000000-0000-0000-0000-000000000001";
    let err = env
        .admin(&["mgmt", "instance", "rebuild", &stuck, "cirros"])
        .fails(2);
    assert!(err.contains("not a UUID"), "{err}");
    assert_eq!(
        env.admin(&["mgmt", "instance", "rebuild", &stuck, image])
            .ok(),
        ""
    );
    assert_eq!(
        env.trove(&["instance", "delete", &stuck]).waiting().ok(),
        ""
    );
    env.admin(&["mgmt", "instance", "show", &stuck]).fails(1);
    let gone = env
        .admin(&["mgmt", "instance", "show", &stuck, "--deleted"])
        .json();
    assert_eq!(gone["deleted"], true, "{gone}");

    let created = env
        .admin(&[
            "mgmt",
            "datastore-version",
            "create",
            "8.0",
            "mysql",
            "mysql",
        ])
        .args([
            "--image",
            image,
            "--registry-ext",
            "my.Manager",
            "--repl-strategy",
            "my.Strategy",
            "--version-number",
            "8.0.30",
            "--default",
            "--inactive",
        ])
        .json();
    assert_eq!(
        (&created["registry_ext"], &created["repl_strategy"]),
        (&json!("my.Manager"), &json!("my.Strategy")),
        "{created}"
    );
    let id = id_of(&created);
    let shown = update_version(
        &env,
        &id,
        &[
            "--registry-ext",
            "other.Manager",
            "--repl-strategy",
            "other.Strategy",
            "--image-tag",
            "trove",
            "--active",
        ],
    );
    assert_eq!(
        (&shown["registry_ext"], &shown["repl_strategy"]),
        (&json!("other.Manager"), &json!("other.Strategy")),
        "{shown}"
    );
}

#[test]
/// python-troveclient's module flags (`troveclient/v1/shell.py`, `do_module_create` and
/// `do_module_update`), with OSC's dashes or the legacy underscores.
fn module_create_and_update_take_troveclients_flags() {
    let env = start();
    let dir = TempDir::new("module-flags");
    let file = dir.file("m.dat", "contents\n");
    let m = env
        .admin(&[
            "module",
            "create",
            "m",
            "ping",
            &file,
            "--hidden",
            "--priority-apply",
            "--apply-order",
            "3",
            "--full-access",
        ])
        .json();
    assert_eq!(
        (&m["visible"], &m["priority_apply"], &m["apply_order"]),
        (&json!(false), &json!(true), &json!(3)),
        "{m}"
    );
    // By id: Trove 26.0.0 cannot list modules for an admin (trove/module/models.py
    // `Modules.load`), so an admin's name lookup fails there as on the emulator.
    let id = m["id"].as_str().unwrap().to_owned();
    let m = env
        .admin(&["module", "update", &id, "--no_hidden", "--apply-order", "7"])
        .json();
    assert_eq!(
        (&m["visible"], &m["apply_order"]),
        (&json!(true), &json!(7))
    );
    assert_eq!(m["priority_apply"], json!(true), "left alone: {m}");
    env.admin(&["module", "update", &id, "--hidden", "--no-hidden"])
        .fails(2);
    env.admin(&[
        "module",
        "create",
        "n",
        "ping",
        &file,
        "--apply-order",
        "10",
    ])
    .fails(2);
}

#[test]
/// `openstack database ...` command lines with `trove` in its place: OSC's positionals,
/// options and multi-word command names, flavor names resolved to ids.
fn osc_command_lines_work() {
    let env = start();
    let v = env.json(&[
        "instance", "create", "db1", "--flavor", "m1.small", "--size", "1",
    ]);
    assert_eq!(
        (&v["flavor"], &v["volume"]),
        (&json!("2"), &json!(1)),
        "{v}"
    );
    env.ok(&["instance", "show", "db1"]);
    assert_eq!(env.ok(&["instance", "resize", "volume", "db1", "2"]), "");
    env.trove(&["instance", "resize", "flavor", "db1", "m1.medium"])
        .waiting()
        .ok();
    let shown = env.json(&["instance", "show", "db1"]);
    assert_eq!(shown["flavor"], "3", "{shown}");
    let b = env.json(&["backup", "create", "b1", "--instance", "db1"]);
    assert_eq!(b["name"], "b1", "{b}");
    assert!(
        b.get("datastore_version").is_some(),
        "flattened as OSC: {b}"
    );
    let listed = env.ok(&[
        "backup", "list", "instance", "db1", "-f", "value", "-c", "Name",
    ]);
    assert_eq!(listed, "b1\n");
    env.create_active("db0");
    let names = env.ok(&[
        "instance",
        "list",
        "-f",
        "value",
        "-c",
        "Name",
        "--sort-column",
        "Name",
        "--sort-descending",
    ]);
    assert_eq!(names, "db1\ndb0\n");
    let shell = env.ok(&[
        "instance", "show", "db1", "-f", "shell", "-c", "name", "--prefix", "i_",
    ]);
    assert_eq!(shell, "i_name=\"db1\"\n");
    assert_eq!(env.ok(&["db", "create", "db1", "sales"]), "");
    assert_eq!(
        env.ok(&["database", "list", "db1", "-f", "value", "-c", "Name"]),
        "sales\n"
    );
    let log = env.json(&["log", "set", "db1", "general", "--enable", "--publish"]);
    assert_eq!(log["name"], "general", "{log}");
    let err = env.fails(
        &["instance", "create", "db2", "--flavor", "no-such-flavor"],
        1,
    );
    assert!(err.contains("no-such-flavor"), "{err}");
}

#[test]
/// `openstack datastore version create` registers a version inactive unless `--active`
/// (troveclient/osc/v1/datastores.py `CreateDatastoreVersion`: `active='false'`).
fn osc_datastore_version_create_is_inactive_by_default() {
    let env = start();
    for (name, extra) in [("8.0.30", None), ("8.0.31", Some("--active"))] {
        let mut args = vec!["datastore", "version", "create", name, "mysql", "mysql", ""];
        args.extend(["--image-tags", "trove,mysql"]);
        args.extend(extra);
        assert_eq!(env.admin(&args).ok(), "");
    }
    let all = env.admin(&["mgmt", "datastore-version", "list"]).json();
    let active = |name: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|v| v["Name"] == name)
            .map(|v| v["Active"].clone())
    };
    assert_eq!(active("8.0.30"), Some(json!(false)), "{all}");
    assert_eq!(active("8.0.31"), Some(json!(true)), "{all}");
}
