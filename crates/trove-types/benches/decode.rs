//! Criterion benchmarks of the wire models' hot paths: decoding one instance, decoding a
//! 1000-instance page, and taking the marker out of a `next` link.
//!
//! The bodies have the shape and size of the shared bench harness's fixtures (744 B instance,
//! 734 KB page). `page_1000_floor_struct` decodes the same page into the harness floor's
//! 12-field struct, so the full model's own cost shows without a server. Run with
//! `cargo bench -p troveclient-types --bench decode`.

#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use serde_json::{json, Value};
use trove_types::instance::{InstanceEnvelope, InstanceList};
use trove_types::{next_marker, Link, Paged};

const BASE: &str = "http://127.0.0.1:18779";

/// One instance as the harness's `make_fixtures.py` writes it.
fn instance(i: usize) -> Value {
    let id = format!("{:08x}-2027-5d44-90b0-{:012x}", i, i);
    json!({
        "id": id,
        "name": format!("bench-db-{i:04}"),
        "status": "ACTIVE",
        "flavor": {"id": "1", "links": [
            {"href": format!("{BASE}/v1.0/12345/flavors/1"), "rel": "self"},
            {"href": format!("{BASE}/flavors/1"), "rel": "bookmark"}]},
        "volume": {"size": 1, "used": 0.1},
        "datastore": {"type": "mysql", "version": "5.7"},
        "links": [
            {"href": format!("{BASE}/v1.0/12345/instances/{id}"), "rel": "self"},
            {"href": format!("{BASE}/instances/{id}"), "rel": "bookmark"}],
        "created": format!("2024-01-{:02}T10:{:02}:{:02}", 1 + i % 28, i % 60, (i * 7) % 60),
        "updated": format!("2024-02-{:02}T11:{:02}:{:02}", 1 + i % 28, i % 60, (i * 11) % 60),
        "ip": [format!("10.0.{}.{}", i / 250, 2 + i % 250)],
        "region": "RegionOne",
        "tenant_id": "7c9ab1a4d4f24d5f9d4b6f1e2c3a4b5d",
    })
}

fn page(n: usize) -> Vec<u8> {
    let items: Vec<Value> = (0..n).map(instance).collect();
    let last = items[n - 1]["id"].as_str().unwrap_or_default().to_owned();
    serde_json::to_vec(&json!({
        "instances": items,
        "links": [{"href": format!("{BASE}/v1.0/12345/instances?marker={last}"), "rel": "next"}],
    }))
    .unwrap_or_default()
}

/// The benchmark harness floor's instance: only the fields the page carries, plain strings.
#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorInstance {
    id: String,
    name: String,
    status: String,
    flavor: FloorFlavor,
    volume: Option<FloorVolume>,
    datastore: FloorDatastore,
    #[serde(default)]
    links: Vec<Link>,
    created: String,
    updated: String,
    #[serde(default)]
    ip: Vec<String>,
    region: Option<String>,
    tenant_id: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorFlavor {
    id: String,
    #[serde(default)]
    links: Vec<Link>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorVolume {
    size: u64,
    used: Option<f64>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorDatastore {
    #[serde(rename = "type")]
    kind: String,
    version: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorList {
    instances: Vec<FloorInstance>,
    #[serde(default)]
    links: Vec<Link>,
}

fn bench_decode(c: &mut Criterion) {
    let one = serde_json::to_vec(&json!({"instance": instance(0)})).unwrap_or_default();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(one.len() as u64));
    g.bench_function("instance", |b| {
        b.iter(|| serde_json::from_slice::<InstanceEnvelope>(black_box(&one)))
    });
    let big = page(1000);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("page_1000", |b| {
        b.iter(|| serde_json::from_slice::<InstanceList>(black_box(&big)))
    });
    g.bench_function("page_1000_floor_struct", |b| {
        b.iter(|| serde_json::from_slice::<FloorList>(black_box(&big)))
    });
    g.finish();
}

fn bench_marker(c: &mut Criterion) {
    let body = page(20);
    let links = serde_json::from_slice::<InstanceList>(&body)
        .map(|l| l.into_parts().1)
        .unwrap_or_default();
    c.bench_function("next_marker", |b| b.iter(|| next_marker(black_box(&links))));
    let escaped = [Link::new(
        "next",
        "https://h:8779/v1.0/12345/users?limit=20&marker=jo%2540localhost",
    )];
    c.bench_function("next_marker_escaped", |b| {
        b.iter(|| next_marker(black_box(&escaped)))
    });
}

criterion_group!(benches, bench_decode, bench_marker);
criterion_main!(benches);
