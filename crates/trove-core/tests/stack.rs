//! Drives the whole client stack over a scripted transport: endpoint resolution, token
//! injection, re-auth after 401, pagination markers, error and decode failures, user layers.

// A test that cannot set up its scripted server should fail loudly.
#![allow(clippy::unwrap_used)]

mod scripted;
mod shared;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use http_body_util::Full;
use scripted::{answer, Count, Seen, Server};
use shared::{collect_all, Numbered};
use tower::util::MapRequestLayer;
use trove_core::request::operation::OperationInfo;
use trove_core::{Attempt, Client, Error, RetryConfig};

const INSTANCE: &str =
    r#"{"instance": {"id": "i-1", "name": "db", "status": "ACTIVE", "links": []}}"#;

#[tokio::test]
async fn relative_requests_go_to_the_session_endpoint_with_the_token() {
    let server = Server::default();
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .transport(server.transport(|_, _| answer(200, INSTANCE)))
        .build()
        .unwrap();
    let instance = client.instances().get("i-1").await.unwrap();
    assert_eq!(instance.name, "db");
    assert_eq!(
        server.seen()[0],
        Seen {
            method: "GET".into(),
            uri: "http://trove.test/v1.0/p1/instances/i-1".into(),
            token: Some("tok-1".into())
        }
    );
}

#[tokio::test]
async fn a_401_causes_one_reauth_and_one_replay_never_a_loop() {
    let server = Server::default();
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .transport(server.transport(|req, _| {
            if req.headers()["x-auth-token"] == "tok-1" {
                answer(
                    401,
                    r#"{"unauthorized": {"code": 401, "message": "expired"}}"#,
                )
            } else {
                answer(200, INSTANCE)
            }
        }))
        .build()
        .unwrap();
    client.instances().get("i-1").await.unwrap();
    assert_eq!(client.auth_count(), 2);
    let tokens: Vec<_> = server
        .seen()
        .into_iter()
        .map(|s| s.token.unwrap())
        .collect();
    assert_eq!(tokens, ["tok-1", "tok-2"]);

    // A server that refuses every token gets exactly two tries, and the 401 is returned.
    let server = Server::default();
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .transport(server.transport(|_, _| answer(401, "{}")))
        .build()
        .unwrap();
    let err = client.instances().get("i-1").await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert_eq!(server.seen().len(), 2);
}

/// A caller's own extension, set above retry by a call layer.
#[derive(Clone, Debug, PartialEq)]
struct Tag(&'static str);

#[tokio::test(start_paused = true)]
async fn retries_and_the_401_replay_carry_the_extensions_of_the_original() {
    for tagged in [false, true] {
        // 503 (retry replays the call), 401 (auth replays the attempt), then 200.
        let server = Server::default();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        let mut builder = Client::builder()
            .auth(Numbered::default().strategy())
            .retry(RetryConfig::default().jitter(false).budget(None))
            .transport(server.transport(move |req, n| {
                let ext = req.extensions();
                log.lock().unwrap().push((
                    Attempt::of(ext),
                    ext.get::<OperationInfo>()
                        .map(|i| (i.template, i.idempotent)),
                    ext.get::<Tag>().cloned(),
                ));
                match n {
                    0 => answer(503, ""),
                    1 => answer(401, "{}"),
                    _ => answer(200, INSTANCE),
                }
            }));
        if tagged {
            builder =
                builder.call_layer(MapRequestLayer::new(|mut r: http::Request<Full<Bytes>>| {
                    r.extensions_mut().insert(Tag("mine"));
                    r
                }));
        }
        builder
            .build()
            .unwrap()
            .instances()
            .get("i-1")
            .await
            .unwrap();
        let op = Some(("/instances/{instance_id}", true));
        let tag = tagged.then_some(Tag("mine"));
        assert_eq!(
            *sent.lock().unwrap(),
            [(1, op, tag.clone()), (2, op, tag.clone()), (2, op, tag)],
            "tagged: {tagged}"
        );
    }
}

#[tokio::test]
async fn the_marker_comes_from_the_next_href_and_the_request_stays_on_our_endpoint() {
    let server = Server::default();
    // The server's next link is https, on another host, and its marker is not the last item's id.
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .transport(server.transport(|req, _| {
            let item = |id: &str| format!(r#"{{"id": "{id}", "name": "{id}", "status": "ACTIVE"}}"#);
            if req.uri().query().unwrap_or_default().contains("marker=m-cut") {
                answer(200, format!(r#"{{"instances": [{}]}}"#, item("c")))
            } else {
                answer(
                    200,
                    format!(
                        r#"{{"instances": [{}, {}], "links": [{{"rel": "next",
                        "href": "https://proxy.example:443/v1.0/p1/instances?limit=2&marker=m-cut"}}]}}"#,
                        item("b"),
                        item("a")
                    ),
                )
            }
        }))
        .build()
        .unwrap();
    let page = client.instances().list().limit(2).await.unwrap();
    assert_eq!((page.len(), page.next.as_deref()), (2, Some("m-cut")));
    let all = collect_all(client.instances().list().limit(2).into_stream()).await;
    let names: Vec<_> = all.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["b", "a", "c"]);
    let uris: Vec<_> = server.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris[2],
        "http://trove.test/v1.0/p1/instances?limit=2&marker=m-cut"
    );
}

#[tokio::test]
async fn a_stream_stops_when_the_server_repeats_the_marker() {
    let server = Server::default();
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .transport(server.transport(|_, _| {
            answer(
                200,
                r#"{"instances": [{"id": "x", "status": "ACTIVE"}],
                   "links": [{"rel": "next", "href": "https://h/i?marker=same"}]}"#,
            )
        }))
        .build()
        .unwrap();
    let all = collect_all(client.instances().list().into_stream()).await;
    assert_eq!(
        all.len(),
        2,
        "first page, then the page for `same`, then stop"
    );
    assert_eq!(server.seen().len(), 2);
}

// Paused: the 502 is retried after the default backoff.
#[tokio::test(start_paused = true)]
async fn errors_are_typed_and_malformed_answers_are_errors_not_panics() {
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .transport(Server::default().transport(|req, _| match req.uri().path() {
            "/v1.0/p1/instances/gone" => answer(
                404,
                r#"{"itemNotFound": {"code": 404, "message": "Resource gone cannot be found."}}"#,
            ),
            "/v1.0/p1/instances/html" => answer(502, "<html>Bad Gateway</html>"),
            "/v1.0/p1/instances/garbage" => {
                answer(200, r#"{"instance": {"id": 5, "status": []}}"#)
            }
            _ => answer(200, "not json"),
        }))
        .build()
        .unwrap();
    let err = client.instances().get("gone").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.fault_name(), Some("itemNotFound"));
    assert_eq!(err.request_id(), Some("req-0"));

    let err = client.instances().get("html").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.to_string().contains("Bad Gateway"));

    match client.instances().get("garbage").await.unwrap_err() {
        Error::Decode(d) => assert_eq!(d.at, "instance.status"),
        other => panic!("expected a decode error, got {other}"),
    }
    assert!(matches!(
        client.instances().get("other").await.unwrap_err(),
        Error::Decode { .. }
    ));
}

#[tokio::test]
async fn absolute_urls_carry_no_token_and_need_no_auth() {
    let server = Server::default();
    let client = Client::builder()
        .transport(server.transport(|_, _| {
            answer(200, r#"{"versions": [{"id": "v1.0", "status": "CURRENT", "links": [{"rel": "self", "href": "http://localhost:8779/v1.0/"}]}]}"#)
        }))
        .build()
        .unwrap();
    let versions = client
        .versions()
        .index("http://localhost:8779")
        .await
        .unwrap();
    assert_eq!(versions[0].self_link(), Some("http://localhost:8779/v1.0/"));
    assert_eq!(
        server.seen()[0],
        Seen {
            method: "GET".into(),
            uri: "http://localhost:8779/".into(),
            token: None
        }
    );
    // Without auth, endpoint-relative calls fail before any request.
    assert!(matches!(
        client.instances().get("x").await.unwrap_err(),
        Error::InvalidRequest(_)
    ));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn user_layers_see_every_request_including_replays() {
    let count = Arc::new(AtomicUsize::new(0));
    let c2 = count.clone();
    let client = Client::builder()
        .auth(Numbered::default().strategy())
        .layer(tower::layer::layer_fn(move |inner| {
            Count(inner, c2.clone())
        }))
        .transport(Server::default().transport(|_, _| answer(200, INSTANCE)))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.instances().get("i-1").await.unwrap();
    }
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn secrets_never_show_in_debug_output() {
    let client = Client::new(
        "jsmith",
        "pa55-w0rd",
        "demo",
        "http://keystone.test:5000/v3",
    )
    .build()
    .unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("pa55-w0rd"), "{shown}");
}
