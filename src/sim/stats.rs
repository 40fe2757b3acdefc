//! Order statistics and percentiles for the simulation.
//!
//! The slowest of `n` ranks with i.i.d. normal jitter is sampled directly:
//! if `U` is uniform, `Φ⁻¹(U^{1/n})` has the law of the maximum of `n`
//! standard normals, so a step of a 100,000-GPU job costs one draw, not
//! 100,000.

use super::Percentiles;

/// Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13).
pub fn gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}

/// Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation,
/// relative error below 1.2e-9), for 0 < p < 1.
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let low = 0.024_25;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// One draw of the maximum of `n` standard normals from a uniform `u`.
pub fn max_normal(u: f64, n: u32) -> f64 {
    // u^{1/n} = exp(ln u / n), computed without losing the tail for large n.
    let p = (u.ln() / f64::from(n.max(1))).exp();
    inverse_normal(p)
}

/// E[max of `n` standard normals], by quadrature of `∫ Φ⁻¹(u^{1/n}) du`.
pub fn expected_max_normal(n: u32) -> f64 {
    if n < 2 {
        return 0.0;
    }
    // Midpoint rule on a grid dense near u = 0, where the integrand's tail lives.
    let steps = 4096;
    let mut sum = 0.0;
    for i in 0..steps {
        let v = (f64::from(i) + 0.5) / f64::from(steps);
        // u = v^4 puts points near 0; du = 4 v^3 dv.
        let u = v.powi(4);
        sum += max_normal(u, n) * 4.0 * v.powi(3);
    }
    sum / f64::from(steps)
}

/// Nearest-rank percentiles (0 for an empty set).
pub fn percentiles(mut v: Vec<f64>) -> Percentiles {
    if v.is_empty() {
        return Percentiles { p50: 0.0, p90: 0.0, p99: 0.0 };
    }
    v.sort_by(f64::total_cmp);
    Percentiles { p50: nearest_rank(&v, 0.50), p90: nearest_rank(&v, 0.90), p99: nearest_rank(&v, 0.99) }
}

/// Nearest-rank quantile `q` of `v` (0 for an empty set).
pub fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { nearest_rank(&v, q) }
}

fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_matches_known_values() {
        assert!((gamma(1.0) - 1.0).abs() < 1e-12);
        assert!((gamma(5.0) - 24.0).abs() < 1e-10);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
        assert!((gamma(1.5) - 0.886_226_925_452_758).abs() < 1e-12);
    }

    #[test]
    fn inverse_normal_matches_tables() {
        assert!(inverse_normal(0.5).abs() < 1e-9);
        assert!((inverse_normal(0.975) - 1.959_963_985).abs() < 1e-7);
        assert!((inverse_normal(0.001) + 3.090_232_306).abs() < 1e-7);
    }

    #[test]
    fn expected_max_matches_tabulated_order_statistics() {
        // E[max of n standard normals]: 2 → 1/√π, 10 → 1.538753, 100 → 2.507594.
        assert!((expected_max_normal(2) - 0.564_189_58).abs() < 2e-3);
        assert!((expected_max_normal(10) - 1.538_753).abs() < 2e-3);
        assert!((expected_max_normal(100) - 2.507_594).abs() < 3e-3);
    }

    #[test]
    fn sampled_maximum_has_the_order_statistic_mean() {
        use crate::engine::rng::RngStreams;
        use rand::RngExt;
        let mut rng = RngStreams::new(7).stream("t");
        let n = 16_384;
        let draws = 20_000;
        let mean = (0..draws).map(|_| max_normal(rng.random::<f64>().max(1e-300), n)).sum::<f64>() / f64::from(draws);
        assert!((mean - expected_max_normal(n)).abs() < 0.01, "{mean} vs {}", expected_max_normal(n));
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let p = percentiles((1..=100).map(f64::from).collect());
        assert_eq!((p.p50, p.p90, p.p99), (50.0, 90.0, 99.0));
    }
}
