//! JSON shapes: what must agree between the emulator and the real server once ids, times and
//! hosts are set aside.

use serde_json::{Map, Value};

/// Returns the shape of a JSON value: objects keep their keys, arrays keep the shape of their
/// first element, and scalars become their type name.
pub fn shape(value: &Value) -> Value {
    match value {
        Value::Null => Value::String("null".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::String(_) => Value::String("string".into()),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// Lists the differences between two shapes as `path: left vs right` lines.
pub fn diff(left: &Value, right: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk("", left, right, &mut out);
    out
}

fn walk(path: &str, left: &Value, right: &Value, out: &mut Vec<String>) {
    match (left, right) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => walk(&p, va, vb, out),
                    None => out.push(format!("{p}: only in the first")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k}: only in the second"));
            }
        }
        (Value::Array(a), Value::Array(b)) => match (a.first(), b.first()) {
            (Some(x), Some(y)) => walk(&format!("{path}[]"), x, y, out),
            (None, None) => {}
            // An empty list against a full one says nothing about shapes.
            _ => {}
        },
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {a} vs {b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_ignore_values_but_not_keys_or_types() {
        let a = shape(&json!({"id": "x", "n": 1, "l": [{"k": true}]}));
        let b = shape(&json!({"id": "y", "n": 2, "l": [{"k": false}]}));
        assert!(diff(&a, &b).is_empty());
        let c = shape(&json!({"id": 3, "l": [], "extra": null}));
        let d = diff(&a, &c);
        assert!(
            d.contains(&".id: \"string\" vs \"number\"".to_owned()),
            "{d:?}"
        );
        assert!(d.contains(&".n: only in the first".to_owned()));
        assert!(d.contains(&".extra: only in the second".to_owned()));
    }
}
