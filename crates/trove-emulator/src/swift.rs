//! The part of Swift that reading published guest logs needs: the container listing and the
//! objects of the `database_logs` container, under `/v1/AUTH_<project>`, filled by the guest
//! log publish action (`trove/guestagent/guest_log.py` `_publish_to_container`).

use bytes::Bytes;
use http::{header, HeaderValue, Method, Response, StatusCode};
use http_body_util::Full;
use serde_json::{json, Value};

use crate::keystone;
use crate::request::Ctx;
use crate::response::{json, Resp};
use crate::state::{Inner, Shared};
use crate::trove::logs::{self, CONTAINER};

/// One object of the container.
struct Object {
    name: String,
    body: Bytes,
    last_modified: String,
    /// `x-object-meta-lines`, on log parts only.
    lines: Option<u64>,
}

/// Routes `/v1/...`; `path` starts after `v1`.
pub(crate) fn handle(shared: &Shared, ctx: &Ctx, path: &[&str]) -> Resp {
    let world = shared.lock();
    let [account, container, object @ ..] = path else {
        return text(StatusCode::NOT_FOUND, "<html><h1>Not Found</h1></html>");
    };
    let Some(project) = account.strip_prefix("AUTH_") else {
        return text(StatusCode::NOT_FOUND, "<html><h1>Not Found</h1></html>");
    };
    // Swift accepts a Keystone token scoped to the account's project; as on the Trove path, a
    // token that is not the emulator's is the project id itself.
    let allowed = match ctx.header("x-auth-token") {
        Some(t) if t.starts_with(keystone::TOKEN_PREFIX) => {
            keystone::project_of(&world, &shared.config, t).as_deref() == Some(project)
        }
        Some(t) => t == project,
        None => false,
    };
    if !allowed {
        return text(StatusCode::UNAUTHORIZED, "<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized to access the document you requested.</p></html>");
    }
    if *container != CONTAINER || !(ctx.method == Method::GET || ctx.method == Method::HEAD) {
        return text(
            StatusCode::NOT_FOUND,
            "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>",
        );
    }
    let objects = objects_of(&world, project);
    match object {
        [] | [""] => listing(ctx, &objects),
        _ => {
            let name = object.join("/");
            match objects.into_iter().find(|o| o.name == name) {
                Some(o) => object_response(ctx, o),
                None => text(
                    StatusCode::NOT_FOUND,
                    "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>",
                ),
            }
        }
    }
}

/// Every object of a project's published logs, in Swift's order (by name).
fn objects_of(world: &Inner, project: &str) -> Vec<Object> {
    let mut out = Vec::new();
    for inst in world.instances.values().filter(|i| i.tenant == project) {
        for (name, log) in &inst.logs {
            if log.parts.is_empty() {
                continue;
            }
            let prefix = logs::prefix(&inst.id, name);
            for part in &log.parts {
                out.push(Object {
                    name: format!("{prefix}{}", part.name),
                    body: Bytes::from(part.text.clone()),
                    last_modified: part.last_modified.clone(),
                    lines: Some(part.lines),
                });
            }
            // The metafile `_put_meta_details` writes, in the guest's JSON codec.
            let meta = json!({
                "log_name": name,
                "log_type": log.kind(),
                "log_file": format!("/var/log/mysql/mysql-{name}.log"),
                "log_size": log.published(),
                "log_header_digest": null,
            });
            out.push(Object {
                name: logs::metafile(&inst.id, name),
                body: Bytes::from(meta.to_string()),
                last_modified: log
                    .parts
                    .last()
                    .map(|p| p.last_modified.clone())
                    .unwrap_or_default(),
                lines: None,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn listing(ctx: &Ctx, objects: &[Object]) -> Resp {
    let prefix = ctx.query("prefix").unwrap_or_default();
    let chosen = objects.iter().filter(|o| o.name.starts_with(prefix));
    if ctx.query("format") == Some("json") {
        let rows: Vec<Value> = chosen
            .map(|o| {
                json!({
                    "name": o.name,
                    "bytes": o.body.len(),
                    "hash": crate::trove::modules::md5_hex(&o.body),
                    "last_modified": o.last_modified,
                    "content_type": content_type(o),
                })
            })
            .collect();
        return json(StatusCode::OK, &Value::Array(rows));
    }
    let names: String = chosen.map(|o| format!("{}\n", o.name)).collect();
    if names.is_empty() {
        // Swift answers an empty plain listing with 204.
        return text(StatusCode::NO_CONTENT, "");
    }
    text(StatusCode::OK, &names)
}

fn content_type(o: &Object) -> &'static str {
    if o.lines.is_some() {
        "application/octet-stream"
    } else {
        "application/json"
    }
}

fn object_response(ctx: &Ctx, o: Object) -> Resp {
    let etag = crate::trove::modules::md5_hex(&o.body);
    let len = o.body.len();
    let kind = content_type(&o);
    let body = if ctx.method == Method::HEAD {
        Bytes::new()
    } else {
        o.body
    };
    let mut resp = Response::new(Full::new(body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(lines) = o.lines {
        h.insert("x-object-meta-lines", HeaderValue::from(lines));
    }
    resp
}

fn text(status: StatusCode, body: &str) -> Resp {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_owned())));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    resp
}
