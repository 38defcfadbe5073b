//! Simulated time: an integer count of microseconds, so runs are exact and identical on every
//! platform (floating-point clocks drift differently under different optimisations).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in simulated time, in microseconds since the start of the run.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    /// Far enough away to mean "never" while still leaving room for additions.
    pub const NEVER: SimTime = SimTime(u64::MAX / 4);

    pub const fn from_micros(micros: u64) -> SimTime {
        SimTime(micros)
    }
    pub const fn from_millis(millis: u64) -> SimTime {
        SimTime(millis.saturating_mul(1_000))
    }
    pub const fn from_secs(secs: u64) -> SimTime {
        SimTime(secs.saturating_mul(1_000_000))
    }
    /// Converts a non-negative, finite number of milliseconds; anything else saturates, so
    /// unvalidated input can never panic or wrap.
    pub fn from_millis_f64(millis: f64) -> SimTime {
        SimTime(micros_from_f64(millis * 1_000.0))
    }
    pub fn from_secs_f64(secs: f64) -> SimTime {
        SimTime(micros_from_f64(secs * 1_000_000.0))
    }
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }
    pub const fn saturating_sub(self, other: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(other.0))
    }
}

/// Rounds to the nearest microsecond, clamping NaN and negatives to zero and huge values to
/// [`SimTime::NEVER`].
pub(crate) fn micros_from_f64(micros: f64) -> u64 {
    if micros.is_nan() || micros <= 0.0 {
        0
    } else if micros >= SimTime::NEVER.0 as f64 {
        SimTime::NEVER.0
    } else {
        // Round half up without a libm call: this sits on the hot path of every draw.
        (micros + 0.5) as u64
    }
}

impl Add for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, rhs: SimTime) {
        *self = *self + rhs;
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    fn sub(self, rhs: SimTime) -> SimTime {
        self.saturating_sub(rhs)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_saturate_instead_of_panicking() {
        assert_eq!(SimTime::from_millis_f64(1.5), SimTime(1_500));
        assert_eq!(SimTime::from_millis_f64(-3.0), SimTime::ZERO);
        assert_eq!(SimTime::from_millis_f64(f64::NAN), SimTime::ZERO);
        assert_eq!(SimTime::from_secs_f64(f64::INFINITY), SimTime::NEVER);
        assert_eq!(SimTime(5) - SimTime(9), SimTime::ZERO);
        assert_eq!(SimTime(u64::MAX) + SimTime(1), SimTime(u64::MAX));
    }
}
