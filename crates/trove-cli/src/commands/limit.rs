//! `trove limit list`: absolute limits and rate limits of the project.

use clap::Subcommand;

use crate::context::Ctx;
use crate::output::{col, Column};

/// Limit commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List the absolute limits (verb ABSOLUTE) and the rate limits.
    #[command(after_help = "Examples:
  trove limit list
  trove limit list -f json")]
    List,
}

const COLUMNS: &[Column] = &[
    col("Verb", "/verb"),
    col("URI", "/uri"),
    col("Value", "/value"),
    col("Remaining", "/remaining"),
    col("Unit", "/unit"),
    col("Next Available", "/nextAvailable"),
    col("Max Instances", "/max_instances"),
    col("Max Backups", "/max_backups"),
    col("Max Volumes", "/max_volumes"),
    col("Max RAM", "/max_ram"),
];

/// Runs a limit command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::List => {
            let limits = ctx.client()?.limits().list().await?;
            ctx.out.list(COLUMNS, &limits.items)
        }
    }
}
