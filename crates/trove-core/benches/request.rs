//! Criterion benchmarks of the client's per-call hot paths: building a request, extracting the
//! next marker from a decoded page, decoding through an operation, and a whole `get` through
//! the assembled stack over an in-memory transport (no sockets), which is the SDK's own cost
//! per call.
//!
//! Run with `cargo bench -p troveclient-core --bench request`.

#![allow(missing_docs)]
// A benchmark measures real elapsed time, which the project's clock rule is not about.
#![allow(clippy::disallowed_methods)]

use std::convert::Infallible;

use bytes::Bytes;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use http::{Method, StatusCode};
use http_body_util::Full;
use trove_core::request::routes::{self, Route};
use trove_core::{Client, Operation, Page};
use trove_types::instance::{InstanceEnvelope, InstanceList};

const ID: &str = "32b26877-2027-5d44-90b0-1fbe0b4c5e6e";

fn instance_json(i: usize) -> String {
    format!(
        r#"{{"id": "{i:08x}-2027-5d44-90b0-1fbe0b4c5e6e", "name": "bench-db-{i:04}", "status": "ACTIVE", "flavor": {{"id": "1", "links": [{{"href": "http://127.0.0.1:18779/v1.0/12345/flavors/1", "rel": "self"}}, {{"href": "http://127.0.0.1:18779/flavors/1", "rel": "bookmark"}}]}}, "volume": {{"size": 1, "used": 0.1}}, "datastore": {{"type": "mysql", "version": "5.7"}}, "links": [{{"href": "http://127.0.0.1:18779/v1.0/12345/instances/{i:08x}", "rel": "self"}}, {{"href": "http://127.0.0.1:18779/instances/{i:08x}", "rel": "bookmark"}}], "created": "2024-01-01T10:00:00", "updated": "2024-02-01T11:00:00", "ip": ["10.0.0.2"], "region": "RegionOne", "tenant_id": "7c9ab1a4d4f24d5f9d4b6f1e2c3a4b5d"}}"#
    )
}

fn page_json(n: usize) -> Bytes {
    let items: Vec<String> = (0..n).map(instance_json).collect();
    Bytes::from(format!(
        r#"{{"instances": [{}], "links": [{{"href": "https://127.0.0.1:18779/v1.0/12345/instances?limit={n}&marker={:08x}-2027-5d44-90b0-1fbe0b4c5e6e", "rel": "next"}}]}}"#,
        items.join(", "),
        n - 1
    ))
}

fn get_operation(id: &str) -> Operation<InstanceEnvelope> {
    Operation::json(&routes::INSTANCE_GET, &[id])
}

/// `GET /instances/{id}` with the answer left undecoded, as a program that wants only the bytes
/// declares it.
static RAW_GET: Route = Route {
    name: "instances get, answer ignored",
    method: Method::GET,
    template: "/instances/{id}",
    request: None,
    response: "()",
    status: http::StatusCode::OK,
    query: &[],
    offset_marker: false,
};

fn list_op(marker: Option<&str>) -> Operation<InstanceList> {
    Operation::json(&routes::INSTANCE_LIST, &[])
        .query("limit", Some(20))
        .query("marker", marker)
}

fn bench_build(c: &mut Criterion) {
    c.bench_function("build_request/get", |b| {
        b.iter(|| get_operation(black_box(ID)).to_request())
    });
    c.bench_function("build_request/list_with_marker", |b| {
        b.iter(|| list_op(black_box(Some(ID))).to_request())
    });
}

fn bench_decode(c: &mut Criterion) {
    let one = Bytes::from(format!(r#"{{"instance": {}}}"#, instance_json(0)));
    let get = get_operation(ID);
    c.bench_function("operation_decode/instance", |b| {
        b.iter(|| get.decode(StatusCode::OK, black_box(&one)))
    });
    let big = page_json(1000);
    let list = list_op(None);
    c.bench_function("operation_decode/page_1000", |b| {
        b.iter(|| list.decode(StatusCode::OK, black_box(&big)))
    });
    let twenty = page_json(20);
    c.bench_function("page_marker/page_20", |b| {
        b.iter(|| {
            list.decode(StatusCode::OK, black_box(&twenty))
                .map(|e| Page::from_envelope(e).next)
        })
    });
}

fn bench_call(c: &mut Criterion) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let body = Bytes::from(format!(r#"{{"instance": {}}}"#, instance_json(0)));
    // A transport that answers every request with the same canned body, so the measurement is
    // the stack (auth, tracing, timeouts, retry, decode) and nothing of a network.
    let transport = tower::service_fn(move |_req: http::Request<Full<Bytes>>| {
        let body = body.clone();
        async move {
            Ok::<_, Infallible>(
                http::Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(Full::new(body))
                    .unwrap_or_default(),
            )
        }
    });
    let Ok(client) = Client::builder()
        .token("x", "http://127.0.0.1:18779/v1.0/12345")
        .transport(transport)
        .build()
    else {
        return;
    };
    c.bench_function("client_call/get_in_memory", |b| {
        b.iter(|| rt.block_on(client.instances().get(black_box(ID))))
    });

    // The same calls from two worker threads at once, one client shared: what the cores pay
    // for what they share (the token cache, reference counts, the retry budget). Each
    // measurement splits `iters` calls between two tasks; the time is per call.
    let Ok(multi) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return;
    };
    let raw = || Operation::empty(&RAW_GET, &[ID]);
    for (name, decode) in [
        ("client_call/get_in_memory_2_threads", true),
        ("client_call/get_raw_in_memory_2_threads", false),
    ] {
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                multi.block_on(async {
                    let start = std::time::Instant::now();
                    let tasks: Vec<_> = [iters / 2, iters - iters / 2]
                        .into_iter()
                        .map(|n| {
                            let client = client.clone();
                            tokio::spawn(async move {
                                for _ in 0..n {
                                    if decode {
                                        let _ = black_box(client.instances().get(ID).await);
                                    } else {
                                        let _ = black_box(client.execute(raw()).await);
                                    }
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        let _ = task.await;
                    }
                    start.elapsed()
                })
            })
        });
    }
}

criterion_group!(benches, bench_build, bench_decode, bench_call);
criterion_main!(benches);
