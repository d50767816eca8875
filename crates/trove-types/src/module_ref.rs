//! Modules on an instance: what `GET /instances/{id}/modules` lists and the apply body.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{opt_string_or_number, string_or_number};
use crate::instance::ModuleRef;

/// A module applied to an instance, from Trove's records or (with `from_guest`) from the guest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct InstanceModule {
    /// The module id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The module name.
    #[serde(default)]
    pub name: String,
    /// The module type, such as `ping`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The datastore it applies to (`all` for any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore: Option<String>,
    /// The datastore version it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version: Option<String>,
    /// The MD5 of the applied contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// Whether it is applied to new instances automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_apply: Option<bool>,
    /// Whether only admins may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    /// Whether it is visible to the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// The apply status reported by the guest (`OK`, `ERROR`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The guest's message about the apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The owning tenant.
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub tenant: Option<String>,
    /// When it was applied (or the module created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub created: Option<String>,
    /// When it was last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub updated: Option<String>,
    /// When it was removed, for guest records of removed modules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
    /// The contents, base64-encoded as the guest agent sends them (only with
    /// `include_contents`); [`InstanceModule::decoded_contents`] decodes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<String>,
    /// Any other field the server sends (`priority_apply`, `apply_order`, ...).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

crate::list_envelope!(
    /// `{"modules": [...]}`, the modules of an instance (not paginated).
    InstanceModuleList,
    InstanceModule,
    "modules"
);

/// `{"modules": [{"id": ...}]}`, the body of `POST /instances/{id}/modules`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ApplyModulesEnvelope {
    /// The modules to apply.
    pub modules: Vec<ModuleRef>,
}

impl ApplyModulesEnvelope {
    /// Applies the modules whose ids are in `ids`.
    pub fn new<S: AsRef<str>>(ids: &[S]) -> Self {
        ApplyModulesEnvelope {
            modules: ids
                .iter()
                .map(|id| ModuleRef {
                    id: id.as_ref().to_owned(),
                })
                .collect(),
        }
    }
}

impl InstanceModule {
    /// The contents, decoded, when the server sent them (`include_contents`).
    pub fn decoded_contents(&self) -> Option<Result<Vec<u8>, crate::module::ContentsError>> {
        self.contents.as_deref().map(crate::module::decode_contents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applied_module_decodes_and_keeps_extra_fields() {
        let l: InstanceModuleList = serde_json::from_str(
            r#"{"modules": [{"id": "m1", "name": "ping", "type": "ping", "datastore": "all",
                "md5": "abc", "status": "OK", "priority_apply": false}]}"#,
        )
        .unwrap();
        assert_eq!(l.items[0].status.as_deref(), Some("OK"));
        assert_eq!(l.items[0].other["priority_apply"], false);
        assert_eq!(
            serde_json::to_value(ApplyModulesEnvelope::new(&["m1"])).unwrap(),
            serde_json::json!({"modules": [{"id": "m1"}]})
        );
    }
}
