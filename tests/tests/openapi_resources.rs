//! Creates, on the server `cargo xtask openapi-check` names, the resources schemathesis needs
//! (see `scenarios::openapi_resources`) and writes their ids as JSON where the xtask reads them.
//! Enable with `--features openapi-check`; `TROVE_OPENAPI_URL` is the Trove root URL and
//! `TROVE_OPENAPI_RESOURCES` the file to write.
#![cfg(feature = "openapi-check")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use trove_tests::target::unique_tenant;
use trove_tests::{scenarios, Target};

#[tokio::test]
async fn create_the_resources_of_the_openapi_check() {
    let url = std::env::var("TROVE_OPENAPI_URL").expect("TROVE_OPENAPI_URL names the server");
    let out = std::env::var("TROVE_OPENAPI_RESOURCES").expect("TROVE_OPENAPI_RESOURCES");
    let target = Target::remote(&url);
    let tenant = unique_tenant("openapi");
    // In fake mode a project whose id starts with `admin` is an admin.
    let admin = unique_tenant("admin");
    let client = target.fake_client(&tenant);
    let made = scenarios::openapi_resources(&target, &client, &tenant, &admin).await;
    std::fs::write(&out, serde_json::to_string_pretty(&made).unwrap())
        .unwrap_or_else(|e| panic!("write {out}: {e}"));
    eprintln!("resources for the OpenAPI check: {made}");
}
