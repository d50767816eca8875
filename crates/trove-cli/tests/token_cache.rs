//! The CLI's token cache against the emulator's Keystone v3: a second `trove instance list`
//! makes no identity request (the emulator's request log is the witness), and the switches turn
//! the cache off.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use trove_emulator::{Config, Emulator, RunningEmulator};

struct Env {
    emulator: RunningEmulator,
    runtime: tokio::runtime::Runtime,
    cache: PathBuf,
}

impl Env {
    fn start(name: &str) -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(Emulator::start(Config::default()))
            .unwrap();
        let cache = std::env::temp_dir().join(format!(
            "trove-cli-token-cache-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&cache);
        Env {
            emulator,
            runtime,
            cache,
        }
    }

    /// `trove instance list` as jsmith with Keystone v3, the cache under `self.cache`.
    fn list(&self, password: &str) -> Command {
        self.list_with(&[], password)
    }

    /// The same, with global options before the command.
    fn list_with(&self, global: &[&str], password: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_trove"));
        c.env_clear()
            .env("XDG_CACHE_HOME", &self.cache)
            .env("OS_AUTH_URL", format!("{}/v3", self.emulator.url()))
            .env("OS_USERNAME", "jsmith")
            .env("OS_PASSWORD", password)
            .env("OS_PROJECT_NAME", "demo")
            .env("OS_USER_DOMAIN_NAME", "Default")
            .env("OS_PROJECT_DOMAIN_NAME", "Default")
            .args(global)
            .args(["instance", "list", "-f", "json"]);
        c
    }

    /// The identity requests (`POST /v3/auth/tokens`) the emulator has served.
    fn token_requests(&self) -> usize {
        let url = format!("{}/_emulator/requests", self.emulator.url());
        let body = self.runtime.block_on(get(&url));
        let log: Value = serde_json::from_str(&body).unwrap();
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["path"].as_str().unwrap().starts_with("/v3/auth"))
            .count()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.cache);
    }
}

/// A plain HTTP/1.1 GET over a TCP socket.
async fn get(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out.split_once("\r\n\r\n").unwrap().1.to_owned()
}

fn succeeds(mut c: Command) {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.is_array());
}

#[test]
fn a_second_instance_list_makes_no_identity_request() {
    let env = Env::start("reuse");
    succeeds(env.list("abcdef"));
    assert_eq!(env.token_requests(), 1);
    succeeds(env.list("abcdef"));
    assert_eq!(
        env.token_requests(),
        1,
        "the second run authenticated again"
    );

    // One private file in a private directory.
    let dir = env.cache.join("trove").join("tokens");
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::metadata(&files[0]).unwrap().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains("abcdef"), "the password was stored");
}

#[test]
fn the_flag_and_the_variable_turn_the_cache_off() {
    let env = Env::start("off");
    succeeds(env.list_with(&["--no-token-cache"], "abcdef"));
    let mut c = env.list("abcdef");
    c.env("OS_TOKEN_CACHE", "0");
    succeeds(c);
    assert_eq!(env.token_requests(), 2);
    assert!(!env.cache.join("trove").exists(), "nothing was written");
}

#[test]
fn a_corrupt_cache_file_is_ignored_and_replaced() {
    let env = Env::start("corrupt");
    succeeds(env.list("abcdef"));
    let dir = env.cache.join("trove").join("tokens");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    std::fs::write(&file, "not json").unwrap();
    let out = env.list("abcdef").output().unwrap();
    assert!(out.status.success());
    assert_eq!(env.token_requests(), 2);
    succeeds(env.list("abcdef"));
    assert_eq!(env.token_requests(), 2, "the replaced file is reused");
}
