//! Finds a resource given by id or by name, as the OpenStack client does: the value is tried as
//! an id first, then matched against the names of every resource of its kind.

use std::future::Future;

use futures::{Stream, TryStreamExt};

use crate::error::UsageError;

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
