//! Modules on an instance: list (from Trove's records or from the guest), apply, remove.
//!
//! They are methods of [`Instances`]: `client.instances().modules(&id)`.

use trove_types::module_ref::{ApplyModulesEnvelope, InstanceModule, InstanceModuleList};

use crate::api::instances::Instances;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

impl Instances<'_> {
    /// Lists the modules applied to an instance, as Trove recorded them.
    pub async fn modules(&self, id: &str) -> Result<Vec<InstanceModule>, Error> {
        let op = list_operation(id, false, false);
        Ok(self.client.execute(op).await?.items)
    }

    /// Lists the modules applied to an instance with each one's contents
    /// (`include_contents`), base64-encoded as the guest reads them back;
    /// [`InstanceModule::decoded_contents`] decodes them. A tenant gets, in place of an admin
    /// module's contents, the message that it must be admin.
    pub async fn modules_with_contents(&self, id: &str) -> Result<Vec<InstanceModule>, Error> {
        let op = list_operation(id, false, true);
        Ok(self.client.execute(op).await?.items)
    }

    /// Lists the modules as the guest reports them (with apply status and message);
    /// `include_contents` adds each module's contents, base64-encoded.
    pub async fn modules_from_guest(
        &self,
        id: &str,
        include_contents: bool,
    ) -> Result<Vec<InstanceModule>, Error> {
        let op = list_operation(id, true, include_contents);
        Ok(self.client.execute(op).await?.items)
    }

    /// Applies the modules whose ids are in `module_ids`, and returns what the guest applied.
    pub async fn apply_modules<S: AsRef<str>>(
        &self,
        id: &str,
        module_ids: &[S],
    ) -> Result<Vec<InstanceModule>, Error> {
        let op = apply_operation(id, module_ids)?;
        Ok(self.client.execute(op).await?.items)
    }

    /// Removes module `module_id` from an instance.
    pub async fn remove_module(&self, id: &str, module_id: &str) -> Result<(), Error> {
        self.client.execute(remove_operation(id, module_id)).await
    }
}

/// `GET /instances/{id}/modules[?from_guest=true&include_contents=true]`.
pub(crate) fn list_operation(
    id: &str,
    from_guest: bool,
    include_contents: bool,
) -> Operation<InstanceModuleList> {
    Operation::json(&routes::INSTANCE_MODULE_LIST, &[id])
        .query("from_guest", from_guest.then_some("true"))
        .query("include_contents", include_contents.then_some("true"))
}

/// `POST /instances/{id}/modules` with `{"modules": [{"id": ..}]}`. Idempotent: applying a
/// module the instance has applies the same contents again.
pub(crate) fn apply_operation<S: AsRef<str>>(
    id: &str,
    module_ids: &[S],
) -> Result<Operation<InstanceModuleList>, Error> {
    Operation::json(&routes::INSTANCE_MODULE_APPLY, &[id])
        .idempotent(true)
        .with_json(&ApplyModulesEnvelope::new(module_ids))
}

/// `DELETE /instances/{id}/modules/{module_id}` (Trove answers 200 with no body).
pub(crate) fn remove_operation(id: &str, module_id: &str) -> Operation<()> {
    Operation::empty(&routes::INSTANCE_MODULE_REMOVE, &[id, module_id])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_match_the_contract() {
        assert_eq!(
            list_operation("i1", true, true).path_and_query(),
            "/instances/i1/modules?from_guest=true&include_contents=true"
        );
        let op = apply_operation("i1", &["m1", "m2"]).unwrap();
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"modules":[{"id":"m1"},{"id":"m2"}]}"#
        );
        assert_eq!(
            remove_operation("i1", "m1").path(),
            "/instances/i1/modules/m1"
        );
    }
}
