//! Configuration groups: the group model with its values, the instances using it, and the
//! create, replace (PUT) and merge (PATCH) bodies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{opt_string_or_number, string_or_number};
use crate::instance::DatastoreSpec;

/// A configuration group, as shown by `GET /configurations/{id}` or as an item of a list.
///
/// The list view has no `values` and no `instance_count`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Configuration {
    /// The group id (a UUID).
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The group name.
    #[serde(default)]
    pub name: String,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
    /// The datastore name, such as `mysql`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_name: Option<String>,
    /// The datastore version id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version_id: Option<String>,
    /// The datastore version name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version_name: Option<String>,
    /// The datastore version number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version_number: Option<String>,
    /// The parameter values (show, create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<BTreeMap<String, Value>>,
    /// How many instances use the group (show, create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_count: Option<u64>,
}

/// `{"configuration": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ConfigurationEnvelope {
    /// The configuration group.
    pub configuration: Configuration,
}

crate::list_envelope!(
    /// `{"configurations": [...], "links": [...]}`, one page of configuration groups.
    ConfigurationList,
    Configuration,
    "configurations"
);

/// An instance that uses a configuration group: `{"id": ..., "name": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ConfigurationInstance {
    /// The instance id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The instance name.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub name: Option<String>,
}

crate::list_envelope!(
    /// `{"instances": [{"id", "name"}], "links": [...]}`, one page of a group's instances.
    ConfigurationInstanceList,
    ConfigurationInstance,
    "instances"
);

/// The body of `POST /configurations`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct CreateConfiguration {
    /// The group name (required).
    // Trove's configuration:create (apischema `configuration['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's configuration:create `description`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub description: Option<String>,
    /// The parameter values (required).
    pub values: BTreeMap<String, Value>,
    /// The datastore the group is for; the server's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<DatastoreSpec>,
}

impl CreateConfiguration {
    /// Starts a create request for a group `name` with no values yet.
    pub fn new(name: impl Into<String>) -> Self {
        CreateConfiguration {
            name: name.into(),
            description: None,
            values: BTreeMap::new(),
            datastore: None,
        }
    }

    /// Sets a parameter value.
    pub fn value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.values.insert(key.into(), value.into());
        self
    }
}

/// The body of `PUT /configurations/{id}` (replace) and `PATCH` (merge, `values` only).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct UpdateConfiguration {
    /// The values: PUT replaces them all, PATCH merges them in.
    // The SDK always sends `values`, but Trove's configuration:edit and configuration:update
    // require no field (apischema `configuration['edit']`), so the schema does not either.
    #[cfg_attr(feature = "schemars", schemars(default))]
    pub values: BTreeMap<String, Value>,
    /// A new name (PUT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's configuration:update `name`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: Option<String>,
    /// A new description (PUT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's configuration:update `description`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub description: Option<String>,
}

/// `{"configuration": ...}` around a create or update body.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
// One definition per body it wraps: `CreateConfigurationEnvelope`, `UpdateConfigurationEnvelope`.
#[cfg_attr(feature = "schemars", schemars(rename = "{T}Envelope"))]
pub struct ConfigurationBodyEnvelope<'a, T> {
    /// The request body.
    pub configuration: &'a T,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_lack_values_and_show_has_them() {
        let list: ConfigurationList = serde_json::from_value(json!({"configurations": [
            {"id": "c1", "name": "g", "datastore_name": "mysql", "datastore_version_number": "5.7.29"}]}))
        .unwrap();
        assert!(list.items[0].values.is_none());
        let show: ConfigurationEnvelope = serde_json::from_value(json!({"configuration": {
            "id": "c1", "name": "g", "values": {"max_connections": 10}, "instance_count": 0}}))
        .unwrap();
        assert_eq!(show.configuration.values.unwrap()["max_connections"], 10);
    }

    #[test]
    fn create_body_nests_values() {
        let body = CreateConfiguration::new("g").value("max_connections", 10);
        assert_eq!(
            serde_json::to_value(ConfigurationBodyEnvelope {
                configuration: &body
            })
            .unwrap(),
            json!({"configuration": {"name": "g", "values": {"max_connections": 10}}})
        );
    }
}
