//! What every command gets: the output settings and a client made on first use.

use std::sync::OnceLock;

use troveclient::Client;

use crate::auth::AuthArgs;
use crate::output::Output;

/// The shared state of one run.
pub struct Ctx {
    auth: AuthArgs,
    client: OnceLock<Client>,
    /// Where and how results are printed.
    pub out: Output,
}

impl Ctx {
    /// Starts a run with these options.
    pub fn new(auth: AuthArgs, out: Output) -> Ctx {
        Ctx {
            auth,
            client: OnceLock::new(),
            out,
        }
    }

    /// Returns the client, building it from the authentication options on first use.
    pub fn client(&self) -> anyhow::Result<&Client> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let client = self.auth.client()?;
        Ok(self.client.get_or_init(|| client))
    }

    /// Returns the authentication options.
    pub fn auth(&self) -> &AuthArgs {
        &self.auth
    }
}
