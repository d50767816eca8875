//! `trove versions`: the API versions a server offers (no token needed).

use anyhow::Context as _;
use clap::Args;

use crate::context::Ctx;
use crate::output::{col, Column};

/// List the API versions of a Trove server.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  trove versions http://trove.example.com:8779
  trove --os-cloud devstack versions     # the root of the catalog's Trove endpoint")]
pub struct Cmd {
    /// The server root, such as http://host:8779 [default: the root of the Trove endpoint].
    pub url: Option<String>,
}

const COLUMNS: &[Column] = &[
    col("ID", "/id"),
    col("Status", "/status"),
    col("Updated", "/updated"),
    Column {
        heading: "URL",
        pointer: "/links",
        render: Some(self_href),
        extra: false,
    },
];

fn self_href(links: &serde_json::Value) -> serde_json::Value {
    links
        .as_array()
        .and_then(|l| l.iter().find(|l| l["rel"] == "self"))
        .map(|l| l["href"].clone())
        .unwrap_or_default()
}

/// Lists the versions.
pub async fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let url = match cmd.url {
        Some(url) => url,
        None => {
            let endpoint = match ctx.auth().endpoint_override() {
                Some(e) => e.to_owned(),
                None => ctx.client()?.authenticate().await?,
            };
            origin(&endpoint)
                .with_context(|| format!("cannot find the server root of {endpoint:?}"))?
        }
    };
    // Version discovery sends no token, so a client without credentials will do.
    let client = match ctx.client() {
        Ok(c) => c.clone(),
        Err(_) => troveclient::Client::builder().build()?,
    };
    let versions = client.versions().index(&url).await?;
    ctx.out.list(COLUMNS, &versions)
}

/// Returns `scheme://host[:port]` of `url`.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_drops_the_path() {
        assert_eq!(
            origin("http://h:8779/v1.0/p").as_deref(),
            Some("http://h:8779")
        );
        assert_eq!(origin("nope"), None);
    }
}
