//! The JSON Schemas of the models (`trove_types::schema`) against what the real servers did:
//! every type the route table names has a schema, every real 2xx answer with a JSON body
//! validates against the response schema of its route, every real error body against `Fault`,
//! and every body Trove 26.0.0 refuses is refused by the request schema of its route.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use trove_tests::openapi::{route_of, template_key};
use trove_tests::{read_json, real_captures, workspace_root};
use trove_types::schema;
use troveclient::stack::routes;

/// The schema of the type `name` as a document of its own: the subschema plus every definition
/// under `components/schemas`, where its `$ref`s point, in the generator's dialect (2020-12).
fn document(name: &str) -> Value {
    let mut generator = schema::generator();
    let sub = schema::subschema_for_name(name, &mut generator)
        .unwrap_or_else(|| panic!("no schema for {name}"));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [sub.to_value()],
        "components": { "schemas": generator.definitions().clone() },
    })
}

fn validator(name: &str) -> jsonschema::Validator {
    let doc = document(name);
    jsonschema::validator_for(&doc).unwrap_or_else(|e| panic!("the schema of {name}: {e}"))
}

/// The errors of `instance` against `validator`, one line each.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// `Option<X>` is `X` or nothing; the route table writes the answer's type so.
fn strip_option(name: &str) -> &str {
    name.strip_prefix("Option<")
        .and_then(|n| n.strip_suffix('>'))
        .unwrap_or(name)
}

#[test]
fn every_type_the_route_table_names_has_a_schema_that_compiles() {
    let mut names: Vec<String> = routes::all()
        .iter()
        .flat_map(|r| {
            r.request
                .map(str::to_owned)
                .into_iter()
                .chain([strip_option(r.response).to_owned()])
        })
        .filter(|n| n != "()")
        .chain(["Fault".to_owned()])
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut generator = schema::generator();
    let missing: Vec<_> = names
        .iter()
        .filter(|n| schema::subschema_for_name(n, &mut generator).is_none())
        .collect();
    assert!(missing.is_empty(), "types without a schema: {missing:?}");
    for name in schema::names() {
        validator(name);
    }
    assert!(names.len() > 60, "only {} names", names.len());
    // Every definition is a valid 2020-12 schema, and no timestamp is a `date-time`: Trove's
    // carry no zone.
    let text = serde_json::to_string(generator.definitions()).unwrap_or_default();
    assert!(
        !text.contains("date-time"),
        "a definition uses format date-time"
    );
    assert!(generator.definitions().contains_key("Timestamp"));
}

#[test]
fn every_real_success_answer_validates_against_its_routes_response_schema() {
    let mut validators: BTreeMap<&str, jsonschema::Validator> = BTreeMap::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, capture) in real_captures() {
        let status = capture["response"]["status"].as_u64().unwrap_or_default();
        let body = &capture["response"]["body_json"];
        if !(200..300).contains(&status) || body.is_null() {
            continue;
        }
        let method = capture["request"]["method"].as_str().unwrap_or_default();
        let path = capture["request"]["path"].as_str().unwrap_or_default();
        let route = match route_of(method, path) {
            Ok(route) => route,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let response = strip_option(route.response);
        if response == "()" {
            failures.push(format!("{name}: {} ignores a JSON answer", route.name));
            continue;
        }
        let v = validators
            .entry(response)
            .or_insert_with(|| validator(response));
        let found = errors(v, body);
        if !found.is_empty() {
            failures.push(format!("{name} ({response}): {found:?}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 40 in fake mode and 5 with Keystone tokens when this was written; fewer means the
    // fixtures went missing, not that they pass.
    assert!(checked >= 45, "only {checked} answers checked");
}

#[test]
fn every_real_error_body_validates_against_the_fault_envelope() {
    let v = validator("Fault");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, capture) in real_captures() {
        let status = capture["response"]["status"].as_u64().unwrap_or_default();
        let body = &capture["response"]["body_json"];
        if status < 400 || body.is_null() {
            continue;
        }
        let found = errors(&v, body);
        if !found.is_empty() {
            failures.push(format!("{name}: {found:?} in {body}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 25, "only {checked} error bodies checked");
}

#[test]
fn the_views_the_real_server_rendered_validate_against_their_types() {
    // tests/fixtures/views: single views taken from the real server (`*.real-trove.json`) or
    // rendered by Trove's view code (`*.from-view-code.json`), by the envelope each is read as.
    let views = [
        ("admin-instance-show.real-trove.json", "InstanceEnvelope"),
        (
            "admin-mgmt-instance-show.real-trove.json",
            "MgmtInstanceEnvelope",
        ),
        ("backup-show.real-trove.json", "BackupEnvelope"),
        ("datastore-show.real-trove.json", "DatastoreEnvelope"),
        (
            "datastore-version-show.real-trove.json",
            "DatastoreVersionEnvelope",
        ),
        ("flavor-show.real-trove.json", "FlavorEnvelope"),
        (
            "instance-show-local-storage.from-view-code.json",
            "InstanceEnvelope",
        ),
        ("instance-show-unknown-fields.json", "InstanceEnvelope"),
        (
            "instance-show-volume-stats.from-view-code.json",
            "InstanceEnvelope",
        ),
        (
            "module-show-instance-count.from-view-code.json",
            "ModuleEnvelope",
        ),
    ];
    let dir = workspace_root().join("tests/fixtures/views");
    let on_disk = std::fs::read_dir(&dir)
        .map(|d| d.count())
        .unwrap_or_default();
    assert_eq!(
        on_disk,
        views.len(),
        "a view in {} is not listed here",
        dir.display()
    );
    for (file, name) in views {
        let found = errors(&validator(name), &read_json(&dir.join(file)));
        assert!(found.is_empty(), "{file} ({name}): {found:?}");
    }
}

#[test]
fn every_body_trove_refuses_is_refused_by_the_routes_request_schema() {
    // crates/trove-emulator/schemas/expected-messages.json: Trove 26.0.0's own verdict on each
    // body (its router, controller schema and jsonschema.Draft4Validator); `no-schema` cases are
    // ones Trove's JSON schema does not judge.
    let cases =
        read_json(&workspace_root().join("crates/trove-emulator/schemas/expected-messages.json"));
    let cases = cases["cases"].as_array().cloned().unwrap_or_default();
    let mut validators: BTreeMap<String, jsonschema::Validator> = BTreeMap::new();
    let (mut refused, mut valid) = (0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let expect = case["expect"].as_str().unwrap_or_default();
        if !matches!(expect, "400" | "500" | "valid") {
            continue;
        }
        let method = case["method"].as_str().unwrap_or_default();
        let path = case["path"].as_str().unwrap_or_default();
        let raw = case["body"].as_str().unwrap_or_default();
        let route = match route_of(method, path) {
            Ok(route) => route,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let Some(request) = route.request else {
            failures.push(format!("{method} {path}: {} sends no body", route.name));
            continue;
        };
        let v = validators
            .entry(request.to_owned())
            .or_insert_with(|| validator(request));
        let Ok(body) = serde_json::from_str::<Value>(raw) else {
            // Not JSON (the empty body): no schema accepts it.
            assert_ne!(expect, "valid", "{method} {path}: Trove accepts {raw:?}");
            refused += 1;
            continue;
        };
        let accepted = v.is_valid(&body);
        match expect {
            "valid" if !accepted => failures.push(format!(
                "{method} {path}: Trove accepts {raw}, {request} refuses: {:?}",
                errors(v, &body)
            )),
            "valid" => valid += 1,
            _ if accepted => failures.push(format!(
                "{method} {path}: Trove refuses {raw} ({}), {request} accepts it",
                case["message"].as_str().unwrap_or("a 500")
            )),
            _ => refused += 1,
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        refused >= 55 && valid >= 5,
        "only {refused} refused and {valid} valid bodies checked"
    );
}

#[test]
fn the_route_matcher_prefers_literal_segments_and_knows_the_version_documents() {
    let name = |m, p| route_of(m, p).map(|r| r.name);
    assert_eq!(
        name("GET", "/v1.0/p/instances/detail"),
        Ok("instances list detailed")
    );
    assert_eq!(
        name("GET", "/v1.0/p/instances/abc?limit=1"),
        Ok("instances get")
    );
    assert_eq!(name("GET", "/"), Ok("versions index"));
    assert_eq!(name("GET", "/v1.0/"), Ok("versions show"));
    assert!(name("GET", "/v1.0/p/nosuchresource").is_err());
}

/// `schema` with its `$ref` (into `components/schemas` of `defs`) and single-entry `allOf`
/// merged in, then split into its `oneOf`/`anyOf` alternatives, recursively.
fn alternatives(schema: &Value, defs: &serde_json::Map<String, Value>) -> Vec<Value> {
    let mut merged = match schema {
        Value::Object(o) => o.clone(),
        other => return vec![other.clone()],
    };
    if let Some(Value::String(target)) = merged.remove("$ref") {
        let name = target.rsplit('/').next().unwrap_or_default();
        if let Some(Value::Object(def)) = defs.get(name) {
            for (k, v) in def {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        return alternatives(&Value::Object(merged), defs);
    }
    if let Some(Value::Array(all)) = merged.get("allOf").cloned() {
        if let [one] = all.as_slice() {
            merged.remove("allOf");
            for alt in alternatives(one, defs) {
                if let Value::Object(alt) = alt {
                    for (k, v) in alt {
                        merged.entry(k).or_insert(v);
                    }
                }
            }
            return alternatives(&Value::Object(merged), defs);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = merged.remove(key) {
            return alts
                .iter()
                .flat_map(|alt| {
                    let mut with_rest = merged.clone();
                    if let Value::Object(alt) = alt {
                        with_rest.extend(alt.clone());
                    }
                    alternatives(&Value::Object(with_rest), defs)
                })
                .collect();
        }
    }
    vec![Value::Object(merged)]
}

/// The JSON types a schema names (`type` as a string or a list); empty when it names none.
fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Appends to `out` what Trove's schema `theirs` refuses at `path` and our alternatives `ours`
/// let through: `null` where Trove takes none, other keys where Trove forbids them, a key Trove
/// requires left optional, a string, number or array rule of Trove's missing or looser.
fn looser(
    path: &str,
    theirs: &Value,
    ours: &[Value],
    defs: &serde_json::Map<String, Value>,
    out: &mut Vec<String>,
) {
    let ours: Vec<Value> = ours.iter().flat_map(|o| alternatives(o, defs)).collect();
    let trove_alts: Vec<&Value> = match theirs.get("oneOf") {
        Some(Value::Array(alts)) => alts.iter().collect(),
        _ => vec![theirs],
    };
    let trove_types: Vec<&str> = trove_alts.iter().flat_map(|a| types_of(a)).collect();
    // An alternative of ours without the keys Trove requires answers another of Trove's
    // schemas (an action, a resize); when none has them, all are checked and fail.
    let required: Vec<&str> = theirs
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let declares = |o: &&Value| {
        required
            .iter()
            .all(|r| o.get("properties").and_then(|p| p.get(r)).is_some())
    };
    let mut ours: Vec<&Value> = ours.iter().filter(|o| !o.is_boolean()).collect();
    if ours.iter().any(declares) {
        ours.retain(declares);
    }
    for o in &ours {
        let ts = types_of(o);
        if !trove_types.is_empty() && ts.contains(&"null") && !trove_types.contains(&"null") {
            out.push(format!("{path}: null, which Trove refuses"));
        }
        if theirs.get("additionalProperties") == Some(&Value::Bool(false))
            && o.get("properties").is_some()
            && o.get("additionalProperties") != Some(&Value::Bool(false))
        {
            out.push(format!("{path}: other keys, which Trove forbids"));
        }
        for r in &required {
            let ours_required = o
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|q| q.iter().any(|k| k == r));
            if !ours_required {
                out.push(format!("{path}: `{r}` optional, Trove requires it"));
            }
        }
        // The rules of the one Trove alternative of this type.
        let same: Vec<&&Value> = trove_alts
            .iter()
            .filter(|a| types_of(a).iter().any(|t| ts.contains(t)))
            .collect();
        let [rules] = same.as_slice() else { continue };
        for key in [
            "minLength",
            "maxLength",
            "pattern",
            "minimum",
            "maximum",
            "maxItems",
            "uniqueItems",
        ] {
            let Some(want) = rules.get(key) else { continue };
            let have = o.get(key);
            let ok = match (key, have) {
                (_, None) => false,
                ("minLength" | "minimum", Some(h)) => h.as_f64() >= want.as_f64(),
                ("maxLength" | "maximum" | "maxItems", Some(h)) => h.as_f64() <= want.as_f64(),
                (_, Some(h)) => h == want,
            };
            if !ok {
                out.push(format!("{path}: {key} {have:?}, Trove's is {want}"));
            }
        }
    }
    if let Some(Value::Object(props)) = theirs.get("properties") {
        for (name, their_prop) in props {
            let sub: Vec<Value> = ours
                .iter()
                .filter_map(|o| o.get("properties").and_then(|p| p.get(name)))
                .cloned()
                .collect();
            if !sub.is_empty() {
                looser(&format!("{path}.{name}"), their_prop, &sub, defs, out);
            }
        }
    }
    if let Some(their_items) = theirs.get("items").filter(|i| i.is_object()) {
        let sub: Vec<Value> = ours
            .iter()
            .filter_map(|o| o.get("items"))
            .cloned()
            .collect();
        if !sub.is_empty() {
            looser(&format!("{path}[]"), their_items, &sub, defs, out);
        }
    }
}

#[test]
fn no_request_schema_lets_through_a_body_trove_refuses_by_key_type_or_rule() {
    // crates/trove-emulator/schemas/trove-26-request-schemas.json: the schema each of Trove's
    // controllers validates a body with. The property check (bodies drawn from the document
    // and validated by Trove's schemas) is `cargo xtask openapi-check`'s; this one walks both
    // schemas side by side, so a model change that lets such a body through fails here.
    let trove = read_json(
        &workspace_root().join("crates/trove-emulator/schemas/trove-26-request-schemas.json"),
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for route in trove["routes"].as_array().into_iter().flatten() {
        let (Some(theirs), Some(method), Some(path)) = (
            route.get("schema"),
            route["method"].as_str(),
            route["path"].as_str(),
        ) else {
            continue;
        };
        let controller = route["controller"].as_str().unwrap_or_default();
        let action = route["action"].as_str().unwrap_or_default();
        // Trove's UserAccessController looks its schema up under a key the schema lacks and
        // validates nothing (trove/extensions/common/service.py).
        if method == "GET" || (controller == "UserAccessController" && action != "update_all") {
            continue;
        }
        let relative = template_key(path.trim_start_matches("/{tenant_id}"));
        let Some(ours) = routes::all()
            .iter()
            .find(|r| r.method.as_str() == method && template_key(r.template) == relative)
        else {
            continue; // the SDK sends nothing there (`users/update_all` aliases)
        };
        let name = ours
            .request
            .unwrap_or_else(|| panic!("{method} {path}: no body"));
        let mut generator = schema::generator();
        let sub = schema::subschema_for_name(name, &mut generator).expect("a schema");
        let defs = generator.definitions().clone();
        let ours_alts = alternatives(&sub.to_value(), &defs);
        let label = format!("{method} {relative} ({name})");
        // Action controllers pick the schema by the body's first key (the file's `selection`).
        let keyed = matches!(
            (controller, action),
            ("InstanceController" | "ClusterController", "action")
                | ("MgmtInstanceController" | "MgmtClusterController", "action")
                | ("UserController", "update_all")
        );
        if keyed {
            for (key, their_entry) in theirs.as_object().into_iter().flatten() {
                let with_key: Vec<Value> = ours_alts
                    .iter()
                    .filter(|o| o.get("properties").and_then(|p| p.get(key)).is_some())
                    .cloned()
                    .collect();
                if with_key.is_empty() {
                    continue; // an action the SDK does not send
                }
                // Instance `resize` is keyed again by its argument's first key.
                let entries: Vec<&Value> = if their_entry.get("type").is_some() {
                    vec![their_entry]
                } else {
                    their_entry
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(_, v)| v)
                        .collect()
                };
                for entry in entries {
                    looser(
                        &format!("{label} {{{key}}}"),
                        entry,
                        &with_key,
                        &defs,
                        &mut failures,
                    );
                }
            }
        } else {
            looser(&label, theirs, &ours_alts, &defs, &mut failures);
        }
        checked += 1;
    }
    failures.sort();
    failures.dedup();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 24, "only {checked} routes checked");
}
