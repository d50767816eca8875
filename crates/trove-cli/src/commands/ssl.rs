//! `trove ssl ...`: TLS of an instance's datastore.

use clap::{Args, Subcommand};
use troveclient::{SslAction, SslMode};

use crate::context::Ctx;
use crate::resolve;

/// TLS commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Show whether TLS is on, its mode and (with --certificate) the certificate.
    #[command(after_help = "Examples:
  trove ssl show db1
  trove ssl show db1 --certificate -f value -c certificate")]
    Show(ShowCmd),
    /// Turn TLS on.
    #[command(after_help = "Examples:
  trove ssl enable db1 --container-ref https://barbican.example.com/v1/containers/ID
  trove ssl enable db1 --mode enforced --container-ref https://barbican.example.com/v1/containers/ID")]
    Enable(EnableCmd),
    /// Turn TLS off.
    #[command(after_help = "Examples:
  trove ssl disable db1")]
    Disable(InstanceArg),
    /// Go back to the TLS state before the last change.
    #[command(after_help = "Examples:
  trove ssl rollback db1")]
    Rollback(InstanceArg),
}

/// An instance.
#[derive(Debug, Args)]
pub struct InstanceArg {
    /// Instance id or name.
    instance: String,
}

/// `ssl show`.
#[derive(Debug, Args)]
pub struct ShowCmd {
    /// Instance id or name.
    instance: String,
    /// Include the certificate itself.
    #[arg(long)]
    certificate: bool,
}

/// `ssl enable`.
#[derive(Debug, Args)]
pub struct EnableCmd {
    /// Instance id or name.
    instance: String,
    /// basic (the default), enforced (clients must use TLS) or mtls (clients need
    /// certificates too).
    #[arg(long, default_value = "basic")]
    mode: SslMode,
    /// Barbican container holding the certificate and key to use (Trove requires one).
    #[arg(long, value_name = "REF")]
    container_ref: String,
    /// Barbican secret holding the key's password.
    #[arg(long, value_name = "REF")]
    password_ref: Option<String>,
}

/// Runs a TLS command.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let instances = ctx.client()?.instances();
    let shown = match cmd {
        Cmd::Show(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            instances.ssl(&id, c.certificate).await?
        }
        Cmd::Enable(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            let mut action = SslAction::enable(c.mode, c.container_ref);
            if let Some(r) = c.password_ref {
                action = action.password_ref(r);
            }
            instances.ssl_action(&id, &action).await?
        }
        Cmd::Disable(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            instances.ssl_disable(&id).await?
        }
        Cmd::Rollback(c) => {
            let id = resolve::id::<troveclient::Instance>(ctx, &c.instance).await?;
            instances.ssl_rollback(&id).await?
        }
    };
    ctx.out.show(&shown)
}
