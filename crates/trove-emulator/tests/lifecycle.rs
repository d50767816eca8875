//! Instance and backup lifecycles under paused time and under `Delay::Reads`, plus the checks
//! that depend on status (422 while BUILD).

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::Tenant;
use serde_json::json;
use trove_emulator::{Config, Delay, Emulator};

const T: &str = common::TENANT;

/// Creates an instance, checking the create answer shows it building (without a show, which
/// would count as a read).
async fn create(api: &Tenant) -> String {
    let body = json!({"instance": {"name": "life", "flavorRef": "1", "volume": {"size": 1}}});
    let r = api.post("instances", body).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["instance"]["status"], "BUILD");
    assert_eq!(v["instance"]["operating_status"], "");
    v["instance"]["id"].as_str().expect("id").to_owned()
}

#[tokio::test(start_paused = true)]
async fn timed_lifecycle_follows_tokio_time() {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), T);
    let id = create(&api).await;
    let instance = format!("instances/{id}");
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("BUILD"));

    let r = api.delete(&instance).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["unprocessableEntity"]["message"],
        format!("Instance {id} is not ready. (Status is BUILD).")
    );

    tokio::time::advance(Duration::from_millis(1999)).await;
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("BUILD"));
    tokio::time::advance(Duration::from_millis(1)).await;
    let shown = api.get(&instance).await.json();
    assert_eq!(shown["instance"]["status"], "ACTIVE");
    assert_eq!(shown["instance"]["operating_status"], "HEALTHY");
    assert_eq!(shown["instance"]["volume"]["used"], 0.16);

    assert_eq!(api.action(&id, json!({"restart": {}})).await, 202);
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("REBOOT"));
    assert_eq!(
        api.action(&id, json!({"restart": {}})).await,
        422,
        "busy instance"
    );
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("ACTIVE"));

    assert_eq!(
        api.action(&id, json!({"resize": {"flavorRef": "2"}})).await,
        202
    );
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("RESIZE"));
    tokio::time::advance(Duration::from_secs(1)).await;
    let shown = api.get(&instance).await.json();
    assert_eq!(shown["instance"]["flavor"]["id"], "2");

    assert_eq!(api.action(&id, json!({"frobnicate": {}})).await, 500);
    assert_eq!(api.action(&id, json!({"restart": null})).await, 400);

    assert_eq!(api.delete(&instance).await.status, 202);
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("SHUTDOWN"));
    assert_eq!(emu.instance_count(T), 1);
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(api.instance_status(&id).await, None);
    assert_eq!(emu.instance_count(T), 0);
    assert_eq!(api.delete(&instance).await.status, 404);
}

#[tokio::test(start_paused = true)]
async fn resize_volume_ends_with_the_fake_mode_fault() {
    let emu = Emulator::new(Config::with_reads(0));
    let api = Tenant::new(&emu.service(), T);
    let id = create(&api).await;
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("ACTIVE"));
    assert_eq!(
        api.action(&id, json!({"resize": {"volume": {"size": 2}}}))
            .await,
        202
    );
    let shown = api.get(&format!("instances/{id}")).await.json();
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
        api.action(&id, json!({"resize": {"volume": {"size": 100}}}))
            .await,
        413
    );
    assert_eq!(
        api.action(&id, json!({"resize": {"volume": {"size": 1}}}))
            .await,
        400
    );
}

#[tokio::test(start_paused = true)]
async fn reads_delay_counts_shows_not_time() {
    let emu = Emulator::new(Config::with_reads(2));
    let api = Tenant::new(&emu.service(), T);
    let id = create(&api).await;
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("BUILD"));
    // A list is not a show and does not count.
    let list = api.get("instances").await.json();
    assert_eq!(list["instances"][0]["status"], "BUILD");
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("BUILD"));
    assert_eq!(api.instance_status(&id).await.as_deref(), Some("ACTIVE"));

    let r = api
        .post("backups", json!({"backup": {"name": "b", "instance": id}}))
        .await;
    assert_eq!(r.status, 202);
    let backup = format!("backups/{}", r.json()["backup"]["id"].as_str().expect("id"));
    assert_eq!(api.get(&backup).await.json()["backup"]["status"], "NEW");
    assert_eq!(api.get(&backup).await.json()["backup"]["status"], "NEW");
    let done = api.get(&backup).await.json();
    assert_eq!(done["backup"]["status"], "COMPLETED");
    assert_eq!(done["backup"]["size"], 0.14);

    assert_eq!(api.delete(&backup).await.status, 202);
    assert_eq!(api.get(&backup).await.status, 200);
    assert_eq!(api.get(&backup).await.status, 200);
    assert_eq!(api.get(&backup).await.status, 404);
}

#[tokio::test(start_paused = true)]
async fn guest_calls_need_a_ready_instance() {
    let emu = Emulator::new(Config {
        build: Delay::Time(Duration::from_secs(5)),
        ..Config::default()
    });
    let api = Tenant::new(&emu.service(), T);
    let id = create(&api).await;
    let base = format!("instances/{id}");
    let r = api
        .post(
            &format!("{base}/databases"),
            json!({"databases": [{"name": "x"}]}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["unprocessableEntity"]["message"],
        format!("Instance {id} is not ready.")
    );
    // The schema is checked before the instance.
    let r = api
        .post(
            &format!("{base}/users"),
            json!({"users": [{"name": "nopw"}]}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["badRequest"]["message"],
        "Validation error: users[0] 'password' is a required property"
    );

    tokio::time::advance(Duration::from_secs(5)).await;
    let users = json!({"users": [{"name": "a.b", "password": "pw", "host": "10.0.0.1"}]});
    assert_eq!(api.post(&format!("{base}/users"), users).await.status, 202);
    let r = api.get(&format!("{base}/users/a%2eb@10%2e0%2e0%2e1")).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"user": {"name": "a.b", "host": "10.0.0.1", "databases": []}})
    );
    let r = api.get(&format!("{base}/users/a.b")).await;
    assert_eq!(r.status, 404, "host defaults to %");

    let root = api
        .call(http::Method::POST, &format!("{base}/root"), None)
        .await;
    assert_eq!(root.status, 200);
    assert_eq!(root.json()["user"]["name"], "root");
    let r = api.get(&format!("{base}/root")).await;
    assert_eq!(r.json(), json!({"rootEnabled": true}));
    let r = api.delete(&format!("{base}/root")).await;
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
}
