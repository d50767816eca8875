//! The command groups, one file each.
//!
//! Adding a group takes a file with a `Cmd` (a clap `Subcommand`) and an `async fn run`, a
//! variant in [`Command`] and a line in [`run`].

pub mod backup;
pub mod backup_strategy;
pub mod cluster;
pub mod completion;
pub mod configuration;
pub mod database;
pub mod datastore;
pub mod flavor;
pub mod instance;
pub mod limit;
pub mod log;
pub mod mgmt;
pub mod module;
pub mod quota;
pub mod root;
pub mod ssl;
pub mod user;
pub mod versions;

use clap::{Args, Subcommand};
use futures::TryStreamExt;
use troveclient::types::Paged;
use troveclient::ListRequest;

use crate::cli::Cli;
use crate::context::Ctx;
use crate::output::Output;

/// The command groups, resource first (`trove instance list`).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Database instances: list, show, create, delete, actions.
    #[command(subcommand)]
    Instance(instance::Cmd),
    /// Databases of an instance: list, create, delete.
    #[command(subcommand)]
    Database(database::Cmd),
    /// Users of an instance: list, show, create, delete, access, passwords.
    #[command(subcommand)]
    User(user::Cmd),
    /// The root user of an instance or cluster: enable, show, disable.
    #[command(subcommand)]
    Root(root::Cmd),
    /// TLS of an instance's datastore: show, enable, disable, rollback.
    #[command(subcommand)]
    Ssl(ssl::Cmd),
    /// Backups: list, show, create, delete.
    #[command(subcommand)]
    Backup(backup::Cmd),
    /// Backup strategies: list, create, delete.
    #[command(subcommand)]
    BackupStrategy(backup_strategy::Cmd),
    /// Clusters: list, show, create, delete, grow, shrink, restart, upgrade, configuration.
    #[command(subcommand)]
    Cluster(cluster::Cmd),
    /// Configuration groups and datastore configuration parameters.
    #[command(subcommand)]
    Configuration(configuration::Cmd),
    /// Datastores and their versions.
    #[command(subcommand)]
    Datastore(datastore::Cmd),
    /// Flavors: list, show.
    #[command(subcommand)]
    Flavor(flavor::Cmd),
    /// Absolute and rate limits.
    #[command(subcommand)]
    Limit(limit::Cmd),
    /// Modules, and the modules applied to instances.
    #[command(subcommand)]
    Module(module::Cmd),
    /// Guest logs of an instance.
    #[command(subcommand)]
    Log(log::Cmd),
    /// Project quotas (admin): show, update.
    #[command(subcommand)]
    Quota(quota::Cmd),
    /// The management API (admin): every project's instances and clusters, guest
    /// diagnostics, configuration parameters, datastore versions.
    #[command(subcommand)]
    Mgmt(mgmt::Cmd),
    /// The API versions a Trove server offers.
    Versions(versions::Cmd),
    /// Print a shell completion script.
    Completion(completion::Cmd),
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Ctx::new(cli.auth, Output::new(cli.output));
    match cli.command {
        Command::Instance(c) => instance::run(&ctx, c).await,
        Command::Database(c) => database::run(&ctx, c).await,
        Command::User(c) => user::run(&ctx, c).await,
        Command::Root(c) => root::run(&ctx, c).await,
        Command::Ssl(c) => ssl::run(&ctx, c).await,
        Command::Backup(c) => backup::run(&ctx, c).await,
        Command::BackupStrategy(c) => backup_strategy::run(&ctx, c).await,
        Command::Cluster(c) => cluster::run(&ctx, c).await,
        Command::Configuration(c) => configuration::run(&ctx, c).await,
        Command::Datastore(c) => datastore::run(&ctx, c).await,
        Command::Flavor(c) => flavor::run(&ctx, c).await,
        Command::Limit(c) => limit::run(&ctx, c).await,
        Command::Module(c) => module::run(&ctx, c).await,
        Command::Log(c) => log::run(&ctx, c).await,
        Command::Quota(c) => quota::run(&ctx, c).await,
        Command::Mgmt(c) => mgmt::run(&ctx, c).await,
        Command::Versions(c) => versions::run(&ctx, c).await,
        Command::Completion(c) => completion::run(c),
    }
}

/// `database list` and `user list`: the items of one instance, paged.
#[derive(Debug, Args)]
pub struct InstanceListCmd {
    /// Instance id or name.
    pub instance: String,
    #[command(flatten)]
    pub list: ListArgs,
}

/// Paging options of list commands: every page by default, one page with either option.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Fetch one page of at most this many items instead of every page.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Fetch one page starting after this marker (as printed after a page with more to come).
    #[arg(long, value_name = "MARKER")]
    pub marker: Option<String>,
}

impl ListArgs {
    /// Fetches one page (with `--limit`/`--marker`) or every page, lazily walked.
    pub async fn fetch<E>(&self, request: ListRequest<'_, E>) -> anyhow::Result<Vec<E::Item>>
    where
        E: Paged + Clone + Send + 'static,
        E::Item: Send + 'static,
    {
        if self.limit.is_none() && self.marker.is_none() {
            return Ok(request.into_stream().try_collect().await?);
        }
        let mut request = request.marker(self.marker.as_deref());
        if let Some(limit) = self.limit {
            request = request.limit(limit);
        }
        let page = request.send().await?;
        if let Some(next) = &page.next {
            eprintln!("More results: rerun with --marker {next}");
        }
        Ok(page.items)
    }
}
