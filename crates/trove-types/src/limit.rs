//! Limits: the absolute quota row and the rate-limit rows of `GET /limits`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One row of `GET /limits`: the `ABSOLUTE` quota row (`max_*` fields) or a rate limit
/// (`verb`, `uri`, `regex`, `value`, `remaining`, `unit`, `nextAvailable`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Limit {
    /// `ABSOLUTE` for the quota row, else the HTTP method the rate applies to.
    pub verb: String,
    /// Rate: the URI pattern (`*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Rate: the path regex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Rate: requests allowed per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// Rate: requests left in the current unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<i64>,
    /// Rate: `SECOND`, `MINUTE`, `HOUR` or `DAY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Rate: when the next request is allowed (`...Z`).
    #[serde(
        rename = "nextAvailable",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub next_available: Option<String>,
    /// Absolute: the quota of instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_instances: Option<i64>,
    /// Absolute: the quota of backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_backups: Option<i64>,
    /// Absolute: the quota of volume GB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_volumes: Option<i64>,
    /// Absolute: the quota of RAM MB (`-1` is unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ram: Option<i64>,
    /// Any other field, such as a quota this SDK does not know yet.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl Limit {
    /// Returns true for the `ABSOLUTE` quota row.
    pub fn is_absolute(&self) -> bool {
        self.verb == "ABSOLUTE"
    }
}

crate::list_envelope!(
    /// `{"limits": [...]}`.
    LimitList,
    Limit,
    "limits"
);

impl LimitList {
    /// Returns the `ABSOLUTE` quota row, if the server sent one.
    pub fn absolute(&self) -> Option<&Limit> {
        self.items.iter().find(|l| l.is_absolute())
    }

    /// Returns the rate-limit rows.
    pub fn rates(&self) -> impl Iterator<Item = &Limit> {
        self.items.iter().filter(|l| !l.is_absolute())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_and_rate_rows_decode() {
        let l: LimitList = serde_json::from_str(
            r#"{"limits": [{"verb": "ABSOLUTE", "max_instances": 100, "max_clusters": 3},
                {"verb": "POST", "uri": "*", "regex": ".*", "value": 200, "remaining": 199,
                 "unit": "MINUTE", "nextAvailable": "2026-11-27T11:02:08Z"}]}"#,
        )
        .unwrap();
        let abs = l.absolute().unwrap();
        assert_eq!(abs.max_instances, Some(100));
        assert_eq!(abs.other["max_clusters"], 3);
        let rate = l.rates().next().unwrap();
        assert_eq!(rate.remaining, Some(199));
        assert_eq!(rate.next_available.as_deref(), Some("2026-11-27T11:02:08Z"));
    }
}
