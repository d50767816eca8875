//! The polling loop behind every waiter: polls with backoff until a check says done or failed
//! or the deadline passes, reports each poll, and puts the last observation in the error.

use std::future::Future;
use std::time::Duration;

use crate::error::{Error, WaitError, WaitFailure};
use crate::request::wait::{Check, Progress, WaitOptions};

/// One poll of a wait, as [`poll_until_observed`] shows it to its observer.
#[derive(Debug)]
#[non_exhaustive]
pub struct Observation<'a, T> {
    /// What the poll fetched.
    pub value: &'a T,
    /// Its status, as the wait's `status_of` renders it.
    pub status: &'a str,
    /// Time since the wait started (tokio's clock).
    pub elapsed: Duration,
    /// Polls made so far, this one included.
    pub polls: u32,
}

/// Polls `fetch` until `check` says done or failed, or `options.timeout` passes. The time is
/// tokio's, so tests drive it with paused time.
pub async fn poll_until<T, Fut, F, C, S>(
    resource: String,
    options: WaitOptions<'_>,
    fetch: F,
    check: C,
    status_of: S,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    C: Fn(&T) -> Check,
    S: Fn(&T) -> String,
{
    poll_until_observed(resource, options, fetch, check, status_of, |_| {}).await
}

/// [`poll_until`], calling `observe` (as well as the options' `on_poll`) after every successful poll, before the poll is judged:
/// progress displays show the status and elapsed time from it, and see the last poll of a wait
/// that ends (in success, failure or timeout) like any other.
pub async fn poll_until_observed<T, Fut, F, C, S, O>(
    resource: String,
    options: WaitOptions<'_>,
    mut fetch: F,
    check: C,
    status_of: S,
    mut observe: O,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    C: Fn(&T) -> Check,
    S: Fn(&T) -> String,
    O: FnMut(&Observation<'_, T>),
{
    let start = tokio::time::Instant::now();
    let deadline = start + options.timeout;
    let mut pause = options.interval;
    let mut polls = 0u32;
    loop {
        let value = fetch().await?;
        polls = polls.saturating_add(1);
        let status = status_of(&value);
        let elapsed = start.elapsed();
        if let Some(report) = &options.on_poll {
            report.report(&Progress {
                resource: &resource,
                status: &status,
                elapsed,
                polls,
            });
        }
        observe(&Observation {
            value: &value,
            status: &status,
            elapsed,
            polls,
        });
        match check(&value) {
            Check::Done => return Ok(value),
            Check::Failed => {
                return Err(Error::Wait(Box::new(WaitError {
                    resource,
                    failure: WaitFailure::FailedState,
                    last_status: Some(status),
                    elapsed: start.elapsed(),
                })))
            }
            Check::Pending => {}
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(Error::Wait(Box::new(WaitError {
                resource,
                failure: WaitFailure::TimedOut,
                last_status: Some(status),
                elapsed: start.elapsed(),
            })));
        }
        if pause.is_zero() {
            // tokio's timer rounds a zero sleep up to its next millisecond tick; a zero
            // interval means "poll again at once", so only give other tasks their turn.
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(pause.min(deadline - now)).await;
        }
        pause = options
            .max_interval
            .min(pause.mul_f64(options.backoff.max(1.0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> WaitOptions<'static> {
        WaitOptions::default()
            .timeout(Duration::from_secs(60))
            .interval(Duration::from_secs(1))
    }

    /// A resource whose status is `statuses[n]` on the `n`th poll (the last one from then on).
    fn fetch_from(
        statuses: &'static [&'static str],
    ) -> impl FnMut() -> std::future::Ready<Result<&'static str, Error>> {
        let mut n = 0;
        move || {
            let status = statuses[n.min(statuses.len() - 1)];
            n += 1;
            std::future::ready(Ok(status))
        }
    }

    fn check(status: &&str) -> Check {
        match *status {
            "ACTIVE" => Check::Done,
            "ERROR" => Check::Failed,
            _ => Check::Pending,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_observer_sees_every_poll_with_its_status_and_time() {
        let mut seen = Vec::new();
        let got = poll_until_observed(
            "thing".to_owned(),
            options(),
            fetch_from(&["BUILD", "BUILD", "BACKUP", "ACTIVE"]),
            check,
            |s| s.to_string(),
            |o: &Observation<'_, &str>| {
                seen.push((
                    o.polls,
                    o.status.to_owned(),
                    *o.value,
                    o.elapsed.as_millis(),
                ))
            },
        )
        .await
        .unwrap();
        assert_eq!(got, "ACTIVE");
        // Pauses of 1 s, 1.5 s and 2.25 s between the four polls.
        assert_eq!(
            seen,
            [
                (1, "BUILD".to_owned(), "BUILD", 0),
                (2, "BUILD".to_owned(), "BUILD", 1000),
                (3, "BACKUP".to_owned(), "BACKUP", 2500),
                (4, "ACTIVE".to_owned(), "ACTIVE", 4750),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_observer_sees_the_poll_that_ends_a_failed_or_timed_out_wait() {
        let mut last = None;
        let err = poll_until_observed(
            "thing".to_owned(),
            options(),
            fetch_from(&["BUILD", "ERROR"]),
            check,
            |s| s.to_string(),
            |o: &Observation<'_, &str>| last = Some((o.polls, o.status.to_owned())),
        )
        .await
        .unwrap_err();
        assert_eq!(last, Some((2, "ERROR".to_owned())));
        let Error::Wait(w) = err else {
            panic!("not a wait error: {err}")
        };
        assert_eq!(w.failure, WaitFailure::FailedState);

        let mut polls = 0;
        let err = poll_until_observed(
            "thing".to_owned(),
            options()
                .fixed(Duration::from_secs(10))
                .timeout(Duration::from_secs(25)),
            fetch_from(&["BUILD"]),
            check,
            |s| s.to_string(),
            |o: &Observation<'_, &str>| polls = o.polls,
        )
        .await
        .unwrap_err();
        // Polls at 0, 10, 20 and, cut short by the deadline, 25 s.
        assert_eq!(polls, 4);
        let Error::Wait(w) = err else {
            panic!("not a wait error: {err}")
        };
        assert_eq!(w.failure, WaitFailure::TimedOut);
        assert_eq!(w.elapsed, Duration::from_secs(25));
        assert_eq!(w.last_status.as_deref(), Some("BUILD"));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_waits_as_before_without_an_observer() {
        let start = tokio::time::Instant::now();
        let got = poll_until(
            "thing".to_owned(),
            options(),
            fetch_from(&["BUILD", "ACTIVE"]),
            check,
            |s| s.to_string(),
        )
        .await
        .unwrap();
        assert_eq!(got, "ACTIVE");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_progress_callback_sees_every_poll_of_the_wait() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let report = move |p: &Progress<'_>| {
            log.lock().unwrap().push((
                p.resource.to_owned(),
                p.status.to_owned(),
                p.polls,
                p.elapsed.as_millis(),
            ))
        };
        let options = options().on_poll(&report);
        let err = poll_until(
            "thing".to_owned(),
            options,
            fetch_from(&["BUILD", "ERROR"]),
            check,
            |s| s.to_string(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Wait(_)), "{err}");
        assert_eq!(
            *seen.lock().unwrap(),
            [
                ("thing".to_owned(), "BUILD".to_owned(), 1, 0),
                ("thing".to_owned(), "ERROR".to_owned(), 2, 1000),
            ]
        );
    }
}
