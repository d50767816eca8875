//! TLS of an instance's datastore: status (optionally with the certificate), enable, disable,
//! rollback.
//!
//! They are methods of [`Instances`]: `client.instances().ssl(&id, false)`.

use trove_types::ssl::{Ssl, SslAction, SslActionEnvelope, SslEnvelope, SslMode};

use crate::api::instances::Instances;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

impl Instances<'_> {
    /// Returns the TLS state; `include_certificate` adds the certificate's PEM payload.
    pub async fn ssl(&self, id: &str, include_certificate: bool) -> Result<Ssl, Error> {
        let op = get_operation(id, include_certificate);
        Ok(self.client.execute(op).await?.ssl)
    }

    /// Runs an SSL action (primary instances only).
    pub async fn ssl_action(&self, id: &str, action: &SslAction) -> Result<Ssl, Error> {
        Ok(self
            .client
            .execute(action_operation(id, action)?)
            .await?
            .ssl)
    }

    /// Turns TLS on in `mode` with the certificate in Barbican container `container_ref`
    /// (Trove refuses an enable without one); use [`Instances::ssl_action`] to add a
    /// password secret.
    pub async fn ssl_enable(
        &self,
        id: &str,
        mode: SslMode,
        container_ref: &str,
    ) -> Result<Ssl, Error> {
        self.ssl_action(id, &SslAction::enable(mode, container_ref))
            .await
    }

    /// Turns TLS off.
    pub async fn ssl_disable(&self, id: &str) -> Result<Ssl, Error> {
        self.ssl_action(id, &SslAction::disable()).await
    }

    /// Goes back to the previous TLS state.
    pub async fn ssl_rollback(&self, id: &str) -> Result<Ssl, Error> {
        self.ssl_action(id, &SslAction::rollback()).await
    }
}

/// `GET /instances/{id}/ssl[?include_certificate=true]`.
pub(crate) fn get_operation(id: &str, include_certificate: bool) -> Operation<SslEnvelope> {
    Operation::json(&routes::SSL_GET, &[id])
        .query("include_certificate", include_certificate.then_some("true"))
}

/// `POST /instances/{id}/ssl` with `{"ssl": {...}}`. Not idempotent: each action may restart
/// the datastore.
pub(crate) fn action_operation(
    id: &str,
    action: &SslAction,
) -> Result<Operation<SslEnvelope>, Error> {
    Operation::json(&routes::SSL_ACTION, &[id]).with_json(&SslActionEnvelope { ssl: action })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_match_the_contract() {
        assert_eq!(
            get_operation("i1", true).to_request().unwrap().uri(),
            "/instances/i1/ssl?include_certificate=true"
        );
        assert_eq!(
            get_operation("i1", false).path_and_query(),
            "/instances/i1/ssl"
        );
        let op = action_operation("i1", &SslAction::disable()).unwrap();
        assert!(!op.is_idempotent());
        assert_eq!(&op.body().unwrap()[..], br#"{"ssl":{"disable":true}}"#);
    }
}
