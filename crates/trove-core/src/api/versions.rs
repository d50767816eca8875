//! Version discovery: `GET /` on any URL, no token needed.

use trove_types::version::{VersionEnvelope, VersionsEnvelope};
use trove_types::Version;

use crate::client::Client;
use crate::error::{BuildError, Error};
use crate::request::operation::Operation;
use crate::request::routes;

/// Version discovery.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'c> {
    client: &'c Client,
}

impl<'c> Versions<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Versions { client }
    }

    /// Lists the API versions served at `url` (such as `http://localhost:8779`), as the usage
    /// guide's `client.versions.index(url)` does. No token is sent.
    pub async fn index(&self, url: &str) -> Result<Vec<Version>, Error> {
        Ok(self.client.execute(index_operation(url)?).await?.versions)
    }

    /// Shows one API version from its own root (`http://localhost:8779/v1.0/`, the `self`
    /// link [`Versions::index`] lists), the route Trove's `VersionsController.show` serves.
    ///
    /// No token is sent (the URL is outside the project endpoint). Trove 26 routes the request
    /// through its token check and its tenant check (`trove/common/auth.py`
    /// `TenantBasedAuth`), whose pattern needs a tenant in the path, so a stock deployment
    /// refuses it (401, or 500 in fake mode, without a token; 403 with one); the error is
    /// returned as is.
    pub async fn show(&self, version_url: &str) -> Result<Version, Error> {
        Ok(self
            .client
            .execute(show_operation(version_url)?)
            .await?
            .version)
    }
}

/// Builds `GET <version_url>/`: the version's root always ends with a slash, as Trove's links
/// do.
pub(crate) fn show_operation(version_url: &str) -> Result<Operation<VersionEnvelope>, Error> {
    let uri: http::Uri = version_url.parse().map_err(|source| BuildError::Url {
        url: version_url.to_owned(),
        source,
    })?;
    if uri.scheme().is_none()
        || uri.authority().is_none()
        || uri.path().trim_matches('/').is_empty()
    {
        return Err(Error::from(BuildError::Refused(format!(
            "URL {version_url:?} must be a version's absolute root (http://host:port/v1.0/)"
        ))));
    }
    let url = if version_url.ends_with('/') {
        version_url.to_owned()
    } else {
        format!("{version_url}/")
    };
    let version = uri.path().trim_matches('/');
    Ok(Operation::json(&routes::VERSION_SHOW, &[version]).with_path(url))
}

/// Builds `GET <url>/`.
pub(crate) fn index_operation(url: &str) -> Result<Operation<VersionsEnvelope>, Error> {
    let uri: http::Uri = url.parse().map_err(|source| BuildError::Url {
        url: url.to_owned(),
        source,
    })?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(Error::from(BuildError::Refused(format!(
            "URL {url:?} must be absolute (http://host:port)"
        ))));
    }
    let url = if uri.path().is_empty() || uri.path() == "/" && !url.ends_with('/') {
        format!("{url}/")
    } else {
        url.to_owned()
    };
    Ok(Operation::json(&routes::VERSION_INDEX, &[]).with_path(url))
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

    #[test]
    fn show_targets_the_version_root_with_its_slash() {
        let op = show_operation("http://localhost:8779/v1.0").unwrap();
        assert_eq!(
            op.to_request().unwrap().uri(),
            "http://localhost:8779/v1.0/"
        );
        let op = show_operation("http://localhost:8779/v1.0/").unwrap();
        assert_eq!(op.path(), "http://localhost:8779/v1.0/");
        assert!(show_operation("http://localhost:8779/").is_err());
        assert!(show_operation("/v1.0/").is_err());
    }
}
