//! `--wait`: polls a resource until it settles, with a spinner showing status and elapsed time
//! on a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use troveclient::wait::Progress;
use troveclient::{WaitFailure, WaitOptions};

use crate::error::WaitFailed;

/// Options of commands that can wait for the operation to finish.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Waiting")]
pub struct WaitArgs {
    /// Wait until the operation finishes, then print the result.
    #[arg(long)]
    pub wait: bool,
    /// Give up waiting after this many seconds (exit status 4).
    #[arg(long, value_name = "SECONDS", default_value = "1800", value_parser = seconds)]
    pub timeout: Duration,
    /// Seconds between status polls while waiting.
    #[arg(long, value_name = "SECONDS", default_value = "3", value_parser = seconds)]
    pub poll_interval: Duration,
}

/// Parses a non-negative number of seconds, fractions allowed.
fn seconds(s: &str) -> Result<Duration, String> {
    let n: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(n).map_err(|_| format!("{s:?} is not a non-negative duration"))
}

/// A wait in progress: the options of `--timeout` and `--poll-interval`, and a spinner that
/// the waiter's progress callback updates after each poll.
pub struct Spinner {
    bar: ProgressBar,
    options: WaitOptions<'static>,
    report: Box<dyn Fn(&Progress<'_>) + Send + Sync>,
}

impl Spinner {
    /// Starts the spinner of a wait for `what`.
    pub fn new(args: &WaitArgs, what: &str) -> Spinner {
        let bar = spinner(what);
        let shown = bar.clone();
        Spinner {
            bar,
            // The user asked for an interval, so it stays fixed: no backoff.
            options: WaitOptions::default()
                .timeout(args.timeout)
                .fixed(args.poll_interval),
            report: Box::new(move |p: &Progress<'_>| {
                shown.set_message(progress(p.resource, p.status, p.elapsed))
            }),
        }
    }

    /// Returns the options to hand to a waiter of the library.
    pub fn options(&self) -> WaitOptions<'_> {
        self.options.on_poll(&*self.report)
    }

    /// Clears the spinner and turns a wait that ended without success into the command's
    /// error (exit status 3 or 4).
    pub fn finish<T>(&self, result: Result<T, troveclient::Error>) -> anyhow::Result<T> {
        self.bar.finish_and_clear();
        result.map_err(|e| match e {
            troveclient::Error::Wait(w) => WaitFailed {
                what: w.resource,
                status: w.last_status.unwrap_or_else(|| "unknown".to_owned()),
                elapsed: w.elapsed,
                timed_out: w.failure == WaitFailure::TimedOut,
            }
            .into(),
            other => other.into(),
        })
    }
}

/// The spinner's message after a poll: what is waited for, its status and the time so far.
fn progress(what: &str, status: &str, elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs < 60 {
        format!("{what}: {status} ({secs}s)")
    } else {
        format!("{what}: {status} ({}m {:02}s)", secs / 60, secs % 60)
    }
}

/// Returns a spinner on stderr, or a hidden one when stderr is not a terminal.
fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.set_message(format!("{what}: waiting"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use troveclient::wait::{poll_until, Check};

    /// Polls `fetch` the way the library's waiters do, with the spinner's options.
    async fn until<T, F, Fut>(
        args: &WaitArgs,
        what: &str,
        fetch: F,
        check: impl Fn(&T) -> Check,
        status: impl Fn(&T) -> String,
    ) -> anyhow::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, troveclient::Error>>,
    {
        let spinner = Spinner::new(args, what);
        let result = poll_until(what.to_owned(), spinner.options(), fetch, check, status).await;
        spinner.finish(result)
    }

    fn args(timeout: u64) -> WaitArgs {
        WaitArgs {
            wait: true,
            timeout: Duration::from_secs(timeout),
            poll_interval: Duration::from_secs(1),
        }
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn polls_at_a_fixed_interval_until_done() {
        let start = tokio::time::Instant::now();
        let mut n = 0;
        let got = until(
            &args(60),
            "thing",
            || {
                n += 1;
                let v = n;
                async move { Ok::<_, troveclient::Error>(v) }
            },
            |v| if *v >= 4 { Check::Done } else { Check::Pending },
            |v| v.to_string(),
        )
        .await
        .unwrap();
        assert_eq!(got, 4);
        // Three pauses of one second: the interval does not grow.
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn failure_states_and_timeouts_are_errors() {
        let err = until(
            &args(60),
            "thing",
            || async { Ok::<_, troveclient::Error>("ERROR") },
            |_| Check::Failed,
            |v| v.to_string(),
        )
        .await
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 3);
        assert_eq!(err.to_string(), "thing reached status ERROR after 0.0s");
        let err = until(
            &args(5),
            "thing",
            || async { Ok::<_, troveclient::Error>("BUILD") },
            |_| Check::Pending,
            |v| v.to_string(),
        )
        .await
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 4);
        assert_eq!(
            err.to_string(),
            "timed out after 5.0s waiting for thing; last status BUILD"
        );
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn request_errors_end_the_wait_as_they_are() {
        let err = until(
            &args(60),
            "thing",
            || async {
                Err::<u8, _>(troveclient::Error::InvalidRequest(
                    troveclient::BuildError::Refused("boom".to_owned()),
                ))
            },
            |_| Check::Done,
            |v| v.to_string(),
        )
        .await
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 1);
        assert!(err.downcast_ref::<troveclient::Error>().is_some(), "{err}");
    }

    #[test]
    fn progress_shows_status_and_elapsed_time() {
        assert_eq!(
            progress("instance a", "BUILD", Duration::from_millis(12_700)),
            "instance a: BUILD (12s)"
        );
        assert_eq!(
            progress("instance a", "RESIZE", Duration::from_secs(125)),
            "instance a: RESIZE (2m 05s)"
        );
    }

    #[test]
    fn seconds_accept_fractions() {
        assert_eq!(seconds("0.5").unwrap(), Duration::from_millis(500));
        assert!(seconds("-1").is_err());
        assert!(seconds("x").is_err());
    }
}
