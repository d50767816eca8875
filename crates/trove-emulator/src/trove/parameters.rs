//! Configuration parameters of a datastore version (public, read-only view): list under the
//! hyphenated key, and show as a bare object, by datastore and version or by version id. The
//! parameter table itself is the management API's (`mgmt::parameters`).

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{datastores, mgmt, Req};
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

fn view(p: &mgmt::Parameter) -> Value {
    let mut v = json!({
        "name": p.name,
        "type": p.data_type,
        "restart_required": p.restart_required,
        "datastore_version_id": p.version_id,
    });
    if let Some(min) = p.min {
        v["min"] = json!(min);
    }
    if let Some(max) = p.max {
        v["max"] = json!(max);
    }
    v
}

/// Routes `datastores/{ds}/versions/{v}/parameters[/{name}]` and
/// `datastores/versions/{vid}/parameters[/{name}]`.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    if req.ctx.method != Method::GET {
        return None;
    }
    let (version, name) = match path {
        ["datastores", "versions", v, "parameters"] => (*v, None),
        ["datastores", "versions", v, "parameters", n] => (*v, Some(*n)),
        ["datastores", ds, "versions", v, "parameters", rest @ ..] if rest.len() <= 1 => {
            if !datastores::find_datastore(ds) {
                return Some(fault::not_found(&format!(
                    "Datastore '{ds}' cannot be found."
                )));
            }
            (*v, rest.first().copied())
        }
        _ => return None,
    };
    if !datastores::find_version(version) {
        return Some(datastores::parameters_version_missing(version));
    }
    let params = mgmt::parameters(world, datastores::VERSION_ID);
    Some(match name {
        None => {
            let items: Vec<Value> = params.iter().map(view).collect();
            json(
                StatusCode::OK,
                &json!({ "configuration-parameters": items }),
            )
        }
        Some(n) => match params.iter().find(|p| p.name == n) {
            Some(p) => json(StatusCode::OK, &view(p)),
            None => fault::resource_not_found(n),
        },
    })
}
