//! Configuration groups: create, get, list (paged), instances using a group (paged), merge
//! (PATCH), replace (PUT) and delete.

use std::collections::BTreeMap;
use std::future::IntoFuture;

use futures::future::BoxFuture;
use serde_json::Value;
use trove_types::configuration::{
    Configuration, ConfigurationBodyEnvelope, ConfigurationEnvelope, ConfigurationInstanceList,
    ConfigurationList, CreateConfiguration, UpdateConfiguration,
};
use trove_types::instance::DatastoreSpec;

use crate::api::list::ListRequest;
use crate::api::resource::{Api, Routed};
use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Configuration groups: `client.configurations()`, the generic [`Api`] (get, list, delete)
/// with the verbs below.
pub type Configurations<'c> = Api<'c, Configuration>;

impl Routed for Configuration {
    fn get_op(id: &str) -> Operation<ConfigurationEnvelope> {
        get_operation(id)
    }

    fn list_op() -> Operation<ConfigurationList> {
        list_operation()
    }

    fn delete_op(id: &str) -> Operation<()> {
        delete_operation(id)
    }
}

impl<'c> Api<'c, Configuration> {
    /// Starts a create request for a group `name`; add values, then `.await` it.
    pub fn create(&self, name: impl Into<String>) -> CreateConfigurationRequest<'c> {
        CreateConfigurationRequest {
            client: self.client,
            body: CreateConfiguration::new(name),
        }
    }

    /// Creates a group from a complete request body.
    pub async fn create_from(&self, body: &CreateConfiguration) -> Result<Configuration, Error> {
        Ok(self
            .client
            .execute(create_operation(body)?)
            .await?
            .configuration)
    }

    /// Starts a list of the instances that use the group.
    pub fn instances(&self, id: &str) -> ListRequest<'c, ConfigurationInstanceList> {
        ListRequest::new(self.client, instances_operation(id))
    }

    /// Merges `values` into the group's values (PATCH).
    pub async fn edit(&self, id: &str, values: BTreeMap<String, Value>) -> Result<(), Error> {
        self.client.execute(edit_operation(id, values)?).await
    }

    /// Replaces the group's values, and its name and description when set (PUT).
    pub async fn update(&self, id: &str, body: &UpdateConfiguration) -> Result<(), Error> {
        self.client.execute(update_operation(id, body)?).await
    }
}

/// A create request being built; `.await` sends it.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateConfigurationRequest<'c> {
    client: &'c Client,
    body: CreateConfiguration,
}

impl<'c> CreateConfigurationRequest<'c> {
    /// Sets a parameter value.
    pub fn value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body.values.insert(key.into(), value.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Sets the datastore type and version.
    pub fn datastore(mut self, kind: impl Into<String>, version: Option<String>) -> Self {
        self.body.datastore = Some(DatastoreSpec::new(kind, version));
        self
    }

    /// Sets the whole datastore choice: a version of the server's default datastore
    /// ([`DatastoreSpec::default_datastore_version`]) or a `version_number` among versions of
    /// the same name (`trove/configuration/service.py` `ConfigurationsController.create`
    /// passes all three to `get_datastore_version`).
    pub fn datastore_spec(mut self, spec: DatastoreSpec) -> Self {
        self.body.datastore = Some(spec);
        self
    }

    /// Returns the body that will be sent.
    pub fn body(&self) -> &CreateConfiguration {
        &self.body
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Configuration, Error> {
        Configurations::new(self.client)
            .create_from(&self.body)
            .await
    }
}

impl<'c> IntoFuture for CreateConfigurationRequest<'c> {
    type Output = Result<Configuration, Error>;
    type IntoFuture = BoxFuture<'c, Result<Configuration, Error>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// `GET /configurations`.
pub(crate) fn list_operation() -> Operation<ConfigurationList> {
    Operation::json(&routes::CONFIGURATION_LIST, &[])
}

/// `POST /configurations`.
pub(crate) fn create_operation(
    body: &CreateConfiguration,
) -> Result<Operation<ConfigurationEnvelope>, Error> {
    Operation::json(&routes::CONFIGURATION_CREATE, &[]).with_json(&ConfigurationBodyEnvelope {
        configuration: body,
    })
}

/// `GET /configurations/{id}`.
pub(crate) fn get_operation(id: &str) -> Operation<ConfigurationEnvelope> {
    Operation::json(&routes::CONFIGURATION_GET, &[id])
}

/// `GET /configurations/{id}/instances`.
pub(crate) fn instances_operation(id: &str) -> Operation<ConfigurationInstanceList> {
    Operation::json(&routes::CONFIGURATION_INSTANCES, &[id])
}

/// `PATCH /configurations/{id}` with `{"configuration": {"values": ...}}`; not idempotent.
pub(crate) fn edit_operation(
    id: &str,
    values: BTreeMap<String, Value>,
) -> Result<Operation<()>, Error> {
    let body = UpdateConfiguration {
        values,
        ..Default::default()
    };
    Operation::empty(&routes::CONFIGURATION_EDIT, &[id]).with_json(&ConfigurationBodyEnvelope {
        configuration: &body,
    })
}

/// `PUT /configurations/{id}`.
pub(crate) fn update_operation(
    id: &str,
    body: &UpdateConfiguration,
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::CONFIGURATION_UPDATE, &[id]).with_json(&ConfigurationBodyEnvelope {
        configuration: body,
    })
}

/// `DELETE /configurations/{id}`.
pub(crate) fn delete_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::CONFIGURATION_DELETE, &[id])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;
    use serde_json::json;

    fn body<R>(op: &Operation<R>) -> Value {
        serde_json::from_slice(op.body().unwrap()).unwrap()
    }

    #[test]
    fn create_and_updates_wrap_the_body_in_configuration() {
        let create = CreateConfiguration::new("g").value("max_connections", 99);
        let op = create_operation(&create).unwrap();
        assert!(!op.is_idempotent());
        assert_eq!(
            body(&op),
            json!({"configuration": {"name": "g", "values": {"max_connections": 99}}})
        );
        let values = BTreeMap::from([("wait_timeout".to_owned(), json!(5))]);
        let op = edit_operation("g1", values.clone()).unwrap();
        assert_eq!(op.method(), Method::PATCH);
        assert!(!op.is_idempotent());
        assert_eq!(
            body(&op),
            json!({"configuration": {"values": {"wait_timeout": 5}}})
        );
        let put = UpdateConfiguration {
            values,
            name: Some("renamed".into()),
            description: None,
        };
        let op = update_operation("g1", &put).unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert!(op.is_idempotent());
        assert_eq!(
            body(&op),
            json!({"configuration": {"values": {"wait_timeout": 5}, "name": "renamed"}})
        );
    }

    #[test]
    fn paths_match_the_contract() {
        assert_eq!(get_operation("a/b").path(), "/configurations/a%2Fb");
        assert_eq!(
            instances_operation("g").path(),
            "/configurations/g/instances"
        );
        assert!(delete_operation("g").is_idempotent());
    }
}
