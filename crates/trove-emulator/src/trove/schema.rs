//! The slice of Trove's JSON-schema validation the emulator reproduces, with the real server's
//! message format: `Validation error: instance['volume']['size'] <python repr> ...`.

use serde_json::Value;

use crate::fault;
use crate::response::Resp;

pub(crate) use crate::request_schema::pyrepr;

/// Returns the top-level object under `key`; anything else is the real server's 500.
pub(crate) fn envelope<'v>(body: &'v Value, key: &str) -> Result<&'v Value, Resp> {
    body.as_object()
        .and_then(|o| o.get(key))
        .ok_or_else(fault::internal_error)
}

/// Checks that `v` is an object.
pub(crate) fn object<'v>(
    v: &'v Value,
    path: &str,
) -> Result<&'v serde_json::Map<String, Value>, Resp> {
    v.as_object()
        .ok_or_else(|| fault::validation(path, &format!("{} is not of type 'object'", pyrepr(v))))
}

/// Checks that `v` is an array.
pub(crate) fn array<'v>(v: &'v Value, path: &str) -> Result<&'v Vec<Value>, Resp> {
    v.as_array()
        .ok_or_else(|| fault::validation(path, &format!("{} is not of type 'array'", pyrepr(v))))
}

/// Returns a required member of an object.
pub(crate) fn required<'v>(
    obj: &'v serde_json::Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'v Value, Resp> {
    obj.get(key)
        .ok_or_else(|| fault::validation(path, &format!("'{key}' is a required property")))
}

/// Checks Trove's `boolean_string`: despite its name, an integer in `0..=1`. A JSON `true` is
/// refused (`True is not of type 'integer'`), as Python's jsonschema does.
pub(crate) fn boolean_string(v: &Value, path: &str) -> Result<bool, Resp> {
    match v.as_i64() {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(i) if i < 0 => Err(fault::validation(
            path,
            &format!("{i} is less than the minimum of 0"),
        )),
        Some(i) => Err(fault::validation(
            path,
            &format!("{i} is greater than the maximum of 1"),
        )),
        None => Err(fault::validation(
            path,
            &format!("{} is not of type 'integer'", pyrepr(v)),
        )),
    }
}

/// Checks Trove's `non_empty_string`: a string of 1..=255 characters with a letter or digit.
pub(crate) fn non_empty_string<'v>(v: &'v Value, path: &str) -> Result<&'v str, Resp> {
    let Some(s) = v.as_str() else {
        return Err(fault::validation(
            path,
            &format!("{} is not of type 'string'", pyrepr(v)),
        ));
    };
    if s.is_empty() {
        return Err(fault::validation(
            path,
            &format!("{} is too short", pyrepr(v)),
        ));
    }
    if s.chars().count() > 255 {
        return Err(fault::validation(
            path,
            &format!("{} is too long", pyrepr(v)),
        ));
    }
    if !s.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(fault::validation(
            path,
            &format!("{} does not match '^.*[0-9a-zA-Z]+.*$'", pyrepr(v)),
        ));
    }
    Ok(s)
}

/// Checks a plain string of at least one character (names of databases, users, passwords).
pub(crate) fn string<'v>(v: &'v Value, path: &str) -> Result<&'v str, Resp> {
    match v.as_str() {
        Some("") => Err(fault::validation(
            path,
            &format!("{} is too short", pyrepr(v)),
        )),
        Some(s) => Ok(s),
        None => Err(fault::validation(
            path,
            &format!("{} is not of type 'string'", pyrepr(v)),
        )),
    }
}

/// Checks Trove's `volume_size`: `oneOf` a positive integer or a string of digits.
pub(crate) fn volume_size(v: &Value, path: &str) -> Result<u64, Resp> {
    const PATTERN: &str = "^0*[1-9]+[0-9]*$";
    let r = pyrepr(v);
    let fail = |details: Vec<String>| {
        let mut msg = format!("{r} is not valid under any of the given schemas");
        for d in details {
            msg.push_str("; ");
            msg.push_str(&d);
        }
        Err(fault::validation(path, &msg))
    };
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) if i >= 1 => u64::try_from(i).or_else(|_| fail(vec![])),
            Some(_) => fail(vec![
                format!("{r} is less than the minimum of 1"),
                format!("{r} is not of type 'string'"),
            ]),
            None => fail(vec![
                format!("{r} is not of type 'integer'"),
                format!("{r} is not of type 'string'"),
            ]),
        },
        Value::String(s) => {
            if matches_volume_pattern(s) {
                s.trim_start_matches('0')
                    .parse::<u64>()
                    .or_else(|_| fail(vec![]))
            } else {
                let mut details = vec![format!("{r} is not of type 'integer'")];
                if s.is_empty() {
                    details.push(format!("{r} is too short"));
                }
                details.push(format!("{r} does not match '{PATTERN}'"));
                fail(details)
            }
        }
        _ => fail(vec![
            format!("{r} is not of type 'integer'"),
            format!("{r} is not of type 'string'"),
        ]),
    }
}

/// `^0*[1-9]+[0-9]*$`: optional zeros, then a non-zero digit, then digits.
fn matches_volume_pattern(s: &str) -> bool {
    let rest = s.trim_start_matches('0');
    rest.starts_with(|c: char| ('1'..='9').contains(&c)) && rest.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_repr() {
        assert_eq!(pyrepr(&json!("abc")), "'abc'");
        assert_eq!(pyrepr(&json!(-1)), "-1");
        assert_eq!(pyrepr(&json!(null)), "None");
        assert_eq!(pyrepr(&json!({"a": [true]})), "{'a': [True]}");
    }

    #[test]
    fn volume_sizes() {
        assert_eq!(volume_size(&json!(3), "p").ok(), Some(3));
        assert_eq!(volume_size(&json!("007"), "p").ok(), Some(7));
        assert_eq!(volume_size(&json!("10"), "p").ok(), Some(10));
        assert!(volume_size(&json!("0"), "p").is_err());
        assert!(volume_size(&json!(0), "p").is_err());
        assert!(volume_size(&json!(1.5), "p").is_err());
    }
}
