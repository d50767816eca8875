//! The OpenAPI 3.1 document of Trove v1.0 (`openapi/trove-v1.json`), generated from the SDK's
//! route table (`trove_core::request::routes`) and the JSON Schemas of the `trove-types` models.
//!
//! One operation per method and path. Where the table declares two routes on one method and
//! path (`GET /modules/{module_id}/instances` lists instances, or counts them with
//! `count_only`), they become one operation whose answer is either type. The error
//! answers are the ones Trove's controllers can give (`trove/common/wsgi.py`
//! `Controller.exception_map`), each a Trove fault envelope or the webob page Trove's paste
//! filters answer with.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use troveclient::stack::routes::{self, Route};

/// The repository path of the generated document, from the workspace root.
pub const PATH: &str = "openapi/trove-v1.json";

/// The error statuses every operation documents: the exceptions of Trove's controllers
/// (`trove/common/wsgi.py` `Controller.exception_map`: 400, 401, 403, 404, 409, 413, 422,
/// 500, 501) and 429, which a rate-limiting proxy in front of Trove answers and the SDK retries.
const ERRORS: &[(u16, &str)] = &[
    (400, "The request is malformed or refused by Trove's validation (`badRequest`)."),
    (401, "No valid token, or not an admin for a management call (`unauthorized`)."),
    (403, "The token's project does not own the resource or the URL (`forbidden`)."),
    (404, "No such resource (`itemNotFound`)."),
    (409, "The resource is in a state that conflicts with the request (`conflict`)."),
    (413, "A quota or size limit is exceeded, or the request was rate-limited (`overLimit`); rate limiting sends `Retry-After`."),
    (422, "The resource is not in a state that allows the request (`unprocessableEntity`)."),
    (429, "Rate-limited by a proxy in front of Trove; `Retry-After` says when to try again."),
    (500, "Trove failed (`instanceFault`)."),
    (501, "Not implemented for this datastore (`notImplemented`)."),
];

/// Describes a query parameter the table names; `offset` says the route's `marker` is a count.
fn query_parameter(key: &str, offset: bool) -> Value {
    let (schema, description) = match key {
        // Trove binds the offset as a database integer: past i64 (or below 0 on MySQL) is a 500.
        "marker" if offset => (
            json!({"type": "integer", "minimum": 0, "maximum": i64::MAX}),
            "Skip this many items: the `marker` of the previous page's `next` link (Trove pages this list by offset).",
        ),
        // Trove hands the limit of the lists it does not cap (backups, the admin instance list)
        // to the database, which cannot bind a number past i64: a 500.
        "limit" => (
            json!({"type": "integer", "minimum": 1, "maximum": i64::MAX}),
            "At most this many items (Trove caps most pages at its `max_page_size`, 20 by default).",
        ),
        "marker" => (
            json!({"type": "string"}),
            "Start after this item: the `marker` of the previous page's `next` link.",
        ),
        "include_clustered" | "all_projects" | "count_only" | "include_certificate" => (
            json!({"type": "string", "enum": ["true", "false"]}),
            "A flag, `true` or `false`.",
        ),
        "deleted" => (
            json!({"type": "string", "enum": ["true", "false"]}),
            "`true` lists deleted instances only, `false` live ones only; absent, both.",
        ),
        "from_guest" | "include_contents" => (
            json!({"type": "string"}),
            "A flag Trove reads as true for any non-empty value (`false` included).",
        ),
        "instance_id" => (json!({"type": "string"}), "Only those of this instance."),
        "project_id" => (
            json!({"type": "string"}),
            "Only those of this project (admin).",
        ),
        "datastore" => (
            json!({"type": "string"}),
            "Only those of this datastore (name or id).",
        ),
        other => panic!("query parameter `{other}` has no description in openapi.rs"),
    };
    json!({
        "name": key,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
    })
}

/// The operation id of a route: its name with `_` for spaces (`instances get`), the area and
/// the method of the SDK that sends it.
fn operation_id(route: &Route) -> String {
    route.name.replace(' ', "_")
}

/// The tag of a route: the first word of its name, the SDK's area (`instances`, `mgmt`...).
fn tag(route: &Route) -> &'static str {
    route.name.split(' ').next().unwrap_or(route.name)
}

/// The path parameters of a template, in order.
fn path_parameters(template: &str) -> Vec<&str> {
    template
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// Resolves a type name of the table to a schema (a `$ref` into the components).
fn schema_for(name: &str, generator: &mut schemars::SchemaGenerator) -> Value {
    trove_types::schema::subschema_for_name(name, generator)
        .unwrap_or_else(|| panic!("type `{name}` of the route table has no JSON Schema"))
        .to_value()
}

/// The success answer of the routes sharing one method and path.
fn success(group: &[&Route], generator: &mut schemars::SchemaGenerator) -> (String, Value) {
    let status = group[0].status;
    assert!(
        group.iter().all(|r| r.status == status),
        "routes on one method and path answer different statuses: {group:?}"
    );
    let mut schemas = Vec::new();
    let mut optional = false;
    for r in group {
        let name = match r.response.strip_prefix("Option<") {
            Some(inner) => {
                optional = true;
                inner.trim_end_matches('>')
            }
            None => r.response,
        };
        if name != "()" {
            schemas.push(schema_for(name, generator));
        }
    }
    let reason = status.canonical_reason().unwrap_or("Success");
    let mut response = json!({ "description": reason });
    if !schemas.is_empty() {
        let schema = if schemas.len() == 1 {
            schemas.remove(0)
        } else {
            // `anyOf`: an empty list is both a list of instances and a list of counts.
            json!({ "anyOf": schemas })
        };
        response["content"] = json!({"application/json": {"schema": schema}});
        if optional {
            response["description"] = json!(format!("{reason}; the body may be empty."));
        }
    }
    (status.as_u16().to_string(), response)
}

/// One operation: the routes of the table on one method and path.
fn operation(group: &[&Route], generator: &mut schemars::SchemaGenerator) -> Value {
    let first = group[0];
    let mut parameters: Vec<Value> = path_parameters(first.template)
        .into_iter()
        .map(|name| {
            // The one version Trove serves; any other is a 404 of the router, not an operation.
            let schema = if name == "version" && is_unversioned(first.template) {
                json!({"type": "string", "enum": ["v1.0"]})
            } else {
                json!({"type": "string"})
            };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect();
    let mut keys: Vec<&str> = Vec::new();
    for r in group {
        for key in r.query {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
    }
    let offset = group.iter().any(|r| r.offset_marker);
    parameters.extend(keys.iter().map(|k| query_parameter(k, offset)));

    let names: Vec<&str> = group.iter().map(|r| r.name).collect();
    let mut op = json!({
        "operationId": operation_id(first),
        "summary": names.join("; "),
        "tags": [tag(first)],
    });
    if !parameters.is_empty() {
        op["parameters"] = Value::Array(parameters);
    }
    let requests: Vec<&str> = group.iter().filter_map(|r| r.request).collect();
    if let Some(request) = requests.first() {
        assert!(
            requests.iter().all(|r| r == request),
            "routes on one method and path take different bodies: {group:?}"
        );
        op["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": schema_for(request, generator)}},
        });
    }
    let mut responses = Map::new();
    let (status, ok) = success(group, generator);
    responses.insert(status, ok);
    for (code, _) in ERRORS {
        responses.insert(
            code.to_string(),
            json!({"$ref": format!("#/components/responses/{}", error_name(*code))}),
        );
    }
    op["responses"] = Value::Object(responses);
    op
}

/// The component name of an error answer (`Error400`).
fn error_name(code: u16) -> String {
    format!("Error{code}")
}

/// The error answers, whose body is `trove_types::Fault`'s schema: Trove's fault envelope or
/// webob's error page.
fn error_responses(generator: &mut schemars::SchemaGenerator) -> Map<String, Value> {
    let body = schema_for("Fault", generator);
    let mut responses = Map::new();
    for (code, description) in ERRORS {
        let mut response = json!({
            "description": description,
            "content": {"application/json": {"schema": body}},
        });
        if matches!(code, 413 | 429) {
            response["headers"] =
                json!({"Retry-After": {"$ref": "#/components/headers/RetryAfter"}});
        }
        responses.insert(error_name(*code), response);
    }
    responses
}

/// The whole document, as JSON.
pub fn document() -> Value {
    let mut generator = trove_types::schema::generator();
    // Group the routes by path, then method, keeping the table's order within a group.
    let mut paths: BTreeMap<&str, BTreeMap<&str, Vec<&Route>>> = BTreeMap::new();
    for route in routes::all() {
        paths
            .entry(route.template)
            .or_default()
            .entry(route.method.as_str())
            .or_default()
            .push(route);
    }
    let mut path_items = Map::new();
    for (template, methods) in &paths {
        let mut item = Map::new();
        for (method, group) in methods {
            item.insert(method.to_lowercase(), operation(group, &mut generator));
        }
        if is_unversioned(template) {
            // The version documents sit at the server's root, outside `/v1.0/{tenant_id}`, and
            // Trove serves them without a token (`trove/versions.py`).
            item.insert(
                "servers".into(),
                json!([{"url": "http://127.0.0.1:8779", "description": "The Trove API's root."}]),
            );
            for op in item.values_mut() {
                if let Some(op) = op.as_object_mut() {
                    op.insert("security".into(), json!([]));
                }
            }
        }
        path_items.insert((*template).to_owned(), Value::Object(item));
    }
    let responses = error_responses(&mut generator);
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "OpenStack Trove API",
            "version": "1.0",
            "summary": "The Database-as-a-Service API of OpenStack Trove, v1.0.",
            "description": "Generated by `cargo xtask openapi` from the route table of the Rust SDK (`trove-core`'s `request/routes.rs`) and the JSON Schemas of its wire models (`trove-types`), which are checked against a real Trove 26.0.0. Request bodies are what the SDK sends; answers are what it accepts. Trove's timestamps carry no time zone, so they are patterns, not `date-time`. See docs/openapi.md.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "servers": [{
            "url": "http://127.0.0.1:8779/v1.0/{tenant_id}",
            "description": "Trove's endpoint of a project, as the Keystone catalog lists it (the emulator's address by default).",
            "variables": {"tenant_id": {"default": "12345", "description": "The project (tenant) id of the token."}}
        }],
        "security": [{"keystoneToken": []}],
        "tags": tags(),
        "paths": path_items,
        "components": {
            "securitySchemes": {
                "keystoneToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Auth-Token",
                    "description": "A Keystone token scoped to the project of the URL."
                }
            },
            "headers": {
                "RetryAfter": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 0}
                }
            },
            "responses": responses,
            "schemas": schemas
        }
    })
}

/// Whether a template is served at the root rather than under `/v1.0/{tenant_id}`.
fn is_unversioned(template: &str) -> bool {
    template == "/" || template == "/{version}/"
}

/// The tags, one per SDK area, in the table's order.
fn tags() -> Value {
    let mut seen: Vec<&str> = Vec::new();
    for r in routes::all() {
        if !seen.contains(&tag(r)) {
            seen.push(tag(r));
        }
    }
    Value::Array(seen.into_iter().map(|t| json!({"name": t})).collect())
}

/// The route of the table a request went to, from its method and its path as sent (with the
/// query, and below the version documents with `/v1.0/{project}`). Among the templates that
/// match, the one with the most literal segments wins (`/instances/detail` over
/// `/instances/{id}`); a parameter takes a non-empty segment. An error names a path no route
/// matches, or one that several routes with different bodies match equally well.
pub fn route_of(method: &str, path: &str) -> Result<&'static Route, String> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let relative = if segments.len() <= 2 {
        &segments[..]
    } else {
        &segments[2..]
    };
    let mut best: Vec<(usize, &'static Route)> = Vec::new();
    for route in routes::all() {
        if route.method.as_str() != method {
            continue;
        }
        let template: Vec<&str> = route.template.trim_start_matches('/').split('/').collect();
        if template.len() != relative.len() {
            continue;
        }
        let mut literal = 0;
        let fits = template.iter().zip(relative).all(|(t, s)| {
            if t.starts_with('{') {
                !s.is_empty()
            } else {
                literal += 1;
                t == s
            }
        });
        if fits {
            best.push((literal, route));
        }
    }
    let top = best
        .iter()
        .map(|(l, _)| *l)
        .max()
        .ok_or(format!("no route for {method} {path}"))?;
    let mut winners: Vec<&Route> = best
        .into_iter()
        .filter(|(l, _)| *l == top)
        .map(|(_, r)| r)
        .collect();
    winners.dedup_by_key(|r| (r.request, r.response));
    match winners.as_slice() {
        [one] => Ok(one),
        more => Err(format!(
            "{method} {path} fits {} routes: {:?}",
            more.len(),
            more.iter().map(|r| r.name).collect::<Vec<_>>()
        )),
    }
}

/// `path` with every `{...}` written `{}`, so templates that name their parameters differently
/// compare equal (`/instances/{id}` and `/instances/{instance_id}`).
pub fn template_key(path: &str) -> String {
    let mut key = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                key.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => key.push(c),
        }
    }
    key
}

/// The document as the committed file holds it: pretty JSON and a final newline.
pub fn render() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("a JSON value serializes");
    text.push('\n');
    text
}
