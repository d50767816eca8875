//! `trove configuration ...`: configuration groups and the parameters they may set.

use std::collections::BTreeMap;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::Value;
use troveclient::types::configuration::UpdateConfiguration;
use troveclient::types::instance::DatastoreSpec;
use troveclient::Configuration;

use crate::commands::ListArgs;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};
use crate::resolve;
use crate::shown;

/// Configuration group commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List configuration groups.
    #[command(after_help = "Examples:
  trove configuration list")]
    List(ListCmd),
    /// Show a configuration group and its values.
    #[command(after_help = "Examples:
  trove configuration show tuned")]
    Show(ConfigArg),
    /// Create a configuration group.
    #[command(after_help = "Examples:
  trove configuration create tuned --datastore mysql --datastore-version 5.7.29 \\
      --value max_connections=200 --value connect_timeout=20
  trove configuration create tuned '{\"max_connections\": 200}' --datastore mysql")]
    Create(CreateCmd),
    /// Delete a configuration group.
    #[command(after_help = "Examples:
  trove configuration delete CONFIG_ID")]
    Delete(ConfigArg),
    /// List the instances that use a configuration group.
    #[command(after_help = "Examples:
  trove configuration instances CONFIG_ID")]
    Instances(ConfigInstancesCmd),
    /// Merge values into a configuration group.
    #[command(after_help = "Examples:
  trove configuration patch CONFIG_ID --value max_connections=300")]
    Patch(ValuesCmd),
    /// Replace the values (and optionally name and description) of a configuration group.
    #[command(after_help = "Examples:
  trove configuration update CONFIG_ID '{\"max_connections\": 300}' --name tuned-v2")]
    Update(UpdateCmd),
    /// Attach a configuration group to an instance.
    #[command(after_help = "Examples:
  trove configuration attach db1 tuned")]
    Attach(AttachCmd),
    /// Detach the configuration group of an instance.
    #[command(after_help = "Examples:
  trove configuration detach db1")]
    Detach(InstanceArg),
    /// Show the configuration values an instance runs with.
    #[command(after_help = "Examples:
  trove configuration default db1")]
    Default(InstanceArg),
    /// The configuration parameters of a datastore version.
    #[command(subcommand)]
    Parameter(ParameterCmd),
}

/// Configuration parameter commands.
#[derive(Debug, Subcommand)]
pub enum ParameterCmd {
    /// List the parameters a datastore version accepts.
    #[command(after_help = "Examples:
  trove configuration parameter list mysql 5.7.29
  trove configuration parameter list --version-id VERSION_ID")]
    List(ParameterListCmd),
    /// Show one parameter of a datastore version.
    #[command(after_help = "Examples:
  trove configuration parameter show max_connections mysql 5.7.29")]
    Show(ParameterShowCmd),
}

/// `configuration list`.
#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    list: ListArgs,
}

/// A configuration group.
#[derive(Debug, Args)]
pub struct ConfigArg {
    /// Configuration group id or name.
    configuration: String,
}

/// `configuration instances`.
#[derive(Debug, Args)]
pub struct ConfigInstancesCmd {
    /// Configuration group id or name.
    configuration: String,
    #[command(flatten)]
    list: ListArgs,
}

/// Values to set, as a JSON object and/or KEY=VALUE pairs.
#[derive(Debug, Args)]
pub struct Values {
    /// The values, as a JSON object.
    #[arg(value_name = "JSON")]
    json: Option<String>,
    /// A value to set, KEY=VALUE (VALUE is read as JSON when it parses, else as a string);
    /// repeat for more.
    #[arg(long = "value", value_name = "KEY=VALUE")]
    pairs: Vec<String>,
}

impl Values {
    fn parse(&self) -> Result<BTreeMap<String, Value>, UsageError> {
        let mut values = match &self.json {
            Some(j) => serde_json::from_str::<BTreeMap<String, Value>>(j)
                .map_err(|e| UsageError(format!("values {j:?} are not a JSON object: {e}")))?,
            None => BTreeMap::new(),
        };
        for pair in &self.pairs {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| UsageError(format!("--value {pair:?}: expected KEY=VALUE")))?;
            let v = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_owned()));
            values.insert(k.to_owned(), v);
        }
        Ok(values)
    }
}

/// `configuration create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Name of the group.
    name: String,
    #[command(flatten)]
    values: Values,
    /// A description.
    #[arg(long)]
    description: Option<String>,
    /// Datastore type.
    #[arg(long, value_name = "TYPE")]
    datastore: Option<String>,
    /// Datastore version (of the server's default datastore when --datastore is omitted).
    #[arg(long, value_name = "VERSION")]
    datastore_version: Option<String>,
    /// Datastore version number, to pick among versions of the same name.
    #[arg(long, value_name = "NUMBER")]
    datastore_version_number: Option<String>,
}

/// `configuration patch`.
#[derive(Debug, Args)]
pub struct ValuesCmd {
    /// Configuration group id or name.
    configuration: String,
    #[command(flatten)]
    values: Values,
}

/// `configuration update`.
#[derive(Debug, Args)]
pub struct UpdateCmd {
    /// Configuration group id or name.
    configuration: String,
    #[command(flatten)]
    values: Values,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// A new description.
    #[arg(long)]
    description: Option<String>,
}

/// `configuration attach`.
#[derive(Debug, Args)]
pub struct AttachCmd {
    /// Instance id or name.
    instance: String,
    /// Configuration group id or name.
    configuration: String,
}

/// An instance.
#[derive(Debug, Args)]
pub struct InstanceArg {
    /// Instance id or name.
    instance: String,
}

/// `configuration parameter list`.
#[derive(Debug, Args)]
pub struct ParameterListCmd {
    /// Datastore type (or, as OSC takes it, the version, with --datastore or as an id).
    #[arg(required_unless_present = "version_id", value_name = "DATASTORE")]
    first: Option<String>,
    /// Datastore version name.
    #[arg(value_name = "VERSION", conflicts_with = "datastore")]
    datastore_version: Option<String>,
    /// The datastore of the version given first, as `openstack database configuration
    /// parameter list VERSION --datastore DATASTORE` takes it.
    #[arg(long, value_name = "DATASTORE")]
    datastore: Option<String>,
    /// The datastore version's id, instead of datastore and version.
    #[arg(long, value_name = "ID", conflicts_with_all = ["first", "datastore_version", "datastore"])]
    version_id: Option<String>,
}

/// Which datastore version a parameter command names.
enum VersionRef<'a> {
    /// A datastore version id.
    Id(&'a str),
    /// A datastore and a version name.
    Named(&'a str, &'a str),
}

impl ParameterListCmd {
    /// The version: `--version-id ID`, `DATASTORE VERSION`, `VERSION --datastore DATASTORE`, or
    /// a version id alone (OSC's forms).
    fn version(&self) -> Result<VersionRef<'_>, UsageError> {
        match (
            &self.version_id,
            &self.first,
            &self.datastore_version,
            &self.datastore,
        ) {
            (Some(id), ..) | (None, Some(id), None, None) => Ok(VersionRef::Id(id)),
            (None, Some(d), Some(v), None) | (None, Some(v), None, Some(d)) => {
                Ok(VersionRef::Named(d, v))
            }
            _ => Err(missing_version()),
        }
    }
}

/// `configuration parameter show`: `NAME DATASTORE VERSION`, or OSC's `VERSION NAME
/// --datastore DATASTORE` and `VERSION_ID NAME`.
#[derive(Debug, Args)]
pub struct ParameterShowCmd {
    /// Parameter name (OSC's form: the version).
    name: String,
    #[command(flatten)]
    version: ParameterListCmd,
}

const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Description", "/description"),
    col("Datastore Name", "/datastore_name"),
    col("Datastore Version Name", "/datastore_version_name"),
    col("Datastore Version Number", "/datastore_version_number"),
];

const INSTANCE_COLUMNS: &[Column] = &[col("ID", "/id"), col("Name", "/name")];

const PARAMETER_COLUMNS: &[Column] = &[
    col("Name", "/name"),
    col("Type", "/type"),
    col("Min Size", "/min").with(or_dash),
    col("Max Size", "/max").with(or_dash),
    col("Restart Required", "/restart_required"),
];

/// Runs a configuration command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let client = ctx.client()?;
    let configurations = client.configurations();
    match cmd {
        Cmd::List(c) => {
            let items = c.list.fetch(configurations.list()).await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Show(c) => {
            let configurations = ctx.client()?.configurations();
            let raw = shown::fetch(
                &c.configuration,
                |id| async move { configurations.get_with_body(&id).await },
                || async { resolve::id::<Configuration>(ctx, &c.configuration).await },
            )
            .await?;
            ctx.out.show(&shown::configuration(shown::unwrap(
                &raw.body,
                "configuration",
            )?))
        }
        Cmd::Create(c) => {
            let mut request = configurations.create(c.name.clone());
            for (k, v) in c.values.parse()? {
                request = request.value(k, v);
            }
            if let Some(d) = c.description {
                request = request.description(d);
            }
            // Each part is optional, as in Trove's get_datastore_version: no type means the
            // server's default datastore, no version its default version.
            if c.datastore.is_some()
                || c.datastore_version.is_some()
                || c.datastore_version_number.is_some()
            {
                request = request.datastore_spec(DatastoreSpec {
                    kind: c.datastore,
                    version: c.datastore_version,
                    version_number: c.datastore_version_number,
                });
            }
            // Shown as `configuration show` prints it (OSC prints the create answer the same way).
            let created = request.await?;
            let raw = configurations.get_with_body(&created.id).await?;
            ctx.out.show(&shown::configuration(shown::unwrap(
                &raw.body,
                "configuration",
            )?))
        }
        Cmd::Delete(c) => {
            let id = resolve::id::<Configuration>(ctx, &c.configuration).await?;
            Ok(configurations.delete(&id).await?)
        }
        Cmd::Instances(c) => {
            let id = resolve::id::<Configuration>(ctx, &c.configuration).await?;
            let items = c.list.fetch(configurations.instances(&id)).await?;
            ctx.out.list(INSTANCE_COLUMNS, &items)
        }
        Cmd::Patch(c) => {
            let values = c.values.parse()?;
            if values.is_empty() {
                return Err(UsageError("no values to set".to_owned()).into());
            }
            let id = resolve::id::<Configuration>(ctx, &c.configuration).await?;
            Ok(configurations.edit(&id, values).await?)
        }
        Cmd::Update(c) => {
            let body = UpdateConfiguration {
                values: c.values.parse()?,
                name: c.name,
                description: c.description,
            };
            let id = resolve::id::<Configuration>(ctx, &c.configuration).await?;
            Ok(configurations.update(&id, &body).await?)
        }
        Cmd::Attach(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let configuration = resolve::id::<Configuration>(ctx, &c.configuration).await?;
            Ok(client
                .instances()
                .attach_configuration(&id, configuration)
                .await?)
        }
        Cmd::Detach(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            Ok(client.instances().detach_configuration(&id).await?)
        }
        Cmd::Default(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let values = client
                .instances()
                .configuration(&id)
                .await
                .context("reading the instance's configuration")?;
            ctx.out.show(&values)
        }
        Cmd::Parameter(ParameterCmd::List(c)) => {
            let parameters = client.configuration_parameters();
            let items = match c.version()? {
                VersionRef::Id(id) => parameters.list_by_version(id).await?,
                VersionRef::Named(d, v) => parameters.list(d, v).await?,
            };
            ctx.out.list(PARAMETER_COLUMNS, &items)
        }
        Cmd::Parameter(ParameterCmd::Show(c)) => {
            let parameters = client.configuration_parameters();
            let v = &c.version;
            // OSC's forms put the version first and the parameter second.
            let osc =
                v.datastore.is_some() || (v.datastore_version.is_none() && v.version_id.is_none());
            let parameter = match (osc, &v.first) {
                (true, Some(name)) => match &v.datastore {
                    Some(d) => parameters.get(d, &c.name, name).await?,
                    None => parameters.get_by_version(&c.name, name).await?,
                },
                (true, None) => return Err(missing_version().into()),
                (false, _) => match v.version()? {
                    VersionRef::Id(id) => parameters.get_by_version(id, &c.name).await?,
                    VersionRef::Named(d, ver) => parameters.get(d, ver, &c.name).await?,
                },
            };
            ctx.out.show(&parameter)
        }
    }
}

/// OSC shows `-` for a parameter without bounds.
fn or_dash(v: &Value) -> Value {
    match v {
        Value::Null => Value::String("-".into()),
        v => v.clone(),
    }
}

fn missing_version() -> UsageError {
    UsageError("give a datastore and a version, or --version-id".to_owned())
}
