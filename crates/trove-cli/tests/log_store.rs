//! `trove log tail` and `trove log save` against the emulator on a TCP port: the log is
//! published, then read from the object store the Keystone catalog names, and compared with the
//! objects the emulator's Swift holds (fetched here directly, not through the CLI).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::Value;
use trove_emulator::{Config, Emulator, RunningEmulator, DEMO_PROJECT_ID};

struct Env {
    emulator: RunningEmulator,
    runtime: tokio::runtime::Runtime,
}

fn start() -> Env {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(Emulator::start(Config::with_reads(1)))
        .unwrap();
    Env { emulator, runtime }
}

impl Env {
    /// The binary as Keystone user jsmith (project demo), whose catalog has the object store.
    fn keystone(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_trove"));
        c.env_clear()
            .env("OS_AUTH_URL", format!("{}/v3", self.emulator.url()))
            .env("OS_USERNAME", "jsmith")
            .env("OS_PASSWORD", "abcdef")
            .env("OS_PROJECT_NAME", "demo")
            .arg("--no-token-cache")
            .args(args);
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        stdout(&self.keystone(args).output().unwrap())
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(&[args, &["-f", "json"]].concat());
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    /// GETs a path of the emulator in process, with the demo project's fake-mode token.
    fn swift(&self, path: &str) -> (u16, Bytes) {
        let req = http::Request::get(format!("/v1/AUTH_{DEMO_PROJECT_ID}/database_logs{path}"))
            .header("x-auth-token", DEMO_PROJECT_ID)
            .body(Bytes::new())
            .unwrap();
        let resp = self.emulator.emulator().service().call_bytes(req);
        let status = resp.status().as_u16();
        let body = self
            .runtime
            .block_on(resp.into_body().collect())
            .unwrap()
            .to_bytes();
        (status, body)
    }

    /// The whole published log as the object store holds it: its parts in listing order.
    fn published(&self, id: &str, log: &str) -> String {
        let (status, body) = self.swift(&format!("?format=json&prefix={id}/mysql-{log}/"));
        assert_eq!(status, 200);
        let rows: Value = serde_json::from_slice(&body).unwrap();
        let mut text = String::new();
        for row in rows.as_array().unwrap() {
            let (status, body) = self.swift(&format!("/{}", row["name"].as_str().unwrap()));
            assert_eq!(status, 200);
            text.push_str(std::str::from_utf8(&body).unwrap());
        }
        text
    }
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn last(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Creates an instance with `trove instance create NAME 1 --size 1 --wait`; returns its id.
fn active_instance(env: &Env, name: &str) -> String {
    let created = env.json(&[
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
    created["id"].as_str().unwrap().to_owned()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trove-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn tail_prints_the_last_lines_of_the_published_log() {
    let env = start();
    let id = active_instance(&env, "logs");

    // --publish publishes first, so the log has a part to read.
    let tail = env.ok(&[
        "log",
        "tail",
        "logs",
        "general",
        "--publish",
        "--lines",
        "5",
    ]);
    let published = env.published(&id, "general");
    assert!(published.lines().count() > 5, "{published}");
    assert_eq!(tail, last(&published, 5));

    // A second part (the log is written again after a disable): the default 50 lines and a
    // count that spans both parts read across them, in publish order.
    env.ok(&["log", "disable", "logs", "general"]);
    env.ok(&["log", "publish", "logs", "general"]);
    let published = env.published(&id, "general");
    let first_part = published.lines().count() / 2;
    let spanning = first_part + 10;
    let tail = env.ok(&[
        "log",
        "tail",
        "logs",
        "general",
        "--lines",
        &spanning.to_string(),
    ]);
    assert_eq!(tail, last(&published, spanning));
    assert_eq!(tail.lines().count(), spanning);
    let tail = env.ok(&["log", "tail", "logs", "general"]);
    assert_eq!(tail, last(&published, 50));
    // 0 lines means the whole log.
    let all = env.ok(&["log", "tail", "logs", "general", "--lines", "0"]);
    assert_eq!(all, published);

    // Nothing published for a log: a clear error, not an empty page.
    let out = env
        .keystone(&["log", "tail", "logs", "slow_query"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no published 'slow_query' log was found for logs"),
        "{err}"
    );
}

#[test]
fn save_writes_the_whole_published_log_to_a_file() {
    let env = start();
    let id = active_instance(&env, "saved");
    let dir = temp_dir("log-save");
    let file = dir.join("general.log");
    let said = env.ok(&[
        "log",
        "save",
        "saved",
        "general",
        "--publish",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(
        said,
        format!("Log \"general\" written to {}\n", file.display())
    );
    let saved = std::fs::read_to_string(&file).unwrap();
    let published = env.published(&id, "general");
    assert!(!published.is_empty());
    assert_eq!(saved, published);
    let shown = env.json(&["log", "show", "saved", "general"]);
    assert_eq!(
        shown["published"].as_u64(),
        Some(saved.len() as u64),
        "{shown}"
    );

    // Without --file, python-troveclient's name in the working directory.
    let out = env
        .keystone(&["log", "save", "saved", "guest", "--publish"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let name = format!("trove-{id}-guest.log");
    assert_eq!(stdout(&out), format!("Log \"guest\" written to {name}\n"));
    assert_eq!(
        std::fs::read_to_string(dir.join(&name)).unwrap(),
        env.published(&id, "guest")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_session_without_a_catalog_says_so() {
    let env = start();
    let fake = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_trove"));
        c.env_clear()
            .args(["--auth-strategy", "fake", "--os-project-name", "12345"])
            .arg("--os-auth-url")
            .arg(format!("{}/v1.0/auth", env.emulator.url()))
            .args(args);
        c.output().unwrap()
    };
    let out = fake(&[
        "instance",
        "create",
        "nocat",
        "1",
        "--size",
        "1",
        "--wait",
        "--poll-interval",
        "0",
    ]);
    stdout(&out);
    let out = fake(&["log", "tail", "nocat", "general", "--publish"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no service catalog"), "{err}");
}
