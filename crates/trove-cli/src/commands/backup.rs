//! `trove backup ...`: backups of instances.

use clap::{Args, Subcommand};
use troveclient::types::backup::{Backup, RestoreFrom};

use crate::commands::ListArgs;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};
use crate::resolve;
use crate::shown;
use crate::wait::{Spinner, WaitArgs};

/// Backup commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List backups (every page unless --limit or --marker is given).
    #[command(after_help = "Examples:
  trove backup list
  trove backup list --instance db1
  trove backup list --datastore mysql -f json")]
    List(ListCmd),
    /// List the backups of one instance, from the instance's own backup list.
    #[command(after_help = "Examples:
  trove backup list-instance db1
  trove backup list-instance db1 --limit 10 -f json")]
    ListInstance(ListInstanceCmd),
    /// Show a backup.
    #[command(after_help = "Examples:
  trove backup show nightly
  trove backup show BACKUP_ID -f json")]
    Show(BackupArg),
    /// Back up an instance.
    #[command(after_help = "Examples:
  trove backup create db1 nightly --wait
  trove backup create db1 nightly-incr --parent nightly")]
    Create(CreateCmd),
    /// Import existing backup data (such as a backup copied from another region) as a
    /// backup that instances can be restored from; no instance is backed up.
    #[command(after_help = "Examples:
  trove backup import imported \\
      --restore-from https://swift.example.com/v1/AUTH_x/database_backups/b1.xbstream.gz.enc \\
      --restore-datastore-version DATASTORE_VERSION_ID --restore-size 0.5")]
    Import(ImportCmd),
    /// Delete backups.
    #[command(after_help = "Examples:
  trove backup delete nightly --wait")]
    Delete(DeleteCmd),
}

/// `backup list`.
#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    list: ListArgs,
    /// Only backups of this instance (id or name).
    #[arg(long, value_name = "INSTANCE")]
    instance: Option<String>,
    /// Only backups of this datastore (type or id).
    #[arg(long, value_name = "DATASTORE")]
    datastore: Option<String>,
    /// Backups of every project (admin).
    #[arg(long)]
    all_projects: bool,
    /// Backups of this project (admin).
    #[arg(long, value_name = "PROJECT_ID")]
    project_id: Option<String>,
}

/// `backup list-instance`.
#[derive(Debug, Args)]
pub struct ListInstanceCmd {
    /// Instance id or name.
    instance: String,
    #[command(flatten)]
    list: ListArgs,
}

/// A backup, by id or name.
#[derive(Debug, Args)]
pub struct BackupArg {
    /// Backup id or name.
    backup: String,
}

/// `backup create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Instance id or name, then the backup's name; or, with --instance, the name alone
    /// (OSC's form).
    #[arg(value_name = "INSTANCE", required = true, num_args = 1..=2)]
    words: Vec<String>,
    /// The instance (id or name) to back up, as `openstack database backup create` takes it.
    #[arg(short = 'i', long = "instance", value_name = "INSTANCE")]
    instance: Option<String>,
    /// A description.
    #[arg(long)]
    description: Option<String>,
    /// Make an incremental backup on top of this one (id or name).
    #[arg(long, value_name = "BACKUP")]
    parent: Option<String>,
    /// Make an incremental backup on top of the instance's last one.
    #[arg(long)]
    incremental: bool,
    /// Swift container to store the backup in.
    #[arg(long, value_name = "CONTAINER")]
    swift_container: Option<String>,
    /// Storage driver to save the backup with, such as swift or cinder (the server's default
    /// if omitted).
    #[arg(long, value_name = "DRIVER")]
    storage_driver: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `backup import`: the flags of `openstack database backup create --restore-from`.
#[derive(Debug, Args)]
pub struct ImportCmd {
    /// Name of the backup.
    name: String,
    /// Where the backup data is, typically a Swift object URL.
    #[arg(long, value_name = "URL")]
    restore_from: String,
    /// Id of the local datastore version the data belongs to.
    #[arg(long, value_name = "VERSION_ID")]
    restore_datastore_version: String,
    /// The backup's size in GB.
    #[arg(long, value_name = "GB")]
    restore_size: f64,
    /// A description.
    #[arg(long)]
    description: Option<String>,
    /// Storage driver that holds the data, such as swift.
    #[arg(long, value_name = "DRIVER")]
    storage_driver: Option<String>,
}

/// `backup delete`.
#[derive(Debug, Args)]
pub struct DeleteCmd {
    /// Backup ids or names.
    #[arg(required = true)]
    backups: Vec<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// OSC's columns (`database_backups.py`, `ListDatabaseBackups`), and the size.
const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Instance ID", "/instance_id"),
    col("Name", "/name"),
    col("Status", "/status"),
    col("Parent ID", "/parent_id"),
    col("Updated", "/updated"),
    col("Project ID", "/project_id"),
    col("Size", "/size").extra(),
];

/// `backup list-instance`: OSC's `ListDatabaseInstanceBackups` has no project column.
const INSTANCE_COLUMNS: &[Column] = &[
    COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4], COLUMNS[5], COLUMNS[7],
];

/// Runs a backup command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let backups = ctx.client()?.backups();
    match cmd {
        Cmd::List(c) => {
            let mut request = backups.list().all_projects(c.all_projects);
            if let Some(i) = &c.instance {
                let id = resolve::id::<troveclient::Instance>(ctx, i).await?;
                request = request.instance_id(&id);
            }
            if let Some(d) = &c.datastore {
                request = request.datastore(d);
            }
            if let Some(p) = &c.project_id {
                request = request.project_id(p);
            }
            let items = c.list.fetch(request).await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::ListInstance(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let request = ctx.client()?.instances().backups(&id);
            let items = c.list.fetch(request).await?;
            ctx.out.list(INSTANCE_COLUMNS, &items)
        }
        Cmd::Show(c) => {
            let backups = ctx.client()?.backups();
            let raw = shown::fetch(
                &c.backup,
                |id| async move { backups.get_with_body(&id).await },
                || async { resolve::id::<Backup>(ctx, &c.backup).await },
            )
            .await?;
            ctx.out
                .show(&shown::backup(shown::unwrap(&raw.body, "backup")?))
        }
        Cmd::Create(c) => {
            let (instance, name) = match (&c.instance, c.words.as_slice()) {
                (Some(i), [name]) => (i, name),
                (None, [i, name]) => (i, name),
                _ => {
                    return Err(UsageError(
                        "give INSTANCE NAME, or NAME --instance INSTANCE".into(),
                    )
                    .into())
                }
            };
            let id = resolve::id::<troveclient::Instance>(ctx, instance).await?;
            let mut request = backups.create(name.clone(), id).incremental(c.incremental);
            if let Some(d) = c.description {
                request = request.description(d);
            }
            if let Some(p) = &c.parent {
                request = request.parent(resolve::id::<Backup>(ctx, p).await?);
            }
            if let Some(s) = c.swift_container {
                request = request.swift_container(s);
            }
            if let Some(d) = c.storage_driver {
                request = request.storage_driver(d);
            }
            let backup = request.await?;
            let backup = if c.wait.wait {
                let spinner = Spinner::new(&c.wait, &format!("backup {}", backup.id));
                spinner.finish(backups.wait_ready(&backup.id, spinner.options()).await)?
            } else if c.instance.is_none() {
                // Our own form prints the backup as the SDK models it.
                backup
            } else {
                // OSC's form (`--instance`) prints it as `backup show` does, as OSC prints its
                // answer.
                let raw = backups.get_with_body(&backup.id).await?;
                return ctx
                    .out
                    .show(&shown::backup(shown::unwrap(&raw.body, "backup")?));
            };
            ctx.out.show(&backup)
        }
        Cmd::Import(c) => {
            let from =
                RestoreFrom::new(c.restore_from, c.restore_datastore_version, c.restore_size);
            let mut request = backups.import(c.name, from);
            if let Some(d) = c.description {
                request = request.description(d);
            }
            if let Some(d) = c.storage_driver {
                request = request.storage_driver(d);
            }
            ctx.out.show(&request.await?)
        }
        Cmd::Delete(c) => {
            let mut ids = Vec::new();
            for name in &c.backups {
                let id = resolve::id::<Backup>(ctx, name).await?;
                backups.delete(&id).await?;
                ids.push(id);
            }
            if c.wait.wait {
                for id in &ids {
                    let spinner = Spinner::new(&c.wait, &format!("deletion of backup {id}"));
                    spinner.finish(backups.wait_deleted(id, spinner.options()).await)?;
                }
            }
            Ok(())
        }
    }
}
