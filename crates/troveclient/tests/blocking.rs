//! The usage guide's walkthrough (`docs/usage.md`) in blocking form: no async in the test, the client
//! drives its own runtime. Once in process against the emulator's service, once over TCP with
//! the default hyper transport against an emulator served from another runtime.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use trove_emulator::{Config, Emulator};
use troveclient::blocking::Dbaas;
use troveclient::{DatabaseSpec, InstanceStatus, UserSpec, WaitOptions};

const AUTH_URL: &str = "http://localhost:8779/v1.0/auth";

/// Polls without pausing: the emulator moves statuses on after one read, not after time, so
/// waits take a few polls and no test sleeps.
fn quick() -> WaitOptions<'static> {
    WaitOptions::default()
        .timeout(Duration::from_secs(30))
        .fixed(Duration::ZERO)
}

fn walkthrough(client: &troveclient::blocking::Client, versions_url: &str, expect_self: &str) {
    // Authentication.
    let endpoint = client.authenticate().unwrap();
    assert!(endpoint.ends_with("/v1.0/12345"), "{endpoint}");

    // Versions.
    let versions = client.versions().index(versions_url).unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].id, "v1.0");
    assert_eq!(versions[0].self_link(), Some(expect_self));

    // Instances: create, get.
    let mut instance = client
        .instances()
        .create("My Instance", "1")
        .volume(1)
        .database(
            DatabaseSpec::new("my_db")
                .character_set("latin2")
                .collate("latin2_general_ci"),
        )
        .user(UserSpec::new("jsmith", "12345").database("my_db"))
        .send()
        .unwrap();
    assert_eq!(instance.status, InstanceStatus::Build);
    let got = client.instances().get(&instance.id).unwrap();
    assert_eq!(got.name, "My Instance");
    assert_eq!(got.flavor_id(), Some("1"));

    // Refresh until ready, delete, poll until gone.
    let mut polls = 0;
    while instance.status == InstanceStatus::Build {
        client.instances().refresh(&mut instance).unwrap();
        polls += 1;
        assert!(polls < 100, "the instance never left BUILD");
    }
    assert_eq!(instance.status, InstanceStatus::Active);
    client.instances().delete(&instance.id).unwrap();
    loop {
        match client.instances().get(&instance.id) {
            Ok(i) => assert_eq!(i.status, InstanceStatus::Shutdown),
            Err(e) if e.is_not_found() => break,
            Err(e) => panic!("unexpected {e}"),
        }
    }

    // The same with the waiters.
    let second = client
        .instances()
        .create("Second", "1")
        .volume(1)
        .send()
        .unwrap();
    let ready = client.instances().wait_ready(&second.id, quick()).unwrap();
    assert!(ready.status.is_ready());
    client.instances().delete(&ready.id).unwrap();
    client.instances().wait_deleted(&ready.id, quick()).unwrap();
    assert!(client
        .instances()
        .get(&ready.id)
        .unwrap_err()
        .is_not_found());

    // Listing and pagination: 20 then 10, then every item through the iterator.
    assert!(client.instances().list().send().unwrap().is_empty());
    for i in 0..30 {
        client
            .instances()
            .create(format!("Instance #{i}"), "1")
            .volume(1)
            .send()
            .unwrap();
    }
    let page = client.instances().list().send().unwrap();
    assert_eq!((page.len(), page.next.is_none()), (20, false));
    let page2 = client
        .instances()
        .list()
        .marker(page.next.as_deref())
        .send()
        .unwrap();
    assert_eq!((page2.len(), page2.next.is_none()), (10, true));
    let all: Vec<_> = client
        .instances()
        .list()
        .limit(7)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), 30);

    // Any other async call goes through the escape hatches.
    let group = client
        .call(|c| async move {
            c.configurations()
                .create("blocking")
                .value("max_connections", 10)
                .await
        })
        .unwrap();
    let again = client
        .block_on(client.async_client().configurations().get(&group.id))
        .unwrap();
    assert_eq!(again.name, "blocking");
}

#[test]
fn usage_guide_walkthrough_in_process() {
    let emulator = Emulator::new(Config::with_reads(1));
    let client = Dbaas::new("jsmith", "abcdef", "12345", AUTH_URL)
        .auth_strategy("fake")
        .transport(emulator.service())
        .build()
        .unwrap();
    walkthrough(
        &client,
        "http://localhost:8779",
        "http://localhost:8779/v1.0/",
    );
    assert_eq!(emulator.instance_count("12345"), 30);
}

#[test]
fn usage_guide_walkthrough_over_tcp() {
    // The server runs on a runtime of its own, as a real server would.
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let server = server_rt
        .block_on(Emulator::start(Config::with_reads(1)))
        .unwrap();
    let url = server.url();
    let client = Dbaas::new("jsmith", "abcdef", "12345", &format!("{url}/v1.0/auth"))
        .auth_strategy("fake")
        .timeout(Some(Duration::from_secs(30)))
        .build()
        .unwrap();
    walkthrough(&client, &url, &format!("{url}/v1.0/"));
    assert_eq!(server.emulator().instance_count("12345"), 30);
    server_rt.block_on(server.shutdown());
}
