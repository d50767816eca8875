//! `trove datastore ...`: datastores and their versions.

use clap::{Args, Subcommand};
use troveclient::CreateDatastoreVersion;

use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};
use crate::shown;

/// Datastore commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List datastores.
    #[command(after_help = "Examples:
  trove datastore list")]
    List,
    /// Show a datastore.
    #[command(after_help = "Examples:
  trove datastore show mysql")]
    Show(DatastoreArg),
    /// Delete a datastore (admin).
    #[command(after_help = "Examples:
  trove datastore delete mysql")]
    Delete(DatastoreArg),
    /// Versions of a datastore.
    #[command(subcommand)]
    Version(VersionCmd),
}

/// Datastore version commands.
#[derive(Debug, Subcommand)]
pub enum VersionCmd {
    /// List the versions of a datastore.
    #[command(after_help = "Examples:
  trove datastore version list mysql")]
    List(DatastoreArg),
    /// Show a version of a datastore (or, with --id, any version by id).
    #[command(after_help = "Examples:
  trove datastore version show mysql 8.0
  trove datastore version show --id VERSION_ID")]
    Show(VersionShowCmd),
    /// List the flavors a datastore version may run on.
    #[command(after_help = "Examples:
  trove datastore version flavors mysql 8.0")]
    Flavors(VersionArgs),
    /// List the volume types a datastore version may use.
    #[command(after_help = "Examples:
  trove datastore version volume-types mysql 8.0")]
    VolumeTypes(VersionArgs),
    /// Register a datastore version (admin), inactive unless --active, as OSC's
    /// `openstack datastore version create`.
    #[command(after_help = "Examples:
  trove datastore version create 8.0.30 mysql mysql IMAGE_ID --active
  trove datastore version create 8.0.30 mysql mysql '' --image-tags trove,mysql")]
    Create(VersionCreateCmd),
    /// Delete a datastore version (admin).
    #[command(after_help = "Examples:
  trove datastore version delete VERSION_ID")]
    Delete(VersionIdArg),
}

/// `datastore version create`: OSC's positionals and options.
#[derive(Debug, Args)]
pub struct VersionCreateCmd {
    /// Version name, such as 8.0.30.
    version_name: String,
    /// Datastore name (created if it does not exist).
    datastore_name: String,
    /// Datastore manager (the guest agent's driver), such as mysql.
    datastore_manager: String,
    /// Image id; an empty string with --image-tags.
    image_id: String,
    /// Comma-separated image tags to pick the image by.
    #[arg(long, value_name = "TAGS")]
    image_tags: Option<String>,
    /// Offer the version to users (OSC registers it inactive otherwise).
    #[arg(long)]
    active: bool,
    /// Make it the datastore's default version.
    #[arg(long)]
    default: bool,
    #[command(flatten)]
    classes: VersionClassArgs,
}

/// The options of a new datastore version that `datastore version create` and
/// `mgmt datastore-version create` share.
#[derive(Debug, Args)]
pub struct VersionClassArgs {
    /// Version number, when several versions share a name.
    #[arg(long, value_name = "NUMBER")]
    version_number: Option<String>,
    /// The guest manager class (a Python path); Trove's default for the manager if omitted.
    #[arg(long, value_name = "CLASS")]
    registry_ext: Option<String>,
    /// The replication strategy class (a Python path); Trove's default if omitted.
    #[arg(long, value_name = "CLASS")]
    repl_strategy: Option<String>,
}

impl VersionClassArgs {
    /// Sets these options on the version to create.
    pub fn apply(self, new: &mut CreateDatastoreVersion) {
        new.version = self.version_number;
        new.registry_ext = self.registry_ext;
        new.repl_strategy = self.repl_strategy;
    }
}

/// A datastore version by id.
#[derive(Debug, Args)]
pub struct VersionIdArg {
    /// Datastore version id.
    version_id: String,
}

/// A datastore.
#[derive(Debug, Args)]
pub struct DatastoreArg {
    /// Datastore name or id.
    datastore: String,
}

/// A version of a datastore.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Datastore name or id.
    datastore: String,
    /// Version name or id.
    #[arg(value_name = "VERSION")]
    datastore_version: String,
}

/// `datastore version show`: `DATASTORE VERSION`, or OSC's `VERSION [--datastore DATASTORE]`
/// (a version alone is an id).
#[derive(Debug, Args)]
pub struct VersionShowCmd {
    /// Datastore name or id (with --datastore: the version).
    #[arg(required_unless_present = "id", value_name = "DATASTORE")]
    first: Option<String>,
    /// Version name or id.
    #[arg(value_name = "VERSION", conflicts_with = "datastore")]
    datastore_version: Option<String>,
    /// The datastore of the version given alone, as OSC takes it.
    #[arg(long, value_name = "DATASTORE")]
    datastore: Option<String>,
    /// Show the version with this id, whatever its datastore.
    #[arg(long, value_name = "VERSION_ID", conflicts_with_all = ["first", "datastore_version", "datastore"])]
    id: Option<String>,
}

const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Default Version", "/default_version").extra(),
];

const VERSION_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Version", "/version"),
    col("Active", "/active").extra(),
];

const VOLUME_TYPE_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Public", "/is_public"),
    col("Description", "/description"),
];

/// Runs a datastore command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let datastores = ctx.client()?.datastores();
    match cmd {
        Cmd::List => ctx.out.list(COLUMNS, &datastores.list().await?),
        Cmd::Show(c) => {
            let raw = datastores.get_with_body(&c.datastore).await?;
            let info = shown::unwrap(&raw.body, "datastore")?;
            ctx.out.show(&shown::datastore(info))
        }
        Cmd::Delete(c) => Ok(datastores.delete(&c.datastore).await?),
        Cmd::Version(VersionCmd::List(c)) => ctx
            .out
            .list(VERSION_COLUMNS, &datastores.versions(&c.datastore).await?),
        Cmd::Version(VersionCmd::Show(c)) => {
            let version = match (&c.id, &c.first, &c.datastore_version, &c.datastore) {
                (Some(id), _, _, _) | (None, Some(id), None, None) => {
                    datastores.version_by_uuid_with_body(id).await?
                }
                (None, Some(d), Some(v), None) | (None, Some(v), None, Some(d)) => {
                    datastores.version_with_body(d, v).await?
                }
                _ => {
                    return Err(
                        UsageError("give a datastore and a version, or --id".to_owned()).into(),
                    )
                }
            };
            let info = shown::unwrap(&version.body, "version")?;
            ctx.out.show(&shown::datastore_version(info))
        }
        Cmd::Version(VersionCmd::Flavors(c)) => ctx.out.list(
            crate::columns::FLAVOR_COLUMNS,
            &datastores
                .version_flavors(&c.datastore, &c.datastore_version)
                .await?,
        ),
        Cmd::Version(VersionCmd::Create(c)) => {
            let mut new = CreateDatastoreVersion::new(
                &c.datastore_name,
                &c.datastore_manager,
                &c.version_name,
            );
            new.image = (!c.image_id.is_empty()).then_some(c.image_id);
            new.image_tags = c
                .image_tags
                .iter()
                .flat_map(|t| t.split(','))
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
            new.active = c.active;
            new.default = c.default.then_some(true);
            c.classes.apply(&mut new);
            // Trove answers 202 without a body; OSC prints nothing either.
            Ok(ctx.client()?.mgmt().create_datastore_version(&new).await?)
        }
        Cmd::Version(VersionCmd::Delete(c)) => Ok(ctx
            .client()?
            .mgmt()
            .delete_datastore_version(&c.version_id)
            .await?),
        Cmd::Version(VersionCmd::VolumeTypes(c)) => ctx.out.list(
            VOLUME_TYPE_COLUMNS,
            &datastores
                .version_volume_types(&c.datastore, &c.datastore_version)
                .await?,
        ),
    }
}
