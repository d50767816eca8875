//! Property tests of the retry decision and of fault parsing in error answers: whatever the
//! status, headers and body, a request that is not idempotent is only replayed when the server
//! certainly did not process it, and reading an error answer never panics.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use proptest::prelude::*;
use trove_core::middleware::retry::{retry_after, retry_reason, RetryReason};
use trove_core::middleware::timeout::AttemptTimedOut;
use trove_core::request::operation::OperationInfo;
use trove_core::transport::TransportError;
use trove_core::{ApiError, BoxError, SendState};

fn request(method: Method, idempotent: Option<bool>) -> http::Request<Bytes> {
    let mut r = http::Request::builder()
        .method(method)
        .uri("/instances")
        .body(Bytes::new())
        .unwrap();
    if let Some(idempotent) = idempotent {
        r.extensions_mut().insert(OperationInfo {
            template: "/instances",
            idempotent,
        });
    }
    r
}

fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(vec![
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::POST,
        Method::PATCH,
    ])
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u32>().prop_map(|n| n.to_string()),
        Just("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()),
        "[ -~]{0,20}",
    ]
}

fn response(status: u16, header: Option<String>, body: Vec<u8>) -> Option<http::Response<Bytes>> {
    let mut b = http::Response::builder().status(status);
    if let Some(h) = header {
        b = b.header("retry-after", h);
    }
    b.body(Bytes::from(body)).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn a_non_idempotent_request_is_replayed_only_when_it_was_refused(
        method in method(),
        declared in prop::option::of(any::<bool>()),
        status in 100u16..600,
        header in prop::option::of(header_value()),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let req = request(method.clone(), declared);
        let idempotent = declared.unwrap_or(!matches!(method, Method::POST | Method::PATCH));
        let Some(resp) = response(status, header, body) else { return Ok(()) };
        let reason = retry_reason(&req, &Ok(resp));
        if let Some(RetryReason::Status { status, after }) = reason {
            let refused = status == 429 || (status == 413 && after.is_some());
            prop_assert!(refused || idempotent, "{method} {status} replayed");
            prop_assert!(refused || [502, 503, 504].contains(&status.as_u16()));
        }
    }

    #[test]
    fn transport_failures_replay_a_create_only_when_not_sent(
        method in method(),
        declared in prop::option::of(any::<bool>()),
        sent in any::<bool>(),
    ) {
        let state = if sent { SendState::MaybeSent } else { SendState::NotSent };
        let err: Result<http::Response<Bytes>, BoxError> =
            Err(Box::new(TransportError { state, source: "reset".into() }));
        let idempotent = declared.unwrap_or(!matches!(method, Method::POST | Method::PATCH));
        let reason = retry_reason(&request(method, declared), &err);
        prop_assert_eq!(reason.is_some(), !sent || idempotent);
    }

    #[test]
    fn error_answers_always_parse(
        status in 400u16..600,
        header in prop::option::of(header_value()),
        body in prop::collection::vec(any::<u8>(), 0..256),
        request_id in prop::option::of("[ -~]{0,40}"),
    ) {
        let Some(mut resp) = response(status, header.clone(), body) else { return Ok(()) };
        if let Some(id) = request_id.and_then(|i| http::HeaderValue::from_str(&i).ok()) {
            resp.headers_mut().insert("x-openstack-request-id", id);
        }
        let err = ApiError::from_response(Method::GET, "/x".into(), &resp);
        prop_assert_eq!(err.status.as_u16(), status);
        prop_assert!(!err.fault.name.is_empty());
        // The retry layer and the error agree on Retry-After.
        prop_assert_eq!(err.retry_after, retry_after(&resp));
        if let Some(n) = header.and_then(|h| h.trim().parse::<u64>().ok()) {
            prop_assert_eq!(err.retry_after, Some(n));
        }
        let _ = err.to_string();
    }
}

// The retry decision on fixed cases, beside the properties above.

fn answer(
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<http::Response<Bytes>, BoxError> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Ok(b.body(Bytes::from(body.to_owned())).unwrap())
}

fn failed(state: SendState) -> Result<http::Response<Bytes>, BoxError> {
    Err(Box::new(TransportError {
        state,
        source: "reset".into(),
    }))
}

#[test]
fn posts_are_replayed_only_when_nothing_was_processed() {
    let post = request(Method::POST, Some(false));
    let get = request(Method::GET, Some(true));
    assert_eq!(retry_reason(&post, &answer(503, &[], "")), None);
    assert!(retry_reason(&get, &answer(503, &[], "")).is_some());
    assert_eq!(retry_reason(&post, &failed(SendState::MaybeSent)), None);
    assert_eq!(
        retry_reason(&get, &failed(SendState::MaybeSent)),
        Some(RetryReason::MaybeSent)
    );
    assert_eq!(
        retry_reason(&post, &failed(SendState::NotSent)),
        Some(RetryReason::NotSent)
    );
    let timed_out: Result<http::Response<Bytes>, BoxError> =
        Err(Box::new(AttemptTimedOut(Duration::from_secs(1))));
    assert_eq!(retry_reason(&post, &timed_out), None);
    assert!(retry_reason(&request(Method::POST, Some(true)), &answer(502, &[], "")).is_some());
    // Without an OperationInfo the method decides.
    assert!(retry_reason(&request(Method::DELETE, None), &answer(504, &[], "")).is_some());
    assert_eq!(
        retry_reason(&request(Method::POST, None), &answer(504, &[], "")),
        None
    );
}

#[test]
fn rate_limits_are_retried_for_any_method_and_quotas_are_not() {
    let post = request(Method::POST, Some(false));
    let body = r#"{"overLimit": {"code": 413, "message": "slow", "retryAfter": "4"}}"#;
    assert_eq!(
        retry_reason(&post, &answer(413, &[], body)),
        Some(RetryReason::Status {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            after: Some(4)
        })
    );
    let quota = r#"{"overLimit": {"code": 413, "message": "Quota exceeded"}}"#;
    assert_eq!(retry_reason(&post, &answer(413, &[], quota)), None);
    assert_eq!(
        retry_reason(&post, &answer(429, &[("retry-after", "2")], "")),
        Some(RetryReason::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            after: Some(2)
        })
    );
    assert_eq!(retry_reason(&post, &answer(500, &[], "")), None);
    assert_eq!(retry_reason(&post, &answer(400, &[], "")), None);
}
