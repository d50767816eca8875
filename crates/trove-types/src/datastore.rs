//! Datastores and their versions, plus the volume types a version allows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{opt_string_or_number, string_or_number, Link};

/// A datastore version, as listed inside a datastore, by `GET /datastores/{ds}/versions`, or
/// shown by `GET /datastores/{ds}/versions/{v}` (which adds the image and packages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DatastoreVersion {
    /// The version id (a UUID).
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The version name, such as `5.7.29`.
    #[serde(default)]
    pub name: String,
    /// The version number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The datastore id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore: Option<String>,
    /// Whether the version can be used (admin views show inactive ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Guest packages (a list or a string, depending on the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Value>,
    /// The Glance image id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Glance image tags used to pick the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tags: Option<Vec<String>>,
    /// The container registry extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_ext: Option<String>,
    /// The replication strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repl_strategy: Option<String>,
    /// Links to the version.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// A datastore, as listed by `GET /datastores` or shown by `GET /datastores/{ds}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Datastore {
    /// The datastore id (a UUID).
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The name, such as `mysql`.
    #[serde(default)]
    pub name: String,
    /// Links to the datastore.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The id of the default version, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version: Option<String>,
    /// Its versions (active ones, unless the caller is an admin).
    #[serde(default)]
    pub versions: Vec<DatastoreVersion>,
}

/// `{"datastore": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DatastoreEnvelope {
    /// The datastore.
    pub datastore: Datastore,
}

crate::list_envelope!(
    /// `{"datastores": [...]}` (not paginated).
    DatastoreList,
    Datastore,
    "datastores"
);

/// `{"version": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DatastoreVersionEnvelope {
    /// The version.
    pub version: DatastoreVersion,
}

crate::list_envelope!(
    /// `{"versions": [...]}` (not paginated).
    DatastoreVersionList,
    DatastoreVersion,
    "versions"
);

/// A Cinder volume type a datastore version may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct VolumeType {
    /// The volume type id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Whether every project may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// Its description.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub description: Option<String>,
}

crate::list_envelope!(
    /// `{"volume_types": [...]}` (not paginated).
    VolumeTypeList,
    VolumeType,
    "volume_types"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datastore_with_versions_decodes() {
        let d: DatastoreEnvelope = serde_json::from_str(
            r#"{"datastore": {"id": "ds", "name": "mysql", "links": [], "default_version": "v1",
                "versions": [{"id": "v1", "name": "5.7.29", "version": "5.7.29", "links": []}]}}"#,
        )
        .unwrap();
        assert_eq!(d.datastore.versions[0].name, "5.7.29");
        let v: DatastoreVersionEnvelope = serde_json::from_str(
            r#"{"version": {"id": "v1", "name": "5.7.29", "datastore": "ds", "active": true,
                "packages": ["a"], "image": "img", "image_tags": ["trove"], "links": []}}"#,
        )
        .unwrap();
        assert_eq!(v.version.active, Some(true));
        assert_eq!(
            v.version.image_tags.as_deref(),
            Some(&["trove".to_owned()][..])
        );
    }
}
