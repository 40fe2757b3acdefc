use super::*;

use super::example::comparison as fixture;

#[test]
fn quantiles_are_ordered_and_lognormal_keeps_its_ends() {
    for d in [
        Dist::Uniform { lo: 1.0, hi: 3.0 },
        Dist::Triangular { lo: 1.0, mode: 1.5, hi: 3.0 },
        Dist::Lognormal { lo: 1.0, hi: 3.0 },
    ] {
        assert!(d.quantile(0.1) <= d.quantile(0.5) && d.quantile(0.5) <= d.quantile(0.9), "{d:?}");
    }
    let l = Dist::Lognormal { lo: 2.0, hi: 8.0 };
    assert!((l.quantile(0.05) - 2.0).abs() < 1e-6 && (l.quantile(0.95) - 8.0).abs() < 1e-6);
    assert!((l.median() - 4.0).abs() < 1e-9);
    let t = Dist::Triangular { lo: 0.0, mode: 1.0, hi: 1.0 };
    assert!((t.quantile(0.25) - 0.5).abs() < 1e-9);
}

#[test]
fn egress_tiers_add_up() {
    let e = Egress { tiers: vec![(10.0, 0.09), (50.0, 0.085), (f64::INFINITY, 0.05)], exit_waiver: false };
    // 10 TB at 0.09 + 40 TB at 0.085 + 50 TB at 0.05, per GB.
    assert!((e.cost(100.0) - (10.0 * 90.0 + 40.0 * 85.0 + 50.0 * 50.0)).abs() < 1e-6);
    assert_eq!(e.cost(0.0), 0.0);
}

#[test]
fn owning_busy_beats_on_demand_and_costs_more_than_its_energy() {
    let (c, o, i) = fixture(4608.0);
    let mut x = i.medians();
    x[c.utilization] = 0.9;
    let m = evaluate(&c, &o, &x);
    assert!(m[0].usd_per_gpu_hour < m[1].usd_per_gpu_hour, "{m:?}");
    assert!(m[0].total_usd > m[0].energy_usd && m[0].energy_usd > 0.0);
}

#[test]
fn a_useful_gpu_hour_costs_more_as_utilization_falls() {
    let (c, o, i) = fixture(4608.0);
    let mut x = i.medians();
    let mut last = [0.0; 4];
    for u in [0.95, 0.8, 0.6, 0.4, 0.2] {
        x[c.utilization] = u;
        let m = evaluate(&c, &o, &x);
        for k in [0, 2] {
            assert!(m[k].usd_per_useful_gpu_hour > last[k], "option {k} at {u}");
            last[k] = m[k].usd_per_useful_gpu_hour;
        }
    }
}

#[test]
fn totals_scale_with_gpus_where_nothing_else_changes() {
    let (c1, o1, i1) = fixture(4608.0);
    let (mut c2, o2, i2) = fixture(9216.0);
    c2.move_year = None;
    let mut c1 = c1;
    c1.move_year = None;
    let (mut x1, mut x2) = (i1.medians(), i2.medians());
    // The data set does not grow with the cluster: leave it out, and everything else is per GPU.
    for x in [&mut x1, &mut x2] {
        x[c1.data_tb] = 0.0;
        x[c1.checkpoint_tb] = 0.0;
    }
    let (a, b) = (evaluate(&c1, &o1, &x1), evaluate(&c2, &o2, &x2));
    for k in 0..4 {
        let scale = b[k].total_usd / a[k].total_usd;
        assert!((scale - 2.0).abs() < 1e-9, "option {k}: {scale}");
        assert!((b[k].usd_per_useful_gpu_hour / a[k].usd_per_useful_gpu_hour - 1.0).abs() < 1e-9);
    }
}

#[test]
fn percentiles_are_ordered_and_the_run_is_thread_independent() {
    let (c, o, i) = fixture(4608.0);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| monte_carlo(&c, &o, &i, 7, 2000))
    };
    let one = run(1);
    assert_eq!(one, run(4));
    for k in 0..4 {
        let p = P3::of(one.iter().map(|d| d[k].usd_per_useful_gpu_hour).collect());
        assert!(p.p10 <= p.p50 && p.p50 <= p.p90 && p.p10 < p.p90, "{p:?}");
    }
    assert_ne!(one, monte_carlo(&c, &o, &i, 8, 2000));
}

#[test]
fn latin_hypercube_covers_every_stratum_once() {
    let mut i = Inputs::default();
    i.add("x", Dist::Uniform { lo: 0.0, hi: 1.0 });
    let n = 1000;
    let strata = Strata::new(&i, 3, n);
    let mut seen: Vec<usize> = (0..n).map(|k| (strata.draw(&i, k)[0] * n as f64) as usize).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..n).collect::<Vec<_>>());
    // Two inputs' strata are independent: their rank correlation is near 0.
    i.add("y", Dist::Uniform { lo: 0.0, hi: 1.0 });
    for n in [64usize, 2000] {
        let s = Strata::new(&i, 42, n);
        let xy: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                let d = s.draw(&i, k);
                (d[0], d[1])
            })
            .collect();
        let mean = |f: &dyn Fn(&(f64, f64)) -> f64| xy.iter().map(f).sum::<f64>() / n as f64;
        let (mx, my) = (mean(&|p| p.0), mean(&|p| p.1));
        let cov = mean(&|p| (p.0 - mx) * (p.1 - my));
        let corr = cov / (mean(&|p| (p.0 - mx).powi(2)) * mean(&|p| (p.1 - my).powi(2))).sqrt();
        assert!(corr.abs() < 4.0 / (n as f64).sqrt(), "n {n}: correlation {corr}");
    }
}

#[test]
fn hardware_is_bought_again_after_its_life_and_reservations_pay_whole_terms() {
    let (mut c, o, i) = fixture(4608.0);
    let x = i.medians();
    let five = evaluate(&c, &o, &x);
    c.horizon_years = 12.0;
    let twelve = evaluate(&c, &o, &x);
    // A 5.5-year life bought three times in 12 years: more than twice the 5-year spend.
    assert!(twelve[0].total_usd > 2.0 * five[0].total_usd, "{} vs {}", twelve[0].total_usd, five[0].total_usd);
    c.horizon_years = 1.0;
    let one = evaluate(&c, &o, &x);
    // A 3-year reservation over a 1-year horizon still pays 3 years.
    let per_year = one[2].total_usd / 3.0;
    c.horizon_years = 3.0;
    let three = evaluate(&c, &o, &x);
    assert!((one[2].total_usd - three[2].total_usd).abs() < 1e-6 * three[2].total_usd, "{per_year}");
}

#[test]
fn tornado_and_break_even() {
    let (c, o, i) = fixture(4608.0);
    let decision = |x: &[f64]| {
        let m = evaluate(&c, &o, x);
        m[0].npv_usd - m[1].npv_usd.min(m[2].npv_usd)
    };
    let t = tornado(&i, decision);
    assert!(t.windows(2).all(|w| w[0].swing >= w[1].swing));
    assert!(t.iter().any(|s| s.input == "utilization"));
    let x = i.medians();
    let Crossover::At(u) = break_even_utilization(&c, &o[0], &o[1], &x) else {
        panic!("owning beats on-demand somewhere")
    };
    assert!(u > 0.01 && u < 1.0, "{u}");
    // A reservation pays idle hours as owning does: no crossover.
    assert_ne!(break_even_utilization(&c, &o[0], &o[2], &x), Crossover::At(0.5));
    let m = break_even_months(&c, &o[0], &o[1], &x).expect("owning pays back within five years");
    assert!(m > 1.0 && m < 60.0, "{m}");
}
