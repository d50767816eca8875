//! The root user of an instance (enable, check, disable) or of a cluster (enable, check).

use trove_types::root::{EnableRoot, RootEnabled, RootUser, RootUserEnvelope};
use trove_types::Secret;

use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes::{self, Route};

/// Operations on an instance's root user: `client.root(&instance_id)`.
#[derive(Debug, Clone)]
pub struct Root<'c> {
    root: RootAt<'c>,
    instance_id: String,
}

impl<'c> Root<'c> {
    pub(crate) fn new(client: &'c Client, instance_id: &str) -> Self {
        Root {
            root: RootAt::new(client, instance_path(instance_id)),
            instance_id: instance_id.to_owned(),
        }
    }

    /// Enables root with a generated password, and returns it.
    pub async fn enable(&self) -> Result<RootUser, Error> {
        self.root.enable(None).await
    }

    /// Enables root with `password`.
    pub async fn enable_with_password(
        &self,
        password: impl Into<Secret>,
    ) -> Result<RootUser, Error> {
        self.root.enable(Some(password.into())).await
    }

    /// Returns whether root has been enabled.
    pub async fn is_enabled(&self) -> Result<bool, Error> {
        self.root.is_enabled().await
    }

    /// Disables root (Trove answers 204).
    pub async fn disable(&self) -> Result<(), Error> {
        self.root
            .client
            .execute(disable_operation(&self.instance_id))
            .await
    }
}

/// Operations on a cluster's root user: `client.cluster_root(&cluster_id)`.
#[derive(Debug, Clone)]
pub struct ClusterRoot<'c> {
    root: RootAt<'c>,
}

impl<'c> ClusterRoot<'c> {
    pub(crate) fn new(client: &'c Client, cluster_id: &str) -> Self {
        ClusterRoot {
            root: RootAt::new(client, cluster_path(cluster_id)),
        }
    }

    /// Enables root on every member with a generated password, and returns it.
    pub async fn enable(&self) -> Result<RootUser, Error> {
        self.root.enable(None).await
    }

    /// Enables root on every member with `password`.
    pub async fn enable_with_password(
        &self,
        password: impl Into<Secret>,
    ) -> Result<RootUser, Error> {
        self.root.enable(Some(password.into())).await
    }

    /// Returns whether root has been enabled on the cluster.
    pub async fn is_enabled(&self) -> Result<bool, Error> {
        self.root.is_enabled().await
    }
}

/// What instance and cluster root share: the same requests, only at another path.
#[derive(Debug, Clone)]
struct RootAt<'c> {
    client: &'c Client,
    at: RootPath,
}

impl<'c> RootAt<'c> {
    fn new(client: &'c Client, at: RootPath) -> Self {
        RootAt { client, at }
    }

    /// Enables root, with `password` or a generated one, and returns the user.
    async fn enable(&self, password: Option<Secret>) -> Result<RootUser, Error> {
        let op = enable_operation(&self.at, password.as_ref())?;
        Ok(self.client.execute(op).await?.user)
    }

    /// Returns whether root has been enabled.
    async fn is_enabled(&self) -> Result<bool, Error> {
        let op = is_enabled_operation(&self.at);
        Ok(self.client.execute(op).await?.root_enabled)
    }
}

/// Where a root resource lives: `/instances/{id}/root` or `/clusters/{id}/root`.
#[derive(Debug, Clone)]
pub struct RootPath {
    enable: &'static Route,
    is_enabled: &'static Route,
    id: String,
}

/// Returns the root path of instance `id`.
pub fn instance_path(id: &str) -> RootPath {
    RootPath {
        enable: &routes::ROOT_ENABLE,
        is_enabled: &routes::ROOT_IS_ENABLED,
        id: id.to_owned(),
    }
}

/// Returns the root path of cluster `id`.
pub fn cluster_path(id: &str) -> RootPath {
    RootPath {
        enable: &routes::CLUSTER_ROOT_ENABLE,
        is_enabled: &routes::CLUSTER_ROOT_IS_ENABLED,
        id: id.to_owned(),
    }
}

/// `POST .../root`, with `{"password": ...}` when one is given.
///
/// Marked idempotent: enabling again only resets the password, and the answer of the replay
/// carries the password in force.
pub(crate) fn enable_operation(
    at: &RootPath,
    password: Option<&Secret>,
) -> Result<Operation<RootUserEnvelope>, Error> {
    let op = Operation::json(at.enable, &[&at.id]).idempotent(true);
    match password {
        Some(password) => op.with_json(&EnableRoot { password }),
        None => Ok(op),
    }
}

/// `GET .../root`.
pub(crate) fn is_enabled_operation(at: &RootPath) -> Operation<RootEnabled> {
    Operation::json(at.is_enabled, &[&at.id])
}

/// `DELETE /instances/{id}/root`.
pub(crate) fn disable_operation(instance_id: &str) -> Operation<()> {
    Operation::empty(&routes::ROOT_DISABLE, &[instance_id])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn requests_match_the_contract() {
        let op = enable_operation(&instance_path("i1"), None).unwrap();
        assert_eq!(op.path(), "/instances/i1/root");
        assert!(op.body().is_none());
        let pw = Secret::new("s3cret");
        let op = enable_operation(&cluster_path("c1"), Some(&pw)).unwrap();
        assert_eq!(op.path(), "/clusters/c1/root");
        assert_eq!(&op.body().unwrap()[..], br#"{"password":"s3cret"}"#);
        assert_eq!(disable_operation("i1").method(), Method::DELETE);
        assert_eq!(
            is_enabled_operation(&cluster_path("c1")).template(),
            "/clusters/{cluster_id}/root"
        );
    }
}
