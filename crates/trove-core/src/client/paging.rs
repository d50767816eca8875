//! Streams that walk a paged list lazily, one page in memory at a time.

use futures::stream::{self, Stream, TryStreamExt};
use trove_types::Paged;

use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::page::Page;

/// Streams every item of a paged list, fetching a page only when the previous one is used up.
///
/// `make` builds the request for a marker. The stream ends when a page has no `next` marker, and
/// also when the server hands back the marker it was just given, so a server that does not
/// advance cannot loop the client forever. Only one page is held at a time.
pub fn stream_pages<E, F>(
    client: Client,
    first: Option<String>,
    make: F,
) -> impl Stream<Item = Result<Page<E::Item>, Error>>
where
    E: Paged + Send + 'static,
    E::Item: Send + 'static,
    F: Fn(Option<&str>) -> Operation<E> + Send + Sync + 'static,
{
    struct State<F> {
        client: Client,
        make: F,
        marker: Option<String>,
        done: bool,
    }
    let state = State {
        client,
        make,
        marker: first,
        done: false,
    };
    stream::try_unfold(state, |mut st| async move {
        if st.done {
            return Ok(None);
        }
        let op = (st.make)(st.marker.as_deref());
        let page = Page::from_envelope(st.client.execute(op).await?);
        match &page.next {
            Some(next) if Some(next) != st.marker.as_ref() => st.marker = Some(next.clone()),
            _ => st.done = true,
        }
        Ok(Some((page, st)))
    })
}

/// Streams every item, page after page; see [`stream_pages`].
pub fn stream_items<E, F>(
    client: Client,
    first: Option<String>,
    make: F,
) -> impl Stream<Item = Result<E::Item, Error>>
where
    E: Paged + Send + 'static,
    E::Item: Send + 'static,
    F: Fn(Option<&str>) -> Operation<E> + Send + Sync + 'static,
{
    stream_pages(client, first, make)
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
}
