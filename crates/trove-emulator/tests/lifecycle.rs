//! Instance and backup lifecycles under paused time and under `Delay::Reads`, plus the checks
//! that depend on status (422 while BUILD).

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use http::Method;
use serde_json::json;
use trove_emulator::{Config, Delay, Emulator, EmulatorService};

const T: &str = "12345";

async fn create(svc: &EmulatorService) -> String {
    let body = json!({"instance": {"name": "life", "flavorRef": "1", "volume": {"size": 1}}});
    let r = common::send(
        svc,
        Method::POST,
        "/v1.0/12345/instances",
        Some(T),
        Some(body),
    )
    .await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["instance"]["status"], "BUILD");
    assert_eq!(v["instance"]["operating_status"], "");
    v["instance"]["id"].as_str().expect("id").to_owned()
}

async fn status(svc: &EmulatorService, id: &str) -> Option<String> {
    let r = common::send(
        svc,
        Method::GET,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await;
    match r.status.as_u16() {
        200 => Some(
            r.json()["instance"]["status"]
                .as_str()
                .expect("status")
                .to_owned(),
        ),
        404 => None,
        other => panic!("unexpected {other}"),
    }
}

async fn act(svc: &EmulatorService, id: &str, body: serde_json::Value) -> u16 {
    common::send(
        svc,
        Method::POST,
        &format!("/v1.0/12345/instances/{id}/action"),
        Some(T),
        Some(body),
    )
    .await
    .status
    .as_u16()
}

#[tokio::test(start_paused = true)]
async fn timed_lifecycle_follows_tokio_time() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    let id = create(&svc).await;
    assert_eq!(status(&svc, &id).await.as_deref(), Some("BUILD"));

    let r = common::send(
        &svc,
        Method::DELETE,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["unprocessableEntity"]["message"],
        format!("Instance {id} is not ready. (Status is BUILD).")
    );

    tokio::time::advance(Duration::from_millis(1999)).await;
    assert_eq!(status(&svc, &id).await.as_deref(), Some("BUILD"));
    tokio::time::advance(Duration::from_millis(1)).await;
    let shown = common::send(
        &svc,
        Method::GET,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(shown["instance"]["status"], "ACTIVE");
    assert_eq!(shown["instance"]["operating_status"], "HEALTHY");
    assert_eq!(shown["instance"]["volume"]["used"], 0.16);

    assert_eq!(act(&svc, &id, json!({"restart": {}})).await, 202);
    assert_eq!(status(&svc, &id).await.as_deref(), Some("REBOOT"));
    assert_eq!(
        act(&svc, &id, json!({"restart": {}})).await,
        422,
        "busy instance"
    );
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(status(&svc, &id).await.as_deref(), Some("ACTIVE"));

    assert_eq!(
        act(&svc, &id, json!({"resize": {"flavorRef": "2"}})).await,
        202
    );
    assert_eq!(status(&svc, &id).await.as_deref(), Some("RESIZE"));
    tokio::time::advance(Duration::from_secs(1)).await;
    let shown = common::send(
        &svc,
        Method::GET,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(shown["instance"]["flavor"]["id"], "2");

    assert_eq!(act(&svc, &id, json!({"frobnicate": {}})).await, 500);
    assert_eq!(act(&svc, &id, json!({"restart": null})).await, 400);

    let r = common::send(
        &svc,
        Method::DELETE,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await;
    assert_eq!(r.status, 202);
    assert_eq!(status(&svc, &id).await.as_deref(), Some("SHUTDOWN"));
    assert_eq!(emu.instance_count(T), 1);
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(status(&svc, &id).await, None);
    assert_eq!(emu.instance_count(T), 0);
    let r = common::send(
        &svc,
        Method::DELETE,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await;
    assert_eq!(r.status, 404);
}

#[tokio::test(start_paused = true)]
async fn resize_volume_ends_with_the_fake_mode_fault() {
    let emu = Emulator::new(Config::with_reads(0));
    let svc = emu.service();
    let id = create(&svc).await;
    assert_eq!(status(&svc, &id).await.as_deref(), Some("ACTIVE"));
    assert_eq!(
        act(&svc, &id, json!({"resize": {"volume": {"size": 2}}})).await,
        202
    );
    let shown = common::send(
        &svc,
        Method::GET,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(shown["instance"]["status"], "ACTIVE");
    assert_eq!(
        shown["instance"]["fault"]["message"],
        "Polling request timed out."
    );
    assert_eq!(
        shown["instance"]["volume"]["size"], 1,
        "fake Cinder never grows the volume"
    );
    assert_eq!(
        act(&svc, &id, json!({"resize": {"volume": {"size": 100}}})).await,
        413
    );
    assert_eq!(
        act(&svc, &id, json!({"resize": {"volume": {"size": 1}}})).await,
        400
    );
}

#[tokio::test(start_paused = true)]
async fn reads_delay_counts_shows_not_time() {
    let emu = Emulator::new(Config::with_reads(2));
    let svc = emu.service();
    let id = create(&svc).await;
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert_eq!(status(&svc, &id).await.as_deref(), Some("BUILD"));
    // A list is not a show and does not count.
    let list = common::send(&svc, Method::GET, "/v1.0/12345/instances", Some(T), None)
        .await
        .json();
    assert_eq!(list["instances"][0]["status"], "BUILD");
    assert_eq!(status(&svc, &id).await.as_deref(), Some("BUILD"));
    assert_eq!(status(&svc, &id).await.as_deref(), Some("ACTIVE"));

    let body = json!({"backup": {"name": "b", "instance": id}});
    let r = common::send(
        &svc,
        Method::POST,
        "/v1.0/12345/backups",
        Some(T),
        Some(body),
    )
    .await;
    assert_eq!(r.status, 202);
    let bid = r.json()["backup"]["id"].as_str().expect("id").to_owned();
    let show = |svc: EmulatorService, bid: String| async move {
        common::send(
            &svc,
            Method::GET,
            &format!("/v1.0/12345/backups/{bid}"),
            Some(T),
            None,
        )
        .await
    };
    assert_eq!(
        show(svc.clone(), bid.clone()).await.json()["backup"]["status"],
        "NEW"
    );
    assert_eq!(
        show(svc.clone(), bid.clone()).await.json()["backup"]["status"],
        "NEW"
    );
    let done = show(svc.clone(), bid.clone()).await.json();
    assert_eq!(done["backup"]["status"], "COMPLETED");
    assert_eq!(done["backup"]["size"], 0.14);

    let r = common::send(
        &svc,
        Method::DELETE,
        &format!("/v1.0/12345/backups/{bid}"),
        Some(T),
        None,
    )
    .await;
    assert_eq!(r.status, 202);
    assert_eq!(show(svc.clone(), bid.clone()).await.status, 200);
    assert_eq!(show(svc.clone(), bid.clone()).await.status, 200);
    assert_eq!(show(svc.clone(), bid.clone()).await.status, 404);
}

#[tokio::test(start_paused = true)]
async fn guest_calls_need_a_ready_instance() {
    let emu = Emulator::new(Config {
        build: Delay::Time(Duration::from_secs(5)),
        ..Config::default()
    });
    let svc = emu.service();
    let id = create(&svc).await;
    let base = format!("/v1.0/12345/instances/{id}");
    let r = common::send(
        &svc,
        Method::POST,
        &format!("{base}/databases"),
        Some(T),
        Some(json!({"databases": [{"name": "x"}]})),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["unprocessableEntity"]["message"],
        format!("Instance {id} is not ready.")
    );
    // The schema is checked before the instance.
    let r = common::send(
        &svc,
        Method::POST,
        &format!("{base}/users"),
        Some(T),
        Some(json!({"users": [{"name": "nopw"}]})),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["badRequest"]["message"],
        "Validation error: users[0] 'password' is a required property"
    );

    tokio::time::advance(Duration::from_secs(5)).await;
    let users = json!({"users": [{"name": "a.b", "password": "pw", "host": "10.0.0.1"}]});
    assert_eq!(
        common::send(
            &svc,
            Method::POST,
            &format!("{base}/users"),
            Some(T),
            Some(users)
        )
        .await
        .status,
        202
    );
    let r = common::send(
        &svc,
        Method::GET,
        &format!("{base}/users/a%2eb@10%2e0%2e0%2e1"),
        Some(T),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"user": {"name": "a.b", "host": "10.0.0.1", "databases": []}})
    );
    let r = common::send(
        &svc,
        Method::GET,
        &format!("{base}/users/a.b"),
        Some(T),
        None,
    )
    .await;
    assert_eq!(r.status, 404, "host defaults to %");

    let root = common::send(&svc, Method::POST, &format!("{base}/root"), Some(T), None).await;
    assert_eq!(root.status, 200);
    assert_eq!(root.json()["user"]["name"], "root");
    let r = common::send(&svc, Method::GET, &format!("{base}/root"), Some(T), None).await;
    assert_eq!(r.json(), json!({"rootEnabled": true}));
    let r = common::send(&svc, Method::DELETE, &format!("{base}/root"), Some(T), None).await;
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
}
