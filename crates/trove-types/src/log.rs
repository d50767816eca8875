//! Guest logs of an instance: the log model, its type and status, and the action body.

use serde::{Deserialize, Serialize};

crate::open_enum! {
    /// Who a guest log is for.
    LogType {
        /// A datastore log users may enable (`general`, `slow_query`).
        User => "USER",
        /// A system log (`guest`), always on.
        Sys => "SYS",
    }
}

crate::open_enum! {
    /// The state of a guest log (`trove/guestagent/common/guest_log.py`).
    LogStatus {
        /// Not being written.
        Disabled => "Disabled",
        /// Being written, never published.
        Enabled => "Enabled",
        /// Not available on this datastore.
        Unavailable => "Unavailable",
        /// Ready to be published.
        Ready => "Ready",
        /// Published to the object store.
        Published => "Published",
        /// Partly published.
        Partial => "Partial",
        /// Rotated since the last publish.
        Rotated => "Rotated",
        /// Enabled, but the datastore must restart first.
        RestartRequired => "Restart Required",
    }
}

/// A guest log, as listed by `GET /instances/{id}/log` or returned by a log action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GuestLog {
    /// The log name, such as `general`.
    pub name: String,
    /// `USER` or `SYS`.
    #[serde(rename = "type")]
    pub kind: LogType,
    /// The log's state.
    pub status: LogStatus,
    /// Bytes published so far.
    #[serde(default)]
    pub published: u64,
    /// Bytes written but not yet published.
    #[serde(default)]
    pub pending: u64,
    /// The object-store container the log is published to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The object prefix inside the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The metadata object's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metafile: Option<String>,
}

crate::list_envelope!(
    /// `{"logs": [...]}` (not paginated).
    GuestLogList,
    GuestLog,
    "logs"
);

/// `{"log": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GuestLogEnvelope {
    /// The log.
    pub log: GuestLog,
}

/// What to do with a log in `POST /instances/{id}/log`; `Show` only reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogAction {
    /// Shows the log (no action key).
    Show,
    /// Starts writing it (`enable: 1`).
    Enable,
    /// Stops writing it (`disable: 1`).
    Disable,
    /// Publishes it to the object store (`publish: 1`).
    Publish,
    /// Deletes what was published (`discard: 1`).
    Discard,
}

/// The body of `POST /instances/{id}/log`: `{"name": ..., "<action>": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct LogActionBody<'a> {
    /// The log name.
    pub name: &'a str,
    /// `1` to enable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable: Option<u8>,
    /// `1` to disable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable: Option<u8>,
    /// `1` to publish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish: Option<u8>,
    /// `1` to discard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discard: Option<u8>,
}

impl<'a> LogActionBody<'a> {
    /// Builds the body for `action` on log `name`.
    pub fn new(name: &'a str, action: LogAction) -> Self {
        let flag = |a: LogAction| (action == a).then_some(1);
        LogActionBody {
            name,
            enable: flag(LogAction::Enable),
            disable: flag(LogAction::Disable),
            publish: flag(LogAction::Publish),
            discard: flag(LogAction::Discard),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn log_decodes_and_keeps_unknown_status() {
        let l: GuestLogEnvelope = serde_json::from_str(
            r#"{"log": {"name": "general", "type": "USER", "status": "Restart Required",
                "published": 0, "pending": 12, "container": "database_logs",
                "prefix": "i/mysql-general/", "metafile": "i/mysql-general_metafile"}}"#,
        )
        .unwrap();
        assert_eq!(l.log.status, LogStatus::RestartRequired);
        assert_eq!(l.log.kind, LogType::User);
        let s: LogStatus = serde_json::from_str(r#""Archived""#).unwrap();
        assert_eq!(s, LogStatus::Unknown("Archived".into()));
    }

    #[test]
    fn action_bodies_carry_one_flag() {
        let v = |a| serde_json::to_value(LogActionBody::new("general", a)).unwrap();
        assert_eq!(v(LogAction::Show), json!({"name": "general"}));
        assert_eq!(
            v(LogAction::Enable),
            json!({"name": "general", "enable": 1})
        );
        assert_eq!(
            v(LogAction::Discard),
            json!({"name": "general", "discard": 1})
        );
    }
}
