//! Single resources as the server sent them, flattened the way OpenStack's client (OSC,
//! `troveclient/osc/v1/`) shows them: `show` starts from the answer's JSON body, not from the
//! SDK's model, so no field the server sent is dropped, a later Trove's included.

use std::future::Future;

use serde_json::{Map, Value};
use troveclient::WithBody;

/// Fetches a resource with its body by id, or else by the id `find_id` resolves from a
/// (unique) name.
pub async fn fetch<T, Get, GetFut, Find, FindFut>(
    name_or_id: &str,
    get: Get,
    find_id: Find,
) -> anyhow::Result<WithBody<T>>
where
    Get: Fn(String) -> GetFut,
    GetFut: Future<Output = Result<WithBody<T>, troveclient::Error>>,
    Find: FnOnce() -> FindFut,
    FindFut: Future<Output = anyhow::Result<String>>,
{
    match get(name_or_id.to_owned()).await {
        Err(e) if e.is_not_found() => {
            let id = find_id().await?;
            Ok(get(id).await?)
        }
        other => Ok(other?),
    }
}

/// The fields of a model as the server would have sent them: what it serializes, without the
/// empty values it fills in for fields the answer lacked.
pub fn fields(model: &impl serde::Serialize) -> anyhow::Result<Map<String, Value>> {
    match serde_json::to_value(model)? {
        Value::Object(map) => Ok(map.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        _ => anyhow::bail!("the resource is not an object"),
    }
}

/// Takes the object under `key` of an answer's body (`{"instance": {...}}`).
pub fn unwrap(body: &[u8], key: &str) -> anyhow::Result<Map<String, Value>> {
    let mut value: Value = serde_json::from_slice(body)?;
    match value.get_mut(key).map(Value::take) {
        Some(Value::Object(map)) => Ok(map),
        _ => anyhow::bail!("the server's answer has no {key:?} object"),
    }
}

/// An instance as `openstack database instance show` prints it
/// (`database_instances.py`, `set_attributes_for_print_detail`): `flavor`, `configuration`
/// and `replica_of` become their ids, `replicas` and `ip` comma-joined lists, `volume` its
/// size beside `volume_used`, `datastore` its type beside `datastore_version` and
/// `datastore_version_number`, `fault` its message beside `fault_date` and `fault_details`,
/// `access` becomes `public` and `allowed_cidrs`, and links go. What OSC would drop inside
/// those objects is kept under the object's name and its key (`volume_used_percent`).
pub fn instance(mut info: Map<String, Value>) -> Map<String, Value> {
    info.remove("links");
    if let Some(Value::Object(flavor)) = info.remove("flavor") {
        info.insert(
            "flavor".into(),
            flavor.get("id").cloned().unwrap_or(Value::Null),
        );
    }
    if let Some(Value::Object(mut volume)) = info.remove("volume") {
        info.insert(
            "volume".into(),
            volume.remove("size").unwrap_or(Value::Null),
        );
        if let Some(used) = volume.remove("used") {
            info.insert("volume_used".into(), used);
        }
        keep_rest(&mut info, "volume", volume);
    }
    if let Some(Value::Array(ip)) = info.remove("ip") {
        info.insert("ip".into(), Value::String(join(&ip, |v| v.as_str())));
    }
    if let Some(Value::Object(mut ds)) = info.remove("datastore") {
        info.insert("datastore".into(), ds.remove("type").unwrap_or(Value::Null));
        info.insert(
            "datastore_version".into(),
            ds.remove("version").unwrap_or(Value::Null),
        );
        info.insert(
            "datastore_version_number".into(),
            ds.remove("version_number").unwrap_or(Value::Null),
        );
        keep_rest(&mut info, "datastore", ds);
    }
    for key in ["configuration", "replica_of"] {
        if let Some(Value::Object(mut r)) = info.remove(key) {
            r.remove("links");
            info.insert(key.into(), r.remove("id").unwrap_or(Value::Null));
            keep_rest(&mut info, key, r);
        }
    }
    if let Some(Value::Array(replicas)) = info.remove("replicas") {
        let ids = join(&replicas, |r| r.get("id").and_then(Value::as_str));
        info.insert("replicas".into(), Value::String(ids));
    }
    if let Some(Value::Object(mut fault)) = info.remove("fault") {
        info.insert(
            "fault".into(),
            fault.remove("message").unwrap_or(Value::Null),
        );
        info.insert(
            "fault_date".into(),
            fault.remove("created").unwrap_or(Value::Null),
        );
        match fault.remove("details") {
            Some(d) if !d.is_null() && d != "" => {
                info.insert("fault_details".into(), d);
            }
            _ => {}
        }
        keep_rest(&mut info, "fault", fault);
    }
    if let Some(access) = info.remove("access") {
        let mut access = match access {
            Value::Object(a) => a,
            _ => Map::new(),
        };
        info.insert(
            "public".into(),
            access.remove("is_public").unwrap_or(Value::Bool(false)),
        );
        info.insert(
            "allowed_cidrs".into(),
            access
                .remove("allowed_cidrs")
                .unwrap_or_else(|| Value::Array(Vec::new())),
        );
        keep_rest(&mut info, "access", access);
    }
    info
}

/// A backup as `openstack database backup show` prints it (`database_backups.py`,
/// `set_attributes_for_print_detail`): `datastore` becomes its type beside
/// `datastore_version` and `datastore_version_id`; whatever else the datastore object holds
/// is kept as `datastore_<field>`.
pub fn backup(mut info: Map<String, Value>) -> Map<String, Value> {
    flatten_datastore(
        &mut info,
        &[
            ("version", "datastore_version"),
            ("version_id", "datastore_version_id"),
        ],
    );
    info
}

/// A cluster as `openstack database cluster show` prints it (`database_clusters.py`,
/// `set_attributes_for_print_detail`): `datastore` becomes its type beside
/// `datastore_version`, `task` becomes `task_name` and `task_description` (its id kept as
/// `task_id`), `ip` a comma-joined list of addresses, `instances` is counted in
/// `instance_count`, and links go. OSC drops the member list; it is kept as `instances`.
pub fn cluster(mut info: Map<String, Value>) -> Map<String, Value> {
    info.remove("links");
    flatten_datastore(&mut info, &[("version", "datastore_version")]);
    if let Some(task) = info.remove("task") {
        let mut task = match task {
            Value::Object(t) => t,
            _ => Map::new(),
        };
        info.insert(
            "task_description".into(),
            task.remove("description").unwrap_or(Value::Null),
        );
        info.insert(
            "task_name".into(),
            task.remove("name").unwrap_or(Value::Null),
        );
        keep_rest(&mut info, "task", task);
    }
    if let Some(Value::Array(ip)) = info.remove("ip") {
        let text = join(&ip, |a| a.as_str().or_else(|| a.get("address")?.as_str()));
        info.insert("ip".into(), Value::String(text));
    }
    if let Some(Value::Array(members)) = info.get("instances") {
        if !members.is_empty() {
            let count = members.len();
            info.insert("instance_count".into(), count.into());
        }
    }
    info
}

/// A configuration group as `openstack database configuration show` prints it
/// (`database_configurations.py`, `set_attributes_for_print_detail`). OSC drops
/// `datastore_version_id` and prints `values` as JSON text; both are kept as the server sent
/// them (a table prints `values` as JSON all the same).
pub fn configuration(info: Map<String, Value>) -> Map<String, Value> {
    info
}

/// A module as `trove module-show` prints it (`troveclient/v1/shell.py`, `_print_object`;
/// OSC has no module commands): links go, the rest is already flat.
pub fn module(mut info: Map<String, Value>) -> Map<String, Value> {
    info.remove("links");
    info
}

/// A datastore as `openstack datastore show` prints it (`datastores.py`,
/// `set_attributes_for_print_detail`): `versions` becomes `versions (id)`, one `name (id)`
/// a line, `default_version` the default version's name, and links go. What OSC drops is
/// kept: the default version's id as `default_version_id`, each version's other fields
/// (links aside) under `versions`.
pub fn datastore(mut info: Map<String, Value>) -> Map<String, Value> {
    info.remove("links");
    let mut versions = match info.remove("versions") {
        Some(Value::Array(v)) => v,
        _ => Vec::new(),
    };
    for v in &mut versions {
        if let Value::Object(v) = v {
            v.remove("links");
        }
    }
    let listed = versions
        .iter()
        .map(|v| {
            let text = |k: &str| {
                v.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            format!("{} ({})", text("name"), text("id"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    info.insert("versions (id)".into(), Value::String(listed));
    if let Some(default) = info.remove("default_version") {
        let name = versions
            .iter()
            .find(|v| v.get("id") == Some(&default))
            .and_then(|v| v.get("name").cloned());
        match name {
            Some(name) => {
                info.insert("default_version".into(), name);
                info.insert("default_version_id".into(), default);
            }
            // A default the list does not name is shown as the server sent it.
            None => {
                info.insert("default_version".into(), default);
            }
        }
    }
    info.insert("versions".into(), Value::Array(versions));
    info
}

/// A datastore version as `openstack datastore version show` prints it (`datastores.py`,
/// `ShowDatastoreVersion`): the body as sent, links aside.
pub fn datastore_version(mut info: Map<String, Value>) -> Map<String, Value> {
    info.remove("links");
    info
}

/// A flavor as `openstack database flavor show` prints it (`database_flavors.py`,
/// `set_attributes_for_print_detail`): links go and a null `id` falls back to `str_id`.
pub fn flavor(mut info: Map<String, Value>) -> Map<String, Value> {
    info.remove("links");
    if info.get("id").is_none_or(Value::is_null) {
        if let Some(str_id) = info.remove("str_id") {
            info.insert("id".into(), str_id);
        }
    }
    info
}

/// Turns `datastore` into its type, and its fields named in `renamed` into top-level fields;
/// the rest of the object is kept as `datastore_<field>`.
fn flatten_datastore(info: &mut Map<String, Value>, renamed: &[(&str, &str)]) {
    if let Some(Value::Object(mut ds)) = info.remove("datastore") {
        info.insert("datastore".into(), ds.remove("type").unwrap_or(Value::Null));
        for (from, to) in renamed {
            info.insert((*to).into(), ds.remove(*from).unwrap_or(Value::Null));
        }
        keep_rest(info, "datastore", ds);
    }
}

/// Keeps the fields OSC would drop from object `name` as `name_field`, unless a field of that
/// name is already there.
fn keep_rest(info: &mut Map<String, Value>, name: &str, rest: Map<String, Value>) {
    for (k, v) in rest {
        info.entry(format!("{name}_{k}")).or_insert(v);
    }
}

fn join(items: &[Value], text: impl Fn(&Value) -> Option<&str>) -> String {
    items.iter().filter_map(text).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../tests/fixtures/views/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap_or_default()
    }

    /// Follows troveclient/osc/v1/database_instances.py `set_attributes_for_print_detail`, on
    /// an answer of the real Trove 26 to an admin.
    #[test]
    fn an_instance_is_flattened_as_osc_flattens_it() {
        let raw = unwrap(&fixture("admin-instance-show.real-trove.json"), "instance");
        let shown = instance(raw.unwrap_or_default());
        assert_eq!(shown["flavor"], "1");
        assert_eq!(shown["volume"], 1);
        assert_eq!(shown["volume_used"], 0.16);
        assert_eq!(shown["datastore"], "mysql");
        assert_eq!(shown["datastore_version"], "5.7.29");
        assert_eq!(shown["datastore_version_number"], "5.7.29");
        assert_eq!(shown["public"], false);
        assert_eq!(shown["allowed_cidrs"], json!([]));
        assert!(shown["fault"]
            .as_str()
            .unwrap_or_default()
            .contains("is not ready"));
        assert_eq!(shown["fault_date"], "2026-12-06T05:20:34");
        assert!(shown["fault_details"].is_string());
        assert_eq!(shown["encrypted_rpc_messaging"], true);
        assert!(shown["server_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("FAKE_")));
        for gone in ["links", "access"] {
            assert!(shown.get(gone).is_none(), "{gone}");
        }
    }

    /// Fields the SDK's model does not know, at the top and inside an object OSC flattens,
    /// are printed all the same.
    #[test]
    fn fields_the_model_does_not_know_are_shown() {
        let raw = unwrap(&fixture("instance-show-unknown-fields.json"), "instance");
        let shown = instance(raw.unwrap_or_default());
        assert_eq!(shown["a_later_trove_field"], json!({"nested": [1, 2]}));
        assert_eq!(shown["volume_a_later_volume_field"], "x");
        assert_eq!(shown["volume_used_percent"], 21.35);
        assert_eq!(shown["volume_wal_size"], 16384);
    }

    #[test]
    fn replicas_ips_and_references_become_ids() {
        let shown = instance(
            json!({"ip": ["10.0.0.1", "10.0.0.2"], "configuration": {"id": "c1", "name": "g"},
                "replica_of": {"id": "src", "links": []},
                "replicas": [{"id": "r1"}, {"id": "r2"}],
                "access": {"is_public": true, "allowed_cidrs": ["10.0.0.0/8"]}})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
        assert_eq!(shown["ip"], "10.0.0.1, 10.0.0.2");
        assert_eq!(shown["configuration"], "c1");
        assert_eq!(shown["configuration_name"], "g");
        assert_eq!(shown["replica_of"], "src");
        assert_eq!(shown["replicas"], "r1, r2");
        assert_eq!(shown["public"], true);
        assert_eq!(shown["allowed_cidrs"], json!(["10.0.0.0/8"]));
    }

    /// Follows troveclient/osc/v1/database_backups.py `set_attributes_for_print_detail`, on
    /// an answer of the real Trove 26.
    #[test]
    fn a_backup_is_flattened_as_osc_flattens_it() {
        let raw = unwrap(&fixture("backup-show.real-trove.json"), "backup");
        let mut raw = raw.unwrap_or_default();
        if let Some(Value::Object(ds)) = raw.get_mut("datastore") {
            ds.insert("a_later_field".into(), json!(7));
        }
        let shown = backup(raw);
        assert_eq!(shown["datastore"], "mysql");
        assert_eq!(shown["datastore_version"], "5.7.29");
        assert_eq!(
            shown["datastore_version_id"],
            "44aaf438-dcbb-4e42-989d-e8222b7353c3"
        );
        assert_eq!(shown["datastore_a_later_field"], 7);
        assert_eq!(shown["locationRef"], "http://localhost/path/to/backup");
        assert_eq!(shown["size"], 0.14);
        assert_eq!(shown["parent_id"], Value::Null);
    }

    /// Follows troveclient/osc/v1/database_clusters.py `set_attributes_for_print_detail`, on
    /// a body shaped as trove/cluster/views.py `ClusterView.data` renders it.
    #[test]
    fn a_cluster_is_flattened_as_osc_flattens_it() {
        let shown = cluster(
            json!({"id": "c1", "name": "cl", "links": [],
                "datastore": {"type": "mongodb", "version": "4.0", "version_id": "v1"},
                "task": {"id": 1, "name": "NONE", "description": "No tasks for the cluster."},
                "ip": ["10.0.0.1", {"address": "10.0.0.2", "type": "private"}],
                "instances": [{"id": "i1", "status": "ACTIVE"}, {"id": "i2"}],
                "locality": "anti-affinity"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
        assert_eq!(shown["datastore"], "mongodb");
        assert_eq!(shown["datastore_version"], "4.0");
        assert_eq!(shown["datastore_version_id"], "v1");
        assert_eq!(shown["task_name"], "NONE");
        assert_eq!(shown["task_description"], "No tasks for the cluster.");
        assert_eq!(shown["task_id"], 1);
        assert_eq!(shown["ip"], "10.0.0.1, 10.0.0.2");
        assert_eq!(shown["instance_count"], 2);
        assert_eq!(shown["instances"][0]["status"], "ACTIVE");
        assert_eq!(shown["locality"], "anti-affinity");
        for gone in ["links", "task"] {
            assert!(shown.get(gone).is_none(), "{gone}");
        }
    }

    /// Follows troveclient/osc/v1/database_configurations.py
    /// `set_attributes_for_print_detail`, except that what it drops or stringifies stays.
    #[test]
    fn a_configuration_keeps_its_values_and_version_id() {
        let shown = configuration(
            json!({"id": "g1", "values": {"max_connections": 200},
                "datastore_version_id": "v1", "instance_count": 0})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
        assert_eq!(shown["values"]["max_connections"], 200);
        assert_eq!(shown["datastore_version_id"], "v1");
        assert_eq!(shown["instance_count"], 0);
    }

    /// Follows troveclient/v1/shell.py `_print_object` (`trove module-show`), on a body as
    /// trove/module/views.py `DetailedModuleView.data` renders it.
    #[test]
    fn a_module_is_shown_without_links() {
        let raw = unwrap(
            &fixture("module-show-instance-count.from-view-code.json"),
            "module",
        );
        let mut raw = raw.unwrap_or_default();
        raw.insert("links".into(), json!([]));
        raw.insert("a_later_trove_field".into(), json!("x"));
        let shown = module(raw);
        assert!(shown.get("links").is_none());
        assert_eq!(shown["a_later_trove_field"], "x");
        assert!(shown.get("id").is_some());
    }

    /// Follows troveclient/osc/v1/datastores.py `set_attributes_for_print_detail`, on an
    /// answer of the real Trove 26.
    #[test]
    fn a_datastore_is_flattened_as_osc_flattens_it() {
        let raw = unwrap(&fixture("datastore-show.real-trove.json"), "datastore");
        let shown = datastore(raw.unwrap_or_default());
        let id = "44aaf438-dcbb-4e42-989d-e8222b7353c3";
        assert_eq!(shown["versions (id)"], format!("5.7.29 ({id})"));
        assert_eq!(shown["default_version"], "5.7.29");
        assert_eq!(shown["default_version_id"], id);
        assert_eq!(shown["versions"][0]["version"], "5.7.29");
        assert!(shown["versions"][0].get("links").is_none());
        assert!(shown.get("links").is_none());
        assert_eq!(shown["name"], "mysql");
    }

    /// Follows troveclient/osc/v1/datastores.py `ShowDatastoreVersion.take_action`, on an
    /// answer of the real Trove 26.
    #[test]
    fn a_datastore_version_is_shown_without_links() {
        let raw = unwrap(
            &fixture("datastore-version-show.real-trove.json"),
            "version",
        );
        let shown = datastore_version(raw.unwrap_or_default());
        assert_eq!(shown["datastore"], "873604ef-5d13-4e9e-b4ed-53934a3f50ed");
        assert_eq!(shown["version"], "5.7.29");
        assert!(shown.get("links").is_none());
    }

    /// Follows troveclient/osc/v1/database_flavors.py `set_attributes_for_print_detail` and
    /// troveclient/v1/flavors.py `Flavor.__init__`, on an answer of the real Trove 26.
    #[test]
    fn a_flavor_is_shown_without_links() {
        let raw = unwrap(&fixture("flavor-show.real-trove.json"), "flavor");
        let shown = flavor(raw.unwrap_or_default());
        assert_eq!(shown["id"], 1);
        assert_eq!(shown["ram"], 512);
        assert!(shown.get("links").is_none());
        let shown = flavor(
            json!({"id": null, "str_id": "big"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
        assert_eq!(shown["id"], "big");
        assert!(shown.get("str_id").is_none());
    }

    #[test]
    fn an_answer_without_its_object_is_an_error() {
        assert!(unwrap(br#"{"other": {}}"#, "instance").is_err());
        assert!(unwrap(b"not json", "instance").is_err());
    }
}
