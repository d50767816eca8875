//! The TCP server: `start()` on a free port, a real hyper client round trip, and shutdown.

// Tests fail by panicking; helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use trove_emulator::{Config, Emulator};

#[tokio::test]
async fn serves_over_tcp_and_shuts_down() {
    let server = Emulator::start(Config::default()).await.expect("bind");
    let url = server.url();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );

    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let req = http::Request::get(format!("{url}/v1.0/12345/flavors"))
        .header("X-Auth-Token", "12345")
        .body(Empty::new())
        .expect("request");
    let resp = tokio::time::timeout(std::time::Duration::from_secs(10), client.request(req))
        .await
        .expect("in time")
        .expect("response");
    assert_eq!(resp.status(), 200);
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let href = v["flavors"][0]["links"][0]["href"].as_str().expect("href");
    assert_eq!(
        href,
        format!("https://{}/v1.0/12345/flavors/1", server.addr())
    );
    assert_eq!(server.emulator().request_count(), 1);

    let addr = server.addr();
    drop(client);
    tokio::time::timeout(std::time::Duration::from_secs(10), server.shutdown())
        .await
        .expect("shutdown in time");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "port closed after shutdown"
    );
}
