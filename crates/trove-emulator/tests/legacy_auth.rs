//! The legacy identity APIs: Keystone v2.0 (password and RAX API key), its 305, and auth 1.1.

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator, DEMO_PROJECT_ID};

async fn post(emu: &Emulator, path: &str, body: Value) -> (u16, Value, Option<String>) {
    let req = http::Request::post(format!("http://localhost:8779{path}"))
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_string()))
        .unwrap();
    let resp = emu.service().call_bytes(req);
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        location,
    )
}

#[tokio::test]
async fn v2_tokens_scope_by_tenant_name_or_id_and_refuse_others() {
    let emu = Emulator::new(Config::default());
    let creds = json!({"username": "jsmith", "password": "abcdef"});
    let (s, b, _) = post(
        &emu,
        "/v2.0/tokens",
        json!({"auth": {"passwordCredentials": creds, "tenantName": "demo"}}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(b["access"]["token"]["tenant"]["id"], DEMO_PROJECT_ID);
    let types: Vec<_> = b["access"]["serviceCatalog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["identity", "database", "rax:database"]);
    assert_eq!(
        b["access"]["serviceCatalog"][1]["endpoints"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let (s, _, _) = post(
        &emu,
        "/v2.0/tokens",
        json!({"auth": {"passwordCredentials": creds, "tenantId": DEMO_PROJECT_ID}}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, b, _) = post(
        &emu,
        "/v2.0/tokens",
        json!({"auth": {"passwordCredentials": creds, "tenantName": "admin"}}),
    )
    .await;
    assert_eq!((s, b["unauthorized"]["code"].clone()), (401, json!(401)));
    let (s, b, _) = post(
        &emu,
        "/v2.0/tokens",
        json!({"auth": {"passwordCredentials": creds}}),
    )
    .await;
    assert_eq!((s, b["access"]["serviceCatalog"].clone()), (200, json!([])));
    let (s, _, _) = post(
        &emu,
        "/v2.0/tokens",
        json!({"auth": {"RAX-KSKEY:apiKeyCredentials":
        {"username": "jsmith", "apiKey": "abcdef", "tenantName": "demo"}}}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, loc) = post(&emu, "/v2.0/moved/tokens", json!({})).await;
    assert_eq!((s, loc.as_deref()), (305, Some("/v2.0/tokens")));
}

#[tokio::test]
async fn auth11_answers_with_a_map_catalog() {
    let emu = Emulator::new(Config::default());
    let (s, b, _) = post(
        &emu,
        "/v1.1/auth",
        json!({"credentials": {"username": "jsmith", "key": "abcdef"}}),
    )
    .await;
    assert_eq!(s, 200);
    assert!(b["auth"]["token"]["id"]
        .as_str()
        .unwrap()
        .starts_with(trove_emulator::TOKEN_PREFIX));
    assert_eq!(
        b["auth"]["serviceCatalog"]["cloudDatabases"][0]["publicURL"],
        format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}")
    );
    let (s, _, _) = post(
        &emu,
        "/v1.1/auth",
        json!({"credentials": {"username": "jsmith", "key": "nope"}}),
    )
    .await;
    assert_eq!(s, 401);
}
