//! Pagination as the real server does it: 20-item pages cut by id, shown newest first, a forced
//! `https` next link whose marker is not the last item shown, and no `links` on the last page.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Tenant;
use serde_json::{json, Value};
use trove_emulator::{Config, Emulator};

const T: &str = common::TENANT;

fn ids(page: &Value) -> Vec<String> {
    common::ids(page, "instances")
}

#[tokio::test(start_paused = true)]
async fn thirty_instances_page_as_twenty_then_ten() {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), T);
    let mut created = Vec::new();
    for n in 0..30 {
        created.push(api.create_instance(&format!("Instance #{n}")).await);
    }
    assert_eq!(emu.instance_count(T), 30);

    let page1 = api.get("instances").await.json();
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

    let page2 = api.get(&format!("instances?marker={marker}")).await.json();
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
    let api = Tenant::new(&emu.service(), T);
    for n in 0..25 {
        api.create_instance(&format!("i{n}")).await;
    }
    let page = api.get("instances?limit=50").await.json();
    assert_eq!(ids(&page).len(), 20, "limit is capped at the page size");
    let href = page["links"][0]["href"].as_str().expect("href");
    assert!(href.contains("?limit=50&marker="), "{href}");

    let page = api.get("instances/detail?limit=5").await.json();
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
        let r = api.get(&format!("instances?limit={bad}")).await;
        assert_eq!(r.status, 500, "limit={bad}");
        assert!(r.json().get("instanceFault").is_some());
    }
    // trove/db/sqlalchemy/api.py `_limits` filters `id > marker` (seen on the real server):
    // a marker that is no id still cuts, and "nope" sorts after every hex id.
    let r = api.get("instances?marker=nope").await;
    r.assert_status(200);
    assert_eq!(ids(&r.json()).len(), 0, "{}", r.json());
    let r = api.get("instances?marker=0").await;
    assert_eq!(ids(&r.json()).len(), 20, "'0' sorts before every hex id");
}

#[tokio::test(start_paused = true)]
async fn databases_and_users_page_by_name() {
    let emu = Emulator::new(Config {
        page_size: 2,
        ..Config::with_reads(0)
    });
    let api = Tenant::new(&emu.service(), T);
    let id = api.create_instance("db-host").await;
    // Reads(0): the first show completes the build.
    api.get(&format!("instances/{id}")).await;
    let path = format!("instances/{id}/databases");
    let dbs = json!({"databases": [{"name": "c"}, {"name": "a"}, {"name": "b"}]});
    assert_eq!(api.post(&path, dbs).await.status, 202);
    let p1 = api.get(&path).await.json();
    assert_eq!(p1["databases"], json!([{"name": "a"}, {"name": "b"}]));
    assert_eq!(common::next_marker(&p1).as_deref(), Some("b"));
    let p2 = api.get(&format!("{path}?marker=b")).await.json();
    assert_eq!(p2, json!({"databases": [{"name": "c"}]}));
}

/// Follows trove/guestagent/datastore/mysql_common/service.py `list_users` (pages ordered by,
/// and marked with, `CONCAT(User, '@', Host)`) and trove/common/pagination.py
/// `SimplePaginatedDataView` (the marker quoted, then the query encoded): `a-b@%` comes before
/// `a@%`, and the link carries `a-b%2540%2525`, whose once-decoded value is the next marker.
#[tokio::test(start_paused = true)]
async fn users_page_by_quoted_user_at_host() {
    let emu = Emulator::new(Config {
        page_size: 1,
        ..Config::with_reads(0)
    });
    let api = Tenant::new(&emu.service(), T);
    let id = api.create_instance("user-host").await;
    api.get(&format!("instances/{id}")).await;
    let path = format!("instances/{id}/users");
    let users = json!({"users": [
        {"name": "a", "password": "pw-1"},
        {"name": "a-b", "password": "pw-2"},
    ]});
    assert_eq!(api.post(&path, users).await.status, 202);
    let p1 = api.get(&path).await.json();
    assert_eq!(p1["users"][0]["name"], "a-b", "{p1}");
    let href = p1["links"][0]["href"].as_str().unwrap_or_default();
    assert!(href.ends_with("marker=a-b%2540%2525"), "{p1}");
    let p2 = api.get(&format!("{path}?marker=a-b%40%25")).await.json();
    assert_eq!(p2["users"][0]["name"], "a", "{p2}");
    assert!(p2.get("links").is_none(), "{p2}");
}

#[tokio::test(start_paused = true)]
async fn backups_page_by_offset_with_a_possible_empty_last_page() {
    let emu = Emulator::new(Config {
        page_size: 2,
        ..Config::with_reads(0)
    });
    let api = Tenant::new(&emu.service(), T);
    let id = api.create_instance("b-host").await;
    api.get(&format!("instances/{id}")).await;
    for n in 0..2 {
        let body = json!({"backup": {"name": format!("bk{n}"), "instance": id}});
        let r = api.post("backups", body).await;
        assert_eq!(r.status, 202);
        let bid = r.json()["backup"]["id"].as_str().expect("id").to_owned();
        // Complete it (Reads(0)) so the instance is free for the next backup.
        let shown = api.get(&format!("backups/{bid}")).await;
        assert_eq!(shown.json()["backup"]["status"], "COMPLETED");
    }
    let p1 = api.get("backups").await.json();
    assert_eq!(p1["backups"].as_array().expect("list").len(), 2);
    assert_eq!(common::next_marker(&p1).as_deref(), Some("2"));
    let p2 = api.get("backups?marker=2").await.json();
    assert_eq!(p2, json!({"backups": []}));
}

/// Follows trove/backup/models.py `Backup._paginate`: `int(context.marker or 0)`, so an empty
/// marker is the first page and one that is not a number the server's 500; the offset is bound
/// as a database integer, so i64::MAX is an empty page and one past it a 500 (both seen on the
/// real server in fake mode), as is a negative one (MySQL refuses `OFFSET -1`).
#[tokio::test]
async fn a_backup_marker_is_read_as_trove_reads_an_offset() {
    let emu = Emulator::new(Config::with_reads(0));
    let api = Tenant::new(&emu.service(), T);
    let first = api.get("backups?marker=").await;
    first.assert_status(200);
    assert_eq!(first.json(), json!({"backups": []}));
    let last = api
        .get(&format!("backups?marker={}&limit={}", i64::MAX, i64::MAX))
        .await;
    last.assert_status(200);
    assert_eq!(last.json(), json!({"backups": []}));
    let past = (i64::MAX as u64 + 1).to_string();
    for bad in ["abc", past.as_str(), "-1"] {
        let bad = api.get(&format!("backups?marker={bad}")).await;
        bad.assert_status(500);
        assert!(bad.json()["instanceFault"].is_object(), "{}", bad.json());
    }
}

/// Follows trove/extensions/mgmt/instances/models.py `_paginate_instances`: the admin list is
/// ordered by `updated`, newest first, and its marker is an offset read with
/// `int(context.marker or 0)`, so a marker that is not a number is the server's 500 and an empty
/// one the first page; a full page has a next marker of offset + limit.
#[tokio::test(start_paused = true)]
async fn the_admin_instance_list_pages_by_offset_newest_update_first() {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), "admin0");
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(api.create_instance(&format!("i{n}")).await);
        tokio::time::advance(std::time::Duration::from_secs(1)).await;
    }
    // Every build over (BUILD -> ACTIVE is an update too), in the order they were made.
    tokio::time::advance(std::time::Duration::from_secs(10)).await;
    for id in &created {
        assert_eq!(api.instance_status(id).await.as_deref(), Some("ACTIVE"));
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let page1 = api.get("mgmt/instances?limit=2").await.json();
    assert_eq!(ids(&page1), newest_first[..2]);
    assert_eq!(common::next_marker(&page1).as_deref(), Some("2"));
    let page2 = api.get("mgmt/instances?limit=2&marker=2").await.json();
    assert_eq!(ids(&page2), newest_first[2..4]);
    let last = api.get("mgmt/instances?limit=2&marker=4").await.json();
    assert_eq!(ids(&last), newest_first[4..]);
    assert!(last.get("links").is_none(), "{last}");
    assert_eq!(
        ids(&api.get("mgmt/instances?marker=").await.json()),
        newest_first
    );
    let bad = api.get("mgmt/instances?marker=not-a-number").await;
    bad.assert_status(500);
    assert!(bad.json()["instanceFault"].is_object(), "{}", bad.json());
}

/// Follows trove/common/utils.py `pagination_limit` (`min(int(limit), default)`, and Python's
/// `int` has no bound) for the capped lists, trove/backup/models.py and
/// trove/extensions/mgmt/instances/models.py `_paginate_instances`
/// (`int(context.limit or page_size)`, not capped) for the others: a limit past `i64` is the
/// page size on the first, and a 500 on the second, whose database cannot bind it (both seen on
/// the real server in fake mode); the admin instance list takes a limit above the page size.
#[tokio::test(start_paused = true)]
async fn limits_past_i64_and_above_the_page_size() {
    let emu = Emulator::new(Config {
        page_size: 3,
        ..Config::default()
    });
    let api = Tenant::new(&emu.service(), "admin0");
    for n in 0..5 {
        api.create_instance(&format!("i{n}")).await;
    }
    let huge = "3917431873414389980725248";
    let capped = api.get(&format!("instances?limit={huge}")).await;
    capped.assert_status(200);
    assert_eq!(ids(&capped.json()).len(), 3);
    assert_eq!(
        api.get("instances?limit=4").await.json()["instances"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    api.get(&format!("backups?limit={huge}"))
        .await
        .assert_status(500);
    api.get(&format!("mgmt/instances?limit={huge}"))
        .await
        .assert_status(500);
    api.get("backups?limit=9223372036854775807")
        .await
        .assert_status(200);
    let uncapped = api.get("mgmt/instances?limit=4").await.json();
    assert_eq!(ids(&uncapped).len(), 4, "{uncapped}");
}

fn count(page: &Value, key: &str) -> usize {
    page[key].as_array().map_or(0, Vec::len)
}

/// Follows trove/common/utils.py `pagination_limit` (`min(int(limit or default), default)`):
/// `limit` is read by Python's `int`, so underscores between digits, a sign, surrounding
/// whitespace and other scripts' decimal digits are numbers, and `0x10` or `1__0` a 500 (each
/// seen on the real server in fake mode).
#[tokio::test(start_paused = true)]
async fn a_limit_is_read_as_pythons_int_reads_it() {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), T);
    for n in 0..3 {
        api.create_instance(&format!("i{n}")).await;
    }
    for (limit, shown, more) in [
        ("1_0", 3, false),
        ("%2B2", 2, true),
        ("%203%20", 3, false),
        ("%09%E3%80%802", 2, true),
        ("%EF%BC%92", 2, true),
        ("0_1", 1, true),
    ] {
        let page = api.get(&format!("instances?limit={limit}")).await;
        page.assert_status(200);
        let page = page.json();
        assert_eq!(count(&page, "instances"), shown, "limit={limit}: {page}");
        assert_eq!(page.get("links").is_some(), more, "limit={limit}: {page}");
    }
    for refused in ["0x10", "1__0", "_1", "2_", "1.0", "%20", "%2B-1"] {
        let r = api.get(&format!("instances?limit={refused}")).await;
        r.assert_status(500);
        assert!(r.json()["instanceFault"].is_object(), "limit={refused}");
    }
}

/// Follows trove/db/__init__.py `Query.paginated_collection`, which asks the database for
/// `limit + 1` rows by id and then takes `collection[-2]` when more came than the limit: with a
/// limit of 0 one row is an IndexError (a 500) and no row an empty page; -1 is an IndexError of
/// the empty list, and below that MySQL refuses `LIMIT -1` (fake mode's SQLite does not).
#[tokio::test(start_paused = true)]
async fn zero_and_negative_limits_on_lists_paged_by_id() {
    let emu = Emulator::new(Config::with_reads(0));
    let api = Tenant::new(&emu.service(), T);
    for list in ["instances", "clusters", "configurations"] {
        let empty = api.get(&format!("{list}?limit=0")).await;
        empty.assert_status(200);
        assert_eq!(empty.json(), json!({ list: [] }), "{list}");
        for negative in ["-1", "-2", "-99999999999999999999999999999999999999999"] {
            let r = api.get(&format!("{list}?limit={negative}")).await;
            r.assert_status(500);
            assert!(r.json()["instanceFault"].is_object(), "{list} {negative}");
        }
    }
    let id = api.create_instance("one").await;
    let body = json!({"configuration": {"name": "g", "values": {"max_connections": 10}}});
    api.post("configurations", body).await.assert_status(200);
    for list in ["instances", "configurations"] {
        api.get(&format!("{list}?limit=0")).await.assert_status(500);
        // Past the only row, the one row the query asks for is not there: an empty page.
        let last = match list {
            "instances" => id.clone(),
            _ => common::ids(&api.get(list).await.json(), list)[0].clone(),
        };
        let after = api.get(&format!("{list}?limit=0&marker={last}")).await;
        after.assert_status(200);
        assert_eq!(count(&after.json(), list), 0, "{list}");
    }
}

/// Follows the production MySQL guest, trove/guestagent/datastore/mysql_common/service.py
/// `list_databases`/`list_users`: a limit of 0 reads no row, -1 gives `LIMIT 0`, which
/// trove/guestagent/common/sql_query.py leaves out as falsy, and reads no row either; -2 gives
/// `LIMIT -1`, which MySQL refuses, and the guest's error comes back as a 400 `GuestError`.
/// Fake mode's guest (trove/tests/fakes/guestagent.py) slices a list instead, so the real
/// server in fake mode answers these otherwise. The instance is checked before the limit is
/// read (trove/extensions/common/models.py `load_via_context`).
#[tokio::test(start_paused = true)]
async fn zero_and_negative_limits_on_lists_the_guest_pages() {
    let emu = Emulator::new(Config::with_reads(0));
    let api = Tenant::new(&emu.service(), T);
    let id = api.create_instance("guest").await;
    api.get(&format!("instances/{id}")).await;
    let dbs = json!({"databases": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
    api.post(&format!("instances/{id}/databases"), dbs)
        .await
        .assert_status(202);
    let users = json!({"users": [{"name": "u1", "password": "pw-123456"},
        {"name": "u2", "password": "pw-123456"}]});
    api.post(&format!("instances/{id}/users"), users)
        .await
        .assert_status(202);
    for list in ["databases", "users"] {
        let path = format!("instances/{id}/{list}");
        for none in ["0", "-1"] {
            let r = api.get(&format!("{path}?limit={none}")).await;
            r.assert_status(200);
            assert_eq!(r.json(), json!({ list: [] }), "{list} limit={none}");
        }
        for refused in ["-2", "-99999999999999999999999999999999999999999"] {
            let r = api.get(&format!("{path}?limit={refused}")).await;
            r.assert_status(400);
            let message = r.json()["badRequest"]["message"]
                .as_str()
                .expect("message")
                .to_owned();
            assert!(
                message.starts_with("An error occurred communicating with the guest: "),
                "{message}"
            );
        }
        let r = api.get(&format!("{path}?limit=%2B2")).await.json();
        assert_eq!(count(&r, list), 2, "{r}");
        let missing = api.get(&format!("instances/nope/{list}?limit=abc")).await;
        missing.assert_status(404);
    }
}

/// Follows trove/backup/models.py `Backup._paginate` and trove/extensions/mgmt/instances/
/// models.py `_paginate_instances`: marker and limit are Python `int`s; a limit of 0 is an empty
/// page whose next marker is the offset (`query.count() < limit` is false), a negative limit is
/// the `LIMIT -1` MySQL refuses (fake mode's SQLite reads it as no limit).
#[tokio::test(start_paused = true)]
async fn offset_lists_read_python_ints_and_a_zero_limit() {
    let emu = Emulator::new(Config::default());
    let api = Tenant::new(&emu.service(), "admin0");
    for n in 0..3 {
        api.create_instance(&format!("i{n}")).await;
        tokio::time::advance(std::time::Duration::from_secs(1)).await;
    }
    let all = ids(&api.get("mgmt/instances").await.json());
    assert_eq!(all.len(), 3);
    for (query, shown, next) in [
        ("limit=0", 0, Some("0")),
        ("limit=0&marker=1_0", 0, Some("10")),
        ("limit=1&marker=%2B1", 1, Some("2")),
        ("limit=1&marker=%201", 1, Some("2")),
        ("limit=1&marker=%EF%BC%91", 1, Some("2")),
        ("limit=%2B2", 2, Some("2")),
        ("limit=1_0", 3, None),
    ] {
        let page = api.get(&format!("mgmt/instances?{query}")).await;
        page.assert_status(200);
        let page = page.json();
        assert_eq!(count(&page, "instances"), shown, "{query}: {page}");
        assert_eq!(common::next_marker(&page).as_deref(), next, "{query}");
    }
    assert_eq!(
        ids(&api.get("mgmt/instances?limit=1&marker=%2B1").await.json()),
        all[1..2]
    );
    let zero = api.get("backups?limit=0").await.json();
    assert_eq!(zero["backups"], json!([]));
    assert_eq!(common::next_marker(&zero).as_deref(), Some("0"));
    for refused in [
        "limit=-1",
        "limit=-2",
        "limit=0x10",
        "marker=1__0",
        "marker=%2B-1",
    ] {
        for list in ["backups", "mgmt/instances"] {
            let r = api.get(&format!("{list}?{refused}")).await;
            r.assert_status(500);
            assert!(r.json()["instanceFault"].is_object(), "{list}?{refused}");
        }
    }
}
