//! The Swift container of published guest logs: the listing and objects the guest's publish
//! writes (`trove/guestagent/guest_log.py` `_publish_to_container`, `_object_prefix`,
//! `_metafile_name`), answered as Swift's object server does for `GET/HEAD` of a container
//! (`?prefix=&format=json`) and of an object, behind the catalog's `object-store` endpoint.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Tenant, TENANT};
use http::Method;
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator, DEMO_PROJECT_ID};

async fn ready_instance(api: &Tenant) -> String {
    let id = api.create_instance("logs").await;
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("ACTIVE"));
    id
}

async fn log_action(api: &Tenant, id: &str, body: Value) -> Value {
    let r = api.post(&format!("instances/{id}/log"), body).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["log"].clone()
}

fn swift_path(project: &str, rest: &str) -> String {
    format!("/v1/AUTH_{project}/database_logs{rest}")
}

#[tokio::test(start_paused = true)]
async fn a_publish_puts_one_part_under_the_prefix_and_the_listing_shows_it() {
    let emu = Emulator::new(Config::with_reads(0));
    let svc = emu.service();
    let api = Tenant::new(&svc, TENANT);
    let id = ready_instance(&api).await;

    // Nothing published: `GuestLog.show` (trove/guestagent/guest_log.py) names no container
    // and no prefix (the string 'None') until a publish, and the prefix lists nothing.
    let view = log_action(&api, &id, json!({"name": "general", "enable": 1})).await;
    assert_eq!(view["container"], "None");
    assert_eq!(view["prefix"], "None");
    assert_eq!(view["metafile"], format!("{id}/mysql-general_metafile"));
    let prefix = format!("{id}/mysql-general/");
    let listing = swift_path(TENANT, &format!("?prefix={id}/mysql-general/&format=json"));
    let r = common::send(&svc, Method::GET, &listing, Some(TENANT), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([]));

    let view = log_action(&api, &id, json!({"name": "general", "publish": 1})).await;
    assert_eq!(view["container"], "database_logs");
    assert_eq!(view["prefix"], prefix.as_str());
    let r = common::send(&svc, Method::GET, &listing, Some(TENANT), None).await;
    let rows = r.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let name = row["name"].as_str().unwrap();
    assert!(name.starts_with(&format!("{prefix}log-")), "{name}");
    // `bytes` is what the publish counted as published.
    assert_eq!(row["bytes"], view["published"]);
    for key in ["hash", "last_modified", "content_type"] {
        assert!(row[key].is_string(), "{key}: {row}");
    }

    // The object: the log text, its line count in `x-object-meta-lines`, the hash as etag.
    let r = common::send(
        &svc,
        Method::GET,
        &swift_path(TENANT, &format!("/{name}")),
        Some(TENANT),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    let text = String::from_utf8(r.body.to_vec()).unwrap();
    assert_eq!(text.len() as u64, view["published"].as_u64().unwrap());
    assert!(text.ends_with('\n'));
    let lines = text.lines().count();
    assert_eq!(
        r.header("x-object-meta-lines"),
        Some(lines.to_string().as_str())
    );
    assert_eq!(r.header("etag"), row["hash"].as_str());
    assert!(text.lines().next().unwrap().contains("general log line"));

    let r = common::send(
        &svc,
        Method::HEAD,
        &swift_path(TENANT, &format!("/{name}")),
        Some(TENANT),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(
        r.header("x-object-meta-lines"),
        Some(lines.to_string().as_str())
    );

    // The metafile sits beside the prefix, not under it, and records the published size.
    let meta = format!("{id}/mysql-general_metafile");
    let r = common::send(
        &svc,
        Method::GET,
        &swift_path(TENANT, &format!("/{meta}")),
        Some(TENANT),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["log_size"], view["published"]);
    let r = common::send(
        &svc,
        Method::GET,
        &swift_path(TENANT, "?format=json"),
        Some(TENANT),
        None,
    )
    .await;
    let all: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all, vec![name.to_owned(), meta]);
}

#[tokio::test(start_paused = true)]
async fn parts_list_in_publish_order_and_a_discard_removes_them() {
    let emu = Emulator::new(Config::with_reads(0));
    let svc = emu.service();
    let api = Tenant::new(&svc, TENANT);
    let id = ready_instance(&api).await;
    log_action(&api, &id, json!({"name": "general", "publish": 1})).await;
    // Disabling and enabling again gives the log new text to publish as a second part.
    log_action(&api, &id, json!({"name": "general", "disable": 1})).await;
    log_action(&api, &id, json!({"name": "general", "publish": 1})).await;
    let path = swift_path(TENANT, &format!("?prefix={id}/mysql-general/&format=json"));
    let rows = common::send(&svc, Method::GET, &path, Some(TENANT), None)
        .await
        .json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert!(rows[0]["last_modified"].as_str() < rows[1]["last_modified"].as_str());

    log_action(&api, &id, json!({"name": "general", "discard": 1})).await;
    let rows = common::send(&svc, Method::GET, &path, Some(TENANT), None)
        .await
        .json();
    assert_eq!(rows, json!([]));
}

#[tokio::test(start_paused = true)]
async fn the_object_store_needs_the_accounts_token_and_is_in_the_catalog() {
    let emu = Emulator::new(Config::with_reads(0));
    let svc = emu.service();
    let path = swift_path(TENANT, "?format=json");
    assert_eq!(
        common::send(&svc, Method::GET, &path, None, None)
            .await
            .status,
        401
    );
    assert_eq!(
        common::send(&svc, Method::GET, &path, Some("99999"), None)
            .await
            .status,
        401
    );
    let other = "/v1/AUTH_12345/elsewhere?format=json";
    assert_eq!(
        common::send(&svc, Method::GET, other, Some(TENANT), None)
            .await
            .status,
        404
    );
    let missing = swift_path(TENANT, "/nothing/here");
    assert_eq!(
        common::send(&svc, Method::GET, &missing, Some(TENANT), None)
            .await
            .status,
        404
    );

    let r = common::issue_token(
        &svc,
        "",
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "jsmith", "domain": {"name": "Default"}, "password": "abcdef"}}}}}),
    )
    .await;
    let token = r.header("x-subject-token").unwrap().to_owned();
    let catalog = r.json()["token"]["catalog"].clone();
    let swift = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == "object-store")
        .expect("object-store in the catalog");
    let url = swift["endpoints"][0]["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("http://localhost:8779/v1/AUTH_{DEMO_PROJECT_ID}")
    );
    let path = swift_path(DEMO_PROJECT_ID, "?format=json");
    let r = common::send(&svc, Method::GET, &path, Some(&token), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([]));
    // A Keystone token opens only its own project's account.
    let r = common::send(
        &svc,
        Method::GET,
        &swift_path(TENANT, "?format=json"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.status, 401);
}
