//! The root user of an instance or cluster: is-enabled answer, enable body and answer.

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// `{"rootEnabled": bool}`, the answer of `GET /instances/{id}/root`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RootEnabled {
    /// Whether root has ever been enabled.
    #[serde(rename = "rootEnabled")]
    pub root_enabled: bool,
}

/// The root credentials returned by an enable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RootUser {
    /// The user name (`root`).
    pub name: String,
    /// The password, generated unless one was given; never printed by `Debug`.
    pub password: Secret,
}

/// `{"user": {"name": "root", "password": ...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RootUserEnvelope {
    /// The root user.
    pub user: RootUser,
}

/// `{"password": ...}`, the optional body of a root enable that sets the password.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct EnableRoot<'a> {
    /// The password to set.
    pub password: &'a Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_answers_decode() {
        let e: RootEnabled = serde_json::from_str(r#"{"rootEnabled": true}"#).unwrap();
        assert!(e.root_enabled);
        let u: RootUserEnvelope =
            serde_json::from_str(r#"{"user": {"name": "root", "password": "12345"}}"#).unwrap();
        assert_eq!(u.user.password.expose(), "12345");
        assert!(!format!("{u:?}").contains("12345"));
    }
}
