//! Limits: the absolute quotas and rate limits of the caller.

use trove_types::limit::LimitList;

use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Operations on limits: `client.limits()`.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'c> {
    client: &'c Client,
}

impl<'c> Limits<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Limits { client }
    }

    /// Returns every limit row; `absolute()` and `rates()` split them.
    pub async fn list(&self) -> Result<LimitList, Error> {
        self.client.execute(list_operation()).await
    }
}

/// `GET /limits`.
pub(crate) fn list_operation() -> Operation<LimitList> {
    Operation::json(&routes::LIMIT_LIST, &[])
}
