//! The client against the emulator over TCP with injected faults (`trove_emulator::faults`):
//! resets before and after the request is read, error statuses, truncated and invalid bodies,
//! forced re-authentication, refused connections, and a bounded load of concurrent clients.
//! Creates are never duplicated: the emulator's own instance count is the witness.
//!
//! Backoffs are zero and `Retry-After` values 0, so no test sleeps; every await is bounded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared;

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use shared::collect_all;
use trove_core::{Client, Error, RetryConfig, SendState};
use trove_emulator::{Config, Emulator, FaultPlan, RunningEmulator};

const TENANT: &str = "12345";

/// Fails the test instead of hanging when something goes wrong.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("the test finished in time")
}

async fn start(faults: &str) -> RunningEmulator {
    let emulator = Emulator::new(Config::default());
    emulator.set_faults(faults.parse::<FaultPlan>().unwrap());
    emulator.serve(([127, 0, 0, 1], 0).into()).await.unwrap()
}

fn client(server: &RunningEmulator) -> Client {
    client_at(&server.url(), 3)
}

fn client_at(url: &str, attempts: u32) -> Client {
    Client::new("jsmith", "abcdef", TENANT, &format!("{url}/v1.0/auth"))
        .auth_strategy("fake")
        .retry(
            RetryConfig::default()
                .max_attempts(attempts)
                .initial_backoff(Duration::ZERO)
                .budget(None),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_create_reset_after_it_was_processed_is_not_sent_again() {
    bounded(async {
        let server = start("POST /v1.0/*/instances reset=after times=1").await;
        let c = client(&server);
        let err = c.instances().create("db", "1").volume(1).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err}");
        assert_eq!(err.send_state(), Some(SendState::MaybeSent));
        let emulator = server.emulator();
        assert_eq!(emulator.faults_fired(), 1);
        assert_eq!(
            emulator.instance_count(TENANT),
            1,
            "processed once, never replayed"
        );
        // The next create goes through; the caller sees both instances.
        c.instances().create("db2", "1").volume(1).await.unwrap();
        assert_eq!(c.instances().list().await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_create_reset_before_it_was_read_is_not_created_nor_sent_again() {
    bounded(async {
        let server = start("POST * reset=before times=1").await;
        let c = client(&server);
        let requests_before = server.emulator().request_count();
        let err = c.instances().create("db", "1").volume(1).await.unwrap_err();
        assert_eq!(err.send_state(), Some(SendState::MaybeSent), "{err}");
        assert_eq!(server.emulator().instance_count(TENANT), 0);
        assert_eq!(server.emulator().request_count(), requests_before);
        assert_eq!(server.emulator().faults_fired(), 1, "one attempt only");
    })
    .await;
}

#[tokio::test]
async fn gets_ride_out_resets_errors_and_truncated_bodies() {
    bounded(async {
        let server = start("").await;
        let c = client(&server);
        let id = c.instances().create("db", "1").volume(1).await.unwrap().id;
        for fault in [
            "GET * reset=after times=2",
            "GET * reset=before times=2",
            "GET * status=503 times=2",
            "GET * status=502 retry-after=0 times=2",
            "GET * truncate times=2",
            "GET * delay=0ms",
        ] {
            server.emulator().set_faults(fault.parse().unwrap());
            let fired = server.emulator().faults_fired();
            let instance = c
                .instances()
                .get(&id)
                .await
                .unwrap_or_else(|e| panic!("{fault}: {e}"));
            assert_eq!(instance.name, "db");
            let expected = if fault.contains("times=2") { 2 } else { 1 };
            assert_eq!(
                server.emulator().faults_fired() - fired,
                expected,
                "{fault}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn rate_limited_creates_are_retried_once_processed_once() {
    bounded(async {
        let server = start(
            "POST * status=413 retry-after=0 times=1; POST * status=429 retry-after=0 times=1",
        )
        .await;
        let c = client(&server);
        c.instances().create("db", "1").volume(1).await.unwrap();
        assert_eq!(server.emulator().faults_fired(), 2);
        assert_eq!(server.emulator().instance_count(TENANT), 1);

        // A 503 to a create is returned, and nothing was created.
        server
            .emulator()
            .set_faults("POST * status=503 times=1".parse().unwrap());
        let err = c
            .instances()
            .create("db2", "1")
            .volume(1)
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(err.fault_name(), Some("serviceUnavailable"));
        assert_eq!(server.emulator().instance_count(TENANT), 1);
    })
    .await;
}

#[tokio::test]
async fn garbage_answers_are_typed_errors_and_a_401_forces_one_reauth() {
    bounded(async {
        let server = start("").await;
        let c = client(&server);
        let id = c.instances().create("db", "1").volume(1).await.unwrap().id;

        server
            .emulator()
            .set_faults("GET * invalid-json times=1".parse().unwrap());
        let err = c.instances().get(&id).await.unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{err}");
        assert_eq!(err.send_state(), None, "the server answered");

        // A mislabelled but valid JSON answer is still read.
        server
            .emulator()
            .set_faults("GET * content-type=text/html times=1".parse().unwrap());
        assert_eq!(c.instances().get(&id).await.unwrap().name, "db");

        let auths = c.auth_count();
        server
            .emulator()
            .set_faults("GET * unauthorized times=1".parse().unwrap());
        assert_eq!(c.instances().get(&id).await.unwrap().name, "db");
        assert_eq!(c.auth_count(), auths + 1);
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_was_not_sent_so_even_a_create_is_retried() {
    bounded(async {
        // A port that was just free: nothing listens there.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let err = client_at(&url, 3)
            .instances()
            .create("db", "1")
            .volume(1)
            .await
            .unwrap_err();
        assert_eq!(err.send_state(), Some(SendState::NotSent), "{err}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients_under_faults_neither_lose_nor_duplicate_creates() {
    const CLIENTS: usize = 16;
    const CREATES: usize = 50;
    bounded(async {
        // Some creates are refused (429, retried; fewer 429s than attempts, so every one is
        // eventually accepted), some rejected (503, returned), some processed and then reset
        // (returned as maybe sent).
        let server = start(
            "POST * status=429 retry-after=0 skip=5 times=16\n\
             POST * status=503 skip=50 times=20\n\
             POST * reset=after skip=100 times=10\n\
             GET * status=503 times=2",
        )
        .await;
        let url = server.url();
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let c = client_at(&url, 20);
                tokio::spawn(async move {
                    let mut outcomes = Vec::new();
                    for i in 0..CREATES {
                        let name = format!("c{n}-{i}");
                        let outcome = c.instances().create(name.clone(), "1").volume(1).await;
                        outcomes.push((name, outcome.map(|inst| inst.id)));
                    }
                    outcomes
                })
            })
            .collect();
        let mut created = HashMap::new();
        let (mut maybe, mut refused) = (0, 0);
        for task in tasks {
            for (name, outcome) in task.await.unwrap() {
                match outcome {
                    Ok(id) => assert!(created.insert(name, id).is_none()),
                    Err(e) if e.send_state() == Some(SendState::MaybeSent) => maybe += 1,
                    Err(e) => {
                        assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e}");
                        refused += 1;
                    }
                }
            }
        }
        assert_eq!(created.len() + maybe + refused, CLIENTS * CREATES);
        assert_eq!((refused, maybe), (20, 10));
        let count = server.emulator().instance_count(TENANT);
        assert_eq!(
            count,
            created.len() + maybe,
            "every processed create counted once"
        );

        // Listing agrees: each name once, each successful create's id present.
        let all = collect_all(
            client_at(&url, 3)
                .instances()
                .list()
                .limit(100)
                .into_stream(),
        )
        .await;
        assert_eq!(all.len(), count);
        let mut names: HashMap<&str, &str> = HashMap::new();
        for inst in &all {
            assert!(
                names.insert(&inst.name, &inst.id).is_none(),
                "{} twice",
                inst.name
            );
        }
        for (name, id) in &created {
            assert_eq!(names.get(name.as_str()), Some(&id.as_str()));
        }
    })
    .await;
}
