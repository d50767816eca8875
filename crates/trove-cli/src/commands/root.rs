//! `trove root ...`: the root user of an instance or of a cluster.

use clap::{Args, Subcommand};
use serde_json::json;
use troveclient::Secret;

use crate::auth::secret;
use crate::context::Ctx;
use crate::resolve;

/// Root user commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Enable the root user and print its password (generated unless --password is given).
    #[command(after_help = "Examples:
  trove root enable db1
  trove root enable db1 --password 'n3w-s3cret' -f value -c password
  trove root enable c1 --cluster")]
    Enable(EnableCmd),
    /// Show whether the root user has ever been enabled.
    #[command(after_help = "Examples:
  trove root show db1
  trove root show c1 --cluster")]
    Show(TargetArg),
    /// Disable the root user of an instance.
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

/// An instance or, with --cluster, a cluster.
#[derive(Debug, Args)]
pub struct TargetArg {
    /// Instance (or, with --cluster, cluster) id or name.
    #[arg(value_name = "INSTANCE")]
    target: String,
    /// The target is a cluster.
    #[arg(long)]
    cluster: bool,
}

/// `root enable`.
#[derive(Debug, Args)]
pub struct EnableCmd {
    #[command(flatten)]
    target: TargetArg,
    /// The root password to set.
    #[arg(long, value_parser = secret)]
    password: Option<Secret>,
}

/// Runs a root command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let client = ctx.client()?;
    match cmd {
        Cmd::Enable(c) if c.target.cluster => {
            let id = resolve::id::<troveclient::Cluster>(ctx, &c.target.target).await?;
            let root = client.cluster_root(&id);
            let user = match c.password {
                Some(p) => root.enable_with_password(p).await?,
                None => root.enable().await?,
            };
            ctx.out.show(&user)
        }
        Cmd::Enable(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.target.target).await?;
            let root = client.root(&id);
            let user = match c.password {
                Some(p) => root.enable_with_password(p).await?,
                None => root.enable().await?,
            };
            ctx.out.show(&user)
        }
        Cmd::Show(c) => {
            let enabled = if c.cluster {
                let id = resolve::id::<troveclient::Cluster>(ctx, &c.target).await?;
                client.cluster_root(&id).is_enabled().await?
            } else {
                let id = resolve::id::<troveclient::Instance>(ctx, &c.target).await?;
                client.root(&id).is_enabled().await?
            };
            ctx.out.show(&json!({ "is_root_enabled": enabled }))
        }
        Cmd::Disable(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            Ok(client.root(&id).disable().await?)
        }
    }
}
