//! The control API under `/_emulator/`, in process with paused time (nothing sleeps): reset,
//! faults, settle, clock, request log and seed, and the JSON errors for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator, EmulatorService, DEMO_PROJECT_ID, REQUEST_LOG_CAPACITY};

use common::{send, send_raw, Reply, Tenant, TENANT};

/// An emulator with its default (timed) delays, as the binary runs it.
fn timed() -> (Emulator, EmulatorService, Tenant) {
    let emulator = Emulator::new(Config::default());
    let svc = emulator.service();
    let api = Tenant::new(&svc, TENANT);
    (emulator, svc, api)
}

async fn control(svc: &EmulatorService, method: Method, path: &str, body: &str) -> Reply {
    send_raw(
        svc,
        method,
        path,
        &[("Host".to_owned(), "localhost:8779".to_owned())],
        body.as_bytes().to_vec(),
    )
    .await
}

/// Asserts a 400 whose JSON error message contains `needle`.
fn assert_bad_request(r: &Reply, needle: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    assert_eq!(v["error"]["code"], 400);
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

/// Logs `jsmith` in to Keystone with `password` (v3, default domain) and returns the token.
async fn keystone_token(svc: &EmulatorService, password: &str) -> String {
    let r = common::issue_token(
        svc,
        "",
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "jsmith", "domain": {"name": "Default"}, "password": password}}}}}),
    )
    .await;
    r.header("x-subject-token").unwrap().to_owned()
}

/// Asserts that Trove lists no instances of `project` to `token`, and answers 200.
async fn assert_no_instances(svc: &EmulatorService, project: &str, token: &str) {
    let path = format!("/v1.0/{project}/instances");
    let r = send(svc, Method::GET, &path, Some(token), None).await;
    assert_eq!(
        (r.status, r.json()),
        (StatusCode::OK, json!({"instances": []}))
    );
}

async fn requests(svc: &EmulatorService) -> Value {
    let r = control(svc, Method::GET, "/_emulator/requests", "").await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()
}

#[tokio::test(start_paused = true)]
async fn reset_empties_the_world_but_keeps_keystone_tokens() {
    let (emulator, svc, api) = timed();
    api.create_instance("a").await;
    let token = keystone_token(&svc, "abcdef").await;
    emulator.set_faults("GET /nowhere status=503".parse().unwrap());

    let r = control(&svc, Method::POST, "/_emulator/reset", "").await;
    assert_eq!(
        (r.status, r.json()),
        (StatusCode::OK, json!({"reset": true}))
    );
    assert_eq!(emulator.instance_count(TENANT), 0);
    assert_eq!(requests(&svc).await["requests"], json!([]));
    let faults = control(&svc, Method::GET, "/_emulator/faults", "").await;
    assert_eq!(faults.json()["rules"], 0);
    // The Keystone token still works against Trove.
    assert_no_instances(&svc, DEMO_PROJECT_ID, &token).await;
}

#[tokio::test(start_paused = true)]
async fn put_faults_takes_the_flag_text_and_delete_stops_them() {
    let (emulator, svc, api) = timed();
    let r = control(
        &svc,
        Method::PUT,
        "/_emulator/faults",
        "GET /v1.0/*/instances status=503 retry-after=2 times=1 # one outage\nPOST * status=500",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"rules": 2, "fired": 0}));

    let r = api.get("instances").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(api.get("instances").await.status, StatusCode::OK);
    // Control requests are never faulted, even by a rule that matches every path.
    let r = control(&svc, Method::PUT, "/_emulator/faults", "* status=500").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = control(&svc, Method::DELETE, "/_emulator/faults", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["rules"], 0);
    assert_eq!(api.get("instances").await.status, StatusCode::OK);
    assert_eq!(emulator.faults_fired(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_bad_fault_plan_is_a_400_and_keeps_the_old_plan() {
    let (_emulator, svc, api) = timed();
    control(&svc, Method::PUT, "/_emulator/faults", "GET * status=502").await;
    let r = control(&svc, Method::PUT, "/_emulator/faults", "GET * explode=yes").await;
    assert_bad_request(&r, "invalid fault spec");
    assert_eq!(api.get("instances").await.status, StatusCode::BAD_GATEWAY);
    let r = send_raw(
        &svc,
        Method::PUT,
        "/_emulator/faults",
        &[],
        vec![0xff, 0xfe],
    )
    .await;
    assert_bad_request(&r, "UTF-8");
}

#[tokio::test(start_paused = true)]
async fn settle_finishes_builds_backups_and_deletes_at_once() {
    let (_emulator, svc, api) = timed();
    let a = api.create_instance("a").await;
    let b = api.create_instance("b").await;
    assert_eq!(api.instance_status(&a).await.as_deref(), Some("BUILD"));
    let r = control(&svc, Method::POST, "/_emulator/settle", "").await;
    assert_eq!(
        (r.status, r.json()),
        (StatusCode::OK, json!({"settled": 2}))
    );
    assert_eq!(api.instance_status(&a).await.as_deref(), Some("ACTIVE"));

    let r = api
        .post("backups", json!({"backup": {"name": "bk", "instance": a}}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let backup = format!("backups/{}", r.json()["backup"]["id"].as_str().unwrap());
    assert_eq!(api.delete(&format!("instances/{b}")).await.status, 202);
    assert_eq!(api.get(&backup).await.json()["backup"]["status"], "NEW");
    assert_eq!(api.instance_status(&b).await.as_deref(), Some("SHUTDOWN"));

    let r = control(&svc, Method::POST, "/_emulator/settle", "").await;
    assert_eq!(r.json(), json!({"settled": 2}));
    assert_eq!(
        api.get(&backup).await.json()["backup"]["status"],
        "COMPLETED"
    );
    assert_eq!(api.instance_status(&b).await, None, "the delete finished");
    // Nothing left: a second settle finishes nothing.
    let r = control(&svc, Method::POST, "/_emulator/settle", "").await;
    assert_eq!(r.json(), json!({"settled": 0}));
}

#[tokio::test(start_paused = true)]
async fn settle_finishes_read_delayed_tasks_too() {
    let emulator = Emulator::new(Config::with_reads(50));
    let svc = emulator.service();
    let api = Tenant::new(&svc, TENANT);
    let a = api.create_instance("a").await;
    assert_eq!(emulator.settle_all(), 1);
    assert_eq!(api.instance_status(&a).await.as_deref(), Some("ACTIVE"));
}

#[tokio::test(start_paused = true)]
async fn clock_advance_moves_tasks_and_timestamps_without_waiting() {
    let (_emulator, svc, api) = timed();
    let a = api.create_instance("a").await;
    let created = api.get(&format!("instances/{a}")).await.json()["instance"]["created"].clone();
    // BUILD lasts 2 s by default: 1.5 s is not enough, 0.5 s more is.
    let r = control(&svc, Method::POST, "/_emulator/clock?advance=1.5", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["skipped_seconds"], 1.5);
    assert_eq!(api.instance_status(&a).await.as_deref(), Some("BUILD"));
    control(&svc, Method::POST, "/_emulator/clock?advance=0.5", "").await;
    let shown = api.get(&format!("instances/{a}")).await.json();
    assert_eq!(shown["instance"]["status"], "ACTIVE");
    assert_eq!(shown["instance"]["created"], created);
    // The clock shows the skipped day.
    control(&svc, Method::POST, "/_emulator/clock?advance=86400", "").await;
    let now = control(&svc, Method::GET, "/_emulator/clock", "")
        .await
        .json()["now"]
        .clone();
    assert!(now.as_str().unwrap() > created.as_str().unwrap());
}

#[tokio::test(start_paused = true)]
async fn clock_advance_expires_keystone_tokens() {
    let (_emulator, svc, _api) = timed();
    let token = keystone_token(&svc, "abcdef").await;
    let path = format!("/v1.0/{DEMO_PROJECT_ID}/instances");
    assert_eq!(
        send(&svc, Method::GET, &path, Some(&token), None)
            .await
            .status,
        200
    );
    control(&svc, Method::POST, "/_emulator/clock?advance=3600", "").await;
    let r = send(&svc, Method::GET, &path, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the 1 h token expired");
}

#[tokio::test(start_paused = true)]
async fn bad_clock_input_is_a_400() {
    let (_emulator, svc, _api) = timed();
    for (query, needle) in [
        ("", "missing ?advance"),
        ("?advance=soon", "not a number"),
        ("?advance=-1", "between 0"),
        ("?advance=NaN", "between 0"),
        ("?advance=1e12", "between 0"),
    ] {
        let r = control(&svc, Method::POST, &format!("/_emulator/clock{query}"), "").await;
        assert_bad_request(&r, needle);
    }
    let r = control(&svc, Method::GET, "/_emulator/clock", "").await;
    assert_eq!(r.json()["skipped_seconds"], 0.0);
}

#[tokio::test(start_paused = true)]
async fn the_request_log_has_method_path_status_time_and_no_secret() {
    let (emulator, svc, api) = timed();
    let password = "abcdef";
    let token = keystone_token(&svc, password).await;
    let path = format!("/v1.0/{DEMO_PROJECT_ID}/instances");
    send(&svc, Method::GET, &path, Some(&token), None).await;
    // A secret a client put in a query string is masked too.
    send(
        &svc,
        Method::GET,
        "/v1.0/12345/instances?limit=1&password=hunter2",
        Some(TENANT),
        None,
    )
    .await;
    emulator.set_faults("GET /v1.0/*/flavors status=503 times=1".parse().unwrap());
    api.get("flavors").await;

    let log = requests(&svc).await;
    let text = log.to_string();
    for secret in [password, token.as_str(), "hunter2"] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    let entries = log["requests"].as_array().unwrap();
    let brief: Vec<(String, String, Value)> = entries
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_owned(),
                e["path"].as_str().unwrap().to_owned(),
                e["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        brief,
        vec![
            ("POST".into(), "/v3/auth/tokens".into(), json!(201)),
            ("GET".into(), path.clone(), json!(200)),
            ("GET".into(), "/v1.0/12345/instances".into(), json!(200)),
            ("GET".into(), "/v1.0/12345/flavors".into(), json!(503)),
        ]
    );
    assert_eq!(
        entries[2]["query"],
        json!({"limit": "1", "password": "***"})
    );
    assert_eq!(entries[3]["fault"], "status=503");
    assert_eq!(entries[0]["fault"], Value::Null);
    assert!(entries[0]["request_id"]
        .as_str()
        .unwrap()
        .starts_with("req-"));
    let time = entries[0]["time"].as_str().unwrap();
    assert_eq!((time.len(), &time[10..11], &time[23..]), (24, "T", "Z"));
    assert_eq!(log["capacity"], REQUEST_LOG_CAPACITY);

    // `since` skips what a test already read; DELETE empties the log.
    let last = log["last_seq"].as_u64().unwrap();
    api.get("flavors").await;
    let r = control(
        &svc,
        Method::GET,
        &format!("/_emulator/requests?since={last}"),
        "",
    )
    .await;
    assert_eq!(r.json()["requests"].as_array().unwrap().len(), 1);
    control(&svc, Method::DELETE, "/_emulator/requests", "").await;
    assert_eq!(requests(&svc).await["requests"], json!([]));
    let r = control(&svc, Method::GET, "/_emulator/requests?since=x", "").await;
    assert_bad_request(&r, "since");
}

#[tokio::test(start_paused = true)]
async fn seed_adds_active_instances_to_a_tenant() {
    let (emulator, svc, _api) = timed();
    let r = control(
        &svc,
        Method::POST,
        "/_emulator/seed",
        r#"{"tenant": "t9", "count": 25, "name_prefix": "load"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let v = r.json();
    assert_eq!(
        (v["seeded"].clone(), v["tenant"].clone()),
        (json!(25), json!("t9"))
    );
    assert_eq!(emulator.instance_count("t9"), 25);
    let page = Tenant::new(&svc, "t9").get("instances").await.json();
    let first = &page["instances"][0];
    assert_eq!(first["status"], "ACTIVE");
    assert!(first["name"].as_str().unwrap().starts_with("load-"));
    assert_eq!(page["instances"].as_array().unwrap().len(), 20, "one page");

    // No body: one instance for the demo project.
    let r = control(&svc, Method::POST, "/_emulator/seed", "").await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(emulator.instance_count(DEMO_PROJECT_ID), 1);
}

#[tokio::test(start_paused = true)]
async fn bad_seed_input_is_a_400() {
    let (emulator, svc, _api) = timed();
    for (body, needle) in [
        ("[1]", "JSON object"),
        ("{", "JSON object"),
        (r#"{"count": 0}"#, "count must be"),
        (r#"{"count": "3"}"#, "count must be"),
        (r#"{"count": 100001}"#, "count must be"),
        (r#"{"tenant": 5}"#, "tenant must be"),
        (r#"{"tenant": "a/b"}"#, "tenant must be"),
        (r#"{"name_prefix": []}"#, "name_prefix"),
    ] {
        let r = control(&svc, Method::POST, "/_emulator/seed", body).await;
        assert_bad_request(&r, needle);
    }
    assert_eq!(emulator.instance_count(DEMO_PROJECT_ID), 0);
}

#[tokio::test(start_paused = true)]
async fn unknown_endpoints_and_methods_get_json_errors() {
    let (_emulator, svc, _api) = timed();
    let r = control(&svc, Method::GET, "/_emulator/nothing", "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], 404);
    let r = control(&svc, Method::GET, "/_emulator/reset", "").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), Some("POST"));
    // Trove's own space is untouched: a tenant named `_emulator` is still Trove's.
    assert_no_instances(&svc, "_emulator", "_emulator").await;
}

#[tokio::test(start_paused = true)]
async fn emulator_methods_match_the_endpoints() {
    let (emulator, _svc, api) = timed();
    let a = api.create_instance("a").await;
    emulator.advance_clock(Duration::from_secs(2));
    assert_eq!(api.instance_status(&a).await.as_deref(), Some("ACTIVE"));
    emulator.seed_instances(TENANT, 3);
    assert_eq!(emulator.instance_count(TENANT), 4);
    emulator.reset();
    assert_eq!(emulator.instance_count(TENANT), 0);
}
