//! Databases (schemas) on an instance: list (paged by name), create, delete.

use trove_types::database::{CreateDatabasesEnvelope, DatabaseList};
use trove_types::instance::DatabaseSpec;

use crate::api::list::ListRequest;
use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Operations on the databases of one instance: `client.databases(&instance_id)`.
#[derive(Debug, Clone)]
pub struct Databases<'c> {
    client: &'c Client,
    instance_id: String,
}

impl<'c> Databases<'c> {
    pub(crate) fn new(client: &'c Client, instance_id: &str) -> Self {
        Databases {
            client,
            instance_id: instance_id.to_owned(),
        }
    }

    /// Starts a list request: `.await` it for one page (the marker is the last name), or call
    /// `into_stream()` for every database.
    pub fn list(&self) -> ListRequest<'c, DatabaseList> {
        ListRequest::new(self.client, list_operation(&self.instance_id))
    }

    /// Creates databases. Trove answers 202 and creates them on the guest.
    pub async fn create(&self, databases: &[DatabaseSpec]) -> Result<(), Error> {
        self.client
            .execute(create_operation(&self.instance_id, databases)?)
            .await
    }

    /// Drops database `name`.
    pub async fn delete(&self, name: &str) -> Result<(), Error> {
        self.client
            .execute(delete_operation(&self.instance_id, name))
            .await
    }
}

/// `GET /instances/{id}/databases` (add `limit` and `marker` for one page).
pub(crate) fn list_operation(instance_id: &str) -> Operation<DatabaseList> {
    Operation::json(&routes::DATABASE_LIST, &[instance_id])
}

/// `POST /instances/{id}/databases`. Not idempotent: a replay meets "already exists".
pub(crate) fn create_operation(
    instance_id: &str,
    databases: &[DatabaseSpec],
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::DATABASE_CREATE, &[instance_id])
        .with_json(&CreateDatabasesEnvelope { databases })
}

/// `DELETE /instances/{id}/databases/{name}`.
pub(crate) fn delete_operation(instance_id: &str, name: &str) -> Operation<()> {
    Operation::empty(&routes::DATABASE_DELETE, &[instance_id, name])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_match_the_contract() {
        let op = create_operation("i1", &[DatabaseSpec::new("my_db").collate("utf8_bin")]).unwrap();
        assert_eq!(op.path(), "/instances/i1/databases");
        assert!(!op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"databases":[{"name":"my_db","collate":"utf8_bin"}]}"#
        );
        let op = delete_operation("i1", "my.db");
        assert_eq!(op.path(), "/instances/i1/databases/my%2Edb");
        assert!(op.is_idempotent());
        let req = list_operation("i1")
            .query("limit", Some(1))
            .query("marker", Some("db2"))
            .to_request()
            .unwrap();
        assert_eq!(req.uri(), "/instances/i1/databases?limit=1&marker=db2");
    }
}
