//! Fitting a GEMM efficiency model to measured kernel times, and checking it
//! on kernels it did not see.
//!
//! ```text
//!   t(kernel) = max(flops / (peak x efficiency), bytes / bandwidth) + overhead
//! ```
//!
//! `efficiency` (the large-GEMM fraction of peak the step model uses) and
//! `overhead` (a fixed cost per call, which makes small GEMMs inefficient)
//! come from a weighted least-squares fit of the compute term, relative
//! errors weighted equally.

use serde::{Deserialize, Serialize};

/// One GEMM measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GemmSample {
    /// Rows of the output.
    pub m: u64,
    /// Columns of the output.
    pub n: u64,
    /// Inner dimension.
    pub k: u64,
    /// Threads used.
    pub threads: u32,
    /// Precision (`fp32`, `bf16`, ...).
    pub precision: String,
    /// Median time of one call over its best runs \[s\].
    pub time_s: f64,
    /// Relative spread of its best runs (0 in profiles written before it was measured).
    #[serde(default)]
    pub spread: f64,
}

impl GemmSample {
    /// `2 m n k`.
    pub fn flops(&self) -> f64 {
        2.0 * self.m as f64 * self.n as f64 * self.k as f64
    }

    /// Bytes of the three matrices at `elem` bytes per element.
    pub fn bytes(&self, elem: f64) -> f64 {
        elem * (self.m * self.k + self.k * self.n + self.m * self.n) as f64
    }
}

/// A fitted efficiency model for one precision and thread count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GemmFit {
    /// Dense peak the efficiency is relative to \[FLOP/s\].
    pub peak_flops: f64,
    /// Large-GEMM efficiency: achieved / peak.
    pub efficiency: f64,
    /// Fixed cost per call \[µs\].
    pub overhead_us: f64,
    /// Memory bandwidth for the roofline's other side \[B/s\].
    pub bandwidth_bytes_per_s: f64,
    /// Bytes per element.
    pub element_bytes: f64,
}

impl GemmFit {
    /// Predicted time of a GEMM.
    pub fn predict(&self, s: &GemmSample) -> f64 {
        let compute = s.flops() / (self.peak_flops * self.efficiency);
        let memory = s.bytes(self.element_bytes) / self.bandwidth_bytes_per_s;
        compute.max(memory) + self.overhead_us * 1e-6
    }
}

/// Fits `t = flops / (peak x e) + t0` to samples, minimising relative error.
/// Returns `None` with fewer than two samples or a degenerate system.
pub fn fit(samples: &[GemmSample], peak_flops: f64, bandwidth: f64, element_bytes: f64) -> Option<GemmFit> {
    if samples.len() < 2 {
        return None;
    }
    // Weighted least squares on t = a f + b with weights 1/t^2.
    let (mut sw, mut sf, mut sff, mut st, mut sft) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for s in samples {
        let w = 1.0 / (s.time_s * s.time_s);
        let f = s.flops();
        sw += w;
        sf += w * f;
        sff += w * f * f;
        st += w * s.time_s;
        sft += w * f * s.time_s;
    }
    let det = sw * sff - sf * sf;
    if det.abs() < f64::EPSILON * sw * sff {
        return None;
    }
    let mut a = (sw * sft - sf * st) / det;
    let mut b = (sff * st - sf * sft) / det;
    if b < 0.0 {
        // No negative overhead: refit through the origin.
        b = 0.0;
        a = sft / sff;
    }
    (a > 0.0).then(|| GemmFit {
        peak_flops,
        efficiency: 1.0 / (a * peak_flops),
        overhead_us: b * 1e6,
        bandwidth_bytes_per_s: bandwidth,
        element_bytes,
    })
}

/// A held-out kernel's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    /// The kernel.
    pub kernel: String,
    /// Threads.
    pub threads: u32,
    /// Measured time \[s\].
    pub measured_s: f64,
    /// Predicted time \[s\].
    pub predicted_s: f64,
    /// (predicted - measured) / measured.
    pub error: f64,
    /// Relative spread of the measurement's best runs.
    #[serde(default)]
    pub spread: f64,
}

/// Errors on held-out kernels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Median |error| (fraction).
    pub median_abs_error: f64,
    /// Largest |error| (fraction).
    pub max_abs_error: f64,
    /// Every held-out kernel.
    pub kernels: Vec<HeldOut>,
}

impl Validation {
    /// Statistics over the given predictions.
    pub fn of(kernels: Vec<HeldOut>) -> Validation {
        let mut e: Vec<f64> = kernels.iter().map(|k| k.error.abs()).collect();
        e.sort_by(f64::total_cmp);
        let median = match e.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => e[n / 2],
            n => (e[n / 2 - 1] + e[n / 2]) / 2.0,
        };
        Validation { median_abs_error: median, max_abs_error: e.last().copied().unwrap_or(f64::NAN), kernels }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(m: u64, n: u64, k: u64, t: f64) -> GemmSample {
        GemmSample { m, n, k, threads: 1, precision: "fp32".into(), time_s: t, spread: 0.0 }
    }

    proptest! {
        #[test]
        fn recovers_known_parameters(e in 0.3f64..0.95, t0 in 0.5f64..20.0) {
            // Synthetic measurements from known efficiency and overhead, compute-bound shapes.
            let truth = GemmFit { peak_flops: 1e12, efficiency: e, overhead_us: t0, bandwidth_bytes_per_s: 1e15, element_bytes: 4.0 };
            let shapes = [(128, 128, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 256, 1024), (4096, 128, 512)];
            let samples: Vec<GemmSample> = shapes.iter().map(|&(m, n, k)| {
                let s = sample(m, n, k, 1.0);
                GemmSample { time_s: truth.predict(&s), ..s }
            }).collect();
            let f = fit(&samples, 1e12, 1e15, 4.0).unwrap();
            prop_assert!((f.efficiency - e).abs() / e < 1e-6, "{} vs {e}", f.efficiency);
            prop_assert!((f.overhead_us - t0).abs() < 1e-6 * t0.max(1.0), "{} vs {t0}", f.overhead_us);
        }
    }

    #[test]
    fn too_few_samples() {
        assert!(fit(&[sample(8, 8, 8, 1e-6)], 1e12, 1e11, 4.0).is_none());
    }

    #[test]
    fn validation_statistics() {
        let k = |e: f64| HeldOut {
            kernel: "x".into(),
            threads: 1,
            measured_s: 1.0,
            predicted_s: 1.0 + e,
            error: e,
            spread: 0.0,
        };
        let v = Validation::of(vec![k(0.1), k(-0.3), k(0.05)]);
        assert_eq!(v.median_abs_error, 0.1);
        assert_eq!(v.max_abs_error, 0.3);
    }
}
