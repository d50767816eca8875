//! Fake-mode auth (token = tenant), the tenant check, and the built-in Keystone token flow.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Tenant;
use http::Method;
use serde_json::json;
use trove_emulator::{Config, Emulator, DEMO_PROJECT_ID};

#[tokio::test(start_paused = true)]
async fn fake_mode_token_is_the_tenant() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    let r = Tenant::new(&svc, "12345").get("instances").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r
        .header("x-openstack-request-id")
        .is_some_and(|v| v.starts_with("req-")));

    let r = common::send(
        &svc,
        Method::GET,
        "/v1.0/99999/instances",
        Some("12345"),
        None,
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json(),
        json!({"message": "Access was denied to this resource.<br /><br />\nUser with tenant id 12345 cannot access this resource.\n\n",
               "code": "403 Forbidden", "title": "Forbidden"})
    );
    let r = common::send(&svc, Method::GET, "/v1.0/12345/instances", None, None).await;
    assert_eq!(r.status, 500);
    // Tenants do not see each other's instances.
    let id = Tenant::new(&svc, "a").create_instance("x").await;
    let r = Tenant::new(&svc, "b").get(&format!("instances/{id}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(emu.instance_count("a"), 1);
    assert_eq!(emu.instance_count("b"), 0);
    assert_eq!(emu.request_count(), 5);
}

fn login(user: &str, password: &str, scoped: bool) -> serde_json::Value {
    let mut auth = json!({"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": password}}}});
    if scoped {
        auth["scope"] = json!({"project": {"name": "demo", "domain": {"id": "default"}}});
    }
    json!({"auth": auth})
}

#[tokio::test(start_paused = true)]
async fn keystone_tokens_work_until_revoked_or_expired() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    let r = common::issue_token(&svc, "", login("jsmith", "abcdef", true)).await;
    assert_eq!(r.status, 201);
    let token = r.header("x-subject-token").expect("token").to_owned();
    assert!(token.starts_with(trove_emulator::TOKEN_PREFIX));
    let body = r.json();
    assert_eq!(body["token"]["project"]["id"], DEMO_PROJECT_ID);
    assert!(body["token"]["expires_at"]
        .as_str()
        .expect("expiry")
        .ends_with(".000000Z"));
    let db = body["token"]["catalog"]
        .as_array()
        .expect("catalog")
        .iter()
        .find(|s| s["type"] == "database")
        .cloned()
        .expect("database");
    assert_eq!(db["name"], "trove");
    let public = db["endpoints"]
        .as_array()
        .expect("eps")
        .iter()
        .find(|e| e["interface"] == "public")
        .cloned()
        .expect("public");
    assert_eq!(
        public["url"],
        format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}")
    );

    let path = format!("/v1.0/{DEMO_PROJECT_ID}/instances");
    assert_eq!(
        common::send(&svc, Method::GET, &path, Some(&token), None)
            .await
            .status,
        200
    );
    let r = common::send(
        &svc,
        Method::GET,
        "/v1.0/12345/instances",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.status, 403, "a keystone token is bound to its project");

    // Re-scope with the token method.
    let rescope = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": token}},
        "scope": {"project": {"id": DEMO_PROJECT_ID}}}});
    let r = common::issue_token(&svc, "?nocatalog", rescope).await;
    assert_eq!(r.status, 201);
    assert!(r.json()["token"].get("catalog").is_none());

    emu.revoke_tokens();
    let r = common::send(&svc, Method::GET, &path, Some(&token), None).await;
    assert_eq!(r.status, 401);
    assert!(r
        .header("www-authenticate")
        .is_some_and(|v| v.starts_with("Keystone uri=")));

    let r = common::issue_token(&svc, "", login("jsmith", "abcdef", false)).await;
    let token = r.header("x-subject-token").expect("token").to_owned();
    assert!(
        r.json()["token"].get("catalog").is_some(),
        "unscoped falls back to the default project"
    );
    tokio::time::advance(std::time::Duration::from_secs(3600)).await;
    assert_eq!(
        common::send(&svc, Method::GET, &path, Some(&token), None)
            .await
            .status,
        401,
        "expired"
    );
}

#[tokio::test(start_paused = true)]
async fn keystone_rejects_bad_credentials() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    let r = common::issue_token(&svc, "", login("jsmith", "wrong", true)).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], 401);
    let r = common::issue_token(&svc, "", login("admin", "adminpw", true)).await;
    assert_eq!(r.status, 401, "admin is not a member of demo");
    let r = common::send(&svc, Method::GET, "/v3", None, None).await;
    assert_eq!(r.json()["version"]["id"], "v3.14");
}

#[tokio::test(start_paused = true)]
async fn links_use_advertised_host_or_uri_authority() {
    let emu = Emulator::new(Config {
        advertised_host: Some("db.example:443".into()),
        ..Config::default()
    });
    let r = common::send(&emu.service(), Method::GET, "/", None, None).await;
    assert_eq!(
        r.json()["versions"][0]["links"][0]["href"],
        "http://db.example:443/v1.0/"
    );

    let emu = Emulator::new(Config::default());
    let r = common::send_raw(
        &emu.service(),
        Method::GET,
        "http://example.org:8779/v1.0/t/flavors/1",
        &[("X-Auth-Token".into(), "t".into())],
        Vec::new(),
    )
    .await;
    assert_eq!(
        r.json()["flavor"]["links"][0]["href"],
        "https://example.org:8779/v1.0/t/flavors/1"
    );
}

#[tokio::test(start_paused = true)]
async fn malformed_and_oversized_bodies_get_real_errors() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    let h = [("X-Auth-Token".to_owned(), "t".to_owned())];
    let r = common::send_raw(
        &svc,
        Method::POST,
        "/v1.0/t/instances",
        &h,
        b"{\"instance\": ".to_vec(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "400 Bad Request");
    let r = common::send_raw(&svc, Method::POST, "/v1.0/t/instances", &h, Vec::new()).await;
    assert_eq!(r.status, 500);
    let r = common::send_raw(
        &svc,
        Method::POST,
        "/v1.0/t/instances",
        &h,
        b"[1,2]".to_vec(),
    )
    .await;
    assert_eq!(r.status, 500);
    let big = vec![b' '; trove_emulator::MAX_BODY_BYTES + 1];
    let r = common::send_raw(&svc, Method::POST, "/v1.0/t/instances", &h, big).await;
    assert_eq!(r.status, 413);
    let r = common::send_raw(&svc, Method::POST, "/v3/auth/tokens", &[], b"nope".to_vec()).await;
    assert_eq!(r.status, 400);
}
