//! `trove cluster ...`: clusters of instances.

use clap::{Args, Subcommand};
use troveclient::types::cluster::{Cluster, ClusterInstance, ClusterInstanceSpec};
use troveclient::types::instance::{ModuleRef, VolumeSpec};
use troveclient::{Flavor, NicSpec};

use crate::commands::ListArgs;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, Column};
use crate::resolve;
use crate::shown;
use crate::wait::{Spinner, WaitArgs};

/// Cluster commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List clusters.
    #[command(after_help = "Examples:
  trove cluster list")]
    List(ListCmd),
    /// Show a cluster.
    #[command(after_help = "Examples:
  trove cluster show c1")]
    Show(ClusterArg),
    /// Create a cluster.
    #[command(after_help = "Examples:
  trove cluster create c1 mongodb 4.0 \\
      --instance flavor=2,volume=2 --instance flavor=2,volume=2 --instance flavor=2,volume=2 --wait")]
    Create(CreateCmd),
    /// Delete a cluster.
    #[command(after_help = "Examples:
  trove cluster delete c1 --wait")]
    Delete(WaitingClusterArg),
    /// Add instances to a cluster.
    #[command(after_help = "Examples:
  trove cluster grow c1 --instance flavor=2,volume=2,name=member4")]
    Grow(GrowCmd),
    /// Remove instances from a cluster.
    #[command(after_help = "Examples:
  trove cluster shrink c1 member3")]
    Shrink(ShrinkCmd),
    /// Restart every member of a cluster.
    #[command(after_help = "Examples:
  trove cluster restart c1 --wait")]
    Restart(WaitingClusterArg),
    /// Add a shard shaped like the existing ones (MongoDB clusters).
    #[command(after_help = "Examples:
  trove cluster add-shard c1 --wait")]
    AddShard(WaitingClusterArg),
    /// Upgrade every member of a cluster to another datastore version.
    #[command(after_help = "Examples:
  trove cluster upgrade c1 4.2 --wait")]
    Upgrade(UpgradeCmd),
    /// Clear a stuck task of a cluster (admin).
    #[command(after_help = "Examples:
  trove cluster reset-status c1")]
    ResetStatus(ClusterArg),
    /// Delete a cluster whatever its state: clear its task (admin), then delete it.
    #[command(after_help = "Examples:
  trove cluster force-delete c1")]
    ForceDelete(ClusterArg),
    /// List the modules of every member of a cluster.
    #[command(after_help = "Examples:
  trove cluster modules c1")]
    Modules(ClusterArg),
    /// List the member instances of a cluster.
    #[command(after_help = "Examples:
  trove cluster instances c1")]
    Instances(ClusterArg),
    /// Show one member instance of a cluster.
    #[command(after_help = "Examples:
  trove cluster show-instance c1 member1
  trove cluster show-instance c1 MEMBER_ID -f json")]
    ShowInstance(MemberCmd),
    /// Attach a configuration group to every member of a cluster.
    #[command(after_help = "Examples:
  trove cluster configuration-attach c1 tuned --wait")]
    ConfigurationAttach(ConfigurationAttachCmd),
    /// Detach the configuration group of a cluster's members.
    #[command(after_help = "Examples:
  trove cluster configuration-detach c1")]
    ConfigurationDetach(WaitingClusterArg),
}

/// `cluster show-instance`.
#[derive(Debug, Args)]
pub struct MemberCmd {
    /// Cluster id or name.
    cluster: String,
    /// Member instance id or name.
    instance: String,
}

/// `cluster configuration-attach`.
#[derive(Debug, Args)]
pub struct ConfigurationAttachCmd {
    /// Cluster id or name.
    cluster: String,
    /// Configuration group id or name.
    configuration: String,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `cluster list`.
#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    list: ListArgs,
}

/// A cluster.
#[derive(Debug, Args)]
pub struct ClusterArg {
    /// Cluster id or name.
    cluster: String,
}

/// A cluster, with waiting.
#[derive(Debug, Args)]
pub struct WaitingClusterArg {
    /// Cluster id or name.
    cluster: String,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `cluster create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    /// Name of the cluster.
    name: String,
    /// Datastore type.
    datastore: String,
    /// Datastore version (Trove's cluster schema requires it).
    #[arg(value_name = "VERSION")]
    datastore_version: String,
    /// A member, as flavor=ID,volume=GB[,volume_type=T][,name=N][,type=ROLE]
    /// [,availability_zone=Z][,region=R][,module=ID or name][,related_to=MEMBER]; repeat for
    /// each member.
    #[arg(long = "instance", value_name = "SPEC", required = true)]
    instances: Vec<String>,
    /// Server group policy: affinity or anti-affinity.
    #[arg(long, value_name = "POLICY")]
    locality: Option<String>,
    /// Configuration group to attach to every member (id or name).
    #[arg(long, value_name = "CONFIGURATION")]
    configuration: Option<String>,
    /// Datastore-specific properties as KEY=VALUE pairs; MongoDB takes num_configsvr,
    /// num_mongos, configsvr_volume_size, configsvr_volume_type, mongos_volume_size and
    /// mongos_volume_type.
    #[arg(long, alias = "extended_properties", value_name = "KEY=VALUE,...", value_parser = parse_extended)]
    extended_properties: Option<serde_json::Value>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `cluster grow`.
#[derive(Debug, Args)]
pub struct GrowCmd {
    /// Cluster id or name.
    cluster: String,
    /// A member to add (see `cluster create --help`); repeat for more.
    #[arg(long = "instance", value_name = "SPEC", required = true)]
    instances: Vec<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `cluster shrink`.
#[derive(Debug, Args)]
pub struct ShrinkCmd {
    /// Cluster id or name.
    cluster: String,
    /// Ids or names of the member instances to remove.
    #[arg(required = true)]
    instances: Vec<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `cluster upgrade`.
#[derive(Debug, Args)]
pub struct UpgradeCmd {
    /// Cluster id or name.
    cluster: String,
    /// The datastore version.
    #[arg(value_name = "VERSION")]
    datastore_version: String,
    #[command(flatten)]
    wait: WaitArgs,
}

const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Datastore", "/datastore/type"),
    col("Datastore Version", "/datastore/version"),
    col("Task Name", "/task/name"),
];

/// OSC's columns (`ListDatabaseClusterInstances`), and the member's role.
const MEMBER_COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Name", "/name"),
    col("Flavor ID", "/flavor/id"),
    col("Size", "/volume/size"),
    col("Status", "/status"),
    col("Type", "/type").extra(),
];

/// `cluster modules`: OSC's columns (`database_clusters.py`, `ListDatabaseClusterModules`).
const MODULE_COLUMNS: &[Column] = &[
    col("instance_name", "/instance_name"),
    col("Module Name", "/name"),
    col("Module Type", "/type"),
    col("md5", "/md5"),
    col("created", "/created"),
    col("updated", "/updated"),
    col("Instance ID", "/instance_id").extra(),
];

/// Parses one `--instance` spec.
fn parse_member(spec: &str) -> Result<ClusterInstanceSpec, UsageError> {
    let bad = |why: String| UsageError(format!("--instance {spec:?}: {why}"));
    let (mut flavor, mut volume, mut volume_type) = (None, None, None);
    let mut member = ClusterInstanceSpec::new("", 0);
    member.volume = None;
    for part in split_spec(spec) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| bad("expected KEY=VALUE pairs".to_owned()))?;
        let v = v.trim_matches(|c| c == '\'' || c == '"');
        match k {
            "nic" => member.nics.push(parse_nic(v).map_err(|e| bad(e.0))?),
            "flavor" | "flavor_id" => flavor = Some(v.to_owned()),
            "volume" | "volume_size" => {
                volume = Some(
                    v.parse::<u64>()
                        .map_err(|_| bad(format!("volume {v:?} is not a size in GB")))?,
                )
            }
            "volume_type" => volume_type = Some(v.to_owned()),
            "name" => member.name = Some(v.to_owned()),
            "type" => member.kind = Some(v.to_owned()),
            "availability_zone" | "az" => member.availability_zone = Some(v.to_owned()),
            "region" => member.region_name = Some(v.to_owned()),
            "module" => member.modules.push(ModuleRef { id: v.to_owned() }),
            "related_to" => member.related_to = Some(v.to_owned()),
            other => return Err(bad(format!("unknown key {other:?}"))),
        }
    }
    member.flavor_ref = flavor.ok_or_else(|| bad("flavor=ID is required".to_owned()))?;
    if let Some(size) = volume {
        member.volume = Some(VolumeSpec {
            size,
            kind: volume_type,
        });
    }
    Ok(member)
}

/// Splits a spec at the commas outside quotes: `nic='net-id=N,v4-fixed-ip=IP'` is one part,
/// as python-troveclient reads it (`troveclient/v1/shell.py`, `_get_networks`).
fn split_spec(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quote) = (0, None);
    for (i, c) in spec.char_indices() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            (',', None) => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// Parses a member's `nic=` value: `net-id=ID[,subnet-id=ID][,v4-fixed-ip=IP]`.
fn parse_nic(s: &str) -> Result<NicSpec, UsageError> {
    let mut nic = NicSpec::default();
    for part in s.split(',') {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| UsageError(format!("nic {s:?}: expected KEY=VALUE pairs")))?;
        let slot = match k.trim() {
            "net-id" | "network-id" | "network_id" => &mut nic.network_id,
            "subnet-id" | "subnet_id" => &mut nic.subnet_id,
            "v4-fixed-ip" | "ip-address" | "ip_address" => &mut nic.ip_address,
            other => {
                return Err(UsageError(format!(
                    "nic {s:?}: unknown key {other:?} (use net-id, subnet-id, v4-fixed-ip)"
                )))
            }
        };
        *slot = Some(v.trim().to_owned());
    }
    Ok(nic)
}

/// Parses `--extended-properties KEY=VALUE,...` into the object Trove takes, as
/// python-troveclient does (`_parse_extended_properties`: the values stay strings).
fn parse_extended(s: &str) -> Result<serde_json::Value, UsageError> {
    let mut map = serde_json::Map::new();
    for part in s.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or_else(|| {
            UsageError(format!(
                "--extended-properties {s:?}: expected KEY=VALUE pairs"
            ))
        })?;
        map.insert(k.to_owned(), serde_json::Value::String(v.to_owned()));
    }
    Ok(serde_json::Value::Object(map))
}

/// Parses the `--instance` specs, and finds the flavors and modules they name.
async fn parse_members(ctx: &Ctx, specs: &[String]) -> anyhow::Result<Vec<ClusterInstanceSpec>> {
    let mut members = Vec::new();
    for spec in specs {
        let mut member = parse_member(spec)?;
        member.flavor_ref = resolve::id::<Flavor>(ctx, &member.flavor_ref).await?;
        for m in &mut member.modules {
            m.id = resolve::id::<troveclient::Module>(ctx, &m.id).await?;
        }
        members.push(member);
    }
    Ok(members)
}

/// Finds a member of `cluster` by id or (unique) name among its instances.
fn member<'a>(cluster: &'a Cluster, name_or_id: &str) -> anyhow::Result<&'a ClusterInstance> {
    if let Some(m) = cluster.instances.iter().find(|m| m.id == name_or_id) {
        return Ok(m);
    }
    let named: Vec<&ClusterInstance> = cluster
        .instances
        .iter()
        .filter(|m| m.name == name_or_id)
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(UsageError(format!(
            "cluster {} has no member with the id or name {name_or_id:?}",
            cluster.name
        ))
        .into()),
        several => {
            let ids: Vec<&str> = several.iter().map(|m| m.id.as_str()).collect();
            Err(UsageError(format!(
                "{} members of cluster {} are named {name_or_id:?} ({}); use an id",
                several.len(),
                cluster.name,
                ids.join(", ")
            ))
            .into())
        }
    }
}

/// Waits until the cluster has no task left; a failed task ends the wait.
async fn wait_ready(ctx: &Ctx, w: &WaitArgs, id: &str) -> anyhow::Result<Cluster> {
    let spinner = Spinner::new(w, &format!("cluster {id}"));
    let clusters = ctx.client()?.clusters();
    spinner.finish(clusters.wait_ready(id, spinner.options()).await)
}

/// Prints the cluster after an action: waited for with `--wait`, else as the server answered.
async fn after_action(
    ctx: &Ctx,
    w: &WaitArgs,
    id: &str,
    answer: Option<Cluster>,
) -> anyhow::Result<()> {
    if w.wait {
        return ctx.out.show(&wait_ready(ctx, w, id).await?);
    }
    match answer {
        Some(cluster) => ctx.out.show(&cluster),
        None => Ok(()),
    }
}

/// Runs a cluster command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let clusters = ctx.client()?.clusters();
    match cmd {
        Cmd::List(c) => {
            let items = c.list.fetch(clusters.list()).await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Show(c) => {
            let clusters = ctx.client()?.clusters();
            let raw = shown::fetch(
                &c.cluster,
                |id| async move { clusters.get_with_body(&id).await },
                || async { resolve::id::<Cluster>(ctx, &c.cluster).await },
            )
            .await?;
            ctx.out
                .show(&shown::cluster(shown::unwrap(&raw.body, "cluster")?))
        }
        Cmd::Instances(c) => ctx.out.list(
            MEMBER_COLUMNS,
            &resolve::find::<Cluster>(ctx, &c.cluster).await?.instances,
        ),
        Cmd::ShowInstance(c) => {
            let cluster = resolve::find::<Cluster>(ctx, &c.cluster).await?;
            let id = &member(&cluster, &c.instance)?.id;
            ctx.out.show(&clusters.get_instance(&cluster.id, id).await?)
        }
        Cmd::ConfigurationAttach(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let configuration =
                resolve::id::<troveclient::Configuration>(ctx, &c.configuration).await?;
            let answer = clusters.configuration_attach(&id, &configuration).await?;
            after_action(ctx, &c.wait, &id, answer).await
        }
        Cmd::ConfigurationDetach(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let answer = clusters.configuration_detach(&id).await?;
            after_action(ctx, &c.wait, &id, answer).await
        }
        Cmd::Create(c) => {
            let mut request = clusters.create(
                c.name.clone(),
                c.datastore.clone(),
                c.datastore_version.clone(),
            );
            for member in parse_members(ctx, &c.instances).await? {
                request = request.instance(member);
            }
            if let Some(l) = c.locality {
                request = request.locality(l);
            }
            if let Some(conf) = &c.configuration {
                request = request
                    .configuration(resolve::id::<troveclient::Configuration>(ctx, conf).await?);
            }
            if let Some(p) = c.extended_properties {
                request = request.extended_properties(p);
            }
            let cluster = request.await?;
            if c.wait.wait {
                ctx.out.show(&wait_ready(ctx, &c.wait, &cluster.id).await?)
            } else {
                // Shown as `cluster show` prints it (OSC prints the create answer the same way).
                let raw = clusters.get_with_body(&cluster.id).await?;
                ctx.out
                    .show(&shown::cluster(shown::unwrap(&raw.body, "cluster")?))
            }
        }
        Cmd::Delete(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            clusters.delete(&id).await?;
            if c.wait.wait {
                let spinner = Spinner::new(&c.wait, &format!("deletion of cluster {id}"));
                spinner.finish(clusters.wait_deleted(&id, spinner.options()).await)?;
            }
            Ok(())
        }
        Cmd::Grow(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let members = parse_members(ctx, &c.instances).await?;
            let answer = clusters.grow(&id, members).await?;
            after_action(ctx, &c.wait, &id, answer).await
        }
        Cmd::Shrink(c) => {
            let cluster = resolve::find::<Cluster>(ctx, &c.cluster).await?;
            let ids = c
                .instances
                .iter()
                .map(|i| member(&cluster, i).map(|m| m.id.as_str()))
                .collect::<anyhow::Result<Vec<&str>>>()?;
            let answer = clusters.shrink(&cluster.id, &ids).await?;
            after_action(ctx, &c.wait, &cluster.id, answer).await
        }
        Cmd::Restart(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let answer = clusters.restart(&id).await?;
            after_action(ctx, &c.wait, &id, answer).await
        }
        Cmd::AddShard(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let answer = clusters.add_shard(&id).await?;
            after_action(ctx, &c.wait, &id, answer).await
        }
        Cmd::Upgrade(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let answer = clusters.upgrade(&id, &c.datastore_version).await?;
            after_action(ctx, &c.wait, &id, answer).await
        }
        Cmd::ForceDelete(c) => {
            // As OSC's `cluster force-delete`: reset, then delete.
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            clusters.reset_status(&id).await?;
            Ok(clusters.delete(&id).await?)
        }
        Cmd::Modules(c) => {
            let cluster = resolve::find::<Cluster>(ctx, &c.cluster).await?;
            let instances = ctx.client()?.instances();
            let mut rows = Vec::new();
            for member in &cluster.instances {
                for module in instances.modules(&member.id).await? {
                    let mut row = shown::fields(&module)?;
                    row.insert("instance_id".into(), member.id.clone().into());
                    row.insert("instance_name".into(), member.name.clone().into());
                    rows.push(row);
                }
            }
            ctx.out.list(MODULE_COLUMNS, &rows)
        }
        Cmd::ResetStatus(c) => {
            let id = resolve::id::<Cluster>(ctx, &c.cluster).await?;
            let answer = clusters.reset_status(&id).await?;
            match answer {
                Some(cluster) => ctx.out.show(&cluster),
                None => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_specs_parse() {
        let m = parse_member("flavor=2,volume=3,volume_type=ssd,name=m4,type=member").unwrap();
        assert_eq!(m.flavor_ref, "2");
        assert_eq!(m.volume.as_ref().map(|v| v.size), Some(3));
        assert_eq!(m.name.as_deref(), Some("m4"));
        assert!(parse_member("volume=3").is_err());
        assert!(parse_member("flavor=2,volume=big").is_err());
        assert!(parse_member("flavor=2,color=red").is_err());
    }

    #[test]
    fn a_grown_member_says_what_it_is_related_to() {
        let m = parse_member("flavor=2,volume=1,type=query_router,related_to=shard-1").unwrap();
        assert_eq!(m.related_to.as_deref(), Some("shard-1"));
        let body = serde_json::to_value(&m).unwrap();
        assert_eq!(body["related_to"], "shard-1");
        assert_eq!(body["type"], "query_router");
        let plain = serde_json::to_value(parse_member("flavor=2").unwrap()).unwrap();
        assert!(plain.get("related_to").is_none(), "{plain}");
    }
}
