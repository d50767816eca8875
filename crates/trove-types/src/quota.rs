//! Quotas (`mgmt/quotas/{project}`): usage per resource, and the limits sent or returned by an
//! update.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One resource's quota and usage: `{"resource", "in_use", "limit", "reserved"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct QuotaUsage {
    /// The resource: `instances`, `backups`, `volumes`, `ram`.
    pub resource: String,
    /// How much is used.
    #[serde(default)]
    pub in_use: i64,
    /// The limit; `-1` means unlimited.
    #[serde(default)]
    pub limit: i64,
    /// How much is reserved by running tasks.
    #[serde(default)]
    pub reserved: i64,
}

/// `{"quotas": [QuotaUsage]}`, the body of `GET mgmt/quotas/{project}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct QuotaUsageList {
    /// One entry per resource.
    #[serde(default)]
    pub quotas: Vec<QuotaUsage>,
}

impl QuotaUsageList {
    /// Returns the entry of `resource`.
    pub fn get(&self, resource: &str) -> Option<&QuotaUsage> {
        self.quotas.iter().find(|q| q.resource == resource)
    }
}

/// `{"quotas": {"instances": 10, ...}}`, the body and answer of `PUT mgmt/quotas/{project}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
// `quotas` is required in the schema though read with a default: the SDK always sends it and
// Trove's quota update reads `body['quotas']` (a 500 without it, trove/extensions/mgmt/quota/
// service.py); its answer always carries it too (`QuotaView`).
#[cfg_attr(
    feature = "schemars",
    schemars(extend("required" = ["quotas"]))
)]
#[non_exhaustive]
pub struct QuotaLimits {
    /// The limit of each resource.
    #[serde(default)]
    pub quotas: BTreeMap<String, i64>,
}

impl QuotaLimits {
    /// Sets the limit of `resource`.
    pub fn set(mut self, resource: impl Into<String>, limit: i64) -> Self {
        self.quotas.insert(resource.into(), limit);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usage_and_limits_round_trip() {
        let u: QuotaUsageList = serde_json::from_value(json!({"quotas": [
            {"resource": "instances", "in_use": 1, "limit": 10, "reserved": 0}]}))
        .unwrap();
        assert_eq!(u.get("instances").unwrap().limit, 10);
        let l = QuotaLimits::default().set("instances", 3);
        assert_eq!(
            serde_json::to_value(&l).unwrap(),
            json!({"quotas": {"instances": 3}})
        );
    }
}
