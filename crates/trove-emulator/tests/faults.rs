//! Fault injection in process (paused time) and the robustness of request parsing: the fault
//! plan's actions, its text form, and arbitrary requests (property tests plus a replay of the
//! `cargo fuzz` corpus) that must never panic the emulator or make it send broken JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::json;
use tokio::time::Instant;
use trove_emulator::{Config, Emulator, FaultAction, FaultPlan, FaultRule};

use common::send;

const TOKEN: &str = "12345";

/// An injected status answers with the fault name `trove/common/wsgi.py` `Fault` gives it,
/// 405 `badMethod` and 415 `badMediaType` included.
#[tokio::test(start_paused = true)]
async fn injected_statuses_carry_trove_wsgi_fault_names() {
    let emulator = Emulator::new(Config::with_reads(0));
    let svc = emulator.service();
    let path = "/v1.0/12345/instances";
    let cases = [
        (405, "badMethod"),
        (415, "badMediaType"),
        (409, "conflict"),
        (429, "tooManyRequests"),
        (502, "badGateway"),
        (503, "serviceUnavailable"),
    ];
    let plan: String = cases
        .iter()
        .map(|(status, _)| format!("GET * status={status} times=1\n"))
        .collect();
    emulator.set_faults(plan.parse().unwrap());
    for (status, name) in cases {
        let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
        assert_eq!(r.status.as_u16(), status);
        assert_eq!(r.json()[name]["code"], status, "{status}: {}", r.json());
    }
}

#[tokio::test(start_paused = true)]
async fn in_process_faults_answer_as_planned() {
    let emulator = Emulator::new(Config::with_reads(0));
    let svc = emulator.service();
    let path = "/v1.0/12345/instances";
    emulator.set_faults(
        "GET /v1.0/*/instances status=413 retry-after=7 times=1\n\
         GET /v1.0/*/instances delay=2s times=1\n\
         GET /v1.0/*/instances invalid-json times=1\n\
         GET * unauthorized times=1\n\
         GET * reset=before\n\
         GET * content-type=text/plain times=1"
            .parse()
            .unwrap(),
    );
    let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(r.json()["overLimit"]["retryAfter"], "7");

    let start = Instant::now();
    let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
    assert_eq!(
        (r.status, start.elapsed()),
        (StatusCode::OK, Duration::from_secs(2))
    );

    let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());

    let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Resets need a connection, so in process the next rule answers.
    let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.json(), json!({"instances": []}));
    assert_eq!(emulator.faults_fired(), 5);

    let r = send(&svc, Method::GET, path, Some(TOKEN), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(emulator.faults_fired(), 5);
}

#[tokio::test]
async fn a_truncated_body_is_shorter_than_its_length_and_state_still_changes() {
    let emulator = Emulator::new(Config::with_reads(0));
    emulator.set_faults(
        FaultPlan::new().rule(
            FaultRule::new(FaultAction::TruncateBody)
                .method(Method::POST)
                .times(1),
        ),
    );
    let body = json!({"instance": {"name": "db", "flavorRef": "1", "volume": {"size": 1}}});
    let r = send(
        &emulator.service(),
        Method::POST,
        "/v1.0/12345/instances",
        Some(TOKEN),
        Some(body),
    )
    .await;
    let declared: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(r.body.len() < declared, "{} < {declared}", r.body.len());
    assert_eq!(
        emulator.instance_count(TOKEN),
        1,
        "processed before the answer was cut"
    );
}

#[test]
fn plans_load_from_a_file_or_inline() {
    let dir = std::env::temp_dir().join(format!("trove-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("plan.txt");
    std::fs::write(
        &file,
        "# a comment\nPOST * reset=after times=1\n\nGET * status=503\n",
    )
    .unwrap();
    let from_file = FaultPlan::load(file.to_str().unwrap()).unwrap();
    let inline = FaultPlan::load("POST * reset=after times=1; GET * status=503").unwrap();
    assert_eq!(from_file, inline);
    assert_eq!(from_file.rules.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(FaultPlan::load("GET * status=abc").is_err());
}

/// Sends `method path body` straight to the router, as the fuzz target `emulator_request`
/// does, and checks the answer. The emulator is shared, so earlier inputs shape later ones.
fn exercise(emulator: &Emulator, first: u8, path: &str, body: &[u8]) {
    const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
    let method = METHODS[usize::from(first) % METHODS.len()];
    let uri = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/v1.0/12345/{path}")
    };
    let Ok(request) = http::Request::builder()
        .method(method)
        .uri(uri.as_str())
        .header("x-auth-token", TOKEN)
        .header("content-type", "application/json")
        .body(Bytes::copy_from_slice(body))
    else {
        return;
    };
    let response = emulator.service().call_bytes(request);
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let bytes = futures_ready(response.into_body());
    if json && !bytes.is_empty() {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .unwrap_or_else(|e| panic!("{method} {uri}: not JSON ({e})"));
    }
}

fn futures_ready(body: http_body_util::Full<Bytes>) -> Bytes {
    use std::future::Future;
    let mut future = std::pin::pin!(body.collect());
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(Ok(c)) => c.to_bytes(),
        _ => Bytes::new(),
    }
}

fn path_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "instances",
            "flavors",
            "datastores",
            "backups",
            "databases",
            "users",
            "root",
            "action",
            "limits",
            "configurations",
            "versions",
            "detail",
            "1",
            "mysql",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9%._~-]{0,12}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        Just(br#"{"instance": {"name": "x", "flavorRef": "1", "volume": {"size": 1}}}"#.to_vec()),
        Just(br#"{"restart": {}}"#.to_vec()),
        Just(br#"{"databases": [{"name": "d"}]}"#.to_vec()),
        Just(br#"{"users": [{"name": "u", "password": "p"}]}"#.to_vec()),
        (".{0,12}", any::<i64>()).prop_map(|(s, n)| {
            serde_json::to_vec(
                &json!({"instance": {"name": s, "flavorRef": n, "volume": {"size": n}}}),
            )
            .unwrap()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_requests_never_panic_nor_send_broken_json(
        requests in prop::collection::vec(
            (any::<u8>(), prop::collection::vec(path_segment(), 0..5), "(\\?[a-z]{0,6}=[ -~]{0,8})?", body()),
            1..8,
        ),
    ) {
        let emulator = Emulator::new(Config::with_reads(0));
        for (first, segments, query, body) in requests {
            exercise(&emulator, first, &format!("{}{query}", segments.join("/")), &body);
        }
    }

    #[test]
    fn any_fault_spec_parses_or_is_rejected(spec in "[ -~\n;#=*/]{0,80}") {
        let _ = spec.parse::<FaultPlan>();
    }
}

#[test]
fn the_fuzz_corpus_replays_without_panics() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let emulator = Emulator::new(Config::with_reads(1));
    let mut replayed = 0;
    for entry in std::fs::read_dir(root.join("emulator_request"))
        .unwrap()
        .flatten()
    {
        let data = std::fs::read(entry.path()).unwrap();
        let Some((&first, rest)) = data.split_first() else {
            continue;
        };
        let (path, body) = match rest.iter().position(|b| *b == b'\n') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, &[][..]),
        };
        if let Ok(path) = std::str::from_utf8(path) {
            exercise(&emulator, first, path, body);
        }
        replayed += 1;
    }
    for entry in std::fs::read_dir(root.join("fault_spec"))
        .unwrap()
        .flatten()
    {
        let _ = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).parse::<FaultPlan>();
        replayed += 1;
    }
    assert!(replayed > 50, "only {replayed} corpus entries");
}
