//! `openstack database ...` (python-openstackclient with python-troveclient's plugin) beside
//! `trove ...`: each command line runs with both against the emulator binary, and each `-f json`
//! answer must carry the same keys: a list the same column names in the same order, a show every
//! field name OSC prints (a field OSC drops may be kept under a name of its own; such extras are
//! reported). Run by `cargo xtask osc-compare`, which makes the venv; enable with
//! `--features osc-compare` and point `TROVE_OSC_BIN` at its `openstack`.
#![cfg(feature = "osc-compare")]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The emulator's `admin` project (trove_emulator::config::ADMIN_PROJECT_ID).
const ADMIN_PROJECT: &str = "cc3e04e205ff437fb92ab0d07db9aea1";

/// What a line prints, and so how the two answers are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `-f json` gives a list of rows: their keys (the column names) must match.
    List,
    /// `-f json` gives one object: its keys (the field names) must match.
    Show,
    /// No formatted output (OSC's `Command`): both must succeed.
    Action,
    /// Not a command line: every pending transition of the emulator completes.
    Settle,
}

/// One step: the words after `openstack`, split on spaces (`{admin}` is the admin project).
struct Step(Kind, &'static str);

use Kind::{Action, List, Settle, Show};

/// The lines, in the order they run; each tool runs all of them on a freshly reset emulator,
/// so names refer to the same resources for both.
const STEPS: &[Step] = &[
    Step(List, "database flavor list"),
    Step(List, "database flavor list --sort-column Name --sort-descending"),
    Step(Show, "database flavor show m1.small"),
    Step(List, "datastore list"),
    Step(Show, "datastore show mysql"),
    Step(List, "datastore version list mysql"),
    Step(
        Action,
        "datastore version create 8.0.30 mysql mysql 00000000-0000-0000-0000-000000000001",
    ),
    Step(Show, "datastore version show 5.7.29 --datastore mysql"),
    Step(
        Show,
        "database instance create db1 --flavor m1.small --size 2 --datastore mysql --datastore-version 5.7.29",
    ),
    Step(Settle, ""),
    Step(List, "database instance list"),
    Step(List, "database instance list -c ID -c Name -c Status"),
    Step(List, "database instance list -c Name --sort-column Name --sort-ascending"),
    Step(List, "database instance list --all-projects"),
    Step(Show, "database instance show db1"),
    Step(Show, "database instance show db1 -c name -c status"),
    Step(Action, "database instance resize volume db1 3"),
    Step(Settle, ""),
    Step(Action, "database instance resize flavor db1 m1.medium"),
    Step(Settle, ""),
    Step(Action, "database instance restart db1"),
    Step(Settle, ""),
    Step(Action, "database db create db1 sales"),
    Step(List, "database db list db1"),
    Step(Action, "database user create db1 app secretpw --databases sales"),
    Step(List, "database user list db1"),
    Step(Show, "database user show db1 app"),
    Step(List, "database user show access db1 app"),
    Step(Action, "database user revoke access db1 app sales"),
    Step(Action, "database user grant access db1 app sales"),
    Step(Show, "database root enable db1"),
    Step(Show, "database root show db1"),
    Step(Show, "database backup create bk1 --instance db1"),
    Step(Settle, ""),
    Step(List, "database backup list"),
    Step(Show, "database backup show bk1"),
    Step(List, "database backup list instance db1"),
    Step(
        Show,
        "database configuration create cfg1 {\"max_connections\":200} --datastore mysql --datastore-version 5.7.29",
    ),
    Step(List, "database configuration list"),
    Step(Show, "database configuration show cfg1"),
    Step(
        List,
        "database configuration parameter list 5.7.29 --datastore mysql",
    ),
    Step(
        Show,
        "database configuration parameter show 5.7.29 max_connections --datastore mysql",
    ),
    Step(Action, "database configuration attach db1 cfg1"),
    Step(List, "database configuration instances cfg1"),
    Step(Show, "database configuration default db1"),
    Step(Action, "database configuration detach db1"),
    Step(List, "database log list db1"),
    Step(Show, "database log show db1 general"),
    Step(Show, "database log set db1 general --enable"),
    Step(List, "database quota show {admin}"),
    Step(Show, "database quota update {admin} instances 20"),
    Step(
        Show,
        "database cluster create c1 mongodb 3.6 --instance flavor=m1.small,volume=2 --instance flavor=m1.small,volume=2 --instance flavor=m1.small,volume=2",
    ),
    Step(Settle, ""),
    Step(List, "database cluster list"),
    Step(Show, "database cluster show c1"),
    Step(List, "database cluster list instances c1"),
    Step(List, "database cluster modules c1"),
    Step(List, "database backup strategy list"),
    Step(Action, "database cluster force delete c1"),
    Step(Action, "database user update attributes db1 app --new_name app2"),
    Step(List, "database user list db1"),
    Step(Action, "database backup delete bk1"),
    Step(Action, "database instance delete db1"),
];

/// The emulator binary on an ephemeral port, killed when dropped.
struct Emulator {
    child: Child,
    url: String,
}

impl Emulator {
    fn start() -> Emulator {
        let bin = std::env::var_os("TROVE_EMULATOR_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace().join("target/debug/trove-emulator"));
        let mut child = Command::new(&bin)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_once("listening on")
            .map(|(_, u)| u.trim().to_owned())
            .unwrap_or_else(|| panic!("the emulator said {line:?}"));
        Emulator { child, url }
    }

    /// `POST /_emulator/{what}` with an empty body; panics unless it answers 200.
    fn control(&self, what: &str) {
        let host = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(host).unwrap();
        write!(
            s,
            "POST /_emulator/{what} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{what}: {answer}");
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Which program a line runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    Osc,
    Trove,
}

/// Runs one line with `tool` as the emulator's admin user, with a home of its own (no
/// clouds.yaml, no token cache from elsewhere).
fn run(tool: Tool, emulator: &Emulator, home: &Path, step: &Step) -> (Vec<String>, Output) {
    let mut words: Vec<String> = split(step.1)
        .into_iter()
        .map(|w| w.replace("{admin}", ADMIN_PROJECT))
        .collect();
    if step.0 != Action {
        words.extend(["-f".into(), "json".into()]);
    }
    let mut cmd = match tool {
        Tool::Osc => Command::new(
            std::env::var_os("TROVE_OSC_BIN")
                .expect("TROVE_OSC_BIN: the venv's openstack (cargo xtask osc-compare sets it)"),
        ),
        Tool::Trove => {
            if words.first().is_some_and(|w| w == "database") {
                words.remove(0);
            }
            Command::new(env!("CARGO_BIN_EXE_trove"))
        }
    };
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("OS_AUTH_URL", format!("{}/v3", emulator.url))
        .env("OS_IDENTITY_API_VERSION", "3")
        .env("OS_USERNAME", "admin")
        .env("OS_PASSWORD", "adminpw")
        .env("OS_PROJECT_NAME", "admin")
        .env("OS_USER_DOMAIN_NAME", "Default")
        .env("OS_PROJECT_DOMAIN_NAME", "Default")
        .env("OS_TOKEN_CACHE", "0")
        .args(&words);
    let out = cmd.output().unwrap();
    (words, out)
}

/// Splits on spaces; the lines hold no quoted words.
fn split(line: &str) -> Vec<String> {
    line.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The keys `-f json` printed: a list's first row's, or an object's; `[]` for an empty list.
/// Lines before the JSON are skipped (OSC's `limit list` prints the absolute limits first).
fn keys(kind: Kind, stdout: &[u8]) -> Result<Vec<String>, String> {
    let text = String::from_utf8_lossy(stdout);
    let start = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain([0])
        .filter(|&i| text[i..].starts_with(['[', '{']))
        .min()
        .ok_or_else(|| format!("no JSON in {text}"))?;
    let json = &text[start..];
    let not_json = |e: serde_json::Error| format!("not JSON ({e}): {text}");
    match kind {
        List => {
            let rows: Vec<Keys> = serde_json::from_str(json).map_err(not_json)?;
            Ok(rows.into_iter().next().map(|k| k.0).unwrap_or_default())
        }
        _ => Ok(serde_json::from_str::<Keys>(json).map_err(not_json)?.0),
    }
}

/// The keys of a JSON object in the order printed (a list's column order counts).
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The kind of the step whose line became `words`.
fn kind_of(words: &[String]) -> Kind {
    let line = words.join(" ");
    STEPS
        .iter()
        .find(|s| {
            let w = s.1.replace("{admin}", ADMIN_PROJECT);
            line == w || line == format!("{w} -f json")
        })
        .map_or(Action, |s| s.0)
}

/// What one tool did with one line.
struct Outcome {
    words: Vec<String>,
    ok: bool,
    keys: Result<Vec<String>, String>,
    stderr: String,
}

fn run_all(tool: Tool, emulator: &Emulator, home: &Path) -> Vec<Outcome> {
    emulator.control("reset");
    let mut outcomes = Vec::new();
    for step in STEPS {
        if step.0 == Settle {
            emulator.control("settle");
            continue;
        }
        let (words, out) = run(tool, emulator, home, step);
        let keys = if step.0 == Action {
            Ok(Vec::new())
        } else {
            keys(step.0, &out.stdout)
        };
        outcomes.push(Outcome {
            words,
            ok: out.status.success(),
            keys,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    outcomes
}

#[test]
fn osc_and_trove_print_the_same_keys() {
    let emulator = Emulator::start();
    let home = std::env::temp_dir().join(format!("trove-osc-compare-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let osc = run_all(Tool::Osc, &emulator, &home);
    let trove = run_all(Tool::Trove, &emulator, &home);
    let _ = std::fs::remove_dir_all(&home);

    let mut table = String::from("| OSC line | trove line | keys equal |\n|---|---|---|\n");
    let mut failures = Vec::new();
    let mut compared = 0;
    for (o, t) in osc.iter().zip(&trove) {
        let verdict = match (&o.keys, &t.keys) {
            _ if !o.ok => format!("OSC failed: {}", o.stderr),
            _ if !t.ok => format!("trove failed: {}", t.stderr),
            (Err(e), _) => format!("OSC: {e}"),
            (_, Err(e)) => format!("trove: {e}"),
            (Ok(a), Ok(b)) if a == b => {
                compared += 1;
                if a.is_empty() {
                    "yes (no output)".to_owned()
                } else {
                    format!("yes ({})", a.len())
                }
            }
            (Ok(a), Ok(b)) if kind_of(&o.words) == Show && a.iter().all(|k| b.contains(k)) => {
                compared += 1;
                let extra: Vec<&String> = b.iter().filter(|k| !a.contains(k)).collect();
                format!("yes ({}), and {extra:?}", a.len())
            }
            (Ok(a), Ok(b)) => format!("no: OSC {a:?}, trove {b:?}"),
        };
        if !verdict.starts_with("yes") {
            failures.push(format!("openstack {}: {verdict}", o.words.join(" ")));
        }
        table.push_str(&format!(
            "| `openstack {}` | `trove {}` | {} |\n",
            o.words.join(" "),
            t.words.join(" "),
            verdict.replace('|', "\\|").replace('\n', " ")
        ));
    }
    println!("{table}");
    if let Some(path) = std::env::var_os("TROVE_OSC_REPORT") {
        std::fs::write(path, &table).unwrap();
    }
    assert!(
        failures.is_empty(),
        "{} of {} lines differ:\n{}",
        failures.len(),
        osc.len(),
        failures.join("\n")
    );
    assert!(compared >= 40, "only {compared} lines compared");
}
