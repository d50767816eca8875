//! Single resources as the server sent them, flattened the way OpenStack's client (OSC,
//! `troveclient/osc/v1/`) shows them: `show` starts from the answer's JSON body, not from the
//! SDK's model, so no field the server sent is dropped, a later Trove's included.

use serde_json::{Map, Value};

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

    #[test]
    fn an_answer_without_its_object_is_an_error() {
        assert!(unwrap(br#"{"other": {}}"#, "instance").is_err());
        assert!(unwrap(b"not json", "instance").is_err());
    }
}
