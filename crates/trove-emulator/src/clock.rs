//! The emulator's clock: one wall-clock reading at start, then tokio time, so paused tests move
//! timestamps and task delays together.

use std::time::{Duration, UNIX_EPOCH};
use tokio::time::Instant;

/// Maps tokio instants to UTC wall-clock seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    wall_base: u64,
    mono_base: Instant,
    /// Time skipped by the control API's `clock?advance=`, added to every reading.
    skipped: Duration,
}

impl Clock {
    /// Reads the system clock once; every later time is derived from tokio's clock.
    pub(crate) fn start() -> Self {
        // The single wall-clock read: timestamps need a real date, and deriving the rest from
        // tokio's clock keeps them consistent with paused time.
        #[allow(clippy::disallowed_methods)]
        let now = std::time::SystemTime::now();
        let wall_base = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Self {
            wall_base,
            mono_base: Instant::now(),
            skipped: Duration::ZERO,
        }
    }

    /// Returns the current tokio instant, plus the time skipped with [`Clock::advance`].
    pub(crate) fn now(&self) -> Instant {
        let now = Instant::now();
        // The control API caps each advance, so this only falls back after centuries of skips.
        now.checked_add(self.skipped).unwrap_or(now)
    }

    /// Moves the emulator's time `by` forward: tasks fall due and tokens expire as if it had
    /// passed, while the process's own timers (fault delays) are untouched.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.skipped = self.skipped.saturating_add(by);
    }

    /// Returns the time skipped so far.
    pub(crate) fn skipped(&self) -> Duration {
        self.skipped
    }

    /// Returns the Unix time (seconds) of an instant.
    pub(crate) fn unix(&self, at: Instant) -> u64 {
        match at.checked_duration_since(self.mono_base) {
            Some(ahead) => self.wall_base + ahead.as_secs(),
            // Before the start: times loaded from a state file. Rounded down like the rest.
            None => {
                let behind = self.mono_base.duration_since(at);
                let secs = behind.as_secs() + u64::from(behind.subsec_nanos() > 0);
                self.wall_base.saturating_sub(secs)
            }
        }
    }

    /// Returns the instant of a Unix time (seconds), the inverse of [`Clock::unix`] (times before
    /// the clock's start map to its start when tokio cannot represent them).
    pub(crate) fn instant_of(&self, unix: u64) -> Instant {
        if unix >= self.wall_base {
            let ahead = Duration::from_secs(unix - self.wall_base);
            self.mono_base.checked_add(ahead).unwrap_or(self.mono_base)
        } else {
            let behind = Duration::from_secs(self.wall_base - unix);
            self.mono_base.checked_sub(behind).unwrap_or(self.mono_base)
        }
    }

    /// Formats an instant as Trove does: `YYYY-MM-DDTHH:MM:SS`, no zone.
    pub(crate) fn trove(&self, at: Instant) -> String {
        format_unix(self.unix(at))
    }

    /// Formats an instant to the millisecond, `YYYY-MM-DDTHH:MM:SS.mmmZ`, without the skipped
    /// time (the request log's wall-clock times).
    pub(crate) fn wall_millis(&self, at: Instant) -> String {
        let since = at.saturating_duration_since(self.mono_base);
        format!(
            "{}.{:03}Z",
            format_unix(self.wall_base + since.as_secs()),
            since.subsec_millis()
        )
    }

    /// Formats an instant plus an offset as `YYYY-MM-DDTHH:MM:SSZ` (Trove limits).
    pub(crate) fn zulu(&self, at: Instant) -> String {
        format!("{}Z", format_unix(self.unix(at)))
    }

    /// Formats an instant plus an offset as Keystone does: `YYYY-MM-DDTHH:MM:SS.000000Z`.
    pub(crate) fn keystone(&self, at: Instant, plus: Duration) -> String {
        format!("{}.000000Z", format_unix(self.unix(at) + plus.as_secs()))
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SS` (UTC, proleptic Gregorian).
pub(crate) fn format_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Converts days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::format_unix;

    #[test]
    fn formats_known_dates() {
        assert_eq!(format_unix(0), "1970-01-01T00:00:00");
        // 2026-11-27T11:02:08Z, the first capture's Date header.
        assert_eq!(format_unix(1_795_777_328), "2026-11-27T11:02:08");
        assert_eq!(format_unix(951_782_400), "2000-02-29T00:00:00");
    }
}
