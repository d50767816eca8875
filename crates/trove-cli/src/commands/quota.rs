//! `trove quota ...`: project quotas (admin).

use clap::{Args, Subcommand};
use troveclient::types::quota::QuotaLimits;

use crate::context::Ctx;
use crate::output::{col, Column};

/// Quota commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Show the quotas and usage of a project.
    #[command(after_help = "Examples:
  trove quota show 720853f53c8640d78d83056413bf5271")]
    Show(ProjectArg),
    /// Set the limit of one resource of a project.
    #[command(after_help = "Examples:
  trove quota update 720853f53c8640d78d83056413bf5271 instances 20")]
    Update(UpdateCmd),
}

/// A project.
#[derive(Debug, Args)]
pub struct ProjectArg {
    /// Project id.
    project: String,
}

/// `quota update`.
#[derive(Debug, Args)]
pub struct UpdateCmd {
    /// Project id.
    project: String,
    /// The resource: instances, volumes, backups, ram...
    resource: String,
    /// The new limit (-1 for unlimited).
    #[arg(allow_negative_numbers = true)]
    limit: i64,
}

const COLUMNS: &[Column] = &[
    col("Resource", "/resource"),
    col("In Use", "/in_use"),
    col("Reserved", "/reserved"),
    col("Limit", "/limit"),
];

/// Runs a quota command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let quotas = ctx.client()?.quotas();
    match cmd {
        Cmd::Show(c) => ctx.out.list(COLUMNS, &quotas.get(&c.project).await?.quotas),
        Cmd::Update(c) => {
            let limits = QuotaLimits::default().set(c.resource, c.limit);
            let now = quotas.update(&c.project, &limits).await?;
            ctx.out.show(&now.quotas)
        }
    }
}
