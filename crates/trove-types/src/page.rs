//! Paginated list envelopes and extraction of the `marker` from a `next` link.
//!
//! Trove's `next` href is forced to `https://` and echoes the server-side URL, so a client must
//! not follow it: it takes the `marker` out of the href and asks its own endpoint again. The
//! marker is never derived from the last item shown, because the real server cuts pages by id
//! but shows each page sorted by creation time.

use serde::de::DeserializeOwned;

use crate::common::{find_link, Link};

/// Returns the `marker` of the `rel="next"` link, decoded to the value to send back.
///
/// Trove percent-quotes a marker before it puts it in the link's query, which encodes it again
/// (`trove/common/pagination.py`: `url_quote`, then `urlencode`), so a user `jo` at host `%` is
/// `marker=jo%2540%2525`. python-troveclient undoes one encoding and pastes the rest into its
/// next URL unencoded; this undoes both, and the request encodes the marker once, which reaches
/// the server as the same `jo@%`. A marker encoded once (`jo%40localhost`) decodes the same.
///
/// ```
/// use trove_types::{next_marker, Link};
/// let links = [Link::new(
///     "next",
///     "https://localhost:8779/v1.0/12345/users?limit=2&marker=jo%2540%2525",
/// )];
/// assert_eq!(next_marker(&links).as_deref(), Some("jo@%"));
/// assert_eq!(next_marker(&[]), None);
/// ```
pub fn next_marker(links: &[Link]) -> Option<String> {
    marker_from_href(find_link(links, "next")?)
}

/// Returns the `marker` query parameter of an href, decoded as [`next_marker`] decodes it;
/// `None` when absent or empty.
pub fn marker_from_href(href: &str) -> Option<String> {
    let query = href.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "marker")
        .filter(|(_, v)| !v.is_empty())
        // Python's `unquote`: `+` stays, an invalid escape stays as it is, bytes that are not
        // UTF-8 become U+FFFD.
        .map(|(_, v)| {
            // Most markers (ids, offsets) have no escape left: keep the first decoding's string.
            if v.contains('%') {
                percent_encoding::percent_decode_str(&v)
                    .decode_utf8_lossy()
                    .into_owned()
            } else {
                v.into_owned()
            }
        })
}

/// A paginated list envelope such as `{"instances": [...], "links": [...]}`.
pub trait Paged: DeserializeOwned {
    /// The type of one element of the list.
    type Item;
    /// Splits the envelope into its items and its links.
    fn into_parts(self) -> (Vec<Self::Item>, Vec<Link>);
}

/// Declares a list envelope type `{"<key>": [Item], "links": [...]}` implementing [`Paged`].
#[macro_export]
macro_rules! list_envelope {
    ($(#[$meta:meta])* $name:ident, $item:ty, $key:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[non_exhaustive]
        pub struct $name {
            /// The items of this page.
            #[serde(rename = $key, default)]
            pub items: Vec<$item>,
            /// Pagination links; holds a `rel="next"` link when more items follow.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub links: Vec<$crate::common::Link>,
        }

        impl $crate::page::Paged for $name {
            type Item = $item;
            fn into_parts(self) -> (Vec<$item>, Vec<$crate::common::Link>) {
                (self.items, self.links)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(href: &str) -> Vec<Link> {
        vec![Link {
            href: href.into(),
            rel: "next".into(),
        }]
    }

    #[test]
    fn marker_is_taken_from_the_next_href() {
        let links = next("https://h/v1.0/t/instances?limit=20&marker=abc-1");
        assert_eq!(next_marker(&links).as_deref(), Some("abc-1"));
        assert_eq!(
            next_marker(&next("https://h/v1.0/t/backups?marker=40")).as_deref(),
            Some("40")
        );
    }

    #[test]
    fn marker_is_percent_decoded_and_fragments_ignored() {
        let links = next("https://h/x?marker=my%2edb%20x#frag");
        assert_eq!(next_marker(&links).as_deref(), Some("my.db x"));
    }

    /// What trove/common/pagination.py makes of a user `a+b` at host `%` and a database `50%`:
    /// `urlencode({"marker": quote(marker)})`, as Python 3.11 printed it.
    #[test]
    fn the_quoting_trove_adds_is_undone() {
        for (query, marker) in [
            ("marker=a%252Bb%2540%2525", "a+b@%"),
            ("limit=1&marker=50%2525", "50%"),
            ("marker=%25E2%2582%25AC", "\u{20ac}"),
            ("marker=100%25", "100%"),
        ] {
            let links = next(&format!("https://h/x?{query}"));
            assert_eq!(next_marker(&links).as_deref(), Some(marker), "{query}");
        }
    }

    #[test]
    fn no_next_link_or_no_marker_means_no_more_pages() {
        assert_eq!(
            next_marker(&[Link {
                href: "https://h/x?marker=1".into(),
                rel: "self".into()
            }]),
            None
        );
        assert_eq!(next_marker(&next("https://h/x")), None);
        assert_eq!(next_marker(&next("https://h/x?marker=")), None);
        assert_eq!(next_marker(&next("https://h/x?markers=3")), None);
    }
}
