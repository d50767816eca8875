//! Decodes answers the real servers gave (`tests/fixtures/rate-limits/`): Trove's 413
//! `overLimit` from its rate limiter and the 401 of an expired or unknown token, and checks
//! what a caller is told about them.

// A test that cannot read its fixture should fail loudly.
#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use http::Method;
use serde_json::Value;
use trove_core::middleware::retry::{retry_reason, RetryReason};
use trove_core::{ApiError, Error};

/// Rebuilds the captured response of fixture `name`.
fn captured(name: &str) -> http::Response<Bytes> {
    let path = format!(
        "{}/../../tests/fixtures/rate-limits/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let response = &fixture["response"];
    let mut b = http::Response::builder().status(response["status"].as_u64().unwrap() as u16);
    for pair in response["headers"].as_array().unwrap() {
        b = b.header(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
    }
    b.body(Bytes::from(
        response["body_raw"].as_str().unwrap().to_owned(),
    ))
    .unwrap()
}

#[test]
fn trove_rate_limit_decodes_with_its_wait_and_reads_as_trove_words() {
    // Follows trove/common/wsgi.py OverLimitFault: retryAfter is a string of seconds.
    let response = captured("413-over-limit-get.json");
    let e = ApiError::from_response(Method::GET, "/instances".into(), &response);
    assert_eq!(e.fault.name, "overLimit");
    assert_eq!(e.fault.message, "This request was rate-limited.");
    assert_eq!(
        e.fault.details.as_deref(),
        Some("Only 30 GET request(s) can be made to * every minute.")
    );
    assert_eq!(e.fault.retry_after, Some(2), "the body's string");
    assert_eq!(e.retry_after, Some(2));
    assert_eq!(e.request_id, None);
    assert_eq!(
        e.to_string(),
        "GET /instances failed: rate-limited by the server (overLimit): Only 30 GET \
         request(s) can be made to * every minute.; retry after 2 s (request id -)"
    );
    let error = Error::from(e);
    assert!(error.is_over_limit());
    assert_eq!(error.send_state(), None, "the server answered");
    assert!(!error.to_string().contains("Payload Too Large"));

    let request = http::Request::post("/instances")
        .body(Bytes::new())
        .unwrap();
    assert_eq!(
        retry_reason(&request, &Ok(response)),
        Some(RetryReason::Status {
            status: http::StatusCode::PAYLOAD_TOO_LARGE,
            after: Some(2)
        }),
        "a rate-limited create is refused, not processed, so it may wait and go again"
    );
}

#[test]
fn a_quota_413_names_the_fault_without_http_reason() {
    let response = http::Response::builder()
        .status(413)
        .body(Bytes::from_static(
            br#"{"overLimit": {"code": 413, "message": "Quota exceeded for resources: ['instances']."}}"#,
        ))
        .unwrap();
    let e = ApiError::from_response(Method::POST, "/instances".into(), &response);
    assert_eq!(
        e.to_string(),
        "POST /instances failed: 413 overLimit: Quota exceeded for resources: ['instances']. \
         (request id -)"
    );
}

#[test]
fn an_expired_token_answer_decodes_as_unauthorized() {
    // Keystone middleware in front of Trove: `{"error": {...}}`, Www-Authenticate, no id.
    let response = captured("401-expired-token.json");
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Keystone uri="));
    let e = ApiError::from_response(Method::GET, "/instances".into(), &response);
    assert_eq!(e.fault.name, "unauthorized");
    assert_eq!(
        e.fault.message,
        "The request you have made requires authentication."
    );
    assert_eq!(e.retry_after, None);
    assert!(Error::from(e).is_unauthorized());
    let request = http::Request::get("/instances").body(Bytes::new()).unwrap();
    assert_eq!(
        retry_reason(&request, &Ok(response)),
        None,
        "auth replays it"
    );
}
