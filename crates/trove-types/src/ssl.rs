//! TLS of an instance's datastore: the status answer and the enable, disable and rollback
//! bodies.

use serde::{Deserialize, Serialize};

/// The certificate an instance serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Certificate {
    /// The subject common name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cn: Option<String>,
    /// When it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<String>,
    /// Subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub san: Option<Vec<String>>,
    /// The PEM payload (only with `include_certificate=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// The TLS state of an instance (`GET /instances/{id}/ssl`), or the answer of an SSL action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Ssl {
    /// `on` or `off`.
    #[serde(default)]
    pub status: String,
    /// `basic`, `enforced`, `mtls` or `builtin`, when on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The certificate, when on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
    /// Whether the datastore must restart for the change to apply (actions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_required: Option<bool>,
}

impl Ssl {
    /// Returns true when TLS is on.
    pub fn is_on(&self) -> bool {
        self.status.eq_ignore_ascii_case("on")
    }
}

/// `{"ssl": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SslEnvelope {
    /// The TLS state.
    pub ssl: Ssl,
}

/// A TLS mode an enable may ask for. Trove 26 takes only these three
/// (`trove/instance/service.py` `ssl_action()`); `builtin` is what `GET` shows for the
/// server's default, never a mode to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SslMode {
    /// TLS offered; clients may still connect in the clear.
    Basic,
    /// Clients must use TLS.
    Enforced,
    /// Clients must use TLS and present a certificate.
    Mtls,
}

impl std::str::FromStr for SslMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "basic" => Ok(SslMode::Basic),
            "enforced" => Ok(SslMode::Enforced),
            "mtls" => Ok(SslMode::Mtls),
            other => Err(format!(
                "unknown SSL mode {other:?}; expected basic, enforced or mtls"
            )),
        }
    }
}

/// One SSL action (`POST /instances/{id}/ssl`). Trove refuses an enable without a Barbican
/// container and a body with several actions, so the type holds exactly one action and an
/// enable always carries its container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SslAction {
    /// Turn TLS on in `mode` with the certificate in Barbican container `container_ref`.
    Enable {
        /// The mode.
        mode: SslMode,
        /// The Barbican container holding the certificate and key.
        container_ref: String,
        /// The Barbican secret holding the key's password.
        password_ref: Option<String>,
    },
    /// Turn TLS off.
    Disable,
    /// Go back to the previous certificate (the one action a replica takes).
    Rollback,
}

impl SslAction {
    /// Turns TLS on in `mode` with the certificate in Barbican container `container_ref`.
    pub fn enable(mode: SslMode, container_ref: impl Into<String>) -> Self {
        SslAction::Enable {
            mode,
            container_ref: container_ref.into(),
            password_ref: None,
        }
    }

    /// Turns TLS off.
    pub fn disable() -> Self {
        SslAction::Disable
    }

    /// Goes back to the previous certificate.
    pub fn rollback() -> Self {
        SslAction::Rollback
    }

    /// Uses the key password in Barbican secret `password_ref`; only an enable carries one,
    /// so on another action this does nothing.
    pub fn password_ref(mut self, password: impl Into<String>) -> Self {
        if let SslAction::Enable { password_ref, .. } = &mut self {
            *password_ref = Some(password.into());
        }
        self
    }
}

impl Serialize for SslAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        match self {
            SslAction::Enable {
                mode,
                container_ref,
                password_ref,
            } => {
                map.serialize_entry("enable", &true)?;
                map.serialize_entry("mode", mode)?;
                map.serialize_entry("container_ref", container_ref)?;
                if let Some(p) = password_ref {
                    map.serialize_entry("password_ref", p)?;
                }
            }
            SslAction::Disable => map.serialize_entry("disable", &true)?,
            SslAction::Rollback => map.serialize_entry("rollback", &true)?,
        }
        map.end()
    }
}

// The three bodies of `Serialize` above: each names its action with `true`, an enable adds its
// mode and container.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SslAction {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SslAction".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mode = generator.subschema_for::<SslMode>();
        let flag = |name: &str| {
            schemars::json_schema!({
                "type": "object",
                "properties": { name: { "const": true } },
                "required": [name],
            })
        };
        schemars::json_schema!({
            "oneOf": [
                {
                    "type": "object",
                    "properties": {
                        "enable": { "const": true },
                        "mode": mode,
                        "container_ref": { "type": "string" },
                        "password_ref": { "type": "string" },
                    },
                    "required": ["enable", "mode", "container_ref"],
                },
                flag("disable"),
                flag("rollback"),
            ]
        })
    }
}

/// `{"ssl": SslAction}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SslActionEnvelope<'a> {
    /// The action.
    pub ssl: &'a SslAction,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_serialize_one_key() {
        let v = |a: &SslAction| serde_json::to_value(SslActionEnvelope { ssl: a }).unwrap();
        assert_eq!(
            v(&SslAction::enable(SslMode::Basic, "c")),
            json!({"ssl": {"enable": true, "mode": "basic", "container_ref": "c"}})
        );
        assert_eq!(v(&SslAction::disable()), json!({"ssl": {"disable": true}}));
        assert_eq!(
            v(&SslAction::rollback()),
            json!({"ssl": {"rollback": true}})
        );
    }

    #[test]
    fn status_decodes() {
        let s: SslEnvelope = serde_json::from_str(
            r#"{"ssl": {"status": "on", "mode": "basic", "certificate": {"cn": "db", "san": ["a"]}}}"#,
        )
        .unwrap();
        assert!(s.ssl.is_on());
        assert_eq!(s.ssl.certificate.unwrap().cn.as_deref(), Some("db"));
    }
}
