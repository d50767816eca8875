//! TLS of an instance's datastore: the status answer and the enable, disable and rollback
//! bodies.

use serde::{Deserialize, Serialize};

/// The certificate an instance serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct SslEnvelope {
    /// The TLS state.
    pub ssl: Ssl,
}

/// One SSL action (`POST /instances/{id}/ssl`); exactly one of enable, disable, rollback.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SslAction {
    /// `true` to turn TLS on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
    /// `true` to turn TLS off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable: Option<bool>,
    /// `true` to go back to the previous certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback: Option<bool>,
    /// The mode to enable: `basic`, `enforced`, `mtls` or `builtin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The Barbican container holding the certificate and key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_ref: Option<String>,
    /// The Barbican secret holding the key's password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_ref: Option<String>,
}

impl SslAction {
    /// Turns TLS on in `mode`.
    pub fn enable(mode: impl Into<String>) -> Self {
        SslAction {
            enable: Some(true),
            mode: Some(mode.into()),
            ..Self::default()
        }
    }

    /// Turns TLS off.
    pub fn disable() -> Self {
        SslAction {
            disable: Some(true),
            ..Self::default()
        }
    }

    /// Goes back to the previous certificate.
    pub fn rollback() -> Self {
        SslAction {
            rollback: Some(true),
            ..Self::default()
        }
    }

    /// Uses the certificate in Barbican container `container_ref`.
    pub fn container_ref(mut self, container_ref: impl Into<String>) -> Self {
        self.container_ref = Some(container_ref.into());
        self
    }

    /// Uses the key password in Barbican secret `password_ref`.
    pub fn password_ref(mut self, password_ref: impl Into<String>) -> Self {
        self.password_ref = Some(password_ref.into());
        self
    }
}

/// `{"ssl": SslAction}`.
#[derive(Debug, Clone, Serialize)]
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
            v(&SslAction::enable("basic").container_ref("c")),
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
