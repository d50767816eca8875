//! Output formats (`-f table|json|yaml|value|csv`) and column selection (`-c`).
//!
//! A list prints chosen columns of each item; JSON and YAML key them by column heading, as the
//! OpenStack client does. A single resource prints every field the server sent, keyed by its
//! wire name; tables show it as Field/Value rows with nested values flattened.

use std::io::Write;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use comfy_table::{presets, ContentArrangement, Table, TableComponent};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::UsageError;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// A table that fits the terminal.
    #[default]
    Table,
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
    /// Bare values, space separated, one item per line.
    Value,
    /// Comma-separated values with a header line.
    Csv,
}

/// Output options.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(
        short = 'f',
        long = "format",
        global = true,
        value_enum,
        default_value_t
    )]
    pub format: Format,
    /// Print only this column (or field); repeat for more. Matches headings case-insensitively,
    /// with spaces or underscores.
    #[arg(short = 'c', long = "column", global = true, value_name = "COLUMN")]
    pub columns: Vec<String>,
}

/// One column of a list: a heading and where its value sits in the item's JSON.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The heading, such as `Flavor ID`.
    pub heading: &'static str,
    /// A JSON pointer into the item, such as `/flavor/id`.
    pub pointer: &'static str,
    /// Turns the value found into the value shown.
    pub render: Option<fn(&Value) -> Value>,
    /// Shown only when asked for with `-c`: a column OSC's list does not have.
    pub extra: bool,
}

/// Returns a column showing the value at `pointer` as is.
pub const fn col(heading: &'static str, pointer: &'static str) -> Column {
    Column {
        heading,
        pointer,
        render: None,
        extra: false,
    }
}

impl Column {
    /// Shows `render(value)` instead of the value.
    pub const fn with(mut self, render: fn(&Value) -> Value) -> Column {
        self.render = Some(render);
        self
    }

    /// Leaves the column out unless `-c` asks for it.
    pub const fn extra(mut self) -> Column {
        self.extra = true;
        self
    }

    fn value(&self, item: &Value) -> Value {
        let v = item.pointer(self.pointer).cloned().unwrap_or(Value::Null);
        match self.render {
            Some(f) => f(&v),
            None => v,
        }
    }
}

/// Renders the values of a list of objects as the values of one key, comma separated: the
/// `address` of each entry of `addresses`, for instance.
pub fn join_key(values: &Value, key: &str) -> Value {
    match values {
        Value::Array(items) => Value::String(
            items
                .iter()
                .filter_map(|i| i.get(key).map(cell))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => other.clone(),
    }
}

/// Prints results in the chosen format.
#[derive(Debug, Clone)]
pub struct Output {
    args: OutputArgs,
}

impl Output {
    /// Prints with `args`.
    pub fn new(args: OutputArgs) -> Output {
        Output { args }
    }

    /// Prints `items` as a list with `columns`.
    pub fn list<T: Serialize>(&self, columns: &[Column], items: &[T]) -> anyhow::Result<()> {
        let rows = items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .context("encoding the result")?;
        emit(&self.render_list(columns, &rows)?)
    }

    /// Prints one resource: every field, or the `-c` ones.
    pub fn show<T: Serialize>(&self, item: &T) -> anyhow::Result<()> {
        let value = serde_json::to_value(item).context("encoding the result")?;
        emit(&self.render_show(value)?)
    }

    fn render_list(&self, columns: &[Column], rows: &[Value]) -> anyhow::Result<String> {
        let chosen = if self.args.columns.is_empty() {
            columns.iter().filter(|c| !c.extra).copied().collect()
        } else {
            choose(&self.args.columns, columns.iter().map(|c| c.heading))?
                .map(|i| columns[i])
                .collect::<Vec<_>>()
        };
        let headings: Vec<&str> = chosen.iter().map(|c| c.heading).collect();
        let table: Vec<Vec<Value>> = rows
            .iter()
            .map(|row| chosen.iter().map(|c| c.value(row)).collect())
            .collect();
        Ok(match self.args.format {
            Format::Table => {
                let mut t = new_table();
                t.set_header(headings.iter().copied());
                for row in &table {
                    t.add_row(row.iter().map(cell));
                }
                format!("{t}\n")
            }
            Format::Json | Format::Yaml => {
                let objects: Vec<Value> = table
                    .into_iter()
                    .map(|row| {
                        Value::Object(
                            headings
                                .iter()
                                .map(|h| (*h).to_owned())
                                .zip(row)
                                .collect::<Map<_, _>>(),
                        )
                    })
                    .collect();
                structured(self.args.format, &Value::Array(objects))?
            }
            Format::Value => table
                .iter()
                .map(|row| row.iter().map(cell).collect::<Vec<_>>().join(" ") + "\n")
                .collect(),
            Format::Csv => {
                let mut out = csv_line(headings.iter().map(|h| (*h).to_owned()));
                for row in &table {
                    out.push_str(&csv_line(row.iter().map(cell)));
                }
                out
            }
        })
    }

    fn render_show(&self, value: Value) -> anyhow::Result<String> {
        let Value::Object(mut fields) = value else {
            return structured(self.args.format, &value);
        };
        if !self.args.columns.is_empty() {
            let keys: Vec<String> = fields.keys().cloned().collect();
            let chosen: Vec<String> = choose(&self.args.columns, keys.iter().map(String::as_str))?
                .map(|i| keys[i].clone())
                .collect();
            fields = chosen
                .into_iter()
                .filter_map(|k| fields.remove(&k).map(|v| (k, v)))
                .collect();
        }
        Ok(match self.args.format {
            Format::Json | Format::Yaml => structured(self.args.format, &Value::Object(fields))?,
            Format::Table => {
                let mut t = new_table();
                t.set_header(["Field", "Value"]);
                for (k, v) in fields.iter().filter(|(k, _)| *k != "links") {
                    t.add_row([k.clone(), cell(v)]);
                }
                format!("{t}\n")
            }
            Format::Value => fields
                .iter()
                .filter(|(k, _)| *k != "links")
                .map(|(_, v)| cell(v) + "\n")
                .collect(),
            Format::Csv => {
                let mut out = csv_line(fields.keys().cloned());
                out.push_str(&csv_line(fields.values().map(cell)));
                out
            }
        })
    }
}

/// Returns the indices of the `wanted` columns among `available` (all of them when none is
/// wanted), in the order asked for.
fn choose<'a>(
    wanted: &[String],
    available: impl Iterator<Item = &'a str> + Clone,
) -> anyhow::Result<impl Iterator<Item = usize>> {
    let norm = |s: &str| s.to_ascii_lowercase().replace([' ', '-'], "_");
    let count = available.clone().count();
    if wanted.is_empty() {
        return Ok((0..count).collect::<Vec<_>>().into_iter());
    }
    let mut picked = Vec::new();
    for w in wanted {
        match available.clone().position(|a| norm(a) == norm(w)) {
            Some(i) => picked.push(i),
            None => {
                let names: Vec<&str> = available.clone().collect();
                anyhow::bail!(UsageError(format!(
                    "unknown column {w:?}; available: {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(picked.into_iter())
}

fn new_table() -> Table {
    let mut t = Table::new();
    // The OpenStack client's look: `+---+` lines, none between rows.
    t.load_preset(presets::ASCII_FULL_CONDENSED)
        .set_style(TableComponent::HeaderLines, '-')
        .set_style(TableComponent::MiddleHeaderIntersections, '+')
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

fn structured(format: Format, value: &Value) -> anyhow::Result<String> {
    Ok(match format {
        Format::Yaml => serde_yaml_ng::to_string(value).context("encoding YAML")?,
        _ => serde_json::to_string_pretty(value).context("encoding JSON")? + "\n",
    })
}

/// Renders a value for a table cell or a `value`/`csv` field.
///
/// Strings print bare; lists of scalars join with commas; objects print as `key=value` pairs
/// without their `links`, and a reference that is only an id prints as the id.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::Array(items) => {
            let sep = if items.iter().all(|i| !i.is_object() && !i.is_array()) {
                ", "
            } else {
                "\n"
            };
            items.iter().map(cell).collect::<Vec<_>>().join(sep)
        }
        Value::Object(map) => {
            let fields: Vec<(&String, &Value)> =
                map.iter().filter(|(k, _)| *k != "links").collect();
            match fields.as_slice() {
                [(_, only)] => cell(only),
                _ => fields
                    .iter()
                    .map(|(k, v)| match v {
                        Value::Object(_) | Value::Array(_) => format!("{k}={}", v),
                        _ => format!("{k}={}", cell(v)),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        }
    }
}

fn csv_line(fields: impl Iterator<Item = String>) -> String {
    let quoted: Vec<String> = fields
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect();
    quoted.join(",") + "\n"
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn out(format: Format, columns: &[&str]) -> Output {
        Output::new(OutputArgs {
            format,
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        })
    }

    const COLS: &[Column] = &[col("ID", "/id"), col("Flavor ID", "/flavor/id")];

    #[test]
    fn lists_key_json_by_heading_and_select_columns() {
        let rows = [json!({"id": "a", "flavor": {"id": "1", "links": []}})];
        let text = out(Format::Json, &[]).render_list(COLS, &rows).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v, json!([{"ID": "a", "Flavor ID": "1"}]));
        let text = out(Format::Value, &["flavor_id"])
            .render_list(COLS, &rows)
            .unwrap();
        assert_eq!(text, "1\n");
        let text = out(Format::Csv, &[]).render_list(COLS, &rows).unwrap();
        assert_eq!(text, "\"ID\",\"Flavor ID\"\n\"a\",\"1\"\n");
        assert!(out(Format::Json, &["nope"])
            .render_list(COLS, &rows)
            .is_err());
    }

    #[test]
    fn tables_flatten_nested_values() {
        assert_eq!(cell(&json!({"id": "1", "links": [{"href": "x"}]})), "1");
        assert_eq!(cell(&json!({"size": 2, "used": 0.5})), "size=2, used=0.5");
        assert_eq!(cell(&json!(["a", "b"])), "a, b");
        assert_eq!(cell(&Value::Null), "");
        let text = out(Format::Table, &[])
            .render_show(json!({"id": "x", "links": [], "status": "ACTIVE"}))
            .unwrap();
        assert!(text.contains("| status | ACTIVE |"), "{text}");
        assert!(!text.contains("links"), "{text}");
    }

    #[test]
    fn show_selects_fields() {
        let text = out(Format::Value, &["status"])
            .render_show(json!({"id": "x", "status": "ACTIVE"}))
            .unwrap();
        assert_eq!(text, "ACTIVE\n");
    }
}
