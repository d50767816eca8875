//! Configuration parameters a datastore version accepts: list and show, by datastore and
//! version name, or by version id. A single parameter comes back with no envelope.

use trove_types::configuration_parameter::{ConfigurationParameter, ConfigurationParameterList};

use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Operations on configuration parameters: `client.configuration_parameters()`.
#[derive(Debug, Clone, Copy)]
pub struct ConfigurationParameters<'c> {
    client: &'c Client,
}

impl<'c> ConfigurationParameters<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        ConfigurationParameters { client }
    }

    /// Lists the parameters of version `version` of datastore `datastore`.
    pub async fn list(
        &self,
        datastore: &str,
        version: &str,
    ) -> Result<Vec<ConfigurationParameter>, Error> {
        let op = list_operation(datastore, version);
        Ok(self.client.execute(op).await?.items)
    }

    /// Shows parameter `name` of version `version` of datastore `datastore`.
    pub async fn get(
        &self,
        datastore: &str,
        version: &str,
        name: &str,
    ) -> Result<ConfigurationParameter, Error> {
        self.client
            .execute(get_operation(datastore, version, name))
            .await
    }

    /// Lists the parameters of the version with id `version_id`.
    pub async fn list_by_version(
        &self,
        version_id: &str,
    ) -> Result<Vec<ConfigurationParameter>, Error> {
        let op = list_by_version_operation(version_id);
        Ok(self.client.execute(op).await?.items)
    }

    /// Shows parameter `name` of the version with id `version_id`.
    pub async fn get_by_version(
        &self,
        version_id: &str,
        name: &str,
    ) -> Result<ConfigurationParameter, Error> {
        self.client
            .execute(get_by_version_operation(version_id, name))
            .await
    }
}

/// `GET /datastores/{ds}/versions/{v}/parameters`.
pub(crate) fn list_operation(
    datastore: &str,
    version: &str,
) -> Operation<ConfigurationParameterList> {
    Operation::json(&routes::CONFIGURATION_PARAMETER_LIST, &[datastore, version])
}

/// `GET /datastores/{ds}/versions/{v}/parameters/{name}` (a bare object).
pub(crate) fn get_operation(
    datastore: &str,
    version: &str,
    name: &str,
) -> Operation<ConfigurationParameter> {
    Operation::json(
        &routes::CONFIGURATION_PARAMETER_GET,
        &[datastore, version, name],
    )
}

/// `GET /datastores/versions/{vid}/parameters`.
pub(crate) fn list_by_version_operation(version_id: &str) -> Operation<ConfigurationParameterList> {
    Operation::json(
        &routes::CONFIGURATION_PARAMETER_LIST_BY_VERSION,
        &[version_id],
    )
}

/// `GET /datastores/versions/{vid}/parameters/{name}` (a bare object).
pub(crate) fn get_by_version_operation(
    version_id: &str,
    name: &str,
) -> Operation<ConfigurationParameter> {
    Operation::json(
        &routes::CONFIGURATION_PARAMETER_GET_BY_VERSION,
        &[version_id, name],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_the_contract() {
        assert_eq!(
            get_operation("mysql", "5.7", "max_connections").path(),
            "/datastores/mysql/versions/5%2E7/parameters/max_connections"
        );
        assert_eq!(
            list_by_version_operation("v1").path(),
            "/datastores/versions/v1/parameters"
        );
    }
}
