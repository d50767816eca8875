//! Reads a published guest log from the object store (Swift) the catalog names, the way
//! python-troveclient's `log_generator` does: list the log's container by its prefix, then fetch
//! the parts in the order they were published.

use anyhow::{anyhow, bail, Context};
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde::Deserialize;
use tower::ServiceExt;
use troveclient::auth::{EndpointFilter, Interface, Session};
use troveclient::HttpService;

/// One row of Swift's JSON container listing (the fields this reader uses).
#[derive(Debug, Deserialize)]
struct Listed {
    name: String,
    #[serde(default)]
    last_modified: String,
}

/// The object store of a session, with its token.
pub struct Store {
    http: HttpService,
    base: String,
    token: String,
}

/// Nothing is published under the log's prefix (the CLI names the log and instance).
#[derive(Debug)]
pub struct NotPublished;

impl Store {
    /// Finds the `object-store` endpoint in the session's catalog, for the client's region and
    /// interface.
    pub fn of(
        session: &Session,
        region: Option<&str>,
        interface: Option<&str>,
    ) -> anyhow::Result<Self> {
        let catalog = session.catalog.as_ref().ok_or_else(|| {
            anyhow!("the session has no service catalog, so no object store to read logs from (authenticate with Keystone)")
        })?;
        let filter = EndpointFilter {
            service_type: "object-store".to_owned(),
            service_name: None,
            region: region.map(str::to_owned),
            interface: interface.and_then(Interface::parse).unwrap_or_default(),
        };
        let base = catalog
            .select(&filter)
            .context("finding the object store in the service catalog")?
            .trim_end_matches('/')
            .to_owned();
        Ok(Store {
            http: troveclient::stack::hyper_transport(),
            base,
            token: session.token.expose().to_owned(),
        })
    }

    async fn get(&self, method: Method, path: &str) -> anyhow::Result<(StatusCode, Bytes)> {
        let uri = format!("{}/{path}", self.base);
        let request = Request::builder()
            .method(method)
            .uri(&uri)
            .header("x-auth-token", &self.token)
            .body(Full::new(Bytes::new()))
            .with_context(|| format!("building the request for {uri}"))?;
        let response = self
            .http
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| anyhow!("object store request failed: {e}"))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| anyhow!("reading the object store's answer: {e}"))?
            .to_bytes();
        Ok((status, body))
    }

    /// The names of a log's parts, oldest first.
    async fn parts(&self, container: &str, prefix: &str) -> anyhow::Result<Vec<String>> {
        let path = format!(
            "{}?format=json&prefix={}",
            encode(container),
            encode(prefix)
        );
        let (status, body) = self.get(Method::GET, &path).await?;
        if status == StatusCode::NOT_FOUND || status == StatusCode::NO_CONTENT {
            return Ok(Vec::new());
        }
        if !status.is_success() {
            bail!("the object store answered {status} listing {container}");
        }
        let mut rows: Vec<Listed> =
            serde_json::from_slice(&body).context("the object store's container listing")?;
        rows.sort_by(|a, b| a.last_modified.cmp(&b.last_modified));
        Ok(rows.into_iter().map(|r| r.name).collect())
    }

    async fn object(&self, container: &str, name: &str) -> anyhow::Result<String> {
        let path = format!("{}/{}", encode(container), encode(name));
        let (status, body) = self.get(Method::GET, &path).await?;
        if !status.is_success() {
            bail!("the object store answered {status} for {name}");
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// The whole log; a [`NotPublished`] error when nothing is published.
    pub async fn whole(&self, container: &str, prefix: &str) -> anyhow::Result<String> {
        let parts = self.parts(container, prefix).await?;
        if parts.is_empty() {
            return Err(anyhow!(NotPublished));
        }
        let mut text = String::new();
        for part in parts {
            text.push_str(&self.object(container, &part).await?);
        }
        Ok(text)
    }

    /// The last `lines` lines of the log (all of it for 0), reading only the newest parts that
    /// hold them.
    pub async fn tail(
        &self,
        container: &str,
        prefix: &str,
        lines: usize,
    ) -> anyhow::Result<String> {
        if lines == 0 {
            return self.whole(container, prefix).await;
        }
        let parts = self.parts(container, prefix).await?;
        if parts.is_empty() {
            return Err(anyhow!(NotPublished));
        }
        let mut newest_first = Vec::new();
        let mut have = 0;
        for part in parts.iter().rev() {
            let text = self.object(container, part).await?;
            have += text.lines().count();
            newest_first.push(text);
            if have >= lines {
                break;
            }
        }
        let text: String = newest_first.into_iter().rev().collect();
        Ok(last_lines(&text, lines))
    }
}

impl std::fmt::Display for NotPublished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("nothing is published")
    }
}

impl std::error::Error for NotPublished {}

/// The last `n` lines of `text`, each ending in a newline.
pub fn last_lines(text: &str, n: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(n);
    all[start..].iter().map(|l| format!("{l}\n")).collect()
}

/// Percent-encodes a container or object name for a URL, keeping `/` (Swift object names hold
/// it as a plain character) and the characters a path or query may carry as they are.
fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_lines_keeps_the_tail_and_ends_each_line() {
        assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc\n");
        assert_eq!(last_lines("a\nb", 5), "a\nb\n");
        assert_eq!(last_lines("", 3), "");
    }

    #[test]
    fn names_are_encoded_but_keep_their_slashes() {
        assert_eq!(
            encode("id/mysql-general/log-2026-01-01T00:00:00.000001"),
            "id/mysql-general/log-2026-01-01T00:00:00.000001"
        );
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
