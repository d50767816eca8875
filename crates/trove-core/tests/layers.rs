//! Each of the SDK's own layers on its own, over a `tower-test` mock, as kube-rs tests its
//! middleware: the auth layer (endpoint, token, refresh, one replay after a 401, the token never
//! logged), the trace layer (its span, and no header in it) and the attempt timeout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use shared::{Logs, Numbered, ENDPOINT};
use tower::{Layer, ServiceExt};
use tower_test::mock;
use trove_auth::{Clock, EndpointFilter, NoHttp, TokenCache};
use trove_core::middleware::auth::AuthLayer;
use trove_core::middleware::timeout::{AttemptTimedOut, AttemptTimeoutLayer};
use trove_core::middleware::trace::TraceLayer;

type Request = http::Request<Bytes>;
type Response = http::Response<Bytes>;

/// A wall clock the test moves by hand.
#[derive(Debug)]
struct Manual(Mutex<SystemTime>);

impl Clock for Manual {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

impl Manual {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

/// An auth layer over a strategy issuing numbered tokens, its clock and its cache.
fn auth_layer() -> (AuthLayer, Arc<Manual>, Arc<TokenCache>) {
    let clock = Arc::new(Manual(Mutex::new(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000),
    )));
    let strategy = Numbered::expiring(clock.clone(), Duration::from_secs(600)).strategy();
    let cache = Arc::new(
        TokenCache::new(Arc::new(strategy), EndpointFilter::default())
            .with_clock(clock.clone())
            .with_refresh_margin(Duration::from_secs(60)),
    );
    (
        AuthLayer::new(cache.clone(), Arc::new(NoHttp)),
        clock,
        cache,
    )
}

fn get(path: &str) -> Request {
    http::Request::get(path).body(Bytes::new()).unwrap()
}

fn status(code: u16) -> Response {
    http::Response::builder()
        .status(code)
        .body(Bytes::new())
        .unwrap()
}

#[tokio::test]
async fn auth_resolves_the_endpoint_and_adds_the_token_marked_sensitive() {
    let (layer, _, _) = auth_layer();
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = layer.layer(mock);

    let call = tokio::spawn(service.oneshot(get("/instances?limit=5")));
    let (request, reply) = handle.next_request().await.unwrap();
    assert_eq!(request.uri(), &format!("{ENDPOINT}/instances?limit=5")[..]);
    let token = &request.headers()["x-auth-token"];
    assert_eq!(token, "tok-1");
    assert!(token.is_sensitive(), "the token is marked sensitive");
    reply.send_response(status(200));
    assert_eq!(call.await.unwrap().unwrap().status(), 200);
}

#[tokio::test]
async fn auth_passes_an_absolute_uri_untouched_and_without_a_token() {
    let (layer, _, cache) = auth_layer();
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = layer.layer(mock);

    let call = tokio::spawn(service.oneshot(get("http://keystone.test/v3")));
    let (request, reply) = handle.next_request().await.unwrap();
    assert_eq!(request.uri(), "http://keystone.test/v3");
    assert!(request.headers().get("x-auth-token").is_none());
    reply.send_response(status(200));
    call.await.unwrap().unwrap();
    assert_eq!(
        cache.auth_count(),
        0,
        "no authentication for an absolute URI"
    );
}

#[tokio::test]
async fn auth_replays_once_after_a_401_with_a_new_token_and_no_more() {
    let (layer, _, cache) = auth_layer();
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = layer.layer(mock);

    let call = tokio::spawn(service.oneshot(get("/instances")));
    let (first, reply) = handle.next_request().await.unwrap();
    assert_eq!(first.headers()["x-auth-token"], "tok-1");
    reply.send_response(status(401));
    let (second, reply) = handle.next_request().await.unwrap();
    assert_eq!(second.headers()["x-auth-token"], "tok-2");
    assert_eq!(second.uri(), first.uri());
    reply.send_response(status(401));

    // A second 401 is the caller's: no third request.
    assert_eq!(call.await.unwrap().unwrap().status(), 401);
    assert_eq!(cache.auth_count(), 2);
    // Every clone of the mock is gone with the call: a third request would still be queued.
    assert!(
        handle.next_request().await.is_none(),
        "no third attempt was sent"
    );
}

#[tokio::test]
async fn auth_refreshes_a_token_near_its_expiry_before_sending() {
    let (layer, clock, cache) = auth_layer();
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = layer.layer(mock);

    for (advance, expected) in [(0, "tok-1"), (300, "tok-1"), (250, "tok-2")] {
        clock.advance(Duration::from_secs(advance));
        let call = tokio::spawn(service.clone().oneshot(get("/flavors")));
        let (request, reply) = handle.next_request().await.unwrap();
        assert_eq!(
            request.headers()["x-auth-token"],
            expected,
            "after +{advance} s"
        );
        reply.send_response(status(200));
        call.await.unwrap().unwrap();
    }
    // 550 s into a 600 s token is inside the 60 s margin: replaced once.
    assert_eq!(cache.auth_count(), 2);
}

/// Captures everything logged at TRACE while `f` runs on this thread.
async fn logged<F: std::future::Future>(f: F) -> (F::Output, String) {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .with_span_events(
            tracing_subscriber::fmt::format::FmtSpan::NEW
                | tracing_subscriber::fmt::format::FmtSpan::CLOSE,
        )
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let out = f.await;
    drop(guard);
    (out, logs.text())
}

#[tokio::test(flavor = "current_thread")]
async fn neither_auth_nor_trace_ever_log_the_token() {
    let (layer, _, _) = auth_layer();
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = TraceLayer.layer(layer.layer(mock));

    let answer = async move {
        let (request, reply) = handle.next_request().await.unwrap();
        let mut response = status(401);
        response
            .headers_mut()
            .insert("x-openstack-request-id", "req-1".parse().unwrap());
        reply.send_response(response);
        let (_, reply) = handle.next_request().await.unwrap();
        reply.send_response(status(200));
        request
    };
    let ((result, request), log) =
        logged(async { futures::join!(service.oneshot(get("/instances/i-1")), answer) }).await;
    result.unwrap();
    assert_eq!(request.headers()["x-auth-token"], "tok-1");
    assert!(log.contains("trove.attempt"), "{log}");
    assert!(
        !log.contains("tok-1") && !log.contains("tok-2"),
        "a token leaked: {log}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn trace_records_method_path_status_and_request_id_in_its_span() {
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = TraceLayer.layer(mock);
    let answer = async move {
        let (_, reply) = handle.next_request().await.unwrap();
        let mut response = status(202);
        response
            .headers_mut()
            .insert("x-openstack-request-id", "req-abc".parse().unwrap());
        response
            .headers_mut()
            .insert("x-secret-header", "do-not-log".parse().unwrap());
        reply.send_response(response);
    };
    let (request, log) = logged(async {
        let mut request = get("/instances/i-1?deleted=true");
        request
            .headers_mut()
            .insert("x-auth-token", "a-token".parse().unwrap());
        futures::join!(service.oneshot(request), answer).0
    })
    .await;
    assert_eq!(request.unwrap().status(), 202);
    assert!(log.contains("trove.attempt"), "{log}");
    assert!(log.contains("method=GET"), "{log}");
    assert!(log.contains("path=\"/instances/i-1\""), "{log}");
    assert!(log.contains("status=202"), "{log}");
    assert!(log.contains("req-abc"), "{log}");
    assert!(
        !log.contains("a-token") && !log.contains("do-not-log"),
        "{log}"
    );
    assert!(
        !log.contains("deleted=true"),
        "the query is not recorded: {log}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_attempt_timeout_fails_a_slow_attempt_with_its_limit() {
    let (mock, mut handle) = mock::pair::<Request, Response>();
    let service = AttemptTimeoutLayer::new(Duration::from_secs(30)).layer(mock);

    let slow = tokio::spawn(service.clone().oneshot(get("/instances")));
    let (_request, _never_answered) = handle.next_request().await.unwrap();
    let err = slow.await.unwrap().unwrap_err();
    let timed_out = err.downcast_ref::<AttemptTimedOut>().unwrap();
    assert_eq!(timed_out.0, Duration::from_secs(30));

    let quick = tokio::spawn(service.oneshot(get("/instances")));
    let (_, reply) = handle.next_request().await.unwrap();
    tokio::time::sleep(Duration::from_secs(29)).await;
    reply.send_response(status(200));
    assert_eq!(quick.await.unwrap().unwrap().status(), 200);
}
