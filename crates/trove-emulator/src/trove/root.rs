//! The root user of an instance (is-enabled, enable returning the password, disable) and of a
//! cluster (is-enabled, enable).

use http::{Method, StatusCode};
use serde_json::json;

use super::{ready_instance, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::Inner;

/// Routes `instances/{id}/root`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let ["instances", id, "root"] = path else {
        return None;
    };
    let m = req.ctx.method.clone();
    if ![Method::GET, Method::POST, Method::DELETE].contains(&m) {
        return None;
    }
    let password = match asked_password(req, &m) {
        Ok(p) => p,
        Err(e) => return Some(e),
    };
    let inst = match ready_instance(req, world, id) {
        Ok(i) => i,
        Err(e) => return Some(e),
    };
    Some(match m {
        Method::GET => json(StatusCode::OK, &json!({"rootEnabled": inst.root_enabled})),
        Method::POST => {
            inst.root_enabled = true;
            let password = password.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
            json(
                StatusCode::OK,
                &json!({"user": {"name": "root", "password": password}}),
            )
        }
        _ if !inst.root_enabled => fault::not_found("User root cannot be found on the instance."),
        _ => {
            inst.root_enabled = false;
            empty(StatusCode::NO_CONTENT)
        }
    })
}

/// The password a `POST` (enable) asks for, if its optional body names one.
fn asked_password(req: &Req<'_>, m: &Method) -> Result<Option<String>, Resp> {
    if *m != Method::POST {
        return Ok(None);
    }
    Ok(req.ctx.optional_json_body()?.and_then(|b| {
        b.get("password")
            .and_then(|p| p.as_str().map(str::to_owned))
    }))
}

/// Routes `clusters/{id}/root`: `GET` is-enabled and `POST` enable (no disable for clusters).
pub(crate) fn route_cluster(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    let ["clusters", id, "root"] = path else {
        return None;
    };
    let m = req.ctx.method.clone();
    if m != Method::GET && m != Method::POST {
        return None;
    }
    let password = match asked_password(req, &m) {
        Ok(p) => p,
        Err(e) => return Some(e),
    };
    if world
        .clusters
        .get(*id)
        .is_none_or(|c| c.tenant != req.tenant)
    {
        return Some(fault::not_found(&format!(
            "Cluster '{id}' cannot be found."
        )));
    }
    Some(if m == Method::GET {
        let enabled = world.cluster_root.contains(*id);
        json(StatusCode::OK, &json!({"rootEnabled": enabled}))
    } else {
        world.cluster_root.insert((*id).to_owned());
        let password = password.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        json(
            StatusCode::OK,
            &json!({"user": {"name": "root", "password": password}}),
        )
    })
}
