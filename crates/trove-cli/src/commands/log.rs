//! `trove log ...`: the guest logs of an instance.

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::output::{col, Column};
use crate::resolve;

/// Guest log commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List the guest logs of an instance.
    #[command(after_help = "Examples:
  trove log list db1")]
    List(InstanceArg),
    /// Show a guest log.
    #[command(after_help = "Examples:
  trove log show db1 general")]
    Show(LogArgs),
    /// Start writing a guest log.
    #[command(after_help = "Examples:
  trove log enable db1 general")]
    Enable(LogArgs),
    /// Stop writing a guest log.
    #[command(after_help = "Examples:
  trove log disable db1 general")]
    Disable(LogArgs),
    /// Publish a guest log to object storage.
    #[command(after_help = "Examples:
  trove log publish db1 general")]
    Publish(LogArgs),
    /// Discard the published parts of a guest log.
    #[command(after_help = "Examples:
  trove log discard db1 general")]
    Discard(LogArgs),
    /// Enable or disable a guest log, discard and publish it: OSC's `database log set`.
    #[command(after_help = "Examples:
  trove log set db1 general --enable
  trove log set db1 general --publish --disable
  trove log set db1 general --discard --publish")]
    Set(SetCmd),
}

/// `log set`: the actions run in the order enable, discard, publish, disable, so a log is
/// written before it is published and its last part is published before it stops.
#[derive(Debug, Args)]
pub struct SetCmd {
    #[command(flatten)]
    log: LogArgs,
    /// Start writing the log.
    #[arg(long, conflicts_with = "disable")]
    enable: bool,
    /// Stop writing the log.
    #[arg(long)]
    disable: bool,
    /// Publish the log to object storage.
    #[arg(long)]
    publish: bool,
    /// Discard what was published before.
    #[arg(long)]
    discard: bool,
}

/// An instance.
#[derive(Debug, Args)]
pub struct InstanceArg {
    /// Instance id or name.
    instance: String,
}

/// A guest log of an instance.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Instance id or name.
    instance: String,
    /// Log name, such as general or slow_query.
    log: String,
}

const COLUMNS: &[Column] = &[
    col("Name", "/name"),
    col("Type", "/type"),
    col("Status", "/status"),
    col("Published", "/published"),
    col("Pending", "/pending"),
    col("Container", "/container"),
    col("Prefix", "/prefix"),
];

/// Runs a log command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let instances = ctx.client()?.instances();
    let (instance, log) = match &cmd {
        Cmd::List(c) => (&c.instance, ""),
        Cmd::Show(c) | Cmd::Enable(c) | Cmd::Disable(c) | Cmd::Publish(c) | Cmd::Discard(c) => {
            (&c.instance, c.log.as_str())
        }
        Cmd::Set(c) => (&c.log.instance, c.log.log.as_str()),
    };
    let id = resolve::id::<troveclient::Instance>(ctx, instance).await?;
    let shown = match &cmd {
        Cmd::List(_) => return ctx.out.list(COLUMNS, &instances.logs(&id).await?),
        Cmd::Show(_) => instances.log(&id, log).await?,
        Cmd::Enable(_) => instances.log_enable(&id, log).await?,
        Cmd::Disable(_) => instances.log_disable(&id, log).await?,
        Cmd::Publish(_) => instances.log_publish(&id, log).await?,
        Cmd::Discard(_) => instances.log_discard(&id, log).await?,
        Cmd::Set(c) => {
            // Trove takes the four flags in one request; the SDK sends one action a call, so
            // each asked for is its own call, and the last answer is shown.
            let mut shown = None;
            if c.enable {
                shown = Some(instances.log_enable(&id, log).await?);
            }
            if c.discard {
                shown = Some(instances.log_discard(&id, log).await?);
            }
            if c.publish {
                shown = Some(instances.log_publish(&id, log).await?);
            }
            if c.disable {
                shown = Some(instances.log_disable(&id, log).await?);
            }
            match shown {
                Some(s) => s,
                None => instances.log(&id, log).await?,
            }
        }
    };
    ctx.out.show(&shown)
}
