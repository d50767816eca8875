//! `cargo xtask msrv`: fails when a locked dependency needs a newer Rust than the workspace's
//! declared `rust-version`.
//!
//! Only one toolchain can be installed where CI runs, so the declared minimum cannot be proven by
//! building with it; what can be checked is that no dependency in `Cargo.lock` declares a higher
//! minimum than ours. Clippy's `incompatible_msrv` lint covers the other half: standard library
//! items newer than `rust-version` used by our own code.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// A Rust version as `major.minor.patch`; a missing patch is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RustVersion(u64, u64, u64);

impl RustVersion {
    /// Parses `1.85` or `1.85.1`.
    pub fn parse(text: &str) -> Option<RustVersion> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
        let major = parts.next()??;
        let minor = parts.next().unwrap_or(Some(0))?;
        let patch = parts.next().unwrap_or(Some(0))?;
        if parts.next().is_some() {
            return None;
        }
        Some(RustVersion(major, minor, patch))
    }
}

impl std::fmt::Display for RustVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What the check found: the declared minimum and the dependencies that need more.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    /// The workspace members' `rust-version`.
    pub declared: RustVersion,
    /// The highest `rust-version` among the locked dependencies, with who declares it.
    pub highest: Option<(RustVersion, String)>,
    /// Dependencies (`name version`) whose `rust-version` exceeds the declared one.
    pub too_new: Vec<(String, RustVersion)>,
}

/// Checks `cargo metadata` output: every member declares the same `rust-version`, and no other
/// package in the resolve (any platform, any dependency kind: CI builds tests too) needs more.
pub fn check(metadata: &Value) -> Result<Report> {
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .context("cargo metadata has no workspace_members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = metadata["packages"]
        .as_array()
        .context("cargo metadata has no packages")?;
    let version_of = |p: &Value| p["rust_version"].as_str().and_then(RustVersion::parse);
    let name_of = |p: &Value| {
        format!(
            "{} {}",
            p["name"].as_str().unwrap_or("?"),
            p["version"].as_str().unwrap_or("?")
        )
    };
    let mut declared: Option<RustVersion> = None;
    for p in packages.iter().filter(|p| is_member(p, &members)) {
        let Some(v) = version_of(p) else {
            bail!("workspace member {} declares no rust-version", name_of(p));
        };
        match declared {
            Some(d) if d != v => bail!(
                "workspace members disagree on rust-version: {d} and {v} ({})",
                name_of(p)
            ),
            _ => declared = Some(v),
        }
    }
    let declared = declared.context("no workspace member found in cargo metadata")?;
    let mut highest: Option<(RustVersion, String)> = None;
    let mut too_new = Vec::new();
    for p in packages.iter().filter(|p| !is_member(p, &members)) {
        let Some(v) = version_of(p) else { continue };
        if highest.as_ref().is_none_or(|(h, _)| v > *h) {
            highest = Some((v, name_of(p)));
        }
        if v > declared {
            too_new.push((name_of(p), v));
        }
    }
    too_new.sort();
    Ok(Report {
        declared,
        highest,
        too_new,
    })
}

fn is_member(package: &Value, members: &[&str]) -> bool {
    package["id"]
        .as_str()
        .is_some_and(|id| members.contains(&id))
}

/// Runs `cargo metadata --locked` in `workspace` and fails when a dependency needs more than the
/// declared `rust-version`.
pub fn run(workspace: &Path) -> Result<()> {
    let out = Command::new(crate::conformance::cargo())
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(workspace)
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
    let report = check(&metadata)?;
    let highest = report
        .highest
        .as_ref()
        .map_or("none".to_owned(), |(v, who)| format!("{v} ({who})"));
    println!(
        "rust-version {}; highest among locked dependencies: {highest}",
        report.declared
    );
    if !report.too_new.is_empty() {
        let list: Vec<String> = report
            .too_new
            .iter()
            .map(|(who, v)| format!("{who} needs {v}"))
            .collect();
        bail!(
            "locked dependencies need more than rust-version {}: {}; raise \
             [workspace.package] rust-version or pin older versions",
            report.declared,
            list.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(ours: &str, deps: &[(&str, Option<&str>)]) -> Value {
        let mut packages = vec![
            json!({"id": "a 0.1.0", "name": "a", "version": "0.1.0", "rust_version": ours}),
            json!({"id": "b 0.1.0", "name": "b", "version": "0.1.0", "rust_version": ours}),
        ];
        for (name, rv) in deps {
            packages.push(json!({"id": format!("{name} 1.0.0"), "name": name,
                                 "version": "1.0.0", "rust_version": rv}));
        }
        json!({"workspace_members": ["a 0.1.0", "b 0.1.0"], "packages": packages})
    }

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(RustVersion::parse("1.88"), Some(RustVersion(1, 88, 0)));
        assert_eq!(RustVersion::parse("1.89.1"), Some(RustVersion(1, 89, 1)));
        assert_eq!(RustVersion::parse("1.x"), None);
        assert_eq!(RustVersion::parse("1.2.3.4"), None);
        assert!(RustVersion::parse("1.100").unwrap() > RustVersion::parse("1.99.9").unwrap());
    }

    #[test]
    fn a_dependency_needing_more_fails_and_one_needing_as_much_passes() {
        let ok = check(&metadata(
            "1.89",
            &[("uuid", Some("1.89.0")), ("old", None)],
        ))
        .unwrap();
        assert!(ok.too_new.is_empty());
        assert_eq!(
            ok.highest,
            Some((RustVersion(1, 89, 0), "uuid 1.0.0".to_owned()))
        );
        let bad = check(&metadata(
            "1.85",
            &[("time", Some("1.88")), ("x", Some("1.80"))],
        ))
        .unwrap();
        assert_eq!(
            bad.too_new,
            vec![("time 1.0.0".to_owned(), RustVersion(1, 88, 0))]
        );
    }

    #[test]
    fn members_must_agree_and_declare() {
        let mut m = metadata("1.89", &[]);
        m["packages"][1]["rust_version"] = json!("1.85");
        assert!(check(&m).unwrap_err().to_string().contains("disagree"));
        m["packages"][1]["rust_version"] = Value::Null;
        assert!(check(&m)
            .unwrap_err()
            .to_string()
            .contains("declares no rust-version"));
    }
}
