//! Background server processes: spawning them detached, pid files, liveness and stopping.
//!
//! Servers are stopped only through the pid recorded in their pid file, never by name, so nothing
//! else on the machine is touched. Each server is started as the leader of its own process group
//! (so Ctrl-C on xtask does not take it down, and gunicorn's worker goes with its master); stopping
//! signals that group: SIGTERM, then SIGKILL after a deadline. Linux only (/proc).

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// How long a server gets to exit after SIGTERM before it is sent SIGKILL.
const TERM_DEADLINE: Duration = Duration::from_secs(15);
/// How long to wait for the processes to vanish after SIGKILL.
const KILL_DEADLINE: Duration = Duration::from_secs(5);

/// Spawns `cmd` detached in its own process group with output appended to `log`, records its pid
/// in `pid_file` and returns the pid.
pub fn spawn_detached(mut cmd: Command, log: &Path, pid_file: &Path) -> Result<u32> {
    let out = fs::File::create(log).with_context(|| format!("create {}", log.display()))?;
    let err = out.try_clone()?;
    cmd.stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0);
    let child = cmd
        .spawn()
        .with_context(|| format!("spawn {:?}", cmd.get_program()))?;
    let pid = child.id();
    // The child is deliberately not waited for: it outlives xtask. If it dies while xtask still
    // runs it stays a zombie until xtask exits, which `is_alive` reports as dead.
    drop(child);
    fs::write(pid_file, format!("{pid}\n"))
        .with_context(|| format!("write {}", pid_file.display()))?;
    Ok(pid)
}

/// The pid in `pid_file`, if the file exists and holds one.
pub fn read_pid(pid_file: &Path) -> Option<u32> {
    fs::read_to_string(pid_file).ok()?.trim().parse().ok()
}

/// The fields of /proc/PID/stat after the command name: (state, pgrp).
fn stat(pid: u32) -> Option<(char, u32)> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself contain spaces or parentheses.
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

/// True when `pid` is a running (not zombie) process.
pub fn is_alive(pid: u32) -> bool {
    matches!(stat(pid), Some((state, _)) if state != 'Z' && state != 'X')
}

/// True when `pid` runs a command line containing `marker`: guards against signalling an
/// unrelated process that reused the pid of a server that died long ago.
pub fn runs(pid: u32, marker: &str) -> bool {
    fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| String::from_utf8_lossy(&raw).contains(marker))
        .unwrap_or(false)
}

/// Live processes of process group `pgid`.
fn group_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| matches!(stat(pid), Some((s, g)) if g == pgid && s != 'Z' && s != 'X'))
        .collect()
}

/// Sends `signal` to process group `pgid` through the shell's `kill` builtin (always present,
/// unlike procps' /bin/kill; and the workspace forbids the unsafe code a libc call needs).
fn signal_group(pgid: u32, signal: &str) -> Result<()> {
    let status = Command::new("sh")
        .args(["-c", "kill -s \"$1\" -- \"$2\" 2>/dev/null", "kill", signal])
        .arg(format!("-{pgid}"))
        .status()
        .context("run sh to send a signal")?;
    // A failure here usually means the group exited in the meantime; the caller re-checks.
    let _ = status;
    Ok(())
}

fn wait_gone(pgid: u32, deadline: Duration) -> bool {
    let start = Instant::now();
    loop {
        if group_members(pgid).is_empty() {
            return true;
        }
        if start.elapsed() >= deadline {
            return false;
        }
        sleep(Duration::from_millis(100));
    }
}

/// Stops the server recorded in `pid_file` (if any) and removes the pid file. Returns the pid
/// that was stopped. `marker` must occur in the server's command line.
pub fn stop(name: &str, pid_file: &Path, marker: &str) -> Result<Option<u32>> {
    let Some(pid) = read_pid(pid_file) else {
        let _ = fs::remove_file(pid_file);
        return Ok(None);
    };
    let leader_ours = is_alive(pid) && runs(pid, marker);
    // The leader may be gone while a child of its group lives on; the group id is still ours.
    let members = group_members(pid);
    if !leader_ours && (members.is_empty() || is_alive(pid)) {
        // Dead, or the pid now belongs to something else: only forget it.
        fs::remove_file(pid_file).ok();
        return Ok(None);
    }
    signal_group(pid, "TERM")?;
    if !wait_gone(pid, TERM_DEADLINE) {
        eprintln!(
            "{name} (pid {pid}) still running {}s after SIGTERM; sending SIGKILL",
            TERM_DEADLINE.as_secs()
        );
        signal_group(pid, "KILL")?;
        if !wait_gone(pid, KILL_DEADLINE) {
            bail!(
                "{name} (process group {pid}) survived SIGKILL: {:?}",
                group_members(pid)
            );
        }
    }
    fs::remove_file(pid_file).ok();
    Ok(Some(pid))
}

/// True when a process of group `pgid` holds a listening TCP socket on `port`.
///
/// Readiness checks use this so that another server on the same port (the emulator's binary
/// defaults to 8779, for one) is never mistaken for the server we just started.
pub fn group_listens_on(pgid: u32, port: u16) -> bool {
    let inodes = listening_inodes(port);
    if inodes.is_empty() {
        return false;
    }
    group_members(pgid).into_iter().any(|pid| {
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
            return false;
        };
        fds.filter_map(|fd| fs::read_link(fd.ok()?.path()).ok())
            .filter_map(|target| {
                let t = target.to_str()?;
                t.strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .parse::<u64>()
                    .ok()
            })
            .any(|inode| inodes.contains(&inode))
    })
}

/// Inodes of the sockets listening on `port` (any address, IPv4 or IPv6).
fn listening_inodes(port: u16) -> Vec<u64> {
    let suffix = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| fs::read_to_string(table).ok())
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    let f: Vec<&str> = line.split_whitespace().collect();
                    let listening = f.get(3) == Some(&"0A");
                    let on_port = f.get(1).is_some_and(|a| a.ends_with(&suffix));
                    if listening && on_port {
                        f.get(9)?.parse().ok()
                    } else {
                        None
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
