//! `trove flavor ...`: the flavors instances run on.

use clap::{Args, Subcommand};

use crate::columns::FLAVOR_COLUMNS as COLUMNS;
use troveclient::Flavor;

use crate::context::Ctx;
use crate::resolve;
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
    /// Flavor id or name.
    flavor: String,
}

/// Runs a flavor command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let flavors = ctx.client()?.flavors();
    match cmd {
        Cmd::List => ctx.out.list(COLUMNS, &flavors.list().await?),
        Cmd::Show(c) => {
            let id = resolve::id::<Flavor>(ctx, &c.flavor).await?;
            let raw = flavors.get_with_body(&id).await?;
            ctx.out
                .show(&shown::flavor(shown::unwrap(&raw.body, "flavor")?))
        }
    }
}
