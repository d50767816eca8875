//! The conformance scenarios against the emulator; they run in every `cargo test`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use trove_tests::target::unique_tenant;
use trove_tests::{scenarios, Target};

#[tokio::test]
async fn usage_guide_walkthrough() {
    let target = Target::emulator().await;
    let client = target.fake_client(&unique_tenant("t"));
    scenarios::usage_guide_walkthrough(&target, &client).await;
}

#[tokio::test]
async fn typed_errors() {
    let target = Target::emulator().await;
    let tenant = unique_tenant("t");
    scenarios::typed_errors(&target, &target.fake_client(&tenant), &tenant).await;
}

#[tokio::test]
async fn keystone_v3() {
    let target = Target::emulator().await;
    scenarios::keystone_v3(&target).await;
}

/// The differential machinery agrees with itself: two emulators, one scenario, no difference.
#[tokio::test]
async fn differential_emulator_against_emulator() {
    use trove_tests::differential::{compare, normalize};
    use trove_tests::Recorder;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let target = Target::emulator().await;
        let tenant = unique_tenant("t");
        let recorder = Recorder::default();
        let client = target.recorded_client(&tenant, &recorder);
        scenarios::usage_guide_walkthrough(&target, &client).await;
        runs.push(normalize(&recorder.exchanges(), &tenant));
    }
    assert!(
        runs[0].len() > 10,
        "the recorder saw {} exchanges",
        runs[0].len()
    );
    let problems = compare(&runs[0], &runs[1], &[]);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn operations() {
    let target = Target::emulator().await;
    scenarios::operations(&target, &target.fake_client(&unique_tenant("t"))).await;
}

#[tokio::test]
async fn configurations_and_modules() {
    let target = Target::emulator().await;
    scenarios::configurations_and_modules(&target, &target.fake_client(&unique_tenant("t"))).await;
}

#[tokio::test]
async fn trove_rules() {
    let target = Target::emulator().await;
    scenarios::trove_rules(&target.fake_client(&unique_tenant("t"))).await;
}

#[tokio::test]
async fn schema_verdicts() {
    let target = Target::emulator().await;
    let checked = scenarios::schema_verdicts(&target.fake_client(&unique_tenant("t"))).await;
    assert!(checked > 50, "only {checked} verdicts replayed");
}

#[tokio::test]
async fn replica_and_ssl_rules() {
    let target = Target::emulator().await;
    let client = target.fake_client(&unique_tenant("t"));
    scenarios::replica_and_ssl_rules(&target, &client).await;
}

#[tokio::test]
async fn trove_admin_rules() {
    let target = Target::emulator().await;
    scenarios::trove_admin_rules(&target.fake_client(&unique_tenant("admin"))).await;
}

#[tokio::test]
async fn openapi_check_findings() {
    let target = Target::emulator().await;
    let tenant = unique_tenant("admin");
    scenarios::openapi_check_findings(&target, &target.fake_client(&tenant), &tenant).await;
}

#[tokio::test]
async fn python_int_limits_and_markers() {
    let target = Target::emulator().await;
    let tenant = unique_tenant("admin");
    scenarios::python_int_limits_and_markers(&target, &target.fake_client(&tenant), &tenant).await;
}

#[tokio::test]
async fn users_page_by_user_at_host() {
    let target = Target::emulator().await;
    scenarios::users_page_by_user_at_host(&target, &target.fake_client(&unique_tenant("users")))
        .await;
}

#[tokio::test]
async fn admin_views() {
    let target = Target::emulator().await;
    scenarios::admin_views(&target, &target.fake_client(&unique_tenant("admin"))).await;
}

#[tokio::test]
async fn non_admin_management() {
    let target = Target::emulator().await;
    let tenant = unique_tenant("t");
    scenarios::non_admin_management(&target.fake_client(&tenant), &tenant).await;
}
