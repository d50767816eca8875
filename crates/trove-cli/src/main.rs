//! `trove`: the command-line tool for OpenStack Trove, built on the `troveclient` facade.
//!
//! Parsing comes first and costs microseconds; the tokio runtime (current thread), the tracing
//! subscriber and the client are only made once a command needs them.

// The doc comments of the command structs are clap's help text, where `[,name=N]` means an
// optional part, as in every CLI's usage line; escaping the brackets would print the escapes.
#![allow(rustdoc::broken_intra_doc_links)]

mod auth;
mod cli;
mod columns;
mod commands;
mod context;
mod error;
mod osc;
mod output;
mod resolve;
mod shown;
mod wait;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_from(osc::rewrite(std::env::args_os().collect()));
    if cli.debug {
        init_debug_logging();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return error::report(&anyhow::Error::new(e)),
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => error::report(&e),
    }
}

/// Sends the SDK's debug spans and events (requests, statuses, request ids; secrets are marked
/// sensitive there and never logged) to stderr.
fn init_debug_logging() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_target(true)
        .init();
}
