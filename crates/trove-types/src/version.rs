//! The versions document served at the API root (`GET /`) and at `GET /v1.0/`.

use serde::{Deserialize, Serialize};

use crate::common::Link;

/// One API version, as listed by `GET /`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Version {
    /// The version id, such as `v1.0`.
    pub id: String,
    /// `CURRENT`, `SUPPORTED` or `DEPRECATED`.
    #[serde(default)]
    pub status: Option<String>,
    /// When the version last changed.
    #[serde(default)]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub updated: Option<String>,
    /// Links to the version's root; `rel == "self"` is the one to use.
    #[serde(default)]
    pub links: Vec<Link>,
}

impl Version {
    /// Returns the `href` of the link whose `rel` is `self`.
    pub fn self_link(&self) -> Option<&str> {
        crate::common::find_link(&self.links, "self")
    }
}

/// `{"versions": [...]}`, the body of `GET /`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct VersionsEnvelope {
    /// The versions the server offers.
    pub versions: Vec<Version>,
}

/// `{"version": {...}}`, the body of `GET /v1.0/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct VersionEnvelope {
    /// The version.
    pub version: Version,
}
