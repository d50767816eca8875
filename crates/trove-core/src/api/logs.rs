//! Guest logs of an instance: list, show, enable, disable, publish, discard.
//!
//! They are methods of [`Instances`]: `client.instances().logs(&id)`.

use trove_types::log::{GuestLog, GuestLogEnvelope, GuestLogList, LogAction, LogActionBody};

use crate::api::instances::Instances;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

impl Instances<'_> {
    /// Lists the guest logs of an instance (Trove answers 501 when Swift is missing).
    pub async fn logs(&self, id: &str) -> Result<Vec<GuestLog>, Error> {
        Ok(self.client.execute(list_operation(id)).await?.items)
    }

    /// Shows guest log `name`.
    pub async fn log(&self, id: &str, name: &str) -> Result<GuestLog, Error> {
        self.log_action(id, name, LogAction::Show).await
    }

    /// Runs `action` on guest log `name` and returns the log's new state.
    pub async fn log_action(
        &self,
        id: &str,
        name: &str,
        action: LogAction,
    ) -> Result<GuestLog, Error> {
        let op = action_operation(id, name, action)?;
        Ok(self.client.execute(op).await?.log)
    }

    /// Starts writing guest log `name`.
    pub async fn log_enable(&self, id: &str, name: &str) -> Result<GuestLog, Error> {
        self.log_action(id, name, LogAction::Enable).await
    }

    /// Stops writing guest log `name`.
    pub async fn log_disable(&self, id: &str, name: &str) -> Result<GuestLog, Error> {
        self.log_action(id, name, LogAction::Disable).await
    }

    /// Publishes guest log `name` to the object store.
    pub async fn log_publish(&self, id: &str, name: &str) -> Result<GuestLog, Error> {
        self.log_action(id, name, LogAction::Publish).await
    }

    /// Deletes what was published of guest log `name`.
    pub async fn log_discard(&self, id: &str, name: &str) -> Result<GuestLog, Error> {
        self.log_action(id, name, LogAction::Discard).await
    }
}

/// `GET /instances/{id}/log`.
pub(crate) fn list_operation(id: &str) -> Operation<GuestLogList> {
    Operation::json(&routes::LOG_LIST, &[id])
}

/// `POST /instances/{id}/log` with `{"name": ..}` and the action's flag.
///
/// Show, enable and disable are idempotent (they read, or set a state); publish and discard
/// are not marked so, since a replay acts on the log again.
pub(crate) fn action_operation(
    id: &str,
    name: &str,
    action: LogAction,
) -> Result<Operation<GuestLogEnvelope>, Error> {
    let idempotent = matches!(
        action,
        LogAction::Show | LogAction::Enable | LogAction::Disable
    );
    Operation::json(&routes::LOG_ACTION, &[id])
        .idempotent(idempotent)
        .with_json(&LogActionBody::new(name, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_bodies_match_the_contract() {
        let op = action_operation("i1", "general", LogAction::Enable).unwrap();
        assert_eq!(op.path(), "/instances/i1/log");
        assert!(op.is_idempotent());
        assert_eq!(&op.body().unwrap()[..], br#"{"name":"general","enable":1}"#);
        let op = action_operation("i1", "general", LogAction::Publish).unwrap();
        assert!(!op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"name":"general","publish":1}"#
        );
        let op = action_operation("i1", "slow_query", LogAction::Show).unwrap();
        assert_eq!(&op.body().unwrap()[..], br#"{"name":"slow_query"}"#);
    }
}
