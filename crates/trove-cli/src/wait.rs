//! `--wait`: polls a resource until it settles, with a spinner showing status and elapsed time
//! on a terminal.

use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::time::Instant;

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

/// What one poll found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Finished successfully.
    Done,
    /// Keep polling.
    Pending,
    /// Will not get there.
    Failed,
}

/// Polls `fetch` until `check` says done or failed, or the timeout passes.
pub async fn until<T, F, Fut>(
    args: &WaitArgs,
    what: &str,
    mut fetch: F,
    check: impl Fn(&T) -> Check,
    status: impl Fn(&T) -> String,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, troveclient::Error>>,
{
    let bar = spinner(what);
    let start = Instant::now();
    let deadline = start + args.timeout;
    let result = loop {
        let value = match fetch().await {
            Ok(v) => v,
            Err(e) => break Err(anyhow::Error::new(e)),
        };
        let now_status = status(&value);
        bar.set_message(format!("{what}: {now_status}"));
        let failed = |timed_out| WaitFailed {
            what: what.to_owned(),
            status: now_status.clone(),
            elapsed: start.elapsed(),
            timed_out,
        };
        match check(&value) {
            Check::Done => break Ok(value),
            Check::Failed => break Err(failed(false).into()),
            Check::Pending => {}
        }
        let now = Instant::now();
        if now >= deadline {
            break Err(failed(true).into());
        }
        tokio::time::sleep(args.poll_interval.min(deadline - now)).await;
    };
    bar.finish_and_clear();
    result
}

/// Returns a spinner on stderr, or a hidden one when stderr is not a terminal.
fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    bar.set_message(format!("{what}: waiting"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(timeout: u64) -> WaitArgs {
        WaitArgs {
            wait: true,
            timeout: Duration::from_secs(timeout),
            poll_interval: Duration::from_secs(1),
        }
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn polls_until_done() {
        let mut n = 0;
        let got = until(
            &args(60),
            "thing",
            || {
                n += 1;
                let v = n;
                async move { Ok::<_, troveclient::Error>(v) }
            },
            |v| if *v >= 3 { Check::Done } else { Check::Pending },
            |v| v.to_string(),
        )
        .await
        .unwrap();
        assert_eq!(got, 3);
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
        assert!(err.to_string().contains("last status BUILD"), "{err}");
    }

    #[test]
    fn seconds_accept_fractions() {
        assert_eq!(seconds("0.5").unwrap(), Duration::from_millis(500));
        assert!(seconds("-1").is_err());
        assert!(seconds("x").is_err());
    }
}
