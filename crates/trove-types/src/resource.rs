//! What a client needs to know of a kind of resource to get, list, delete and wait for it
//! without code of its own: the kind's name, its envelope and list types, and how to read an
//! item's id, name and state.
//!
//! It plays the part of kube-rs' `Resource`: the handlers and waiters of `trove-core` are
//! written once over these traits, so a rule such as "ready means `ACTIVE` or `HEALTHY`" lives
//! here, in one place, for the library and the command line alike.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

use crate::backup::{Backup, BackupEnvelope, BackupList, BackupStatus};
use crate::cluster::{Cluster, ClusterEnvelope, ClusterList};
use crate::configuration::{Configuration, ConfigurationEnvelope, ConfigurationList};
use crate::instance::{Instance, InstanceEnvelope, InstanceList, InstanceStatus};
use crate::module::{Module, ModuleEnvelope, ModuleList};
use crate::page::Paged;

/// A kind of resource that Trove shows one at a time in an envelope (`{"instance": {...}}`)
/// and lists in pages (`{"instances": [...], "links": [...]}`).
pub trait Resource: Sized + Send + 'static {
    /// The kind's name in messages, such as `instance`.
    const KIND: &'static str;
    /// The envelope of one item, as `GET /<kind>s/{id}` answers.
    type Envelope: DeserializeOwned + Send + 'static;
    /// The envelope of one page of items.
    type List: Paged<Item = Self> + Clone + Send + 'static;

    /// Takes the item out of its envelope.
    fn from_envelope(envelope: Self::Envelope) -> Self;
    /// Returns the item's id.
    fn id(&self) -> &str;
    /// Returns the item's name.
    fn name(&self) -> &str;
}

/// A resource that moves through states on its own and settles in one: an instance becomes
/// ready or fails, a backup completes or fails, a cluster finishes its task.
pub trait Settle: Resource {
    /// Returns true when the resource has settled in a usable state.
    fn is_ready(&self) -> bool;
    /// Returns true when the resource will not become ready by itself.
    fn is_failed(&self) -> bool;
    /// Returns true when a deletion has failed and will not finish by itself.
    fn is_delete_failed(&self) -> bool;
    /// Returns the state to show while waiting: a status or a task name, as Trove spells it.
    fn state(&self) -> Cow<'_, str>;
}

/// The state a waiter shows once the resource is gone, as Trove names a deleted item's status.
pub const DELETED: &str = "DELETED";

macro_rules! resource {
    ($item:ty, $kind:literal, $envelope:ty, $field:ident, $list:ty) => {
        impl Resource for $item {
            const KIND: &'static str = $kind;
            type Envelope = $envelope;
            type List = $list;

            fn from_envelope(envelope: $envelope) -> Self {
                envelope.$field
            }

            fn id(&self) -> &str {
                &self.id
            }

            fn name(&self) -> &str {
                &self.name
            }
        }
    };
}

resource!(
    Instance,
    "instance",
    InstanceEnvelope,
    instance,
    InstanceList
);
resource!(Backup, "backup", BackupEnvelope, backup, BackupList);
resource!(Cluster, "cluster", ClusterEnvelope, cluster, ClusterList);
resource!(
    Configuration,
    "configuration",
    ConfigurationEnvelope,
    configuration,
    ConfigurationList
);
resource!(Module, "module", ModuleEnvelope, module, ModuleList);

impl Settle for Instance {
    /// `ACTIVE` or `HEALTHY`.
    fn is_ready(&self) -> bool {
        self.status.is_ready()
    }

    /// `ERROR` or `FAILED`.
    fn is_failed(&self) -> bool {
        self.status.is_failed()
    }

    /// `ERROR`: Trove's delete task sets it when the server cannot be removed.
    fn is_delete_failed(&self) -> bool {
        self.status == InstanceStatus::Error
    }

    fn state(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.status.as_str())
    }
}

impl Settle for Backup {
    /// `COMPLETED`.
    fn is_ready(&self) -> bool {
        self.status == BackupStatus::Completed
    }

    /// `FAILED` or `DELETE_FAILED`.
    fn is_failed(&self) -> bool {
        self.status.is_failed()
    }

    /// `DELETE_FAILED`.
    fn is_delete_failed(&self) -> bool {
        self.status == BackupStatus::DeleteFailed
    }

    fn state(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.status.as_str())
    }
}

impl Settle for Cluster {
    /// No task left (`NONE`) and every member that reports a status `ACTIVE` or `HEALTHY`.
    fn is_ready(&self) -> bool {
        Cluster::is_ready(self)
    }

    /// A member in `ERROR` or `FAILED`.
    fn is_failed(&self) -> bool {
        Cluster::is_failed(self)
    }

    /// Never: Trove deletes a cluster's members whatever their status, so a member in
    /// `ERROR` does not stop the deletion; the wait lasts until the cluster is gone.
    fn is_delete_failed(&self) -> bool {
        false
    }

    /// The task name (`NONE`, `BUILDING`, `DELETING`...).
    fn state(&self) -> Cow<'_, str> {
        Cow::Owned(self.task_name().as_str().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instance(status: &str) -> Instance {
        serde_json::from_value::<InstanceEnvelope>(json!({"instance": {
            "id": "i1", "name": "db1", "status": status, "links": []}}))
        .unwrap()
        .instance
    }

    #[test]
    fn an_instance_is_ready_when_active_or_healthy_and_failed_on_error_or_failed() {
        let states = ["ACTIVE", "HEALTHY", "BUILD", "ERROR", "FAILED", "SHUTDOWN"];
        let seen: Vec<_> = states
            .iter()
            .map(|s| {
                let i = instance(s);
                (i.is_ready(), Settle::is_failed(&i), i.is_delete_failed())
            })
            .collect();
        assert_eq!(
            seen,
            [
                (true, false, false),
                (true, false, false),
                (false, false, false),
                (false, true, true),
                (false, true, false),
                (false, false, false),
            ]
        );
        let i = instance("BACKUP");
        assert_eq!(
            (i.id(), Resource::name(&i), i.state()),
            ("i1", "db1", "BACKUP".into())
        );
        assert_eq!(Instance::KIND, "instance");
    }

    #[test]
    fn a_backup_is_ready_when_completed_and_only_delete_failed_fails_a_deletion() {
        let backup = |status: &str| -> Backup {
            serde_json::from_value::<BackupEnvelope>(json!({"backup": {
                "id": "b1", "name": "bk", "status": status, "instance_id": "i1"}}))
            .unwrap()
            .backup
        };
        assert!(backup("COMPLETED").is_ready());
        assert!(!backup("NEW").is_ready());
        assert!(Settle::is_failed(&backup("FAILED")));
        assert!(!backup("FAILED").is_delete_failed());
        assert!(backup("DELETE_FAILED").is_delete_failed());
        assert_eq!(backup("BUILDING").state(), "BUILDING");
    }

    #[test]
    fn a_cluster_shows_its_task_and_is_ready_when_idle_with_ready_members() {
        let cluster = |task: &str, member: &str| -> Cluster {
            serde_json::from_value::<ClusterEnvelope>(json!({"cluster": {
                "id": "c1", "name": "cl", "task": {"id": 1, "name": task, "description": ""},
                "instances": [{"id": "m1", "name": "m", "status": member}]}}))
            .unwrap()
            .cluster
        };
        assert!(Settle::is_ready(&cluster("NONE", "ACTIVE")));
        assert!(!Settle::is_ready(&cluster("BUILDING", "ACTIVE")));
        assert!(Settle::is_failed(&cluster("NONE", "ERROR")));
        assert!(!cluster("NONE", "ERROR").is_delete_failed());
        assert_eq!(cluster("BUILDING", "BUILD").state(), "BUILDING");
    }
}
