//! Shared harness of the conformance and differential suites: targets (the emulator or the real
//! servers started by `cargo xtask real-servers up`), an exchange recorder, JSON shape
//! normalization, and the scenarios that run the same way against every target.

// This crate is a test suite: a failed expectation is a test failure, reported by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod differential;
pub mod openapi;
pub mod recorder;
pub mod scenarios;
pub mod shape;
pub mod target;

pub use recorder::{Exchange, Recorder};
pub use target::Target;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_owned()
}

/// The JSON file at `path`.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The exchanges the real servers answered, named `DIR/FILE`, in order of name:
/// `tests/fixtures/real-trove` (fake mode) and `tests/fixtures/real-keystone-trove` (tokens
/// validated by the real Keystone).
pub fn real_captures() -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for dir in [
        "tests/fixtures/real-trove",
        "tests/fixtures/real-keystone-trove",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(workspace_root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for file in files {
            let capture = read_json(&file);
            // The scenario summary is a record of state transitions, not an exchange.
            if capture.get("request").is_none() {
                continue;
            }
            let name = format!(
                "{dir}/{}",
                file.file_name().unwrap_or_default().to_string_lossy()
            );
            all.push((name, capture));
        }
    }
    all
}
