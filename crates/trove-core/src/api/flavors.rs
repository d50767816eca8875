//! Flavors: list and show.

use trove_types::flavor::{Flavor, FlavorEnvelope, FlavorList};

use crate::client::{Client, WithBody};
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Operations on flavors: `client.flavors()`.
#[derive(Debug, Clone, Copy)]
pub struct Flavors<'c> {
    client: &'c Client,
}

impl<'c> Flavors<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Flavors { client }
    }

    /// Lists every flavor (the server does not page them).
    pub async fn list(&self) -> Result<Vec<Flavor>, Error> {
        Ok(self.client.execute(list_operation()).await?.items)
    }

    /// Shows flavor `id` (its `str_id`, or the integer id as text).
    pub async fn get(&self, id: &str) -> Result<Flavor, Error> {
        Ok(self.client.execute(get_operation(id)).await?.flavor)
    }

    /// Shows a flavor together with the body it was decoded from, so that the fields the
    /// model does not know stay reachable (see [`Client::execute_with_body`]).
    pub async fn get_with_body(&self, id: &str) -> Result<WithBody<Flavor>, Error> {
        let answer = self.client.execute_with_body(get_operation(id)).await?;
        Ok(answer.map(|e| e.flavor))
    }
}

/// `GET /flavors`.
pub(crate) fn list_operation() -> Operation<FlavorList> {
    Operation::json(&routes::FLAVOR_LIST, &[])
}

/// `GET /flavors/{id}`.
pub(crate) fn get_operation(id: &str) -> Operation<FlavorEnvelope> {
    Operation::json(&routes::FLAVOR_GET, &[id])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(list_operation().path(), "/flavors");
        assert_eq!(get_operation("custom").path(), "/flavors/custom");
    }
}
