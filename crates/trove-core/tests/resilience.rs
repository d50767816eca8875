//! Drives retry, timeouts, limits and tracing over a scripted transport with injected faults,
//! in paused tokio time: creates are never sent twice, gets recover within the attempt limit,
//! deadlines hold, `Retry-After` is honoured up to its cap, and every failure says whether the
//! request may have been sent.

// A test that cannot set up its scripted server should fail loudly.
// Tests here run one at a time: one of them captures traces with a thread-local subscriber, and
// tracing caches callsite interest process-wide, so a concurrent test can disable its spans.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scripted;
mod shared;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use scripted::{ok, status, Act, Count, Server};
use shared::Logs;
use tokio::time::Instant;
use tower::retry::budget::TpsBudget;
use trove_core::{Client, ClientBuilder, Error, RetryConfig, SendState};

const INSTANCE: &str =
    r#"{"instance": {"id": "i-1", "name": "db", "status": "BUILD", "links": []}}"#;

/// Every answer takes this long (in paused time), so concurrent calls overlap.
const LATENCY: Duration = Duration::from_millis(10);

/// Retries that wait as long as the server asks, up to a minute, with no budget to run out.
fn patient_retry() -> RetryConfig {
    RetryConfig::default()
        .max_retry_after(Duration::from_secs(60))
        .budget(None)
}

fn client(
    server: &Server,
    script: impl Fn(&str, usize) -> Act + Clone + Send + Sync + 'static,
) -> ClientBuilder {
    Client::builder()
        .token("tok-secret-123", "http://trove.test/v1.0/p1")
        .transport(server.transport(move |req, n| script(req.method().as_str(), n)))
        // Exact backoffs make elapsed virtual time predictable.
        .retry(RetryConfig::default().jitter(false).budget(None))
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn a_create_is_never_sent_twice_whatever_the_fault() {
    for fault in [
        status(503),
        status(502),
        status(504),
        Act::Fail(SendState::MaybeSent),
        Act::Hang,
    ] {
        let server = Server::with_latency(LATENCY);
        let f = fault.clone();
        let c = client(&server, move |_, _| f.clone())
            .attempt_timeout(Some(Duration::from_secs(5)))
            .build()
            .unwrap();
        let err = c.instances().create("db", "1").await.unwrap_err();
        assert_eq!(server.count("POST"), 1, "{err}");
        match fault {
            Act::Answer(code, ..) => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(code));
                assert_eq!(err.send_state(), None, "the server answered");
            }
            Act::Fail(_) => {
                assert!(matches!(err, Error::Transport { .. }), "{err}");
                assert_eq!(err.send_state(), Some(SendState::MaybeSent));
            }
            Act::Hang => {
                assert!(
                    matches!(err, Error::Timeout(d) if d == Duration::from_secs(5)),
                    "{err}"
                );
                assert_eq!(err.send_state(), Some(SendState::MaybeSent));
            }
        }
    }
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn a_create_that_never_left_is_retried() {
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, n| {
        if n < 2 {
            Act::Fail(SendState::NotSent)
        } else {
            ok(INSTANCE)
        }
    })
    .build()
    .unwrap();
    let instance = c.instances().create("db", "1").await.unwrap();
    assert_eq!(instance.id, "i-1");
    assert_eq!(server.count("POST"), 3);

    // When every attempt fails before sending, the error says so.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| Act::Fail(SendState::NotSent))
        .build()
        .unwrap();
    let err = c.instances().create("db", "1").await.unwrap_err();
    assert_eq!(err.send_state(), Some(SendState::NotSent));
    assert_eq!(server.count("POST"), 3);
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn gets_recover_within_the_attempt_limit_and_back_off_exponentially() {
    let server = Server::with_latency(LATENCY);
    let c = client(
        &server,
        |_, n| if n < 2 { status(503) } else { ok(INSTANCE) },
    )
    .build()
    .unwrap();
    let start = Instant::now();
    assert_eq!(c.instances().get("i-1").await.unwrap().name, "db");
    assert_eq!(server.count("GET"), 3);
    // 200 ms then 400 ms of backoff, plus 10 ms per answer.
    assert_eq!(start.elapsed(), Duration::from_millis(630));

    // A server that keeps failing gets exactly the attempt limit, then its last answer.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, n| {
        if n % 2 == 0 {
            Act::Fail(SendState::MaybeSent)
        } else {
            status(504)
        }
    })
    .retry(
        RetryConfig::default()
            .max_attempts(4)
            .jitter(false)
            .budget(None),
    )
    .build()
    .unwrap();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert_eq!(server.count("GET"), 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));

    // Errors that retrying cannot fix are returned at once.
    for code in [400, 404, 409, 422, 500] {
        let server = Server::with_latency(LATENCY);
        let c = client(&server, move |_, _| status(code)).build().unwrap();
        let err = c.instances().get("i-1").await.unwrap_err();
        assert_eq!(server.count("GET"), 1, "{code}: {err}");
    }
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn a_hung_attempt_is_abandoned_and_a_get_retried() {
    let server = Server::with_latency(LATENCY);
    let c = client(
        &server,
        |_, n| if n == 0 { Act::Hang } else { ok(INSTANCE) },
    )
    .attempt_timeout(Some(Duration::from_secs(3)))
    .build()
    .unwrap();
    let start = Instant::now();
    c.instances().get("i-1").await.unwrap();
    assert_eq!(server.count("GET"), 2);
    assert_eq!(start.elapsed(), Duration::from_millis(3000 + 200 + 10));
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn the_overall_deadline_holds_across_retries_and_waits() {
    // A server that always asks for 20 s more: after the answers at 0 s, 20 s and 40 s, a third
    // wait would end past the 45 s deadline, so the last answer comes back at once.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| {
        Act::Answer(503, vec![("retry-after", "20".into())], String::new())
    })
    .retry(
        RetryConfig::default()
            .max_attempts(10)
            .jitter(false)
            .budget(None),
    )
    .timeout(Some(Duration::from_secs(45)))
    .build()
    .unwrap();
    let start = Instant::now();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(err.send_state(), None, "the server answered");
    assert_eq!(err.api().unwrap().retry_after, Some(20));
    assert_eq!(start.elapsed(), Duration::from_millis(40_000 + 30));
    assert_eq!(server.count("GET"), 3, "at 0 s, 20 s and 40 s");

    // A server that never answers, with no attempt timeout: the deadline alone ends the call.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| Act::Hang)
        .attempt_timeout(None)
        .timeout(Some(Duration::from_secs(7)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_secs(7)),
        "{err}"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn no_wait_starts_that_would_end_past_the_deadline() {
    // Trove's limiter refusing a create for 50 s, under a 45 s deadline: the typed 413 comes
    // back at once, saying the server answered, with the server's wait and one POST sent.
    let cases: [(&str, Act); 3] = [
        ("POST", over_limit(Some("50"), Some("50"))),
        (
            "POST",
            Act::Answer(429, vec![("retry-after", "50".into())], String::new()),
        ),
        (
            "GET",
            Act::Answer(503, vec![("retry-after", "50".into())], String::new()),
        ),
    ];
    for (method, act) in cases {
        let server = Server::with_latency(LATENCY);
        let c = client(&server, move |_, _| act.clone())
            .retry(patient_retry())
            .timeout(Some(Duration::from_secs(45)))
            .build()
            .unwrap();
        let start = Instant::now();
        let err = if method == "POST" {
            c.instances().create("db", "1").await.unwrap_err()
        } else {
            c.instances().get("i-1").await.unwrap_err()
        };
        assert!(err.api().is_some(), "{method}: {err:?}");
        assert_eq!(err.send_state(), None, "{method}: the server answered");
        assert_eq!(err.api().unwrap().retry_after, Some(50));
        assert_eq!(start.elapsed(), LATENCY, "{method}: no wait");
        assert_eq!(server.count(method), 1);
    }
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| over_limit(Some("50"), None))
        .retry(RetryConfig::default().max_retry_after(Duration::from_secs(60)))
        .timeout(Some(Duration::from_secs(45)))
        .build()
        .unwrap();
    let err = c.instances().create("db", "1").await.unwrap_err();
    assert!(err.is_over_limit());
    assert_eq!(err.fault_name(), Some("overLimit"));

    // A wait that fits is still taken; a backoff that does not is not.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, n| {
        if n == 0 {
            over_limit(Some("44"), None)
        } else {
            ok(INSTANCE)
        }
    })
    .retry(patient_retry())
    .timeout(Some(Duration::from_secs(45)))
    .build()
    .unwrap();
    let start = Instant::now();
    c.instances().create("db", "1").await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(44_000 + 20));
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| status(502))
        .retry(
            RetryConfig::default()
                .initial_backoff(Duration::from_secs(10))
                .jitter(false)
                .budget(None),
        )
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(start.elapsed(), LATENCY);
    assert_eq!(server.count("GET"), 1);
}

fn over_limit(retry_after_header: Option<&str>, retry_after_body: Option<&str>) -> Act {
    let body = match retry_after_body {
        Some(s) => format!(
            r#"{{"overLimit": {{"code": 413, "message": "This request was rate-limited.", "retryAfter": "{s}"}}}}"#
        ),
        None => {
            r#"{"overLimit": {"code": 413, "message": "This request was rate-limited."}}"#.into()
        }
    };
    let headers = retry_after_header
        .map(|h| vec![("retry-after", h.to_owned())])
        .unwrap_or_default();
    Act::Answer(413, headers, body)
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn over_limit_waits_for_retry_after_even_for_a_create() {
    for (header, body, wait) in [
        (Some("7"), None, 7),
        (None, Some("4"), 4),
        (Some("2"), Some("9"), 2),
    ] {
        let server = Server::with_latency(LATENCY);
        let c = client(&server, move |_, n| {
            if n == 0 {
                over_limit(header, body)
            } else {
                ok(INSTANCE)
            }
        })
        .build()
        .unwrap();
        let start = Instant::now();
        c.instances().create("db", "1").await.unwrap();
        assert_eq!(
            server.count("POST"),
            2,
            "a refused request was not processed"
        );
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(wait) + Duration::from_millis(20)
        );
    }
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn retry_after_is_capped_and_quotas_are_not_retried() {
    // Over the cap: no wait, and the error carries the server's value.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| over_limit(Some("120"), None))
        .retry(patient_retry())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.instances().get("i-1").await.unwrap_err();
    assert!(err.is_over_limit());
    assert_eq!(err.api().unwrap().retry_after, Some(120));
    assert_eq!(start.elapsed(), Duration::from_millis(10));
    assert_eq!(server.count("GET"), 1);

    // A 413 without Retry-After is a quota: retrying cannot help.
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| over_limit(None, None))
        .build()
        .unwrap();
    let err = c.instances().create("db", "1").await.unwrap_err();
    assert_eq!(err.fault_name(), Some("overLimit"));
    assert_eq!(server.count("POST"), 1);
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn too_many_requests_waits_for_retry_after_or_backs_off() {
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, n| match n {
        0 => Act::Answer(429, vec![("retry-after", "3".into())], String::new()),
        1 => status(429),
        _ => ok(INSTANCE),
    })
    .build()
    .unwrap();
    let start = Instant::now();
    c.instances().create("db", "1").await.unwrap();
    assert_eq!(server.count("POST"), 3);
    // 3 s as asked, then the second backoff (400 ms), plus three answers.
    assert_eq!(start.elapsed(), Duration::from_millis(3000 + 400 + 30));
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn an_empty_budget_stops_retries_across_clients() {
    let budget = Arc::new(TpsBudget::new(Duration::from_secs(10), 0, 0.0));
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| status(503))
        .retry(RetryConfig::default().budget(Some(budget)))
        .build()
        .unwrap();
    for _ in 0..3 {
        c.instances().get("i-1").await.unwrap_err();
    }
    assert_eq!(server.count("GET"), 3, "one attempt per call, no retry");

    // The default budget allows retries on a mostly healthy client.
    let server = Server::with_latency(LATENCY);
    let c = Client::builder()
        .token("t", "http://trove.test/v1.0/p1")
        .transport(server.transport(|_, n| {
            if n % 2 == 0 {
                status(503)
            } else {
                ok(INSTANCE)
            }
        }))
        .build()
        .unwrap();
    for _ in 0..5 {
        c.instances().get("i-1").await.unwrap();
    }
    assert_eq!(server.count("GET"), 10);
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn retries_can_be_turned_off() {
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| status(503))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    c.instances().get("i-1").await.unwrap_err();
    assert_eq!(server.count("GET"), 1);
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn rate_and_concurrency_limits_apply_across_clones() {
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| ok(INSTANCE))
        .rate_limit(2, Duration::from_secs(1))
        .build()
        .unwrap();
    let start = Instant::now();
    for _ in 0..5 {
        c.clone().instances().get("i-1").await.unwrap();
    }
    // Two at once, then one every 500 ms; the last answer takes 10 ms.
    assert_eq!(start.elapsed(), Duration::from_millis(1510));

    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| ok(INSTANCE))
        .concurrency_limit(2)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.instances().get("i-1").await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.max_in_flight(), 2);
    assert_eq!(server.count("GET"), 8);
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn call_layers_see_each_call_once_and_attempt_layers_every_attempt() {
    let calls = Arc::new(AtomicUsize::new(0));
    let attempts = Arc::new(AtomicUsize::new(0));
    let (c1, a1) = (calls.clone(), attempts.clone());
    let server = Server::with_latency(LATENCY);
    let c = client(
        &server,
        |_, n| if n < 2 { status(502) } else { ok(INSTANCE) },
    )
    .call_layer(tower::layer::layer_fn(move |s| Count(s, c1.clone())))
    .layer(tower::layer::layer_fn(move |s| Count(s, a1.clone())))
    .build()
    .unwrap();
    c.instances().get("i-1").await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn traces_name_every_attempt_and_never_show_tokens_or_bodies() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Server::with_latency(LATENCY);
    let c = client(&server, |method, n| match (method, n) {
        ("POST", _) => ok(INSTANCE),
        (_, 1) => status(503),
        _ => Act::Answer(
            401,
            vec![],
            r#"{"unauthorized": {"code": 401, "message": "tok-secret-123 is bad"}}"#.into(),
        ),
    })
    .build()
    .unwrap();
    let user = trove_types::instance::UserSpec::new("admin", "hunter2-Pa55word");
    c.instances().create("db", "1").user(user).await.unwrap();
    let _ = c.instances().get("i-1").await;
    drop(_guard);

    let text = logs.text();
    assert!(text.contains("trove.attempt"), "{text}");
    assert!(
        text.contains("path=\"/instances/{instance_id}\"")
            || text.contains("path=/instances/{instance_id}"),
        "{text}"
    );
    assert!(text.contains("attempt=2"), "{text}");
    assert!(text.contains("status=503"), "{text}");
    assert!(text.contains("req-1"), "request ids are recorded: {text}");
    for secret in ["tok-secret-123", "hunter2-Pa55word"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into traces: {text}"
        );
    }
}

#[tokio::test(start_paused = true)]
#[serial_test::serial]
async fn every_failure_says_whether_the_request_may_have_been_sent() {
    let server = Server::with_latency(LATENCY);
    let c = client(&server, |_, _| Act::Fail(SendState::NotSent))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    assert_eq!(
        c.instances().get("x").await.unwrap_err().send_state(),
        Some(SendState::NotSent)
    );
    // A transport whose errors are not classified counts as maybe sent.
    let c = Client::builder()
        .token("t", "http://trove.test/v1.0/p1")
        .transport(tower::service_fn(
            |_req: http::Request<Full<Bytes>>| async {
                Err::<http::Response<Full<Bytes>>, _>(std::io::Error::other("boom"))
            },
        ))
        .build()
        .unwrap();
    let err = c.instances().create("db", "1").await.unwrap_err();
    assert_eq!(err.send_state(), Some(SendState::MaybeSent));
}
