//! Physical quantities that cross module boundaries, as SI newtypes.
//!
//! Every quantity is an `f64` in base SI units (seconds, bytes, FLOP, watts,
//! joules, US dollars). Files name their units in field names (`tdp_w`,
//! `hbm_tb_per_s`); conversion happens once, at the edge, with the `from_*`
//! constructors here. Only arithmetic with a physical meaning is implemented:
//!
//! ```
//! use rackscale::units::{Bytes, BytesPerSec, Seconds, Watts, Joules};
//! let t: Seconds = Bytes::from_gb(10.0) / BytesPerSec::from_gb_per_s(5.0);
//! assert_eq!(t, Seconds(2.0));
//! let e: Joules = Watts(1400.0) * Seconds(3600.0);
//! assert_eq!(e.kwh(), 1.4);
//! ```

use serde::{Deserialize, Serialize};
use std::ops::{Add, AddAssign, Div, Mul, Sub};

/// Declares a quantity newtype with same-type addition, subtraction, scaling
/// by a plain factor, the ratio of two quantities, and summation.
macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// Zero of this quantity.
            pub const ZERO: Self = Self(0.0);
            /// Unit symbol of the SI value held.
            pub const UNIT: &'static str = $unit;
            /// The value in SI base units.
            pub fn get(self) -> f64 {
                self.0
            }
            /// Larger of two quantities (NaN-free inputs assumed).
            pub fn max(self, other: Self) -> Self {
                Self(self.0.max(other.0))
            }
            /// Smaller of two quantities (NaN-free inputs assumed).
            pub fn min(self, other: Self) -> Self {
                Self(self.0.min(other.0))
            }
        }
        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }
        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }
        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, k: f64) -> Self {
                Self(self.0 * k)
            }
        }
        impl Mul<$name> for f64 {
            type Output = $name;
            fn mul(self, q: $name) -> $name {
                $name(self * q.0)
            }
        }
        impl Div<f64> for $name {
            type Output = Self;
            fn div(self, k: f64) -> Self {
                Self(self.0 / k)
            }
        }
        /// The ratio of two quantities of one kind is a plain number.
        impl Div for $name {
            type Output = f64;
            fn div(self, rhs: Self) -> f64 {
                self.0 / rhs.0
            }
        }
        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|q| q.0).sum())
            }
        }
    };
}

quantity!(
    /// A duration \[s\]. Analytics only: the simulation clock is integer nanoseconds.
    Seconds, "s"
);
quantity!(
    /// An amount of data \[B\].
    Bytes, "B"
);
quantity!(
    /// A data rate \[B/s\], per direction unless a name says otherwise.
    BytesPerSec, "B/s"
);
quantity!(
    /// An amount of floating-point work \[FLOP\].
    Flops, "FLOP"
);
quantity!(
    /// A compute rate \[FLOP/s\].
    FlopsPerSec, "FLOP/s"
);
quantity!(
    /// Power \[W\].
    Watts, "W"
);
quantity!(
    /// Energy \[J\].
    Joules, "J"
);
quantity!(
    /// Money \[USD\].
    Usd, "USD"
);

impl Seconds {
    /// From hours.
    pub fn from_hours(h: f64) -> Self {
        Self(h * 3600.0)
    }
    /// In hours.
    pub fn hours(self) -> f64 {
        self.0 / 3600.0
    }
}

impl Bytes {
    /// From decimal gigabytes (1e9 B), as vendors quote HBM.
    pub fn from_gb(gb: f64) -> Self {
        Self(gb * 1e9)
    }
    /// In decimal gigabytes.
    pub fn gb(self) -> f64 {
        self.0 / 1e9
    }
}

impl BytesPerSec {
    /// From decimal gigabytes per second.
    pub fn from_gb_per_s(gb: f64) -> Self {
        Self(gb * 1e9)
    }
    /// From decimal terabytes per second.
    pub fn from_tb_per_s(tb: f64) -> Self {
        Self(tb * 1e12)
    }
    /// From gigabits per second (line rates: 400G, 800G).
    pub fn from_gbit_per_s(gbit: f64) -> Self {
        Self(gbit * 1e9 / 8.0)
    }
    /// In gigabits per second.
    pub fn gbit_per_s(self) -> f64 {
        self.0 * 8.0 / 1e9
    }
}

impl FlopsPerSec {
    /// From TFLOP/s (1e12), as datasheets quote peaks.
    pub fn from_tflops(t: f64) -> Self {
        Self(t * 1e12)
    }
    /// In PFLOP/s (1e15).
    pub fn pflops(self) -> f64 {
        self.0 / 1e15
    }
    /// In EFLOP/s (1e18), the unit of vendors' cluster headlines.
    pub fn eflops(self) -> f64 {
        self.0 / 1e18
    }
}

impl Watts {
    /// From kilowatts.
    pub fn from_kw(kw: f64) -> Self {
        Self(kw * 1e3)
    }
    /// In kilowatts.
    pub fn kw(self) -> f64 {
        self.0 / 1e3
    }
    /// In megawatts.
    pub fn mw(self) -> f64 {
        self.0 / 1e6
    }
}

impl Joules {
    /// In kilowatt-hours.
    pub fn kwh(self) -> f64 {
        self.0 / 3.6e6
    }
    /// From kilowatt-hours.
    pub fn from_kwh(kwh: f64) -> Self {
        Self(kwh * 3.6e6)
    }
}

/// Transfer time of a message at a rate.
impl Div<BytesPerSec> for Bytes {
    type Output = Seconds;
    fn div(self, rate: BytesPerSec) -> Seconds {
        Seconds(self.0 / rate.0)
    }
}

/// Data moved at a rate over a time.
impl Mul<Seconds> for BytesPerSec {
    type Output = Bytes;
    fn mul(self, t: Seconds) -> Bytes {
        Bytes(self.0 * t.0)
    }
}

/// Compute time of some work at a rate.
impl Div<FlopsPerSec> for Flops {
    type Output = Seconds;
    fn div(self, rate: FlopsPerSec) -> Seconds {
        Seconds(self.0 / rate.0)
    }
}

/// Work done at a rate over a time.
impl Mul<Seconds> for FlopsPerSec {
    type Output = Flops;
    fn mul(self, t: Seconds) -> Flops {
        Flops(self.0 * t.0)
    }
}

/// Energy drawn at a power over a time.
impl Mul<Seconds> for Watts {
    type Output = Joules;
    fn mul(self, t: Seconds) -> Joules {
        Joules(self.0 * t.0)
    }
}

/// Mean power of an energy spread over a time.
impl Div<Seconds> for Joules {
    type Output = Watts;
    fn div(self, t: Seconds) -> Watts {
        Watts(self.0 / t.0)
    }
}

/// A plain fraction in `[0, 1]` (utilization, efficiency, share).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Fraction(f64);

impl Fraction {
    /// A fraction, or `None` outside `[0, 1]` or NaN.
    pub fn new(x: f64) -> Option<Self> {
        (0.0..=1.0).contains(&x).then_some(Self(x))
    }
    /// The value in `[0, 1]`.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Fraction {
    type Error = String;
    fn try_from(x: f64) -> Result<Self, String> {
        Self::new(x).ok_or_else(|| format!("expected a fraction between 0 and 1, found {x}"))
    }
}

impl From<Fraction> for f64 {
    fn from(f: Fraction) -> f64 {
        f.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    #[test]
    fn conversions_at_the_edge() {
        assert_eq!(BytesPerSec::from_gbit_per_s(800.0), BytesPerSec(100e9));
        assert_eq!(FlopsPerSec::from_tflops(2500.0).pflops(), 2.5);
        assert_eq!(Watts::from_kw(135.0).mw(), 0.135);
        assert_eq!(Seconds::from_hours(2.0), Seconds(7200.0));
        assert_eq!(Joules::from_kwh(1.0), Joules(3.6e6));
    }

    #[test]
    fn fraction_rejects_out_of_range() {
        assert!(Fraction::new(1.01).is_none());
        assert!(Fraction::new(-0.01).is_none());
        assert!(Fraction::new(f64::NAN).is_none());
        assert_eq!(Fraction::new(1.0).map(Fraction::get), Some(1.0));
    }

    proptest! {
        #[test]
        fn transfer_time_round_trips(b in 1.0f64..1e15, r in 1.0f64..1e13) {
            let t = Bytes(b) / BytesPerSec(r);
            assert_relative_eq!((BytesPerSec(r) * t).get(), b, max_relative = 1e-12);
        }

        #[test]
        fn compute_time_round_trips(f in 1.0f64..1e24, r in 1e9f64..1e21) {
            let t = Flops(f) / FlopsPerSec(r);
            assert_relative_eq!((FlopsPerSec(r) * t).get(), f, max_relative = 1e-12);
        }

        #[test]
        fn energy_is_power_times_time(p in 0.0f64..1e9, s in 1e-3f64..1e9) {
            let e = Watts(p) * Seconds(s);
            assert_relative_eq!((e / Seconds(s)).get(), p, max_relative = 1e-12);
        }

        #[test]
        fn energy_is_additive_over_intervals(p in 0.0f64..1e6, a in 0.0f64..1e6, b in 0.0f64..1e6) {
            let whole = Watts(p) * (Seconds(a) + Seconds(b));
            let parts = Watts(p) * Seconds(a) + Watts(p) * Seconds(b);
            assert_relative_eq!(whole.get(), parts.get(), max_relative = 1e-9, epsilon = 1e-9);
        }

        #[test]
        fn sum_matches_fold(xs in proptest::collection::vec(0.0f64..1e6, 0..50)) {
            let total: Usd = xs.iter().copied().map(Usd).sum();
            let fold = xs.iter().fold(0.0, |acc, x| acc + x);
            assert_relative_eq!(total.get(), fold, max_relative = 1e-12);
        }

        #[test]
        fn gbit_round_trips(g in 0.0f64..1e4) {
            assert_relative_eq!(BytesPerSec::from_gbit_per_s(g).gbit_per_s(), g, max_relative = 1e-12);
        }

        #[test]
        fn fraction_accepts_exactly_unit_interval(x in -2.0f64..2.0) {
            prop_assert_eq!(Fraction::new(x).is_some(), (0.0..=1.0).contains(&x));
        }

        #[test]
        fn fraction_serde_round_trips(x in 0.0f64..=1.0) {
            let f = Fraction::new(x).unwrap();
            let s = serde_json::to_string(&f).unwrap();
            prop_assert_eq!(serde_json::from_str::<Fraction>(&s).unwrap(), f);
        }
    }
}
