//! The time background work goes by (deadlines, reminders, retries): the system's, or in
//! tests the system's shifted ahead, so a test can let hours pass without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

use crate::domain::rules;

/// A clock; clones share their shift.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's time.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// The system's time, shifted by what [`Clock::advance`] adds: for tests.
    pub fn shiftable() -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(0))))
    }

    /// Now, to the millisecond.
    pub fn now(&self) -> DateTime<Utc> {
        let shift = self.0.as_ref().map_or(0, |s| s.load(Ordering::Acquire));
        rules::now() + Duration::milliseconds(shift)
    }

    /// Moves a shiftable clock ahead (a system clock stays as it is).
    pub fn advance(&self, by: Duration) {
        if let Some(shift) = &self.0 {
            shift.fetch_add(by.num_milliseconds(), Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shiftable_clock_moves_ahead_and_clones_share_it() {
        let clock = Clock::shiftable();
        let copy = clock.clone();
        clock.advance(Duration::hours(11));
        let ahead = copy.now() - rules::now();
        assert!(ahead >= Duration::hours(11) && ahead < Duration::hours(11) + Duration::seconds(5));
        let system = Clock::system();
        system.advance(Duration::hours(1));
        assert!(system.now() - rules::now() < Duration::seconds(5));
    }
}
