//! Keeps docs/architecture.md true: its crate graph must be the workspace manifests' and its
//! trove-core tree must be the source files there are, no more and no fewer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The lines of the code block whose info string is `text <name>`.
fn block(doc: &str, name: &str) -> Vec<String> {
    let fence = format!("```text {name}");
    let start = doc
        .find(&fence)
        .unwrap_or_else(|| panic!("no `{fence}` block"));
    let body = &doc[start + fence.len()..];
    let end = body.find("```").expect("an unclosed block");
    body[..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn doc() -> String {
    std::fs::read_to_string(root().join("docs/architecture.md")).unwrap()
}

/// The workspace crates (by directory) that `crate_dir`'s `[dependencies]` names.
fn workspace_dependencies(crate_dir: &str, crates: &BTreeSet<String>) -> Vec<String> {
    let manifest =
        std::fs::read_to_string(root().join("crates").join(crate_dir).join("Cargo.toml")).unwrap();
    let mut in_dependencies = false;
    let mut found = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if !in_dependencies {
            continue;
        }
        if let Some(key) = line.split(['=', ' ']).next() {
            if crates.contains(key) {
                found.push(key.to_owned());
            }
        }
    }
    found
}

#[test]
fn the_crate_graph_is_the_manifests() {
    let listed = block(&doc(), "crates");
    let crates: BTreeSet<String> = listed
        .iter()
        .map(|l| l.split(':').next().unwrap().to_owned())
        .collect();
    for line in &listed {
        let (name, deps) = line.split_once(':').unwrap();
        let mut documented: Vec<&str> = deps.split_whitespace().collect();
        let mut actual = workspace_dependencies(name, &crates);
        documented.sort_unstable();
        actual.sort_unstable();
        assert_eq!(documented, actual, "{name}'s dependencies");
    }
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name != "trove-bench" {
            assert!(crates.contains(&name), "crates/{name} is not in the graph");
        }
    }
}

#[test]
fn the_trove_core_tree_is_the_source_tree() {
    let documented: BTreeSet<String> = block(&doc(), "trove-core")
        .iter()
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut actual = BTreeSet::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&src).unwrap();
                actual.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    assert_eq!(documented, actual);
}
