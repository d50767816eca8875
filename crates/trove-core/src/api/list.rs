//! A list request any paged endpoint can use: limit, marker and filters on a builder that
//! `.await`s to one [`Page`] or turns into a stream of every item.

use std::future::IntoFuture;

use futures::future::BoxFuture;
use futures::Stream;
use trove_types::Paged;

use crate::client::paging::stream_items;
use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::page::Page;

/// A list request being built; `.await` fetches one page, [`ListRequest::into_stream`] walks
/// them all. `E` is the list envelope the endpoint answers with.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct ListRequest<'c, E> {
    client: &'c Client,
    base: Operation<E>,
    limit: Option<u32>,
    marker: Option<String>,
}

impl<'c, E> ListRequest<'c, E>
where
    E: Paged + Clone + Send + 'static,
    E::Item: Send + 'static,
{
    /// Starts a list request from the operation without paging parameters.
    pub fn new(client: &'c Client, base: Operation<E>) -> Self {
        ListRequest {
            client,
            base,
            limit: None,
            marker: None,
        }
    }

    /// Asks for at most `limit` items (Trove caps pages at 20 unless configured otherwise).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after `marker` (a page's `next`); `None` starts at the beginning.
    pub fn marker<M: AsRef<str>>(mut self, marker: Option<M>) -> Self {
        self.marker = marker.map(|m| m.as_ref().to_owned());
        self
    }

    /// Adds a filter to the query string; `None` adds nothing.
    pub fn query(mut self, key: &'static str, value: Option<impl ToString>) -> Self {
        self.base = self.base.query(key, value);
        self
    }

    /// Replaces the operation of the first page with `base`, keeping the filters added so far:
    /// for filters that pick another route (`/instances/detail`).
    pub(crate) fn retarget(mut self, base: Operation<E>) -> Self {
        self.base = self.base.retarget(base);
        self
    }

    /// Returns the operation that fetches the page after `marker`.
    pub fn operation(&self, marker: Option<&str>) -> Operation<E> {
        page_operation(&self.base, self.limit, marker)
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<E::Item>, Error> {
        let op = self.operation(self.marker.as_deref());
        Ok(Page::from_envelope(self.client.execute(op).await?))
    }

    /// Streams every item from the marker on, one page in memory at a time.
    pub fn into_stream(self) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static {
        let (base, limit) = (self.base, self.limit);
        stream_items(self.client.clone(), self.marker, move |marker| {
            page_operation(&base, limit, marker)
        })
    }
}

fn page_operation<E: Clone>(
    base: &Operation<E>,
    limit: Option<u32>,
    marker: Option<&str>,
) -> Operation<E> {
    base.clone().query("limit", limit).query("marker", marker)
}

impl<'c, E> IntoFuture for ListRequest<'c, E>
where
    E: Paged + Clone + Send + 'static,
    E::Item: Send + 'static,
{
    type Output = Result<Page<E::Item>, Error>;
    type IntoFuture = BoxFuture<'c, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
