//! The emulator's request parsing and handlers: the first byte picks the method, the bytes up
//! to the first newline are the path below `/v1.0/12345/` (with query), the rest the body. The
//! emulator keeps its state across inputs, so creates feed later actions. It must never panic
//! and every non-empty answer it labels JSON must be JSON.

#![no_main]

use std::future::Future;
use std::sync::OnceLock;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use trove_emulator::{Config, Emulator, EmulatorService};

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

fn service() -> &'static EmulatorService {
    static SERVICE: OnceLock<EmulatorService> = OnceLock::new();
    SERVICE.get_or_init(|| Emulator::new(Config::with_reads(1)).service())
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let method = METHODS[usize::from(first) % METHODS.len()];
    let (path, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(path) = std::str::from_utf8(path) else {
        return;
    };
    let uri = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/v1.0/12345/{path}")
    };
    let Ok(request) = http::Request::builder()
        .method(method)
        .uri(uri.as_str())
        .header("x-auth-token", "12345")
        .header("content-type", "application/json")
        .body(Bytes::copy_from_slice(body))
    else {
        return;
    };
    let response = service().call_bytes(request);
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let body = futures_body(response.into_body());
    if json && !body.is_empty() {
        serde_json::from_slice::<serde_json::Value>(&body).expect("a JSON answer is JSON");
    }
});

/// Reads a `Full<Bytes>` body without a runtime: it is ready at once.
fn futures_body(body: http_body_util::Full<Bytes>) -> Bytes {
    use http_body_util::BodyExt;
    let mut future = std::pin::pin!(body.collect());
    let waker = std::task::Waker::noop();
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(waker))
    {
        std::task::Poll::Ready(Ok(collected)) => collected.to_bytes(),
        _ => Bytes::new(),
    }
}
