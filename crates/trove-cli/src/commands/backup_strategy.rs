//! `trove backup-strategy ...`: where backups are stored, per project or per instance.

use clap::{Args, Subcommand};
use troveclient::types::backup::CreateBackupStrategy;

use crate::context::Ctx;
use crate::output::{col, Column};
use crate::resolve;

/// Backup strategy commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List backup strategies.
    #[command(after_help = "Examples:
  trove backup-strategy list
  trove backup-strategy list --instance db1")]
    List(ScopeArgs),
    /// Create or replace the backup strategy of the project or of an instance.
    #[command(after_help = "Examples:
  trove backup-strategy create --swift-container db-backups
  trove backup-strategy create --instance db1 --swift-container db1-backups")]
    Create(CreateCmd),
    /// Delete the backup strategy of the project or of an instance.
    #[command(after_help = "Examples:
  trove backup-strategy delete --instance db1")]
    Delete(ScopeArgs),
}

/// Which strategy: an instance's, or the project's.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// The instance (id or name); the project's strategy when absent.
    #[arg(long, visible_alias = "instance-id", value_name = "INSTANCE")]
    instance: Option<String>,
    /// The project (admin).
    #[arg(long, value_name = "PROJECT_ID")]
    project_id: Option<String>,
}

/// `backup-strategy create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// The instance (id or name); the project's strategy when absent.
    #[arg(long, visible_alias = "instance-id", value_name = "INSTANCE")]
    instance: Option<String>,
    /// Swift container to store backups in.
    #[arg(long, value_name = "CONTAINER")]
    swift_container: Option<String>,
}

const COLUMNS: &[Column] = &[
    col("Project ID", "/project_id"),
    col("Instance ID", "/instance_id"),
    col("Backend", "/backend"),
    col("Swift Container", "/swift_container"),
];

async fn instance_id(ctx: &Ctx, instance: &Option<String>) -> anyhow::Result<Option<String>> {
    Ok(match instance {
        Some(i) => Some(resolve::id::<troveclient::Instance>(ctx, i).await?),
        None => None,
    })
}

/// Runs a backup strategy command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let strategies = ctx.client()?.backup_strategies();
    match cmd {
        Cmd::List(c) => {
            let id = instance_id(ctx, &c.instance).await?;
            let items = strategies
                .list(id.as_deref(), c.project_id.as_deref())
                .await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Create(c) => {
            let body = CreateBackupStrategy {
                instance_id: instance_id(ctx, &c.instance).await?,
                swift_container: c.swift_container,
            };
            ctx.out.show(&strategies.create(&body).await?)
        }
        Cmd::Delete(c) => {
            let id = instance_id(ctx, &c.instance).await?;
            Ok(strategies
                .delete(id.as_deref(), c.project_id.as_deref())
                .await?)
        }
    }
}
