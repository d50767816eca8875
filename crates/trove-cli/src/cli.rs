//! The command line: global options and the resource-first command tree.

use clap::Parser;

use crate::auth::AuthArgs;
use crate::commands::Command;
use crate::output::OutputArgs;

const EXAMPLES: &str = "\
Examples:
  # Credentials from the environment (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME)
  trove instance list
  # A cloud from clouds.yaml
  trove --os-cloud devstack instance show db1
  # Create an instance and wait until it is ready
  trove instance create db1 m1.small --size 2 --datastore mysql --wait
  # A static token against a known endpoint
  trove --os-token $TOKEN --os-endpoint-override https://trove.example.com/v1.0/$PROJECT_ID instance list
  # Machine-readable output
  trove instance list -f json -c ID -c Status

Exit status: 0 on success, 1 when a request fails, 2 for usage and configuration errors,
3 when a waited-for resource reaches a failure state, 4 when a wait times out.";

/// The `trove` command line.
#[derive(Debug, Parser)]
#[command(
    name = "trove",
    version,
    about = "Command-line client for OpenStack Trove (Database as a Service, API v1.0)",
    after_help = EXAMPLES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Authentication and endpoint options.
    #[command(flatten)]
    pub auth: AuthArgs,

    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Print the requests and responses the SDK traces to stderr (secrets are never logged).
    #[arg(long, global = true)]
    pub debug: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every secret a command line can carry, and where it sits.
    const SECRETS: &[&[&str]] = &[
        &["--os-password", "pw-flag", "instance", "list"],
        &["--os-token", "tok-flag", "instance", "list"],
        &[
            "--os-application-credential-secret",
            "app-flag",
            "instance",
            "list",
        ],
        &[
            "instance",
            "create",
            "db",
            "1",
            "--user",
            "app:pw-user:with-colon",
        ],
        &["user", "create", "db", "app", "pw-create"],
        &["user", "set-password", "db", "app", "pw-set"],
        &["user", "update", "db", "app", "--new-password", "pw-update"],
        &["root", "enable", "db", "--password", "pw-root"],
    ];

    #[test]
    fn parsed_command_lines_never_show_passwords_or_tokens() {
        for args in SECRETS {
            let cli = Cli::try_parse_from(std::iter::once("trove").chain(args.iter().copied()))
                .unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let shown = format!("{cli:?}");
            assert!(shown.contains("** redacted **"), "{args:?}: {shown}");
            for word in ["pw-", "tok-", "app-flag", "with-colon"] {
                assert!(!shown.contains(word), "{args:?} shows {word}: {shown}");
            }
        }
    }
}
