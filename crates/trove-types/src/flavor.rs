//! Flavors: the flavor model (integer or null `id`, string `str_id`) and its envelopes.

use serde::{Deserialize, Serialize, Serializer};

use crate::common::{opt_string_or_number, Link};

/// A flavor, as listed by `GET /flavors` or shown by `GET /flavors/{id}`.
///
/// `id` is an integer on the wire, or `null` for a flavor whose Nova id is not numeric; `str_id`
/// always holds the id as a string, so [`Flavor::id`] prefers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Flavor {
    /// The numeric id, as a string; `None` for non-numeric flavors.
    #[serde(
        rename = "id",
        default,
        deserialize_with = "opt_string_or_number",
        serialize_with = "integer_if_numeric"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub numeric_id: Option<String>,
    /// The id as a string (always present on current servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub str_id: Option<String>,
    /// The flavor name.
    #[serde(default)]
    pub name: String,
    /// Memory in MB.
    #[serde(default)]
    pub ram: u64,
    /// Virtual CPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u64>,
    /// Root disk in GB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<u64>,
    /// Ephemeral disk in GB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<u64>,
    /// Local storage in GB (some deployments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_storage: Option<u64>,
    /// Links to the flavor.
    #[serde(default)]
    pub links: Vec<Link>,
}

impl Flavor {
    /// Returns the id to use as a `flavorRef`: `str_id`, else the numeric id.
    pub fn id(&self) -> &str {
        self.str_id
            .as_deref()
            .or(self.numeric_id.as_deref())
            .unwrap_or_default()
    }
}

/// Writes the id back as the integer the server sent (a string if it is not numeric).
fn integer_if_numeric<S: Serializer>(id: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match id.as_deref().map(|v| (v, v.parse::<i64>())) {
        None => s.serialize_none(),
        Some((_, Ok(n))) => s.serialize_i64(n),
        Some((v, Err(_))) => s.serialize_str(v),
    }
}

/// `{"flavor": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FlavorEnvelope {
    /// The flavor.
    pub flavor: Flavor,
}

crate::list_envelope!(
    /// `{"flavors": [...]}` (not paginated by the server).
    FlavorList,
    Flavor,
    "flavors"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_and_null_ids_decode() {
        let list: FlavorList = serde_json::from_str(
            r#"{"flavors": [{"id": 1, "name": "m1.tiny", "ram": 512, "str_id": "1", "links": []},
                            {"id": null, "name": "custom", "ram": 512, "str_id": "custom", "links": []}]}"#,
        )
        .unwrap();
        assert_eq!(list.items[0].numeric_id.as_deref(), Some("1"));
        assert_eq!(list.items[0].id(), "1");
        assert_eq!(list.items[1].numeric_id, None);
        assert_eq!(list.items[1].id(), "custom");
    }
}
