//! Backups (list with filters and offset markers, create, show, delete, wait) and backup
//! strategies (list, create, delete).

use std::future::IntoFuture;

use futures::future::BoxFuture;
use trove_types::backup::{
    Backup, BackupEnvelope, BackupList, BackupStatus, BackupStrategy, BackupStrategyEnvelope,
    BackupStrategyList, CreateBackup, CreateBackupEnvelope, CreateBackupStrategy,
    CreateBackupStrategyEnvelope, RestoreFrom,
};

use crate::api::list::ListRequest;
use crate::api::resource::{Api, Routed};
use crate::client::Client;
use crate::error::{BuildError, Error};
use crate::request::operation::Operation;
use crate::request::routes;
use crate::request::wait::{conditions, WaitOptions};

/// Backups: `client.backups()`, the generic [`Api`] (get, list newest update first with
/// integer offset markers, delete, waits) with the verbs below.
pub type Backups<'c> = Api<'c, Backup>;

impl Routed for Backup {
    fn get_op(id: &str) -> Operation<BackupEnvelope> {
        get_operation(id)
    }

    fn list_op() -> Operation<BackupList> {
        list_operation()
    }

    fn delete_op(id: &str) -> Operation<()> {
        delete_operation(id)
    }
}

impl<'c> Api<'c, Backup> {
    /// Starts a create request for a backup `name` of instance `instance_id`.
    pub fn create(
        &self,
        name: impl Into<String>,
        instance_id: impl Into<String>,
    ) -> CreateBackupRequest<'c> {
        CreateBackupRequest {
            client: self.client,
            body: CreateBackup::new(name, instance_id),
        }
    }

    /// Starts an import of existing backup data (Trove's `restore_from`): no instance is
    /// backed up; the backup is recorded `RESTORED` and can be restored from like any other.
    pub fn import(&self, name: impl Into<String>, from: RestoreFrom) -> ImportBackupRequest<'c> {
        ImportBackupRequest {
            client: self.client,
            body: CreateBackup::import(name, from),
        }
    }

    /// Creates a backup from a complete request body; it starts in `NEW` (`RESTORED` for an
    /// import). A body with neither `instance` nor `restore_from`, or an import that also
    /// names an instance, parent, incremental or container, is refused before sending.
    pub async fn create_from(&self, body: &CreateBackup) -> Result<Backup, Error> {
        Ok(self.client.execute(create_operation(body)?).await?.backup)
    }

    /// Waits until the backup is `COMPLETED`; fails on `FAILED` or `DELETE_FAILED`.
    pub async fn wait_completed(
        &self,
        id: &str,
        options: WaitOptions<'_>,
    ) -> Result<Backup, Error> {
        self.wait_ready(id, options).await
    }

    /// Waits until the backup's status is one of `success`; `FAILED` and `DELETE_FAILED` end
    /// the wait unless they are in `success`.
    pub async fn wait_for(
        &self,
        id: &str,
        success: &[BackupStatus],
        options: WaitOptions<'_>,
    ) -> Result<Backup, Error> {
        let done = conditions::matches(|b: &Backup| success.contains(&b.status));
        self.wait_present(id, options, done).await
    }
}

/// The filters of a backup list.
impl ListRequest<'_, BackupList> {
    /// Keeps the backups of instance `id`.
    pub fn instance_id(self, id: &str) -> Self {
        self.query("instance_id", Some(id))
    }

    /// Keeps the backups of datastore `datastore` (name or id).
    pub fn datastore(self, datastore: &str) -> Self {
        self.query("datastore", Some(datastore))
    }

    /// Lists the backups of every project (admin).
    pub fn all_projects(self, yes: bool) -> Self {
        self.query("all_projects", yes.then_some("true"))
    }

    /// Lists the backups of project `id` (admin).
    pub fn project_id(self, id: &str) -> Self {
        self.query("project_id", Some(id))
    }
}

/// A backup create request being built; `.await` sends it.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateBackupRequest<'c> {
    client: &'c Client,
    body: CreateBackup,
}

impl<'c> CreateBackupRequest<'c> {
    /// Makes an incremental backup on top of backup `parent_id`.
    pub fn parent(mut self, parent_id: impl Into<String>) -> Self {
        self.body.parent_id = Some(parent_id.into());
        self
    }

    /// Makes an incremental backup on top of the instance's latest backup.
    pub fn incremental(mut self, yes: bool) -> Self {
        self.body.incremental = Some(u8::from(yes));
        self
    }

    /// Stores the backup in Swift container `name`.
    pub fn swift_container(mut self, name: impl Into<String>) -> Self {
        self.body.swift_container = Some(name.into());
        self
    }
}

/// The setters and sending that a backup create and a backup import share.
macro_rules! backup_request_common {
    ($request:ident) => {
        impl<'c> $request<'c> {
            /// Sets the description.
            pub fn description(mut self, text: impl Into<String>) -> Self {
                self.body.description = Some(text.into());
                self
            }

            /// Names the storage driver that holds the data (`swift`, `cinder`, ...; Trove's
            /// `storage_strategy` if unset).
            pub fn storage_driver(mut self, name: impl Into<String>) -> Self {
                self.body.storage_driver = Some(name.into());
                self
            }

            /// Returns the body that will be sent.
            pub fn body(&self) -> &CreateBackup {
                &self.body
            }

            /// Sends the request.
            pub async fn send(self) -> Result<Backup, Error> {
                Backups::new(self.client).create_from(&self.body).await
            }
        }

        impl<'c> IntoFuture for $request<'c> {
            type Output = Result<Backup, Error>;
            type IntoFuture = BoxFuture<'c, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

backup_request_common!(CreateBackupRequest);
backup_request_common!(ImportBackupRequest);

/// A backup import being built; `.await` sends it. It has no setter for what an import cannot
/// carry (instance, parent, incremental, container).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct ImportBackupRequest<'c> {
    client: &'c Client,
    body: CreateBackup,
}

/// Operations on backup strategies: `client.backup_strategies()`.
#[derive(Debug, Clone, Copy)]
pub struct BackupStrategies<'c> {
    client: &'c Client,
}

impl<'c> BackupStrategies<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        BackupStrategies { client }
    }

    /// Lists strategies, optionally of one instance or (admin) one project.
    pub async fn list(
        &self,
        instance_id: Option<&str>,
        project_id: Option<&str>,
    ) -> Result<Vec<BackupStrategy>, Error> {
        let op = strategy_list_operation(instance_id, project_id);
        Ok(self.client.execute(op).await?.items)
    }

    /// Creates or replaces a strategy.
    pub async fn create(&self, body: &CreateBackupStrategy) -> Result<BackupStrategy, Error> {
        let op = strategy_create_operation(body)?;
        Ok(self.client.execute(op).await?.backup_strategy)
    }

    /// Deletes the strategy of an instance, or the project's when `instance_id` is `None`.
    pub async fn delete(
        &self,
        instance_id: Option<&str>,
        project_id: Option<&str>,
    ) -> Result<(), Error> {
        let op = strategy_delete_operation(instance_id, project_id);
        self.client.execute(op).await
    }
}

/// `GET /backups` (add filters, `limit` and `marker`).
pub(crate) fn list_operation() -> Operation<BackupList> {
    Operation::json(&routes::BACKUP_LIST, &[])
}

/// `GET /instances/{id}/backups` (add `limit` and `marker`).
pub(crate) fn instance_list_operation(instance_id: &str) -> Operation<BackupList> {
    Operation::json(&routes::BACKUP_INSTANCE_LIST, &[instance_id])
}

/// `POST /backups`. Not idempotent: a replay takes a second backup.
///
/// Follows `trove/backup/service.py` `BackupController.create`: without `restore_from` an
/// instance is required (Trove answers 400 "instance is missing."); with it, Trove takes no
/// instance and drops `instance`, `parent_id`, `incremental` and `swift_container` silently,
/// so a body mixing them is refused here rather than importing when a backup was meant. The
/// import's datastore version must be a UUID (Trove's schema).
pub(crate) fn create_operation(body: &CreateBackup) -> Result<Operation<BackupEnvelope>, Error> {
    match &body.restore_from {
        None if body.instance.is_none() => {
            return Err(Error::from(BuildError::Refused(
                "a backup needs an instance, or restore_from for an import".to_owned(),
            )))
        }
        None => {}
        Some(from) => {
            let ignored = [
                ("instance", body.instance.is_some()),
                ("parent_id", body.parent_id.is_some()),
                ("incremental", body.incremental.is_some()),
                ("swift_container", body.swift_container.is_some()),
            ];
            if let Some((field, _)) = ignored.iter().find(|(_, set)| *set) {
                return Err(Error::from(BuildError::Refused(format!(
                    "a backup import (restore_from) takes no {field}: Trove would ignore it"
                ))));
            }
            if !super::is_uuid(&from.local_datastore_version_id) {
                return Err(Error::from(BuildError::Refused(format!(
                    "restore_from local_datastore_version_id {:?} is not a UUID",
                    from.local_datastore_version_id
                ))));
            }
            if !from.size.is_finite() || from.size < 0.0 {
                return Err(Error::from(BuildError::Refused(format!(
                    "restore_from size {} is not a size in GB",
                    from.size
                ))));
            }
        }
    }
    Operation::json(&routes::BACKUP_CREATE, &[]).with_json(&CreateBackupEnvelope { backup: body })
}

/// `GET /backups/{id}`.
pub(crate) fn get_operation(id: &str) -> Operation<BackupEnvelope> {
    Operation::json(&routes::BACKUP_GET, &[id])
}

/// `DELETE /backups/{id}`.
pub(crate) fn delete_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::BACKUP_DELETE, &[id])
}

/// `GET /backup_strategies[?instance_id=..&project_id=..]`.
pub(crate) fn strategy_list_operation(
    instance_id: Option<&str>,
    project_id: Option<&str>,
) -> Operation<BackupStrategyList> {
    Operation::json(&routes::BACKUP_STRATEGY_LIST, &[])
        .query("instance_id", instance_id)
        .query("project_id", project_id)
}

/// `POST /backup_strategies`. Idempotent: it creates or replaces the one strategy of its scope.
/// A body without `swift_container` is refused before sending: Trove's backup_strategy create
/// schema requires it (`trove/common/apischema.py`).
pub(crate) fn strategy_create_operation(
    body: &CreateBackupStrategy,
) -> Result<Operation<BackupStrategyEnvelope>, Error> {
    if body.swift_container.is_none() {
        return Err(Error::from(BuildError::Refused(
            "a backup strategy needs swift_container (Trove's backup_strategy schema requires it)"
                .to_owned(),
        )));
    }
    Operation::json(&routes::BACKUP_STRATEGY_CREATE, &[])
        .idempotent(true)
        .with_json(&CreateBackupStrategyEnvelope {
            backup_strategy: body,
        })
}

/// `DELETE /backup_strategies[?instance_id=..&project_id=..]`.
pub(crate) fn strategy_delete_operation(
    instance_id: Option<&str>,
    project_id: Option<&str>,
) -> Operation<()> {
    Operation::empty(&routes::BACKUP_STRATEGY_DELETE, &[])
        .query("instance_id", instance_id)
        .query("project_id", project_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_match_the_contract() {
        let op = create_operation(&CreateBackup::new("bk1", "i1")).unwrap();
        assert!(!op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"backup":{"name":"bk1","instance":"i1"}}"#
        );
        assert_eq!(get_operation("b1").path(), "/backups/b1");
        assert_eq!(
            instance_list_operation("i1")
                .query("marker", Some(20))
                .to_request()
                .unwrap()
                .uri(),
            "/instances/i1/backups?marker=20"
        );
        let op = strategy_delete_operation(Some("i1"), None);
        assert_eq!(
            op.to_request().unwrap().uri(),
            "/backup_strategies?instance_id=i1"
        );
        let op = strategy_create_operation(&CreateBackupStrategy {
            instance_id: None,
            swift_container: Some("c".into()),
        })
        .unwrap();
        assert!(op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"backup_strategy":{"swift_container":"c"}}"#
        );
        // trove/common/apischema.py backup_strategy create requires swift_container.
        let err = strategy_create_operation(&CreateBackupStrategy {
            instance_id: None,
            swift_container: None,
        })
        .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    }

    /// Follows trove/backup/service.py BackupController.create: an import carries
    /// restore_from and nothing an import ignores; a backup without either is refused.
    #[test]
    fn import_bodies_follow_backup_controller_create() {
        const V: &str = "db1fe206-a78f-4f72-85be-f62d2b008d92";
        let mut import = CreateBackup::import("imp", RestoreFrom::new("http://s/c/o", V, 1.5));
        import.storage_driver = Some("cinder".into());
        let op = create_operation(&import).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(op.body().unwrap()).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({"backup": {"name": "imp", "storage_driver": "cinder",
                "restore_from": {"remote_location": "http://s/c/o",
                    "local_datastore_version_id": V, "size": 1.5}}})
        );
        let mixed = [
            CreateBackup {
                instance: Some("i".into()),
                ..import.clone()
            },
            CreateBackup {
                parent_id: Some("p".into()),
                ..import.clone()
            },
            CreateBackup {
                incremental: Some(1),
                ..import.clone()
            },
            CreateBackup {
                swift_container: Some("c".into()),
                ..import.clone()
            },
            CreateBackup::import("imp", RestoreFrom::new("http://s/c/o", "5.7", 1.0)),
            CreateBackup::import("imp", RestoreFrom::new("http://s/c/o", V, f64::NAN)),
            CreateBackup {
                instance: None,
                ..CreateBackup::new("b", "i")
            },
        ];
        for body in mixed {
            let err = create_operation(&body).unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{body:?}: {err}");
        }
    }
}
