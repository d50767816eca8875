//! One page of a list (the usage guide's list-with-`next`), with no I/O; streams that walk
//! every page are in [`crate::client::paging`].

use std::ops::Deref;

use trove_types::{next_marker, Link, Paged};

/// One page of a list: its items, and the marker of the next page.
///
/// It dereferences to a slice, so `page.len()`, indexing and iteration work as on the usage
/// guide's list. `next` is `None` on the last page.
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
