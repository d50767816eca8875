//! `cargo xtask openapi-check`: the OpenAPI document proven with schemathesis against the emulator
//! and the real Trove 26.0.0.
//!
//! Step 1 validates `openapi/trove-v1.json` with openapi-spec-validator, then draws bodies from
//! the document's request schemas wherever Trove 26.0.0 has a schema of its own and checks that
//! Trove accepts each (xtask/assets/openapi-request-bodies.py). Step 2 starts the
//! emulator's binary on an ephemeral port, creates an ACTIVE instance with a database and a user,
//! a configuration group, a module and a backup on it (the `openapi-check` feature of
//! `trove-tests`), and runs schemathesis (positive mode, checks [`CHECKS`]) over every GET
//! operation, then over the POST/PUT/PATCH operations, then over the DELETE operations. Step 3
//! does the GET run against the real Trove in fake mode, started as `cargo xtask conformance`
//! starts it, with the same resources, leaving out [`REAL_FAKE_MODE_5XX`]. Schemathesis invents
//! path values unless told otherwise, so each run gets a copy of the document holding only its
//! operations, with every path parameter constrained by `enum` to the value made for it; each run
//! is split by [`Scope`] (the API's root, the project's endpoint, `/mgmt/` as an admin), since
//! schemathesis sends a run to one base URL as one project. The case counts and durations of
//! every run are printed at the end; the servers are stopped whatever happened.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Map, Value};

use crate::conformance::{build_emulator, suite_command, workspace_root};
use crate::proc;
use crate::real_servers::{self, UpArgs};
use crate::venv::{self, VenvSpec};

/// The document under test, relative to the workspace root.
const DOCUMENT: &str = "openapi/trove-v1.json";

const REQUIREMENTS: &[&str] = &["schemathesis==4.32.5", "openapi-spec-validator==0.9.0"];
/// Every package of the venv, frozen from a working one.
const CONSTRAINTS: &str = include_str!("../assets/constraints-openapi.txt");

/// What schemathesis checks on every answer.
const CHECKS: &str = "response_schema_conformance,status_code_conformance,not_a_server_error";
/// The stateful phase needs OpenAPI links, which the document does not declare; `--max-time` is
/// no cap (fuzzing repeats until it is spent), so each run is bounded by its examples instead.
const SCHEMATHESIS_PHASES: &str = "examples,coverage,fuzzing";

/// Operations the real Trove 26.0.0 answers with a 5xx in fake mode: (method, path, why). The
/// path is matched against the end of the document's paths with every `{...}` written `{}`, so
/// a renamed parameter still matches. They are left out of the real server's run and printed.
pub const REAL_FAKE_MODE_5XX: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/instances/{}/log",
        "trove/instance/service.py InstanceController.guest_log_list asks the guest, and fake \
         mode's guest (trove/tests/fakes/guestagent.py FakeGuest) has no guest_log_list: an \
         AttributeError, answered 500 instanceFault",
    ),
    (
        "GET",
        "/instances/{}/ssl",
        "trove/instance/service.py InstanceController.ssl_show asks the guest, and FakeGuest \
         (trove/tests/fakes/guestagent.py) has no ssl_show: an AttributeError, answered 500 \
         instanceFault",
    ),
    (
        "GET",
        "/mgmt/instances/{}/rpc_ping",
        "trove/extensions/mgmt/instances/service.py rpc_ping pings the guest, and FakeGuest \
         (trove/tests/fakes/guestagent.py) has no rpc_ping: an AttributeError, answered 500 \
         instanceFault",
    ),
    (
        "GET",
        "/datastores/{}/versions/{}/volume-types",
        "trove/volume_type/models.py VolumeTypes lists Cinder's volume_types, which fake \
         mode's client (trove/tests/fakes/nova.py FakeClient) lacks: an AttributeError, \
         answered 500 instanceFault",
    ),
];

/// Path parameters no resource can be made for: fake mode's only datastore (mysql) cannot form
/// a cluster (501 "Clusters not supported"), so these get an id nobody has and the answer is a
/// 404 the document declares.
const UNKNOWN_CLUSTER: &str = "00000000-0000-0000-0000-000000000000";

fn openapi_venv(root: &Path) -> VenvSpec {
    VenvSpec {
        name: "openapi",
        dir: root.join("openapi-venv"),
        requirements: REQUIREMENTS,
        constraints: CONSTRAINTS,
        probe: "bin/schemathesis",
    }
}

/// One schemathesis run: a server, the methods it covers, and how many cases per operation.
struct Run {
    server: &'static str,
    phase: &'static str,
    methods: &'static [&'static str],
    max_examples: u32,
    /// Operations left out, with why (only on the real server).
    excluded: &'static [(&'static str, &'static str, &'static str)],
}

const EMULATOR_RUNS: &[Run] = &[
    Run {
        server: "emulator",
        phase: "GET",
        methods: &["get"],
        max_examples: 25,
        excluded: &[],
    },
    Run {
        server: "emulator",
        phase: "POST/PUT/PATCH",
        methods: &["post", "put", "patch"],
        max_examples: 25,
        excluded: &[],
    },
    // Last: deleting the instance, the group or the module takes them from every later case.
    Run {
        server: "emulator",
        phase: "DELETE",
        methods: &["delete"],
        max_examples: 5,
        excluded: &[],
    },
];

const REAL_RUNS: &[Run] = &[Run {
    server: "real",
    phase: "GET",
    methods: &["get"],
    max_examples: 15,
    excluded: REAL_FAKE_MODE_5XX,
}];

/// What one run did.
#[derive(Default)]
struct Outcome {
    server: &'static str,
    phase: String,
    operations: usize,
    cases: u64,
    failures: u64,
    errors: u64,
    passed: bool,
    secs: f64,
    /// Each kind of failure or error: what schemathesis calls it, and the operations.
    findings: Vec<String>,
}

/// Options of `cargo xtask openapi-check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document to check, instead of openapi/trove-v1.json.
    #[arg(long)]
    pub document: Option<PathBuf>,
    /// Run against one server only (`emulator` or `real`); both by default.
    #[arg(long, value_parser = ["emulator", "real"])]
    pub only: Option<String>,
    /// Schemathesis' seed, or `random` for a new one each run (printed in its output, so a
    /// finding can be replayed with `--seed`). A fixed seed by default: CI then tries the same
    /// cases for the same document, and `random` is how to look further.
    #[arg(long, default_value = DEFAULT_SEED)]
    pub seed: String,
}

/// The seed CI runs with.
const DEFAULT_SEED: &str = "20261207";

/// Validates the document, runs schemathesis against the emulator and the real Trove, prints
/// the counts; fails on any failure.
pub fn run(root: &Path, args: &Args) -> Result<()> {
    let ws = workspace_root();
    let document_path = args.document.clone().unwrap_or_else(|| ws.join(DOCUMENT));
    let text = fs::read_to_string(&document_path)
        .with_context(|| format!("read {}", document_path.display()))?;
    let document: Value = serde_json::from_str(&text)
        .with_context(|| format!("parse {}", document_path.display()))?;
    let work = root.join("openapi-check");
    real_servers::fresh_dir(&work)?;

    let mut timings: Vec<(String, f64)> = Vec::new();
    let spec = timed(&mut timings, "venv", || -> Result<VenvSpec> {
        let py = venv::python();
        let version = venv::check_python(&py)?;
        let spec = openapi_venv(root);
        spec.ensure(&py, &version)?;
        Ok(spec)
    })?;

    timed(&mut timings, "spec validation", || {
        eprintln!(
            "== openapi-check step 1: openapi-spec-validator {} ==",
            document_path.display()
        );
        venv::run(
            Command::new(spec.bin("openapi-spec-validator")).arg(&document_path),
            "openapi-spec-validator",
        )
    })?;

    let bodies = timed(&mut timings, "request bodies", || {
        eprintln!(
            "== openapi-check step 1b: request bodies of the document against Trove's schemas =="
        );
        request_bodies(&ws, &spec, &document_path)
    });

    // Build before any server starts, so compiling never races a server's readiness deadline.
    timed(&mut timings, "build", || build(root))?;

    let mut outcomes = Vec::new();
    let mut problems = Vec::new();
    let bodies = match bodies {
        Ok(counts) => Some(counts),
        Err(e) => {
            problems.push(format!("request bodies: {e:#}"));
            None
        }
    };
    let check = Check {
        root,
        work: &work,
        spec: &spec,
        document: &document,
        seed: (args.seed != "random").then_some(args.seed.as_str()),
    };
    let wants = |server: &str| args.only.as_deref().is_none_or(|only| only == server);
    if wants("emulator") {
        eprintln!("== openapi-check step 2: the emulator ==");
        if let Err(e) = emulator_runs(&check, &ws, &mut outcomes, &mut timings) {
            problems.push(format!("emulator: {e:#}"));
        }
    }
    if wants("real") {
        eprintln!("== openapi-check step 3: the real Trove 26.0.0 (fake mode) ==");
        if let Err(e) = real_runs(&check, &mut outcomes, &mut timings) {
            problems.push(format!("real Trove: {e:#}"));
        }
    }

    print_summary(&outcomes, &timings);
    if let Some(counts) = &bodies {
        eprintln!(
            "request bodies: {} drawn for {} operations with a Trove schema, {} refused by it",
            counts["bodies"], counts["routes"], counts["refused"]
        );
    }
    for o in &outcomes {
        if !o.passed {
            problems.push(format!(
                "{} {}: {} failures, {} errors",
                o.server, o.phase, o.failures, o.errors
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "openapi-check failed:\n  {}\n(reports in {})",
            problems.join("\n  "),
            work.display()
        );
    }
    eprintln!("openapi-check passed");
    Ok(())
}

/// Does `step`, and adds how long it took to `timings` as `what`.
fn timed<T>(timings: &mut Vec<(String, f64)>, what: &str, step: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = step();
    timings.push((what.to_owned(), start.elapsed().as_secs_f64()));
    out
}

/// Bodies drawn per operation that has a Trove request schema.
const BODIES_PER_OPERATION: u32 = 100;

/// Draws bodies from the document's request schemas and validates each under Trove 26.0.0's own
/// schema for the route (xtask/assets/openapi-request-bodies.py); returns the script's counts.
fn request_bodies(ws: &Path, spec: &VenvSpec, document: &Path) -> Result<Value> {
    let out = Command::new(spec.bin("python"))
        .arg(ws.join("xtask/assets/openapi-request-bodies.py"))
        .arg(document)
        .arg(ws.join("crates/trove-emulator/schemas/trove-26-request-schemas.json"))
        .arg(BODIES_PER_OPERATION.to_string())
        .current_dir(ws)
        .output()
        .context("run openapi-request-bodies.py")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprint!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let counts: Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    if !out.status.success() {
        bail!("the document allows bodies Trove refuses, or one could not be drawn (above)");
    }
    Ok(counts)
}

/// Builds the emulator's binary and the test that makes the resources.
fn build(root: &Path) -> Result<()> {
    build_emulator()?;
    venv::run(
        resources_command(root).arg("--no-run"),
        "cargo test --no-run (openapi_resources)",
    )
}

fn resources_command(root: &Path) -> Command {
    suite_command(
        root,
        &[
            "-p",
            "trove-tests",
            "--features",
            "openapi-check",
            "--test",
            "openapi_resources",
        ],
    )
}

/// Creates the resources on the Trove at `url` and returns what the test wrote.
fn make_resources(root: &Path, work: &Path, server: &str, url: &str) -> Result<Map<String, Value>> {
    let out = work.join(format!("{server}-resources.json"));
    venv::run(
        resources_command(root)
            .args(["--", "--nocapture"])
            .env("TROVE_OPENAPI_URL", url)
            .env("TROVE_OPENAPI_RESOURCES", &out),
        "making the resources (trove-tests openapi_resources)",
    )?;
    let text = fs::read_to_string(&out).with_context(|| format!("read {}", out.display()))?;
    match serde_json::from_str(&text)? {
        Value::Object(map) => Ok(map),
        other => bail!("{}: not an object: {other}", out.display()),
    }
}

/// What the schemathesis runs of one check share.
struct Check<'a> {
    /// The real servers' root, where the venvs and the emulator's pid file are.
    root: &'a Path,
    /// Where the copies of the document, the reports and the logs go.
    work: &'a Path,
    spec: &'a VenvSpec,
    document: &'a Value,
    /// Schemathesis' `--seed`; none draws a new one.
    seed: Option<&'a str>,
}

fn emulator_runs(
    check: &Check,
    ws: &Path,
    outcomes: &mut Vec<Outcome>,
    timings: &mut Vec<(String, f64)>,
) -> Result<()> {
    let pid_file = check.root.join("openapi-emulator.pid");
    let log = check.work.join("emulator.log");
    let start = Instant::now();
    let mut cmd = Command::new(ws.join("target/debug/trove-emulator"));
    cmd.args(["--port", "0", "--build-secs", "1"]);
    proc::spawn_detached(cmd, &log, &pid_file)?;
    let result = (|| -> Result<()> {
        let url = emulator_url(&log, Duration::from_secs(30))?;
        let resources = make_resources(check.root, check.work, "emulator", &url)?;
        timings.push((
            "emulator start + resources".into(),
            start.elapsed().as_secs_f64(),
        ));
        every_scope(check, &url, &resources, EMULATOR_RUNS, outcomes)
    })();
    let stopped = proc::stop("trove-emulator", &pid_file, "trove-emulator");
    result?;
    stopped.map(|_| ())
}

/// The URL the emulator prints once it listens (`trove-emulator listening on URL`).
fn emulator_url(log: &Path, deadline: Duration) -> Result<String> {
    let start = Instant::now();
    loop {
        let text = fs::read_to_string(log).unwrap_or_default();
        if let Some(url) = text
            .lines()
            .find_map(|l| l.strip_prefix("trove-emulator listening on "))
        {
            return Ok(url.trim().to_owned());
        }
        if start.elapsed() > deadline {
            bail!(
                "the emulator did not listen within {}s; its log ({}):\n{text}",
                deadline.as_secs(),
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn real_runs(
    check: &Check,
    outcomes: &mut Vec<Outcome>,
    timings: &mut Vec<(String, f64)>,
) -> Result<()> {
    let start = Instant::now();
    let result = (|| -> Result<()> {
        let facts = real_servers::up(check.root, &UpArgs::default())?;
        let url = facts["trove_url"]
            .as_str()
            .ok_or_else(|| anyhow!("facts without trove_url: {facts}"))?
            .trim_end_matches('/')
            .to_owned();
        let resources = make_resources(check.root, check.work, "real", &url)?;
        timings.push((
            "real servers start + resources".into(),
            start.elapsed().as_secs_f64(),
        ));
        for (method, path, why) in REAL_FAKE_MODE_5XX {
            eprintln!("left out on the real server: {method} {path}: {why}");
        }
        every_scope(check, &url, &resources, REAL_RUNS, outcomes)
    })();
    let stopped = real_servers::down(check.root);
    result?;
    stopped
}

/// Which operations a schemathesis run covers, and as which project.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The paths with servers of their own (`GET /` and `GET /{version}/`, at the API's root
    /// rather than under the project's endpoint): schemathesis sends every operation of a run to
    /// one base URL.
    Root,
    /// Every operation outside `/mgmt/`, as the project that owns the resources. It is not an
    /// admin: Trove 26.0.0 cannot list modules for an admin (trove/module/models.py
    /// `Modules.load` binds `modules` only for other projects: a 500).
    Project,
    /// The `/mgmt/` operations, as an admin project (`admin...` in fake mode).
    Mgmt,
}

const SCOPES: [Scope; 3] = [Scope::Root, Scope::Project, Scope::Mgmt];

/// Does each of `runs` in every [`Scope`], in order, against the Trove at `url`.
fn every_scope(
    check: &Check,
    url: &str,
    resources: &Map<String, Value>,
    runs: &[Run],
    outcomes: &mut Vec<Outcome>,
) -> Result<()> {
    for run in runs {
        for scope in SCOPES {
            outcomes.push(schemathesis(check, url, resources, run, scope)?);
        }
    }
    Ok(())
}

/// Runs schemathesis once and reads its JSON report.
fn schemathesis(
    check: &Check,
    url: &str,
    resources: &Map<String, Value>,
    run: &Run,
    scope: Scope,
) -> Result<Outcome> {
    let Check {
        work,
        spec,
        document,
        seed,
        ..
    } = *check;
    let phase = match scope {
        Scope::Root => format!("{} root", run.phase),
        Scope::Project => run.phase.to_owned(),
        Scope::Mgmt => format!("{} mgmt", run.phase),
    };
    let slug = format!(
        "{}-{}",
        run.server,
        phase.to_lowercase().replace(['/', ' '], "-")
    );
    let tenant = match scope {
        Scope::Root | Scope::Project => resource(resources, "tenant")?,
        Scope::Mgmt => resource(resources, "admin_tenant")?,
    };
    let mut resources = resources.clone();
    resources.insert("project".into(), Value::from(tenant));
    let (copy, operations) =
        constrained_copy(document, &resources, run.methods, run.excluded, scope)?;
    if operations == 0 {
        return Ok(Outcome {
            server: run.server,
            phase,
            passed: true,
            ..Outcome::default()
        });
    }
    let copy_path = work.join(format!("{slug}.json"));
    fs::write(&copy_path, serde_json::to_string_pretty(&copy)?)?;
    let report = work.join(format!("{slug}-report.json"));
    // The servers of the run's paths: the root's own, or the document's.
    let servers = match scope {
        Scope::Root => copy["paths"]
            .as_object()
            .and_then(|paths| paths.values().next())
            .map(|item| item["servers"].clone())
            .unwrap_or(Value::Null),
        Scope::Project | Scope::Mgmt => copy["servers"].clone(),
    };
    let base = format!("{url}{}", server_path(&servers, tenant));
    eprintln!(
        "== schemathesis: {} {phase}, {operations} operations, up to {} cases each, against {base} ==",
        run.server, run.max_examples
    );
    let start = Instant::now();
    let mut cmd = Command::new(spec.bin("schemathesis"));
    cmd.arg("run")
        .arg(&copy_path)
        .args(["--url", &base])
        .args(["--checks", CHECKS])
        .args(["--mode", "positive"])
        .args(["--phases", SCHEMATHESIS_PHASES])
        .args(["--max-examples", &run.max_examples.to_string()])
        // One at a time: write cases change the resources later cases read.
        .args(["--workers", "1"])
        .args(["--request-timeout", "30"])
        .args(["--generation-database", "none"])
        .args(["--report", "json"])
        .arg("--report-json-path")
        .arg(&report)
        .args(["--header", &format!("X-Auth-Token: {tenant}")])
        .arg("--no-color")
        .current_dir(work);
    if let Some(seed) = seed {
        cmd.args(["--seed", seed]);
    }
    // Its exit code only repeats the report's verdict, which is read below.
    let _ = venv::run(&mut cmd, "schemathesis");
    let secs = start.elapsed().as_secs_f64();
    let text = fs::read_to_string(&report)
        .with_context(|| format!("schemathesis wrote no report at {}", report.display()))?;
    let report: Value = serde_json::from_str(&text)?;
    let count = |key: &str| report["test_cases"][key].as_u64().unwrap_or(0);
    let failures = count("with_failures");
    let errors = count("errored")
        + report["errors"].as_array().map_or(0, |e| e.len() as u64)
        + report["operations"]["errored"].as_u64().unwrap_or(0);
    let passed = report["exit_code"] == json!(0) && failures == 0 && errors == 0;
    let findings = ["failures", "errors"]
        .iter()
        .flat_map(|key| report[*key].as_array().cloned().unwrap_or_default())
        .map(|f| {
            let title = f["title"]
                .as_str()
                .or(f["message"].as_str())
                .unwrap_or("?")
                .to_owned();
            let code = f["code"].as_str().unwrap_or("");
            let ops: Vec<String> = f["operations"]
                .as_array()
                .map(|ops| {
                    ops.iter()
                        .map(|o| o.as_str().unwrap_or("?").to_owned())
                        .collect()
                })
                .unwrap_or_default();
            format!("{code} {title}: {}", ops.join(", "))
        })
        .collect();
    Ok(Outcome {
        server: run.server,
        phase,
        operations,
        cases: count("generated"),
        failures,
        errors,
        passed,
        secs,
        findings,
    })
}

fn resource<'a>(resources: &'a Map<String, Value>, kind: &str) -> Result<&'a str> {
    resources
        .get(kind)
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("no {kind} among the resources made: {resources:?}"))
}

/// The path of the first URL of `servers`, its variables filled with the project id (the only
/// variable a Trove endpoint has), or "" without servers.
fn server_path(servers: &Value, tenant: &str) -> String {
    let Some(url) = servers[0]["url"].as_str() else {
        return String::new();
    };
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(tenant);
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.trim_end_matches('/').to_owned()
}

/// `path` with every `{...}` written `{}`.
fn normalized(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A copy of `document` with only the operations of `methods` in `scope` (less `excluded`), every
/// path parameter constrained by `enum` to the value made for it (`project` is the project of
/// the run); and how many operations it holds.
fn constrained_copy(
    document: &Value,
    resources: &Map<String, Value>,
    methods: &[&str],
    excluded: &[(&str, &str, &str)],
    scope: Scope,
) -> Result<(Value, usize)> {
    let mut copy = document.clone();
    let components = document["components"]["parameters"].clone();
    let paths = copy
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("the document has no paths"))?;
    let mut operations = 0;
    let mut empty = Vec::new();
    for (path, item) in paths.iter_mut() {
        let item = item
            .as_object_mut()
            .ok_or_else(|| anyhow!("{path}: not an object"))?;
        let norm = normalized(path);
        let mgmt = norm.split('/').any(|segment| segment == "mgmt");
        let in_scope = match scope {
            Scope::Root => item.contains_key("servers"),
            Scope::Project => !item.contains_key("servers") && !mgmt,
            Scope::Mgmt => !item.contains_key("servers") && mgmt,
        };
        if !in_scope {
            empty.push(path.clone());
            continue;
        }
        item.retain(|key, _| {
            !METHODS.contains(&key.as_str())
                || (methods.contains(&key.as_str())
                    && !excluded
                        .iter()
                        .any(|(m, p, _)| m.eq_ignore_ascii_case(key) && norm.ends_with(p)))
        });
        let kept = item
            .keys()
            .filter(|k| METHODS.contains(&k.as_str()))
            .count();
        if kept == 0 {
            empty.push(path.clone());
            continue;
        }
        operations += kept;
        for (key, value) in item.iter_mut() {
            let list = if key == "parameters" {
                Some(value)
            } else if METHODS.contains(&key.as_str()) {
                value.get_mut("parameters")
            } else {
                None
            };
            let Some(Value::Array(list)) = list else {
                continue;
            };
            for parameter in list.iter_mut() {
                constrain(parameter, path, &components, resources)?;
            }
        }
    }
    for path in empty {
        paths.remove(&path);
    }
    Ok((copy, operations))
}

/// Resolves a `$ref` to `#/components/parameters/...` in place and, for a path parameter,
/// replaces its schema by an `enum` of the value made for it.
fn constrain(
    parameter: &mut Value,
    path: &str,
    components: &Value,
    resources: &Map<String, Value>,
) -> Result<()> {
    if let Some(reference) = parameter["$ref"].as_str() {
        let name = reference
            .strip_prefix("#/components/parameters/")
            .ok_or_else(|| anyhow!("{path}: unexpected parameter reference {reference}"))?;
        *parameter = components[name].clone();
    }
    if parameter["in"] != "path" {
        return Ok(());
    }
    let name = parameter["name"]
        .as_str()
        .ok_or_else(|| anyhow!("{path}: a path parameter without a name"))?
        .to_owned();
    let value = path_value(path, &name, resources)?;
    parameter["schema"] = json!({ "type": "string", "enum": [value] });
    Ok(())
}

/// The value made for path parameter `name` of `path`, chosen by the literal segment before it
/// (the parameter names are the generator's to choose; the collections are Trove's).
fn path_value(path: &str, name: &str, resources: &Map<String, Value>) -> Result<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let at = segments
        .iter()
        .position(|s| *s == format!("{{{name}}}"))
        .ok_or_else(|| anyhow!("{path}: no segment {{{name}}}"))?;
    let before = |n: usize| at.checked_sub(n).map(|i| segments[i]).unwrap_or("");
    let kind = match before(1) {
        // `/{version}/`, the first segment.
        "" if at == 1 => "version",
        "v1.0" => "project",
        "instances" => "instance",
        "databases" => "database",
        "users" => "user",
        "configurations" => "configuration",
        "backups" => "backup",
        "modules" => "module",
        "flavors" => "flavor",
        "datastores" => "datastore",
        // `/datastores/versions/{id}` names a version by id, `/datastores/{ds}/versions/{v}` by
        // name.
        "versions" if before(2) == "datastores" => "datastore_version_id",
        "versions" => "datastore_version",
        "datastore-versions" => "datastore_version_id",
        "parameters" => "parameter",
        // The quotas of the project that owns the resources.
        "quotas" => "tenant",
        "clusters" => return Ok(UNKNOWN_CLUSTER.to_owned()),
        other => bail!(
            "{path}: no resource is made for {{{name}}} (after {other:?}); \
             add its collection to openapi_check::path_value"
        ),
    };
    resource(resources, kind).map(str::to_owned)
}

fn print_summary(outcomes: &[Outcome], timings: &[(String, f64)]) {
    eprintln!("\n== openapi-check summary ==");
    eprintln!(
        "{:<10} {:<16} {:>10} {:>7} {:>9} {:>7} {:>8}",
        "server", "phase", "operations", "cases", "failures", "errors", "seconds"
    );
    for o in outcomes {
        eprintln!(
            "{:<10} {:<16} {:>10} {:>7} {:>9} {:>7} {:>8.1}",
            o.server, o.phase, o.operations, o.cases, o.failures, o.errors, o.secs
        );
    }
    for o in outcomes {
        for finding in &o.findings {
            eprintln!("{} {}: {finding}", o.server, o.phase);
        }
    }
    for (what, secs) in timings {
        eprintln!("{what}: {secs:.1}s");
    }
    if outcomes.iter().any(|o| o.server == "real") {
        for (method, path, why) in REAL_FAKE_MODE_5XX {
            eprintln!("not run on the real server (5xx in fake mode): {method} {path}: {why}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resources() -> Map<String, Value> {
        let v = json!({
            "tenant": "user1", "admin_tenant": "admin1", "project": "admin1", "version": "v1.0", "instance": "i-1", "database": "db",
            "user": "u", "configuration": "c-1", "backup": "b-1", "module": "m-1",
            "flavor": "1", "datastore": "mysql", "datastore_version": "5.7",
            "datastore_version_id": "dv-1", "parameter": "max_connections",
        });
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn path_values_follow_the_collection_before_them() {
        let r = resources();
        let cases = [
            ("/{version}/", "version", "v1.0"),
            (
                "/v1.0/{project_id}/instances/{instanceId}",
                "project_id",
                "admin1",
            ),
            ("/v1.0/{p}/instances/{instanceId}", "instanceId", "i-1"),
            (
                "/v1.0/{p}/instances/{i}/users/{u}/databases/{db}",
                "db",
                "db",
            ),
            ("/v1.0/{p}/datastores/{ds}/versions/{v}", "v", "5.7"),
            (
                "/v1.0/{p}/datastores/versions/{v}/parameters/{n}",
                "v",
                "dv-1",
            ),
            (
                "/v1.0/{p}/datastores/versions/{v}/parameters/{n}",
                "n",
                "max_connections",
            ),
            ("/v1.0/{p}/mgmt/quotas/{project}", "project", "user1"),
            ("/v1.0/{p}/clusters/{c}", "c", UNKNOWN_CLUSTER),
        ];
        for (path, name, want) in cases {
            assert_eq!(
                path_value(path, name, &r).ok().as_deref(),
                Some(want),
                "{path}"
            );
        }
        assert!(path_value("/v1.0/{p}/widgets/{w}", "w", &r).is_err());
    }

    #[test]
    fn the_copy_keeps_the_methods_asked_for_and_constrains_every_path_parameter() {
        let document = json!({
            "openapi": "3.1.0",
            "components": {"parameters": {"Instance": {
                "name": "instanceId", "in": "path", "required": true,
                "schema": {"type": "string", "format": "uuid"}}}},
            "paths": {
                "/v1.0/{projectId}/instances/{instanceId}/log": {
                    "parameters": [
                        {"name": "projectId", "in": "path", "required": true,
                         "schema": {"type": "string"}},
                        {"$ref": "#/components/parameters/Instance"}],
                    "get": {"responses": {}},
                    "post": {"responses": {}}},
                "/v1.0/{projectId}/flavors": {
                    "get": {"parameters": [
                        {"name": "projectId", "in": "path", "required": true,
                         "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                        "responses": {}}}
            }
        });
        let (copy, n) =
            constrained_copy(&document, &resources(), &["get"], &[], Scope::Project).unwrap();
        assert_eq!(n, 2);
        let log = &copy["paths"]["/v1.0/{projectId}/instances/{instanceId}/log"];
        assert!(log.get("post").is_none());
        assert_eq!(log["parameters"][0]["schema"]["enum"], json!(["admin1"]));
        assert_eq!(log["parameters"][1]["schema"]["enum"], json!(["i-1"]));
        let flavors = &copy["paths"]["/v1.0/{projectId}/flavors"]["get"]["parameters"];
        assert_eq!(flavors[1]["schema"], json!({"type": "integer"}));

        let (copy, n) = constrained_copy(
            &document,
            &resources(),
            &["get"],
            REAL_FAKE_MODE_5XX,
            Scope::Project,
        )
        .unwrap();
        assert_eq!(n, 1);
        assert!(copy["paths"]
            .get("/v1.0/{projectId}/instances/{instanceId}/log")
            .is_none());

        let (copy, n) =
            constrained_copy(&document, &resources(), &["get"], &[], Scope::Mgmt).unwrap();
        assert_eq!(
            (n, copy["paths"].as_object().map(|p| p.len())),
            (0, Some(0))
        );
    }

    #[test]
    fn the_root_operations_run_apart_from_the_endpoint_and_the_mgmt_ones() {
        let document = json!({
            "openapi": "3.1.0",
            "servers": [{"url": "http://127.0.0.1:8779/v1.0/{tenant_id}"}],
            "paths": {
                "/": {"servers": [{"url": "http://127.0.0.1:8779"}], "get": {"responses": {}}},
                "/{version}/": {
                    "servers": [{"url": "http://127.0.0.1:8779"}],
                    "get": {"parameters": [{"name": "version", "in": "path", "required": true,
                                            "schema": {"type": "string"}}],
                            "responses": {}}},
                "/flavors": {"get": {"responses": {}}},
                "/mgmt/instances": {"get": {"responses": {}}}
            }
        });
        let paths = |scope| {
            let (copy, _) =
                constrained_copy(&document, &resources(), &["get"], &[], scope).unwrap();
            let mut keys: Vec<String> = copy["paths"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            (keys, copy)
        };
        let (root, copy) = paths(Scope::Root);
        assert_eq!(root, ["/", "/{version}/"]);
        assert_eq!(
            copy["paths"]["/{version}/"]["get"]["parameters"][0]["schema"]["enum"],
            json!(["v1.0"])
        );
        assert_eq!(paths(Scope::Project).0, ["/flavors"]);
        assert_eq!(paths(Scope::Mgmt).0, ["/mgmt/instances"]);
    }

    #[test]
    fn the_server_path_takes_the_project_id() {
        let servers = json!([{"url": "http://localhost:8779/v1.0/{project_id}/"}]);
        assert_eq!(server_path(&servers, "admin1"), "/v1.0/admin1");
        assert_eq!(
            server_path(&json!([{"url": "http://127.0.0.1:8779"}]), "x"),
            ""
        );
        assert_eq!(server_path(&json!([{"url": "/"}]), "x"), "");
        assert_eq!(server_path(&Value::Null, "x"), "");
    }
}
