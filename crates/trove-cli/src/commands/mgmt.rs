//! `trove mgmt ...`: the management (admin) API: every project's instances and clusters,
//! admin actions, guest diagnostics, configuration parameters and datastore versions.

use clap::{Args, Subcommand};
use serde_json::Value;
use troveclient::{
    CreateDatastoreVersion, EditDatastoreVersion, GuestUpgrade, MgmtCluster, MgmtInstance,
    ParameterSpec,
};

use crate::commands::datastore::VersionClassArgs;
use crate::commands::ListArgs;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};
use crate::resolve;

/// Management commands (admin only; others get HTTP 403).
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Every project's instances, with their servers and volumes.
    #[command(subcommand)]
    Instance(InstanceCmd),
    /// Every project's clusters.
    #[command(subcommand)]
    Cluster(ClusterCmd),
    /// Register, change and remove the configuration parameters of a datastore version.
    #[command(subcommand)]
    Parameter(ParameterCmd),
    /// Register, change and remove datastore versions.
    #[command(subcommand)]
    DatastoreVersion(VersionCmd),
}

/// `mgmt instance ...`.
#[derive(Debug, Subcommand)]
pub enum InstanceCmd {
    /// List the instances of every project (every page unless --limit or --marker is given).
    #[command(after_help = "Examples:
  trove mgmt instance list
  trove mgmt instance list --project-id 7208... --include-clustered
  trove mgmt instance list --deleted")]
    List(InstanceListCmd),
    /// Show an instance with its server, volume and task.
    #[command(after_help = "Examples:
  trove mgmt instance show db1 -f json
  trove mgmt instance show INSTANCE_ID --deleted")]
    Show(InstanceShowCmd),
    /// Stop the datastore of an instance.
    #[command(after_help = "Examples:
  trove mgmt instance stop db1")]
    Stop(InstanceArg),
    /// Reboot the server of an instance.
    #[command(after_help = "Examples:
  trove mgmt instance reboot db1")]
    Reboot(InstanceArg),
    /// Move an instance to another host.
    #[command(after_help = "Examples:
  trove mgmt instance migrate db1
  trove mgmt instance migrate db1 --host compute-7")]
    Migrate(MigrateCmd),
    /// Clear the stuck task of an instance.
    #[command(after_help = "Examples:
  trove mgmt instance reset-task-status db1")]
    ResetTaskStatus(InstanceArg),
    /// Rebuild the guest of an instance from an image.
    #[command(after_help = "Examples:
  trove mgmt instance rebuild db1 IMAGE_ID")]
    Rebuild(RebuildCmd),
    /// Show when the root user of an instance was enabled, and by whom.
    #[command(after_help = "Examples:
  trove mgmt instance root-history db1")]
    RootHistory(InstanceArg),
    /// Show the guest agent's diagnostics (memory, threads, file descriptors).
    #[command(after_help = "Examples:
  trove mgmt instance diagnostics db1")]
    Diagnostics(InstanceArg),
    /// Show the guest's hardware (memory, CPUs).
    #[command(after_help = "Examples:
  trove mgmt instance hwinfo db1")]
    Hwinfo(InstanceArg),
    /// Check that the guest agent answers (exit status 0 when it does).
    #[command(after_help = "Examples:
  trove mgmt instance ping db1")]
    Ping(InstanceArg),
    /// Upgrade the guest agent of an instance.
    #[command(after_help = "Examples:
  trove mgmt instance guest-upgrade db1 --instance-version 2.0 --location http://pkg.example.com/guest.deb")]
    GuestUpgrade(GuestUpgradeCmd),
}

/// `mgmt cluster ...`.
#[derive(Debug, Subcommand)]
pub enum ClusterCmd {
    /// List the clusters of every project.
    #[command(after_help = "Examples:
  trove mgmt cluster list")]
    List(ListOnly),
    /// Show a cluster with its project and deletion state.
    #[command(after_help = "Examples:
  trove mgmt cluster show c1")]
    Show(ClusterArg),
    /// Clear the stuck task of a cluster.
    #[command(after_help = "Examples:
  trove mgmt cluster reset-task c1")]
    ResetTask(ClusterArg),
}

/// `mgmt parameter ...`.
#[derive(Debug, Subcommand)]
pub enum ParameterCmd {
    /// List the configuration parameters of a datastore version.
    #[command(after_help = "Examples:
  trove mgmt parameter list VERSION_ID")]
    List(VersionArg),
    /// Show one configuration parameter.
    #[command(after_help = "Examples:
  trove mgmt parameter show VERSION_ID max_connections")]
    Show(ParameterArg),
    /// Register a configuration parameter.
    #[command(after_help = "Examples:
  trove mgmt parameter create VERSION_ID max_connections integer --min 1 --max 10000
  trove mgmt parameter create VERSION_ID innodb_file_per_table boolean --restart-required")]
    Create(ParameterSpecCmd),
    /// Replace a configuration parameter's type, bounds and restart flag.
    #[command(after_help = "Examples:
  trove mgmt parameter update VERSION_ID max_connections integer --min 1 --max 20000")]
    Update(ParameterSpecCmd),
    /// Remove a configuration parameter.
    #[command(after_help = "Examples:
  trove mgmt parameter delete VERSION_ID max_connections")]
    Delete(ParameterArg),
}

/// `mgmt datastore-version ...`.
#[derive(Debug, Subcommand)]
pub enum VersionCmd {
    /// List every datastore version, active or not.
    #[command(after_help = "Examples:
  trove mgmt datastore-version list")]
    List,
    /// Show a datastore version.
    #[command(after_help = "Examples:
  trove mgmt datastore-version show VERSION_ID")]
    Show(VersionArg),
    /// Register a datastore version, and show it.
    #[command(after_help = "Examples:
  trove mgmt datastore-version create 8.0.30 mysql mysql --image-tag trove --image-tag mysql
  trove mgmt datastore-version create 8.0.30 mysql mysql --image IMAGE_ID --inactive")]
    Create(VersionCreateCmd),
    /// Change a datastore version.
    #[command(after_help = "Examples:
  trove mgmt datastore-version update VERSION_ID --default
  trove mgmt datastore-version update VERSION_ID --inactive --image NEW_IMAGE_ID")]
    Update(VersionUpdateCmd),
    /// Remove a datastore version.
    #[command(after_help = "Examples:
  trove mgmt datastore-version delete VERSION_ID")]
    Delete(VersionArg),
}

/// `mgmt instance list`.
#[derive(Debug, Args)]
pub struct InstanceListCmd {
    #[command(flatten)]
    list: ListArgs,
    /// Only deleted instances.
    #[arg(long, conflicts_with = "live")]
    deleted: bool,
    /// Only instances that are not deleted.
    #[arg(long)]
    live: bool,
    /// Include instances that belong to clusters.
    #[arg(long)]
    include_clustered: bool,
    /// Only the instances of this project.
    #[arg(long, value_name = "PROJECT_ID")]
    project_id: Option<String>,
}

/// Paging options alone.
#[derive(Debug, Args)]
pub struct ListOnly {
    #[command(flatten)]
    list: ListArgs,
}

/// An instance of any project.
#[derive(Debug, Args)]
pub struct InstanceArg {
    /// Instance id or name.
    instance: String,
}

/// `mgmt instance migrate`.
#[derive(Debug, Args)]
pub struct MigrateCmd {
    /// Instance id or name.
    instance: String,
    /// The host to move to; the scheduler's choice when not given.
    #[arg(long)]
    host: Option<String>,
}

/// `mgmt instance show`.
#[derive(Debug, Args)]
pub struct InstanceShowCmd {
    /// Instance id or name (an id with --deleted).
    instance: String,
    /// Show the instance even if it was deleted (`?deleted=true`); takes an id, since a
    /// deleted instance cannot be found by name.
    #[arg(long)]
    deleted: bool,
}

/// `mgmt instance rebuild`.
#[derive(Debug, Args)]
pub struct RebuildCmd {
    /// Instance id or name.
    instance: String,
    /// The Glance image (a UUID, as Trove's rebuild schema requires) to rebuild the guest
    /// from.
    #[arg(value_parser = uuid_arg)]
    image_id: String,
}

/// Takes a UUID in the 8-4-4-4-12 hex form, the only id form Trove's schemas accept.
fn uuid_arg(s: &str) -> Result<String, String> {
    let groups: Vec<&str> = s.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "{s:?} is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
        ))
    }
}

/// `mgmt instance guest-upgrade`.
#[derive(Debug, Args)]
pub struct GuestUpgradeCmd {
    /// Instance id or name.
    instance: String,
    /// The guest agent version to install.
    #[arg(long, value_name = "VERSION")]
    instance_version: Option<String>,
    /// Where the guest agent package is.
    #[arg(long, value_name = "URL")]
    location: Option<String>,
    /// Extra data for the upgrade, as a JSON object.
    #[arg(long, value_name = "JSON")]
    metadata: Option<String>,
}

/// A cluster of any project.
#[derive(Debug, Args)]
pub struct ClusterArg {
    /// Cluster id or name.
    cluster: String,
}

/// A datastore version, by id.
#[derive(Debug, Args)]
pub struct VersionArg {
    /// Datastore version id.
    version_id: String,
}

/// A configuration parameter of a datastore version.
#[derive(Debug, Args)]
pub struct ParameterArg {
    /// Datastore version id.
    version_id: String,
    /// Parameter name.
    name: String,
}

/// `mgmt parameter create|update`.
#[derive(Debug, Args)]
pub struct ParameterSpecCmd {
    /// Datastore version id.
    version_id: String,
    /// Parameter name.
    name: String,
    /// Data type: integer, string, boolean or float.
    data_type: String,
    /// Smallest allowed value.
    #[arg(long, allow_negative_numbers = true)]
    min: Option<i64>,
    /// Largest allowed value.
    #[arg(long, allow_negative_numbers = true)]
    max: Option<i64>,
    /// Changing the parameter needs a datastore restart.
    #[arg(long)]
    restart_required: bool,
}

impl ParameterSpecCmd {
    fn spec(&self) -> ParameterSpec {
        let mut spec = ParameterSpec::of_type(&self.name, &self.data_type, self.restart_required);
        spec.min_size = self.min;
        spec.max_size = self.max;
        spec
    }
}

/// `mgmt datastore-version create`.
#[derive(Debug, Args)]
pub struct VersionCreateCmd {
    /// Version name, such as 8.0.30.
    name: String,
    /// Datastore name, such as mysql.
    datastore: String,
    /// Datastore manager (the guest agent's driver), such as mysql.
    manager: String,
    /// Image to build instances from.
    #[arg(long, value_name = "IMAGE_ID", required_unless_present = "image_tags")]
    image: Option<String>,
    /// Image tag to pick the image by; repeat for more.
    #[arg(long = "image-tag", value_name = "TAG")]
    image_tags: Vec<String>,
    /// Register the version inactive (not offered to users).
    #[arg(long)]
    inactive: bool,
    /// Make it the datastore's default version.
    #[arg(long)]
    default: bool,
    /// A package the guest installs; repeat for more.
    #[arg(long = "package", value_name = "PACKAGE")]
    packages: Vec<String>,
    #[command(flatten)]
    classes: VersionClassArgs,
}

/// `mgmt datastore-version update`.
#[derive(Debug, Args)]
pub struct VersionUpdateCmd {
    /// Datastore version id.
    version_id: String,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// A new datastore manager.
    #[arg(long)]
    manager: Option<String>,
    /// A new image.
    #[arg(long, value_name = "IMAGE_ID")]
    image: Option<String>,
    /// Image tags replacing the current ones; repeat for more.
    #[arg(long = "image-tag", value_name = "TAG")]
    image_tags: Vec<String>,
    /// Offer the version to users.
    #[arg(long, conflicts_with = "inactive")]
    active: bool,
    /// Stop offering the version to users.
    #[arg(long)]
    inactive: bool,
    /// Make it the datastore's default version.
    #[arg(long, conflicts_with = "not_default")]
    default: bool,
    /// Make it not the default version.
    #[arg(long)]
    not_default: bool,
    /// Packages replacing the current ones; repeat for more.
    #[arg(long = "package", value_name = "PACKAGE")]
    packages: Vec<String>,
    /// A new guest manager class (a Python path).
    #[arg(long, value_name = "CLASS")]
    registry_ext: Option<String>,
    /// A new replication strategy class (a Python path).
    #[arg(long, value_name = "CLASS")]
    repl_strategy: Option<String>,
}

const INSTANCE_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Project ID", "/tenant_id"),
    col("Status", "/status"),
    col("Task", "/task_description"),
    col("Host", "/server/host"),
    col("Deleted", "/deleted"),
];

const CLUSTER_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Project ID", "/tenant_id"),
    col("Datastore", "/datastore/type"),
    col("Datastore Version", "/datastore/version"),
    col("Task Name", "/task/name"),
    col("Deleted", "/deleted"),
];

const PARAMETER_COLUMNS: &[Column] = &[
    col("Name", "/name"),
    col("Type", "/type"),
    col("Min", "/min"),
    col("Max", "/max"),
    col("Restart Required", "/restart_required"),
];

const VERSION_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Datastore", "/datastore_name"),
    col("Manager", "/datastore_manager"),
    col("Image", "/image"),
    col("Image Tags", "/image_tags"),
    col("Active", "/active"),
    col("Default", "/default"),
    col("Version", "/version"),
];

/// Runs a management command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Instance(c) => instance(ctx, c).await,
        Cmd::Cluster(c) => cluster(ctx, c).await,
        Cmd::Parameter(c) => parameter(ctx, c).await,
        Cmd::DatastoreVersion(c) => version(ctx, c).await,
    }
}

async fn instance(ctx: &Ctx, cmd: InstanceCmd) -> anyhow::Result<()> {
    let mgmt = ctx.client()?.mgmt();
    match cmd {
        InstanceCmd::List(c) => {
            let mut request = mgmt.instances().include_clustered(c.include_clustered);
            if c.deleted || c.live {
                request = request.deleted(c.deleted);
            }
            if let Some(p) = &c.project_id {
                request = request.project_id(p);
            }
            let items = c.list.fetch(request).await?;
            ctx.out.list(INSTANCE_COLUMNS, &items)
        }
        InstanceCmd::Show(c) if c.deleted => ctx
            .out
            .show(&mgmt.instance_including_deleted(&c.instance).await?),
        InstanceCmd::Show(c) => ctx
            .out
            .show(&resolve::find::<MgmtInstance>(ctx, &c.instance).await?),
        InstanceCmd::Stop(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.stop(&id).await?)
        }
        InstanceCmd::Reboot(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.reboot(&id).await?)
        }
        InstanceCmd::Migrate(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.migrate(&id, c.host.as_deref()).await?)
        }
        InstanceCmd::ResetTaskStatus(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.reset_task_status(&id).await?)
        }
        InstanceCmd::Rebuild(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.rebuild(&id, &c.image_id).await?)
        }
        InstanceCmd::RootHistory(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            ctx.out.show(&mgmt.root_history(&id).await?)
        }
        InstanceCmd::Diagnostics(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            ctx.out.show(&mgmt.diagnostics(&id).await?)
        }
        InstanceCmd::Hwinfo(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            ctx.out.show(&mgmt.hwinfo(&id).await?)
        }
        InstanceCmd::Ping(c) => {
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.rpc_ping(&id).await?)
        }
        InstanceCmd::GuestUpgrade(c) => {
            let metadata = match &c.metadata {
                Some(m) => Some(json_object(m, "--metadata")?),
                None => None,
            };
            let upgrade = GuestUpgrade {
                instance_version: c.instance_version,
                location: c.location,
                metadata,
            };
            let id = resolve::find::<MgmtInstance>(ctx, &c.instance)
                .await?
                .instance
                .id;
            Ok(mgmt.guest_upgrade(&id, &upgrade).await?)
        }
    }
}

async fn cluster(ctx: &Ctx, cmd: ClusterCmd) -> anyhow::Result<()> {
    let mgmt = ctx.client()?.mgmt();
    match cmd {
        ClusterCmd::List(c) => {
            let items = c.list.fetch(mgmt.clusters()).await?;
            ctx.out.list(CLUSTER_COLUMNS, &items)
        }
        ClusterCmd::Show(c) => ctx
            .out
            .show(&resolve::find::<MgmtCluster>(ctx, &c.cluster).await?),
        ClusterCmd::ResetTask(c) => {
            let id = resolve::find::<MgmtCluster>(ctx, &c.cluster)
                .await?
                .cluster
                .id;
            Ok(mgmt.cluster_reset_task(&id).await?)
        }
    }
}

async fn parameter(ctx: &Ctx, cmd: ParameterCmd) -> anyhow::Result<()> {
    let mgmt = ctx.client()?.mgmt();
    match cmd {
        ParameterCmd::List(c) => ctx
            .out
            .list(PARAMETER_COLUMNS, &mgmt.parameters(&c.version_id).await?),
        ParameterCmd::Show(c) => ctx.out.show(&mgmt.parameter(&c.version_id, &c.name).await?),
        ParameterCmd::Create(c) => ctx
            .out
            .show(&mgmt.create_parameter(&c.version_id, &c.spec()).await?),
        ParameterCmd::Update(c) => ctx.out.show(
            &mgmt
                .update_parameter(&c.version_id, &c.name, &c.spec())
                .await?,
        ),
        ParameterCmd::Delete(c) => Ok(mgmt.delete_parameter(&c.version_id, &c.name).await?),
    }
}

async fn version(ctx: &Ctx, cmd: VersionCmd) -> anyhow::Result<()> {
    let mgmt = ctx.client()?.mgmt();
    match cmd {
        VersionCmd::List => ctx
            .out
            .list(VERSION_COLUMNS, &mgmt.datastore_versions().await?),
        VersionCmd::Show(c) => ctx.out.show(&mgmt.datastore_version(&c.version_id).await?),
        VersionCmd::Create(c) => {
            let mut new = CreateDatastoreVersion::new(&c.datastore, &c.manager, &c.name);
            new.image = c.image;
            new.image_tags = c.image_tags;
            new.active = !c.inactive;
            new.default = c.default.then_some(true);
            new.packages = packages(c.packages);
            c.classes.apply(&mut new);
            mgmt.create_datastore_version(&new).await?;
            // Trove answers 202 without a body, so the new version is found by listing.
            let version = new.version.as_deref().unwrap_or(&new.name);
            let created = mgmt.datastore_versions().await?.into_iter().find(|v| {
                v.datastore_name.as_deref() == Some(new.datastore_name.as_str())
                    && v.name == new.name
                    && v.version.as_deref().unwrap_or(&v.name) == version
            });
            match created {
                Some(v) => ctx.out.show(&v),
                None => Ok(()),
            }
        }
        VersionCmd::Update(c) => {
            let edit = EditDatastoreVersion {
                name: c.name,
                datastore_manager: c.manager,
                image: c.image,
                image_tags: (!c.image_tags.is_empty()).then_some(c.image_tags),
                active: (c.active || c.inactive).then_some(c.active),
                default: (c.default || c.not_default).then_some(c.default),
                packages: packages(c.packages),
                registry_ext: c.registry_ext,
                repl_strategy: c.repl_strategy,
            };
            if edit == EditDatastoreVersion::default() {
                return Err(UsageError(
                    "nothing to update: give --name, --manager, --image, --image-tag, \
                    --active, --inactive, --default, --not-default, --package, \
                    --registry-ext or --repl-strategy"
                        .to_owned(),
                )
                .into());
            }
            Ok(mgmt.edit_datastore_version(&c.version_id, &edit).await?)
        }
        VersionCmd::Delete(c) => Ok(mgmt.delete_datastore_version(&c.version_id).await?),
    }
}

fn packages(list: Vec<String>) -> Option<Value> {
    (!list.is_empty()).then(|| Value::from(list))
}

fn json_object(text: &str, flag: &str) -> Result<Value, UsageError> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(UsageError(format!("{flag} {text:?} is not a JSON object"))),
    }
}
