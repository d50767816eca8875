//! List columns shown by more than one command group.

use serde_json::Value;

use crate::output::{col, Column};

/// The columns of a flavor list.
pub const FLAVOR_COLUMNS: &[Column] = &[
    col("ID", "").with(flavor_id),
    col("Name", "/name"),
    col("RAM", "/ram"),
    col("vCPUs", "/vcpus"),
    col("Disk", "/disk"),
    col("Ephemeral", "/ephemeral"),
];

/// Returns `str_id` (always a string) or else the numeric `id`.
fn flavor_id(flavor: &Value) -> Value {
    match flavor.get("str_id") {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => flavor.get("id").cloned().unwrap_or(Value::Null),
    }
}
