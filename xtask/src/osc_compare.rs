//! `cargo xtask osc-compare`: `openstack database ...` beside `trove ...` against the emulator.
//!
//! Makes a venv with python-openstackclient and python-troveclient (pinned, with the same
//! constraints as the real servers' venv), builds the emulator binary, and runs
//! crates/trove-cli/tests/osc_compare.rs, which runs each command line with both tools and
//! compares the keys of their `-f json` output. The table of lines is written to
//! `$ROOT/osc-compare.md`.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::conformance::{build_emulator, cargo, workspace_root};
use crate::venv::{self, VenvSpec};

const REQUIREMENTS: &[&str] = &[
    "python-openstackclient==10.5.0",
    "python-troveclient==8.11.0",
];
/// The real servers' constraints pin every package both clients need.
const CONSTRAINTS: &str = include_str!("../assets/constraints-trove.txt");

fn osc_venv(root: &Path) -> VenvSpec {
    VenvSpec {
        name: "osc",
        dir: root.join("osc-venv"),
        requirements: REQUIREMENTS,
        constraints: CONSTRAINTS,
        probe: "bin/openstack",
    }
}

/// Makes the venv, builds the emulator, runs the comparison.
pub fn run(root: &Path) -> Result<()> {
    let py = venv::python();
    let version = venv::check_python(&py)?;
    let spec = osc_venv(root);
    spec.ensure(&py, &version)?;
    let ws = workspace_root();
    build_emulator()?;
    let report = root.join("osc-compare.md");
    let status = Command::new(cargo())
        .args([
            "test",
            "-p",
            "troveclient-cli",
            "--features",
            "osc-compare",
            "--test",
            "osc_compare",
            "--",
            "--nocapture",
        ])
        .current_dir(&ws)
        .env("TROVE_OSC_BIN", spec.bin("openstack"))
        .env("TROVE_EMULATOR_BIN", ws.join("target/debug/trove-emulator"))
        .env("TROVE_OSC_REPORT", &report)
        .status()
        .context("run cargo test")?;
    if !status.success() {
        bail!("osc-compare failed (table in {})", report.display());
    }
    eprintln!("osc-compare passed; table in {}", report.display());
    Ok(())
}
