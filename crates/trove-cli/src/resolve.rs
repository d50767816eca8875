//! Finds a resource given by id or by name, as the OpenStack client does: the value is tried as
//! an id first, then matched against the names of every resource of its kind.
//!
//! [`Lookup`] says, per kind, how to get one by id and how to list them all; [`find`] and
//! [`id`] are the one look-up every command uses.

use std::future::Future;

use futures::{Stream, StreamExt, TryStreamExt};
use troveclient::types::mgmt::{MgmtCluster, MgmtInstance};
use troveclient::{
    Backup, Client, Cluster, Configuration, Datastore, DatastoreVersion, Flavor, Instance, Module,
};

use crate::context::Ctx;
use crate::error::UsageError;

/// A kind of resource that can be named by id or by name.
pub trait Lookup: Sized {
    /// What the kind is called in messages ("configuration group").
    const KIND: &'static str;
    /// What a look-up is made within: `()`, or the datastore of a datastore version.
    type Scope: ?Sized;
    /// Gets one by id.
    async fn get(
        client: &Client,
        scope: &Self::Scope,
        id: String,
    ) -> Result<Self, troveclient::Error>;
    /// Lists every one (called only when `get` answers 404).
    fn all<'a>(
        client: &'a Client,
        scope: &'a Self::Scope,
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a;
    /// Its name.
    fn name(&self) -> &str;
    /// Its id.
    fn id(&self) -> &str;
}

/// Finds the resource of kind `T` whose id is `name_or_id`, or else the one named so.
pub async fn find<T: Lookup<Scope = ()>>(ctx: &Ctx, name_or_id: &str) -> anyhow::Result<T> {
    find_in(ctx, &(), name_or_id).await
}

/// [`find`] within a scope (the datastore of a datastore version).
pub async fn find_in<T: Lookup>(
    ctx: &Ctx,
    scope: &T::Scope,
    name_or_id: &str,
) -> anyhow::Result<T> {
    let client = ctx.client()?;
    by_id_or_name(
        T::KIND,
        name_or_id,
        |id| T::get(client, scope, id),
        || T::all(client, scope),
        T::name,
        T::id,
    )
    .await
}

/// The id of the resource of kind `T` that `name_or_id` names.
pub async fn id<T: Lookup<Scope = ()>>(ctx: &Ctx, name_or_id: &str) -> anyhow::Result<String> {
    Ok(find::<T>(ctx, name_or_id).await?.id().to_owned())
}

/// Streams the items of a list answered in one piece.
fn listed<'a, T: 'a>(
    list: impl Future<Output = Result<Vec<T>, troveclient::Error>> + 'a,
) -> impl Stream<Item = Result<T, troveclient::Error>> + 'a {
    futures::stream::once(list)
        .map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed_local()
}

impl Lookup for Instance {
    const KIND: &'static str = "instance";
    type Scope = ();
    async fn get(c: &Client, _: &(), id: String) -> Result<Self, troveclient::Error> {
        c.instances().get(&id).await
    }
    fn all<'a>(
        c: &'a Client,
        _: &'a (),
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
        c.instances().list().into_stream()
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// Implements [`Lookup`] for a kind whose handle has `get(&id)` and a paged `list()`.
macro_rules! paged_lookup {
    ($ty:ty, $kind:literal, $handle:ident) => {
        impl Lookup for $ty {
            const KIND: &'static str = $kind;
            type Scope = ();
            async fn get(c: &Client, _: &(), id: String) -> Result<Self, troveclient::Error> {
                c.$handle().get(&id).await
            }
            fn all<'a>(
                c: &'a Client,
                _: &'a (),
            ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
                c.$handle().list().into_stream()
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn id(&self) -> &str {
                &self.id
            }
        }
    };
}

paged_lookup!(Backup, "backup", backups);
paged_lookup!(Cluster, "cluster", clusters);
paged_lookup!(Configuration, "configuration group", configurations);
paged_lookup!(Module, "module", modules);

impl Lookup for Flavor {
    const KIND: &'static str = "flavor";
    type Scope = ();
    async fn get(c: &Client, _: &(), id: String) -> Result<Self, troveclient::Error> {
        c.flavors().get(&id).await
    }
    fn all<'a>(
        c: &'a Client,
        _: &'a (),
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
        listed(async move { c.flavors().list().await })
    }
    fn name(&self) -> &str {
        &self.name
    }
    /// `str_id` (a string even for numeric flavors), else the numeric id.
    fn id(&self) -> &str {
        self.str_id
            .as_deref()
            .or(self.numeric_id.as_deref())
            .unwrap_or_default()
    }
}

impl Lookup for Datastore {
    const KIND: &'static str = "datastore";
    type Scope = ();
    async fn get(c: &Client, _: &(), id: String) -> Result<Self, troveclient::Error> {
        c.datastores().get(&id).await
    }
    fn all<'a>(
        c: &'a Client,
        _: &'a (),
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
        listed(async move { c.datastores().list().await })
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// A version of the datastore given as the scope (name or id).
impl Lookup for DatastoreVersion {
    const KIND: &'static str = "datastore version";
    type Scope = str;
    async fn get(c: &Client, datastore: &str, id: String) -> Result<Self, troveclient::Error> {
        c.datastores().version(datastore, &id).await
    }
    fn all<'a>(
        c: &'a Client,
        datastore: &'a str,
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
        listed(async move { c.datastores().versions(datastore).await })
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// An instance of any project (the management API).
impl Lookup for MgmtInstance {
    const KIND: &'static str = "instance";
    type Scope = ();
    async fn get(c: &Client, _: &(), id: String) -> Result<Self, troveclient::Error> {
        c.mgmt().instance(&id).await
    }
    fn all<'a>(
        c: &'a Client,
        _: &'a (),
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
        c.mgmt().instances().into_stream()
    }
    fn name(&self) -> &str {
        &self.instance.name
    }
    fn id(&self) -> &str {
        &self.instance.id
    }
}

/// A cluster of any project (the management API).
impl Lookup for MgmtCluster {
    const KIND: &'static str = "cluster";
    type Scope = ();
    async fn get(c: &Client, _: &(), id: String) -> Result<Self, troveclient::Error> {
        c.mgmt().cluster(&id).await
    }
    fn all<'a>(
        c: &'a Client,
        _: &'a (),
    ) -> impl Stream<Item = Result<Self, troveclient::Error>> + 'a {
        c.mgmt().clusters().into_stream()
    }
    fn name(&self) -> &str {
        &self.cluster.name
    }
    fn id(&self) -> &str {
        &self.cluster.id
    }
}

/// Returns the resource whose id is `name_or_id`, or else the one resource named so.
///
/// `get` looks a value up as an id; `all` lists every resource of the kind (called only when
/// `get` answers 404). A name found in the list is fetched again by id, because list entries
/// are summaries (a configuration group's has no values). With no match the 404 is returned, so
/// the error keeps the server's fault and request id; several matches are a usage error listing
/// their ids.
pub async fn by_id_or_name<T, G, S>(
    kind: &str,
    name_or_id: &str,
    get: impl Fn(String) -> G,
    all: impl FnOnce() -> S,
    name_of: impl Fn(&T) -> &str,
    id_of: impl Fn(&T) -> &str,
) -> anyhow::Result<T>
where
    G: Future<Output = Result<T, troveclient::Error>>,
    S: Stream<Item = Result<T, troveclient::Error>>,
{
    let not_found = match get(name_or_id.to_owned()).await {
        Ok(found) => return Ok(found),
        Err(e) if e.is_not_found() => e,
        Err(e) => return Err(e.into()),
    };
    let named: Vec<T> = all()
        .try_filter(|item| futures::future::ready(name_of(item) == name_or_id))
        .try_collect()
        .await?;
    match named.len() {
        0 => Err(not_found.into()),
        1 => Ok(get(id_of(&named[0]).to_owned()).await?),
        n => {
            let ids: Vec<&str> = named.iter().map(&id_of).collect();
            Err(UsageError(format!(
                "{n} {kind}s are named {name_or_id:?} ({}); use an id",
                ids.join(", ")
            ))
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;

    #[derive(Debug, PartialEq)]
    struct Thing {
        id: &'static str,
        name: &'static str,
        /// True when fetched by id, false in a list (a summary).
        full: bool,
    }

    const THINGS: [(&str, &str); 4] = [("1", "a"), ("2", "b"), ("3", "b"), ("b", "c")];

    fn thing((id, name): (&'static str, &'static str), full: bool) -> Thing {
        Thing { id, name, full }
    }

    fn not_found() -> troveclient::Error {
        let body = br#"{"itemNotFound": {"code": 404, "message": "gone"}}"#;
        let response = http::Response::builder()
            .status(404)
            .body(bytes::Bytes::from_static(body))
            .unwrap();
        troveclient::ApiError::from_response(http::Method::GET, "/things/x".into(), &response)
            .into()
    }

    async fn get(id: String) -> Result<Thing, troveclient::Error> {
        THINGS
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|t| thing(t, true))
            .ok_or_else(not_found)
    }

    fn all() -> impl Stream<Item = Result<Thing, troveclient::Error>> {
        stream::iter(THINGS.map(|t| Ok(thing(t, false))))
    }

    async fn find(value: &str) -> anyhow::Result<Thing> {
        by_id_or_name("thing", value, get, all, |t| t.name, |t| t.id).await
    }

    #[tokio::test]
    async fn an_id_wins_over_names_and_a_unique_name_is_fetched_in_full() {
        // "b" is the id of one thing and the name of two others.
        assert_eq!(find("b").await.unwrap(), thing(("b", "c"), true));
        assert_eq!(find("a").await.unwrap(), thing(("1", "a"), true));
    }

    #[tokio::test]
    async fn no_match_keeps_the_404_and_several_are_a_usage_error() {
        let err = find("zz").await.unwrap_err();
        let sdk = err.downcast_ref::<troveclient::Error>().unwrap();
        assert!(sdk.is_not_found(), "{err}");
        let err = by_id_or_name(
            "thing",
            "b",
            |_| async { Err(not_found()) },
            all,
            |t| t.name,
            |t| t.id,
        )
        .await
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert_eq!(
            err.to_string(),
            "2 things are named \"b\" (2, 3); use an id"
        );
    }

    #[tokio::test]
    async fn other_errors_are_not_retried_by_name() {
        let failing = |_| async {
            Err(troveclient::Error::InvalidRequest(
                troveclient::BuildError::Refused("bad".into()),
            ))
        };
        let listed = || -> stream::Iter<std::vec::IntoIter<Result<Thing, troveclient::Error>>> {
            panic!("listed after an error that is not a 404")
        };
        let err = by_id_or_name("thing", "a", failing, listed, |t| t.name, |t| t.id)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("bad"), "{err}");
    }
}
