//! Trove's pagination: `limit` and offset `marker` read as Python's `int` reads them, each list's
//! cut, and the forced-`https` `next` link.

use serde_json::{json, Value};

use super::Req;
use crate::fault;
use crate::response::Resp;

/// A number as CPython 3.11's `int(str)` reads it, the way Trove reads every `limit` and offset
/// `marker`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PyInt {
    Small(i128),
    /// Past `i128` either way; Python's `int` has no bound, and past `i64` only the sign still
    /// changes what Trove does.
    Huge {
        negative: bool,
    },
}

/// The first code point of each run of ten Unicode decimal digits (category Nd, Unicode 14.0 as
/// in Python 3.11's `unicodedata`): `int()` reads `'３'` or `'٣'` as 3.
const DIGIT_RUNS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// CPython 3.11's `sys.int_info.default_max_str_digits`: a longer number is a `ValueError`.
const MAX_STR_DIGITS: usize = 4300;

fn digit(c: char) -> Option<u8> {
    let cp = u32::from(c);
    let run = DIGIT_RUNS
        .partition_point(|&start| start <= cp)
        .checked_sub(1)?;
    u8::try_from(cp - DIGIT_RUNS[run]).ok().filter(|d| *d < 10)
}

/// Python's `int(s)`: surrounding whitespace (`str::trim` strips exactly the set CPython's
/// `int` does), an optional sign, then decimal digits with single underscores between them;
/// `None` where Python raises `ValueError` (`'0x10'`, `'1__0'`, `'1.0'`, more than 4300 digits).
pub(crate) fn python_int(s: &str) -> Option<PyInt> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut value: Option<i128> = Some(0);
    let mut digits = 0usize;
    let mut after_underscore = true;
    for c in body.chars() {
        if c == '_' {
            // An underscore needs a digit on both sides, so not first and not doubled.
            if after_underscore {
                return None;
            }
            after_underscore = true;
            continue;
        }
        let d = digit(c)?;
        after_underscore = false;
        digits += 1;
        let d = i128::from(d);
        value = value.and_then(|v| v.checked_mul(10)).and_then(|v| {
            if negative {
                v.checked_sub(d)
            } else {
                v.checked_add(d)
            }
        });
    }
    if after_underscore || digits > MAX_STR_DIGITS {
        return None;
    }
    Some(value.map_or(PyInt::Huge { negative }, PyInt::Small))
}

/// `min(int(limit or default), default)` (`trove/common/utils.py` `pagination_limit`), the limit
/// of every list but the two paged by offset; a huge negative one stays below every real limit.
fn capped_limit(req: &Req<'_>) -> Result<i128, Resp> {
    let default = i128::try_from(req.cfg.page_size).unwrap_or(i128::MAX);
    match req.ctx.query("limit").filter(|l| !l.is_empty()) {
        None => Ok(default),
        Some(raw) => match python_int(raw).ok_or_else(fault::internal_error)? {
            PyInt::Small(n) => Ok(n.min(default)),
            PyInt::Huge { negative: false } => Ok(default),
            PyInt::Huge { negative: true } => Ok(i128::MIN),
        },
    }
}

/// The limit of a list Trove pages in its own database by id (instances, clusters, configuration
/// groups and their instances, a module's instances): `trove/db/__init__.py`
/// `Query.paginated_collection` asks for `int(limit) + 1` rows. A limit of -1 asks for none and
/// then reads `collection[-2]` of the empty list, an `IndexError`: the 500 of Python. Below that
/// the query says `LIMIT -1` or less, which MySQL refuses as a syntax error (fake mode's SQLite
/// reads it as no limit and answers 200): the emulator follows MySQL, a 500. Zero is served, and
/// [`by_id`] (or the instance list) answers the 500 it leads to when a row follows the marker.
pub(crate) fn db_limit(req: &Req<'_>) -> Result<usize, Resp> {
    let n = capped_limit(req)?;
    usize::try_from(n).map_err(|_| fault::internal_error())
}

/// The limit of a list the guest agent pages (databases, users): the production MySQL guest
/// (`trove/guestagent/datastore/mysql_common/service.py` `list_databases`, `list_users`) adds
/// `LIMIT limit + 1` only for a truthy limit and stops reading at row `limit`. So 0 and -1 (whose
/// `LIMIT 0` is falsy in `trove/guestagent/common/sql_query.py` `Query._limit`, so no clause at
/// all) are an empty page without links, and -2 or less a `LIMIT -1` MySQL refuses; the guest's
/// error comes back as `GuestError`, which `trove/common/wsgi.py` `Resource.execute_action` maps
/// to 400. Fake mode's guest (`trove/tests/fakes/guestagent.py` `_list_resource`) slices a Python
/// list instead and answers otherwise; the emulator follows the production guest.
pub(crate) fn guest_limit(req: &Req<'_>) -> Result<usize, Resp> {
    match capped_limit(req)? {
        n if n >= -1 => Ok(usize::try_from(n).unwrap_or(0)),
        n => {
            // The 400 and its prefix are Trove's; the rest is MySQL's 1064 error as pymysql
            // words it, written from MySQL's message format rather than seen (fake mode's guest
            // never queries MySQL), and the real one goes on with the statement and
            // SQLAlchemy's link, left out here.
            let sql_limit = n.saturating_add(1);
            Err(fault::bad_request(&format!(
                "An error occurred communicating with the guest: \
                 (pymysql.err.ProgrammingError) (1064, \"You have an error in your SQL syntax; \
                 check the manual that corresponds to your MySQL server version for the right \
                 syntax to use near '{sql_limit};' at line 1\")."
            )))
        }
    }
}

/// A non-negative number Trove binds into its database as is (an offset `marker` or an uncapped
/// `limit`): SQLite (fake mode) cannot bind one past i64 and answers a 500, which MySQL does for
/// a negative one (`LIMIT -1`, `OFFSET -1` are syntax errors there, while SQLite reads them as no
/// limit and no offset), so only 0..=i64::MAX is served and any other number is a 500.
fn bound_integer(raw: &str) -> Result<u64, Resp> {
    match python_int(raw) {
        Some(PyInt::Small(n)) => i64::try_from(n)
            .ok()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(fault::internal_error),
        _ => Err(fault::internal_error()),
    }
}

/// What Python's `urllib.parse.quote` leaves alone: letters, digits, `_.-~` and its default
/// safe `/`.
const PY_QUOTE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b'/');

/// Builds `[{"rel": "next", "href": ...}]`: the request's own path on `https://<host>`, its query
/// parameters kept in order, and `marker` replaced or appended. The marker is quoted before the
/// query is encoded, so it is encoded twice (`trove/common/pagination.py`: `url_quote`, then
/// `change_query_params`' `urlencode`): a user `jo` at `%` is `marker=jo%2540%2525`.
pub(crate) fn next_links(req: &Req<'_>, marker: &str) -> Value {
    let marker = percent_encoding::utf8_percent_encode(marker, PY_QUOTE).to_string();
    let marker = marker.as_str();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in &req.ctx.query {
        // Python's dict(parse_qsl(...)) keeps a key's first position and its last value.
        match pairs.iter_mut().find(|(pk, _)| pk == k) {
            Some(slot) => slot.1 = v.clone(),
            None => pairs.push((k.clone(), v.clone())),
        }
    }
    match pairs.iter_mut().find(|(k, _)| k == "marker") {
        Some(slot) => slot.1 = marker.to_owned(),
        None => pairs.push(("marker".to_owned(), marker.to_owned())),
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let href = req.ctx.link(&format!("{}?{}", req.ctx.raw_path, query));
    json!([{"rel": "next", "href": href}])
}

/// Cuts one page out of items sorted by key: those after `marker` (exclusive), at most `limit`;
/// returns the page and the next marker (the key of the page's last item) when more remain.
///
/// The marker is compared as a key, never looked up, as Trove's database (`id > marker`,
/// trove/db/sqlalchemy/api.py `_limits`) and guest (`Marker > 'marker'`) compare it: one that
/// is no item's key still starts the page after it.
pub(crate) fn cut<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    limit: usize,
) -> (Vec<T>, Option<String>) {
    let rows = rows_after(items, &key, marker, limit.saturating_add(1));
    split_page(rows, limit, key)
}

/// At most `n` of `items` (sorted by key), from the first whose key is past `marker`.
fn rows_after<T>(
    items: Vec<T>,
    key: &impl Fn(&T) -> String,
    marker: Option<&str>,
    n: usize,
) -> Vec<T> {
    let start = match marker {
        None => 0,
        Some(m) => items
            .iter()
            .position(|i| key(i).as_str() > m)
            .unwrap_or(items.len()),
    };
    items.into_iter().skip(start).take(n).collect()
}

/// Keeps the first `limit` of `rows` (fetched as `limit + 1`); a row left over means a next
/// page, marked by the key of the last row kept.
fn split_page<T>(
    mut rows: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(&key)
    } else {
        None
    };
    (rows, next)
}

/// The page Trove makes of the `limit + 1` rows its database found after the marker
/// (`trove/db/__init__.py` `Query.paginated_collection`), whose `limit` comes from
/// [`db_limit`]: with a limit of 0 the query asks for one row, and a row found makes
/// `collection[-2]` of a one-row list an `IndexError`, the server's 500; with no row after the
/// marker the page is empty.
pub(crate) fn paginated_collection<T>(
    rows: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> String,
) -> Result<(Vec<T>, Option<String>), Resp> {
    if limit == 0 && !rows.is_empty() {
        return Err(fault::internal_error());
    }
    Ok(split_page(rows, limit, key))
}

/// [`paginated_collection`] of a list Trove pages by id in its database, given whole.
pub(crate) fn by_id<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    limit: usize,
) -> Result<(Vec<T>, Option<String>), Resp> {
    let marker = marker.filter(|m| !m.is_empty());
    let rows = rows_after(items, &key, marker, limit.saturating_add(1));
    paginated_collection(rows, limit, key)
}

/// One page of a list Trove pages by offset (`trove/backup/models.py` `_paginate`,
/// `trove/extensions/mgmt/instances/models.py` `_paginate_instances`): `items` come in the
/// list's order (newest update first), the marker is read with `int(context.marker or 0)` (an
/// empty marker is the first page, anything Python's `int` refuses the server's 500), the limit
/// with `int(context.limit or page_size)`, not capped, and a page as long as the limit has a next
/// marker of offset + limit, so the last page may be empty and a limit of 0 gives an empty page
/// whose next marker is the offset itself. Both numbers are bound into the query as they are
/// ([`bound_integer`]).
pub(crate) fn by_offset(
    req: &Req<'_>,
    key: &str,
    items: impl Iterator<Item = Value>,
) -> Result<Value, Resp> {
    let offset = match req.ctx.query("marker").filter(|m| !m.is_empty()) {
        None => 0,
        Some(m) => bound_integer(m)?,
    };
    let limit = match req.ctx.query("limit").filter(|l| !l.is_empty()) {
        None => req.cfg.page_size as u64,
        Some(l) => bound_integer(l)?,
    };
    let page: Vec<Value> = items
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    // Python's sum: both are at most i64::MAX, so u64 holds it exactly.
    let next = (page.len() as u64 == limit).then(|| (offset + limit).to_string());
    Ok(body(req, key, page, next))
}

/// Wraps a page as `{"<key>": [...], "links": [...]}`, with no `links` key on the last page.
pub(crate) fn body(req: &Req<'_>, key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut body = serde_json::Map::new();
    body.insert(key.to_owned(), Value::Array(items));
    if let Some(marker) = next {
        body.insert("links".to_owned(), next_links(req, &marker));
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::{cut, python_int, PyInt};

    /// Each case was read by CPython 3.11.7's `int()`, the Python of the real server.
    #[test]
    fn python_int_reads_what_cpython_reads() {
        let small = |s: &str| {
            python_int(s).map(|n| match n {
                PyInt::Small(n) => n,
                PyInt::Huge { .. } => panic!("{s} is not huge"),
            })
        };
        for (text, value) in [
            ("1_0", 10),
            ("+2", 2),
            (" 3 ", 3),
            ("\t4\n", 4),
            ("007", 7),
            ("0_0", 0),
            ("-0", 0),
            ("-1_2", -12),
            ("\u{3000}5\u{a0}", 5),
            ("\u{663}", 3),
            ("\u{ff11}\u{ff12}", 12),
            ("\u{1d7ce}\u{1d7d9}", 1),
        ] {
            assert_eq!(small(text), Some(value), "{text:?}");
        }
        for refused in [
            "",
            " ",
            "0x10",
            "1__0",
            "_1",
            "1_",
            "+_1",
            "- 1",
            "+-1",
            "1.0",
            "1e3",
            "\u{1c}5",
            "\u{200b}5",
            "\u{2167}",
        ] {
            assert_eq!(python_int(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn python_int_has_no_bound_but_the_digit_limit() {
        assert_eq!(
            python_int(&i128::MAX.to_string()),
            Some(PyInt::Small(i128::MAX))
        );
        assert_eq!(
            python_int(&i128::MIN.to_string()),
            Some(PyInt::Small(i128::MIN))
        );
        let past = "170141183460469231731687303715884105728";
        assert_eq!(python_int(past), Some(PyInt::Huge { negative: false }));
        assert_eq!(
            python_int(&format!("-{past}0")),
            Some(PyInt::Huge { negative: true })
        );
        // sys.int_info.default_max_str_digits: 4300 digits, underscores and sign not counted.
        let most = "1".repeat(4300);
        assert_eq!(python_int(&most), Some(PyInt::Huge { negative: false }));
        assert_eq!(
            python_int(&format!("-{most}")),
            Some(PyInt::Huge { negative: true })
        );
        assert_eq!(python_int(&format!("{most}0")), None);
        assert_eq!(python_int(&format!("0{most}")), None, "leading zeros count");
        let underscored = format!("1{}", "_1".repeat(4299));
        assert!(python_int(&underscored).is_some());
        assert_eq!(python_int(&format!("{underscored}_1")), None);
    }

    #[test]
    fn cut_by_key_exclusive() {
        let items: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let (page, next) = cut(items.clone(), String::clone, None, 2);
        assert_eq!(page, ["a", "b"]);
        assert_eq!(next.as_deref(), Some("b"));
        let (page, next) = cut(items.clone(), String::clone, Some("b"), 2);
        assert_eq!(page, ["c", "d"]);
        assert_eq!(next, None);
        let (page, _) = cut(items.clone(), String::clone, Some("zz"), 2);
        assert!(page.is_empty(), "a marker past every key is an empty page");
        let (page, _) = cut(items, String::clone, Some("bb"), 2);
        assert_eq!(page, ["c", "d"]);
    }
}
