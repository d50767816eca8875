//! Trove 26.0.0's request schemas in the emulator: the verdict and 400 message of every body in
//! `schemas/expected-messages.json` (written by running Trove's own router, `get_schema`,
//! `Draft4Validator` and `format_validation_msg`, see `expected-messages.py`), and the answers
//! real captures show for schema violations.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use http::{Method, StatusCode};
use serde_json::Value;
use trove_emulator::request_schema::{self, Verdict};
use trove_emulator::{Config, Emulator};

use common::{send_raw, TENANT};

const EXPECTED: &str = include_str!("../schemas/expected-messages.json");

/// Every exported schema compiles with the `jsonschema` crate.
#[test]
fn every_trove_schema_compiles() {
    assert_eq!(request_schema::load_errors(), &[] as &[String]);
    let with_schema = request_schema::routes()
        .iter()
        .filter(|r| r.selection.is_some())
        .count();
    let doc: Value = serde_json::from_str(request_schema::TROVE_26_REQUEST_SCHEMAS).unwrap();
    let exported = doc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("schema").is_some() && r["controller"] != "UserAccessController")
        .count();
    assert_eq!(with_schema, exported);
}

/// Follows trove/common/wsgi.py `validate_request` and `format_validation_msg`, with each
/// controller's `get_schema` (trove/instance/service.py, trove/cluster/service.py,
/// trove/extensions/mgmt/*/service.py, trove/extensions/mysql/service.py).
#[test]
fn verdicts_and_messages_equal_trove_26() {
    let doc: Value = serde_json::from_str(EXPECTED).unwrap();
    let mut wrong = Vec::new();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 60);
    for case in cases {
        let method = case["method"].as_str().unwrap();
        let path = case["path"].as_str().unwrap().trim_start_matches("/v1.0");
        let body = case["body"].as_str().unwrap();
        let got = request_schema::check(method, path, body.as_bytes());
        let want = match case["expect"].as_str().unwrap() {
            "400" => Verdict::Invalid(case["message"].as_str().unwrap().to_owned()),
            "valid" => Verdict::Valid,
            "no-schema" | "no-route" => Verdict::NoSchema,
            "500" => Verdict::ServerError,
            other => panic!("unknown expectation {other}"),
        };
        if got != want {
            wrong.push(format!(
                "{method} {path} {body}\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A body the schema refuses is told apart from one it takes (the check can fail).
#[test]
fn a_refused_body_is_refused() {
    let path = "/12345/instances";
    let ok = br#"{"instance": {"name": "x", "flavorRef": "1"}}"#;
    assert_eq!(request_schema::check("POST", path, ok), Verdict::Valid);
    let bad = br#"{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": 0}}}"#;
    assert!(!request_schema::check("POST", path, bad).passes());
}

/// The emulator answers schema violations as the real captures in tests/fixtures/real-trove
/// show, before any controller rule (trove/common/wsgi.py `Resource.__call__` validates first).
#[tokio::test]
async fn emulator_answers_the_captured_validation_errors() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/real-trove"
    );
    let emulator = Emulator::new(Config::default());
    let svc = emulator.service();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("Validation error") {
            continue;
        }
        let cap: Value = serde_json::from_str(&text).unwrap();
        let req = &cap["request"];
        let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
        let headers = vec![
            ("Host".to_owned(), "localhost:8779".to_owned()),
            ("X-Auth-Token".to_owned(), TENANT.to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        let body = req["body_raw"].as_str().unwrap_or("").as_bytes().to_vec();
        let reply = send_raw(&svc, method, req["path"].as_str().unwrap(), &headers, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", path.display());
        assert_eq!(
            reply.json(),
            cap["response"]["body_json"],
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} captures with a validation error");
}

/// Trove validates before the controller looks the instance up, so a bad action body on an
/// unknown instance is a 400, not a 404 (trove/common/wsgi.py `Resource.__call__`).
#[tokio::test]
async fn validation_comes_before_the_lookup() {
    let emulator = Emulator::new(Config::default());
    let svc = emulator.service();
    let headers = vec![
        ("Host".to_owned(), "localhost:8779".to_owned()),
        ("X-Auth-Token".to_owned(), TENANT.to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let reply = send_raw(
        &svc,
        Method::POST,
        "/v1.0/12345/instances/11111111-2222-3333-4444-555555555555/action",
        &headers,
        br#"{"restart": []}"#.to_vec(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json()["badRequest"]["message"],
        "Validation error: restart [] is not of type 'object'"
    );
}

/// Python's `re.search` (jsonschema's `pattern`) lets `$` match before a final newline, so a
/// module whose contents end in a newline passes trove/common/apischema.py's pattern.
#[test]
fn a_final_newline_matches_dollar_as_in_python() {
    let body = br#"{"module": {"name": "m", "module_type": "ping", "contents": "ping\n"}}"#;
    assert_eq!(
        request_schema::check("POST", "/12345/modules", body),
        Verdict::Valid
    );
    let two = br#"{"module": {"name": "m", "module_type": "ping", "contents": "\n\n"}}"#;
    assert!(!request_schema::check("POST", "/12345/modules", two).passes());
}
