//! The one place the auth crate reads the time, so expiry is testable without sleeping.

use std::fmt::Debug;
use std::time::SystemTime;

/// A source of wall-clock time. Token expiry is compared against it.
pub trait Clock: Send + Sync + Debug + 'static {
    /// Returns the current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The single sanctioned read of the system clock.
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}
