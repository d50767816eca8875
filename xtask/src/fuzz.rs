//! `cargo xtask fuzz`: runs every `cargo fuzz` target in `fuzz/` for a bounded time and prints
//! a summary (runs, coverage, findings) ready for `docs/reliability.md`.
//!
//! New corpus entries go to `fuzz/corpus-new/<target>` (ignored by git); the committed seed
//! corpus in `fuzz/corpus/<target>` is read, never written. Crashes land in
//! `fuzz/artifacts/<target>/`; reproduce one with `cargo +nightly fuzz run <target> <file>`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Flags of `cargo xtask fuzz`.
#[derive(clap::Args)]
pub struct FuzzArgs {
    /// Seconds to run each target.
    #[arg(long, default_value_t = 60)]
    secs: u64,
    /// Run only these targets (default: every target `cargo fuzz list` shows).
    #[arg(long = "target")]
    targets: Vec<String>,
    /// The toolchain that builds the targets (cargo-fuzz needs a nightly).
    #[arg(long, default_value = "nightly")]
    toolchain: String,
}

/// What one target's run produced.
struct Outcome {
    target: String,
    runs: String,
    coverage: String,
    corpus: String,
    finding: String,
}

/// Runs each target for `--secs` seconds and prints a summary; fails if a target crashed.
pub fn run(args: &FuzzArgs) -> Result<()> {
    let fuzz_dir = workspace_root().join("fuzz");
    let toolchain = format!("+{}", args.toolchain);
    check(
        Command::new("cargo").args([&toolchain, "--version"]),
        &format!(
            "the {} toolchain is missing: `rustup toolchain install {}`",
            args.toolchain, args.toolchain
        ),
    )?;
    check(
        Command::new("cargo").args([&toolchain, "fuzz", "--version"]),
        "cargo-fuzz is missing: `cargo install cargo-fuzz`",
    )?;
    let targets = if args.targets.is_empty() {
        let out = Command::new("cargo")
            .args([&toolchain, "fuzz", "list"])
            .current_dir(&fuzz_dir)
            .output()
            .context("cargo fuzz list")?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        args.targets.clone()
    };
    if targets.is_empty() {
        bail!("no fuzz targets in {}", fuzz_dir.display());
    }
    let mut outcomes = Vec::new();
    for target in &targets {
        outcomes.push(run_target(&fuzz_dir, &toolchain, target, args.secs)?);
    }
    println!("\n| target | seconds | runs | coverage | corpus | finding |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for o in &outcomes {
        println!(
            "| `{}` | {} | {} | {} | {} | {} |",
            o.target, args.secs, o.runs, o.coverage, o.corpus, o.finding
        );
    }
    if outcomes.iter().any(|o| o.finding != "none") {
        bail!("a fuzz target found a crash; see fuzz/artifacts/");
    }
    Ok(())
}

fn run_target(fuzz_dir: &Path, toolchain: &str, target: &str, secs: u64) -> Result<Outcome> {
    let new_corpus = fuzz_dir.join("corpus-new").join(target);
    let seeds = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&new_corpus)?;
    std::fs::create_dir_all(&seeds)?;
    eprintln!("fuzzing {target} for {secs} s");
    let out = Command::new("cargo")
        .args([toolchain, "fuzz", "run", target])
        .arg(&new_corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={secs}"))
        .arg("-rss_limit_mb=2048")
        .current_dir(fuzz_dir)
        .output()
        .with_context(|| format!("cargo fuzz run {target}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    if log.contains("failed to build fuzz script") {
        eprintln!("{log}");
        bail!("cannot build the fuzz target {target}; see the log above");
    }
    let done = log
        .lines()
        .rev()
        .find(|l| l.contains("DONE") || l.contains("cov:"));
    let field = |name: &str| -> String {
        done.and_then(|l| l.split(name).nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_owned()
    };
    let runs = log
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("Done "))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .unwrap_or_else(|| field("#"));
    let finding = if out.status.success() {
        "none".to_owned()
    } else {
        let artifact = log
            .lines()
            .find_map(|l| l.split("Test unit written to ").nth(1))
            .unwrap_or("see the log above");
        eprintln!("{log}");
        format!("crash: {artifact}")
    };
    Ok(Outcome {
        target: target.to_owned(),
        runs,
        coverage: field("cov: "),
        corpus: field("corp: "),
        finding,
    })
}

fn check(cmd: &mut Command, hint: &str) -> Result<()> {
    match cmd.output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => bail!("{hint}"),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
