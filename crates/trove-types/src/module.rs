//! Modules: the module model, the create, update and reapply bodies, and the per-module
//! instance counts.

use serde::{Deserialize, Deserializer, Serialize};

use crate::common::{opt_bool_as_int, opt_string_or_number, string_or_number};
use crate::instance::Instance;

/// A module, as shown by `GET /modules/{id}` or as an item of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Module {
    /// The module id (a UUID).
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The module name.
    #[serde(default)]
    pub name: String,
    /// The module type, such as `ping` or `new_relic_license`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owning project; `None` for modules of all tenants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The owning project's name, or `All`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The datastore id; `None` for all datastores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_id: Option<String>,
    /// The datastore name, or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore: Option<String>,
    /// The datastore version id; `None` for all versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version_id: Option<String>,
    /// The datastore version name, or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version: Option<String>,
    /// Whether new instances get the module automatically.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub auto_apply: Option<bool>,
    /// Whether the module is applied before others.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub priority_apply: Option<bool>,
    /// The order in which modules apply (0-9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_order: Option<i64>,
    /// Whether an admin created it (and only admins may change it).
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub is_admin: Option<bool>,
    /// The MD5 of the contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// Whether tenants can see it.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub visible: Option<bool>,
    /// Whether it may be applied to running instances.
    #[serde(default, deserialize_with = "flex_bool")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::FlexBool>")
    )]
    pub live_update: Option<bool>,
    /// How many instances have the module applied (module show only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_count: Option<u64>,
    /// The contents, when asked for (`include_contents`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub created: Option<String>,
    /// Last update time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub updated: Option<String>,
}

/// Encodes module contents as python-troveclient does before sending them (`utils.encode_data`:
/// standard base64 with padding).
pub fn encode_contents(contents: impl AsRef<[u8]>) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(contents)
}

/// Decodes module contents as Trove's guest agent and python-troveclient's `module-retrieve`
/// do (standard base64).
pub fn decode_contents(encoded: &str) -> Result<Vec<u8>, ContentsError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(encoded.trim_end())
        .map_err(|e| ContentsError(e.to_string()))
}

/// Module contents that are not base64, as a module created without encoding them has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("module contents are not base64: {0}")]
pub struct ContentsError(String);

impl Module {
    /// The contents, decoded, when the server sent them.
    pub fn decoded_contents(&self) -> Option<Result<Vec<u8>, ContentsError>> {
        self.contents.as_deref().map(decode_contents)
    }
}

impl UpdateModule {
    /// Sets new `contents` (text or bytes), to be sent base64-encoded.
    pub fn contents(mut self, contents: impl AsRef<[u8]>) -> Self {
        self.contents = Some(encode_contents(contents));
        self
    }
}

/// Reads a boolean that some servers send as `0`/`1` or as a string.
fn flex_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    crate::mgmt::flex_bool_with(d, &["true", "1", "yes", "on"])
}

/// `{"module": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ModuleEnvelope {
    /// The module.
    pub module: Module,
}

crate::list_envelope!(
    /// `{"modules": [...]}`, the module list (not paginated by the server).
    ModuleList,
    Module,
    "modules"
);

crate::list_envelope!(
    /// `{"instances": [...], "links": [...]}`, one page of the instances that have a module.
    ModuleInstanceList,
    Instance,
    "instances"
);

/// One line of `GET /modules/{id}/instances?count_only=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ModuleInstanceCount {
    /// The module id.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub module_id: Option<String>,
    /// The module name.
    #[serde(default)]
    pub module_name: Option<String>,
    /// The MD5 of the contents these instances have.
    #[serde(default)]
    pub module_md5: Option<String>,
    /// Whether that MD5 is the module's current one.
    #[serde(default)]
    pub current: Option<bool>,
    /// How many instances.
    #[serde(default)]
    pub instance_count: u64,
    /// The oldest application date.
    #[serde(default)]
    pub min_updated_date: Option<String>,
    /// The newest application date.
    #[serde(default)]
    pub max_updated_date: Option<String>,
}

crate::list_envelope!(
    /// `{"instances": [counts]}`, the answer of the `count_only` query.
    ModuleInstanceCountList,
    ModuleInstanceCount,
    "instances"
);

/// The datastore of a module: `{"type": ..., "version": ...}`; absent means all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct ModuleDatastore {
    /// The datastore type, such as `mysql`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    // Trove's module:create and module:update `datastore`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub kind: Option<String>,
    /// The version name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Trove's module:create and module:update `datastore`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub version: Option<String>,
}

/// The body of `POST /modules`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct CreateModule {
    /// The module name (required).
    // Trove's module:create (apischema `module['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The module type (required), such as `ping`.
    // Trove's module:create `module_type`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub module_type: String,
    /// The contents, base64-encoded as python-troveclient sends them (required). Trove keeps
    /// and hashes this text as it is, and its guest agent decodes it before applying the
    /// module; [`CreateModule::new`] encodes.
    // Trove's module:create `contents`: some character, at most 4294967295.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 4294967295u32), pattern(r"^.*.+.*$"))
    )]
    pub contents: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:create `description`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub description: Option<String>,
    /// Makes the module available to every tenant (admin only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub all_tenants: Option<bool>,
    /// Restricts the module to a datastore (and version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<ModuleDatastore>,
    /// Applies the module to new instances automatically (admin only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub auto_apply: Option<bool>,
    /// Whether tenants can see it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub visible: Option<bool>,
    /// Allows applying it to running instances.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub live_update: Option<bool>,
    /// Applies it before other modules (admin only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub priority_apply: Option<bool>,
    /// The order in which modules apply (0-9).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:create `apply_order`: 0 to 9.
    #[cfg_attr(feature = "schemars", schemars(range(max = 9)))]
    pub apply_order: Option<u8>,
    /// Gives the module full access to the guest (admin only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub full_access: Option<bool>,
}

impl CreateModule {
    /// Starts a create request for a module `name` of type `module_type` with `contents`
    /// (text or bytes), which are sent base64-encoded.
    pub fn new(
        name: impl Into<String>,
        module_type: impl Into<String>,
        contents: impl AsRef<[u8]>,
    ) -> Self {
        CreateModule {
            name: name.into(),
            module_type: module_type.into(),
            contents: encode_contents(contents),
            description: None,
            all_tenants: None,
            datastore: None,
            auto_apply: None,
            visible: None,
            live_update: None,
            priority_apply: None,
            apply_order: None,
            full_access: None,
        }
    }
}

/// The body of `PUT /modules/{id}`; only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct UpdateModule {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:update `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: Option<String>,
    /// A new type.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:update `module_type`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub module_type: Option<String>,
    /// New contents, base64-encoded (see [`UpdateModule::contents`], which encodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:update `contents`: some character, at most 4294967295.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 4294967295u32), pattern(r"^.*.+.*$"))
    )]
    pub contents: Option<String>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:update `description`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub description: Option<String>,
    /// Makes the module available to every tenant, or not.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub all_tenants: Option<bool>,
    /// A new datastore restriction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<ModuleDatastore>,
    /// Lifts the datastore restriction.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub all_datastores: Option<bool>,
    /// Lifts the datastore version restriction.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub all_datastore_versions: Option<bool>,
    /// Applies the module to new instances automatically, or not.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub auto_apply: Option<bool>,
    /// Whether tenants can see it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub visible: Option<bool>,
    /// Allows applying it to running instances, or not.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub live_update: Option<bool>,
    /// Applies it before other modules, or not.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub priority_apply: Option<bool>,
    /// The order in which modules apply (0-9).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's module:update `apply_order`: 0 to 9.
    #[cfg_attr(feature = "schemars", schemars(range(max = 9)))]
    pub apply_order: Option<u8>,
    /// Gives the module full access to the guest, or not.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_bool_as_int"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::IntFlag>")
    )]
    pub full_access: Option<bool>,
}

/// `{"module": ...}` around a create or update body.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
// One definition per body it wraps: `CreateModuleEnvelope`, `UpdateModuleEnvelope`.
#[cfg_attr(feature = "schemars", schemars(rename = "{T}Envelope"))]
pub struct ModuleBodyEnvelope<'a, T> {
    /// The request body.
    pub module: &'a T,
}

/// The body of `PUT /modules/{id}/instances`, under `{"reapply": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct Reapply {
    /// Only reapply to instances that have this MD5 of the contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// Includes instances that belong to clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_clustered: Option<bool>,
    /// How many instances per batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    /// Seconds between batches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_delay: Option<u32>,
    /// Reapplies even to instances that have the current contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

/// `{"reapply": Reapply}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReapplyEnvelope<'a> {
    /// The reapply options.
    pub reapply: &'a Reapply,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn module_booleans_accept_integers() {
        let m: ModuleEnvelope = serde_json::from_value(json!({"module": {"id": "m", "name": "n",
            "type": "ping", "auto_apply": 0, "visible": true, "is_admin": "1", "apply_order": 5}}))
        .unwrap();
        assert_eq!(m.module.auto_apply, Some(false));
        assert_eq!(m.module.visible, Some(true));
        assert_eq!(m.module.is_admin, Some(true));
        assert_eq!(m.module.kind.as_deref(), Some("ping"));
    }

    #[test]
    fn flags_go_out_as_the_integers_trove_validates() {
        let mut create = CreateModule::new("m", "ping", "x");
        create.auto_apply = Some(true);
        create.visible = Some(false);
        create.all_tenants = Some(true);
        create.live_update = Some(false);
        let body = serde_json::to_value(ModuleBodyEnvelope { module: &create }).unwrap();
        assert_eq!(
            body,
            json!({"module": {"name": "m", "module_type": "ping", "contents": "eA==",
                "auto_apply": 1, "visible": 0, "all_tenants": 1, "live_update": 0}})
        );
        let update = UpdateModule {
            all_datastores: Some(true),
            priority_apply: Some(false),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(ModuleBodyEnvelope { module: &update }).unwrap(),
            json!({"module": {"all_datastores": 1, "priority_apply": 0}})
        );
    }

    /// Follows python-troveclient's troveclient/v1/modules.py `create` and `update`, which send
    /// `utils.encode_data(contents)`, and trove/guestagent/module/module_manager.py, whose
    /// guest decodes it before writing the module's data file.
    #[test]
    fn contents_go_out_base64_encoded_and_decode_back() {
        let create = CreateModule::new("m", "ping", "hello\n");
        assert_eq!(create.contents, "aGVsbG8K");
        let update = UpdateModule::default().contents([0xff_u8, 0x00, 0xfe]);
        assert_eq!(update.contents.as_deref(), Some("/wD+"));
        assert_eq!(decode_contents("/wD+").unwrap(), [0xff, 0x00, 0xfe]);
        let shown = Module {
            contents: Some("aGVsbG8K\n".into()),
            ..serde_json::from_value(json!({"id": "m"})).unwrap()
        };
        assert_eq!(shown.decoded_contents().unwrap().unwrap(), b"hello\n");
        let err = decode_contents("not base64!").unwrap_err();
        assert!(err.to_string().contains("not base64"), "{err}");
    }

    #[test]
    fn reapply_body_only_has_what_is_set() {
        let r = Reapply {
            force: Some(true),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(ReapplyEnvelope { reapply: &r }).unwrap(),
            json!({"reapply": {"force": true}})
        );
    }
}
