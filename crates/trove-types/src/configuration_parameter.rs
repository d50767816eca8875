//! Configuration parameters a datastore version accepts: the hyphenated list key and the bare
//! (unwrapped) single-parameter answer.

use serde::{Deserialize, Serialize};
use serde_json::Number;

/// One parameter, as listed by `.../parameters` or shown (with no envelope) by
/// `.../parameters/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ConfigurationParameter {
    /// The parameter name, such as `max_connections`.
    pub name: String,
    /// Its type: `integer`, `string`, `boolean`, `float`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The smallest value (numeric types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Number>,
    /// The largest value (numeric types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Number>,
    /// Whether a change needs a restart.
    #[serde(default)]
    pub restart_required: bool,
    /// The datastore version it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore_version_id: Option<String>,
}

crate::list_envelope!(
    /// `{"configuration-parameters": [...]}` (hyphenated key; not paginated).
    ConfigurationParameterList,
    ConfigurationParameter,
    "configuration-parameters"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_bare_show_decode() {
        let l: ConfigurationParameterList = serde_json::from_str(
            r#"{"configuration-parameters": [{"name": "max_connections", "type": "integer",
                "min": 1, "max": 100000, "restart_required": false, "datastore_version_id": "v"}]}"#,
        )
        .unwrap();
        assert_eq!(
            l.items[0].max.as_ref().and_then(Number::as_u64),
            Some(100000)
        );
        let p: ConfigurationParameter = serde_json::from_str(
            r#"{"name": "character_set_server", "type": "string", "restart_required": true}"#,
        )
        .unwrap();
        assert!(p.restart_required && p.min.is_none());
    }
}
