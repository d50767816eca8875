//! `trove database ...`: the databases of an instance.

use clap::{Args, Subcommand};
use troveclient::DatabaseSpec;

use crate::commands::InstanceListCmd;
use crate::context::Ctx;
use crate::output::{col, Column};
use crate::resolve;

/// Database commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List the databases of an instance.
    #[command(after_help = "Examples:
  trove database list db1
  trove database list db1 -f value -c name")]
    List(InstanceListCmd),
    /// Create databases on an instance.
    #[command(after_help = "Examples:
  trove database create db1 app
  trove database create db1 app reports --character-set utf8mb4 --collate utf8mb4_general_ci")]
    Create(CreateCmd),
    /// Drop a database of an instance.
    #[command(after_help = "Examples:
  trove database delete db1 app")]
    Delete(DeleteCmd),
}

/// `database create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Instance id or name.
    instance: String,
    /// Names of the databases to create.
    #[arg(required = true)]
    names: Vec<String>,
    /// Character set of the new databases.
    #[arg(long, value_name = "CHARSET")]
    character_set: Option<String>,
    /// Collation of the new databases.
    #[arg(long, value_name = "COLLATION")]
    collate: Option<String>,
}

/// `database delete`.
#[derive(Debug, Args)]
pub struct DeleteCmd {
    /// Instance id or name.
    instance: String,
    /// Name of the database to drop.
    name: String,
}

const COLUMNS: &[Column] = &[
    col("Name", "/name"),
    col("Character Set", "/character_set").extra(),
    col("Collate", "/collate").extra(),
];

/// Runs a database command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::List(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let databases = ctx.client()?.databases(&id);
            let items = c.list.fetch(databases.list()).await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Create(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let specs: Vec<DatabaseSpec> = c
                .names
                .iter()
                .map(|n| DatabaseSpec {
                    name: n.clone(),
                    character_set: c.character_set.clone(),
                    collate: c.collate.clone(),
                })
                .collect();
            Ok(ctx.client()?.databases(&id).create(&specs).await?)
        }
        Cmd::Delete(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            Ok(ctx.client()?.databases(&id).delete(&c.name).await?)
        }
    }
}
