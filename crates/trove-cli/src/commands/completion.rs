//! `trove completion SHELL`: prints a completion script.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

/// Print a completion script for SHELL.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  trove completion bash > /etc/bash_completion.d/trove
  trove completion zsh > \"${fpath[1]}/_trove\"
  trove completion fish > ~/.config/fish/completions/trove.fish")]
pub struct Cmd {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the script to stdout.
pub fn run(cmd: Cmd) -> anyhow::Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(cmd.shell, &mut command, "trove", &mut std::io::stdout());
    Ok(())
}
