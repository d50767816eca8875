//! `cargo xtask`: the project's driver for real upstream servers and the conformance suite.

// The workspace clippy.toml bans `Instant::now`/`SystemTime::now` so library code reads time
// through the injected clock. A build tool measuring its own deadlines and start-up times is not
// library code and has no clock to inject.
#![allow(clippy::disallowed_methods)]

mod conformance;
mod downstream;
mod fuzz;
mod http;
mod msrv;
mod openapi;
mod openapi_check;
mod osc_compare;
mod proc;
mod real_servers;
mod reliability;
mod venv;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Build-and-test driver of the Trove SDK workspace.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    /// Directory holding venvs, configs, databases, logs, pid files and facts.json.
    #[arg(
        long,
        env = "TROVE_REAL_ROOT",
        default_value = "/tmp/trove-real-servers",
        global = true
    )]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start, stop or inspect the real Trove 26.0.0 and Keystone 30.0.0 servers on 127.0.0.1.
    RealServers {
        #[command(subcommand)]
        action: RealServersAction,
    },
    /// Start the real servers, run the conformance suites against them, stop them.
    Conformance,
    /// Start Keystone with 20 s tokens and Trove with its rate limiter on, run the reliability
    /// suite (48 callers on one client for 60 s; a create refused past its deadline), stop them.
    Reliability,
    /// Package the publishable crates and run tests/downstream, a crate outside the workspace,
    /// against the packages.
    Downstream,
    /// Run `openstack database ...` lines (python-openstackclient + python-troveclient from a
    /// venv made here) and the same lines with `trove` against the emulator, and compare the
    /// keys of their `-f json` output.
    OscCompare,
    /// Run every `cargo fuzz` target in fuzz/ for a bounded time (needs nightly + cargo-fuzz).
    Fuzz(fuzz::FuzzArgs),
    /// Fail when a dependency in Cargo.lock needs a newer Rust than the declared rust-version.
    Msrv,
    /// Write openapi/trove-v1.json, the OpenAPI 3.1 document generated from the route table and
    /// the models' JSON Schemas (`cargo test` fails while the committed file differs).
    Openapi,
    /// Validate openapi/trove-v1.json (openapi-spec-validator) and run schemathesis over it
    /// against the emulator (GET, then POST/PUT/PATCH, then DELETE) and the real Trove in fake
    /// mode (GET), each with an instance, a database, a user, a configuration group, a module
    /// and a backup made first.
    OpenapiCheck(openapi_check::Args),
}

#[derive(Subcommand)]
enum RealServersAction {
    /// (Re)start servers with fresh databases; prints facts as JSON and writes $ROOT/facts.json.
    Up(real_servers::UpArgs),
    /// Stop the servers started by `up` (by the pids in their pid files).
    Down,
    /// Show which servers run and the current facts.
    Status,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = real_servers::absolute_root(&cli.root)?;
    match cli.command {
        Command::RealServers { action } => match action {
            RealServersAction::Up(args) => {
                let facts = real_servers::up(&root, &args)?;
                println!("{}", serde_json::to_string_pretty(&facts)?);
                Ok(())
            }
            RealServersAction::Down => real_servers::down(&root),
            RealServersAction::Status => real_servers::status(&root),
        },
        Command::Conformance => conformance::run(&root),
        Command::Reliability => reliability::run(&root),
        Command::Downstream => downstream::run(&conformance::workspace_root()),
        Command::OscCompare => osc_compare::run(&root),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Msrv => msrv::run(&conformance::workspace_root()),
        Command::Openapi => openapi::write(&root),
        Command::OpenapiCheck(args) => openapi_check::run(&root, &args),
    }
}
