//! Conformance of Keystone v3 auth against the real Keystone 30.0.0, with the real Trove
//! validating its tokens (keystonemiddleware). Run by `cargo xtask conformance` in its second
//! phase; enable with `--features conformance-keystone`.
#![cfg(feature = "conformance-keystone")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use trove_tests::{scenarios, Target};

#[tokio::test]
async fn keystone_v3_password_against_the_real_keystone() {
    scenarios::keystone_v3(&Target::real()).await;
}

#[tokio::test]
async fn keystone_v3_token_and_application_credential_against_the_real_keystone() {
    scenarios::keystone_v3_token_and_application_credential(&Target::real()).await;
}
