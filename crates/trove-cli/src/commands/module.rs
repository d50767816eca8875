//! `trove module ...`: modules, and the modules applied to instances.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::json;
use troveclient::types::module::{ModuleDatastore, UpdateModule};
use troveclient::{Module, Reapply};

use crate::commands::ListArgs;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};
use crate::resolve;
use crate::shown;

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
  trove module show ping")]
    Show(ModuleArg),
    /// Create a module from a file.
    #[command(after_help = "Examples:
  trove module create ping ping ./ping.dat --datastore mysql --live-update")]
    Create(CreateCmd),
    /// Change a module's name, description or contents.
    #[command(after_help = "Examples:
  trove module update ping --file ./ping-v2.dat")]
    Update(UpdateCmd),
    /// Delete a module.
    #[command(after_help = "Examples:
  trove module delete ping")]
    Delete(ModuleArg),
    /// List the instances that have a module.
    #[command(after_help = "Examples:
  trove module instances ping")]
    Instances(InstancesCmd),
    /// Apply modules to an instance.
    #[command(after_help = "Examples:
  trove module apply db1 ping")]
    Apply(ApplyCmd),
    /// Remove a module from an instance.
    #[command(after_help = "Examples:
  trove module remove db1 ping")]
    Remove(RemoveCmd),
    /// List the modules applied to an instance (with --from-guest, as the guest reports them).
    #[command(after_help = "Examples:
  trove module list-instance db1
  trove module list-instance db1 --from-guest")]
    ListInstance(ListInstanceCmd),
    /// Count the instances that have a module, per version (MD5) of its contents.
    #[command(after_help = "Examples:
  trove module instance-count ping
  trove module instance-count ping --include-clustered -f json")]
    InstanceCount(InstanceCountCmd),
    /// Apply a module again to the instances that have it (after an update, for instance).
    #[command(after_help = "Examples:
  trove module reapply ping
  trove module reapply ping --md5 OLD_MD5 --batch-size 10 --delay 30
  trove module reapply ping --force")]
    Reapply(ReapplyCmd),
    /// Save the contents of the modules applied to an instance, one file per module, named
    /// [PREFIX_]NAME_DATASTORE_VERSION.dat.
    #[command(after_help = "Examples:
  trove module retrieve db1
  trove module retrieve db1 --directory ./modules --prefix db1")]
    Retrieve(RetrieveCmd),
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
    /// Module id or name.
    module: String,
}

/// `module create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Name of the module.
    name: String,
    /// Module type, such as ping or new_relic_license.
    module_type: String,
    /// File holding the module's contents (any bytes; sent base64-encoded).
    file: PathBuf,
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
    #[arg(long, alias = "live_update")]
    live_update: bool,
    /// Hide the module from tenants (admin): Trove's `visible` 0.
    #[arg(long)]
    hidden: bool,
    /// Apply the module before the others that lack this flag (admin).
    #[arg(long, alias = "priority_apply")]
    priority_apply: bool,
    /// Order among modules of the same priority, 0 to 9 (Trove's default 5).
    #[arg(long, alias = "apply_order", value_name = "N",
        value_parser = clap::value_parser!(u8).range(0..=9))]
    apply_order: Option<u8>,
    /// Give the module full access to the guest (admin).
    #[arg(long, alias = "full_access")]
    full_access: bool,
}

/// `module update`: the 16 options of python-troveclient's `trove module-update`, with OSC's
/// dashes or its underscores; each `--x`/`--no-x` pair leaves the setting alone when neither
/// is given.
#[derive(Debug, Args)]
pub struct UpdateCmd {
    /// Module id or name.
    module: String,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// A new module type.
    #[arg(long = "type", value_name = "TYPE")]
    module_type: Option<String>,
    /// A file with the new contents.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// A new description.
    #[arg(long)]
    description: Option<String>,
    /// Only for this datastore.
    #[arg(long, value_name = "TYPE", conflicts_with = "all_datastores")]
    datastore: Option<String>,
    /// For every datastore.
    #[arg(long, alias = "all_datastores")]
    all_datastores: bool,
    /// Only for this datastore version.
    #[arg(
        long,
        alias = "datastore_version",
        value_name = "VERSION",
        conflicts_with = "all_datastore_versions"
    )]
    datastore_version: Option<String>,
    /// For every version of the datastore.
    #[arg(long, alias = "all_datastore_versions")]
    all_datastore_versions: bool,
    /// Apply to new instances automatically (admin).
    #[arg(long, alias = "auto_apply", conflicts_with = "no_auto_apply")]
    auto_apply: bool,
    /// Stop applying to new instances automatically.
    #[arg(long, alias = "no_auto_apply")]
    no_auto_apply: bool,
    /// Make the module available to every project (admin).
    #[arg(long, alias = "all_tenants", conflicts_with = "no_all_tenants")]
    all_tenants: bool,
    /// Make the module the current project's only.
    #[arg(long, alias = "no_all_tenants")]
    no_all_tenants: bool,
    /// Hide the module from tenants (admin).
    #[arg(long, conflicts_with = "no_hidden")]
    hidden: bool,
    /// Show the module to tenants.
    #[arg(long, alias = "no_hidden")]
    no_hidden: bool,
    /// Allow applying the module to running instances.
    #[arg(long, alias = "live_update", conflicts_with = "no_live_update")]
    live_update: bool,
    /// Only apply the module when an instance is created.
    #[arg(long, alias = "no_live_update")]
    no_live_update: bool,
    /// Apply the module before those without this flag (admin).
    #[arg(long, alias = "priority_apply", conflicts_with = "no_priority_apply")]
    priority_apply: bool,
    /// Apply the module in the ordinary order.
    #[arg(long, alias = "no_priority_apply")]
    no_priority_apply: bool,
    /// Order among modules of the same priority, 0 to 9.
    #[arg(long, alias = "apply_order", value_name = "N",
        value_parser = clap::value_parser!(u8).range(0..=9))]
    apply_order: Option<u8>,
    /// Give the module full access to the guest (admin).
    #[arg(long, alias = "full_access", conflicts_with = "no_full_access")]
    full_access: bool,
    /// Take full access away.
    #[arg(long, alias = "no_full_access")]
    no_full_access: bool,
}

/// `Some(true)` for `--x`, `Some(false)` for `--no-x`, else `None` (clap refuses both).
fn either(yes: bool, no: bool) -> Option<bool> {
    (yes || no).then_some(yes)
}

/// `module instances`.
#[derive(Debug, Args)]
pub struct InstancesCmd {
    /// Module id or name.
    module: String,
    #[command(flatten)]
    list: ListArgs,
    /// Include instances that belong to clusters.
    #[arg(long)]
    include_clustered: bool,
}

/// `module instance-count`.
#[derive(Debug, Args)]
pub struct InstanceCountCmd {
    /// Module id or name.
    module: String,
    /// Include instances that belong to clusters.
    #[arg(long)]
    include_clustered: bool,
}

/// `module reapply`.
#[derive(Debug, Args)]
pub struct ReapplyCmd {
    /// Module id or name.
    module: String,
    /// Only instances that have the contents with this MD5.
    #[arg(long, value_name = "MD5")]
    md5: Option<String>,
    /// Include instances that belong to clusters.
    #[arg(long)]
    include_clustered: bool,
    /// Apply to this many instances at a time.
    #[arg(long, value_name = "N")]
    batch_size: Option<u32>,
    /// Seconds to wait between batches.
    #[arg(long, value_name = "SECONDS")]
    delay: Option<u32>,
    /// Apply even to instances whose module is current.
    #[arg(long)]
    force: bool,
}

/// `module retrieve`.
#[derive(Debug, Args)]
pub struct RetrieveCmd {
    /// Instance id or name.
    instance: String,
    /// Directory to write the files to (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    directory: PathBuf,
    /// Prefix of the file names (an underscore is added).
    #[arg(long)]
    prefix: Option<String>,
}

/// `module apply`.
#[derive(Debug, Args)]
pub struct ApplyCmd {
    /// Instance id or name.
    instance: String,
    /// Module ids or names.
    #[arg(required = true)]
    modules: Vec<String>,
}

/// `module remove`.
#[derive(Debug, Args)]
pub struct RemoveCmd {
    /// Instance id or name.
    instance: String,
    /// Module id or name.
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
    /// Add each module's contents (base64, as the guest reads them back; an admin module's
    /// contents are for admins only).
    #[arg(long)]
    include_contents: bool,
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

const CONTENTS_COLUMN: Column = col("Contents", "/contents");

const INSTANCE_COLUMNS: &[Column] = &[col("ID", "/id"), col("Name", "/name")];

const COUNT_COLUMNS: &[Column] = &[
    col("Module ID", "/module_id"),
    col("Module Name", "/module_name"),
    col("Module MD5", "/module_md5"),
    col("Current", "/current"),
    col("Instance Count", "/instance_count"),
    col("Min Updated Date", "/min_updated_date"),
    col("Max Updated Date", "/max_updated_date"),
];

const FILE_COLUMNS: &[Column] = &[col("Module", "/module"), col("File", "/file")];

fn read_contents(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
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
            let items = c.list.fetch(request).await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Show(c) => {
            let modules = ctx.client()?.modules();
            let raw = shown::fetch(
                &c.module,
                |id| async move { modules.get_with_body(&id).await },
                || async { resolve::id::<Module>(ctx, &c.module).await },
            )
            .await?;
            ctx.out
                .show(&shown::module(shown::unwrap(&raw.body, "module")?))
        }
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
            let request = request.with(|body| {
                if c.hidden {
                    body.visible = Some(false);
                }
                if c.priority_apply {
                    body.priority_apply = Some(true);
                }
                body.apply_order = c.apply_order;
                if c.full_access {
                    body.full_access = Some(true);
                }
            });
            ctx.out.show(&request.await?)
        }
        Cmd::Update(c) => {
            let datastore =
                (c.datastore.is_some() || c.datastore_version.is_some()).then(|| ModuleDatastore {
                    kind: c.datastore.clone(),
                    version: c.datastore_version.clone(),
                });
            let mut body = UpdateModule {
                name: c.name,
                module_type: c.module_type,
                description: c.description,
                datastore,
                all_datastores: c.all_datastores.then_some(true),
                all_datastore_versions: c.all_datastore_versions.then_some(true),
                auto_apply: either(c.auto_apply, c.no_auto_apply),
                all_tenants: either(c.all_tenants, c.no_all_tenants),
                visible: either(c.no_hidden, c.hidden),
                live_update: either(c.live_update, c.no_live_update),
                priority_apply: either(c.priority_apply, c.no_priority_apply),
                apply_order: c.apply_order,
                full_access: either(c.full_access, c.no_full_access),
                ..Default::default()
            };
            if let Some(file) = c.file.as_deref() {
                body = body.contents(read_contents(file)?);
            }
            if body == UpdateModule::default() {
                return Err(UsageError(
                    "nothing to update: give one of the options (see --help)".to_owned(),
                )
                .into());
            }
            let id = resolve::id::<Module>(ctx, &c.module).await?;
            ctx.out.show(&modules.update(&id, &body).await?)
        }
        Cmd::Delete(c) => {
            let id = resolve::id::<Module>(ctx, &c.module).await?;
            Ok(modules.delete(&id).await?)
        }
        Cmd::Instances(c) => {
            let id = resolve::id::<Module>(ctx, &c.module).await?;
            let request = modules
                .instances(&id)
                .include_clustered(c.include_clustered);
            let items = c.list.fetch(request).await?;
            ctx.out.list(INSTANCE_COLUMNS, &items)
        }
        Cmd::Apply(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let mut module_ids = Vec::new();
            for m in &c.modules {
                module_ids.push(resolve::id::<Module>(ctx, m).await?);
            }
            let applied = client.instances().apply_modules(&id, &module_ids).await?;
            ctx.out.list(INSTANCE_MODULE_COLUMNS, &applied)
        }
        Cmd::Remove(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let module = resolve::id::<Module>(ctx, &c.module).await?;
            Ok(client.instances().remove_module(&id, &module).await?)
        }
        Cmd::ListInstance(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let instances = client.instances();
            let items = match (c.from_guest, c.include_contents) {
                (true, with) => instances.modules_from_guest(&id, with).await?,
                (false, true) => instances.modules_with_contents(&id).await?,
                (false, false) => instances.modules(&id).await?,
            };
            if c.include_contents {
                let mut columns = INSTANCE_MODULE_COLUMNS.to_vec();
                columns.push(CONTENTS_COLUMN);
                return ctx.out.list(&columns, &items);
            }
            ctx.out.list(INSTANCE_MODULE_COLUMNS, &items)
        }
        Cmd::InstanceCount(c) => {
            let id = resolve::id::<Module>(ctx, &c.module).await?;
            let counts = modules.instance_counts(&id, c.include_clustered).await?;
            ctx.out.list(COUNT_COLUMNS, &counts)
        }
        Cmd::Reapply(c) => {
            let id = resolve::id::<Module>(ctx, &c.module).await?;
            let options = Reapply {
                md5: c.md5,
                include_clustered: c.include_clustered.then_some(true),
                batch_size: c.batch_size,
                batch_delay: c.delay,
                force: c.force.then_some(true),
            };
            Ok(modules.reapply(&id, &options).await?)
        }
        Cmd::Retrieve(c) => retrieve(ctx, c).await,
    }
}

/// Writes the contents of each module the guest reports to a file, as python-troveclient's
/// `module-retrieve` names them, and lists the files.
async fn retrieve(ctx: &Ctx, c: RetrieveCmd) -> anyhow::Result<()> {
    let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
    let found = ctx
        .client()?
        .instances()
        .modules_from_guest(&id, true)
        .await?;
    std::fs::create_dir_all(&c.directory)
        .with_context(|| format!("creating {}", c.directory.display()))?;
    let prefix = match c.prefix.as_deref() {
        None | Some("") => String::new(),
        Some(p) if p.ends_with('_') => p.to_owned(),
        Some(p) => format!("{p}_"),
    };
    let mut saved = Vec::new();
    for m in &found {
        let file = c.directory.join(file_name(&prefix, m));
        // The guest lists contents base64-encoded; python-troveclient writes them decoded.
        let contents = match m.decoded_contents() {
            Some(decoded) => decoded.with_context(|| format!("module {}", m.name))?,
            None => Vec::new(),
        };
        std::fs::write(&file, contents).with_context(|| format!("writing {}", file.display()))?;
        saved.push(json!({"module": m.name, "file": file.display().to_string()}));
    }
    ctx.out.list(FILE_COLUMNS, &saved)
}

/// `[PREFIX_]NAME_DATASTORE_VERSION.dat`, with path separators in the parts replaced so every
/// file lands in the chosen directory.
fn file_name(prefix: &str, m: &troveclient::InstanceModule) -> String {
    let part = |s: Option<&str>| s.unwrap_or("all").replace(['/', '\\'], "_");
    format!(
        "{prefix}{}_{}_{}.dat",
        part(Some(&m.name)),
        part(m.datastore.as_deref()),
        part(m.datastore_version.as_deref())
    )
}
