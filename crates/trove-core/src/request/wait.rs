//! What a wait is made of, with no I/O: how long and how often to poll ([`WaitOptions`]),
//! what each poll found ([`Check`]), the named [`conditions`] that judge a resource, and the
//! progress a caller is shown after each poll. The polling loop is [`crate::client::wait`].

use std::fmt;
use std::time::Duration;

pub use crate::error::{WaitError, WaitFailure};

/// How long and how often to poll, and whom to tell after each poll.
///
/// It is `Copy`, so one set of options serves several waits; the progress callback is
/// borrowed (`'a`) for that reason.
#[derive(Clone, Copy)]
pub struct WaitOptions<'a> {
    /// Give up after this long.
    pub timeout: Duration,
    /// The first pause between polls.
    pub interval: Duration,
    /// The longest pause between polls; pauses grow by `backoff` up to it.
    pub max_interval: Duration,
    /// The factor pauses grow by after each poll.
    pub backoff: f64,
    /// Called after every poll that fetched something; see [`WaitOptions::on_poll`].
    pub on_poll: Option<OnPoll<'a>>,
}

impl Default for WaitOptions<'_> {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            backoff: 1.5,
            on_poll: None,
        }
    }
}

impl<'a> WaitOptions<'a> {
    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the first pause between polls (and raises the longest pause to it if needed).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self.max_interval = self.max_interval.max(interval);
        self
    }

    /// Polls at a fixed `interval`, without backoff.
    pub fn fixed(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self.max_interval = interval;
        self.backoff = 1.0;
        self
    }

    /// Calls `report` after every poll that fetched something, before the poll is judged, so
    /// a progress display shows the status and the time so far, the last poll of a wait that
    /// ends (in success, failure or timeout) included.
    pub fn on_poll<'b>(self, report: &'b (dyn Fn(&Progress<'_>) + Sync)) -> WaitOptions<'b>
    where
        'a: 'b,
    {
        WaitOptions {
            on_poll: Some(OnPoll(report)),
            ..self
        }
    }
}

impl fmt::Debug for WaitOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("backoff", &self.backoff)
            .field("on_poll", &self.on_poll)
            .finish()
    }
}

/// The progress callback of a wait, borrowed from the caller.
#[derive(Clone, Copy)]
pub struct OnPoll<'a>(&'a (dyn Fn(&Progress<'_>) + Sync));

impl OnPoll<'_> {
    /// Reports one poll.
    pub fn report(&self, progress: &Progress<'_>) {
        (self.0)(progress)
    }
}

impl fmt::Debug for OnPoll<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnPoll(..)")
    }
}

/// One poll of a wait, as the progress callback sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// What is waited for, such as `instance 4d3f…` or `deletion of backup 9a0c…`.
    pub resource: &'a str,
    /// The state the poll found, as Trove spells it (`BUILD`, `DELETED` once gone).
    pub status: &'a str,
    /// Time since the wait started (tokio's clock).
    pub elapsed: Duration,
    /// Polls made so far, this one included.
    pub polls: u32,
}

/// What a poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The wait succeeded.
    Done,
    /// Keep polling.
    Pending,
    /// The resource will not get there.
    Failed,
}

/// A test of what a poll found, in the manner of kube-runtime's `wait::Condition`: `None` is a
/// resource that is gone (the server answered 404).
pub trait Condition<K> {
    /// Judges one poll.
    fn check(&self, resource: Option<&K>) -> Check;
}

impl<K, F: Fn(Option<&K>) -> Check> Condition<K> for F {
    fn check(&self, resource: Option<&K>) -> Check {
        self(resource)
    }
}

/// The named conditions of the waiters, written once for every kind that settles.
pub mod conditions {
    use trove_types::Settle;

    use super::Check;

    /// Done when the resource is ready ([`Settle::is_ready`]); failed when it failed
    /// ([`Settle::is_failed`]) or is gone.
    pub fn is_ready<K: Settle>(resource: Option<&K>) -> Check {
        matches(K::is_ready)(resource)
    }

    /// Done when the resource is gone; failed when its deletion failed
    /// ([`Settle::is_delete_failed`]).
    pub fn is_deleted<K: Settle>(resource: Option<&K>) -> Check {
        match resource {
            None => Check::Done,
            Some(k) if k.is_delete_failed() => Check::Failed,
            Some(_) => Check::Pending,
        }
    }

    /// Done when `done` holds; otherwise failed when the resource failed
    /// ([`Settle::is_failed`]) or is gone. A failure state that `done` accepts ends the wait
    /// in success.
    pub fn matches<K: Settle>(done: impl Fn(&K) -> bool) -> impl Fn(Option<&K>) -> Check {
        move |resource| match resource {
            Some(k) if done(k) => Check::Done,
            Some(k) if k.is_failed() => Check::Failed,
            Some(_) => Check::Pending,
            None => Check::Failed,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use trove_types::instance::InstanceEnvelope;
        use trove_types::{Instance, InstanceStatus};

        fn instance(status: &str) -> Instance {
            let body =
                format!(r#"{{"instance": {{"id": "i", "name": "n", "status": "{status}"}}}}"#);
            serde_json::from_str::<InstanceEnvelope>(&body)
                .unwrap()
                .instance
        }

        #[test]
        fn the_named_conditions_judge_like_the_waiters_always_did() {
            let judge = |status: &str| {
                let i = instance(status);
                (
                    is_ready(Some(&i)),
                    is_deleted(Some(&i)),
                    matches(|i: &Instance| i.status == InstanceStatus::Failed)(Some(&i)),
                )
            };
            assert_eq!(
                judge("ACTIVE"),
                (Check::Done, Check::Pending, Check::Pending)
            );
            assert_eq!(
                judge("HEALTHY"),
                (Check::Done, Check::Pending, Check::Pending)
            );
            assert_eq!(
                judge("BUILD"),
                (Check::Pending, Check::Pending, Check::Pending)
            );
            assert_eq!(
                judge("ERROR"),
                (Check::Failed, Check::Failed, Check::Failed)
            );
            // A state the caller waits for wins over failure.
            assert_eq!(
                judge("FAILED"),
                (Check::Failed, Check::Pending, Check::Done)
            );
            assert_eq!(is_deleted::<Instance>(None), Check::Done);
            assert_eq!(is_ready::<Instance>(None), Check::Failed);
        }
    }
}
