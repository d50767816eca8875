//! Datastores: one `mysql` datastore with version `5.7.29`, with the captured server's ids.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::Req;
use crate::fault;
use crate::response::{json, Resp};
use crate::state::Inner;

/// The datastore id the captured server had.
pub(crate) const DATASTORE_ID: &str = "873604ef-5d13-4e9e-b4ed-53934a3f50ed";
/// The datastore type.
pub(crate) const DATASTORE_TYPE: &str = "mysql";
/// The datastore version id the captured server had.
pub(crate) const VERSION_ID: &str = "44aaf438-dcbb-4e42-989d-e8222b7353c3";
/// The datastore version name (and number).
pub(crate) const VERSION_NAME: &str = "5.7.29";

/// Resolves a datastore by id or name.
pub(crate) fn find_datastore(key: &str) -> bool {
    key == DATASTORE_ID || key == DATASTORE_TYPE
}

/// Resolves a version by id or name.
pub(crate) fn find_version(key: &str) -> bool {
    key == VERSION_ID || key == VERSION_NAME
}

fn version_link_path() -> String {
    format!("datastores/versions/{VERSION_ID}")
}

fn datastore_view(req: &Req<'_>) -> Value {
    json!({
        "id": DATASTORE_ID,
        "name": DATASTORE_TYPE,
        "links": req.links(&format!("datastores/{DATASTORE_ID}")),
        "versions": [{
            "id": VERSION_ID,
            "name": VERSION_NAME,
            "version": VERSION_NAME,
            "links": req.links(&version_link_path()),
        }],
        "default_version": VERSION_ID,
    })
}

/// The version as `trove/datastore/views.py` `DatastoreVersionView` shows it; an admin also
/// sees the admin table's fields (`active`, `packages`, `image`, `registry_ext`,
/// `repl_strategy`, `image_tags`).
fn version_view(req: &Req<'_>, world: &mut Inner) -> Value {
    let mut v = json!({
        "id": VERSION_ID,
        "name": VERSION_NAME,
        "version": VERSION_NAME,
        "links": req.links(&version_link_path()),
        "datastore": DATASTORE_ID,
    });
    if super::mgmt::is_admin(req) {
        if let (Some(out), Some(Value::Object(extra))) = (
            v.as_object_mut(),
            super::mgmt::admin_version_fields(world, VERSION_ID),
        ) {
            out.extend(extra);
        }
    }
    v
}

fn datastore_missing(key: &str) -> Resp {
    fault::not_found(&format!("Datastore '{key}' cannot be found."))
}

/// 404 for an unknown datastore version.
pub(crate) fn version_missing(key: &str) -> Resp {
    fault::not_found(&format!("Datastore version '{key}' cannot be found."))
}

/// The same miss as the parameter controllers report it: a 400, not a 404.
pub(crate) fn parameters_version_missing(key: &str) -> Resp {
    fault::bad_request(&format!("Datastore version '{key}' cannot be found."))
}

/// The one volume type fake Cinder has.
const VOLUME_TYPE_ID: &str = "c2f3a6b8-1f2e-4a7c-9a55-6d8a3b2f1e01";

/// `DELETE datastores/{ds}` (admin): Trove refuses while the datastore has versions, which the
/// built-in datastore always has.
fn delete(req: &Req<'_>, ds: &str) -> Resp {
    if !super::mgmt::is_admin(req) {
        return fault::fault(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Policy doesn't allow datastore:delete to be performed.",
        );
    }
    if !find_datastore(ds) {
        return datastore_missing(ds);
    }
    fault::bad_request(&format!(
        "Cannot delete datastore {DATASTORE_ID} because it has datastore versions."
    ))
}

/// Datastore and version reads, and the admin delete.
pub(crate) fn route(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    if req.ctx.method == Method::DELETE {
        return match path {
            ["datastores", ds] if *ds != "versions" => Some(delete(req, ds)),
            _ => None,
        };
    }
    if req.ctx.method != Method::GET {
        return None;
    }
    let ok = |v: Value| json(StatusCode::OK, &v);
    Some(match path {
        ["datastores"] => ok(json!({ "datastores": [datastore_view(req)] })),
        ["datastores", "versions", v] => match find_version(v) {
            true => ok(json!({ "version": version_view(req, world) })),
            false => version_missing(v),
        },
        ["datastores", ds] => match find_datastore(ds) {
            true => ok(json!({ "datastore": datastore_view(req) })),
            false => datastore_missing(ds),
        },
        ["datastores", ds, "versions"] => match find_datastore(ds) {
            true => ok(json!({ "versions": [version_view(req, world)] })),
            false => datastore_missing(ds),
        },
        ["datastores", ds, "versions", v] => match (find_datastore(ds), find_version(v)) {
            (false, _) => datastore_missing(ds),
            (true, false) => version_missing(v),
            (true, true) => ok(json!({ "version": version_view(req, world) })),
        },
        ["datastores", ds, "versions", v, what @ ("flavors" | "volume-types")] => {
            match (find_datastore(ds), find_version(v)) {
                (false, _) => datastore_missing(ds),
                (true, false) => version_missing(v),
                (true, true) if *what == "flavors" => {
                    ok(json!({ "flavors": super::flavors::all(req) }))
                }
                (true, true) => ok(json!({ "volume_types": [{
                    "id": VOLUME_TYPE_ID,
                    "name": "lvmdriver-1",
                    "is_public": true,
                    "description": null,
                }]})),
            }
        }
        _ => return None,
    })
}
