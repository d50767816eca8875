//! Backups and backup strategies: models, statuses, and the create bodies.

use serde::{Deserialize, Serialize};

use crate::common::{opt_string_or_number, string_or_number};

crate::open_enum! {
    /// The status of a backup.
    BackupStatus {
        /// Accepted, not started.
        New => "NEW",
        /// Being taken.
        Building => "BUILDING",
        /// Being stored.
        Saving => "SAVING",
        /// Done and usable.
        Completed => "COMPLETED",
        /// The backup failed.
        Failed => "FAILED",
        /// Restored into an instance.
        Restored => "RESTORED",
        /// Deleting failed.
        DeleteFailed => "DELETE_FAILED",
    }
}

impl BackupStatus {
    /// Returns true for the states from which a backup will not complete: `FAILED` and
    /// `DELETE_FAILED`.
    pub fn is_failed(&self) -> bool {
        matches!(self, Self::Failed | Self::DeleteFailed)
    }
}

/// The datastore a backup was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BackupDatastore {
    /// The datastore type, such as `mysql`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The version name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The version id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// A backup, as shown by `GET /backups/{id}` or as an item of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Backup {
    /// The backup id (a UUID).
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// The backup name.
    #[serde(default)]
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the backup is stored (once completed).
    #[serde(rename = "locationRef", default)]
    pub location_ref: Option<String>,
    /// The instance it was taken from.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub instance_id: Option<String>,
    /// The parent backup of an incremental backup.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub parent_id: Option<String>,
    /// Size in GB (once completed).
    #[serde(default)]
    pub size: Option<f64>,
    /// The current status.
    pub status: BackupStatus,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub created: Option<String>,
    /// Last update time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::Timestamp>")
    )]
    pub updated: Option<String>,
    /// The owning project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The datastore the backup was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datastore: Option<BackupDatastore>,
    /// The storage driver (`swift`, ...), on newer servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_driver: Option<String>,
}

/// `{"backup": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BackupEnvelope {
    /// The backup.
    pub backup: Backup,
}

crate::list_envelope!(
    /// `{"backups": [...], "links": [...]}`: one page of backups, whose marker is an integer
    /// offset; the last page may be empty.
    BackupList,
    Backup,
    "backups"
);

/// Where to import a backup from, instead of taking one from an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct RestoreFrom {
    /// The backup data's URL (a Swift object).
    // Trove's backup:create `restore_from.remote_location`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub remote_location: String,
    /// The local datastore version the data belongs to.
    // Trove's backup:create `restore_from.local_datastore_version_id`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub local_datastore_version_id: String,
    /// The size in GB.
    pub size: f64,
}

impl RestoreFrom {
    /// Backup data at `remote_location` (a Swift object URL), of `size` GB, made by the
    /// datastore version whose local id is `local_datastore_version_id`.
    pub fn new(
        remote_location: impl Into<String>,
        local_datastore_version_id: impl Into<String>,
        size: f64,
    ) -> Self {
        RestoreFrom {
            remote_location: remote_location.into(),
            local_datastore_version_id: local_datastore_version_id.into(),
            size,
        }
    }
}

/// The body of `POST /backups`. Build it with [`CreateBackup::new`] (a backup of an
/// instance) or [`CreateBackup::import`] (existing backup data). Trove ignores `instance`,
/// `parent_id`, `incremental` and `swift_container` on an import; the SDK refuses to send them
/// together.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct CreateBackup {
    /// The backup name (required).
    // Trove's backup:create (apischema `backup['create']`): non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The instance to back up.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup:create `instance`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub instance: Option<String>,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup:create `description`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub description: Option<String>,
    /// The parent backup, for an incremental backup.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup:create `parent_id`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub parent_id: Option<String>,
    /// `1` for an incremental backup of the latest backup.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup:create `incremental`: 0 or 1.
    #[cfg_attr(feature = "schemars", schemars(range(max = 1)))]
    pub incremental: Option<u8>,
    /// The Swift container to store it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup:create `swift_container`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub swift_container: Option<String>,
    /// Imports existing backup data instead of taking a backup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_from: Option<RestoreFrom>,
    /// The storage driver that holds the data (`swift`, `cinder`, ...; Trove's
    /// `storage_strategy` when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_driver: Option<String>,
}

impl CreateBackup {
    /// Starts a backup named `name` of instance `instance`.
    pub fn new(name: impl Into<String>, instance: impl Into<String>) -> Self {
        CreateBackup {
            name: name.into(),
            instance: Some(instance.into()),
            ..Self::default()
        }
    }

    /// Starts an import named `name` of existing backup data: Trove records it as a
    /// `RESTORED` backup without an instance, ready to restore from.
    pub fn import(name: impl Into<String>, restore_from: RestoreFrom) -> Self {
        CreateBackup {
            name: name.into(),
            restore_from: Some(restore_from),
            ..Self::default()
        }
    }
}

/// `{"backup": CreateBackup}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateBackupEnvelope<'a> {
    /// The create request.
    pub backup: &'a CreateBackup,
}

/// A backup strategy: where a project's (or an instance's) backups are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BackupStrategy {
    /// The project.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub project_id: Option<String>,
    /// The instance, for an instance-level strategy.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::StringOrNumber>")
    )]
    pub instance_id: Option<String>,
    /// The storage backend (`swift`).
    #[serde(default)]
    pub backend: Option<String>,
    /// The Swift container.
    #[serde(default)]
    pub swift_container: Option<String>,
}

/// `{"backup_strategy": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BackupStrategyEnvelope {
    /// The strategy.
    pub backup_strategy: BackupStrategy,
}

crate::list_envelope!(
    /// `{"backup_strategies": [...]}` (not paginated).
    BackupStrategyList,
    BackupStrategy,
    "backup_strategies"
);

/// The body of `POST /backup_strategies`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
// Trove's backup_strategy:create forbids other keys.
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct CreateBackupStrategy {
    /// The instance, for an instance-level strategy; project-level when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup_strategy:create `instance_id`: a UUID.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 64), pattern(crate::schema::UUID))
    )]
    pub instance_id: Option<String>,
    /// The Swift container.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's backup_strategy:create requires `swift_container`: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(
            required,
            length(min = 1, max = 255),
            pattern(crate::schema::NON_EMPTY)
        )
    )]
    pub swift_container: Option<String>,
}

/// `{"backup_strategy": CreateBackupStrategy}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateBackupStrategyEnvelope<'a> {
    /// The create request.
    pub backup_strategy: &'a CreateBackupStrategy,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_are_open() {
        let s: BackupStatus = serde_json::from_str(r#""DELETE_FAILED""#).unwrap();
        assert!(s.is_failed());
        let s: BackupStatus = serde_json::from_str(r#""QUEUED""#).unwrap();
        assert_eq!(s, BackupStatus::Unknown("QUEUED".into()));
    }

    #[test]
    fn new_backup_with_nulls_decodes() {
        let b: BackupEnvelope = serde_json::from_str(
            r#"{"backup": {"id": "b1", "name": "bk1", "description": null, "locationRef": null,
                "instance_id": "i1", "size": null, "status": "NEW", "parent_id": null,
                "datastore": {"type": "mysql", "version": "5.7.29", "version_id": "v"}}}"#,
        )
        .unwrap();
        assert_eq!(b.backup.status, BackupStatus::New);
        assert_eq!(b.backup.size, None);
    }

    #[test]
    fn create_bodies() {
        let mut req = CreateBackup::new("bk1", "i1");
        req.incremental = Some(1);
        assert_eq!(
            serde_json::to_value(CreateBackupEnvelope { backup: &req }).unwrap(),
            json!({"backup": {"name": "bk1", "instance": "i1", "incremental": 1}})
        );
        let s = CreateBackupStrategy {
            instance_id: Some("i1".into()),
            swift_container: Some("c".into()),
        };
        assert_eq!(
            serde_json::to_value(CreateBackupStrategyEnvelope {
                backup_strategy: &s
            })
            .unwrap(),
            json!({"backup_strategy": {"instance_id": "i1", "swift_container": "c"}})
        );
    }
}
