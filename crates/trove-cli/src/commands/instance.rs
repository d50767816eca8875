//! `trove instance ...`: database instances.

use std::future::IntoFuture as _;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::Value;
use troveclient::types::instance::{Access, ModuleRef, RestorePoint};
use troveclient::types::instance_action::UpdateInstance;
use troveclient::{DatabaseSpec, Flavor, Instance, NicSpec, Secret, UserSpec};

use crate::commands::ListArgs;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, join_key, Column};
use crate::resolve;
use crate::shown;
use crate::wait::{Spinner, WaitArgs};

/// Instance commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List instances (every page unless --limit or --marker is given).
    #[command(after_help = "Examples:
  trove instance list
  trove instance list --limit 5 -f json
  trove instance list -c ID -c Status -f value")]
    List(ListCmd),
    /// Show an instance.
    #[command(after_help = "Examples:
  trove instance show db1
  trove instance show 4d3f0a8e-... -f json
  trove instance show db1 -c status -f value")]
    Show(ShowCmd),
    /// Create an instance.
    #[command(after_help = "Examples:
  trove instance create db1 2 --size 5 --datastore mysql --datastore-version 8.0
  trove instance create db1 2 --size 5 --database app --user app:s3cret --wait
  trove instance create copy1 2 --size 5 --backup nightly")]
    Create(Box<CreateCmd>),
    /// Delete instances.
    #[command(after_help = "Examples:
  trove instance delete db1
  trove instance delete db1 db2 --wait")]
    Delete(DeleteCmd),
    /// Delete instances whatever their state: clear the task status (admin), then delete.
    #[command(after_help = "Examples:
  trove instance force-delete stuck1
  trove instance force-delete stuck1 --wait")]
    ForceDelete(DeleteCmd),
    /// Restart the datastore of an instance.
    #[command(after_help = "Examples:
  trove instance restart db1 --wait")]
    Restart(ActionCmd),
    /// Move an instance to another flavor.
    #[command(after_help = "Examples:
  trove instance resize-flavor db1 3 --wait")]
    ResizeFlavor(ResizeFlavorCmd),
    /// Grow the data volume of an instance.
    #[command(after_help = "Examples:
  trove instance resize-volume db1 10 --wait")]
    ResizeVolume(ResizeVolumeCmd),
    /// Rename an instance, attach or detach its configuration group, detach it from its replica
    /// source, or change its network access.
    #[command(after_help = "Examples:
  trove instance update db1 --name db-main
  trove instance update db1 --configuration tuned
  trove instance update db1 --detach-configuration
  trove instance update replica1 --detach-replica
  trove instance update db1 --name db-main --patch")]
    Update(UpdateCmd),
    /// Upgrade the datastore of an instance to another version.
    #[command(after_help = "Examples:
  trove instance upgrade db1 8.0.32 --wait")]
    Upgrade(UpgradeCmd),
    /// Promote a replica to be the source of its replica set.
    #[command(after_help = "Examples:
  trove instance promote replica1 --wait")]
    Promote(ActionCmd),
    /// Eject the (failed) source of a replica set and elect a new one.
    #[command(after_help = "Examples:
  trove instance eject replica1")]
    Eject(ActionCmd),
    /// Clear a stuck task status of an instance (admin).
    #[command(after_help = "Examples:
  trove instance reset-status db1
  trove instance reset-status db1 --force-delete")]
    ResetStatus(ResetStatusCmd),
}

/// An action on one instance that can be waited for.
#[derive(Debug, Args)]
pub struct ActionCmd {
    /// Instance id or name.
    instance: String,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `instance resize-flavor`.
#[derive(Debug, Args)]
pub struct ResizeFlavorCmd {
    /// Instance id or name.
    instance: String,
    /// The new flavor (id or name).
    flavor: String,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `instance resize-volume`.
#[derive(Debug, Args)]
pub struct ResizeVolumeCmd {
    /// Instance id or name.
    instance: String,
    /// The new size in GB.
    size: u64,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `instance upgrade`.
#[derive(Debug, Args)]
pub struct UpgradeCmd {
    /// Instance id or name.
    instance: String,
    /// The datastore version (name or id).
    datastore_version: String,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `instance update`.
#[derive(Debug, Args)]
pub struct UpdateCmd {
    /// Instance id or name.
    instance: String,
    /// A new name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Attach this configuration group (id or name).
    #[arg(
        long,
        value_name = "CONFIGURATION",
        conflicts_with = "detach_configuration"
    )]
    configuration: Option<String>,
    /// Detach the configuration group.
    #[arg(
        long,
        visible_alias = "remove-configuration",
        alias = "remove_configuration"
    )]
    detach_configuration: bool,
    /// Detach the instance from its replica source.
    #[arg(
        long,
        visible_alias = "detach-replica-source",
        alias = "detach_replica_source"
    )]
    detach_replica: bool,
    /// Give the instance a public address.
    #[arg(long, conflicts_with = "is_private")]
    is_public: bool,
    /// Take the public address away.
    #[arg(long)]
    is_private: bool,
    /// A CIDR allowed to reach the database; repeat for more.
    #[arg(long = "allowed-cidr", value_name = "CIDR")]
    allowed_cidrs: Vec<String>,
    /// Send the changes as a partial update (PATCH) instead of PUT.
    #[arg(long)]
    patch: bool,
}

/// `instance list`.
#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    list: ListArgs,
    /// Use the detailed view (creation times, volume use, faults).
    #[arg(long)]
    detailed: bool,
    /// Include instances that belong to clusters.
    #[arg(long, alias = "include_clustered")]
    include_clustered: bool,
    /// Include the instances of every project (admin; the management API).
    #[arg(long)]
    all_projects: bool,
    /// Include the instances of this project only (admin; the management API).
    #[arg(long, value_name = "PROJECT_ID")]
    project_id: Option<String>,
}

/// `instance show`.
#[derive(Debug, Args)]
pub struct ShowCmd {
    /// Instance id or name.
    instance: String,
}

/// `instance reset-status`.
#[derive(Debug, Args)]
pub struct ResetStatusCmd {
    /// Instance id or name.
    instance: String,
    /// Reset under Trove's force_delete policy instead of reset_status (the step before
    /// deleting an instance stuck in a task).
    #[arg(long)]
    force_delete: bool,
}

/// `instance create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Name of the new instance.
    name: String,
    /// Flavor id or name; required unless --flavor or --replica-of (a replica runs on its
    /// source's flavor).
    #[arg(
        value_name = "FLAVOR",
        required_unless_present_any = ["replica_of", "flavor_opt"],
        conflicts_with = "flavor_opt"
    )]
    flavor: Option<String>,
    /// Flavor id or name, as `openstack database instance create` takes it.
    #[arg(long = "flavor", value_name = "FLAVOR", id = "flavor_opt")]
    flavor_opt: Option<String>,
    /// Size of the data volume in GB.
    #[arg(long, value_name = "GB")]
    size: Option<u64>,
    /// Volume type of the data volume.
    #[arg(long, value_name = "TYPE", requires = "size")]
    volume_type: Option<String>,
    /// A database to create; repeat for more.
    #[arg(long = "database", visible_alias = "databases", value_name = "NAME", num_args = 1..)]
    databases: Vec<String>,
    /// A user to create, as NAME:PASSWORD, with access to every --database; repeat for more.
    #[arg(
        long = "user",
        visible_alias = "users",
        value_name = "NAME:PASSWORD",
        num_args = 1..,
        value_parser = user_arg
    )]
    users: Vec<UserArg>,
    /// Backup to restore the instance from (id or name).
    #[arg(long, value_name = "BACKUP")]
    backup: Option<String>,
    /// Datastore type, such as mysql.
    #[arg(long, value_name = "TYPE")]
    datastore: Option<String>,
    /// Datastore version name.
    #[arg(long, value_name = "VERSION", requires = "datastore")]
    datastore_version: Option<String>,
    /// Datastore version number, to pick among versions of the same name.
    #[arg(long, value_name = "NUMBER", requires = "datastore")]
    datastore_version_number: Option<String>,
    /// Availability zone.
    #[arg(long, value_name = "ZONE")]
    availability_zone: Option<String>,
    /// A network to attach, as net-id=ID[,subnet-id=ID][,ip-address=IP].
    #[arg(long, value_name = "NIC")]
    nic: Vec<String>,
    /// Configuration group to attach (id or name).
    #[arg(long, value_name = "CONFIGURATION")]
    configuration: Option<String>,
    /// Create a replica of this instance (id or name). The replica takes its source's flavor,
    /// volume and datastore, and Trove refuses them (and locality, databases, users) here.
    #[arg(
        long,
        value_name = "INSTANCE",
        conflicts_with_all = [
            "flavor", "flavor_opt", "size", "volume_type", "datastore", "locality", "databases", "users",
            "backup"
        ]
    )]
    replica_of: Option<String>,
    /// Number of replicas to create (with --replica-of).
    #[arg(long, value_name = "N", requires = "replica_of")]
    replica_count: Option<u32>,
    /// Server group policy: affinity or anti-affinity.
    #[arg(long, value_name = "POLICY")]
    locality: Option<String>,
    /// Region to create the instance in.
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// A module to apply (id or name); repeat for more.
    #[arg(long = "module", value_name = "MODULE")]
    modules: Vec<String>,
    /// Give the instance a public address.
    #[arg(long)]
    is_public: bool,
    /// A CIDR allowed to reach the database; repeat for more.
    #[arg(long = "allowed-cidr", value_name = "CIDR")]
    allowed_cidrs: Vec<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `instance delete`.
#[derive(Debug, Args)]
pub struct DeleteCmd {
    /// Instance ids or names.
    #[arg(required = true)]
    instances: Vec<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// The columns of `instance list`, OSC's (`database_instances.py`, `ListDatabaseInstances`)
/// and the region.
pub const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Datastore", "/datastore/type"),
    col("Datastore Version", "/datastore/version"),
    col("Status", "/status"),
    col("Operating Status", "/operating_status").with(or_empty),
    col("Public", "/access/is_public").with(or_false),
    col("Addresses", "/addresses").with(addresses),
    col("Flavor ID", "/flavor/id"),
    col("Size", "/volume/size").with(or_dash),
    col("Role", "").with(role),
    col("Region", "/region").extra(),
];

/// `instance list --all-projects`: OSC's admin columns add the server and the project.
const ADMIN_COLUMNS: &[Column] = &[
    COLUMNS[0],
    COLUMNS[1],
    COLUMNS[2],
    COLUMNS[3],
    COLUMNS[4],
    COLUMNS[5],
    COLUMNS[6],
    COLUMNS[7],
    COLUMNS[8],
    COLUMNS[9],
    COLUMNS[10],
    col("Server ID", "/server_id"),
    col("Tenant ID", "/tenant_id"),
    COLUMNS[11],
];

fn addresses(v: &Value) -> Value {
    match v {
        Value::Null => Value::String(String::new()),
        v => join_key(v, "address"),
    }
}

fn or_empty(v: &Value) -> Value {
    match v {
        Value::Null => Value::String(String::new()),
        v => v.clone(),
    }
}

fn or_false(v: &Value) -> Value {
    match v {
        Value::Null => Value::Bool(false),
        v => v.clone(),
    }
}

fn or_dash(v: &Value) -> Value {
    match v {
        Value::Null => Value::String("-".into()),
        v => v.clone(),
    }
}

/// `replica` for a replica, `primary` for a replica source, else empty (as OSC).
fn role(instance: &Value) -> Value {
    let role = if instance.get("replica_of").is_some_and(|r| !r.is_null()) {
        "replica"
    } else if instance.get("replicas").is_some_and(|r| !r.is_null()) {
        "primary"
    } else {
        ""
    };
    Value::String(role.into())
}

/// Runs an instance command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::List(c) => list(ctx, c).await,
        Cmd::Show(c) => {
            let raw = find_with_body(ctx, &c.instance).await?;
            let info = shown::unwrap(&raw.body, "instance")?;
            ctx.out.show(&shown::instance(info))
        }
        Cmd::Create(c) => create(ctx, *c).await,
        Cmd::Delete(c) => delete(ctx, c, false).await,
        Cmd::ForceDelete(c) => delete(ctx, c, true).await,
        Cmd::Restart(c) => {
            act(ctx, &c.instance, &c.wait, |i, id| {
                Box::pin(async move { i.restart(&id).await })
            })
            .await
        }
        Cmd::ResizeFlavor(c) => {
            let flavor = resolve::id::<Flavor>(ctx, &c.flavor).await?;
            act(ctx, &c.instance, &c.wait, move |i, id| {
                Box::pin(async move { i.resize_flavor(&id, flavor).await })
            })
            .await
        }
        Cmd::ResizeVolume(c) => {
            act(ctx, &c.instance, &c.wait, |i, id| {
                Box::pin(async move { i.resize_volume(&id, c.size).await })
            })
            .await
        }
        Cmd::Upgrade(c) => {
            let version = c.datastore_version.clone();
            act(ctx, &c.instance, &c.wait, move |i, id| {
                Box::pin(async move { i.upgrade(&id, version).await })
            })
            .await
        }
        Cmd::Promote(c) => {
            act(ctx, &c.instance, &c.wait, |i, id| {
                Box::pin(async move { i.promote_to_replica_source(&id).await })
            })
            .await
        }
        Cmd::Eject(c) => {
            act(ctx, &c.instance, &c.wait, |i, id| {
                Box::pin(async move { i.eject_replica_source(&id).await })
            })
            .await
        }
        Cmd::ResetStatus(c) => {
            let id = resolve::id::<Instance>(ctx, &c.instance).await?;
            let instances = ctx.client()?.instances();
            if c.force_delete {
                Ok(instances.reset_status_force_delete(&id).await?)
            } else {
                Ok(instances.reset_status(&id).await?)
            }
        }
        Cmd::Update(c) => update(ctx, c).await,
    }
}

type Call<'a> = futures::future::BoxFuture<'a, Result<(), troveclient::Error>>;

/// Runs an action on an instance found by id or name; with `--wait`, waits until it is ready
/// again and prints it.
async fn act<'a>(
    ctx: &'a Ctx,
    instance: &str,
    w: &WaitArgs,
    call: impl FnOnce(troveclient::Instances<'a>, String) -> Call<'a>,
) -> anyhow::Result<()> {
    let id = resolve::id::<Instance>(ctx, instance).await?;
    call(ctx.client()?.instances(), id.clone()).await?;
    if w.wait {
        let instance = wait_ready(ctx, w, &id).await?;
        ctx.out.show(&instance)?;
    }
    Ok(())
}

async fn update(ctx: &Ctx, c: UpdateCmd) -> anyhow::Result<()> {
    let id = resolve::id::<Instance>(ctx, &c.instance).await?;
    let mut changes = Vec::new();
    if let Some(conf) = &c.configuration {
        let conf = resolve::id::<troveclient::Configuration>(ctx, conf).await?;
        changes.push(UpdateInstance::attach_configuration(conf));
    }
    if c.detach_configuration {
        changes.push(UpdateInstance::detach_configuration());
    }
    if c.detach_replica {
        changes.push(UpdateInstance::detach_replica());
    }
    if c.is_public || c.is_private || !c.allowed_cidrs.is_empty() {
        changes.push(UpdateInstance::access(Access {
            is_public: (c.is_public || c.is_private).then_some(c.is_public),
            allowed_cidrs: (!c.allowed_cidrs.is_empty()).then(|| c.allowed_cidrs.clone()),
        }));
    }
    // Trove takes one change per call; the rename rides along with the first.
    match (changes.first_mut(), c.name) {
        (Some(first), Some(name)) => *first = first.clone().name(name),
        (None, Some(name)) => changes.push(UpdateInstance::rename(name)),
        (_, None) => {}
    }
    if changes.is_empty() {
        return Err(UsageError(
            "nothing to update: give --name, --configuration, \
            --detach-configuration, --detach-replica, --is-public, --is-private or --allowed-cidr"
                .to_owned(),
        )
        .into());
    }
    let instances = ctx.client()?.instances();
    for change in &changes {
        if c.patch {
            instances.edit(&id, change).await?;
        } else {
            instances.update(&id, change).await?;
        }
    }
    Ok(())
}

async fn list(ctx: &Ctx, c: ListCmd) -> anyhow::Result<()> {
    let client = ctx.client()?;
    if c.all_projects || c.project_id.is_some() {
        let mut request = client
            .mgmt()
            .instances()
            .include_clustered(c.include_clustered);
        if let Some(p) = &c.project_id {
            request = request.project_id(p);
        }
        let items = c.list.fetch(request).await?;
        return ctx.out.list(ADMIN_COLUMNS, &items);
    }
    let request = client
        .instances()
        .list()
        .detailed(c.detailed)
        .include_clustered(c.include_clustered);
    let items = c.list.fetch(request).await?;
    ctx.out.list(COLUMNS, &items)
}

/// Finds an instance by id, or else by its (unique) name, with the body the server sent.
async fn find_with_body(
    ctx: &Ctx,
    name_or_id: &str,
) -> anyhow::Result<troveclient::WithBody<Instance>> {
    let instances = ctx.client()?.instances();
    shown::fetch(
        name_or_id,
        |id| async move { instances.get_with_body(&id).await },
        || async { resolve::id::<Instance>(ctx, name_or_id).await },
    )
    .await
}

async fn create(ctx: &Ctx, c: CreateCmd) -> anyhow::Result<()> {
    let client = ctx.client()?;
    let replica_of = match &c.replica_of {
        Some(source) => Some(resolve::id::<Instance>(ctx, source).await?),
        None => None,
    };
    let backup = match &c.backup {
        Some(b) => Some(resolve::id::<troveclient::Backup>(ctx, b).await?),
        None => None,
    };
    let configuration = match &c.configuration {
        Some(conf) => Some(resolve::id::<troveclient::Configuration>(ctx, conf).await?),
        None => None,
    };
    let mut modules = Vec::new();
    for m in &c.modules {
        modules.push(ModuleRef {
            id: resolve::id::<troveclient::Module>(ctx, m).await?,
        });
    }
    let nics = c
        .nic
        .iter()
        .map(|n| parse_nic(n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut users = Vec::new();
    for u in &c.users {
        let mut spec = UserSpec::new(u.name.clone(), u.password.expose());
        for db in &c.databases {
            spec = spec.database(db.clone());
        }
        users.push(spec);
    }
    let access = (c.is_public || !c.allowed_cidrs.is_empty()).then(|| Access {
        is_public: c.is_public.then_some(true),
        allowed_cidrs: (!c.allowed_cidrs.is_empty()).then(|| c.allowed_cidrs.clone()),
    });
    let flavor = match c.flavor.as_ref().or(c.flavor_opt.as_ref()) {
        Some(f) => Some(resolve::id::<Flavor>(ctx, f).await?),
        None => None,
    };
    let request = match (replica_of, flavor) {
        (Some(source), _) => {
            let mut request = client.instances().create_replica(c.name.clone(), source);
            if let Some(n) = c.replica_count {
                request = request.replica_count(n);
            }
            if let Some(zone) = c.availability_zone.clone() {
                request = request.availability_zone(zone);
            }
            for nic in nics {
                if nic.ip_address.is_some() {
                    return Err(UsageError(
                        "a replica cannot have a fixed IP address (--nic ip-address=)".into(),
                    )
                    .into());
                }
                if let Some(net) = nic.network_id {
                    request = request.network(net, nic.subnet_id);
                }
            }
            if let Some(conf) = configuration {
                request = request.configuration(conf);
            }
            if let Some(region) = c.region.clone() {
                request = request.region(region);
            }
            for m in modules {
                request = request.module(m.id);
            }
            if let Some(access) = access {
                request = request.access(access);
            }
            request.into_future()
        }
        (None, Some(flavor)) => {
            let mut request = client.instances().create(c.name.clone(), flavor);
            if let Some(size) = c.size {
                request = match c.volume_type.clone() {
                    Some(kind) => request.volume_typed(size, kind),
                    None => request.volume(size),
                };
            }
            for db in &c.databases {
                request = request.database(DatabaseSpec::new(db.clone()));
            }
            for user in users {
                request = request.user(user);
            }
            if let Some(kind) = c.datastore.clone() {
                request = request.datastore(kind, c.datastore_version.clone());
            }
            if let Some(zone) = c.availability_zone.clone() {
                request = request.availability_zone(zone);
            }
            for nic in nics {
                request = request.nic(nic);
            }
            request
                .with(|body| {
                    if let (Some(ds), Some(n)) =
                        (body.datastore.as_mut(), &c.datastore_version_number)
                    {
                        ds.version_number = Some(n.clone());
                    }
                    body.restore_point = backup.map(|b| RestorePoint { backup_ref: b });
                    body.configuration = configuration;
                    body.locality = c.locality.clone();
                    body.region_name = c.region.clone();
                    body.modules = modules;
                    body.access = access;
                })
                .into_future()
        }
        (None, None) => {
            return Err(
                UsageError("a flavor is required unless --replica-of is given".into()).into(),
            )
        }
    };
    let instance = request.await.context("creating the instance")?;
    if c.wait.wait {
        let instance = wait_ready(ctx, &c.wait, &instance.id).await?;
        return ctx.out.show(&instance);
    }
    if c.flavor_opt.is_none() {
        // Our own form prints the instance as the SDK models it.
        return ctx.out.show(&instance);
    }
    // OSC's form (`--flavor`) prints it as `instance show` does, as OSC prints its answer.
    let raw = client.instances().get_with_body(&instance.id).await?;
    ctx.out
        .show(&shown::instance(shown::unwrap(&raw.body, "instance")?))
}

/// A `--user NAME:PASSWORD` of `instance create`.
#[derive(Debug, Clone)]
pub struct UserArg {
    name: String,
    password: Secret,
}

/// Parses `NAME:PASSWORD`; the password may contain colons.
fn user_arg(s: &str) -> Result<UserArg, String> {
    let (name, password) = s
        .split_once(':')
        .ok_or_else(|| "expected NAME:PASSWORD".to_owned())?;
    Ok(UserArg {
        name: name.to_owned(),
        password: Secret::new(password),
    })
}

/// Parses `net-id=ID,subnet-id=ID,ip-address=IP`.
fn parse_nic(s: &str) -> Result<NicSpec, UsageError> {
    let mut nic = NicSpec::default();
    for part in s.split(',') {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| UsageError(format!("--nic {s:?}: expected KEY=VALUE pairs")))?;
        let slot = match k {
            "net-id" | "network-id" | "network_id" => &mut nic.network_id,
            "subnet-id" | "subnet_id" => &mut nic.subnet_id,
            "ip-address" | "ip_address" | "v4-fixed-ip" => &mut nic.ip_address,
            _ => {
                return Err(UsageError(format!(
                    "--nic {s:?}: unknown key {k:?} (use net-id, subnet-id, ip-address)"
                )))
            }
        };
        *slot = Some(v.to_owned());
    }
    Ok(nic)
}

/// Waits until the instance is `ACTIVE` or `HEALTHY`; `ERROR` and `FAILED` end the wait.
pub async fn wait_ready(ctx: &Ctx, w: &WaitArgs, id: &str) -> anyhow::Result<Instance> {
    let spinner = Spinner::new(w, &format!("instance {id}"));
    let instances = ctx.client()?.instances();
    spinner.finish(instances.wait_ready(id, spinner.options()).await)
}

/// Deletes instances; `force` first clears each one's task status, as python-troveclient's
/// `force_delete` does, so that instances stuck in a task can be deleted.
async fn delete(ctx: &Ctx, c: DeleteCmd, force: bool) -> anyhow::Result<()> {
    let client = ctx.client()?;
    let mut ids = Vec::new();
    for name in &c.instances {
        let instance = resolve::find::<Instance>(ctx, name).await?;
        if force {
            client
                .instances()
                .reset_status(&instance.id)
                .await
                .with_context(|| format!("resetting the status of instance {name}"))?;
        }
        client
            .instances()
            .delete(&instance.id)
            .await
            .with_context(|| format!("deleting instance {name}"))?;
        ids.push(instance.id);
    }
    if c.wait.wait {
        for id in &ids {
            let spinner = Spinner::new(&c.wait, &format!("deletion of instance {id}"));
            let gone = client.instances().wait_deleted(id, spinner.options()).await;
            spinner.finish(gone)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nics_parse_from_key_value_pairs() {
        let nic = parse_nic("net-id=n1,ip-address=10.0.0.5").unwrap();
        assert_eq!(nic.network_id.as_deref(), Some("n1"));
        assert_eq!(nic.ip_address.as_deref(), Some("10.0.0.5"));
        assert!(parse_nic("port-id=p").is_err());
        assert!(parse_nic("net-id").is_err());
    }
}
