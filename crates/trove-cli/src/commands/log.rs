//! `trove log ...`: the guest logs of an instance.

mod store;

use anyhow::{anyhow, Context};
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
    /// Publish a guest log and print its last lines from object storage.
    #[command(after_help = "Examples:
  trove log tail db1 general
  trove log tail db1 general --lines 0      # the whole log")]
    Tail(TailCmd),
    /// Publish a guest log and save all of it from object storage to a file.
    #[command(after_help = "Examples:
  trove log save db1 general
  trove log save db1 general --file general.log")]
    Save(SaveCmd),
}

/// `log tail`: python-troveclient's `log_generator`.
#[derive(Debug, Args)]
pub struct TailCmd {
    #[command(flatten)]
    log: LogArgs,
    /// How many lines from the end to print; 0 prints the whole log.
    #[arg(long, default_value_t = 50)]
    lines: usize,
    /// Publish the log first; by default what is already published is read, as
    /// python-troveclient reads it.
    #[arg(long)]
    publish: bool,
}

/// `log save`: python-troveclient's `log_save`.
#[derive(Debug, Args)]
pub struct SaveCmd {
    #[command(flatten)]
    log: LogArgs,
    /// The file to write; by default `trove-<instance id>-<log>.log`, as python-troveclient
    /// names it.
    #[arg(long)]
    file: Option<std::path::PathBuf>,
    /// Publish the log first; by default what is already published is read, as
    /// python-troveclient reads it.
    #[arg(long)]
    publish: bool,
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
        Cmd::Tail(c) => (&c.log.instance, c.log.log.as_str()),
        Cmd::Save(c) => (&c.log.instance, c.log.log.as_str()),
    };
    let id = resolve::id::<troveclient::Instance>(ctx, instance).await?;
    match &cmd {
        Cmd::Tail(c) => {
            let text = read(ctx, &id, instance, log, c.publish, c.lines).await?;
            return print(&text);
        }
        Cmd::Save(c) => {
            let text = read(ctx, &id, instance, log, c.publish, 0).await?;
            let file = c
                .file
                .clone()
                .unwrap_or_else(|| format!("trove-{id}-{log}.log").into());
            std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
            return print(&format!("Log \"{log}\" written to {}\n", file.display()));
        }
        _ => {}
    }
    let shown = match &cmd {
        Cmd::Tail(_) | Cmd::Save(_) => unreachable!("answered above"),
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

/// Publishes the log (unless told not to), then reads its last `lines` lines (0: all of it)
/// from the container and prefix the log's view names.
async fn read(
    ctx: &Ctx,
    id: &str,
    shown_as: &str,
    log: &str,
    publish: bool,
    lines: usize,
) -> anyhow::Result<String> {
    let client = ctx.client()?;
    let instances = client.instances();
    let view = if publish {
        instances.log_publish(id, log).await?
    } else {
        instances.log(id, log).await?
    };
    let none = || anyhow!("no published '{log}' log was found for {shown_as}");
    let container = view
        .container
        .as_deref()
        .filter(|c| *c != "None")
        .ok_or_else(none)?;
    let prefix = view
        .prefix
        .as_deref()
        .filter(|p| *p != "None")
        .ok_or_else(none)?;
    let session = client.session().await?;
    let auth = ctx.auth();
    let store = store::Store::of(
        &session,
        auth.os_region_name.as_deref(),
        auth.os_interface.as_deref(),
    )?;
    store.tail(container, prefix, lines).await.map_err(|e| {
        if e.is::<store::NotPublished>() {
            none()
        } else {
            e
        }
    })
}

/// Writes raw log text to stdout; a closed pipe (`| head`) is not an error.
fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}
