//! `trove user ...`: the users of an instance and their database access.

use clap::{Args, Subcommand};
use troveclient::types::user::{PasswordChange, UpdateUser};
use troveclient::{Secret, UserSpec};

use crate::auth::secret;
use crate::commands::InstanceListCmd;
use crate::context::Ctx;
use crate::error::UsageError;
use crate::output::{col, join_key, Column};
use crate::resolve;

/// User commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List the users of an instance.
    #[command(after_help = "Examples:
  trove user list db1")]
    List(InstanceListCmd),
    /// Show a user.
    #[command(after_help = "Examples:
  trove user show db1 app
  trove user show db1 app --host 10.0.0.%")]
    Show(UserArgs),
    /// Create a user.
    #[command(after_help = "Examples:
  trove user create db1 app s3cret --databases app reports
  trove user create db1 app s3cret --host 10.0.0.%")]
    Create(CreateCmd),
    /// Delete a user.
    #[command(after_help = "Examples:
  trove user delete db1 app")]
    Delete(UserArgs),
    /// Grant a user access to databases.
    #[command(after_help = "Examples:
  trove user grant db1 app reports archive")]
    Grant(GrantCmd),
    /// Revoke a user's access to a database.
    #[command(after_help = "Examples:
  trove user revoke db1 app reports")]
    Revoke(RevokeCmd),
    /// List the databases a user may use.
    #[command(after_help = "Examples:
  trove user list-access db1 app")]
    ListAccess(UserArgs),
    /// Change a user's password.
    #[command(after_help = "Examples:
  trove user set-password db1 app n3w-s3cret")]
    SetPassword(SetPasswordCmd),
    /// Change a user's name, host or password.
    #[command(after_help = "Examples:
  trove user update db1 app --new-name app2 --new-host 10.0.0.%")]
    Update(UpdateCmd),
}

/// A user of an instance.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// Instance id or name.
    instance: String,
    /// User name.
    name: String,
    /// The host the user connects from, when it is not %.
    #[arg(long)]
    host: Option<String>,
}

/// `user create`.
#[derive(Debug, Args)]
pub struct CreateCmd {
    #[command(flatten)]
    user: UserArgs,
    /// Password.
    #[arg(value_parser = secret)]
    password: Secret,
    /// Databases the user may use.
    #[arg(long, value_name = "DATABASE", num_args = 1..)]
    databases: Vec<String>,
}

/// `user grant`.
#[derive(Debug, Args)]
pub struct GrantCmd {
    #[command(flatten)]
    user: UserArgs,
    /// Databases to grant access to.
    #[arg(required = true)]
    databases: Vec<String>,
}

/// `user revoke`.
#[derive(Debug, Args)]
pub struct RevokeCmd {
    #[command(flatten)]
    user: UserArgs,
    /// Database to revoke access to.
    database: String,
}

/// `user set-password`.
#[derive(Debug, Args)]
pub struct SetPasswordCmd {
    #[command(flatten)]
    user: UserArgs,
    /// The new password.
    #[arg(value_parser = secret)]
    password: Secret,
}

/// `user update`.
#[derive(Debug, Args)]
pub struct UpdateCmd {
    #[command(flatten)]
    user: UserArgs,
    /// A new name.
    #[arg(long, alias = "new_name", value_name = "NAME")]
    new_name: Option<String>,
    /// A new host.
    #[arg(long, alias = "new_host", value_name = "HOST")]
    new_host: Option<String>,
    /// A new password.
    #[arg(long, alias = "new_password", value_name = "PASSWORD", value_parser = secret)]
    new_password: Option<Secret>,
}

const COLUMNS: &[Column] = &[
    col("Name", "/name"),
    col("Host", "/host"),
    col("Databases", "/databases").with(names),
];

const ACCESS_COLUMNS: &[Column] = &[col("Name", "/name")];

fn names(v: &serde_json::Value) -> serde_json::Value {
    join_key(v, "name")
}

/// Calls `$method` on `$users` with the user (and host, when given) of `$u` first.
macro_rules! on_user {
    ($users:expr, $u:expr, $method:ident($($arg:expr),*)) => {
        match $u.host.as_deref() {
            Some(host) => $users.$method(($u.name.as_str(), host) $(, $arg)*).await,
            None => $users.$method($u.name.as_str() $(, $arg)*).await,
        }
    };
}

/// Runs a user command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let instance_of = |cmd: &Cmd| -> String {
        match cmd {
            Cmd::List(c) => c.instance.clone(),
            Cmd::Show(u) | Cmd::Delete(u) | Cmd::ListAccess(u) => u.instance.clone(),
            Cmd::Create(c) => c.user.instance.clone(),
            Cmd::Grant(c) => c.user.instance.clone(),
            Cmd::Revoke(c) => c.user.instance.clone(),
            Cmd::SetPassword(c) => c.user.instance.clone(),
            Cmd::Update(c) => c.user.instance.clone(),
        }
    };
    let id = resolve::find::<troveclient::Instance>(ctx, &instance_of(&cmd))
        .await?
        .id;
    let users = ctx.client()?.users(&id);
    match cmd {
        Cmd::List(c) => {
            let items = c.list.fetch(users.list()).await?;
            ctx.out.list(COLUMNS, &items)
        }
        Cmd::Show(u) => {
            let user = on_user!(users, u, get())?;
            ctx.out.show(&user)
        }
        Cmd::Create(c) => {
            let mut spec = UserSpec::new(c.user.name.clone(), c.password.expose());
            if let Some(host) = c.user.host {
                spec = spec.host(host);
            }
            for db in c.databases {
                spec = spec.database(db);
            }
            Ok(users.create(&[spec]).await?)
        }
        Cmd::Delete(u) => Ok(on_user!(users, u, delete())?),
        Cmd::Grant(c) => Ok(on_user!(users, c.user, grant(&c.databases))?),
        Cmd::Revoke(c) => Ok(on_user!(users, c.user, revoke(&c.database))?),
        Cmd::ListAccess(u) => {
            let databases = on_user!(users, u, access())?;
            ctx.out.list(ACCESS_COLUMNS, &databases)
        }
        Cmd::SetPassword(c) => {
            let mut change = PasswordChange::new(c.user.name.clone(), c.password);
            if let Some(host) = &c.user.host {
                change = change.host(host.clone());
            }
            Ok(users.change_passwords(&[change]).await?)
        }
        Cmd::Update(c) => {
            let mut changes = UpdateUser::new();
            if let Some(n) = c.new_name {
                changes = changes.name(n);
            }
            if let Some(h) = c.new_host {
                changes = changes.host(h);
            }
            if let Some(p) = c.new_password {
                changes = changes.password(p);
            }
            if changes.name.is_none() && changes.host.is_none() && changes.password.is_none() {
                return Err(UsageError(
                    "nothing to update: give --new-name, --new-host or --new-password".to_owned(),
                )
                .into());
            }
            Ok(on_user!(users, c.user, update(&changes))?)
        }
    }
}
