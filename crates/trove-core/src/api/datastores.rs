//! Datastores and their versions: list, show, delete (admin), versions by datastore or by
//! uuid, and the flavors and volume types a version allows.

use trove_types::datastore::{
    Datastore, DatastoreEnvelope, DatastoreList, DatastoreVersion, DatastoreVersionEnvelope,
    DatastoreVersionList, VolumeType, VolumeTypeList,
};
use trove_types::flavor::{Flavor, FlavorList};

use crate::client::{Client, WithBody};
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Operations on datastores: `client.datastores()`.
#[derive(Debug, Clone, Copy)]
pub struct Datastores<'c> {
    client: &'c Client,
}

impl<'c> Datastores<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Datastores { client }
    }

    /// Lists datastores (admins also see inactive ones).
    pub async fn list(&self) -> Result<Vec<Datastore>, Error> {
        Ok(self.client.execute(list_operation()).await?.items)
    }

    /// Shows datastore `datastore` (name or id).
    pub async fn get(&self, datastore: &str) -> Result<Datastore, Error> {
        Ok(self
            .client
            .execute(get_operation(datastore))
            .await?
            .datastore)
    }

    /// Shows datastore `datastore` together with the body it was decoded from (see
    /// [`Client::execute_with_body`]).
    pub async fn get_with_body(&self, datastore: &str) -> Result<WithBody<Datastore>, Error> {
        let answer = self
            .client
            .execute_with_body(get_operation(datastore))
            .await?;
        Ok(answer.map(|e| e.datastore))
    }

    /// Deletes datastore `datastore` (admin; Trove refuses while it has versions).
    pub async fn delete(&self, datastore: &str) -> Result<(), Error> {
        self.client.execute(delete_operation(datastore)).await
    }

    /// Lists the versions of datastore `datastore`.
    pub async fn versions(&self, datastore: &str) -> Result<Vec<DatastoreVersion>, Error> {
        Ok(self
            .client
            .execute(versions_operation(datastore))
            .await?
            .items)
    }

    /// Shows version `version` (name or id) of datastore `datastore`.
    pub async fn version(&self, datastore: &str, version: &str) -> Result<DatastoreVersion, Error> {
        let op = version_operation(datastore, version);
        Ok(self.client.execute(op).await?.version)
    }

    /// Shows the version with id `version_id`, whatever its datastore.
    pub async fn version_by_uuid(&self, version_id: &str) -> Result<DatastoreVersion, Error> {
        let op = version_by_uuid_operation(version_id);
        Ok(self.client.execute(op).await?.version)
    }

    /// Shows version `version` of `datastore` together with the body it was decoded from
    /// (see [`Client::execute_with_body`]).
    pub async fn version_with_body(
        &self,
        datastore: &str,
        version: &str,
    ) -> Result<WithBody<DatastoreVersion>, Error> {
        let op = version_operation(datastore, version);
        Ok(self.client.execute_with_body(op).await?.map(|e| e.version))
    }

    /// Shows the version with id `version_id` together with the body it was decoded from
    /// (see [`Client::execute_with_body`]).
    pub async fn version_by_uuid_with_body(
        &self,
        version_id: &str,
    ) -> Result<WithBody<DatastoreVersion>, Error> {
        let op = version_by_uuid_operation(version_id);
        Ok(self.client.execute_with_body(op).await?.map(|e| e.version))
    }

    /// Lists the flavors version `version` of `datastore` may run on.
    pub async fn version_flavors(
        &self,
        datastore: &str,
        version: &str,
    ) -> Result<Vec<Flavor>, Error> {
        let op = version_flavors_operation(datastore, version);
        Ok(self.client.execute(op).await?.items)
    }

    /// Lists the volume types version `version` of `datastore` may use.
    pub async fn version_volume_types(
        &self,
        datastore: &str,
        version: &str,
    ) -> Result<Vec<VolumeType>, Error> {
        let op = version_volume_types_operation(datastore, version);
        Ok(self.client.execute(op).await?.items)
    }
}

/// `GET /datastores`.
pub(crate) fn list_operation() -> Operation<DatastoreList> {
    Operation::json(&routes::DATASTORE_LIST, &[])
}

/// `GET /datastores/{ds}`.
pub(crate) fn get_operation(datastore: &str) -> Operation<DatastoreEnvelope> {
    Operation::json(&routes::DATASTORE_GET, &[datastore])
}

/// `DELETE /datastores/{ds}`.
pub(crate) fn delete_operation(datastore: &str) -> Operation<()> {
    Operation::empty(&routes::DATASTORE_DELETE, &[datastore])
}

/// `GET /datastores/{ds}/versions`.
pub(crate) fn versions_operation(datastore: &str) -> Operation<DatastoreVersionList> {
    Operation::json(&routes::DATASTORE_VERSIONS, &[datastore])
}

/// `GET /datastores/{ds}/versions/{v}`.
pub(crate) fn version_operation(
    datastore: &str,
    version: &str,
) -> Operation<DatastoreVersionEnvelope> {
    Operation::json(&routes::DATASTORE_VERSION, &[datastore, version])
}

/// `GET /datastores/versions/{uuid}`.
pub(crate) fn version_by_uuid_operation(version_id: &str) -> Operation<DatastoreVersionEnvelope> {
    Operation::json(&routes::DATASTORE_VERSION_BY_UUID, &[version_id])
}

/// `GET /datastores/{ds}/versions/{v}/flavors`.
pub(crate) fn version_flavors_operation(datastore: &str, version: &str) -> Operation<FlavorList> {
    Operation::json(&routes::DATASTORE_VERSION_FLAVORS, &[datastore, version])
}

/// `GET /datastores/{ds}/versions/{v}/volume-types`.
pub(crate) fn version_volume_types_operation(
    datastore: &str,
    version: &str,
) -> Operation<VolumeTypeList> {
    Operation::json(
        &routes::DATASTORE_VERSION_VOLUME_TYPES,
        &[datastore, version],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_the_contract() {
        assert_eq!(
            version_operation("mysql", "5.7.29").path(),
            "/datastores/mysql/versions/5%2E7%2E29"
        );
        assert_eq!(
            version_by_uuid_operation("44aa").path(),
            "/datastores/versions/44aa"
        );
        assert_eq!(
            version_volume_types_operation("mysql", "v").path(),
            "/datastores/mysql/versions/v/volume-types"
        );
        assert_eq!(
            version_flavors_operation("mysql", "v").path(),
            "/datastores/mysql/versions/v/flavors"
        );
        assert!(delete_operation("mysql").is_idempotent());
    }
}
