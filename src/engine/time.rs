//! Simulation time: integer nanoseconds, so equal times are exactly equal
//! and ties are broken only by insertion order.

use serde::Serialize;
use std::ops::{Add, Sub};

/// A point in simulated time \[ns since the start\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any event.
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// From seconds, rounded to the nanosecond and saturating.
    pub fn from_secs(s: f64) -> SimTime {
        if s.is_nan() || s <= 0.0 {
            SimTime(0)
        } else if s >= u64::MAX as f64 / 1e9 {
            SimTime::NEVER
        } else {
            SimTime((s * 1e9).round() as u64)
        }
    }

    /// In seconds.
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// In hours.
    pub fn hours(self) -> f64 {
        self.secs() / 3600.0
    }
}

/// A span of simulated time \[ns\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct SimDuration(pub u64);

impl SimDuration {
    /// From seconds, rounded and saturating.
    pub fn from_secs(s: f64) -> SimDuration {
        SimDuration(SimTime::from_secs(s).0)
    }

    /// In seconds.
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimTime::from_secs(1.5), SimTime(1_500_000_000));
        assert_eq!(SimTime::from_secs(-1.0), SimTime::ZERO);
        assert_eq!(SimTime::from_secs(f64::INFINITY), SimTime::NEVER);
        assert_eq!(SimTime::NEVER + SimDuration(5), SimTime::NEVER);
        assert_eq!((SimTime(10) - SimTime(3)).0, 7);
        assert_eq!(SimTime::from_secs(3600.0).hours(), 1.0);
    }
}
