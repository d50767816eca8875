//! Trove's pagination: `limit` (capped), `marker`, and the forced-`https` `next` link.

use serde_json::{json, Value};

use super::Req;
use crate::fault;
use crate::response::Resp;

/// Reads `limit`: absent gives the page size; a non-number, zero or negative gives the real
/// server's 500; larger values are capped at the page size unless `capped` is false (backups).
/// Python's `int` has no bound, so a capped list takes a number past `i64` as the page size
/// (`trove/common/utils.py` `pagination_limit`: `min(int(limit), default)`), while an uncapped
/// one hands it to the database, which cannot bind it: a 500.
pub(crate) fn limit(req: &Req<'_>, capped: bool) -> Result<usize, Resp> {
    let Some(raw) = req.ctx.query("limit") else {
        return Ok(req.cfg.page_size);
    };
    if raw.is_empty() {
        return Ok(req.cfg.page_size);
    }
    match raw.trim().parse::<i64>() {
        Ok(n) if n > 0 => {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            Ok(if capped { n.min(req.cfg.page_size) } else { n })
        }
        Err(e) if capped && *e.kind() == std::num::IntErrorKind::PosOverflow => {
            Ok(req.cfg.page_size)
        }
        _ => Err(fault::internal_error()),
    }
}

/// Builds `[{"rel": "next", "href": ...}]`: the request's own path on `https://<host>`, its query
/// parameters kept in order, and `marker` replaced or appended.
pub(crate) fn next_links(req: &Req<'_>, marker: &str) -> Value {
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
/// `ignore_unknown` makes an unknown marker mean "first page" (instances); otherwise the marker
/// is compared as a key (names).
pub(crate) fn cut<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    limit: usize,
    ignore_unknown: bool,
) -> (Vec<T>, Option<String>) {
    let start = match marker {
        None => 0,
        Some(m) if ignore_unknown => items
            .iter()
            .position(|i| key(i) == m)
            .map(|p| p + 1)
            .unwrap_or(0),
        Some(m) => items
            .iter()
            .position(|i| key(i).as_str() > m)
            .unwrap_or(items.len()),
    };
    let mut page: Vec<T> = items
        .into_iter()
        .skip(start)
        .take(limit.saturating_add(1))
        .collect();
    let next = if page.len() > limit {
        page.truncate(limit);
        page.last().map(&key)
    } else {
        None
    };
    (page, next)
}

/// One page of a list Trove pages by offset (`trove/backup/models.py` `_paginate`,
/// `trove/extensions/mgmt/instances/models.py` `_paginate_instances`): `items` come in the
/// list's order (newest update first), the marker is read with `int(context.marker or 0)` (an
/// empty marker is the first page, anything but a number the server's 500), the limit is not
/// capped, and a full page has a next marker of offset + limit, so the last page may be empty.
///
/// The offset goes to the database as a bound integer: SQLite (fake mode) cannot bind one past
/// i64 and answers a 500, which MySQL does for a negative one (`OFFSET -1` is a syntax error
/// there), so the emulator serves offsets from 0 to i64::MAX and answers any other with a 500.
pub(crate) fn by_offset(
    req: &Req<'_>,
    key: &str,
    items: impl Iterator<Item = Value>,
) -> Result<Value, Resp> {
    let limit = limit(req, false)?;
    let offset = match req.ctx.query("marker").filter(|m| !m.is_empty()) {
        None => 0,
        Some(m) => m
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(fault::internal_error)?,
    };
    let page: Vec<Value> = items
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(limit)
        .collect();
    // Python's sum: both are at most i64::MAX, so u64 holds it exactly.
    let next = (page.len() == limit).then(|| (offset + limit as u64).to_string());
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
    use super::cut;

    #[test]
    fn cut_by_key_exclusive() {
        let items: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let (page, next) = cut(items.clone(), String::clone, None, 2, false);
        assert_eq!(page, ["a", "b"]);
        assert_eq!(next.as_deref(), Some("b"));
        let (page, next) = cut(items.clone(), String::clone, Some("b"), 2, false);
        assert_eq!(page, ["c", "d"]);
        assert_eq!(next, None);
        let (page, _) = cut(items.clone(), String::clone, Some("zz"), 2, true);
        assert_eq!(page, ["a", "b"], "unknown marker means first page");
        let (page, _) = cut(items, String::clone, Some("bb"), 2, false);
        assert_eq!(page, ["c", "d"]);
    }
}
