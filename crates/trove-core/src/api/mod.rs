//! Per-area handlers: `client.instances()`, `client.versions()`, ...

pub mod backups;
pub mod clusters;
pub mod configuration_parameters;
pub mod configurations;
pub mod databases;
pub mod datastores;
pub mod flavors;
pub mod instance_modules;
pub mod instances;
pub mod limits;
pub mod list;
pub mod logs;
pub mod mgmt;
pub mod modules;
pub mod quotas;
#[cfg(test)]
mod request_bodies;
pub mod resource;
pub mod root;
pub mod ssl;
pub mod users;
pub mod versions;

use crate::client::Client;

impl Client {
    /// Instances: create, get, list, update, actions, backups, configuration, logs, SSL,
    /// modules, delete, wait.
    pub fn instances(&self) -> instances::Instances<'_> {
        resource::Api::new(self)
    }

    /// Databases of instance `instance_id`: list, create, delete.
    pub fn databases(&self, instance_id: &str) -> databases::Databases<'_> {
        databases::Databases::new(self, instance_id)
    }

    /// Users of instance `instance_id`: list, create, passwords, show, update, delete, access.
    pub fn users(&self, instance_id: &str) -> users::Users<'_> {
        users::Users::new(self, instance_id)
    }

    /// The root user of instance `instance_id`: enable, check, disable.
    pub fn root(&self, instance_id: &str) -> root::Root<'_> {
        root::Root::new(self, instance_id)
    }

    /// The root user of cluster `cluster_id`: enable, check.
    pub fn cluster_root(&self, cluster_id: &str) -> root::ClusterRoot<'_> {
        root::ClusterRoot::new(self, cluster_id)
    }

    /// Flavors: list, show.
    pub fn flavors(&self) -> flavors::Flavors<'_> {
        flavors::Flavors::new(self)
    }

    /// Absolute and rate limits.
    pub fn limits(&self) -> limits::Limits<'_> {
        limits::Limits::new(self)
    }

    /// Backups: list, create, show, delete, wait.
    pub fn backups(&self) -> backups::Backups<'_> {
        resource::Api::new(self)
    }

    /// Backup strategies: list, create, delete.
    pub fn backup_strategies(&self) -> backups::BackupStrategies<'_> {
        backups::BackupStrategies::new(self)
    }

    /// Datastores and versions: list, show, delete, versions, flavors, volume types.
    pub fn datastores(&self) -> datastores::Datastores<'_> {
        datastores::Datastores::new(self)
    }

    /// Configuration parameters of datastore versions: list, show.
    pub fn configuration_parameters(
        &self,
    ) -> configuration_parameters::ConfigurationParameters<'_> {
        configuration_parameters::ConfigurationParameters::new(self)
    }

    /// Clusters: create, get, list, actions, member show, delete, wait.
    pub fn clusters(&self) -> clusters::Clusters<'_> {
        resource::Api::new(self)
    }

    /// Configuration groups: create, get, list, instances, edit, update, delete.
    pub fn configurations(&self) -> configurations::Configurations<'_> {
        resource::Api::new(self)
    }

    /// Modules: create, get, list, update, delete, instances, reapply.
    pub fn modules(&self) -> modules::Modules<'_> {
        resource::Api::new(self)
    }

    /// Project quotas (admin).
    pub fn quotas(&self) -> quotas::Quotas<'_> {
        quotas::Quotas::new(self)
    }

    /// The management API (admin): instances, clusters, parameters, datastore versions.
    pub fn mgmt(&self) -> mgmt::Mgmt<'_> {
        mgmt::Mgmt::new(self)
    }

    /// API version discovery.
    pub fn versions(&self) -> versions::Versions<'_> {
        versions::Versions::new(self)
    }
}

/// True for a UUID in the 8-4-4-4-12 hex form, the only form Trove's request schemas take
/// for ids (`apischema.uuid`).
pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}
