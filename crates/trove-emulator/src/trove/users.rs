//! Database users on an instance, addressed as `name` or `name@host` (URL-decoded, split on the
//! last `@`, host `%` by default): list, create, show, update, delete, and database access.

use std::collections::{BTreeMap, BTreeSet};

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{change_ready, databases, pagination, ready_instance, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::{DbUser, Inner, Instance};

/// Splits `name@host` on the last `@`; the host defaults to `%`.
fn split_user(raw: &str) -> (String, String) {
    match raw.rsplit_once('@') {
        Some((name, host)) => (name.to_owned(), host.to_owned()),
        None => (raw.to_owned(), "%".to_owned()),
    }
}

fn user_missing(name: &str, host: &str) -> Resp {
    fault::not_found(&format!(
        "User {name}@{host} cannot be found on the instance."
    ))
}

/// Validates `[{"name", "password", "host"?, "databases"?}, ...]` for user creation.
pub(crate) fn validate_new(
    v: &Value,
    path: &str,
) -> Result<BTreeMap<(String, String), DbUser>, Resp> {
    let mut users = BTreeMap::new();
    for (i, u) in schema::array(v, path)?.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let obj = schema::object(u, &p)?;
        let name = schema::required(obj, "name", &p)?;
        let password = schema::required(obj, "password", &p)?;
        let name = schema::string(name, &format!("{p}['name']"))?.to_owned();
        let password = schema::string(password, &format!("{p}['password']"))?.to_owned();
        let host = match obj.get("host") {
            Some(h) => schema::string(h, &format!("{p}['host']"))?.to_owned(),
            None => "%".to_owned(),
        };
        let dbs = match obj.get("databases") {
            Some(d) => databases::validate_list(d, &format!("{p}['databases']"))?,
            None => BTreeSet::new(),
        };
        users.insert(
            (name, host),
            DbUser {
                password,
                databases: dbs,
            },
        );
    }
    Ok(users)
}

fn view(name: &str, host: &str, user: &DbUser) -> Value {
    let dbs: Vec<Value> = user.databases.iter().map(|d| json!({"name": d})).collect();
    json!({"name": name, "host": host, "databases": dbs})
}

/// Routes `instances/{id}/users[/{user}[/databases[/{db}]]]`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let m = req.ctx.method.clone();
    let id = *path.get(1)?;
    // Validate bodies before loading the instance: the schema check comes first on the real
    // server, so a bad body on a BUILD instance is a 400, not a 422.
    let body = match (&m, path.len()) {
        (&Method::POST | &Method::PUT, 3..=5) => match req.ctx.json_body() {
            Ok(b) => Some(b),
            Err(e) => return Some(e),
        },
        _ => None,
    };
    let resp = match (m, &path[2..]) {
        (Method::GET, ["users"]) => list(req, world, id).unwrap_or_else(|e| e),
        (Method::POST, ["users"]) => create(req, world, id, body.as_ref()?),
        (Method::PUT, ["users"]) => change_passwords(req, world, id, body.as_ref()?),
        (Method::GET, ["users", u]) => with_user(req, world, id, u, |inst, key| {
            let user = inst.users.get(&key)?;
            Some(json(
                StatusCode::OK,
                &json!({"user": view(&key.0, &key.1, user)}),
            ))
        }),
        (Method::PUT, ["users", u]) => update(req, world, id, u, body.as_ref()?),
        (Method::DELETE, ["users", u]) => with_user(req, world, id, u, |inst, key| {
            inst.users.remove(&key)?;
            Some(empty(StatusCode::ACCEPTED))
        }),
        (Method::GET, ["users", u, "databases"]) => with_user(req, world, id, u, |inst, key| {
            let user = inst.users.get(&key)?;
            let dbs: Vec<Value> = user.databases.iter().map(|d| json!({"name": d})).collect();
            Some(json(StatusCode::OK, &json!({"databases": dbs})))
        }),
        (Method::PUT, ["users", u, "databases"]) => {
            let names = match schema::envelope(body.as_ref()?, "databases")
                .and_then(|l| databases::validate_list(l, "databases"))
            {
                Ok(n) => n,
                Err(e) => return Some(e),
            };
            with_user(req, world, id, u, |inst, key| {
                inst.users.get_mut(&key)?.databases.extend(names);
                Some(empty(StatusCode::ACCEPTED))
            })
        }
        (Method::DELETE, ["users", u, "databases", db]) => {
            with_user(req, world, id, u, |inst, key| {
                inst.users.get_mut(&key)?.databases.remove(*db);
                Some(empty(StatusCode::ACCEPTED))
            })
        }
        _ => return None,
    };
    Some(resp)
}

/// Runs `f` on a ready instance and the `(name, host)` key of `raw`; `None` from `f` means the
/// user does not exist.
fn with_user(
    req: &Req<'_>,
    world: &mut Inner,
    id: &str,
    raw: &str,
    f: impl FnOnce(&mut Instance, (String, String)) -> Option<Resp>,
) -> Resp {
    let inst = match ready_instance(req, world, id) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let key = split_user(raw);
    let (name, host) = key.clone();
    f(inst, key).unwrap_or_else(|| user_missing(&name, &host))
}

fn list(req: &Req<'_>, world: &mut Inner, id: &str) -> Result<Resp, Resp> {
    // trove/extensions/common/models.py `load_via_context` checks the instance before it
    // reads the limit, so an unknown instance is a 404 whatever the limit.
    let inst = ready_instance(req, world, id)?;
    let limit = pagination::guest_limit(req)?;
    // The guest pages by `CONCAT(User, '@', Host)` and hands back the last one as the marker
    // (trove/guestagent/datastore/mysql_common/service.py `list_users`), whose order is not
    // that of (name, host): `a-b@%` comes before `a@%`.
    let marker = |(name, host): &(String, String)| format!("{name}@{host}");
    let mut users: Vec<(&(String, String), &DbUser)> = inst.users.iter().collect();
    users.sort_by_cached_key(|(k, _)| marker(k));
    let (page, next) = pagination::cut(users, |(k, _)| marker(k), req.ctx.query("marker"), limit);
    let items = page.into_iter().map(|(k, u)| view(&k.0, &k.1, u)).collect();
    Ok(json(
        StatusCode::OK,
        &pagination::body(req, "users", items, next),
    ))
}

fn create(req: &Req<'_>, world: &mut Inner, id: &str, body: &Value) -> Resp {
    let users = match schema::envelope(body, "users").and_then(|l| validate_new(l, "users")) {
        Ok(u) => u,
        Err(e) => return e,
    };
    change_ready(req, world, id, |inst| inst.users.extend(users))
}

fn change_passwords(req: &Req<'_>, world: &mut Inner, id: &str, body: &Value) -> Resp {
    let users = match schema::envelope(body, "users").and_then(|l| validate_new(l, "users")) {
        Ok(u) => u,
        Err(e) => return e,
    };
    let inst = match ready_instance(req, world, id) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if let Some((name, host)) = users.keys().find(|k| !inst.users.contains_key(*k)) {
        return user_missing(name, host);
    }
    for (key, new) in users {
        if let Some(u) = inst.users.get_mut(&key) {
            u.password = new.password;
        }
    }
    empty(StatusCode::ACCEPTED)
}

fn update(req: &Req<'_>, world: &mut Inner, id: &str, raw: &str, body: &Value) -> Resp {
    let fields = match schema::envelope(body, "user").and_then(|u| schema::object(u, "user")) {
        Ok(f) => f.clone(),
        Err(e) => return e,
    };
    let text = |k: &str| -> Result<Option<String>, Resp> {
        fields
            .get(k)
            .map(|v| schema::string(v, &format!("user['{k}']")).map(str::to_owned))
            .transpose()
    };
    let (new_name, new_host, new_password) = match (text("name"), text("host"), text("password")) {
        (Ok(n), Ok(h), Ok(p)) => (n, h, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    with_user(req, world, id, raw, |inst, key| {
        let mut user = inst.users.remove(&key)?;
        if let Some(p) = new_password {
            user.password = p;
        }
        let new_key = (new_name.unwrap_or(key.0), new_host.unwrap_or(key.1));
        inst.users.insert(new_key, user);
        Some(empty(StatusCode::ACCEPTED))
    })
}
