//! The CPU suite: fp32 GEMMs through the `gemm` crate (the kernels faer is
//! built on) over square and transformer-like skinny shapes at one thread and
//! at every thread, and STREAM-like copy and triad bandwidth.

use super::fit::GemmSample;
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The CPU, as the OS describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuInfo {
    /// Model name.
    pub model: String,
    /// Logical CPUs available to this process.
    pub threads: u32,
    /// Clock the peak estimate uses \[GHz\].
    pub ghz: f64,
    /// fp32 FLOPs per cycle per core from the vector units found (AVX-512: 64, AVX2+FMA: 32, else 8).
    pub fp32_flops_per_cycle: f64,
    /// Cache sizes by level, as reported (`L1d 48K`, ...).
    pub caches: Vec<String>,
}

impl CpuInfo {
    /// Reads /proc and /sys where present; falls back to what the standard library knows.
    pub fn detect() -> CpuInfo {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| {
            cpuinfo
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        };
        let model = field("model name").unwrap_or_else(|| std::env::consts::ARCH.to_owned());
        let mhz = std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok().map(|khz| khz / 1e3))
            .or_else(|| field("cpu MHz").and_then(|s| s.parse().ok()))
            .unwrap_or(2000.0);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        CpuInfo { model, threads, ghz: mhz / 1e3, fp32_flops_per_cycle: vector_flops(), caches: caches() }
    }

    /// Estimated fp32 peak of `threads` cores \[FLOP/s\]: clock x vector FLOPs per cycle.
    pub fn peak_fp32(&self, threads: u32) -> f64 {
        f64::from(threads) * self.ghz * 1e9 * self.fp32_flops_per_cycle
    }
}

fn vector_flops() -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return 64.0;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            return 32.0;
        }
    }
    8.0
}

fn caches() -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..8 {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{i}");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).ok().map(|s| s.trim().to_owned());
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size")) else { break };
        let tag = match kind.as_str() {
            "Data" => "d",
            "Instruction" => "i",
            _ => "",
        };
        out.push(format!("L{level}{tag} {size}"));
    }
    out
}

/// The GEMM shapes measured: (m, n, k). Square, then skinny as in transformer
/// layers (tokens x hidden x hidden, and the tall/flat projections).
pub fn shapes(quick: bool) -> Vec<(u64, u64, u64)> {
    if quick {
        vec![(128, 128, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (1024, 256, 512), (256, 1024, 512)]
    } else {
        vec![
            (128, 128, 128),
            (256, 256, 256),
            (512, 512, 512),
            (1024, 1024, 1024),
            (1536, 1536, 1536),
            (2048, 2048, 2048),
            (2048, 256, 1024),
            (256, 2048, 1024),
            (4096, 128, 512),
            (1024, 1024, 128),
            (512, 4096, 512),
            (2048, 2048, 256),
        ]
    }
}

/// Relative spread of a kernel's best runs under which its timing is stable.
pub const STABLE_SPREAD: f64 = 0.03;
/// Runs whose spread is judged.
const BEST: usize = 5;
/// How much longer than its budget a kernel may be repeated to settle.
const SETTLE: u32 = 10;

/// A kernel's time, and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Median of the best runs \[s\] (noise only ever slows a run).
    pub time_s: f64,
    /// (slowest - fastest) / fastest over the best runs.
    pub spread: f64,
    /// Runs made.
    pub runs: usize,
}

impl Timing {
    /// Whether the best runs agree within [`STABLE_SPREAD`].
    pub fn stable(&self) -> bool {
        self.spread <= STABLE_SPREAD
    }
}

/// Times `f` until its best runs agree within [`STABLE_SPREAD`] (after at
/// least `budget`), or until ten budgets have passed: a busy machine shows
/// as a spread that does not settle, not as a precise-looking number.
fn time_it(budget: Duration, mut f: impl FnMut()) -> Timing {
    f();
    let mut times = Vec::new();
    let start = Instant::now();
    loop {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64());
        if times.len() < BEST || (start.elapsed() < budget && times.len() < 1000) {
            continue;
        }
        times.sort_by(f64::total_cmp);
        let spread = (times[BEST - 1] - times[0]) / times[0].max(f64::MIN_POSITIVE);
        if spread <= STABLE_SPREAD || start.elapsed() >= budget * SETTLE || times.len() >= 10_000 {
            return Timing { time_s: times[BEST / 2], spread, runs: times.len() };
        }
    }
}

/// Times one fp32 GEMM `C = A B` (row-major) at `threads`.
pub fn gemm_f32(m: u64, n: u64, k: u64, threads: u32, budget: Duration) -> GemmSample {
    let (mu, nu, ku) = (m as usize, n as usize, k as usize);
    let a: Vec<f32> = (0..mu * ku).map(|i| (i % 7) as f32 * 0.25).collect();
    let b: Vec<f32> = (0..ku * nu).map(|i| (i % 5) as f32 * 0.5).collect();
    let mut c = vec![0f32; mu * nu];
    let par = if threads > 1 { gemm::Parallelism::Rayon(threads as usize) } else { gemm::Parallelism::None };
    let timing = time_it(budget, || {
        // SAFETY: the pointers cover m x k, k x n and m x n row-major f32
        // buffers owned above, with strides matching those shapes, and C does
        // not alias A or B.
        unsafe {
            gemm::gemm(
                mu,
                nu,
                ku,
                c.as_mut_ptr(),
                1,
                nu as isize,
                false,
                a.as_ptr(),
                1,
                ku as isize,
                b.as_ptr(),
                1,
                nu as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                par,
            );
        }
        black_box(&c);
    });
    GemmSample { m, n, k, threads, precision: "fp32".into(), time_s: timing.time_s, spread: timing.spread }
}

/// STREAM-like bandwidth \[B/s\]: (copy, triad), counting bytes read and written.
pub fn stream(elements: usize, budget: Duration) -> (f64, f64) {
    use rayon::prelude::*;
    let a = vec![1.0f64; elements];
    let mut b = vec![2.0f64; elements];
    let mut c = vec![0.0f64; elements];
    let bytes = 8.0 * elements as f64;
    let copy = time_it(budget, || {
        c.par_iter_mut().zip(a.par_iter()).for_each(|(c, a)| *c = *a);
        black_box(&c);
    });
    let triad = time_it(budget, || {
        b.par_iter_mut().zip(a.par_iter().zip(c.par_iter())).for_each(|(b, (a, c))| *b = a + 3.0 * c);
        black_box(&b);
    });
    (2.0 * bytes / copy.time_s, 3.0 * bytes / triad.time_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemm_is_correct_and_timed() {
        let s = gemm_f32(64, 32, 16, 1, Duration::from_millis(1));
        assert!(s.time_s > 0.0 && s.time_s < 1.0);
        // A quick correctness check of the call convention against a naive product.
        let (m, n, k) = (5usize, 3usize, 4usize);
        let a: Vec<f32> = (0..m * k).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32) - 2.0).collect();
        let mut c = vec![0f32; m * n];
        // SAFETY: buffers sized and strided as row-major m x k, k x n, m x n.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                1,
                k as isize,
                b.as_ptr(),
                1,
                n as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
        for i in 0..m {
            for j in 0..n {
                let want: f32 = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
                assert_eq!(c[i * n + j], want);
            }
        }
    }

    #[test]
    fn cpu_is_detected() {
        let c = CpuInfo::detect();
        assert!(c.threads >= 1 && c.ghz > 0.0 && c.peak_fp32(1) > 1e9);
    }
}
