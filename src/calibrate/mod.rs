//! Calibration: measure kernels on the hardware at hand, fit the efficiency
//! model, prove it on kernels the fit did not see, and write a profile that
//! `step` and `plan` read with `--calibration FILE`.
//!
//! ```text
//!  discover (CUDA driver, CPU) ──► measure (GEMM grid, STREAM) ──► fit two of three shapes
//!        ──► predict the third ──► profile JSON (raw data, fit, validation, step profile)
//! ```
//!
//! The CPU suite runs everywhere and is what CI exercises. CUDA devices are
//! discovered through the driver loaded at run time; the CUDA kernel suite
//! is not built yet (see README).

pub mod cpu;
pub mod cuda;
pub mod fit;

use crate::model::training::Profile;
use crate::model::training::profile::DeviceEfficiency;
use fit::{GemmFit, GemmSample, HeldOut, Validation};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Version of the profile format.
pub const PROFILE_VERSION: u32 = 1;

/// What was measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// `cpu` or `cuda`.
    pub kind: String,
    /// Id used in the step profile (`cpu`, or a catalog accelerator id).
    pub id: String,
    /// Description.
    pub name: String,
    /// CPU details, for the CPU suite.
    pub cpu: Option<cpu::CpuInfo>,
    /// CUDA devices seen (none measured yet).
    pub cuda: Vec<cuda::CudaDevice>,
}

/// A fit for one thread count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitEntry {
    /// Threads.
    pub threads: u32,
    /// Precision.
    pub precision: String,
    /// The fitted model.
    pub fit: GemmFit,
    /// Kernels it was fitted on.
    pub fitted_kernels: usize,
}

/// A calibration profile: versioned, with every raw measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Format version.
    pub version: u32,
    /// rackscale version that wrote it.
    pub tool: String,
    /// UTC date of the measurement.
    pub date: String,
    /// Quick grid.
    pub quick: bool,
    /// The device.
    pub device: Device,
    /// STREAM copy bandwidth \[B/s\].
    pub stream_copy_bytes_per_s: f64,
    /// STREAM triad bandwidth \[B/s\].
    pub stream_triad_bytes_per_s: f64,
    /// Every GEMM measured.
    pub gemms: Vec<GemmSample>,
    /// Fits, one per thread count.
    pub fits: Vec<FitEntry>,
    /// Held-out kernels: every third shape of each thread count.
    pub validation: Validation,
    /// Set when this profile was transferred from another device (a scaled prior).
    pub transferred_from: Option<String>,
    /// Kernels whose best runs did not agree within 3%: measured, kept, not fitted on.
    #[serde(default)]
    pub unstable_kernels: usize,
    /// The efficiency profile `step` and `plan` use.
    pub profile: Profile,
}

/// Which kernels are held out: every third.
fn held_out(i: usize) -> bool {
    i % 3 == 2
}

/// The machine was too busy for its timings to settle: no profile is written.
#[derive(Debug, thiserror::Error)]
#[error(
    "the machine was too noisy to calibrate: {unstable} of {measured} kernels did not settle within {pct:.0}% (spread of their best 5 runs) in ten times their budget, {why}; rerun on an idle machine"
)]
pub struct TooNoisy {
    /// Kernels whose best runs disagreed.
    pub unstable: usize,
    /// Kernels measured.
    pub measured: usize,
    /// The spread allowed, in percent.
    pub pct: f64,
    /// What could not be done.
    pub why: &'static str,
}

/// Runs the CPU suite, fits on the kernels whose timings settled and checks
/// on the held-out ones; refuses when too few settled to fit or to check.
pub fn run_cpu(quick: bool, progress: &mut dyn FnMut(&str)) -> Result<Calibration, TooNoisy> {
    let info = cpu::CpuInfo::detect();
    let budget = Duration::from_millis(if quick { 40 } else { 200 });
    progress("STREAM copy and triad");
    let (copy, triad) = cpu::stream(if quick { 1 << 21 } else { 1 << 23 }, budget);
    let shapes = cpu::shapes(quick);
    let mut gemms = Vec::new();
    for threads in thread_counts(info.threads) {
        for &(m, n, k) in &shapes {
            progress(&format!("fp32 GEMM {m}x{n}x{k} on {threads} thread(s)"));
            gemms.push(cpu::gemm_f32(m, n, k, threads, budget));
        }
    }
    let (fits, validation) = fit_and_validate(&gemms, &info, triad);
    let unstable = gemms.iter().filter(|g| g.spread > cpu::STABLE_SPREAD).count();
    let noisy = |why| TooNoisy { unstable, measured: gemms.len(), pct: cpu::STABLE_SPREAD * 100.0, why };
    if fits.is_empty() {
        return Err(noisy("so no thread count had three stable kernels to fit on"));
    }
    if validation.kernels.is_empty() {
        return Err(noisy("so no stable held-out kernel was left to check the fit on"));
    }
    let profile = step_profile("cpu", &fits, &format!("CPU suite on {} ({} threads)", info.model, info.threads));
    Ok(Calibration {
        version: PROFILE_VERSION,
        tool: format!("rackscale {}", env!("CARGO_PKG_VERSION")),
        date: today(),
        quick,
        device: Device {
            kind: "cpu".into(),
            id: "cpu".into(),
            name: info.model.clone(),
            cpu: Some(info),
            cuda: Vec::new(),
        },
        stream_copy_bytes_per_s: copy,
        stream_triad_bytes_per_s: triad,
        gemms,
        fits,
        validation,
        transferred_from: None,
        unstable_kernels: unstable,
        profile,
    })
}

fn thread_counts(max: u32) -> Vec<u32> {
    if max > 1 { vec![1, max] } else { vec![1] }
}

/// Fits each thread count on two shapes of three and predicts the third,
/// using only kernels whose timings settled (spread within 3%).
pub fn fit_and_validate(gemms: &[GemmSample], info: &cpu::CpuInfo, bandwidth: f64) -> (Vec<FitEntry>, Validation) {
    let mut fits = Vec::new();
    let mut held = Vec::new();
    let mut threads: Vec<u32> = gemms.iter().map(|g| g.threads).collect();
    threads.dedup();
    for t in threads {
        let group: Vec<&GemmSample> = gemms.iter().filter(|g| g.threads == t).collect();
        let stable = |g: &&&GemmSample| g.spread <= cpu::STABLE_SPREAD;
        let train: Vec<GemmSample> =
            group.iter().enumerate().filter(|(i, g)| !held_out(*i) && stable(g)).map(|(_, g)| (*g).clone()).collect();
        if train.len() < 3 {
            continue;
        }
        let Some(f) = fit::fit(&train, info.peak_fp32(t), bandwidth, 4.0) else { continue };
        for g in group.iter().enumerate().filter(|(i, g)| held_out(*i) && stable(g)).map(|(_, g)| g) {
            let predicted = f.predict(g);
            held.push(HeldOut {
                kernel: format!("gemm {} {}x{}x{}", g.precision, g.m, g.n, g.k),
                threads: t,
                measured_s: g.time_s,
                predicted_s: predicted,
                error: (predicted - g.time_s) / g.time_s,
                spread: g.spread,
            });
        }
        fits.push(FitEntry { threads: t, precision: "fp32".into(), fit: f, fitted_kernels: train.len() });
    }
    (fits, Validation::of(held))
}

/// The step-model profile of a measured device: the default constants, plus
/// this device's large-GEMM efficiency from the widest fit.
fn step_profile(id: &str, fits: &[FitEntry], what: &str) -> Profile {
    let mut p = crate::data::default_profile();
    let best = fits.iter().max_by_key(|f| f.threads).map(|f| f.fit.efficiency);
    p.device.retain(|d| d.accelerator != id);
    p.device.push(DeviceEfficiency {
        accelerator: id.into(),
        fp64: None,
        tf32: best,
        bf16: best,
        fp8: None,
        fp4: None,
        attention_forward: None,
        attention_backward: None,
        training_clock: None,
    });
    p.source = format!("rackscale calibrate: {what}; other constants from data/calibration/default.toml");
    p.date = today();
    p
}

/// A profile for `target` built from one measured on another device: its
/// efficiencies, as fractions of each device's own peak, are assumed to carry
/// over. A scaled prior, not a measurement, and marked so.
pub fn transfer(c: &Calibration, target: &str) -> Calibration {
    let mut out = c.clone();
    let note = format!(
        "SCALED PRIOR for `{target}`: efficiencies measured on {} ({}, {}) carried over as fractions of peak; not a measurement of {target}",
        c.device.name, c.device.id, c.date
    );
    let source = c.profile.device.iter().find(|d| d.accelerator == c.device.id).cloned();
    out.profile.device.retain(|d| d.accelerator != target);
    if let Some(mut d) = source {
        d.accelerator = target.to_owned();
        out.profile.device.push(d);
    }
    out.profile.source = note.clone();
    out.transferred_from = Some(note);
    out
}

/// Re-measures the GEMMs of an existing profile on this CPU and compares
/// them with what that profile predicts.
pub fn revalidate(c: &Calibration, progress: &mut dyn FnMut(&str)) -> Validation {
    let budget = Duration::from_millis(if c.quick { 40 } else { 200 });
    let mut held = Vec::new();
    for g in &c.gemms {
        let Some(f) = c.fits.iter().find(|f| f.threads == g.threads) else { continue };
        progress(&format!("fp32 GEMM {}x{}x{} on {} thread(s)", g.m, g.n, g.k, g.threads));
        let now = cpu::gemm_f32(g.m, g.n, g.k, g.threads, budget);
        let predicted = f.fit.predict(g);
        held.push(HeldOut {
            kernel: format!("gemm {} {}x{}x{}", g.precision, g.m, g.n, g.k),
            threads: g.threads,
            measured_s: now.time_s,
            predicted_s: predicted,
            error: (predicted - now.time_s) / now.time_s,
            spread: now.spread,
        });
    }
    Validation::of(held)
}

/// Measures `device` (`auto`, `cpu`, `cuda`, `cuda:N`): the CPU suite until
/// the CUDA one is built, with a note on what `auto` chose and why. A CUDA
/// device asked for by name is refused, not silently replaced.
pub fn measure(
    device: &str,
    quick: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<(Calibration, Option<String>), crate::error::UsageError> {
    use crate::error::UsageError;
    let cuda = cuda::devices();
    let note = match (device, &cuda) {
        ("cpu", _) => None,
        ("auto", Err(e)) => Some(format!("{e}: running the CPU suite")),
        ("auto", Ok(d)) => Some(format!(
            "found {} CUDA device(s) ({}); the CUDA suite is not built yet: running the CPU suite",
            d.len(),
            d.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
        )),
        (dev, Err(e)) if dev.starts_with("cuda") => return Err(UsageError(format!("--device {dev}: {e}"))),
        (dev, Ok(_)) if dev.starts_with("cuda") => {
            return Err(UsageError(format!(
                "--device {dev}: the CUDA kernel suite is not built yet (README: Calibration); use --device cpu"
            )));
        }
        (dev, _) => return Err(UsageError(format!("unknown --device `{dev}`; use auto, cpu, cuda or cuda:N"))),
    };
    let mut c = run_cpu(quick, progress).map_err(|e| UsageError(e.to_string()))?;
    c.device.cuda = cuda.unwrap_or_default();
    Ok((c, note))
}

/// Today's UTC date, `YYYY-MM-DD`, from the system clock (civil-from-days).
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthetic() -> Calibration {
        let info =
            cpu::CpuInfo { model: "test".into(), threads: 2, ghz: 2.0, fp32_flops_per_cycle: 32.0, caches: Vec::new() };
        let truth = GemmFit {
            peak_flops: info.peak_fp32(2),
            efficiency: 0.7,
            overhead_us: 3.0,
            bandwidth_bytes_per_s: 1e13,
            element_bytes: 4.0,
        };
        let gemms: Vec<GemmSample> = cpu::shapes(false)
            .into_iter()
            .map(|(m, n, k)| {
                let g = GemmSample { m, n, k, threads: 2, precision: "fp32".into(), time_s: 1.0, spread: 0.0 };
                GemmSample { time_s: truth.predict(&g), ..g }
            })
            .collect();
        let (fits, validation) = fit_and_validate(&gemms, &info, 1e13);
        Calibration {
            version: PROFILE_VERSION,
            tool: "test".into(),
            date: "2026-11-25".into(),
            quick: false,
            device: Device {
                kind: "cpu".into(),
                id: "cpu".into(),
                name: "test".into(),
                cpu: Some(info),
                cuda: Vec::new(),
            },
            stream_copy_bytes_per_s: 1e13,
            stream_triad_bytes_per_s: 1e13,
            gemms,
            profile: step_profile("cpu", &fits, "synthetic"),
            fits,
            validation,
            transferred_from: None,
            unstable_kernels: 0,
        }
    }

    #[test]
    fn unsettled_kernels_are_neither_fitted_nor_checked() {
        let c = synthetic();
        let info = c.device.cpu.clone().unwrap();
        // A noisy machine: every kernel's time doubled, but flagged as unsettled.
        let mut gemms = c.gemms.clone();
        for g in gemms.iter_mut().step_by(2) {
            g.time_s *= 2.0;
            g.spread = 0.5;
        }
        let (fits, validation) = fit_and_validate(&gemms, &info, 1e13);
        let settled = gemms.iter().filter(|g| g.spread <= cpu::STABLE_SPREAD).count();
        assert!(fits.iter().all(|f| f.fitted_kernels < settled), "{fits:?}");
        assert!(validation.kernels.iter().all(|k| k.spread <= cpu::STABLE_SPREAD));
        assert!(validation.max_abs_error < 0.01, "{validation:?}");
        // Nothing settled: nothing to fit on.
        for g in &mut gemms {
            g.spread = 0.5;
        }
        let (fits, validation) = fit_and_validate(&gemms, &info, 1e13);
        assert!(fits.is_empty() && validation.kernels.is_empty());
        let e = TooNoisy { unstable: 12, measured: 12, pct: 3.0, why: "so nothing could be fitted" }.to_string();
        assert!(e.contains("too noisy to calibrate: 12 of 12 kernels did not settle within 3%"), "{e}");
    }

    #[test]
    fn synthetic_measurements_validate_exactly() {
        let c = synthetic();
        assert!(c.validation.max_abs_error < 1e-9, "{:?}", c.validation);
        assert!((c.fits[0].fit.efficiency - 0.7).abs() < 1e-9);
        assert_eq!(c.validation.kernels.len(), 4);
    }

    #[test]
    fn profile_round_trips_through_json() {
        let c = synthetic();
        let text = serde_json::to_string_pretty(&c).unwrap();
        let back: Calibration = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn transfer_is_marked_as_a_prior() {
        let t = transfer(&synthetic(), "gb300");
        assert!(t.transferred_from.as_deref().is_some_and(|s| s.starts_with("SCALED PRIOR for `gb300`")));
        assert!(t.profile.source.contains("not a measurement"));
        assert!((t.profile.gemm("gb300", crate::catalog::Precision::Bf16) - 0.7).abs() < 1e-9);
    }

    #[test]
    fn dates_are_civil() {
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}
