//! Backup strategies: where a project's (or one instance's) backups go. Create replaces the
//! strategy of the same scope; list and delete take `instance_id` and (admin) `project_id`.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{mgmt, schema, Req};
use crate::fault;
use crate::response::{empty, json, Resp};
use crate::state::Inner;

/// One strategy; `instance_id` is `None` for the project-wide one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Strategy {
    project_id: String,
    instance_id: Option<String>,
    swift_container: String,
}

fn view(s: &Strategy) -> Value {
    json!({
        "project_id": s.project_id,
        "instance_id": s.instance_id,
        "backend": "swift",
        "swift_container": s.swift_container,
    })
}

/// Routes `backup_strategies`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    if path != ["backup_strategies"] {
        return None;
    }
    let m = &req.ctx.method;
    let result = if m == Method::GET {
        list(req, world)
    } else if m == Method::POST {
        create(req, world)
    } else if m == Method::DELETE {
        delete(req, world)
    } else {
        return None;
    };
    Some(result.unwrap_or_else(|e| e))
}

/// The project the request acts on: the caller's, or (admin) `project_id`.
fn project(req: &Req<'_>) -> Result<String, Resp> {
    match req.ctx.query("project_id") {
        Some(p) if p != req.tenant && !mgmt::is_admin(req) => Err(fault::fault(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Policy doesn't allow backup_strategy:index to be performed.",
        )),
        Some(p) => Ok(p.to_owned()),
        None => Ok(req.tenant.clone()),
    }
}

fn list(req: &Req<'_>, world: &Inner) -> Result<Resp, Resp> {
    let project = project(req)?;
    let instance = req.ctx.query("instance_id");
    let items: Vec<Value> = world
        .backup_strategies
        .iter()
        .filter(|s| s.project_id == project)
        .filter(|s| instance.is_none() || s.instance_id.as_deref() == instance)
        .map(view)
        .collect();
    Ok(json(StatusCode::OK, &json!({ "backup_strategies": items })))
}

fn create(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let body = req.ctx.json_body()?;
    let fields = schema::object(
        schema::envelope(&body, "backup_strategy")?,
        "backup_strategy",
    )?;
    let instance_id = match fields.get("instance_id") {
        None | Some(Value::Null) => None,
        Some(v) => Some(schema::string(v, "backup_strategy['instance_id']")?.to_owned()),
    };
    let swift_container = match fields.get("swift_container") {
        None | Some(Value::Null) => "database_backups".to_owned(),
        Some(v) => schema::string(v, "backup_strategy['swift_container']")?.to_owned(),
    };
    if let Some(id) = instance_id.as_deref() {
        if world.instance(&req.tenant, id).is_none() {
            return Err(fault::resource_not_found(id));
        }
    }
    let strategy = Strategy {
        project_id: req.tenant.clone(),
        instance_id,
        swift_container,
    };
    world.backup_strategies.retain(|s| {
        !(s.project_id == strategy.project_id && s.instance_id == strategy.instance_id)
    });
    let body = json!({ "backup_strategy": view(&strategy) });
    world.backup_strategies.push(strategy);
    Ok(json(StatusCode::ACCEPTED, &body))
}

fn delete(req: &Req<'_>, world: &mut Inner) -> Result<Resp, Resp> {
    let project = project(req)?;
    let instance = req.ctx.query("instance_id").map(str::to_owned);
    let before = world.backup_strategies.len();
    world
        .backup_strategies
        .retain(|s| !(s.project_id == project && s.instance_id == instance));
    if world.backup_strategies.len() == before {
        return Err(fault::not_found(&format!(
            "Backup strategy for project {project} instance {} cannot be found.",
            instance.as_deref().unwrap_or("None")
        )));
    }
    Ok(empty(StatusCode::ACCEPTED))
}
