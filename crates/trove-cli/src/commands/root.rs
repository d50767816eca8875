//! `trove root ...`: the root user of an instance.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::commands::instance;
use crate::context::Ctx;

/// Root user commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Enable the root user and print its password (generated unless --password is given).
    #[command(after_help = "Examples:
  trove root enable db1
  trove root enable db1 --password 'n3w-s3cret' -f value -c password")]
    Enable(EnableCmd),
    /// Show whether the root user has ever been enabled.
    #[command(after_help = "Examples:
  trove root show db1")]
    Show(InstanceArg),
    /// Disable the root user.
    #[command(after_help = "Examples:
  trove root disable db1")]
    Disable(InstanceArg),
}

/// An instance, by id or name.
#[derive(Debug, Args)]
pub struct InstanceArg {
    /// Instance id or name.
    instance: String,
}

/// `root enable`.
#[derive(Debug, Args)]
pub struct EnableCmd {
    /// Instance id or name.
    instance: String,
    /// The root password to set.
    #[arg(long)]
    password: Option<String>,
}

/// Runs a root command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Enable(c) => {
            let id = instance::find(ctx, &c.instance).await?.id;
            let root = ctx.client()?.root(&id);
            let user = match c.password {
                Some(p) => root.enable_with_password(p).await?,
                None => root.enable().await?,
            };
            ctx.out.show(&user)
        }
        Cmd::Show(c) => {
            let id = instance::find(ctx, &c.instance).await?.id;
            let enabled = ctx.client()?.root(&id).is_enabled().await?;
            ctx.out.show(&json!({ "is_root_enabled": enabled }))
        }
        Cmd::Disable(c) => {
            let id = instance::find(ctx, &c.instance).await?.id;
            Ok(ctx.client()?.root(&id).disable().await?)
        }
    }
}
