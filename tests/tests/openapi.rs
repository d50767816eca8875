//! The OpenAPI document: the committed file is what the generator makes, it has one operation
//! per route of the table, its references resolve, and the success statuses it declares are
//! the ones the real Trove 26.0.0 answered with (tests/fixtures/real-trove).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use serde_json::Value;
use trove_tests::{openapi, real_captures, workspace_root};
use troveclient::stack::routes;

/// `cargo xtask openapi` runs this test with `TROVE_OPENAPI_WRITE=1` to write the file.
#[test]
fn the_committed_document_is_the_generated_one() {
    let path = workspace_root().join(openapi::PATH);
    let generated = openapi::render();
    if std::env::var_os("TROVE_OPENAPI_WRITE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is not what the generator makes from the route table and the models: run `cargo xtask openapi` and commit the file",
        openapi::PATH
    );
}

#[test]
fn every_route_of_the_table_is_an_operation_with_an_id_of_its_own() {
    let doc = openapi::document();
    let mut pairs = BTreeSet::new();
    for r in routes::all() {
        let method = r.method.as_str().to_lowercase();
        let op = &doc["paths"][r.template][&method];
        assert!(
            op.is_object(),
            "{} {} is not in the document",
            r.method,
            r.template
        );
        let summary = op["summary"].as_str().unwrap();
        assert!(
            summary.split("; ").any(|s| s == r.name),
            "{}: {summary}",
            r.name
        );
        assert!(
            op["responses"][r.status.as_str()].is_object(),
            "{}: no {} answer",
            r.name,
            r.status
        );
        pairs.insert((method, r.template));
    }
    let mut ids = BTreeSet::new();
    let mut operations = 0;
    for (_, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "servers" {
                continue;
            }
            operations += 1;
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
        }
    }
    assert_eq!(operations, pairs.len(), "one operation per method and path");
    assert!(operations >= 100, "{operations} operations");
    for root in ["/", "/{version}/"] {
        assert!(doc["paths"][root]["get"].is_object(), "GET {root}");
    }
}

/// Collects every `$ref` of a JSON value.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_inside_the_document() {
    let doc = openapi::document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 100, "{} references", found.len());
    for r in found {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} points outside the document"));
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
}

#[test]
fn success_statuses_are_the_ones_the_real_server_answered() {
    let mut checked = 0;
    for (name, capture) in real_captures() {
        let (Some(method), Some(path), Some(status)) = (
            capture["request"]["method"].as_str(),
            capture["request"]["path"].as_str(),
            capture["response"]["status"].as_u64(),
        ) else {
            continue;
        };
        if !(200..300).contains(&status) {
            continue;
        }
        let route = openapi::route_of(method, path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            u64::from(route.status.as_u16()),
            status,
            "{name}: {}",
            route.name
        );
        checked += 1;
    }
    assert!(checked >= 50, "{checked} captures checked");
}
