//! `cargo xtask reliability`: the SDK under short-lived tokens and Trove's own rate limiter.
//!
//! Starts Keystone with 20 s tokens and Trove validating them (`--keystone-auth`) with its
//! limiter (`trove/common/limits.py`, the `ratelimit` filter of the paste pipeline) at low
//! per-minute rates, runs `trove-tests`' `reliability` feature against them, then stops both
//! servers and puts the stock configuration back, whatever happened.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::conformance::suite_command;
use crate::real_servers::{self, UpArgs};

/// Keystone's token lifetime for the run, seconds.
pub const TOKEN_LIFETIME: u32 = 20;
/// Trove's per-minute limits for the run (per project, leaky buckets of one minute). GETs are
/// generous enough for 48 callers to make progress but are still hit; POST and DELETE are low
/// enough that the create scenario meets a `Retry-After` of about 20 s.
pub const GET_RATE: u32 = 1200;
/// See [`GET_RATE`].
pub const POST_RATE: u32 = 3;
/// See [`GET_RATE`].
pub const DELETE_RATE: u32 = 3;
/// See [`GET_RATE`].
pub const PUT_RATE: u32 = 60;
/// See [`GET_RATE`]. Only requests whose URL starts with `/mgmt` count, which Trove's regex
/// (`^/mgmt` against the full URL) never matches; set low anyway so nothing relies on it.
pub const MGMT_POST_RATE: u32 = 3;

/// The trove.conf overlay: the limiter's rates (read by `trove.common.limits.DEFAULT_LIMITS`
/// when api-paste.ini's `ratelimit` filter is loaded, after the config is parsed), and no
/// debug logging, whose formatting otherwise costs Trove more CPU than the requests on a small
/// machine.
fn trove_rates() -> String {
    format!(
        "# Written by `cargo xtask reliability`; removed when it ends.\n\
         [DEFAULT]\n\
         debug = False\n\
         http_get_rate = {GET_RATE}\n\
         http_post_rate = {POST_RATE}\n\
         http_put_rate = {PUT_RATE}\n\
         http_delete_rate = {DELETE_RATE}\n\
         http_mgmt_post_rate = {MGMT_POST_RATE}\n"
    )
}

/// Builds the suite, runs it against freshly tuned servers, always stops them and restores the
/// stock configs; fails if anything failed.
pub fn run(root: &Path) -> Result<()> {
    // Compile before any server starts, so the build does not eat into the run's wall time or
    // compete with the servers' start-up.
    if !cargo_test(root, true)? {
        bail!("building the reliability suite failed");
    }
    let start = Instant::now();
    let result = run_against_servers(root);
    let stopped = real_servers::down(root);
    let restored = real_servers::restore_stock_configs(root);
    eprintln!(
        "reliability: servers up, suite and shutdown took {:.1}s",
        start.elapsed().as_secs_f64()
    );
    result?;
    stopped?;
    restored
}

fn run_against_servers(root: &Path) -> Result<()> {
    eprintln!(
        "== reliability: Keystone tokens of {TOKEN_LIFETIME}s, Trove limits per minute: GET \
         {GET_RATE}, POST {POST_RATE}, DELETE {DELETE_RATE} =="
    );
    // Keystone's cache on: every token it issues lives 20 s, Trove's service user's too, and
    // keystoneauth renews a token with under 120 s left (`MIN_TOKEN_LIFE_SECONDS`), so
    // keystonemiddleware logs the service user in again for nearly every token it validates;
    // without the cache one Keystone worker falls behind and Trove's requests wait minutes.
    let facts = real_servers::up(
        root,
        &UpArgs {
            keystone_auth: true,
            token_expiration: Some(TOKEN_LIFETIME),
            keystone_cache: true,
            trove_extra_conf: Some(trove_rates()),
            ..UpArgs::default()
        },
    )?;
    eprintln!("facts: {facts}");
    if !cargo_test(root, false)? {
        bail!("the reliability suite failed");
    }
    eprintln!("reliability: passed");
    Ok(())
}

/// `cargo test -p trove-tests --features reliability --test reliability`; true when it passed.
fn cargo_test(root: &Path, no_run: bool) -> Result<bool> {
    let mut cmd = suite_command(
        root,
        &[
            "-p",
            "trove-tests",
            "--features",
            "reliability",
            "--test",
            "reliability",
        ],
    );
    if no_run {
        cmd.arg("--no-run");
    } else {
        // The two scenarios use different projects, so they run side by side; the figures go to
        // stdout.
        cmd.args(["--", "--test-threads=2", "--nocapture"]);
    }
    let status = cmd
        .env("RELIABILITY_TOKEN_LIFETIME", TOKEN_LIFETIME.to_string())
        .env("RELIABILITY_POST_RATE", POST_RATE.to_string())
        .env("RELIABILITY_GET_RATE", GET_RATE.to_string())
        .status()
        .context("run cargo test")?;
    Ok(status.success())
}
