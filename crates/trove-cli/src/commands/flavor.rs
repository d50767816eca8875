//! `trove flavor ...`: the flavors instances run on.

use clap::{Args, Subcommand};
use serde_json::Value;

use crate::context::Ctx;
use crate::output::{col, Column};
use crate::shown;

/// Flavor commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List flavors.
    #[command(after_help = "Examples:
  trove flavor list
  trove flavor list -f value -c ID -c Name")]
    List,
    /// Show a flavor.
    #[command(after_help = "Examples:
  trove flavor show 2")]
    Show(FlavorArg),
}

/// A flavor.
#[derive(Debug, Args)]
pub struct FlavorArg {
    /// Flavor id.
    flavor: String,
}

/// The columns of a flavor list.
pub const COLUMNS: &[Column] = &[
    col("ID", "").with(flavor_id),
    col("Name", "/name"),
    col("RAM", "/ram"),
    col("vCPUs", "/vcpus"),
    col("Disk", "/disk"),
    col("Ephemeral", "/ephemeral"),
];

/// Returns `str_id` (always a string) or else the numeric `id`.
fn flavor_id(flavor: &Value) -> Value {
    match flavor.get("str_id") {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => flavor.get("id").cloned().unwrap_or(Value::Null),
    }
}

/// Runs a flavor command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let flavors = ctx.client()?.flavors();
    match cmd {
        Cmd::List => ctx.out.list(COLUMNS, &flavors.list().await?),
        Cmd::Show(c) => {
            let raw = flavors.get_with_body(&c.flavor).await?;
            ctx.out
                .show(&shown::flavor(shown::unwrap(&raw.body, "flavor")?))
        }
    }
}
