//! `cargo xtask openapi`: writes openapi/trove-v1.json by running the document's own test in
//! its writing mode, so the file and the check that guards it come from the same generator.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::conformance::suite_command;

/// Generates the document and writes it into the workspace.
pub fn write(root: &Path) -> Result<()> {
    let status = suite_command(
        root,
        &[
            "-p",
            "trove-tests",
            "--test",
            "openapi",
            "--",
            "--exact",
            "the_committed_document_is_the_generated_one",
        ],
    )
    .env("TROVE_OPENAPI_WRITE", "1")
    .status()
    .context("run cargo test")?;
    if !status.success() {
        bail!("generating the OpenAPI document failed");
    }
    eprintln!("wrote openapi/trove-v1.json");
    Ok(())
}
