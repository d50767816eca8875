//! Per-area handlers: `client.instances()`, `client.versions()`, ...

pub mod instances;
pub mod versions;

use crate::client::Client;

impl Client {
    /// Instances: create, get, list, delete, wait.
    pub fn instances(&self) -> instances::Instances<'_> {
        instances::Instances::new(self)
    }

    /// API version discovery.
    pub fn versions(&self) -> versions::Versions<'_> {
        versions::Versions::new(self)
    }
}
