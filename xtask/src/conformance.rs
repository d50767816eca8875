//! `cargo xtask conformance`: the conformance suites of `trove-tests` against the real servers.
//!
//! Phase 1 runs the `conformance` features of `trove-tests` and `troveclient-cli` (the `trove` binary)
//! against Trove in fake-auth mode; phase 2 restarts Trove with real Keystone token validation
//! and runs the `conformance-keystone` feature. The servers are stopped at the end whatever
//! happened.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::real_servers::{self, UpArgs};

/// Runs both phases, always stops the servers, fails if anything failed.
pub fn run(root: &Path) -> Result<()> {
    let result = phases(root);
    let stopped = real_servers::down(root);
    result?;
    stopped
}

fn phases(root: &Path) -> Result<()> {
    // Compile both suites before any server starts: a build error fails fast, and compiling does
    // not compete with the servers' start-up (their readiness deadlines) for the CPU.
    for feature in [PHASE_1, PHASE_2] {
        if !cargo_test(root, feature, true)? {
            bail!("building the suites with features {feature} failed");
        }
    }
    let mut failed = Vec::new();

    eprintln!("== conformance phase 1: Trove (fake auth) + Keystone ==");
    let facts = real_servers::up(root, &UpArgs::default())?;
    eprintln!("facts: {facts}");
    if !cargo_test(root, PHASE_1, false)? {
        failed.push("conformance (fake auth)");
    }

    eprintln!("== conformance phase 2: Trove validating Keystone tokens ==");
    let facts = real_servers::up(
        root,
        &UpArgs {
            trove: true,
            keystone_auth: true,
            ..UpArgs::default()
        },
    )?;
    eprintln!("facts: {facts}");
    if !cargo_test(root, PHASE_2, false)? {
        failed.push("conformance-keystone");
    }

    if !failed.is_empty() {
        bail!("conformance failed: {}", failed.join(", "));
    }
    eprintln!("conformance: both phases passed");
    Ok(())
}

/// Features of phase 1: the SDK suites and the `trove` binary against fake-auth Trove.
const PHASE_1: &str = "trove-tests/conformance,troveclient-cli/conformance";
/// Features of phase 2: Keystone v3 against Trove validating real tokens.
const PHASE_2: &str = "trove-tests/conformance-keystone";

/// The workspace root (xtask's parent directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_owned()
}

/// `cargo test -p trove-tests -p troveclient-cli --features FEATURES -- --test-threads=1` (only
/// building the tests with `no_run`); true when it passed.
fn cargo_test(root: &Path, features: &str, no_run: bool) -> Result<bool> {
    let mut cmd = suite_command(
        root,
        &[
            "-p",
            "trove-tests",
            "-p",
            "troveclient-cli",
            "--features",
            features,
        ],
    );
    if no_run {
        cmd.arg("--no-run");
    } else {
        // The suites share one server (and its quotas and fake timings): one test at a time.
        cmd.args(["--", "--test-threads=1"]);
    }
    let status = cmd.status().context("run cargo test")?;
    Ok(status.success())
}

/// `cargo test ARGS` from the workspace root, with the real servers' root and facts in the
/// environment, as the suites read them.
pub(crate) fn suite_command(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.arg("test")
        .args(args)
        .current_dir(workspace_root())
        .env("TROVE_REAL_ROOT", root)
        .env("TROVE_REAL_FACTS", root.join("facts.json"));
    cmd
}

/// The cargo to run: `$CARGO`, which cargo sets for the programs it runs (the same toolchain as
/// the one running us), else `cargo`.
pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Builds the emulator's binary, `target/debug/trove-emulator` of the workspace.
pub(crate) fn build_emulator() -> Result<()> {
    crate::venv::run(
        Command::new(cargo())
            .args([
                "build",
                "-p",
                "troveclient-emulator",
                "--bin",
                "trove-emulator",
            ])
            .current_dir(workspace_root()),
        "cargo build trove-emulator",
    )
}
