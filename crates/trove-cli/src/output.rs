//! Output formats (`-f table|json|yaml|value|csv|shell`), column selection (`-c`) and the
//! OpenStack client's (cliff's) formatter options: `--sort-column`, `--sort-ascending`,
//! `--sort-descending`, `--max-width`, `--fit-width`, `--print-empty`, `--noindent`, `--quote`
//! and `--prefix`.
//!
//! A list prints chosen columns of each item; JSON and YAML key them by column heading, as the
//! OpenStack client does. A single resource prints every field the server sent, keyed by its
//! wire name; tables show it as Field/Value rows with nested values flattened.

use std::io::Write;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use comfy_table::{presets, ContentArrangement, Table, TableComponent};
use serde::Serialize;
use serde_json::Value;

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
    /// `name="value"` lines a UNIX shell can evaluate (one resource only, as OSC).
    Shell,
}

/// When `-f csv` quotes a field (Python's csv quoting modes, as cliff offers them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Quote {
    /// Every field.
    All,
    /// Only fields holding a comma, a quote or a line break.
    Minimal,
    /// Every field that is not a number (cliff's default).
    #[default]
    Nonnumeric,
    /// No field; quotes and commas in values are escaped with a backslash.
    None,
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
    /// Sort a list by this column; repeat for more (the first decides first).
    #[arg(long = "sort-column", global = true, value_name = "COLUMN")]
    pub sort_columns: Vec<String>,
    /// Sort in ascending order (the default).
    #[arg(long, global = true, conflicts_with = "sort_descending")]
    pub sort_ascending: bool,
    /// Sort in descending order.
    #[arg(long, global = true)]
    pub sort_descending: bool,
    /// Make tables at most this wide (0: no limit) [env: CLIFF_MAX_TERM_WIDTH].
    #[arg(long, global = true, value_name = "N", env = "CLIFF_MAX_TERM_WIDTH")]
    pub max_width: Option<u16>,
    /// Fit tables to the terminal's width.
    #[arg(long, global = true)]
    pub fit_width: bool,
    /// Print an empty table when a list has no items.
    #[arg(long, global = true)]
    pub print_empty: bool,
    /// JSON on one line, without indentation.
    #[arg(long, global = true)]
    pub noindent: bool,
    /// When -f csv quotes fields.
    #[arg(long, global = true, value_enum, value_name = "MODE", default_value_t)]
    pub quote: Quote,
    /// A prefix for every variable name of -f shell.
    #[arg(long, global = true, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
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
        let mut table: Vec<Vec<Value>> = rows
            .iter()
            .map(|row| chosen.iter().map(|c| c.value(row)).collect())
            .collect();
        self.sort(&headings, &mut table)?;
        Ok(match self.args.format {
            Format::Table if table.is_empty() && !self.args.print_empty => String::new(),
            Format::Table => {
                let mut t = self.new_table();
                t.set_header(headings.iter().copied());
                for row in &table {
                    t.add_row(row.iter().map(cell));
                }
                format!("{t}\n")
            }
            Format::Shell => {
                return Err(UsageError(
                    "-f shell prints one resource; use json, yaml, value, csv or table for lists"
                        .into(),
                )
                .into())
            }
            Format::Json | Format::Yaml => {
                let objects: Vec<Row<'_>> = table.iter().map(|row| Row(&headings, row)).collect();
                self.structured(&objects)?
            }
            Format::Value => table
                .iter()
                .map(|row| row.iter().map(cell).collect::<Vec<_>>().join(" ") + "\n")
                .collect(),
            Format::Csv => {
                let quote = self.args.quote;
                let mut out = csv_line(
                    quote,
                    headings.iter().map(|h| Value::String((*h).to_owned())),
                );
                for row in table {
                    out.push_str(&csv_line(quote, row.into_iter()));
                }
                out
            }
        })
    }

    /// Sorts rows by the `--sort-column`s, in `--sort-descending` order or else ascending.
    fn sort(&self, headings: &[&str], table: &mut [Vec<Value>]) -> anyhow::Result<()> {
        if self.args.sort_columns.is_empty() {
            return Ok(());
        }
        let keys: Vec<usize> = choose(&self.args.sort_columns, headings.iter().copied())?.collect();
        let descending = self.args.sort_descending;
        table.sort_by(|a, b| {
            let order = keys
                .iter()
                .map(|&k| compare(&a[k], &b[k]))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal);
            if descending {
                order.reverse()
            } else {
                order
            }
        });
        Ok(())
    }

    /// A table that fits the terminal (so `--fit-width` is always on) and, with `--max-width`,
    /// that width.
    fn new_table(&self) -> Table {
        let mut t = new_table();
        if let Some(w) = self.args.max_width.filter(|w| *w > 0) {
            t.set_width(w);
        }
        t
    }

    fn render_show(&self, value: Value) -> anyhow::Result<String> {
        let Value::Object(mut fields) = value else {
            return self.structured(&value);
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
            Format::Json | Format::Yaml => self.structured(&Value::Object(fields))?,
            Format::Table => {
                let mut t = self.new_table();
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
                let quote = self.args.quote;
                let mut out = csv_line(quote, fields.keys().cloned().map(Value::String));
                out.push_str(&csv_line(quote, fields.values().cloned()));
                out
            }
            Format::Shell => fields
                .iter()
                .filter(|(k, _)| *k != "links")
                .map(|(k, v)| {
                    let name = k.to_lowercase().replace([' ', ':', '-'], "_");
                    let value = shell_value(v).replace('"', "\\\"");
                    format!("{}{name}=\"{value}\"\n", self.args.prefix)
                })
                .collect(),
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

/// A list row keyed by heading, the keys in column order (as OSC prints them).
struct Row<'a>(&'a [&'a str], &'a [Value]);

impl Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter().zip(self.1) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Output {
    fn structured(&self, value: &impl Serialize) -> anyhow::Result<String> {
        Ok(match self.args.format {
            Format::Yaml => serde_yaml_ng::to_string(value).context("encoding YAML")?,
            _ if self.args.noindent => {
                serde_json::to_string(value).context("encoding JSON")? + "\n"
            }
            _ => serde_json::to_string_pretty(value).context("encoding JSON")? + "\n",
        })
    }
}

/// Orders two cells: numbers by value, else by their text; an empty cell first.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => cell(a).cmp(&cell(b)),
    }
}

/// A value as `-f shell` prints it: Python's `str()` of it, as OSC does (`None`, `True`).
fn shell_value(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => cell(other),
    }
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

/// One CSV line, quoted as Python's csv module does in `quote` mode (escape character `\`,
/// as cliff sets it).
fn csv_line(quote: Quote, fields: impl Iterator<Item = Value>) -> String {
    let quoted: Vec<String> = fields
        .map(|f| {
            let numeric = f.is_number();
            let text = cell(&f);
            let special = text.contains([',', '"', '\n', '\r']);
            let wrap = match quote {
                Quote::All => true,
                Quote::Nonnumeric => !numeric,
                Quote::Minimal => special,
                Quote::None => false,
            };
            if wrap {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else if quote == Quote::None {
                text.replace('\\', "\\\\")
                    .replace(',', "\\,")
                    .replace('"', "\\\"")
            } else {
                text
            }
        })
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
            ..OutputArgs::default()
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

    fn with(format: Format, edit: impl FnOnce(&mut OutputArgs)) -> Output {
        let mut args = OutputArgs {
            format,
            ..OutputArgs::default()
        };
        edit(&mut args);
        Output::new(args)
    }

    #[test]
    fn lists_sort_by_columns_numbers_by_value() {
        let rows = [
            json!({"id": "b", "flavor": {"id": 10}}),
            json!({"id": "a", "flavor": {"id": 9}}),
            json!({"id": "c", "flavor": {"id": 10}}),
        ];
        let sorted =
            |edit: fn(&mut OutputArgs)| with(Format::Value, edit).render_list(COLS, &rows).unwrap();
        assert_eq!(
            sorted(|a| a.sort_columns = vec!["Flavor ID".into(), "ID".into()]),
            "a 9\nb 10\nc 10\n"
        );
        assert_eq!(
            sorted(|a| {
                a.sort_columns = vec!["flavor_id".into()];
                a.sort_descending = true;
            }),
            "b 10\nc 10\na 9\n"
        );
    }

    #[test]
    fn shell_csv_json_and_empty_tables_follow_cliff() {
        let item = json!({"name": "db1", "volume-size": 2, "public": false, "fault": null,
            "say": "a \"b\""});
        let text = with(Format::Shell, |a| a.prefix = "x_".into())
            .render_show(item.clone())
            .unwrap();
        assert_eq!(
            text,
            "x_fault=\"None\"\nx_name=\"db1\"\nx_public=\"False\"\nx_say=\"a \\\"b\\\"\"\nx_volume_size=\"2\"\n"
        );
        let rows = [json!({"id": "a,b", "flavor": {"id": 1}})];
        let csv = |q| {
            with(Format::Csv, |a| a.quote = q)
                .render_list(COLS, &rows)
                .unwrap()
        };
        assert_eq!(csv(Quote::Nonnumeric), "\"ID\",\"Flavor ID\"\n\"a,b\",1\n");
        assert_eq!(csv(Quote::Minimal), "ID,Flavor ID\n\"a,b\",1\n");
        assert_eq!(csv(Quote::None), "ID,Flavor ID\na\\,b,1\n");
        let json = with(Format::Json, |a| a.noindent = true)
            .render_list(COLS, &rows)
            .unwrap();
        assert_eq!(json, "[{\"ID\":\"a,b\",\"Flavor ID\":1}]\n");
        assert_eq!(out(Format::Table, &[]).render_list(COLS, &[]).unwrap(), "");
        let empty = with(Format::Table, |a| a.print_empty = true)
            .render_list(COLS, &[])
            .unwrap();
        assert!(empty.contains("Flavor ID"), "{empty}");
        assert!(with(Format::Shell, |_| {})
            .render_list(COLS, &rows)
            .is_err());
    }

    #[test]
    fn show_selects_fields() {
        let text = out(Format::Value, &["status"])
            .render_show(json!({"id": "x", "status": "ACTIVE"}))
            .unwrap();
        assert_eq!(text, "ACTIVE\n");
    }
}
