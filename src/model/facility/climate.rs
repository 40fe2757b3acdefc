//! Hourly weather: a typical year generated from monthly climate normals, and
//! the psychrometrics it needs.
//!
//! A normal table gives, for each month, the mean daily maximum and minimum
//! temperature and the mean relative humidity (or dew point). The year is
//! built deterministically:
//! - daily maximum, minimum and dew point follow a smooth cycle through the
//!   mid-month points, corrected until each month's mean equals its normal;
//! - within a day the temperature rises on a half cosine from the minimum at
//!   06:00 to the maximum at 15:00 and falls on a half cosine to the next
//!   day's minimum (the shape of the WAVE diurnal model);
//! - the dew point stays constant through a day (absolute humidity changes
//!   slowly), capped at the dry bulb (fog);
//! - the wet bulb follows from dry bulb and humidity by Stull's formula.
//!
//! The year has no weather systems: no heat wave, no cold snap. Its hottest
//! hour is a normal July afternoon, not a design day; pass measured hourly
//! weather (`--weather`) for that.

/// Hours in a non-leap year.
pub const HOURS: usize = 8760;

/// Days in each month of a non-leap year.
pub const MONTH_DAYS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Published monthly normals of one station.
#[derive(Debug, Clone, PartialEq)]
pub struct Normals {
    /// Mean daily maximum temperature per month \[°C\].
    pub tmax_c: [f64; 12],
    /// Mean daily minimum temperature per month \[°C\].
    pub tmin_c: [f64; 12],
    /// Mean dew point per month \[°C\].
    pub dew_point_c: [f64; 12],
}

impl Normals {
    /// Normals with humidity given as monthly mean relative humidity: the dew
    /// point is taken at the month's mean temperature.
    pub fn from_humidity(tmax_c: [f64; 12], tmin_c: [f64; 12], rh_pct: [f64; 12]) -> Normals {
        let dew_point_c = std::array::from_fn(|m| dew_point((tmax_c[m] + tmin_c[m]) / 2.0, rh_pct[m]));
        Normals { tmax_c, tmin_c, dew_point_c }
    }
}

/// Hourly weather of one year, as columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Weather {
    /// Dry-bulb temperature \[°C\].
    pub dry_bulb_c: Vec<f64>,
    /// Wet-bulb temperature \[°C\].
    pub wet_bulb_c: Vec<f64>,
    /// Relative humidity \[%\].
    pub rh_pct: Vec<f64>,
    /// Month of each hour, 0 = January.
    pub month: Vec<u8>,
}

impl Weather {
    /// Hours.
    pub fn len(&self) -> usize {
        self.dry_bulb_c.len()
    }

    /// Whether there are no hours.
    pub fn is_empty(&self) -> bool {
        self.dry_bulb_c.is_empty()
    }

    /// The month index of each hour of a non-leap year.
    pub fn months_of_year() -> Vec<u8> {
        let mut m = Vec::with_capacity(HOURS);
        for (i, days) in MONTH_DAYS.iter().enumerate() {
            m.extend(std::iter::repeat_n(i as u8, days * 24));
        }
        m
    }

    /// The typical year of `normals`.
    pub fn typical_year(normals: &Normals) -> Weather {
        let tmax = daily(&normals.tmax_c);
        let tmin = daily(&normals.tmin_c);
        let dew = daily(&normals.dew_point_c);
        let mut w = Weather {
            dry_bulb_c: Vec::with_capacity(HOURS),
            wet_bulb_c: Vec::with_capacity(HOURS),
            rh_pct: Vec::with_capacity(HOURS),
            month: Self::months_of_year(),
        };
        for d in 0..365 {
            let next_min = tmin[(d + 1) % 365];
            let prev_max = tmax[(d + 364) % 365];
            for h in 0..24 {
                let t = diurnal(f64::from(h) + 0.5, tmin[d], tmax[d], prev_max, next_min);
                let td = dew[d].min(t);
                let rh = relative_humidity(t, td);
                w.dry_bulb_c.push(t);
                w.rh_pct.push(rh);
                w.wet_bulb_c.push(wet_bulb(t, rh, td));
            }
        }
        w
    }
}

/// Temperature at hour `h` (0-24) of a day with minimum `lo` at 06:00 and
/// maximum `hi` at 15:00; before 06:00 it falls from the previous day's
/// maximum, after 15:00 towards the next day's minimum.
fn diurnal(h: f64, lo: f64, hi: f64, prev_hi: f64, next_lo: f64) -> f64 {
    use std::f64::consts::PI;
    let fall = |from: f64, to: f64, x: f64| from - (from - to) * (1.0 - (PI * x).cos()) / 2.0;
    if h < 6.0 {
        fall(prev_hi, lo, (h + 9.0) / 15.0)
    } else if h < 15.0 {
        lo + (hi - lo) * (1.0 - (PI * (h - 6.0) / 9.0).cos()) / 2.0
    } else {
        fall(hi, next_lo, (h - 15.0) / 15.0)
    }
}

/// Daily values through the year whose monthly means equal `monthly`: linear
/// between mid-month knots (cyclic), with the knots corrected until the means
/// match (linear interpolation alone biases a month at a peak).
fn daily(monthly: &[f64; 12]) -> Vec<f64> {
    let mid: Vec<f64> = {
        let mut start = 0.0;
        MONTH_DAYS
            .iter()
            .map(|&d| {
                let m = start + d as f64 / 2.0;
                start += d as f64;
                m
            })
            .collect()
    };
    let mut knots = *monthly;
    let mut days = vec![0.0; 365];
    for _ in 0..12 {
        for (d, v) in days.iter_mut().enumerate() {
            let x = d as f64 + 0.5;
            // The knot at or before x (cyclically) and the one after.
            let i = mid.iter().rposition(|&m| m <= x).unwrap_or(11);
            let j = (i + 1) % 12;
            let (xi, mut xj) = (mid[i], mid[j]);
            let mut xx = x;
            if xj <= xi {
                xj += 365.0;
            }
            if xx < xi {
                xx += 365.0;
            }
            let f = (xx - xi) / (xj - xi);
            *v = knots[i] + (knots[j] - knots[i]) * f;
        }
        let mut start = 0;
        let mut worst: f64 = 0.0;
        for (m, &n) in MONTH_DAYS.iter().enumerate() {
            let mean = days[start..start + n].iter().sum::<f64>() / n as f64;
            let err = monthly[m] - mean;
            knots[m] += err;
            worst = worst.max(err.abs());
            start += n;
        }
        if worst < 1e-4 {
            break;
        }
    }
    days
}

/// Saturation vapour pressure over water \[hPa\] (Magnus, WMO-No. 8 constants).
pub fn saturation_hpa(t_c: f64) -> f64 {
    6.112 * (17.62 * t_c / (243.12 + t_c)).exp()
}

/// Dew point \[°C\] of air at `t_c` and `rh_pct` (Magnus form).
pub fn dew_point(t_c: f64, rh_pct: f64) -> f64 {
    let g = (rh_pct.clamp(1.0, 100.0) / 100.0).ln() + 17.62 * t_c / (243.12 + t_c);
    243.12 * g / (17.62 - g)
}

/// Relative humidity \[%\] of air at `t_c` with dew point `td_c`.
pub fn relative_humidity(t_c: f64, td_c: f64) -> f64 {
    (100.0 * saturation_hpa(td_c) / saturation_hpa(t_c)).min(100.0)
}

/// Wet-bulb temperature \[°C\] from dry bulb and relative humidity at sea
/// level: Stull, "Wet-bulb temperature from relative humidity and air
/// temperature", J. Appl. Meteor. Climatol. 50 (2011) 2267-2269; within
/// 0.3 K on average for RH 5-99% and -20 to 50 °C. Kept between the dew point
/// `td_c` and the dry bulb, where any wet bulb lies.
pub fn wet_bulb(t_c: f64, rh_pct: f64, td_c: f64) -> f64 {
    let rh = rh_pct.clamp(5.0, 99.0);
    let tw = t_c * (0.151_977 * (rh + 8.313_659).sqrt()).atan() + (t_c + rh).atan() - (rh - 1.676_331).atan()
        + 0.003_918_38 * rh.powf(1.5) * (0.023_101 * rh).atan()
        - 4.686_035;
    tw.clamp(td_c.min(t_c), t_c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn phoenix_like() -> Normals {
        Normals::from_humidity(
            [19.7, 21.7, 25.4, 29.7, 35.1, 40.6, 41.9, 40.9, 38.2, 31.9, 24.6, 19.1],
            [8.0, 9.6, 12.6, 16.5, 21.6, 26.6, 29.6, 29.0, 26.0, 19.4, 12.4, 7.6],
            [50.0, 44.0, 39.0, 28.0, 21.0, 17.0, 31.0, 36.0, 33.0, 33.0, 41.0, 52.0],
        )
    }

    #[test]
    fn typical_year_keeps_the_monthly_normals() {
        let n = phoenix_like();
        let w = Weather::typical_year(&n);
        assert_eq!(w.len(), HOURS);
        for m in 0..12 {
            let hours: Vec<usize> = (0..HOURS).filter(|&h| usize::from(w.month[h]) == m).collect();
            let mean = hours.iter().map(|&h| w.dry_bulb_c[h]).sum::<f64>() / hours.len() as f64;
            // The diurnal shape's mean is (max+min)/2 up to the asymmetry of the half cosines.
            assert_abs_diff_eq!(mean, (n.tmax_c[m] + n.tmin_c[m]) / 2.0, epsilon = 0.35);
            let hottest = hours.iter().map(|&h| w.dry_bulb_c[h]).fold(f64::MIN, f64::max);
            // Within a month the daily maximum follows the season towards the next month's.
            let near = n.tmax_c[(m + 11) % 12].max(n.tmax_c[(m + 1) % 12]).max(n.tmax_c[m]);
            assert!(hottest > n.tmax_c[m] - 1.0 && hottest < near + 1.0, "month {m}: {hottest}");
        }
        for h in 0..HOURS {
            assert!(w.wet_bulb_c[h] <= w.dry_bulb_c[h] + 1e-12);
            assert!(w.rh_pct[h] > 0.0 && w.rh_pct[h] <= 100.0);
        }
    }

    #[test]
    fn daily_cycle_peaks_in_the_afternoon() {
        let w = Weather::typical_year(&phoenix_like());
        let day = 190 * 24;
        let t = &w.dry_bulb_c[day..day + 24];
        let hottest = (0..24).max_by(|&a, &b| t[a].total_cmp(&t[b])).unwrap();
        let coldest = (0..24).min_by(|&a, &b| t[a].total_cmp(&t[b])).unwrap();
        assert!((14..=15).contains(&hottest) && (5..=6).contains(&coldest), "{hottest} {coldest}");
    }

    #[test]
    fn psychrometrics_match_tables() {
        // Stull (2011): 20 °C and 50% give 13.7 °C wet bulb.
        assert_abs_diff_eq!(wet_bulb(20.0, 50.0, dew_point(20.0, 50.0)), 13.7, epsilon = 0.1);
        // Saturated air: the wet bulb is the dry bulb.
        assert_abs_diff_eq!(wet_bulb(25.0, 100.0, 25.0), 25.0, epsilon = 0.4);
        assert_abs_diff_eq!(dew_point(25.0, 100.0), 25.0, epsilon = 1e-9);
        assert_abs_diff_eq!(relative_humidity(30.0, dew_point(30.0, 40.0)), 40.0, epsilon = 1e-9);
        assert_abs_diff_eq!(saturation_hpa(0.0), 6.112, epsilon = 1e-12);
    }
}
