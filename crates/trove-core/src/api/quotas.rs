//! Quotas of a project (`mgmt/quotas/{project}`, admin only): show usage, update limits.

use trove_types::quota::{QuotaLimits, QuotaUsageList};

use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Operations on quotas.
#[derive(Debug, Clone, Copy)]
pub struct Quotas<'c> {
    client: &'c Client,
}

impl<'c> Quotas<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Quotas { client }
    }

    /// Shows a project's quotas and usage, one entry per resource.
    pub async fn get(&self, project_id: &str) -> Result<QuotaUsageList, Error> {
        self.client.execute(get_operation(project_id)).await
    }

    /// Sets a project's limits; returns the limits now in force for the resources sent.
    pub async fn update(
        &self,
        project_id: &str,
        limits: &QuotaLimits,
    ) -> Result<QuotaLimits, Error> {
        self.client
            .execute(update_operation(project_id, limits)?)
            .await
    }
}

/// `GET /mgmt/quotas/{project}`.
pub(crate) fn get_operation(project_id: &str) -> Operation<QuotaUsageList> {
    Operation::json(&routes::QUOTA_GET, &[project_id])
}

/// `PUT /mgmt/quotas/{project}` with `{"quotas": {...}}`.
pub(crate) fn update_operation(
    project_id: &str,
    limits: &QuotaLimits,
) -> Result<Operation<QuotaLimits>, Error> {
    Operation::json(&routes::QUOTA_UPDATE, &[project_id]).with_json(limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn quota_operations_target_the_project() {
        assert_eq!(get_operation("p1").path(), "/mgmt/quotas/p1");
        let op = update_operation("p1", &QuotaLimits::default().set("instances", 5)).unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert!(op.is_idempotent());
        assert_eq!(&op.body().unwrap()[..], br#"{"quotas":{"instances":5}}"#);
    }
}
