//! `trove module ...`: modules, and the modules applied to instances.

use anyhow::Context as _;
use clap::{Args, Subcommand};
use troveclient::types::module::UpdateModule;

use crate::commands::{instance, ListArgs};
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};

/// Module commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List modules.
    #[command(after_help = "Examples:
  trove module list
  trove module list --datastore mysql")]
    List(ListCmd),
    /// Show a module.
    #[command(after_help = "Examples:
  trove module show MODULE_ID")]
    Show(ModuleArg),
    /// Create a module from a file.
    #[command(after_help = "Examples:
  trove module create ping ping ./ping.dat --datastore mysql --live-update")]
    Create(CreateCmd),
    /// Change a module's name, description or contents.
    #[command(after_help = "Examples:
  trove module update MODULE_ID --file ./ping-v2.dat")]
    Update(UpdateCmd),
    /// Delete a module.
    #[command(after_help = "Examples:
  trove module delete MODULE_ID")]
    Delete(ModuleArg),
    /// List the instances that have a module.
    #[command(after_help = "Examples:
  trove module instances MODULE_ID")]
    Instances(InstancesCmd),
    /// Apply modules to an instance.
    #[command(after_help = "Examples:
  trove module apply db1 MODULE_ID")]
    Apply(ApplyCmd),
    /// Remove a module from an instance.
    #[command(after_help = "Examples:
  trove module remove db1 MODULE_ID")]
    Remove(RemoveCmd),
    /// List the modules applied to an instance (with --from-guest, as the guest reports them).
    #[command(after_help = "Examples:
  trove module list-instance db1
  trove module list-instance db1 --from-guest")]
    ListInstance(ListInstanceCmd),
}

/// `module list`.
#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    list: ListArgs,
    /// Only modules of this datastore.
    #[arg(long, value_name = "DATASTORE")]
    datastore: Option<String>,
}

/// A module.
#[derive(Debug, Args)]
pub struct ModuleArg {
    /// Module id.
    module: String,
}

/// `module create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Name of the module.
    name: String,
    /// Module type, such as ping or new_relic_license.
    module_type: String,
    /// File holding the module's contents (text).
    file: std::path::PathBuf,
    /// A description.
    #[arg(long)]
    description: Option<String>,
    /// Only for this datastore.
    #[arg(long, value_name = "TYPE")]
    datastore: Option<String>,
    /// Only for this datastore version.
    #[arg(long, value_name = "VERSION", requires = "datastore")]
    datastore_version: Option<String>,
    /// Apply to new instances automatically (admin).
    #[arg(long)]
    auto_apply: bool,
    /// Make the module available to every project (admin).
    #[arg(long)]
    all_tenants: bool,
    /// Allow applying the module to running instances.
    #[arg(long)]
    live_update: bool,
}

/// `module update`.
#[derive(Debug, Args)]
pub struct UpdateCmd {
    /// Module id.
    module: String,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// A new description.
    #[arg(long)]
    description: Option<String>,
    /// A file with the new contents.
    #[arg(long, value_name = "FILE")]
    file: Option<std::path::PathBuf>,
}

/// `module instances`.
#[derive(Debug, Args)]
pub struct InstancesCmd {
    /// Module id.
    module: String,
    #[command(flatten)]
    list: ListArgs,
}

/// `module apply`.
#[derive(Debug, Args)]
pub struct ApplyCmd {
    /// Instance id or name.
    instance: String,
    /// Module ids.
    #[arg(required = true)]
    modules: Vec<String>,
}

/// `module remove`.
#[derive(Debug, Args)]
pub struct RemoveCmd {
    /// Instance id or name.
    instance: String,
    /// Module id.
    module: String,
}

/// `module list-instance`.
#[derive(Debug, Args)]
pub struct ListInstanceCmd {
    /// Instance id or name.
    instance: String,
    /// Ask the guest agent instead of Trove's records.
    #[arg(long)]
    from_guest: bool,
}

const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Type", "/type"),
    col("Datastore", "/datastore"),
    col("Datastore Version", "/datastore_version"),
    col("Auto Apply", "/auto_apply"),
    col("Live Update", "/live_update"),
];

const INSTANCE_MODULE_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Type", "/type"),
    col("Datastore", "/datastore"),
    col("Datastore Version", "/datastore_version"),
    col("MD5", "/md5"),
    col("Status", "/status"),
    col("Message", "/message"),
];

const INSTANCE_COLUMNS: &[Column] = &[col("ID", "/id"), col("Name", "/name")];

fn read_contents(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| UsageError(format!("{} is not UTF-8 text", path.display())).into())
}

/// Runs a module command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let client = ctx.client()?;
    let modules = client.modules();
    match cmd {
        Cmd::List(c) => {
            let mut request = modules.list();
            if let Some(d) = &c.datastore {
                request = request.datastore(d);
            }
            let items = c
                .list
                .fetch(request, one_page!(), |r| r.into_stream())
                .await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Show(c) => ctx.out.show(&modules.get(&c.module).await?),
        Cmd::Create(c) => {
            let contents = read_contents(&c.file)?;
            let mut request = modules
                .create(c.name.clone(), c.module_type.clone(), contents)
                .auto_apply(c.auto_apply)
                .all_tenants(c.all_tenants)
                .live_update(c.live_update);
            if let Some(d) = c.description {
                request = request.description(d);
            }
            if let Some(kind) = c.datastore {
                request = request.datastore(kind, c.datastore_version);
            }
            ctx.out.show(&request.await?)
        }
        Cmd::Update(c) => {
            let body = UpdateModule {
                name: c.name,
                description: c.description,
                contents: c.file.as_deref().map(read_contents).transpose()?,
                ..Default::default()
            };
            if body == UpdateModule::default() {
                return Err(UsageError(
                    "nothing to update: give --name, --description or --file".to_owned(),
                )
                .into());
            }
            ctx.out.show(&modules.update(&c.module, &body).await?)
        }
        Cmd::Delete(c) => Ok(modules.delete(&c.module).await?),
        Cmd::Instances(c) => {
            let items = c
                .list
                .fetch(modules.instances(&c.module), one_page!(), |r| {
                    r.into_stream()
                })
                .await?;
            ctx.out.list(INSTANCE_COLUMNS, &items)
        }
        Cmd::Apply(c) => {
            let id = instance::find(ctx, &c.instance).await?.id;
            let applied = client.instances().apply_modules(&id, &c.modules).await?;
            ctx.out.list(INSTANCE_MODULE_COLUMNS, &applied)
        }
        Cmd::Remove(c) => {
            let id = instance::find(ctx, &c.instance).await?.id;
            Ok(client.instances().remove_module(&id, &c.module).await?)
        }
        Cmd::ListInstance(c) => {
            let id = instance::find(ctx, &c.instance).await?.id;
            let items = if c.from_guest {
                client.instances().modules_from_guest(&id, false).await?
            } else {
                client.instances().modules(&id).await?
            };
            ctx.out.list(INSTANCE_MODULE_COLUMNS, &items)
        }
    }
}
