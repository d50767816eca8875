//! `cargo xtask real-servers up|down|status`: the real upstream Trove and Keystone on loopback.
//!
//! Everything lives under one root directory (`$TROVE_REAL_ROOT`, default
//! `/tmp/trove-real-servers`):
//!
//! ```text
//! venv/  kvenv/                 pinned virtualenvs of Trove and Keystone (reused across starts)
//! etc/ lib/ data/ logs/         Trove's configs, Python launcher and shims, sqlite DB, logs
//! keystone/{etc,data,logs,...}  Keystone's config, sqlite DB, fernet keys, logs
//! trove.pid  keystone.pid       pids of the running servers (process-group leaders)
//! trove.facts.json  keystone.facts.json  facts of each running server
//! facts.json                    the merged facts of the servers that run, for the test suites
//! ```
//!
//! Every `up` of a server stops the previous one and starts it on a fresh database. The Python
//! side (configs, launcher, shims) is embedded from `xtask/assets/` and written out on each `up`.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use crate::venv::{self, run_logged, VenvSpec};
use crate::{http, proc};

/// Pinned upstream versions; the Trove shims in assets/trove/ are written against exactly this.
pub const TROVE_VERSION: &str = "26.0.0";
/// Pinned Keystone release.
pub const KEYSTONE_VERSION: &str = "30.0.0";

const TROVE_REQUIREMENTS: &[&str] = &[
    "trove==26.0.0",
    // Keeps the legacy client the fake mode imports at a known version.
    "python-troveclient==8.11.0",
    // Needed by troveclient.compat but not declared by python-troveclient.
    "httplib2",
];
const KEYSTONE_REQUIREMENTS: &[&str] = &["keystone==30.0.0", "gunicorn"];

/// Alembic head of trove 26.0.0's schema; `db_sync` must reach it.
const TROVE_ALEMBIC_HEAD: &str = "95418fe2a1c8";
/// The fake image the mysql datastore version is registered with (see assets/trove/fakeglance.py).
const FAKE_IMAGE_ID: &str = "00000000-0000-0000-0000-000000000001";
const DATASTORE: &str = "mysql";
const DATASTORE_VERSION: &str = "5.7.29";

const TROVE_URL: &str = "http://127.0.0.1:8779";
const KEYSTONE_URL: &str = "http://127.0.0.1:5000/v3";

/// One of the two servers: what identifies it and how its readiness is checked.
struct Server {
    name: &'static str,
    /// A substring of its command line, checked before signalling a recorded pid.
    marker: &'static str,
    port: u16,
    /// Polled with GET until it answers.
    ready_path: &'static str,
    /// Start-up deadline, measured from spawning the process.
    ready_deadline: Duration,
}

/// Trove imports most of OpenStack before it listens (about 5 s here); the deadlines are generous
/// so that a slow CI machine still passes.
const TROVE: Server = Server {
    name: "trove",
    marker: "trove_fake_server.py",
    port: 8779,
    ready_path: "/",
    ready_deadline: Duration::from_secs(120),
};
const KEYSTONE: Server = Server {
    name: "keystone",
    marker: "ks_wsgi:application",
    port: 5000,
    ready_path: "/v3",
    ready_deadline: Duration::from_secs(90),
};

impl Server {
    fn pid_file(&self, root: &Path) -> PathBuf {
        root.join(format!("{}.pid", self.name))
    }

    fn facts_file(&self, root: &Path) -> PathBuf {
        root.join(format!("{}.facts.json", self.name))
    }

    /// Stops the instance recorded in the pid file, if any; returns its pid.
    fn stop(&self, root: &Path) -> Result<Option<u32>> {
        proc::stop(self.name, &self.pid_file(root), self.marker)
    }

    /// The pid of the server when it is alive and really the process we started.
    fn running_pid(&self, root: &Path) -> Option<u32> {
        proc::read_pid(&self.pid_file(root))
            .filter(|&pid| proc::is_alive(pid) && proc::runs(pid, self.marker))
    }

    /// Polls the readiness path until the server answers, dies, or the deadline passes. On
    /// failure the server is stopped and the error carries the tails of `logs`.
    fn wait_ready(&self, root: &Path, pid: u32, logs: &[PathBuf]) -> Result<Duration> {
        let (name, port, path) = (self.name, self.port, self.ready_path);
        let start = Instant::now();
        // Set when something answers on the port that is not our process.
        let mut foreign = false;
        loop {
            if let Ok(code) = http::get_status(loopback(port), path, Duration::from_secs(2)) {
                // Any HTTP answer short of a server error means the app is loaded and serving.
                if code < 500 {
                    if proc::group_listens_on(pid, port) {
                        return Ok(start.elapsed());
                    }
                    foreign = true;
                }
            }
            if !proc::is_alive(pid) {
                let _ = self.stop(root);
                let other = if foreign {
                    "; another process answers on the port"
                } else {
                    ""
                };
                bail!(
                    "{name} (pid {pid}) exited during start-up{other}\n{}",
                    tails(logs)
                );
            }
            if start.elapsed() >= self.ready_deadline {
                let _ = self.stop(root);
                bail!(
                    "{name} did not answer GET http://127.0.0.1:{port}{path} within {}s{}\n{}",
                    self.ready_deadline.as_secs(),
                    if foreign {
                        " (another process answers on the port)"
                    } else {
                        ""
                    },
                    tails(logs)
                );
            }
            sleep(POLL_INTERVAL);
        }
    }

    /// Stops a previous instance and makes sure nobody else holds the port (a foreign server
    /// there would pass the readiness check and fail every test in confusing ways).
    fn clear_the_way(&self, root: &Path) -> Result<()> {
        if let Some(pid) = self.stop(root)? {
            eprintln!("[{}] stopped the previous instance (pid {pid})", self.name);
        }
        let _ = fs::remove_file(self.facts_file(root));
        if http::port_in_use(loopback(self.port)) {
            bail!(
                "127.0.0.1:{} is already in use by a process not started by `cargo xtask \
                 real-servers` (no matching pid file); stop it first",
                self.port
            );
        }
        Ok(())
    }
}

const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Lines of log shown when a server does not come up.
const LOG_TAIL_LINES: usize = 40;

mod assets {
    pub const FAKEGLANCE: &str = include_str!("../assets/trove/fakeglance.py");
    pub const TROVE_LAUNCHER: &str = include_str!("../assets/trove/trove_fake_server.py");
    pub const CHECK_SCHEMA: &str = include_str!("../assets/trove/check_schema.py");
    pub const TROVE_CONF: &str = include_str!("../assets/trove/trove.conf");
    pub const TROVE_KEYSTONE_CONF: &str = include_str!("../assets/trove/trove-keystone.conf");
    pub const API_PASTE: &str = include_str!("../assets/trove/api-paste.ini");
    pub const API_PASTE_KEYSTONE: &str = include_str!("../assets/trove/api-paste-keystone.ini");
    pub const TROVE_CONSTRAINTS: &str = include_str!("../assets/constraints-trove.txt");
    pub const KEYSTONE_CONF: &str = include_str!("../assets/keystone/keystone.conf");
    pub const KS_WSGI: &str = include_str!("../assets/keystone/ks_wsgi.py");
    pub const KEYSTONE_BOOTSTRAP: &str = include_str!("../assets/keystone/keystone_bootstrap.py");
    pub const KEYSTONE_CONSTRAINTS: &str = include_str!("../assets/constraints-keystone.txt");
}

/// Which servers `up` starts.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct UpArgs {
    /// Start Trove (with neither --trove nor --keystone, both start).
    #[arg(long)]
    pub trove: bool,
    /// Start Keystone (with neither --trove nor --keystone, both start).
    #[arg(long)]
    pub keystone: bool,
    /// Start Trove with real Keystone token validation instead of the fake auth filter (whose
    /// token is the project id). Needs Keystone: started too unless only --trove is given, in
    /// which case an already running Keystone is used.
    #[arg(long)]
    pub keystone_auth: bool,
    /// Keystone's `[token] expiration` in seconds (default: the asset's 3600). Set by
    /// `cargo xtask reliability`, not on the command line.
    #[arg(skip)]
    pub token_expiration: Option<u32>,
    /// Turns on Keystone's in-memory cache (`[cache] enabled`, dogpile's memory backend). Set by
    /// `cargo xtask reliability`, not on the command line.
    #[arg(skip)]
    pub keystone_cache: bool,
    /// Extra trove.conf settings, written to `$ROOT/etc/trove-extra.conf` and read after the
    /// other config files (so they win). Set by `cargo xtask reliability`.
    #[arg(skip)]
    pub trove_extra_conf: Option<String>,
}

impl UpArgs {
    fn selection(&self) -> (bool, bool) {
        if self.trove || self.keystone {
            (self.trove, self.keystone)
        } else {
            (true, true)
        }
    }
}

/// `root` made absolute: it is written into config files read from other working directories.
pub fn absolute_root(root: &Path) -> Result<PathBuf> {
    Ok(if root.is_absolute() {
        root.to_owned()
    } else {
        std::env::current_dir()?.join(root)
    })
}

fn trove_venv(root: &Path) -> VenvSpec {
    VenvSpec {
        name: "trove",
        dir: root.join("venv"),
        requirements: TROVE_REQUIREMENTS,
        constraints: assets::TROVE_CONSTRAINTS,
        probe: "bin/trove-manage",
    }
}

fn keystone_venv(root: &Path) -> VenvSpec {
    VenvSpec {
        name: "keystone",
        dir: root.join("kvenv"),
        requirements: KEYSTONE_REQUIREMENTS,
        constraints: assets::KEYSTONE_CONSTRAINTS,
        probe: "bin/keystone-manage",
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Starts the selected servers and returns the merged facts (also written to `$ROOT/facts.json`).
pub fn up(root: &Path, args: &UpArgs) -> Result<Value> {
    let (want_trove, want_keystone) = args.selection();
    let py = venv::python();
    let py_version = venv::check_python(&py)?;
    fs::create_dir_all(root).with_context(|| format!("create {}", root.display()))?;
    let total = Instant::now();

    // Stop what is about to be restarted before its venv may be rebuilt under it.
    if want_keystone {
        KEYSTONE.clear_the_way(root)?;
    }
    if want_trove {
        TROVE.clear_the_way(root)?;
    }

    // The two pip installs are independent; on a first start running them side by side roughly
    // halves the wait.
    std::thread::scope(|s| -> Result<()> {
        let k = want_keystone.then(|| s.spawn(|| keystone_venv(root).ensure(&py, &py_version)));
        if want_trove {
            trove_venv(root).ensure(&py, &py_version)?;
        }
        if let Some(k) = k {
            k.join()
                .map_err(|_| anyhow::anyhow!("keystone venv thread panicked"))??;
        }
        Ok(())
    })?;

    if want_keystone && want_trove && !args.keystone_auth {
        // Independent of each other: start them side by side.
        std::thread::scope(|s| -> Result<()> {
            let k = s.spawn(|| start_keystone(root, args.token_expiration, args.keystone_cache));
            let t = start_trove(root, false, args.trove_extra_conf.as_deref());
            k.join()
                .map_err(|_| anyhow::anyhow!("keystone start thread panicked"))??;
            t
        })?;
    } else {
        if want_keystone {
            start_keystone(root, args.token_expiration, args.keystone_cache)?;
        }
        if want_trove {
            if args.keystone_auth {
                // keystonemiddleware only contacts Keystone on the first request; fail now
                // rather than with a 401 in the middle of a test run.
                let ready = http::get_status(
                    loopback(KEYSTONE.port),
                    KEYSTONE.ready_path,
                    Duration::from_secs(5),
                );
                if !matches!(ready, Ok(200)) {
                    bail!(
                        "--keystone-auth needs Keystone on {KEYSTONE_URL}, which does not answer \
                         ({ready:?}); start it with `cargo xtask real-servers up --keystone`"
                    );
                }
            }
            start_trove(root, args.keystone_auth, args.trove_extra_conf.as_deref())?;
        }
    }
    let facts = write_facts(root)?;
    eprintln!(
        "real servers up in {:.1}s; facts in {}",
        total.elapsed().as_secs_f64(),
        root.join("facts.json").display()
    );
    Ok(facts)
}

/// Stops both servers (whichever run) and removes the facts files.
pub fn down(root: &Path) -> Result<()> {
    for server in [&TROVE, &KEYSTONE] {
        match server.stop(root)? {
            Some(pid) => eprintln!("{} (pid {pid}) stopped", server.name),
            None => eprintln!("{} was not running", server.name),
        }
        let _ = fs::remove_file(server.facts_file(root));
        if http::port_in_use(loopback(server.port)) {
            eprintln!(
                "warning: 127.0.0.1:{} still accepts connections: not a server of {}",
                server.port,
                root.display()
            );
        }
    }
    let _ = fs::remove_file(root.join("facts.json"));
    Ok(())
}

/// Prints which servers run and the merged facts.
pub fn status(root: &Path) -> Result<()> {
    for server in [&TROVE, &KEYSTONE] {
        let path = server.ready_path;
        let state = match server.running_pid(root) {
            Some(pid) => {
                match http::get_status(loopback(server.port), path, Duration::from_secs(3)) {
                    Ok(code) => format!("running (pid {pid}), GET {path} -> {code}"),
                    Err(e) => format!("running (pid {pid}) but not answering: {e:#}"),
                }
            }
            None => "stopped".to_owned(),
        };
        println!("{}: {state}", server.name);
    }
    println!("root: {}", root.display());
    if let Ok(facts) = fs::read_to_string(root.join("facts.json")) {
        println!("facts.json: {}", facts.trim_end());
    }
    Ok(())
}

/// Merges the per-server facts of the servers that run into `$ROOT/facts.json`.
fn write_facts(root: &Path) -> Result<Value> {
    let mut facts = Map::new();
    facts.insert("root".into(), json!(root.display().to_string()));
    for server in [&KEYSTONE, &TROVE] {
        let file = server.facts_file(root);
        if server.running_pid(root).is_none() {
            let _ = fs::remove_file(&file);
            continue;
        }
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        if let Value::Object(part) =
            serde_json::from_str(&text).with_context(|| format!("parse {}", file.display()))?
        {
            facts.extend(part);
        }
    }
    let facts = Value::Object(facts);
    write_json(&root.join("facts.json"), &facts)?;
    Ok(facts)
}

/// Writes via a temporary file and rename, so a reader never sees half a file.
fn write_json(path: &Path, value: &Value) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, format!("{}\n", serde_json::to_string_pretty(value)?))?;
    fs::rename(&tmp, path).with_context(|| format!("write {}", path.display()))
}

/// Writes an asset with `@KEY@` placeholders substituted.
fn write_asset(path: &Path, text: &str, vars: &[(&str, &Path)]) -> Result<()> {
    let mut out = text.to_owned();
    for (key, value) in vars {
        out = out.replace(key, &value.display().to_string());
    }
    fs::write(path, out).with_context(|| format!("write {}", path.display()))
}

/// Empties (or creates) a directory.
pub(crate) fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("remove {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))
}

/// The last `n` lines of a log file, for error messages.
fn tail(path: &Path, n: usize) -> String {
    match fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(n);
            format!(
                "--- {} (last {n} lines) ---\n{}",
                path.display(),
                lines[start..].join("\n")
            )
        }
        Err(e) => format!("--- {}: {e} ---", path.display()),
    }
}

fn tails(logs: &[PathBuf]) -> String {
    logs.iter()
        .map(|l| tail(l, LOG_TAIL_LINES))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Output of `id -un` / `id -gn`: keystone-manage chowns its key repositories to them.
fn id(flag: &str) -> Result<String> {
    let out = Command::new("id").arg(flag).output().context("run id")?;
    if !out.status.success() {
        bail!("id {flag} failed");
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// What a fresh Keystone consists of, relative to `$ROOT/keystone` (kept as the template).
const KEYSTONE_STATE: &[&str] = &["data/keystone.sqlite", "fernet-keys", "credential-keys"];

fn start_keystone(root: &Path, token_expiration: Option<u32>, cache: bool) -> Result<()> {
    let venv = keystone_venv(root);
    let k = root.join("keystone");
    let pid_file = KEYSTONE.pid_file(root);
    KEYSTONE.clear_the_way(root)?;

    for d in ["etc", "logs"] {
        fs::create_dir_all(k.join(d))?;
    }
    // Fresh database and keys on every start: tests get a known state.
    for d in ["data", "fernet-keys", "credential-keys"] {
        fresh_dir(&k.join(d))?;
    }
    let conf = k.join("etc/keystone.conf");
    write_keystone_conf(&conf, &k, token_expiration, cache)?;
    write_asset(&k.join("ks_wsgi.py"), assets::KS_WSGI, &[])?;
    let bootstrap = k.join("keystone_bootstrap.py");
    write_asset(&bootstrap, assets::KEYSTONE_BOOTSTRAP, &[])?;

    // Initialising a database runs keystone-manage four times (about 15 s of Python start-up).
    // The result of that is the same every time, so the first start keeps a copy inside the venv
    // (rebuilt with it) and later starts restore that copy: equally fresh, in milliseconds. The ids
    // of admin and its project therefore stay the same across restarts of one venv.
    let setup = Instant::now();
    let template = venv.dir.join("xtask-template");
    let restored = restore_template(&template, &k, KEYSTONE_STATE)?;
    if !restored {
        keystone_manage_init(&venv, &k, &conf)?;
        save_template(&template, &k, KEYSTONE_STATE)?;
    }
    eprintln!(
        "[keystone] database, keys and admin {} in {:.1}s",
        if restored {
            "restored from the template"
        } else {
            "bootstrapped"
        },
        setup.elapsed().as_secs_f64()
    );

    let mut cmd = Command::new(venv.bin("gunicorn"));
    cmd.args(["--no-control-socket", "--chdir"])
        .arg(&k)
        .args(["-b", "127.0.0.1:5000", "-w", "1", "--access-logfile"])
        .arg(k.join("logs/access.log"))
        .arg("ks_wsgi:application")
        .current_dir(&k)
        // ks_wsgi.py strips argv, so this is how keystone finds its config.
        .env("OS_KEYSTONE_CONFIG_FILES", &conf);
    let gunicorn_log = k.join("logs/gunicorn.log");
    let pid = proc::spawn_detached(cmd, &gunicorn_log, &pid_file)?;
    let took = KEYSTONE.wait_ready(root, pid, &[gunicorn_log, k.join("logs/keystone.log")])?;
    eprintln!(
        "[keystone] up on {KEYSTONE_URL} (pid {pid}) after {:.1}s",
        took.as_secs_f64()
    );

    let registering = Instant::now();
    let out = Command::new(venv.bin("python"))
        .arg(&bootstrap)
        .output()
        .context("run keystone_bootstrap.py")?;
    if !out.status.success() {
        let _ = KEYSTONE.stop(root);
        bail!(
            "registering Trove and the users in Keystone failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let registered: Value =
        serde_json::from_slice(&out.stdout).context("parse the output of keystone_bootstrap.py")?;
    eprintln!(
        "[keystone] trove service, projects and users registered in {:.1}s",
        registering.elapsed().as_secs_f64()
    );
    let mut facts = json!({
        "keystone_url": KEYSTONE_URL,
        "keystone_version": KEYSTONE_VERSION,
        "keystone_pid": pid,
        "keystone_log": k.join("logs/keystone.log").display().to_string(),
    });
    if let (Value::Object(f), Value::Object(r)) = (&mut facts, registered) {
        f.extend(r);
    }
    write_json(&KEYSTONE.facts_file(root), &facts)
}

/// Writes keystone.conf, with `[token] expiration` replaced when `token_expiration` is set and
/// the cache on when `cache` is.
fn write_keystone_conf(
    conf: &Path,
    k: &Path,
    token_expiration: Option<u32>,
    cache: bool,
) -> Result<()> {
    let mut text = assets::KEYSTONE_CONF.to_owned();
    let mut replace = |stock: &str, tuned: &str| -> Result<()> {
        if !text.contains(stock) {
            bail!("keystone.conf asset has no `{stock}` to replace");
        }
        text = text.replace(stock, tuned);
        Ok(())
    };
    if let Some(secs) = token_expiration {
        replace("expiration = 3600", &format!("expiration = {secs}"))?;
    }
    if cache {
        replace(
            "[cache]\nenabled = False",
            "[cache]\nenabled = True\nbackend = dogpile.cache.memory",
        )?;
    }
    write_asset(conf, &text, &[("@K@", k)])
}

/// Rewrites keystone.conf and removes the extra trove.conf, as a plain `up` would leave them, so
/// a tuned run leaves no trace in `$ROOT/` for whoever reads the configs next.
pub fn restore_stock_configs(root: &Path) -> Result<()> {
    let k = root.join("keystone");
    let conf = k.join("etc/keystone.conf");
    if conf.exists() {
        write_keystone_conf(&conf, &k, None, false)?;
    }
    let extra = root.join(TROVE_EXTRA_CONF);
    if extra.exists() {
        fs::remove_file(&extra).with_context(|| format!("remove {}", extra.display()))?;
    }
    Ok(())
}

/// Where `UpArgs::trove_extra_conf` is written, relative to the root.
const TROVE_EXTRA_CONF: &str = "etc/trove-extra.conf";

/// `keystone-manage` db_sync, fernet_setup, credential_setup and bootstrap (admin/adminpw).
fn keystone_manage_init(venv: &VenvSpec, k: &Path, conf: &Path) -> Result<()> {
    let manage_log = k.join("logs/keystone-manage.log");
    fs::write(&manage_log, "")?;
    let (user, group) = (id("-un")?, id("-gn")?);
    let steps: Vec<Vec<&str>> = vec![
        vec!["db_sync"],
        vec![
            "fernet_setup",
            "--keystone-user",
            &user,
            "--keystone-group",
            &group,
        ],
        vec![
            "credential_setup",
            "--keystone-user",
            &user,
            "--keystone-group",
            &group,
        ],
        vec![
            "bootstrap",
            "--bootstrap-password",
            "adminpw",
            "--bootstrap-username",
            "admin",
            "--bootstrap-project-name",
            "admin",
            "--bootstrap-role-name",
            "admin",
            "--bootstrap-service-name",
            "keystone",
            "--bootstrap-region-id",
            "RegionOne",
            "--bootstrap-admin-url",
            "http://127.0.0.1:5000/v3/",
            "--bootstrap-public-url",
            "http://127.0.0.1:5000/v3/",
            "--bootstrap-internal-url",
            "http://127.0.0.1:5000/v3/",
        ],
    ];
    for step in steps {
        let ok = run_logged(
            Command::new(venv.bin("keystone-manage"))
                .arg("--config-file")
                .arg(conf)
                .args(&step)
                .env("OS_KEYSTONE_CONFIG_FILES", conf),
            &manage_log,
        )?;
        if !ok {
            bail!(
                "keystone-manage {} failed\n{}",
                step[0],
                tail(&manage_log, LOG_TAIL_LINES)
            );
        }
    }
    Ok(())
}

fn start_trove(root: &Path, keystone_auth: bool, extra_conf: Option<&str>) -> Result<()> {
    let venv = trove_venv(root);
    let pid_file = TROVE.pid_file(root);
    TROVE.clear_the_way(root)?;

    for d in ["etc/conf.d", "etc/cloudinit", "lib", "data", "logs"] {
        fs::create_dir_all(root.join(d))?;
    }
    let vars: &[(&str, &Path)] = &[("@ROOT@", root)];
    write_asset(&root.join("lib/fakeglance.py"), assets::FAKEGLANCE, vars)?;
    write_asset(
        &root.join("lib/trove_fake_server.py"),
        assets::TROVE_LAUNCHER,
        vars,
    )?;
    write_asset(
        &root.join("lib/check_schema.py"),
        assets::CHECK_SCHEMA,
        vars,
    )?;
    write_asset(&root.join("etc/trove.conf"), assets::TROVE_CONF, vars)?;
    write_asset(
        &root.join("etc/trove-keystone.conf"),
        assets::TROVE_KEYSTONE_CONF,
        vars,
    )?;
    write_asset(&root.join("etc/api-paste.ini"), assets::API_PASTE, vars)?;
    write_asset(
        &root.join("etc/api-paste-keystone.ini"),
        assets::API_PASTE_KEYSTONE,
        vars,
    )?;
    // The fake guest agent reads this file; it needs no settings.
    fs::write(root.join("etc/trove-guestagent.conf"), "[DEFAULT]\n")?;
    for f in ["trove.sqlite", "trove.sqlite-wal", "trove.sqlite-shm"] {
        let _ = fs::remove_file(root.join("data").join(f));
    }

    // lib/ holds fakeglance, which trove.conf names as the glance client.
    let lib = root.join("lib");
    let trove_manage = |args: &[&str]| {
        let mut c = Command::new(venv.bin("trove-manage"));
        c.args(["--config-file", "etc/trove.conf"])
            .args(args)
            .current_dir(root)
            .env("PYTHONPATH", &lib);
        c
    };
    // Building the schema and datastore takes five trove-manage runs (about 12 s); the result
    // never varies, so as for Keystone the first start keeps a copy inside the venv and later
    // starts restore it.
    let setup = Instant::now();
    let template = venv.dir.join("xtask-template");
    let restored = restore_template(&template, root, &["data/trove.sqlite"])?;
    if !restored {
        trove_manage_init(&venv, &trove_manage, root)?;
        save_template(&template, root, &["data/trove.sqlite"])?;
    }
    eprintln!(
        "[trove] schema and datastore {DATASTORE} {DATASTORE_VERSION} {} in {:.1}s",
        if restored {
            "restored from the template"
        } else {
            "built"
        },
        setup.elapsed().as_secs_f64()
    );

    let api_log = root.join("logs/trove-api.log");
    fs::write(&api_log, "")?;
    let mut cmd = Command::new(venv.bin("python"));
    cmd.arg("lib/trove_fake_server.py")
        .args(["--config-file", "etc/trove.conf"])
        .current_dir(root)
        .env("PYTHONPATH", &lib);
    if keystone_auth {
        cmd.args(["--config-file", "etc/trove-keystone.conf"]);
    }
    let extra_path = root.join(TROVE_EXTRA_CONF);
    match extra_conf {
        Some(text) => {
            fs::write(&extra_path, text)
                .with_context(|| format!("write {}", extra_path.display()))?;
            cmd.arg("--config-file").arg(TROVE_EXTRA_CONF);
        }
        None => {
            let _ = fs::remove_file(&extra_path);
        }
    }
    let stdout_log = root.join("logs/trove-stdout.log");
    let pid = proc::spawn_detached(cmd, &stdout_log, &pid_file)?;
    let took = TROVE.wait_ready(root, pid, &[stdout_log, api_log.clone()])?;
    let auth = if keystone_auth { "keystone" } else { "fake" };
    eprintln!(
        "[trove] up on {TROVE_URL} (pid {pid}, auth {auth}) after {:.1}s",
        took.as_secs_f64()
    );

    let facts = json!({
        "trove_url": TROVE_URL,
        "trove_version": TROVE_VERSION,
        "trove_pid": pid,
        // "fake": X-Auth-Token is the project id, any value accepted; "keystone": a real token.
        "trove_auth": auth,
        "trove_log": api_log.display().to_string(),
        "datastore": { "type": DATASTORE, "version": DATASTORE_VERSION, "image_id": FAKE_IMAGE_ID },
    });
    write_json(&TROVE.facts_file(root), &facts)
}

/// `trove-manage` db_sync (checked by the alembic head) and the mysql datastore registration.
fn trove_manage_init(
    venv: &VenvSpec,
    trove_manage: &dyn Fn(&[&str]) -> Command,
    root: &Path,
) -> Result<()> {
    let db_sync_log = root.join("logs/db_sync.out");
    fs::write(&db_sync_log, "")?;
    // Exits 1 by design of the fakes (see assets/trove/check_schema.py): judged by the schema.
    run_logged(&mut trove_manage(&["db_sync"]), &db_sync_log)?;
    let ok = run_logged(
        Command::new(venv.bin("python"))
            .arg(root.join("lib/check_schema.py"))
            .arg(root.join("data/trove.sqlite"))
            .arg(TROVE_ALEMBIC_HEAD),
        &db_sync_log,
    )?;
    if !ok {
        bail!(
            "trove-manage db_sync did not build the schema\n{}",
            tail(&db_sync_log, LOG_TAIL_LINES)
        );
    }
    let manage_log = root.join("logs/trove-manage.log");
    fs::write(&manage_log, "")?;
    for args in [
        vec!["datastore_update", DATASTORE, ""],
        vec![
            "datastore_version_update",
            DATASTORE,
            DATASTORE_VERSION,
            DATASTORE,
            FAKE_IMAGE_ID,
            "",
            "1",
            "--version",
            DATASTORE_VERSION,
        ],
        vec!["datastore_update", DATASTORE, DATASTORE_VERSION],
    ] {
        if !run_logged(&mut trove_manage(&args), &manage_log)? {
            bail!(
                "trove-manage {} failed\n{}",
                args[0],
                tail(&manage_log, LOG_TAIL_LINES)
            );
        }
    }
    Ok(())
}

/// Copies the template's `items` (files or flat directories, relative paths) into `dest`;
/// false when there is no template yet.
fn restore_template(template: &Path, dest: &Path, items: &[&str]) -> Result<bool> {
    if !template.join(".complete").exists() {
        return Ok(false);
    }
    for item in items {
        copy_item(&template.join(item), &dest.join(item))?;
    }
    Ok(true)
}

/// Saves `items` of `src` as the template. Written to a temporary directory and renamed, so an
/// interrupted save leaves no half template.
fn save_template(template: &Path, src: &Path, items: &[&str]) -> Result<()> {
    let tmp = template.with_extension("tmp");
    fresh_dir(&tmp)?;
    for item in items {
        // SQLite in WAL mode may keep recent pages in a -wal file beside the database; every
        // writer has exited here, which folds the WAL back, so its absence is checked, not assumed.
        let wal = src.join(format!("{item}-wal"));
        if wal.exists() && fs::metadata(&wal)?.len() > 0 {
            eprintln!(
                "note: {} is not checkpointed; not saving a template",
                wal.display()
            );
            return Ok(());
        }
        copy_item(&src.join(item), &tmp.join(item))?;
    }
    fs::write(tmp.join(".complete"), "")?;
    if template.exists() {
        fs::remove_dir_all(template)?;
    }
    fs::rename(&tmp, template).with_context(|| format!("save {}", template.display()))
}

/// Copies a file, or a directory of plain files, creating parent directories.
fn copy_item(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    if from.is_dir() {
        fresh_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            fs::copy(entry.path(), to.join(entry.file_name()))
                .with_context(|| format!("copy {}", entry.path().display()))?;
        }
    } else {
        fs::copy(from, to).with_context(|| format!("copy {}", from.display()))?;
    }
    Ok(())
}
