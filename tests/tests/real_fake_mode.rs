//! Conformance against the real Trove 26.0.0 API in fake mode (token == tenant), and the
//! differential check of the emulator against it. Run by `cargo xtask conformance`, which starts
//! the servers first; enable with `--features conformance`.
#![cfg(feature = "conformance")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use trove_tests::differential::{compare, normalize};
use trove_tests::target::unique_tenant;
use trove_tests::{scenarios, Recorder, Target};

/// Differences between the emulator and the real server that are understood and accepted;
/// each is explained in docs/emulator.md.
const ALLOWED_DIFFERENCES: &[&str] = &[];

#[tokio::test]
async fn usage_guide_walkthrough_on_the_real_server() {
    let target = Target::real();
    let client = target.fake_client(&unique_tenant("guide"));
    scenarios::usage_guide_walkthrough(&target, &client).await;
}

#[tokio::test]
async fn typed_errors_on_the_real_server() {
    let target = Target::real();
    let tenant = unique_tenant("err");
    scenarios::typed_errors(&target, &target.fake_client(&tenant), &tenant).await;
}

#[tokio::test]
async fn operations_on_the_real_server() {
    let target = Target::real();
    scenarios::operations(&target, &target.fake_client(&unique_tenant("ops"))).await;
}

#[tokio::test]
async fn configurations_and_modules_on_the_real_server() {
    let target = Target::real();
    let client = target.fake_client(&unique_tenant("cfg"));
    scenarios::configurations_and_modules(&target, &client).await;
}

/// The controller and schema rules the emulator follows answer the same on the real server.
#[tokio::test]
async fn trove_rules_on_the_real_server() {
    let target = Target::real();
    scenarios::trove_rules(&target.fake_client(&unique_tenant("rules"))).await;
}

/// Trove's schema verdicts (400 messages and 500s), as its own code gives them offline, are
/// what the live server answers.
#[tokio::test]
async fn schema_verdicts_on_the_real_server() {
    let target = Target::real();
    let checked = scenarios::schema_verdicts(&target.fake_client(&unique_tenant("schema"))).await;
    assert!(checked > 50, "only {checked} verdicts replayed");
}

/// A replica made end to end in fake mode, and the SSL and replica rules that need one.
#[tokio::test]
async fn replica_and_ssl_rules_on_the_real_server() {
    let target = Target::real();
    let client = target.fake_client(&unique_tenant("replica"));
    scenarios::replica_and_ssl_rules(&target, &client).await;
}

/// The admin rules the emulator follows answer the same on the real server (an `admin...`
/// project is an admin in fake mode).
#[tokio::test]
async fn trove_admin_rules_on_the_real_server() {
    let target = Target::real();
    scenarios::trove_admin_rules(&target.fake_client(&unique_tenant("admin"))).await;
}

/// What the OpenAPI check found the real server doing (an admin's module list, the admin
/// list's offset marker, limits past i64, quota updates without quotas) answers the same on
/// the emulator.
#[tokio::test]
async fn openapi_check_findings_on_the_real_server() {
    let target = Target::real();
    let tenant = unique_tenant("admin");
    scenarios::openapi_check_findings(&target, &target.fake_client(&tenant), &tenant).await;
}

/// `limit` and offset `marker` read as Python's `int`, and the 0 and -1 limits Python decides,
/// answer the same on the emulator.
#[tokio::test]
async fn python_int_limits_and_markers_on_the_real_server() {
    let target = Target::real();
    let tenant = unique_tenant("admin");
    scenarios::python_int_limits_and_markers(&target, &target.fake_client(&tenant), &tenant).await;
}

/// A users list paged one user at a time gives each user once: the SDK undoes the quoting Trove
/// adds to the `user@host` marker.
#[tokio::test]
async fn users_page_by_user_at_host_on_the_real_server() {
    let target = Target::real();
    scenarios::users_page_by_user_at_host(&target, &target.fake_client(&unique_tenant("users")))
        .await;
}

/// A project that is not an admin is refused by the management API as Trove refuses it.
#[tokio::test]
async fn non_admin_management_on_the_real_server() {
    let target = Target::real();
    let tenant = unique_tenant("nonadmin");
    scenarios::non_admin_management(&target.fake_client(&tenant), &tenant).await;
}

/// What fake mode cannot do (its fake guest has no log calls) still fails as recorded in
/// `FAKE_MODE_REFUSES`; if a new Trove starts answering, the list and the docs must change.
#[tokio::test]
async fn fake_mode_refuses_what_is_recorded() {
    let target = Target::real();
    let client = target.fake_client(&unique_tenant("refused"));
    scenarios::fake_mode_refusals(&target, &client).await;
}

#[tokio::test]
async fn the_emulator_answers_the_usage_guide_like_the_real_server() {
    let real = Target::real();
    let emulator = Target::emulator().await;
    let mut runs = Vec::new();
    for target in [&real, &emulator] {
        let tenant = unique_tenant("diff");
        let recorder = Recorder::default();
        let client = target.recorded_client(&tenant, &recorder);
        scenarios::usage_guide_walkthrough(target, &client).await;
        scenarios::operations(target, &client).await;
        scenarios::typed_errors(target, &client, &tenant).await;
        scenarios::configurations_and_modules(target, &client).await;
        runs.push(normalize(&recorder.exchanges(), &tenant));
    }
    // An admin's views, compared the same way.
    for target in [&real, &emulator] {
        let tenant = unique_tenant("admin");
        let recorder = Recorder::default();
        let client = target.recorded_client(&tenant, &recorder);
        scenarios::admin_views(target, &client).await;
        runs.push(normalize(&recorder.exchanges(), &tenant));
    }
    let mut problems = compare(&runs[0], &runs[1], ALLOWED_DIFFERENCES);
    problems.extend(compare(&runs[2], &runs[3], ALLOWED_DIFFERENCES));
    for line in &problems {
        eprintln!("difference (real vs emulator): {line}");
    }
    assert!(
        problems.is_empty(),
        "{} unexplained differences; see stderr",
        problems.len()
    );
}
