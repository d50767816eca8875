//! The OpenStack client's spellings of command names (`openstack database instance resize
//! volume`), rewritten to ours (`trove instance resize-volume`) before parsing, so an OSC
//! command line works with `trove` in place of `openstack database`.
//!
//! OSC's command names are several words (cliff matches the longest known one), ours one
//! word each level; only the words naming the command are rewritten, never an argument. A few
//! OSC commands are an option of ours (`instance detach` is `instance update
//! --detach-replica`): the option goes in with the words.

use std::ffi::OsString;

use clap::CommandFactory;

use crate::cli::Cli;

/// OSC's command words (after `openstack database`, or `openstack` for `datastore`) and ours.
const SPELLINGS: &[(&[&str], &[&str])] = &[
    (&["db"], &["database"]),
    (
        &["instance", "force", "delete"],
        &["instance", "force-delete"],
    ),
    (
        &["instance", "reset", "status"],
        &["instance", "reset-status"],
    ),
    (
        &["instance", "detach"],
        &["instance", "update", "--detach-replica"],
    ),
    (&["instance", "reboot"], &["mgmt", "instance", "reboot"]),
    (&["instance", "rebuild"], &["mgmt", "instance", "rebuild"]),
    (
        &["cluster", "force", "delete"],
        &["cluster", "force-delete"],
    ),
    (
        &["cluster", "reset", "status"],
        &["cluster", "reset-status"],
    ),
    (
        &["instance", "resize", "volume"],
        &["instance", "resize-volume"],
    ),
    (
        &["instance", "resize", "flavor"],
        &["instance", "resize-flavor"],
    ),
    (&["user", "show", "access"], &["user", "list-access"]),
    (&["user", "grant", "access"], &["user", "grant"]),
    (&["user", "revoke", "access"], &["user", "revoke"]),
    (&["user", "update", "attributes"], &["user", "update"]),
    (
        &["backup", "list", "instance"],
        &["backup", "list-instance"],
    ),
    (&["backup", "strategy"], &["backup-strategy"]),
    (&["cluster", "list", "instances"], &["cluster", "instances"]),
    (&["configuration", "set"], &["configuration", "update"]),
    (
        &["configuration", "parameter", "set"],
        &["configuration", "patch"],
    ),
];

/// Returns `args` (the program name first) with an OSC command name replaced by ours.
pub fn rewrite(args: Vec<OsString>) -> Vec<OsString> {
    let Some(at) = command_position(&args) else {
        return args;
    };
    for (theirs, ours) in SPELLINGS {
        let end = at + theirs.len();
        let matches = args.len() >= end
            && args[at..end]
                .iter()
                .zip(theirs.iter())
                .all(|(a, t)| a.to_str() == Some(t));
        if matches {
            let mut out = args[..at].to_vec();
            out.extend(ours.iter().map(OsString::from));
            out.extend_from_slice(&args[end..]);
            return out;
        }
    }
    args
}

/// The index of the first command word: the first argument that is neither a global option nor
/// the value of one.
fn command_position(args: &[OsString]) -> Option<usize> {
    let cli = Cli::command();
    let takes_value = |name: &str| -> bool {
        cli.get_arguments().any(|a| {
            let long = name.starts_with("--")
                && a.get_long_and_visible_aliases()
                    .into_iter()
                    .flatten()
                    .chain(a.get_all_aliases().into_iter().flatten())
                    .any(|l| l == &name[2..]);
            let short = name.len() == 2
                && name.starts_with('-')
                && a.get_short().map(String::from).as_deref() == Some(&name[1..]);
            (long || short) && a.get_action().takes_values()
        })
    };
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_str()?;
        if a == "--" || !a.starts_with('-') {
            return (a != "--").then_some(i);
        }
        i += if !a.contains('=') && takes_value(a) {
            2
        } else {
            1
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn osc_command_names_become_ours_after_global_options() {
        assert_eq!(
            rewrite(words(
                "trove --os-cloud c -f json instance resize volume db1 3"
            )),
            words("trove --os-cloud c -f json instance resize-volume db1 3")
        );
        assert_eq!(
            rewrite(words("trove --debug db list db1")),
            words("trove --debug database list db1")
        );
        assert_eq!(
            rewrite(words("trove --auth-strategy fake user show access db1 app")),
            words("trove --auth-strategy fake user list-access db1 app")
        );
        assert_eq!(
            rewrite(words("trove backup strategy list")),
            words("trove backup-strategy list")
        );
    }

    #[test]
    fn arguments_and_our_own_spellings_are_left_alone() {
        for line in [
            "trove instance resize-volume resize volume",
            "trove --os-cloud db instance list",
            "trove user show db1 access",
            "trove --os-password=db instance list",
            "trove --auth-strategy db instance list",
        ] {
            assert_eq!(rewrite(words(line)), words(line), "{line}");
        }
    }
}
