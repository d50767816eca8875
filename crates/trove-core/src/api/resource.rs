//! The one handler of every kind that Trove gets, lists and deletes by id, in the manner of
//! kube-rs' `Api<K>`: `client.instances()`, `client.backups()` and `client.clusters()` are
//! [`Api`]s, and each area module adds only its own verbs (create builders, actions).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use trove_types::resource::DELETED;
use trove_types::{Resource, Settle};

use crate::api::list::ListRequest;
use crate::client::wait::poll_until;
use crate::client::{Client, WithBody};
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::wait::{conditions, Condition, WaitOptions};

/// A kind the generic handler serves: the operations that show, list and delete one.
/// Implemented for the kinds of this crate; the routes come from its table of operations.
pub trait Routed: Resource {
    /// `GET` of one item by id.
    fn get_op(id: &str) -> Operation<Self::Envelope>;
    /// `GET` of the first page of the list, without paging parameters.
    fn list_op() -> Operation<Self::List>;
    /// `DELETE` of one item by id.
    fn delete_op(id: &str) -> Operation<()>;
}

/// Get, list, delete and wait for resources of kind `K`; area modules add their own verbs.
pub struct Api<'c, K> {
    pub(crate) client: &'c Client,
    kind: PhantomData<fn() -> K>,
}

impl<K> Clone for Api<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Api<'_, K> {}

impl<K: Resource> fmt::Debug for Api<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api").field("kind", &K::KIND).finish()
    }
}

impl<'c, K> Api<'c, K> {
    /// Returns the handler of kind `K` on `client`.
    pub fn new(client: &'c Client) -> Self {
        Api {
            client,
            kind: PhantomData,
        }
    }

    /// Returns the client the handler sends through.
    pub fn client(&self) -> &'c Client {
        self.client
    }
}

impl<'c, K: Routed> Api<'c, K> {
    /// Shows one item.
    pub async fn get(&self, id: &str) -> Result<K, Error> {
        Ok(K::from_envelope(self.client.execute(K::get_op(id)).await?))
    }

    /// Shows one item, or `None` when the server answers 404.
    pub async fn get_opt(&self, id: &str) -> Result<Option<K>, Error> {
        match self.get(id).await {
            Ok(k) => Ok(Some(k)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Shows one item together with the body it was decoded from, so that the fields the
    /// model does not know stay reachable (see [`Client::execute_with_body`]).
    pub async fn get_with_body(&self, id: &str) -> Result<WithBody<K>, Error> {
        let answer = self.client.execute_with_body(K::get_op(id)).await?;
        Ok(answer.map(K::from_envelope))
    }

    /// Starts a list request: `.await` it for one page, or call
    /// [`ListRequest::into_stream`] for every item. Filters of the kind are methods of the
    /// request (`.detailed(true)` for instances, `.datastore(..)` for backups).
    pub fn list(&self) -> ListRequest<'c, K::List> {
        ListRequest::new(self.client, K::list_op())
    }

    /// Deletes one item.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        self.client.execute(K::delete_op(id)).await
    }
}

impl<'c, K: Routed + Settle> Api<'c, K> {
    /// Waits until the item is ready ([`Settle::is_ready`]: an instance `ACTIVE` or
    /// `HEALTHY`, a backup `COMPLETED`, a cluster with no task left); fails when it fails
    /// ([`Settle::is_failed`]) and on timeout, with the last state seen. A 404 ends the wait
    /// with that error.
    pub async fn wait_ready(&self, id: &str, options: WaitOptions<'_>) -> Result<K, Error> {
        self.wait_present(id, options, conditions::is_ready).await
    }

    /// Waits until the item is gone: a 404 ends the wait in success; a failed deletion
    /// ([`Settle::is_delete_failed`]) ends it in failure.
    pub async fn wait_deleted(&self, id: &str, options: WaitOptions<'_>) -> Result<(), Error> {
        let what = format!("deletion of {} {id}", K::KIND);
        self.wait_until_as(what, id, conditions::is_deleted, options)
            .await
            .map(|_| ())
    }

    /// Waits until `condition` says done (see [`conditions`]); the item may be gone (a 404 is
    /// shown to the condition as `None`). Returns the item as the last poll found it.
    pub async fn wait_until(
        &self,
        id: &str,
        condition: impl Condition<K>,
        options: WaitOptions<'_>,
    ) -> Result<Option<K>, Error> {
        let what = format!("{} {id}", K::KIND);
        self.wait_until_as(what, id, condition, options).await
    }

    /// Waits until `condition` says done for the item, which must exist: a 404 ends the wait
    /// with that error.
    pub(crate) async fn wait_present(
        &self,
        id: &str,
        options: WaitOptions<'_>,
        condition: impl Condition<K>,
    ) -> Result<K, Error> {
        poll_until(
            format!("{} {id}", K::KIND),
            options,
            || self.get(id),
            |k| condition.check(Some(k)),
            |k| k.state().into_owned(),
        )
        .await
    }

    async fn wait_until_as(
        &self,
        what: String,
        id: &str,
        condition: impl Condition<K>,
        options: WaitOptions<'_>,
    ) -> Result<Option<K>, Error> {
        poll_until(
            what,
            options,
            || self.get_opt(id),
            |k: &Option<K>| condition.check(k.as_ref()),
            |k| state_or_deleted(k.as_ref()).into_owned(),
        )
        .await
    }
}

/// The state a waiter shows: the item's, or [`DELETED`] once it is gone.
fn state_or_deleted<K: Settle>(k: Option<&K>) -> Cow<'_, str> {
    k.map_or(Cow::Borrowed(DELETED), K::state)
}
