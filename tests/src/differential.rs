//! The differential check: the same scenario against two targets, compared exchange by
//! exchange once ids, times, hosts and polling repetitions are set aside.

use serde_json::Value;

use crate::recorder::Exchange;
use crate::shape::{diff, shape};

/// An exchange reduced to what must agree between two servers.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// Method and path with ids, tenants and markers replaced by placeholders.
    pub request: String,
    /// The status code.
    pub status: u16,
    /// The body's shape.
    pub shape: Value,
}

/// Normalizes `exchanges` of a client whose tenant was `tenant`, and folds runs of identical
/// exchanges (polling loops) into one, since two servers need different numbers of polls.
pub fn normalize(exchanges: &[Exchange], tenant: &str) -> Vec<Normalized> {
    let mut out: Vec<Normalized> = Vec::new();
    for e in exchanges {
        let n = Normalized {
            request: format!("{} {}", e.method, normalize_path(&e.path, tenant)),
            status: e.status,
            shape: shape(&e.body),
        };
        if out.last() != Some(&n) {
            out.push(n);
        }
    }
    out
}

/// Replaces UUIDs, the tenant and marker values in a path with placeholders.
pub fn normalize_path(path: &str, tenant: &str) -> String {
    let mut out = path.replace(tenant, "{tenant}");
    if let Some(i) = out.find("marker=") {
        let end = out[i..].find('&').map_or(out.len(), |j| i + j);
        out.replace_range(i..end, "marker={marker}");
    }
    let (path, query) = out
        .split_once('?')
        .map_or((out.as_str(), None), |(p, q)| (p, Some(q)));
    let path = path
        .split('/')
        .map(|seg| if looks_like_uuid(seg) { "{id}" } else { seg })
        .collect::<Vec<_>>()
        .join("/");
    match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    }
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// One request repeated back to back (a polling loop, or a single call), with the answers it
/// got in order, repeats folded.
struct Run<'a> {
    request: &'a str,
    answers: Vec<&'a Normalized>,
}

fn runs(exchanges: &[Normalized]) -> Vec<Run<'_>> {
    let mut out: Vec<Run<'_>> = Vec::new();
    for n in exchanges {
        match out.last_mut() {
            Some(run) if run.request == n.request => run.answers.push(n),
            _ => out.push(Run {
                request: &n.request,
                answers: vec![n],
            }),
        }
    }
    out
}

/// True when one answer sequence ends with the other: a server that moves on sooner skips
/// transitional answers (a deleted backup still shown once) that a slower one gives, and the
/// servers' speeds are not what the check compares.
fn same_ending(a: &[&Normalized], b: &[&Normalized]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.ends_with(short)
}

/// Compares two normalized runs; returns one line per difference not in `allowed` (each entry
/// of `allowed` is a substring of a difference line).
///
/// Back-to-back repeats of one request are compared as a whole: their answers must agree,
/// except that one side may skip leading transitional answers (see `same_ending`).
pub fn compare(left: &[Normalized], right: &[Normalized], allowed: &[&str]) -> Vec<String> {
    let (left, right) = (runs(left), runs(right));
    let mut problems = Vec::new();
    if left.len() != right.len() {
        problems.push(format!("{} exchanges vs {}", left.len(), right.len()));
    }
    for (i, (a, b)) in left.iter().zip(&right).enumerate() {
        let mut lines = Vec::new();
        if a.request != b.request {
            lines.push(format!("#{i}: request {} vs {}", a.request, b.request));
        } else if !same_ending(&a.answers, &b.answers) {
            if a.answers.len() != b.answers.len() {
                lines.push(format!(
                    "#{i} {}: {} distinct answers vs {}",
                    a.request,
                    a.answers.len(),
                    b.answers.len()
                ));
            }
            for (x, y) in a.answers.iter().zip(&b.answers) {
                if x.status != y.status {
                    lines.push(format!(
                        "#{i} {}: status {} vs {}",
                        a.request, x.status, y.status
                    ));
                }
                for d in diff(&x.shape, &y.shape) {
                    lines.push(format!("#{i} {}: body {d}", a.request));
                }
            }
        }
        problems.extend(
            lines
                .into_iter()
                .filter(|l| !allowed.iter().any(|a| l.contains(a))),
        );
        if a.request != b.request {
            // Once the sequences diverge, the rest compares nothing useful.
            break;
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_tenants_ids_and_markers() {
        let p = normalize_path(
            "/instances/483d13ab-5656-4027-93f7-161a79b79407?limit=2&marker=a93f3a2a-3a72-4751-86d4-82b590374833",
            "t1",
        );
        assert_eq!(p, "/instances/{id}?limit=2&marker={marker}");
    }

    #[test]
    fn polling_runs_fold_and_differences_are_reported() {
        let e = |path: &str, status, body: Value| Exchange {
            method: "GET".into(),
            path: path.into(),
            status,
            body,
        };
        let a = normalize(
            &[
                e("/instances/x", 200, serde_json::json!({"s": "a"})),
                e("/instances/x", 200, serde_json::json!({"s": "b"})),
                e("/instances", 200, serde_json::json!({"l": []})),
            ],
            "t",
        );
        assert_eq!(a.len(), 2);
        let b = normalize(
            &[
                e("/instances/x", 200, serde_json::json!({"s": 1})),
                e("/instances", 404, Value::Null),
            ],
            "t",
        );
        let problems = compare(&a, &b, &[]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(compare(&a, &b, &["body", "status"]).is_empty());
    }

    #[test]
    fn a_faster_server_may_skip_transitional_answers_but_not_the_outcome() {
        let e = |status, body: Value| Exchange {
            method: "GET".into(),
            path: "/backups/x".into(),
            status,
            body,
        };
        let still_there = || e(200, serde_json::json!({"backup": {"status": "COMPLETED"}}));
        let gone = || e(404, serde_json::json!({"itemNotFound": {"code": 404}}));
        let slow = normalize(&[still_there(), still_there(), gone()], "t");
        let fast = normalize(&[gone()], "t");
        assert!(compare(&slow, &fast, &[]).is_empty());
        assert!(compare(&fast, &slow, &[]).is_empty());

        // A different outcome is still a difference.
        let never_gone = normalize(&[still_there()], "t");
        let problems = compare(&slow, &never_gone, &[]);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("2 distinct answers vs 1")),
            "{problems:?}"
        );
    }
}
