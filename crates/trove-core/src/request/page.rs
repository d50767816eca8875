//! Pages (the seed's list-with-`next`) and streams that walk every page lazily.

use std::ops::Deref;

use futures::stream::{self, Stream, TryStreamExt};
use trove_types::{next_marker, Link, Paged};

use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;

/// One page of a list: its items, and the marker of the next page.
///
/// It dereferences to a slice, so `page.len()`, indexing and iteration work as on the seed's
/// list. `next` is `None` on the last page.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The marker to pass to get the following page; `None` when there are no more items.
    pub next: Option<String>,
    /// The page's links, as the server sent them.
    pub links: Vec<Link>,
}

impl<T> Page<T> {
    /// Splits a list envelope into a page, taking the marker from the `next` link.
    pub fn from_envelope<E: Paged<Item = T>>(envelope: E) -> Page<T> {
        let (items, links) = envelope.into_parts();
        Page {
            next: next_marker(&links),
            items,
            links,
        }
    }
}

impl<T> Deref for Page<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

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
