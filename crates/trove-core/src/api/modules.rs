//! Modules: list (by datastore), create, get, update, delete, the instances that have a module
//! (paged, or counted), and reapply.

use std::future::IntoFuture;

use futures::future::BoxFuture;
use trove_types::module::{
    CreateModule, Module, ModuleBodyEnvelope, ModuleDatastore, ModuleEnvelope, ModuleInstanceCount,
    ModuleInstanceCountList, ModuleInstanceList, ModuleList, Reapply, ReapplyEnvelope,
    UpdateModule,
};

use crate::api::list::ListRequest;
use crate::api::resource::{Api, Routed};
use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// Modules: `client.modules()`, the generic [`Api`] (get, list, delete) with the verbs below.
pub type Modules<'c> = Api<'c, Module>;

impl Routed for Module {
    fn get_op(id: &str) -> Operation<ModuleEnvelope> {
        get_operation(id)
    }

    fn list_op() -> Operation<ModuleList> {
        list_operation()
    }

    fn delete_op(id: &str) -> Operation<()> {
        delete_operation(id)
    }
}

impl<'c> Api<'c, Module> {
    /// Starts a create request for a module `name` of type `module_type` with `contents` (text
    /// or bytes), sent base64-encoded as python-troveclient sends them, so that either client
    /// reads the other's modules the same.
    pub fn create(
        &self,
        name: impl Into<String>,
        module_type: impl Into<String>,
        contents: impl AsRef<[u8]>,
    ) -> CreateModuleRequest<'c> {
        CreateModuleRequest {
            client: self.client,
            body: CreateModule::new(name, module_type, contents),
        }
    }

    /// Creates a module from a complete request body.
    pub async fn create_from(&self, body: &CreateModule) -> Result<Module, Error> {
        Ok(self.client.execute(create_operation(body)?).await?.module)
    }

    /// Updates the fields set in `body`.
    pub async fn update(&self, id: &str, body: &UpdateModule) -> Result<Module, Error> {
        Ok(self
            .client
            .execute(update_operation(id, body)?)
            .await?
            .module)
    }

    /// Starts a list of the instances that have the module.
    pub fn instances(&self, id: &str) -> ListRequest<'c, ModuleInstanceList> {
        ListRequest::new(self.client, instances_operation(id))
    }

    /// Counts the instances that have the module, per MD5 of its contents (`count_only`).
    pub async fn instance_counts(
        &self,
        id: &str,
        include_clustered: bool,
    ) -> Result<Vec<ModuleInstanceCount>, Error> {
        let op = instance_counts_operation(id, include_clustered);
        Ok(self.client.execute(op).await?.items)
    }

    /// Reapplies the module to the instances that have it.
    pub async fn reapply(&self, id: &str, options: &Reapply) -> Result<(), Error> {
        self.client.execute(reapply_operation(id, options)?).await
    }
}

impl ListRequest<'_, ModuleList> {
    /// Lists only the modules of datastore `datastore`.
    pub fn datastore(self, datastore: &str) -> Self {
        self.query("datastore", Some(datastore))
    }
}

impl ListRequest<'_, ModuleInstanceList> {
    /// Includes instances that belong to clusters.
    pub fn include_clustered(self, yes: bool) -> Self {
        self.query("include_clustered", yes.then_some("true"))
    }
}

/// A create request being built; `.await` sends it.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateModuleRequest<'c> {
    client: &'c Client,
    body: CreateModule,
}

impl<'c> CreateModuleRequest<'c> {
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Restricts the module to datastore `kind` (and `version`).
    pub fn datastore(mut self, kind: impl Into<String>, version: Option<String>) -> Self {
        self.body.datastore = Some(ModuleDatastore {
            kind: Some(kind.into()),
            version,
        });
        self
    }

    /// Applies the module to new instances automatically (admin only).
    pub fn auto_apply(mut self, yes: bool) -> Self {
        self.body.auto_apply = Some(yes);
        self
    }

    /// Makes the module available to every tenant (admin only).
    pub fn all_tenants(mut self, yes: bool) -> Self {
        self.body.all_tenants = Some(yes);
        self
    }

    /// Allows applying the module to running instances.
    pub fn live_update(mut self, yes: bool) -> Self {
        self.body.live_update = Some(yes);
        self
    }

    /// Gives access to the whole body for fields without a setter.
    pub fn with(mut self, edit: impl FnOnce(&mut CreateModule)) -> Self {
        edit(&mut self.body);
        self
    }

    /// Returns the body that will be sent.
    pub fn body(&self) -> &CreateModule {
        &self.body
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Module, Error> {
        Modules::new(self.client).create_from(&self.body).await
    }
}

impl<'c> IntoFuture for CreateModuleRequest<'c> {
    type Output = Result<Module, Error>;
    type IntoFuture = BoxFuture<'c, Result<Module, Error>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// `GET /modules`.
pub(crate) fn list_operation() -> Operation<ModuleList> {
    Operation::json(&routes::MODULE_LIST, &[])
}

/// `POST /modules`.
pub(crate) fn create_operation(body: &CreateModule) -> Result<Operation<ModuleEnvelope>, Error> {
    Operation::json(&routes::MODULE_CREATE, &[]).with_json(&ModuleBodyEnvelope { module: body })
}

/// `GET /modules/{id}`.
pub(crate) fn get_operation(id: &str) -> Operation<ModuleEnvelope> {
    Operation::json(&routes::MODULE_GET, &[id])
}

/// `PUT /modules/{id}`.
pub(crate) fn update_operation(
    id: &str,
    body: &UpdateModule,
) -> Result<Operation<ModuleEnvelope>, Error> {
    Operation::json(&routes::MODULE_UPDATE, &[id]).with_json(&ModuleBodyEnvelope { module: body })
}

/// `DELETE /modules/{id}` (200, empty).
pub(crate) fn delete_operation(id: &str) -> Operation<()> {
    Operation::empty(&routes::MODULE_DELETE, &[id])
}

/// `GET /modules/{id}/instances`.
pub(crate) fn instances_operation(id: &str) -> Operation<ModuleInstanceList> {
    Operation::json(&routes::MODULE_INSTANCES, &[id])
}

/// `GET /modules/{id}/instances?count_only=true`.
pub(crate) fn instance_counts_operation(
    id: &str,
    include_clustered: bool,
) -> Operation<ModuleInstanceCountList> {
    Operation::json(&routes::MODULE_INSTANCE_COUNTS, &[id])
        .query("count_only", Some("true"))
        .query("include_clustered", include_clustered.then_some("true"))
}

/// `PUT /modules/{id}/instances` with `{"reapply": ...}` (202).
pub(crate) fn reapply_operation(id: &str, options: &Reapply) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::MODULE_REAPPLY, &[id])
        .with_json(&ReapplyEnvelope { reapply: options })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;
    use serde_json::{json, Value};

    fn body<R>(op: &Operation<R>) -> Value {
        serde_json::from_slice(op.body().unwrap()).unwrap()
    }

    #[test]
    fn create_and_update_wrap_the_body_in_module() {
        let mut m = CreateModule::new("m", "ping", "hello");
        m.datastore = Some(ModuleDatastore {
            kind: Some("mysql".into()),
            version: None,
        });
        let op = create_operation(&m).unwrap();
        assert!(!op.is_idempotent());
        assert_eq!(
            body(&op),
            json!({"module": {"name": "m", "module_type": "ping", "contents": "aGVsbG8=",
                "datastore": {"type": "mysql"}}})
        );
        let up = UpdateModule {
            all_datastores: Some(true),
            ..Default::default()
        };
        let op = update_operation("m1", &up).unwrap();
        assert_eq!((op.method(), op.path()), (&Method::PUT, "/modules/m1"));
        assert_eq!(body(&op), json!({"module": {"all_datastores": 1}}));
    }

    #[test]
    fn instance_queries_and_reapply() {
        let op = instance_counts_operation("m", true);
        assert_eq!(
            op.to_request().unwrap().uri(),
            "/modules/m/instances?count_only=true&include_clustered=true"
        );
        let op = reapply_operation(
            "m",
            &Reapply {
                md5: Some("abc".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert_eq!(body(&op), json!({"reapply": {"md5": "abc"}}));
        assert!(delete_operation("m").is_idempotent());
    }
}
