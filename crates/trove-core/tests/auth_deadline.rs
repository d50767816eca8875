//! Waiting for a token against a slow identity service, in paused time: the wait is bounded by
//! the call's deadline, not the per-attempt timeout, and a call dropped while it waits leaves
//! the authentication to finish for the others.

// A test that cannot set up its scripted server should fail loudly.
#![allow(clippy::unwrap_used)]

mod scripted;
mod shared;

use std::time::Duration;

use scripted::{ok, Server};
use shared::{concurrent_gets, send_to_identity, Numbered, ENDPOINT};
use tokio::time::Instant;
use trove_auth::strategy::from_fn;
use trove_auth::{AuthStrategy, Session};
use trove_core::{Client, Error, RetryConfig, SendState};

const INSTANCE: &str =
    r#"{"instance": {"id": "i-1", "name": "db", "status": "ACTIVE", "links": []}}"#;

fn client(server: &Server, issuer: &Numbered) -> Client {
    Client::builder()
        .auth(issuer.strategy())
        .transport(server.transport(|_, _| ok(INSTANCE)))
        .attempt_timeout(Some(Duration::from_secs(2)))
        .timeout(Some(Duration::from_secs(30)))
        .retry(RetryConfig::default().jitter(false).budget(None))
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_login_slower_than_the_attempt_timeout_completes_once_for_all_callers() {
    let server = Server::with_latency(Duration::from_millis(10));
    let issuer = Numbered::delayed(Duration::from_secs(5));
    let c = client(&server, &issuer);
    let start = Instant::now();
    for got in concurrent_gets(&c, 48).await {
        assert_eq!(got.unwrap().id, "i-1");
    }
    assert_eq!(issuer.issued(), 1, "one token for all");
    assert_eq!(server.count("GET"), 48, "no attempt was abandoned");
    assert_eq!(start.elapsed(), Duration::from_millis(5_010));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_call_leaves_the_token_being_issued_to_the_next() {
    let server = Server::with_latency(Duration::from_millis(10));
    let issuer = Numbered::delayed(Duration::from_secs(5));
    let c = client(&server, &issuer);
    // The caller gives up after 1 s, mid-authentication.
    let gave_up = tokio::time::timeout(Duration::from_secs(1), c.instances().get("i-1")).await;
    assert!(gave_up.is_err());
    // The next call shares the authentication still running: done 4 s later, one token.
    let start = Instant::now();
    c.instances().get("i-1").await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(4_010));
    assert_eq!(issuer.issued(), 1);
    assert_eq!(server.count("GET"), 1);
}

#[tokio::test(start_paused = true)]
async fn the_wait_for_a_token_is_bounded_by_the_calls_deadline() {
    let server = Server::with_latency(Duration::from_millis(10));
    let issuer = Numbered::delayed(Duration::from_secs(40));
    let c = client(&server, &issuer);
    let start = Instant::now();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert!(
        matches!(err, Error::TimeoutWaitingForToken(d) if d == Duration::from_secs(30)),
        "{err}"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(30));
    assert_eq!(server.count("GET"), 0);
}

/// A create whose deadline runs out while the token is still being issued was never sent, and
/// says so: `NotSent`, so it can be retried without risking a second instance.
#[tokio::test(start_paused = true)]
async fn a_deadline_spent_waiting_for_a_token_reports_nothing_sent() {
    let server = Server::with_latency(Duration::from_millis(10));
    let issuer = Numbered::delayed(Duration::from_secs(40));
    let c = client(&server, &issuer);
    let err = c.instances().create("db", "1").await.unwrap_err();
    assert_eq!(err.send_state(), Some(SendState::NotSent), "{err}");
    assert!(err.to_string().contains("waiting for a token"), "{err}");
    assert_eq!(server.count("POST"), 0);

    // Once a token is cached, a deadline that runs out with the request at Trove is a plain
    // timeout, which may have been processed.
    let slow = Server::with_latency(Duration::from_secs(50));
    let c = Client::builder()
        .auth(Numbered::delayed(Duration::from_secs(1)).strategy())
        .transport(slow.transport(|_, _| ok(INSTANCE)))
        .attempt_timeout(None)
        .timeout(Some(Duration::from_secs(30)))
        .build()
        .unwrap();
    let err = c.instances().create("db", "1").await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert_eq!(err.send_state(), Some(SendState::MaybeSent), "{err}");
    assert_eq!(slow.count("POST"), 1);
}

/// Asks the identity service at `http://keystone.test/v3/auth/tokens` through the client's
/// [`AuthHttp`](trove_auth::AuthHttp), as the Keystone strategies do, and issues `tok-<n>` when
/// it answers.
fn through_http() -> impl AuthStrategy {
    from_fn("through-http", |http, _| {
        Box::pin(async move {
            let url = "http://keystone.test/v3/auth/tokens";
            let request = http::Request::post(url).body(bytes::Bytes::new()).unwrap();
            let answer = send_to_identity(http, request).await?;
            let token = String::from_utf8(answer.body().to_vec()).unwrap();
            Ok(Session::new(token, ENDPOINT).with_project_id("p1"))
        })
    })
}

#[tokio::test(start_paused = true)]
async fn a_hung_identity_service_is_given_up_after_the_identity_timeout() {
    // The first login hangs; the identity timeout (5 s, longer than the 2 s attempt timeout)
    // ends it, and the next login is answered.
    let server = Server::with_latency(Duration::from_millis(10));
    let c = Client::builder()
        .auth(through_http())
        .transport(server.transport(|req, n| {
            if req.uri().host() == Some("keystone.test") {
                if n == 0 {
                    scripted::Act::Hang
                } else {
                    scripted::answer(201, "tok-2")
                }
            } else {
                ok(INSTANCE)
            }
        }))
        .attempt_timeout(Some(Duration::from_secs(2)))
        .identity_timeout(Some(Duration::from_secs(5)))
        .timeout(Some(Duration::from_secs(30)))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(5), "{err}");
    // The timeout is the cause of the connect error: along the chain, as a reporter prints it.
    assert!(
        err.report()
            .contains("the identity service did not answer within 5s"),
        "{}",
        err.report()
    );
    assert_eq!(server.count("GET"), 0, "nothing was sent to Trove");
    c.instances().get("i-1").await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.last().unwrap().token.as_deref(), Some("tok-2"));
    assert_eq!(server.count("POST"), 2, "two logins");
}
