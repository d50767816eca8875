//! Python prerequisites and the pinned virtualenvs the real servers run from.
//!
//! A venv is reused as long as its stamp (Python version, requirements and the full constraints
//! file) matches; otherwise it is rebuilt from scratch, so a changed pin never meets a stale venv.

use std::fs;
use std::io::ErrorKind;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The message for a machine without a usable Python.
const INSTALL_HINT: &str =
    "install python3 and python3-venv: apt-get update && apt-get install -y python3 python3-venv";

/// The interpreter venvs are built with: `$TROVE_REAL_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("TROVE_REAL_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Checks that `py` exists and can build venvs with pip (Debian splits `venv`/`ensurepip` into
/// python3-venv), and returns its version ("3.11.2").
pub fn check_python(py: &str) -> Result<String> {
    let out = Command::new(py)
        .args([
            "-c",
            "import sys, venv, ensurepip; print('%d.%d.%d' % sys.version_info[:3])",
        ])
        .output();
    match out {
        Err(e) if e.kind() == ErrorKind::NotFound => bail!("{py} not found; {INSTALL_HINT}"),
        Err(e) => Err(e).with_context(|| format!("run {py}")),
        Ok(o) if !o.status.success() => bail!(
            "{py} cannot create virtualenvs with pip ({}); {INSTALL_HINT}",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Ok(o) => Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned()),
    }
}

/// One pinned virtualenv.
pub struct VenvSpec {
    /// Human name for messages ("trove").
    pub name: &'static str,
    /// Directory of the venv.
    pub dir: PathBuf,
    /// Top-level requirements, passed to pip as given.
    pub requirements: &'static [&'static str],
    /// pip constraints (a frozen, known-good set of every transitive package).
    pub constraints: &'static str,
    /// A file inside the venv that exists once the install succeeded (e.g. `bin/trove-manage`).
    pub probe: &'static str,
}

impl VenvSpec {
    fn stamp(&self, py_version: &str) -> String {
        format!(
            "python {py_version}\nrequirements {}\n{}",
            self.requirements.join(" "),
            self.constraints
        )
    }

    /// Path of an executable in the venv's bin/.
    pub fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("bin").join(name)
    }

    /// Makes sure the venv exists with exactly these pins; returns true when it had to be built.
    pub fn ensure(&self, py: &str, py_version: &str) -> Result<bool> {
        let stamp_file = self.dir.join("xtask-pins.txt");
        let stamp = self.stamp(py_version);
        if self.dir.join(self.probe).exists()
            && fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp)
        {
            return Ok(false);
        }
        let start = Instant::now();
        eprintln!(
            "[{}] building venv {} (pip install {})",
            self.name,
            self.dir.display(),
            self.requirements.join(" ")
        );
        if self.dir.exists() {
            fs::remove_dir_all(&self.dir)
                .with_context(|| format!("remove stale venv {}", self.dir.display()))?;
        }
        run(
            Command::new(py).arg("-m").arg("venv").arg(&self.dir),
            "python -m venv",
        )?;
        let constraints = self.dir.join("xtask-constraints.txt");
        fs::write(&constraints, self.constraints)?;
        let pip = self.bin("pip");
        let pip_install = || {
            let mut c = Command::new(&pip);
            c.args(["install", "-q", "--disable-pip-version-check", "-c"])
                .arg(&constraints);
            c
        };
        run(
            pip_install().args(["--upgrade", "pip", "setuptools", "wheel"]),
            "pip install --upgrade pip",
        )?;
        run(pip_install().args(self.requirements), "pip install")?;
        // Written last: an interrupted install leaves no stamp and is rebuilt next time.
        fs::write(&stamp_file, stamp)?;
        eprintln!(
            "[{}] venv built in {:.1}s",
            self.name,
            start.elapsed().as_secs_f64()
        );
        Ok(true)
    }
}

/// Runs `cmd` to completion with its output on our stderr (stdout is reserved for the facts
/// JSON), failing when it exits non-zero.
pub fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let to_stderr = std::io::stderr().as_fd().try_clone_to_owned()?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(to_stderr))
        .status()
        .with_context(|| format!("{what}: spawn {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what} failed ({status}): {cmd:?}");
    }
    Ok(())
}

/// Runs `cmd` with stdout and stderr appended to `log`; returns whether it succeeded.
pub fn run_logged(cmd: &mut Command, log: &Path) -> Result<bool> {
    let out = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("open {}", log.display()))?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .with_context(|| format!("spawn {:?}", cmd.get_program()))?;
    Ok(status.success())
}
