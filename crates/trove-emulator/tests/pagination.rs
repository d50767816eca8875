//! Pagination as the real server does it: 20-item pages cut by id, shown newest first, a forced
//! `https` next link whose marker is not the last item shown, and no `links` on the last page.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use http::Method;
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator};

const T: &str = "12345";

async fn create(svc: &trove_emulator::EmulatorService, name: &str) -> String {
    let body = json!({"instance": {"name": name, "flavorRef": "1", "volume": {"size": 1}}});
    let r = common::send(
        svc,
        Method::POST,
        "/v1.0/12345/instances",
        Some(T),
        Some(body),
    )
    .await;
    assert_eq!(r.status, 200);
    r.json()["instance"]["id"].as_str().expect("id").to_owned()
}

fn ids(page: &Value) -> Vec<String> {
    page["instances"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn thirty_instances_page_as_twenty_then_ten() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    let mut created = Vec::new();
    for n in 0..30 {
        created.push(create(&svc, &format!("Instance #{n}")).await);
    }
    assert_eq!(emu.instance_count(T), 30);

    let page1 = common::send(&svc, Method::GET, "/v1.0/12345/instances", Some(T), None)
        .await
        .json();
    let first = ids(&page1);
    assert_eq!(first.len(), 20);
    let href = page1["links"][0]["href"].as_str().expect("next href");
    assert!(
        href.starts_with("https://localhost:8779/v1.0/12345/instances?marker="),
        "{href}"
    );
    let marker = common::next_marker(&page1).expect("marker");

    // Cut by id: the page holds the 20 smallest ids and the marker is the largest of them.
    let mut sorted = created.clone();
    sorted.sort();
    let mut shown_sorted = first.clone();
    shown_sorted.sort();
    assert_eq!(shown_sorted, sorted[..20]);
    assert_eq!(marker, sorted[19]);
    // Shown newest first, so the last item shown is (almost surely) not the marker.
    let order: Vec<usize> = first
        .iter()
        .map(|id| created.iter().position(|c| c == id).expect("known"))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] > w[1]),
        "page 1 not newest first: {order:?}"
    );

    let page2 = common::send(
        &svc,
        Method::GET,
        &format!("/v1.0/12345/instances?marker={marker}"),
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(ids(&page2).len(), 10);
    assert!(
        page2.get("links").is_none(),
        "last page must have no links key: {page2}"
    );
    let mut all: Vec<String> = first.into_iter().chain(ids(&page2)).collect();
    all.sort();
    assert_eq!(all, sorted);
}

#[tokio::test(start_paused = true)]
async fn limit_is_capped_and_kept_in_next_link() {
    let emu = Emulator::new(Config::default());
    let svc = emu.service();
    for n in 0..25 {
        create(&svc, &format!("i{n}")).await;
    }
    let page = common::send(
        &svc,
        Method::GET,
        "/v1.0/12345/instances?limit=50",
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(ids(&page).len(), 20, "limit is capped at the page size");
    let href = page["links"][0]["href"].as_str().expect("href");
    assert!(href.contains("?limit=50&marker="), "{href}");

    let page = common::send(
        &svc,
        Method::GET,
        "/v1.0/12345/instances/detail?limit=5",
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(ids(&page).len(), 5);
    assert!(
        page["instances"][0].get("created").is_some(),
        "detail view has timestamps"
    );
    assert!(page["links"][0]["href"]
        .as_str()
        .expect("href")
        .contains("/instances/detail?limit=5&marker="));

    for bad in ["0", "abc", "-1"] {
        let r = common::send(
            &svc,
            Method::GET,
            &format!("/v1.0/12345/instances?limit={bad}"),
            Some(T),
            None,
        )
        .await;
        assert_eq!(r.status, 500, "limit={bad}");
        assert!(r.json().get("instanceFault").is_some());
    }
    let r = common::send(
        &svc,
        Method::GET,
        "/v1.0/12345/instances?marker=nope",
        Some(T),
        None,
    )
    .await;
    assert_eq!(
        ids(&r.json()).len(),
        20,
        "unknown marker gives the first page"
    );
}

#[tokio::test(start_paused = true)]
async fn databases_and_users_page_by_name() {
    let emu = Emulator::new(Config {
        page_size: 2,
        ..Config::with_reads(0)
    });
    let svc = emu.service();
    let id = create(&svc, "db-host").await;
    // Reads(0): the first show completes the build.
    common::send(
        &svc,
        Method::GET,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await;
    let dbs = json!({"databases": [{"name": "c"}, {"name": "a"}, {"name": "b"}]});
    let r = common::send(
        &svc,
        Method::POST,
        &format!("/v1.0/12345/instances/{id}/databases"),
        Some(T),
        Some(dbs),
    )
    .await;
    assert_eq!(r.status, 202);
    let path = format!("/v1.0/12345/instances/{id}/databases");
    let p1 = common::send(&svc, Method::GET, &path, Some(T), None)
        .await
        .json();
    assert_eq!(p1["databases"], json!([{"name": "a"}, {"name": "b"}]));
    assert_eq!(common::next_marker(&p1).as_deref(), Some("b"));
    let p2 = common::send(
        &svc,
        Method::GET,
        &format!("{path}?marker=b"),
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(p2, json!({"databases": [{"name": "c"}]}));
}

#[tokio::test(start_paused = true)]
async fn backups_page_by_offset_with_a_possible_empty_last_page() {
    let emu = Emulator::new(Config {
        page_size: 2,
        ..Config::with_reads(0)
    });
    let svc = emu.service();
    let id = create(&svc, "b-host").await;
    common::send(
        &svc,
        Method::GET,
        &format!("/v1.0/12345/instances/{id}"),
        Some(T),
        None,
    )
    .await;
    for n in 0..2 {
        let body = json!({"backup": {"name": format!("bk{n}"), "instance": id}});
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
        // Complete it (Reads(0)) so the instance is free for the next backup.
        let shown = common::send(
            &svc,
            Method::GET,
            &format!("/v1.0/12345/backups/{bid}"),
            Some(T),
            None,
        )
        .await;
        assert_eq!(shown.json()["backup"]["status"], "COMPLETED");
    }
    let p1 = common::send(&svc, Method::GET, "/v1.0/12345/backups", Some(T), None)
        .await
        .json();
    assert_eq!(p1["backups"].as_array().expect("list").len(), 2);
    assert_eq!(common::next_marker(&p1).as_deref(), Some("2"));
    let p2 = common::send(
        &svc,
        Method::GET,
        "/v1.0/12345/backups?marker=2",
        Some(T),
        None,
    )
    .await
    .json();
    assert_eq!(p2, json!({"backups": []}));
}
