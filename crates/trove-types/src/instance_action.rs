//! What can be done to an existing instance: the update body (`PUT /instances/{id}`), the
//! actions (`POST /instances/{id}/action`) and the default configuration answer.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::instance::Access;

/// The body of `PUT /instances/{id}` (or its deprecated `PATCH` alias).
///
/// Trove changes one attribute per call, except that a rename may come with one other change.
/// Build it with the constructors, and add a rename with [`UpdateInstance::name`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
// Trove's instance:update and instance:edit forbid other keys (`additionalProperties: false`);
// `configuration` and `replica_of` are `null` on purpose (a detach).
#[cfg_attr(
    feature = "schemars",
    schemars(
        deny_unknown_fields,
        transform = crate::schema::no_nulls_but_detaches
    )
)]
pub struct UpdateInstance {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:update and instance:edit `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: Option<String>,
    /// `Some(Some(id))` attaches a configuration group; `Some(None)` sends `null`, which
    /// detaches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:update and instance:edit `configuration`: a UUID or null.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub configuration: Option<Option<String>>,
    /// `Some(None)` sends `"replica_of": null`, which detaches a replica from its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_of: Option<Option<String>>,
    /// A datastore version to upgrade to.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's instance:update `datastore_version`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub datastore_version: Option<String>,
    /// New network access settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::AccessBody>")
    )]
    pub access: Option<Access>,
}

impl UpdateInstance {
    /// Renames the instance.
    pub fn rename(name: impl Into<String>) -> Self {
        Self::default().name(name)
    }

    /// Attaches configuration group `id`.
    pub fn attach_configuration(id: impl Into<String>) -> Self {
        UpdateInstance {
            configuration: Some(Some(id.into())),
            ..Self::default()
        }
    }

    /// Detaches the configuration group (`"configuration": null`).
    pub fn detach_configuration() -> Self {
        UpdateInstance {
            configuration: Some(None),
            ..Self::default()
        }
    }

    /// Detaches a replica from its source (`"replica_of": null`).
    pub fn detach_replica() -> Self {
        UpdateInstance {
            replica_of: Some(None),
            ..Self::default()
        }
    }

    /// Upgrades the datastore to version `version` (a name or id).
    pub fn upgrade(version: impl Into<String>) -> Self {
        UpdateInstance {
            datastore_version: Some(version.into()),
            ..Self::default()
        }
    }

    /// Changes network access (`is_public`, `allowed_cidrs`).
    pub fn access(access: Access) -> Self {
        UpdateInstance {
            access: Some(access),
            ..Self::default()
        }
    }

    /// Adds a rename to this update.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// `{"instance": UpdateInstance}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateInstanceEnvelope<'a> {
    /// The update.
    pub instance: &'a UpdateInstance,
}

/// `{"instance": UpdateInstance}` sent with `PATCH`, whose schema in Trove (`instance["edit"]`
/// of `trove/common/apischema.py`) has no `access`: the SDK refuses an edit with one before
/// sending, and this type's JSON Schema says so.
#[derive(Debug, Clone, Serialize)]
pub struct EditInstanceEnvelope<'a> {
    /// The update, without `access`.
    pub instance: &'a UpdateInstance,
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for EditInstanceEnvelope<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EditInstanceEnvelope".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let update = generator.subschema_for::<UpdateInstance>();
        schemars::json_schema!({
            "description": "`{\"instance\": UpdateInstance}` without `access` (Trove's `instance[\"edit\"]` schema).",
            "type": "object",
            "required": ["instance"],
            "properties": {
                "instance": { "allOf": [update], "not": { "required": ["access"] } }
            }
        })
    }
}

/// An instance action: the one-key body of `POST /instances/{id}/action`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstanceAction {
    /// `{"restart": {}}`: restarts the datastore.
    Restart,
    /// `{"resize": {"flavorRef": id}}`: moves to another flavor.
    ResizeFlavor(String),
    /// `{"resize": {"volume": {"size": gb}}}`: grows the data volume.
    ResizeVolume(u64),
    /// `{"promote_to_replica_source": {}}`: makes a replica the new source.
    PromoteToReplicaSource,
    /// `{"eject_replica_source": {}}`: ejects a dead source and elects a new one.
    EjectReplicaSource,
    /// `{"reset_status": {}}`: clears a stuck task status.
    ResetStatus,
    /// `{"reset_status": {"force_delete": true}}`: the same reset, authorized by Trove's
    /// `instance:force_delete` policy instead of `instance:reset_status` (the key's presence
    /// is what counts: `trove/instance/service.py` `_action_reset_status`), so a stuck
    /// instance can then be deleted by whoever may force deletes.
    ResetStatusForceDelete,
}

impl InstanceAction {
    /// Returns the action's key in the body.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Restart => "restart",
            Self::ResizeFlavor(_) | Self::ResizeVolume(_) => "resize",
            Self::PromoteToReplicaSource => "promote_to_replica_source",
            Self::EjectReplicaSource => "eject_replica_source",
            Self::ResetStatus | Self::ResetStatusForceDelete => "reset_status",
        }
    }
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct ResizeFlavorArg<'a> {
    #[serde(rename = "flavorRef")]
    flavor_ref: &'a str,
}

#[derive(Serialize)]
struct ForceDeleteArg {
    force_delete: bool,
}

#[derive(Serialize)]
struct SizeArg {
    size: u64,
}

#[derive(Serialize)]
struct ResizeVolumeArg {
    volume: SizeArg,
}

// The bodies of `Serialize` below, one alternative per action key; `resize` is a flavor or a
// volume. The bounds are Trove's `instance:action` schemas (`trove/common/apischema.py`
// `resize_flavor` / `resize_volume`): a non-empty flavor reference, a size of at least 1. An
// alternative does not forbid other keys, as Trove's schemas do not (it acts on the first); the
// `resize` argument has exactly one key, since Trove picks the flavor or the volume schema by
// its first and a second would go unchecked.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for InstanceAction {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "InstanceAction".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let action = |name: &str, arg: serde_json::Value| {
            serde_json::json!({
                "type": "object",
                "properties": { name: arg },
                "required": [name],
            })
        };
        let empty = serde_json::json!({ "type": "object" });
        let resize = serde_json::json!({
            "oneOf": [
                {
                    "type": "object",
                    "properties": { "flavorRef": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 255,
                        "pattern": crate::schema::NON_EMPTY,
                    } },
                    "required": ["flavorRef"],
                    "additionalProperties": false,
                },
                {
                    "type": "object",
                    "properties": { "volume": {
                        "type": "object",
                        "properties": { "size": { "type": "integer", "minimum": 1 } },
                        "required": ["size"],
                    } },
                    "required": ["volume"],
                    "additionalProperties": false,
                },
            ]
        });
        let reset = serde_json::json!({
            "type": "object",
            "properties": { "force_delete": { "type": "boolean" } },
        });
        schemars::json_schema!({
            "oneOf": [
                action("restart", empty.clone()),
                action("resize", resize),
                action("promote_to_replica_source", empty.clone()),
                action("eject_replica_source", empty),
                action("reset_status", reset),
            ]
        })
    }
}

impl Serialize for InstanceAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self {
            Self::ResizeFlavor(f) => {
                map.serialize_entry("resize", &ResizeFlavorArg { flavor_ref: f })?
            }
            Self::ResizeVolume(size) => map.serialize_entry(
                "resize",
                &ResizeVolumeArg {
                    volume: SizeArg { size: *size },
                },
            )?,
            Self::ResetStatusForceDelete => {
                map.serialize_entry("reset_status", &ForceDeleteArg { force_delete: true })?
            }
            other => map.serialize_entry(other.name(), &Empty {})?,
        }
        map.end()
    }
}

/// The default configuration an instance runs with (`GET /instances/{id}/configuration`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct InstanceConfiguration {
    /// The parameter values, by name.
    #[serde(default)]
    pub configuration: BTreeMap<String, Value>,
}

/// `{"instance": {"configuration": {...}}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct InstanceConfigurationEnvelope {
    /// The configuration.
    pub instance: InstanceConfiguration,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(a: InstanceAction) -> Value {
        serde_json::to_value(a).unwrap()
    }

    #[test]
    fn action_bodies_match_the_contract() {
        assert_eq!(body(InstanceAction::Restart), json!({"restart": {}}));
        assert_eq!(
            body(InstanceAction::ResizeFlavor("2".into())),
            json!({"resize": {"flavorRef": "2"}})
        );
        assert_eq!(
            body(InstanceAction::ResizeVolume(4)),
            json!({"resize": {"volume": {"size": 4}}})
        );
        assert_eq!(
            body(InstanceAction::PromoteToReplicaSource),
            json!({"promote_to_replica_source": {}})
        );
        assert_eq!(
            body(InstanceAction::EjectReplicaSource),
            json!({"eject_replica_source": {}})
        );
        assert_eq!(
            body(InstanceAction::ResetStatus),
            json!({"reset_status": {}})
        );
        assert_eq!(
            body(InstanceAction::ResetStatusForceDelete),
            json!({"reset_status": {"force_delete": true}})
        );
    }

    #[test]
    fn update_bodies_match_the_contract() {
        let v = |u: UpdateInstance| {
            serde_json::to_value(UpdateInstanceEnvelope { instance: &u }).unwrap()
        };
        assert_eq!(
            v(UpdateInstance::rename("n")),
            json!({"instance": {"name": "n"}})
        );
        assert_eq!(
            v(UpdateInstance::attach_configuration("c1")),
            json!({"instance": {"configuration": "c1"}})
        );
        assert_eq!(
            v(UpdateInstance::detach_configuration()),
            json!({"instance": {"configuration": null}})
        );
        assert_eq!(
            v(UpdateInstance::detach_replica()),
            json!({"instance": {"replica_of": null}})
        );
        assert_eq!(
            v(UpdateInstance::upgrade("5.7.30").name("n")),
            json!({"instance": {"name": "n", "datastore_version": "5.7.30"}})
        );
        let access = Access {
            is_public: Some(true),
            allowed_cidrs: Some(vec!["10.0.0.0/8".into()]),
        };
        assert_eq!(
            v(UpdateInstance::access(access)),
            json!({"instance": {"access": {"is_public": true, "allowed_cidrs": ["10.0.0.0/8"]}}})
        );
    }

    #[test]
    fn default_configuration_decodes() {
        let c: InstanceConfigurationEnvelope = serde_json::from_str(
            r#"{"instance": {"configuration": {"max_connections": 100, "basedir": "/usr"}}}"#,
        )
        .unwrap();
        assert_eq!(c.instance.configuration["max_connections"], 100);
    }
}
