//! Monte Carlo speed: 10,000 draws of a four-option comparison (own, on
//! demand, reserved, training as a service) on a 4,608-GPU cluster.
//!
//! `cargo bench --bench tco`

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::model::tco::{Common, Dist, Egress, Inputs, Kind, OptionSpec, Own, monte_carlo};
use std::hint::black_box;

fn comparison() -> (Common, Vec<OptionSpec>, Inputs) {
    let mut i = Inputs::default();
    let u = |lo: f64, hi: f64| Dist::Triangular { lo, mode: (lo + hi) / 2.0, hi };
    let gpus = 4608.0;
    let c = Common {
        gpus,
        gpus_per_node: 4.0,
        horizon_years: 5.0,
        wacc: i.add("wacc", u(0.06, 0.12)),
        utilization: i.add("utilization", u(0.6, 0.95)),
        goodput: i.add("goodput", u(0.75, 0.95)),
        kw_busy_per_gpu: 1.44,
        kw_idle_per_gpu: 0.35,
        kw_fixed: 90.0,
        kw_capacity: 9300.0,
        flops_per_gpu: 2.0e15,
        tokens_per_gpu_hour: 3.0e6,
        gpu_hours_per_run: 1.0e6,
        data_tb: i.add("data_tb", Dist::Fixed(10_000.0)),
        checkpoint_tb: i.add("checkpoint_tb", u(20.0, 100.0)),
        move_year: Some(3.0),
        reengineering_fte_months: i.add("reengineering", u(3.0, 36.0)),
        overlap_months: i.add("overlap", u(0.25, 3.0)),
        fte_usd_per_year: i.add("fte", u(150e3, 250e3)),
    };
    let own = Own {
        node_usd: i.add("node_usd", Dist::Lognormal { lo: 3.0e6 / 18.0, hi: 4.0e6 / 18.0 }),
        network_usd: i.add("network_usd", u(2.0e7, 4.0e7)),
        install_share: i.add("install", u(0.02, 0.08)),
        spares_share: i.add("spares", u(0.03, 0.1)),
        life_years: i.add("life", u(5.0, 6.0)),
        residual_share: i.add("residual", u(0.0, 0.25)),
        build_usd_per_w: Some(i.add("build", u(9.0, 15.0))),
        liquid_usd_per_kw: Some(i.add("liquid", u(300.0, 500.0))),
        building_life_years: i.add("building_life", u(15.0, 25.0)),
        colo_usd_per_kw_month: None,
        pue: i.add("pue", Dist::Fixed(1.07)),
        usd_per_kwh: i.add("kwh", u(0.075, 0.09)),
        maintenance_share: i.add("maintenance", u(0.05, 0.15)),
        software_share: i.add("software", u(0.01, 0.05)),
        insurance_share: i.add("insurance", u(0.005, 0.01)),
        fte_per_1000_gpus: i.add("fte_per_1000", u(1.0, 4.0)),
        storage_usd_per_tb_month: i.add("storage", u(2.0, 12.0)),
    };
    let egress =
        Egress { tiers: vec![(10.0, 0.09), (50.0, 0.085), (150.0, 0.07), (f64::INFINITY, 0.05)], exit_waiver: false };
    let rent = |name: &str, kind, price, i: &mut Inputs| OptionSpec {
        name: name.to_owned(),
        kind,
        usd_per_gpu_hour: Some(i.add(name, price)),
        egress: egress.clone(),
        moves: true,
        split: vec![],
        copy_egress: Egress::default(),
        storage_usd_per_tb_month: None,
        fte_per_1000_gpus: None,
    };
    let mut options = vec![OptionSpec {
        name: "own".into(),
        kind: Kind::Own(own),
        usd_per_gpu_hour: None,
        egress: Egress::default(),
        moves: false,
        split: vec![],
        copy_egress: Egress::default(),
        storage_usd_per_tb_month: None,
        fte_per_1000_gpus: None,
    }];
    options.push(rent("on_demand", Kind::OnDemand, u(10.5, 27.0), &mut i));
    options.push(rent("reserved_3y", Kind::Reserved3y, u(6.0, 11.0), &mut i));
    options.push(rent("taas", Kind::Taas, u(12.0, 24.0), &mut i));
    (c, options, i)
}

fn bench(c: &mut Criterion) {
    let (common, options, inputs) = comparison();
    let mut g = c.benchmark_group("monte_carlo");
    g.sample_size(20);
    g.bench_function("10k_draws_4_options", |b| {
        b.iter(|| monte_carlo(black_box(&common), &options, &inputs, 42, 10_000).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
