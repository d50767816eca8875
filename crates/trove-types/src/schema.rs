//! JSON Schemas of the models (feature `schemars`), for an OpenAPI 3.1 description of Trove v1.0.
//!
//! Every model derives [`JsonSchema`]; the models whose wire form serde does not show (hand-written
//! `Serialize`/`Deserialize`, [`Secret`](crate::Secret), the open status enums, the instance and
//! SSL action bodies, the fault envelope) describe their exact wire form by hand.
//!
//! # One contract for answers and bodies
//!
//! [`generator`] uses schemars' **deserialize** contract, for both directions:
//!
//! * an answer's schema is what the SDK **accepts**: a field with `#[serde(default)]` or of an
//!   `Option` type is not `required`, an `Option` also admits `null`, and a field read with
//!   `string_or_number` or a lenient flag reader says so (`crate::schema::StringOrNumber`, the
//!   `FlexBool` of `schemars(with = ...)`), so every real answer validates;
//! * a body's schema is what the SDK **sends**: the request types derive only `Serialize`, their
//!   optional fields are `Option`s skipped when `None` (so not `required` under this contract),
//!   their skipped-when-empty lists carry `schemars(default)` for the same reason, and flags sent
//!   as `0`/`1` are described as such (`IntFlag`). Those `Option`s never go out as `null`, so the
//!   request types carry the container transform `no_nulls` (which drops the `null` the
//!   contract adds) and say where they send `null` on purpose. Where Trove's own request schema
//!   (`crates/trove-emulator/schemas/trove-26-request-schemas.json`) bounds a field, the model
//!   carries the same bound, so the schema refuses what Trove refuses.
//!
//! The serialize contract would make every answer field without `skip_serializing_if`
//! `required`, refusing real answers that leave it out; two contracts would need two sets of
//! `components/schemas`. One deserialize-contract generator gives one set that holds for both.
//!
//! Trove's timestamps carry no zone (`2026-11-27T10:46:45`; the versions document and the rate
//! limits add `Z`), so they are strings with [`TIMESTAMP_PATTERN`], never `format: date-time`.
//!
//! ```
//! let mut generator = trove_types::schema::generator();
//! let schema = trove_types::schema::subschema_for_name("InstanceEnvelope", &mut generator)
//!     .expect("a route's response type");
//! assert_eq!(schema.get("$ref").and_then(|r| r.as_str()),
//!            Some("#/components/schemas/InstanceEnvelope"));
//! assert!(generator.definitions().contains_key("Timestamp"));
//! ```

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::backup::*;
use crate::cluster::*;
use crate::configuration::*;
use crate::configuration_parameter::*;
use crate::database::*;
use crate::datastore::*;
use crate::fault::Fault;
use crate::flavor::*;
use crate::instance::*;
use crate::instance_action::*;
use crate::limit::*;
use crate::log::*;
use crate::mgmt::*;
use crate::module::*;
use crate::module_ref::*;
use crate::quota::*;
use crate::root::*;
use crate::ssl::*;
use crate::user::*;
use crate::version::*;

/// Where the generator puts the definitions: OpenAPI 3.1's `#/components/schemas`.
pub const DEFINITIONS_PATH: &str = "/components/schemas";

/// A Trove timestamp: date, `T`, time, optional fraction, optional `Z` (the forms the real
/// captures show: `2026-11-27T11:02:08` in resources, `2012-08-01T00:00:00Z` in the versions
/// document and the rate limits).
pub const TIMESTAMP_PATTERN: &str =
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?$";

/// Trove's `non_empty_string` (`trove/common/apischema.py`): some letter or digit.
pub(crate) const NON_EMPTY: &str = r"^.*[0-9a-zA-Z]+.*$";

/// Trove's `uuid` (`trove/common/apischema.py`).
pub(crate) const UUID: &str =
    "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";

/// Trove's `host_string` (`trove/common/apischema.py`), a user's host.
pub(crate) const HOST: &str = r"^[%]?[\w(-).]*[%]?$";

/// Trove's CIDR pattern of `access.allowed_cidrs` (`trove/common/apischema.py`).
pub(crate) const CIDR: &str = r"^([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[1-2][0-9]|3[0-2]))?$";

/// The container transform of the request types: their `Option` fields are skipped when `None`,
/// so the SDK never sends `null` for them and Trove's request schemas refuse it almost everywhere
/// (`trove/common/apischema.py`). It drops `null` from the type of every property, of the struct
/// or of each variant of an enum.
pub(crate) fn no_nulls(schema: &mut Schema) {
    drop_nulls(schema.as_object_mut(), &[]);
}

/// [`no_nulls`] but for `configuration` and `replica_of`, which `UpdateInstance` sends as `null`
/// on purpose: a detach.
pub(crate) fn no_nulls_but_detaches(schema: &mut Schema) {
    drop_nulls(schema.as_object_mut(), &["configuration", "replica_of"]);
}

fn drop_nulls(schema: Option<&mut serde_json::Map<String, serde_json::Value>>, keep: &[&str]) {
    use serde_json::Value;
    let Some(schema) = schema else { return };
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if !keep.contains(&name.as_str()) {
                if let Value::Object(property) = property {
                    not_null(property);
                }
            }
        }
    }
    // An enum's variants, each `{"properties": {variant: ...}}` or a struct variant.
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = schema.get_mut(key) {
            for variant in variants {
                drop_nulls(variant.as_object_mut(), keep);
            }
        }
    }
}

/// `{"type": [T, "null"]}` becomes `{"type": T}`; `{"anyOf": [S, {"type": "null"}]}` becomes S.
fn not_null(property: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    if let Some(Value::Array(types)) = property.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            property.insert("type".into(), only);
        }
    }
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alternatives)) = property.get_mut(key) {
            if alternatives.iter().any(is_null) {
                alternatives.retain(|v| !is_null(v));
                if let [Value::Object(_)] = alternatives.as_slice() {
                    if let Some(Value::Object(only)) = alternatives.pop() {
                        property.remove(key);
                        for (k, v) in only {
                            property.entry(k).or_insert(v);
                        }
                    }
                }
            }
        }
    }
}

/// Returns the generator of the project's schemas: JSON Schema 2020-12 (OpenAPI 3.1's dialect),
/// the deserialize contract (see the module's documentation), definitions under
/// `#/components/schemas`.
pub fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = DEFINITIONS_PATH.into();
            // The schemas go into an OpenAPI document, whose dialect is declared once there.
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator()
}

/// Returns the schema (usually a `$ref` into `generator`'s definitions) of the model named
/// `name` as the route table (`trove_core::request::routes`) writes it, or of `Fault`; `None`
/// for a name this crate has no model of. A generic body envelope is named with its argument
/// (`ConfigurationBodyEnvelope<CreateConfiguration>`), as the route table names it.
pub fn subschema_for_name(name: &str, generator: &mut SchemaGenerator) -> Option<Schema> {
    TABLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, make)| make(generator))
}

/// Every name [`subschema_for_name`] resolves.
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(n, _)| *n)
}

type Maker = fn(&mut SchemaGenerator) -> Schema;

/// Declares [`TABLE`]: each name is `stringify!` of its type; a generic envelope is listed once
/// per instantiation, as `Name<Arg>`.
macro_rules! schema_table {
    (
        $($name:ident $(<$lt:lifetime>)?),* $(,)?
        ;
        $($gname:ident <$glt:lifetime, _> for $($garg:ident),+);* $(;)?
    ) => {
        static TABLE: &[(&str, Maker)] = &[
            $((stringify!($name), |g: &mut SchemaGenerator| g.subschema_for::<$name $(<$lt>)?>()),)*
            $(
                $((
                    concat!(stringify!($gname), "<", stringify!($garg), ">"),
                    |g: &mut SchemaGenerator| g.subschema_for::<$gname<$glt, $garg>>(),
                ),)+
            )*
        ];
    };
}

schema_table! {
    // Answers.
    BackupEnvelope, BackupList, BackupStrategyEnvelope, BackupStrategyList,
    ClusterEnvelope, ClusterList,
    ConfigurationEnvelope, ConfigurationList, ConfigurationInstanceList,
    ConfigurationParameter, ConfigurationParameterList,
    DatabaseList,
    DatastoreEnvelope, DatastoreList, DatastoreVersionEnvelope, DatastoreVersionList,
    FlavorEnvelope, FlavorList, VolumeTypeList,
    InstanceEnvelope, InstanceList, InstanceConfigurationEnvelope,
    InstanceModuleList,
    LimitList,
    GuestLogEnvelope, GuestLogList,
    MgmtInstanceEnvelope, MgmtInstanceList, MgmtClusterEnvelope, MgmtClusterList,
    RootHistoryEnvelope, DiagnosticsEnvelope, HwInfoEnvelope,
    MgmtParameter, MgmtParameterList, MgmtDatastoreVersionEnvelope, MgmtDatastoreVersionList,
    ModuleEnvelope, ModuleList, ModuleInstanceList, ModuleInstanceCountList,
    QuotaUsageList, QuotaLimits,
    RootEnabled, RootUserEnvelope,
    SslEnvelope,
    UserEnvelope, UserList,
    VersionEnvelope, VersionsEnvelope,
    Fault,
    // Bodies.
    CreateBackupEnvelope<'static>, CreateBackupStrategyEnvelope<'static>,
    CreateClusterEnvelope<'static>, ClusterAction,
    CreateDatabasesEnvelope<'static>,
    ApplyModulesEnvelope,
    CreateInstanceEnvelope<'static>, UpdateInstanceEnvelope<'static>,
    EditInstanceEnvelope<'static>, InstanceAction,
    LogActionBody<'static>,
    MgmtInstanceAction, GuestUpgradeEnvelope<'static>, MgmtClusterResetTask,
    ParameterSpecEnvelope<'static>, CreateDatastoreVersionEnvelope<'static>, EditDatastoreVersion,
    ReapplyEnvelope<'static>,
    SslActionEnvelope<'static>,
    CreateUsersEnvelope<'static>, ChangePasswordsEnvelope<'static>, UpdateUserEnvelope<'static>,
    GrantAccessEnvelope,
    EnableRoot<'static>;
    ConfigurationBodyEnvelope<'static, _> for CreateConfiguration, UpdateConfiguration;
    ModuleBodyEnvelope<'static, _> for CreateModule, UpdateModule;
}

/// A value read with `string_or_number` (ids, versions): a JSON string or number.
pub(crate) struct StringOrNumber;

impl JsonSchema for StringOrNumber {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "StringOrNumber".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number"] })
    }
}

/// A flag read leniently (`flex_bool`): Trove sends booleans, `0`/`1` or strings such as
/// `"True"`, depending on the view and the database behind it.
pub(crate) struct FlexBool;

impl JsonSchema for FlexBool {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "FlexBool".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["boolean", "integer", "string"] })
    }
}

/// A flag the SDK sends as `0` or `1` (`bool_as_int`): Trove's `boolean_string` request fields
/// are integers in `0..=1` (`trove/common/apischema.py`).
pub(crate) struct IntFlag;

impl JsonSchema for IntFlag {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "IntFlag".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": 0, "maximum": 1 })
    }
}

/// [`Access`] as the SDK sends it (`instance.access` of a create or an update): no `null`, no
/// other key (Trove's instance:update `access` has `additionalProperties: false`). [`Access`]
/// itself is also an answer's, which keeps the lenient schema.
pub(crate) struct AccessBody;

impl JsonSchema for AccessBody {
    fn schema_name() -> Cow<'static, str> {
        "AccessBody".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Network access settings of a new or updated instance.",
            "type": "object",
            "properties": {
                "is_public": { "type": "boolean", "description": "Whether the instance has a public address." },
                "allowed_cidrs": {
                    "description": "CIDRs allowed to reach the database port.",
                    "type": "array",
                    "uniqueItems": true,
                    "items": { "type": "string", "pattern": CIDR },
                },
            },
            "additionalProperties": false,
        })
    }
}

/// A database a new user gets access to, `{"name": ...}` (`UserSpec::databases`): Trove's
/// `users_list` items (`trove/common/apischema.py`) want a non-empty name of at most 255.
/// `NameRef` itself is also an answer's, which keeps the lenient schema.
pub(crate) struct DatabaseName;

impl JsonSchema for DatabaseName {
    fn schema_name() -> Cow<'static, str> {
        "DatabaseName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`{\"name\": ...}`, a database by name.",
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": NON_EMPTY },
            },
        })
    }
}

/// The packages of a datastore version as Trove's mgmt_datastore_version schemas take them
/// (`trove/common/apischema.py`): distinct non-empty names of at most 255.
pub(crate) struct Packages;

impl JsonSchema for Packages {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Packages".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "uniqueItems": true,
            "items": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": NON_EMPTY },
        })
    }
}

/// A Trove timestamp, [`TIMESTAMP_PATTERN`]; one named definition, so a document says it once.
pub(crate) struct Timestamp;

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": TIMESTAMP_PATTERN,
            "description": "A UTC time without a zone, as Trove writes it: `2026-11-27T10:46:45`.",
        })
    }
}
