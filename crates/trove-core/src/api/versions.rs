//! Version discovery: `GET /` on any URL, no token needed.

use http::Method;
use trove_types::version::VersionsEnvelope;
use trove_types::Version;

use crate::client::Client;
use crate::error::Error;
use crate::operation::Operation;

/// Version discovery.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'c> {
    client: &'c Client,
}

impl<'c> Versions<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Versions { client }
    }

    /// Lists the API versions served at `url` (such as `http://localhost:8779`), as the
    /// seed's `client.versions.index(url)` does. No token is sent.
    pub async fn index(&self, url: &str) -> Result<Vec<Version>, Error> {
        Ok(self.client.execute(index_operation(url)?).await?.versions)
    }
}

/// Builds `GET <url>/`.
pub fn index_operation(url: &str) -> Result<Operation<VersionsEnvelope>, Error> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| Error::InvalidRequest(format!("URL {url:?}: {e}")))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(Error::InvalidRequest(format!(
            "URL {url:?} must be absolute (http://host:port)"
        )));
    }
    let url = if uri.path().is_empty() || uri.path() == "/" && !url.ends_with('/') {
        format!("{url}/")
    } else {
        url.to_owned()
    };
    Ok(Operation::json(Method::GET, "/", url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_targets_the_root_of_the_given_url() {
        let op = index_operation("http://localhost:8779").unwrap();
        assert_eq!(op.to_request().unwrap().uri(), "http://localhost:8779/");
        let op = index_operation("http://localhost:8779/").unwrap();
        assert_eq!(op.path(), "http://localhost:8779/");
        assert!(index_operation("/relative").is_err());
        assert!(index_operation("not a url").is_err());
    }
}
