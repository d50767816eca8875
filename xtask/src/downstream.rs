//! `cargo xtask downstream`: packages the workspace's publishable crates and runs the crate in
//! `tests/downstream/` against those packages, as a tool author outside the workspace would
//! build on them.
//!
//! The packages' manifests name each other by version only (packaging drops the paths), so the
//! downstream crate reaches them through `[patch.crates-io]` in a generated cargo config that
//! points every package name at its unpacked `.crate`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::venv;

/// A workspace member that `cargo package` makes a `.crate` of.
struct Package {
    name: String,
    version: String,
}

/// Runs the whole check from the workspace root.
pub fn run(root: &Path) -> Result<()> {
    let packages = publishable(root)?;
    if packages.is_empty() {
        bail!("no workspace member is publishable: nothing to build downstream on");
    }
    let work = root.join("target/downstream");
    let unpacked = work.join("crates");
    if unpacked.exists() {
        fs::remove_dir_all(&unpacked)?;
    }
    fs::create_dir_all(&unpacked)?;

    let mut package = Command::new(env!("CARGO"));
    package
        .current_dir(root)
        .args(["package", "--no-verify", "--allow-dirty"]);
    for p in &packages {
        package.args(["-p", &p.name]);
    }
    venv::run(&mut package, "cargo package")?;

    let mut config = String::from("[patch.crates-io]\n");
    for p in &packages {
        let file = root
            .join("target/package")
            .join(format!("{}-{}.crate", p.name, p.version));
        venv::run(
            Command::new("tar")
                .arg("-xzf")
                .arg(&file)
                .arg("-C")
                .arg(&unpacked),
            "unpack a package",
        )?;
        let dir = unpacked.join(format!("{}-{}", p.name, p.version));
        writeln!(config, "{} = {{ path = {:?} }}", p.name, dir.display())?;
    }
    let config_file = work.join("config.toml");
    fs::write(&config_file, config)?;

    // The workspace's lock file pins the same versions of the field's crates the workspace
    // was tested with; cargo drops what the downstream crate does not use.
    let manifest_dir = root.join("tests/downstream");
    fs::copy(root.join("Cargo.lock"), manifest_dir.join("Cargo.lock"))?;
    venv::run(
        Command::new(env!("CARGO"))
            .current_dir(&manifest_dir)
            .env("CARGO_TARGET_DIR", work.join("target"))
            .arg("--config")
            .arg(&config_file)
            .args(["test", "--manifest-path"])
            .arg(manifest_dir.join("Cargo.toml")),
        "cargo test of tests/downstream",
    )?;
    println!(
        "downstream: {} packages ({}) built on and tested from outside the workspace",
        packages.len(),
        packages
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// The workspace members whose `publish` is not `false`.
fn publishable(root: &Path) -> Result<Vec<Package>> {
    let out = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut packages = Vec::new();
    for p in metadata["packages"].as_array().into_iter().flatten() {
        // `publish` is null when publishing is allowed anywhere, `[]` for `publish = false`.
        let closed = p["publish"].as_array().is_some_and(|r| r.is_empty());
        if closed {
            continue;
        }
        let field = |key: &str| p[key].as_str().map(str::to_owned);
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            bail!("cargo metadata: a package without a name or version");
        };
        packages.push(Package { name, version });
    }
    Ok(packages)
}
