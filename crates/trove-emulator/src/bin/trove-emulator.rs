//! The `trove-emulator` binary: serves the in-memory Trove + Keystone on a TCP port.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use trove_emulator::{Config, Delay, Emulator, FaultPlan};

/// Command-line flags.
#[derive(Debug, Parser)]
#[command(
    name = "trove-emulator",
    version,
    about = "In-memory OpenStack Trove 26.0.0 + Keystone v3"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", env = "TROVE_EMULATOR_BIND")]
    bind: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8779, env = "TROVE_EMULATOR_PORT")]
    port: u16,
    /// Seconds an instance stays in BUILD.
    #[arg(long)]
    build_secs: Option<f64>,
    /// Host (`name:port`) to put in links instead of the request's Host header.
    #[arg(long)]
    advertised_host: Option<String>,
    /// Faults to inject: a file, or an inline spec such as
    /// `"POST /v1.0/*/instances reset=after times=1; GET * status=503 retry-after=2 times=2"`
    /// (see the `faults` module of the library).
    #[arg(long)]
    faults: Option<String>,
    /// Load instances and backups from this file at start (when it exists) and save them to
    /// it at shutdown (SIGINT or SIGTERM).
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
}

/// Waits for SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        // Stdout carries only the "listening on URL" line, which scripts read to find the port.
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut config = Config {
        advertised_host: args.advertised_host,
        ..Config::default()
    };
    if let Some(secs) = args.build_secs {
        let secs = if secs.is_finite() && secs >= 0.0 {
            secs
        } else {
            0.0
        };
        config.build = Delay::Time(Duration::from_secs_f64(secs));
    }
    let emulator = Emulator::new(config);
    if let Some(spec) = &args.faults {
        let plan = FaultPlan::load(spec)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        tracing::info!(rules = plan.rules.len(), "injecting faults");
        emulator.set_faults(plan);
    }
    if let Some(path) = args.state.as_deref().filter(|p| p.exists()) {
        emulator.load_state(path)?;
        tracing::info!(path = %path.display(), "loaded state");
    }
    let server = emulator
        .serve(SocketAddr::new(args.bind, args.port))
        .await?;
    println!("trove-emulator listening on {}", server.url());
    tracing::info!(url = %server.url(), "listening");
    shutdown_signal().await?;
    tracing::info!("shutting down");
    server.shutdown().await;
    if let Some(path) = &args.state {
        emulator.save_state(path)?;
        tracing::info!(path = %path.display(), "saved state");
    }
    Ok(())
}
