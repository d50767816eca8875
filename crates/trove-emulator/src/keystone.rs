//! A minimal Keystone v3 on the same port: version document, password and token auth with
//! project scope, token validation and revocation, and a catalog whose `database` and
//! `object-store` endpoints point back at this emulator.

use std::time::Duration;

use http::{HeaderValue, Method, StatusCode};
use serde_json::{json, Value};

use crate::config::{Config, KeystoneUser};
use crate::request::Ctx;
use crate::response::{empty, json, Resp};
use crate::state::{Inner, Shared, Token};

/// Every token the emulator's Keystone issues starts with this (like a Fernet token). Trove
/// requests whose token has this prefix are checked against the issued tokens (401 when unknown
/// or revoked); any other token is a tenant id, as in Trove's fake mode.
pub const TOKEN_PREFIX: &str = "gAAAAA";

const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Returns the project id a live emulator token is scoped to.
pub(crate) fn project_of(world: &Inner, config: &Config, token: &str) -> Option<String> {
    let t = world.tokens.get(token)?;
    config
        .keystone_users
        .get(t.user)
        .map(|u| u.project_id.clone())
}

/// Routes `/v3/...`; `path` starts after `v3`.
pub(crate) fn handle(shared: &Shared, ctx: &Ctx, path: &[&str]) -> Resp {
    let m = &ctx.method;
    match path {
        [] | [""] if m == Method::GET => version(ctx),
        ["auth", "tokens"] if m == Method::POST => issue(shared, ctx),
        ["auth", "tokens"] if m == Method::GET => validate(shared, ctx),
        ["auth", "tokens"] if m == Method::DELETE => revoke(shared, ctx),
        ["auth", "catalog"] if m == Method::GET => catalog_of_caller(shared, ctx),
        _ => error(
            StatusCode::NOT_FOUND,
            "Not Found",
            "The resource could not be found.",
        ),
    }
}

fn error(status: StatusCode, title: &str, message: &str) -> Resp {
    json(
        status,
        &json!({"error": {"code": status.as_u16(), "message": message, "title": title}}),
    )
}

fn unauthorized(ctx: &Ctx) -> Resp {
    let mut resp = error(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "The request you have made requires authentication.",
    );
    if let Ok(v) = HeaderValue::from_str(&format!("Keystone uri=\"http://{}/v3\"", ctx.host)) {
        resp.headers_mut().insert(http::header::WWW_AUTHENTICATE, v);
    }
    resp
}

fn bad_request(message: &str) -> Resp {
    error(StatusCode::BAD_REQUEST, "Bad Request", message)
}

fn version(ctx: &Ctx) -> Resp {
    json(
        StatusCode::OK,
        &json!({"version": {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": format!("http://{}/v3/", ctx.host)}],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
        }}),
    )
}

fn domain_id(name: &str) -> String {
    name.to_lowercase()
}

/// True when a `{"name", "domain": {"name"|"id"}}` or `{"id"}` reference matches.
fn matches_ref(r: &Value, id: &str, name: &str, domain: &str) -> bool {
    if let Some(i) = r.get("id").and_then(Value::as_str) {
        return i == id;
    }
    let name_ok = r.get("name").and_then(Value::as_str) == Some(name);
    let d = r.get("domain");
    let domain_ok = d.and_then(|d| d.get("name")).and_then(Value::as_str) == Some(domain)
        || d.and_then(|d| d.get("id")).and_then(Value::as_str) == Some(domain_id(domain).as_str());
    name_ok && domain_ok
}

/// Who a token request authenticates, or the response to send instead.
fn authenticate(
    shared: &Shared,
    world: &Inner,
    ctx: &Ctx,
    auth: &Value,
) -> Result<(usize, Vec<String>), Resp> {
    let identity = auth
        .get("identity")
        .ok_or_else(|| bad_request("Expecting to find identity in auth."))?;
    let methods: Vec<String> = identity
        .get("methods")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .ok_or_else(|| bad_request("Expecting to find methods in identity."))?;
    let users = &shared.config.keystone_users;
    if methods.iter().any(|m| m == "password") {
        let user = identity
            .pointer("/password/user")
            .ok_or_else(|| bad_request("Expecting to find user in password."))?;
        let password = user
            .get("password")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let found = users.iter().enumerate().find(|(i, u)| {
            let id = world
                .user_ids
                .get(*i)
                .map(String::as_str)
                .unwrap_or_default();
            matches_ref(user, id, &u.name, &u.domain)
        });
        return match found {
            Some((i, u)) if u.password == password => Ok((i, vec!["password".to_owned()])),
            _ => Err(unauthorized(ctx)),
        };
    }
    if methods.iter().any(|m| m == "token") {
        let id = identity
            .pointer("/token/id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return match world.tokens.get(id) {
            Some(t) => Ok((t.user, vec!["token".to_owned(), "password".to_owned()])),
            None => Err(unauthorized(ctx)),
        };
    }
    Err(unauthorized(ctx))
}

fn issue(shared: &Shared, ctx: &Ctx) -> Resp {
    let body: Value = match serde_json::from_slice(&ctx.body) {
        Ok(v) => v,
        Err(_) => return bad_request("The request you have made is malformed."),
    };
    let Some(auth) = body.get("auth") else {
        return bad_request("Expecting to find auth in request body.");
    };
    let mut world = shared.lock();
    let (user_idx, methods) = match authenticate(shared, &world, ctx, auth) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let Some(user) = shared.config.keystone_users.get(user_idx) else {
        return unauthorized(ctx);
    };
    // Each user has one project, which is also its default: an unscoped request is scoped to it,
    // as the captured Keystone did for jsmith.
    if let Some(scope) = auth.get("scope") {
        let ok = scope
            .get("project")
            .is_some_and(|p| matches_ref(p, &user.project_id, &user.project_name, &user.domain));
        if !ok {
            return unauthorized(ctx);
        }
    }
    let now = world.clock.now();
    let token_id = format!(
        "{TOKEN_PREFIX}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let token = Token {
        user: user_idx,
        methods,
        audit_id: uuid::Uuid::new_v4().simple().to_string()[..22].to_owned(),
        issued: now,
        expires: now + TOKEN_LIFETIME,
    };
    let with_catalog =
        ctx.query("nocatalog").is_none() && !ctx.query.iter().any(|(k, _)| k == "nocatalog");
    let view = token_view(
        &world,
        ctx,
        user,
        &token,
        with_catalog.then_some(&shared.config),
    );
    world.tokens.insert(token_id.clone(), token);
    let mut resp = json(StatusCode::CREATED, &view);
    if let Ok(v) = HeaderValue::from_str(&token_id) {
        resp.headers_mut().insert("x-subject-token", v);
    }
    resp
}

fn validate(shared: &Shared, ctx: &Ctx) -> Resp {
    let world = shared.lock();
    let caller = ctx.header("x-auth-token").and_then(|t| world.tokens.get(t));
    if caller.is_none() {
        return unauthorized(ctx);
    }
    let subject_id = ctx.header("x-subject-token").unwrap_or_default();
    let Some(subject) = world.tokens.get(subject_id) else {
        return error(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("Could not find token: {subject_id}."),
        );
    };
    let Some(user) = shared.config.keystone_users.get(subject.user) else {
        return unauthorized(ctx);
    };
    let with_catalog = !ctx.query.iter().any(|(k, _)| k == "nocatalog");
    let mut resp = json(
        StatusCode::OK,
        &token_view(
            &world,
            ctx,
            user,
            subject,
            with_catalog.then_some(&shared.config),
        ),
    );
    if let Ok(v) = HeaderValue::from_str(subject_id) {
        resp.headers_mut().insert("x-subject-token", v);
    }
    resp
}

fn revoke(shared: &Shared, ctx: &Ctx) -> Resp {
    let mut world = shared.lock();
    if ctx
        .header("x-auth-token")
        .and_then(|t| world.tokens.get(t))
        .is_none()
    {
        return unauthorized(ctx);
    }
    let subject_id = ctx.header("x-subject-token").unwrap_or_default().to_owned();
    match world.tokens.remove(&subject_id) {
        Some(_) => empty(StatusCode::NO_CONTENT),
        None => error(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("Could not find token: {subject_id}."),
        ),
    }
}

fn catalog_of_caller(shared: &Shared, ctx: &Ctx) -> Resp {
    let world = shared.lock();
    let user = ctx
        .header("x-auth-token")
        .and_then(|t| world.tokens.get(t))
        .and_then(|t| shared.config.keystone_users.get(t.user));
    match user {
        Some(u) => json(
            StatusCode::OK,
            &json!({
                "catalog": catalog(ctx, &u.project_id, shared.config.object_store),
                "links": {"self": format!("http://{}/v3/auth/catalog", ctx.host)},
            }),
        ),
        None => unauthorized(ctx),
    }
}

fn roles(user: &KeystoneUser) -> Value {
    let member = json!({"id": "54d1f83a58a646489f3d1e09feeda4e2", "name": "member"});
    let reader = json!({"id": "3eb840fcaefc4541bfc707b9f6fe1efd", "name": "reader"});
    if user.project_name == "admin" {
        json!([
            {"id": "307eea2292f74f559db4fa7fdf2ad991", "name": "admin"},
            member,
            {"id": "853940b439af45c7b445e1fbd871e6b1", "name": "manager"},
            reader,
        ])
    } else {
        json!([member, reader])
    }
}

/// One catalog entry: service `id` of `kind` and `name`, with its public, internal and admin
/// endpoints (ids `endpoint_ids`) all at `url`.
fn service(endpoint_ids: [&str; 3], url: &str, id: &str, kind: &str, name: &str) -> Value {
    let one = |id: &str, interface: &str| json!({"id": id, "interface": interface, "region_id": "RegionOne", "url": url, "region": "RegionOne"});
    json!({
        "endpoints": [
            one(endpoint_ids[0], "public"),
            one(endpoint_ids[1], "internal"),
            one(endpoint_ids[2], "admin")
        ],
        "id": id,
        "type": kind,
        "name": name,
    })
}

/// The service catalog: this Keystone (`identity`), this Trove (`database`, name `trove`) and
/// the Swift that holds published guest logs (`object-store`), all served by this emulator.
fn catalog(ctx: &Ctx, project_id: &str, object_store: bool) -> Value {
    let mut services = vec![
        service(
            [
                "b19230c3065c4434be8f298042de2360",
                "e12396191b754b089e0d1bcf99ca364c",
                "7c1360bb50594661af8779d71cd93279",
            ],
            &format!("http://{}/v3/", ctx.host),
            "4bfdad31916e44a0a25b7c5955915c0d",
            "identity",
            "keystone",
        ),
        service(
            [
                "1eb466891d73456fb7f4b15c2eb0864e",
                "7c75ac1c6c1e41d68b0867f12bd7fdfc",
                "a9bd1c7fa2234c17b668145377735600",
            ],
            &format!("http://{}/v1.0/{project_id}", ctx.host),
            "d20af15a1e8646cba9b6badfb37b15dd",
            "database",
            "trove",
        ),
    ];
    if object_store {
        services.push(service(
            [
                "5c2b2f1e0a7d4c3b9e8f6a1d2c3b4a59",
                "6d3c3a2f1b8e4d4c0f9a7b2e3d4c5b60",
                "7e4d4b3a2c9f4e5d1a0b8c3f4e5d6c71",
            ],
            &format!("http://{}/v1/AUTH_{project_id}", ctx.host),
            "f3a1c2d4e5b64a7f8e9d0c1b2a3f4e5d",
            "object-store",
            "swift",
        ));
    }
    Value::Array(services)
}

fn token_view(
    world: &Inner,
    ctx: &Ctx,
    user: &KeystoneUser,
    t: &Token,
    // The settings, when the view carries the catalog.
    with_catalog: Option<&Config>,
) -> Value {
    let domain = json!({"id": domain_id(&user.domain), "name": user.domain});
    let user_id = world.user_ids.get(t.user).cloned().unwrap_or_default();
    let mut token = json!({
        "methods": t.methods,
        "user": {"domain": domain, "id": user_id, "name": user.name, "password_expires_at": null},
        "audit_ids": [t.audit_id],
        "expires_at": world.clock.keystone(t.expires, Duration::ZERO),
        "issued_at": world.clock.keystone(t.issued, Duration::ZERO),
        "project": {"domain": domain, "id": user.project_id, "name": user.project_name},
        "is_domain": false,
        "roles": roles(user),
    });
    if let Some(config) = with_catalog {
        token["catalog"] = catalog(ctx, &user.project_id, config.object_store);
    }
    json!({"token": token})
}
