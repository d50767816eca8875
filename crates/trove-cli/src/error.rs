//! One-line error reports and the exit status of each kind of failure.

use std::fmt;
use std::process::ExitCode;
use std::time::Duration;

/// A problem with the command line or the configuration: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A `--wait` that ended without success: exit status 3 (failure state) or 4 (timeout).
#[derive(Debug)]
pub struct WaitFailed {
    /// What was waited for, such as `instance 4d3f…`.
    pub what: String,
    /// The last status seen.
    pub status: String,
    /// How long the wait lasted.
    pub elapsed: Duration,
    /// True when the deadline passed, false when a failure state was reached.
    pub timed_out: bool,
}

impl fmt::Display for WaitFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        if self.timed_out {
            write!(
                f,
                "timed out after {secs:.1}s waiting for {}; last status {}",
                self.what, self.status
            )
        } else {
            write!(
                f,
                "{} reached status {} after {secs:.1}s",
                self.what, self.status
            )
        }
    }
}

impl std::error::Error for WaitFailed {}

/// Prints `err` on one line of stderr and returns the exit status for it.
pub fn report(err: &anyhow::Error) -> ExitCode {
    eprintln!("ERROR: {}", render(err));
    ExitCode::from(exit_code(err))
}

/// Returns the exit status for `err`.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<UsageError>() {
            return 2;
        }
        if let Some(w) = cause.downcast_ref::<WaitFailed>() {
            return if w.timed_out { 4 } else { 3 };
        }
        if let Some(troveclient::Error::Wait(w)) = cause.downcast_ref::<troveclient::Error>() {
            return match w.failure {
                troveclient::WaitFailure::TimedOut => 4,
                _ => 3,
            };
        }
    }
    1
}

/// Renders `err` on one line: the context, then the Trove fault name, message, HTTP status and
/// request id when the server answered with an error.
pub fn render(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<troveclient::Error>() {
            parts.push(render_sdk(e));
            break;
        }
        parts.push(cause.to_string());
    }
    parts.join(": ").replace('\n', " ")
}

fn render_sdk(e: &troveclient::Error) -> String {
    match e.api() {
        Some(api) => {
            let mut line = format!(
                "{}: {} (HTTP {})",
                api.fault.name,
                api.fault.message,
                api.status.as_u16()
            );
            if let Some(id) = &api.request_id {
                line.push_str(&format!(" (Request-ID: {id})"));
            }
            line
        }
        None => e.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_and_wait_errors_have_their_own_status() {
        let usage = anyhow::Error::new(UsageError("x".into()));
        assert_eq!(exit_code(&usage), 2);
        let failed = WaitFailed {
            what: "instance a".into(),
            status: "ERROR".into(),
            elapsed: Duration::from_secs(3),
            timed_out: false,
        };
        let err = anyhow::Error::new(failed).context("creating");
        assert_eq!(exit_code(&err), 3);
        assert_eq!(
            render(&err),
            "creating: instance a reached status ERROR after 3.0s"
        );
        let other = anyhow::anyhow!("boom");
        assert_eq!(exit_code(&other), 1);
    }
}
