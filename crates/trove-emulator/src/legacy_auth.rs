//! The identity APIs of python-troveclient's legacy strategies: Keystone v2.0
//! (`POST /v2.0/tokens` with `passwordCredentials` or Rackspace's `RAX-KSKEY:apiKeyCredentials`)
//! and auth 1.1 (`POST /v1.1/auth`). Current Keystone has neither (see
//! `tests/fixtures/real-keystone/022-v2-tokens.json`); the shapes follow the legacy clients.
//!
//! Users are the Keystone v3 users of [`Config`](crate::Config); an API key is the user's
//! password. Tokens are the same tokens v3 issues, so Trove accepts them. The catalogs exercise
//! endpoint selection: `database` (`trove`) has endpoints in `RegionOne` (this emulator) and
//! `RegionTwo` (an unreachable `regiontwo.invalid` host), and `rax:database`
//! (`cloudDatabases`) has one in `DFW` (this emulator). `POST /v2.0/moved/tokens` answers 305
//! pointing at `/v2.0/tokens`.

use std::time::Duration;

use http::{HeaderValue, Method, StatusCode};
use serde_json::{json, Value};

use crate::config::KeystoneUser;
use crate::keystone::TOKEN_PREFIX;
use crate::request::Ctx;
use crate::response::{empty, json, Resp};
use crate::state::{Inner, Shared, Token};

const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Routes `/v2.0/...` (`path` starts after `v2.0`).
pub(crate) fn handle_v2(shared: &Shared, ctx: &Ctx, path: &[&str]) -> Resp {
    match path {
        ["tokens"] if ctx.method == Method::POST => v2_tokens(shared, ctx),
        ["moved", "tokens"] if ctx.method == Method::POST => {
            let mut resp = empty(StatusCode::USE_PROXY);
            resp.headers_mut().insert(
                http::header::LOCATION,
                HeaderValue::from_static("/v2.0/tokens"),
            );
            resp
        }
        _ => not_found(),
    }
}

/// Routes `/v1.1/...` (`path` starts after `v1.1`).
pub(crate) fn handle_v11(shared: &Shared, ctx: &Ctx, path: &[&str]) -> Resp {
    match path {
        ["auth"] if ctx.method == Method::POST => v11_auth(shared, ctx),
        _ => not_found(),
    }
}

fn not_found() -> Resp {
    json(
        StatusCode::NOT_FOUND,
        &json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}}),
    )
}

fn fault(status: StatusCode, name: &str, message: &str) -> Resp {
    json(
        status,
        &json!({ name: {"code": status.as_u16(), "message": message}}),
    )
}

fn unauthorized(message: &str) -> Resp {
    fault(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

fn bad_request(message: &str) -> Resp {
    fault(StatusCode::BAD_REQUEST, "badRequest", message)
}

/// Finds the user named `name` whose password is `secret`.
fn find_user<'a>(
    shared: &'a Shared,
    name: &str,
    secret: &str,
) -> Option<(usize, &'a KeystoneUser)> {
    shared
        .config
        .keystone_users
        .iter()
        .enumerate()
        .find(|(_, u)| u.name == name && u.password == secret)
}

/// Issues a token for user `idx`, returning its id and expiry text.
fn issue(world: &mut Inner, idx: usize, method: &str) -> (String, String) {
    let now = world.clock.now();
    let id = format!(
        "{TOKEN_PREFIX}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let token = Token {
        user: idx,
        methods: vec![method.to_owned()],
        audit_id: uuid::Uuid::new_v4().simple().to_string()[..22].to_owned(),
        issued: now,
        expires: now + TOKEN_LIFETIME,
    };
    let expires = world.clock.zulu(token.expires);
    world.tokens.insert(id.clone(), token);
    (id, expires)
}

fn v2_endpoint(region: &str, url: &str, tenant: &str) -> Value {
    json!({"region": region, "publicURL": url, "internalURL": url, "adminURL": url,
           "tenantId": tenant})
}

fn v2_catalog(ctx: &Ctx, project_id: &str) -> Value {
    let here = format!("http://{}/v1.0/{project_id}", ctx.host);
    let there = format!("http://regiontwo.invalid/v1.0/{project_id}");
    json!([
        {"type": "identity", "name": "keystone", "endpoints": [
            v2_endpoint("RegionOne", &format!("http://{}/v2.0", ctx.host), project_id)]},
        {"type": "database", "name": "trove", "endpoints": [
            v2_endpoint("RegionOne", &here, project_id),
            v2_endpoint("RegionTwo", &there, project_id)]},
        {"type": "rax:database", "name": "cloudDatabases", "endpoints": [
            v2_endpoint("DFW", &here, project_id)]},
    ])
}

fn v2_tokens(shared: &Shared, ctx: &Ctx) -> Resp {
    let Ok(body) = serde_json::from_slice::<Value>(&ctx.body) else {
        return bad_request("The request you have made is malformed.");
    };
    let Some(auth) = body.get("auth") else {
        return bad_request("Expecting to find auth in request body.");
    };
    let str_at = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let (username, secret, tenant_name, tenant_id, method) =
        if let Some(p) = auth.get("passwordCredentials") {
            (
                str_at(p, "/username"),
                str_at(p, "/password"),
                str_at(auth, "/tenantName"),
                str_at(auth, "/tenantId"),
                "password",
            )
        } else if let Some(k) = auth.get("RAX-KSKEY:apiKeyCredentials") {
            (
                str_at(k, "/username"),
                str_at(k, "/apiKey"),
                str_at(k, "/tenantName"),
                str_at(k, "/tenantId"),
                "apikey",
            )
        } else {
            return bad_request("Expecting passwordCredentials or RAX-KSKEY:apiKeyCredentials.");
        };
    let (Some(username), Some(secret)) = (username, secret) else {
        return bad_request("A username and a password or apiKey are required.");
    };
    let Some((idx, user)) = find_user(shared, &username, &secret) else {
        return unauthorized("Invalid user / password");
    };
    let scoped = tenant_name.is_some() || tenant_id.is_some();
    if tenant_name
        .as_ref()
        .is_some_and(|n| *n != user.project_name)
        || tenant_id.as_ref().is_some_and(|i| *i != user.project_id)
    {
        return unauthorized(&format!(
            "User {} is unauthorized for tenant {}",
            user.name,
            tenant_name.or(tenant_id).unwrap_or_default()
        ));
    }
    let mut world = shared.lock();
    let (token, expires) = issue(&mut world, idx, method);
    let user_id = world.user_ids.get(idx).cloned().unwrap_or_default();
    let tenant = json!({"id": user.project_id, "name": user.project_name, "enabled": true});
    let mut token_doc =
        json!({"id": token, "expires": expires, "issued_at": world.clock.zulu(world.clock.now())});
    let catalog = if scoped {
        token_doc["tenant"] = tenant;
        v2_catalog(ctx, &user.project_id)
    } else {
        json!([])
    };
    json(
        StatusCode::OK,
        &json!({"access": {
            "token": token_doc,
            "serviceCatalog": catalog,
            "user": {"id": user_id, "name": user.name, "username": user.name, "roles": [{"name": "member"}]},
            "metadata": {"is_admin": 0, "roles": []},
        }}),
    )
}

fn v11_auth(shared: &Shared, ctx: &Ctx) -> Resp {
    let Ok(body) = serde_json::from_slice::<Value>(&ctx.body) else {
        return bad_request("The request you have made is malformed.");
    };
    let get = |p: &str| body.pointer(p).and_then(Value::as_str);
    let (Some(username), Some(key)) = (get("/credentials/username"), get("/credentials/key"))
    else {
        return bad_request("Expecting credentials with username and key.");
    };
    let Some((idx, user)) = find_user(shared, username, key) else {
        return unauthorized("Username or api key is invalid");
    };
    let mut world = shared.lock();
    let (token, expires) = issue(&mut world, idx, "apikey");
    let here = format!("http://{}/v1.0/{}", ctx.host, user.project_id);
    // Rackspace's 1.1 catalog: a map from service name to endpoints, no types.
    json(
        StatusCode::OK,
        &json!({"auth": {
            "token": {"id": token, "expires": expires},
            "serviceCatalog": {
                "cloudDatabases": [{"region": "DFW", "publicURL": here, "v1Default": true}],
                "cloudFiles": [{"region": "DFW", "publicURL": format!("http://{}/v1/files", ctx.host)}],
            },
        }}),
    )
}
