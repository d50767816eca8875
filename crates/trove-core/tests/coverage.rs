//! Keeps `docs/coverage.md` honest: every route of the v1.0 contract has a row, every row names
//! a facade method that exists and an integration test function that exists, and the emulator
//! serves it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Row {
    method: String,
    path: String,
    facade: String,
    emulator: String,
    test: String,
    schema: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(repo().join("docs/coverage.md")).unwrap();
    text.lines()
        .filter(|l| {
            ["| GET", "| POST", "| PUT", "| PATCH", "| DELETE"]
                .iter()
                .any(|m| l.starts_with(m))
        })
        .map(|l| {
            let cells: Vec<String> = l.split('|').map(|c| c.trim().to_owned()).collect();
            Row {
                method: cells[1].clone(),
                path: cells[2].trim_matches('`').to_owned(),
                facade: cells[3].clone(),
                emulator: cells[4].clone(),
                test: cells[5].clone(),
                schema: cells[6].clone(),
            }
        })
        .collect()
}

/// Every function name of the client's handlers in `api/` (methods and trait methods).
fn facade_methods() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // Handlers live in trove-core's api/; helpers on the returned models in trove-types.
    for dir in ["crates/trove-core/src/api", "crates/trove-types/src"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            for line in text.lines() {
                let line = line.trim_start();
                for prefix in ["pub fn ", "pub async fn ", "fn ", "async fn "] {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        names.insert(name);
                    }
                }
            }
        }
    }
    names
}

#[test]
fn the_table_covers_every_route_of_the_contract() {
    let rows = rows();
    // trove-api.md §1.1 counts 102 routes; its healthcheck is not part of the API, and the
    // table lists the versions routes too.
    assert!(
        rows.len() >= 100,
        "only {} routes in docs/coverage.md",
        rows.len()
    );
    let unique: BTreeSet<_> = rows
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(unique.len(), rows.len(), "a route is listed twice");
    for needed in [
        "GET T/instances",
        "POST T/instances/{id}/action",
        "PUT T/instances/{id}/users/{user}/databases",
        "GET T/datastores/{ds}/versions/{v}/parameters/{name}",
        "POST T/clusters/{id}",
        "PATCH T/configurations/{id}",
        "PUT T/modules/{id}/instances",
        "GET T/mgmt/quotas/{project}",
        "DELETE T/mgmt/datastore-versions/{id}",
    ] {
        assert!(
            unique.contains(needed),
            "docs/coverage.md has no row for {needed}"
        );
    }
}

#[test]
fn every_row_names_an_existing_method_and_the_emulator_serves_it() {
    let methods = facade_methods();
    for row in rows() {
        let route = format!("{} {}", row.method, row.path);
        assert!(
            row.emulator.starts_with("yes"),
            "{route}: the emulator does not serve it"
        );
        let named: Vec<String> = row
            .facade
            .split('`')
            .skip(1)
            .step_by(2)
            .filter_map(|code| {
                // `instances().create(name, flavor)` -> `create`; `.limit` -> `limit`;
                // `InstanceExt::refresh` -> `refresh`.
                let code = code.rsplit("::").next().unwrap_or(code);
                let last_call = code
                    .trim_start_matches('.')
                    .rsplit(").")
                    .next()
                    .unwrap_or(code);
                let name: String = last_call
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                (!name.is_empty()).then_some(name)
            })
            .collect();
        if row.path == "T/instances/{id}/databases/{name}" {
            // Trove always answers 501 here; there is deliberately no method.
            continue;
        }
        assert!(!named.is_empty(), "{route}: no facade method named");
        for name in named {
            assert!(
                methods.contains(&name),
                "{route}: no facade method `{name}` in trove-core/src/api"
            );
        }
    }
}

#[test]
fn every_row_names_an_existing_test() {
    for row in rows() {
        let route = format!("{} {}", row.method, row.path);
        if row.path == "T/instances/{id}/databases/{name}" {
            continue;
        }
        let tests: Vec<&str> = row.test.split('`').skip(1).step_by(2).collect();
        assert!(!tests.is_empty(), "{route}: no test named");
        for test in tests {
            let (file, func) = test
                .split_once("::")
                .unwrap_or_else(|| panic!("{route}: test {test:?} is not file::fn"));
            let path = repo().join(format!("crates/trove-core/tests/{file}.rs"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{route}: {}: {e}", path.display()));
            assert!(
                text.contains(&format!("fn {func}(")),
                "{route}: no test `{func}` in {}",
                path.display()
            );
        }
    }
}

/// The request-schema column says what Trove 26 validates: a row names an `apischema` schema
/// exactly when the schema file has one for its route (same method, same path with the
/// parameters' names set aside). PATCH on a datastore version is the `edit` action, which the
/// routes mapper lists under its form route.
#[test]
fn the_schema_column_agrees_with_trove_26s_schemas() {
    let file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo().join("crates/trove-emulator/schemas/trove-26-request-schemas.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let shape = |path: &str| -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in path.trim_end_matches('/').chars() {
            match c {
                '{' => inside = true,
                '}' => {
                    inside = false;
                    out.push_str("{}");
                }
                _ if !inside => out.push(c),
                _ => {}
            }
        }
        out
    };
    let mut validated = BTreeSet::new();
    for route in file["routes"].as_array().unwrap() {
        if route.get("schema").is_some() {
            let path = route["path"].as_str().unwrap().replace("/edit", "");
            let method = match route["method"].as_str().unwrap() {
                "GET" if route["path"].as_str().unwrap().ends_with("/edit") => "PATCH",
                m => m,
            };
            validated.insert(format!("{method} {}", shape(&path)));
        }
    }
    let mut named = 0;
    for row in rows() {
        let path = match row.path.strip_prefix("T/") {
            Some(rest) => format!("/{{tenant_id}}/{rest}"),
            None => row.path.clone(),
        };
        let key = format!("{} {}", row.method, shape(&path));
        let expected = validated.contains(&key);
        assert_eq!(
            row.schema.starts_with("`apischema."),
            expected,
            "{} {}: schema column {:?}",
            row.method,
            row.path,
            row.schema
        );
        if !expected {
            assert_eq!(row.schema, "none", "{} {}", row.method, row.path);
        }
        named += usize::from(expected);
    }
    assert!(named >= 20, "only {named} rows name a schema");
}

/// A route as the table of operations and the document both can write it: method and path,
/// each `{...}` (and the document's `v1.0` version segment) as `{}`.
fn route_key(method: &str, path: &str) -> (String, String) {
    let path = path
        .strip_prefix('T')
        .unwrap_or(path)
        .replace("/v1.0/", "/{version}/");
    let mut key = String::new();
    let mut in_placeholder = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_placeholder = true;
                key.push_str("{}");
            }
            '}' => in_placeholder = false,
            _ if in_placeholder => {}
            _ => key.push(c),
        }
    }
    (method.to_owned(), key)
}

#[test]
fn the_document_lists_exactly_the_routes_of_the_table_of_operations() {
    let table: BTreeSet<_> = trove_core::request::routes::all()
        .iter()
        .map(|r| route_key(r.method.as_str(), r.template))
        .collect();
    let exposed: BTreeSet<_> = rows()
        .iter()
        .filter(|r| !r.facade.starts_with('—'))
        .map(|r| route_key(&r.method, &r.path))
        .collect();
    assert!(table.len() > 90, "the table has {} routes", table.len());
    let missing: Vec<_> = table.difference(&exposed).collect();
    assert!(
        missing.is_empty(),
        "routes the SDK sends without a row in docs/coverage.md: {missing:?}"
    );
    let unknown: Vec<_> = exposed.difference(&table).collect();
    assert!(
        unknown.is_empty(),
        "rows naming a facade method for a route the table does not declare: {unknown:?}"
    );
}

/// The methods a facade cell calls, the area first: `instances().backups(id)` is
/// `["instances", "backups"]`.
fn facade_calls(cell: &str) -> Vec<&str> {
    cell.match_indices('(')
        .filter_map(|(i, _)| {
            let start = cell[..i]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |p| p + 1);
            (start < i).then(|| &cell[start..i])
        })
        .collect()
}

#[test]
fn route_names_are_the_area_and_method_of_the_facade() {
    // The OpenAPI document's operation ids are the route names with `_`: a route named
    // `instances backups` must be sent by `instances().backups(..)`, or by one of the methods its
    // row lists, or be that method refined (`instances list detailed`).
    let table = trove_core::request::routes::all();
    let mut checked = 0;
    for row in rows() {
        let key = route_key(&row.method, &row.path);
        let Some(route) = table
            .iter()
            .find(|r| route_key(r.method.as_str(), r.template) == key)
        else {
            continue;
        };
        let Some((area, methods)) = facade_calls(&row.facade)
            .split_first()
            .map(|(a, m)| (*a, m.to_vec()))
        else {
            continue;
        };
        let id = route.name.replace(' ', "_");
        assert!(
            methods.iter().any(|m| {
                let expected = format!("{area}_{m}");
                id == expected || id.starts_with(&format!("{expected}_"))
            }),
            "{} {}: route `{}` is not one of {area}().{methods:?}",
            row.method,
            row.path,
            route.name
        );
        checked += 1;
    }
    assert!(checked >= 95, "{checked} rows checked");
}
