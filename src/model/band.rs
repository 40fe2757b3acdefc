//! Error bands from validation residuals: how far true step times fell from
//! predicted ones on the check rows of the same accelerator generation and
//! model class, applied to a new prediction as its P10-P90 range.
//!
//! ```text
//!  check rows ──► ratio = true step / predicted step, grouped by (generation, class)
//!  prediction ──► step x [P10, P90] of its group's ratios   (never excluding the point itself)
//! ```
//!
//! A group with fewer than [`MIN_ROWS`](crate::model::band::MIN_ROWS) check rows borrows the generation's
//! rows of every class, then every check row; the band says which it used and
//! an unvalidated combination says so.

use serde::Serialize;

/// Fewest check rows a band is taken from.
pub const MIN_ROWS: usize = 5;

/// A validation row as the band sees it.
pub trait Residual {
    /// (generation, class, recipe).
    fn key(&self) -> (&str, &str, &str);
    /// True step time over predicted step time.
    fn ratio(&self) -> f64;
    /// Whether it is a check row.
    fn is_check(&self) -> bool;
    /// Row id.
    fn id(&self) -> &str;
}

#[derive(Debug, Clone)]
struct Point {
    id: String,
    generation: String,
    class: String,
    recipe: String,
    ratio: f64,
}

/// The check-row residuals, ready to give bands.
#[derive(Debug, Clone, Default)]
pub struct Bands {
    points: Vec<Point>,
}

/// A P10-P90 range of the ratio of true to predicted step time, and what it
/// rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    /// P10 of true / predicted step time (at most 1).
    pub low: f64,
    /// P90 of true / predicted step time (at least 1).
    pub high: f64,
    /// The rows it comes from, in words (`12 check rows, blackwell-ultra dense`).
    pub basis: String,
    /// Set when no check row matches the prediction's generation, class or
    /// recipe: `unvalidated: no moe rows on cdna4`.
    pub unvalidated: Option<String>,
}

impl Band {
    /// Whether a ratio of true to predicted step time lies inside.
    pub fn contains(&self, ratio: f64) -> bool {
        self.low <= ratio && ratio <= self.high
    }

    /// A step time's band \[s\]: (P10, P90).
    pub fn step(&self, step_s: f64) -> (f64, f64) {
        (step_s * self.low, step_s * self.high)
    }

    /// A throughput's band (tokens/s, MFU): (P10, P90), slow end first.
    pub fn rate(&self, rate: f64) -> (f64, f64) {
        (rate / self.high, rate / self.low)
    }
}

/// Quantile of sorted values, linear between order statistics (type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let (i, frac) = (pos.floor() as usize, pos.fract());
            let next = sorted[(i + 1).min(n - 1)];
            sorted[i] + frac * (next - sorted[i])
        }
    }
}

impl Bands {
    /// The check rows of a validation.
    pub fn from_rows<R: Residual>(rows: &[R]) -> Bands {
        let points = rows
            .iter()
            .filter(|r| r.is_check() && r.ratio().is_finite() && r.ratio() > 0.0)
            .map(|r| {
                let (generation, class, recipe) = r.key();
                Point {
                    id: r.id().into(),
                    generation: generation.into(),
                    class: class.into(),
                    recipe: recipe.into(),
                    ratio: r.ratio(),
                }
            })
            .collect();
        Bands { points }
    }

    /// The band of a prediction on `generation` (none: not in any group),
    /// for a `class` model at `recipe`.
    pub fn band(&self, generation: Option<&str>, class: &str, recipe: &str) -> Band {
        self.band_without(generation, class, recipe, None)
    }

    /// The band a check row would get from the other check rows (how the
    /// bands' coverage is measured honestly).
    pub fn leave_one_out<R: Residual>(&self, row: &R) -> Option<Band> {
        let (generation, class, recipe) = row.key();
        (!self.points.is_empty()).then(|| self.band_without(Some(generation), class, recipe, Some(row.id())))
    }

    fn band_without(&self, generation: Option<&str>, class: &str, recipe: &str, skip: Option<&str>) -> Band {
        let pts: Vec<&Point> = self.points.iter().filter(|p| Some(p.id.as_str()) != skip).collect();
        let gen_name = generation.unwrap_or("this accelerator");
        let on_gen: Vec<&&Point> = pts.iter().filter(|p| Some(p.generation.as_str()) == generation).collect();
        let same: Vec<&&Point> = on_gen.iter().copied().filter(|p| p.class == class).collect();
        let unvalidated = if on_gen.is_empty() {
            Some(format!("unvalidated: no check rows on {gen_name}"))
        } else if same.is_empty() {
            Some(format!("unvalidated: no {class} rows on {gen_name}"))
        } else if !on_gen.iter().any(|p| p.recipe == recipe) {
            Some(format!("unvalidated: no {recipe} rows on {gen_name}"))
        } else {
            None
        };
        let (ratios, basis): (Vec<f64>, String) = if same.len() >= MIN_ROWS {
            (same.iter().map(|p| p.ratio).collect(), format!("{} check rows, {gen_name} {class}", same.len()))
        } else if on_gen.len() >= MIN_ROWS {
            (on_gen.iter().map(|p| p.ratio).collect(), format!("{} check rows, {gen_name} all classes", on_gen.len()))
        } else {
            (pts.iter().map(|p| p.ratio).collect(), format!("{} check rows, every generation", pts.len()))
        };
        let mut sorted = ratios;
        sorted.sort_by(f64::total_cmp);
        let (low, high) = if sorted.is_empty() { (1.0, 1.0) } else { (quantile(&sorted, 0.1), quantile(&sorted, 0.9)) };
        Band { low: low.min(1.0), high: high.max(1.0), basis, unvalidated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    struct Row(String, &'static str, &'static str, f64);
    impl Residual for Row {
        fn key(&self) -> (&str, &str, &str) {
            (self.1, self.2, "fp8")
        }
        fn ratio(&self) -> f64 {
            self.3
        }
        fn is_check(&self) -> bool {
            true
        }
        fn id(&self) -> &str {
            &self.0
        }
    }

    proptest! {
        #[test]
        fn band_is_ordered_and_holds_the_point(ratios in prop::collection::vec(0.3f64..3.0, 1..40), step in 1e-3f64..1e4) {
            let rows: Vec<Row> =
                ratios.iter().enumerate().map(|(i, r)| Row(format!("r{i}"), "blackwell", "dense", *r)).collect();
            let b = Bands::from_rows(&rows).band(Some("blackwell"), "dense", "fp8");
            let (lo, hi) = b.step(step);
            prop_assert!(lo <= step && step <= hi);
            let (slow, fast) = b.rate(1.0 / step);
            prop_assert!(slow <= 1.0 / step * (1.0 + 1e-12) && 1.0 / step <= fast * (1.0 + 1e-12));
            prop_assert!(lo.is_finite() && hi.is_finite());
        }
    }

    #[test]
    fn a_missing_group_is_named_unvalidated() {
        let rows: Vec<Row> = (0..6).map(|i| Row(format!("r{i}"), "hopper", "dense", 1.0 + 0.01 * i as f64)).collect();
        let b = Bands::from_rows(&rows);
        assert_eq!(
            b.band(Some("cdna4"), "moe", "fp8").unvalidated.as_deref(),
            Some("unvalidated: no check rows on cdna4")
        );
        assert_eq!(
            b.band(Some("hopper"), "moe", "fp8").unvalidated.as_deref(),
            Some("unvalidated: no moe rows on hopper")
        );
        assert_eq!(b.band(Some("hopper"), "dense", "fp8").unvalidated, None);
        assert_eq!(
            b.band(Some("hopper"), "dense", "nvfp4").unvalidated.as_deref(),
            Some("unvalidated: no nvfp4 rows on hopper")
        );
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
    }
}
