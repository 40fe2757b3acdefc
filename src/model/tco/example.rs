//! A worked comparison for the tests and the benchmark.

use super::{Common, Dist, Egress, Inputs, Kind, OptionSpec, Own};

/// A GB300-like cluster of `gpus` GPUs with owning, on-demand, three-year
/// reserved and training-as-a-service options; every cost is per GPU, so the
/// comparison scales with `gpus` (the data set aside).
pub fn comparison(gpus: f64) -> (Common, Vec<OptionSpec>, Inputs) {
    let mut i = Inputs::default();
    let u = |lo: f64, hi: f64| Dist::Uniform { lo, hi };
    let c = Common {
        gpus,
        gpus_per_node: 4.0,
        horizon_years: 5.0,
        wacc: i.add("wacc", u(0.06, 0.10)),
        utilization: i.add("utilization", Dist::Triangular { lo: 0.6, mode: 0.85, hi: 0.95 }),
        goodput: i.add("goodput", u(0.85, 0.95)),
        kw_busy_per_gpu: 1.44,
        kw_idle_per_gpu: 0.35,
        kw_fixed: 0.02 * gpus,
        kw_capacity: 1.9 * gpus,
        flops_per_gpu: 2.0e15,
        tokens_per_gpu_hour: 3.0e6,
        gpu_hours_per_run: 1.0e6,
        data_tb: i.add("data_tb", Dist::Fixed(10_000.0)),
        checkpoint_tb: i.add("checkpoint_tb", Dist::Fixed(100.0)),
        move_year: Some(3.0),
        reengineering_fte_months: i.add("reengineering", u(6.0, 24.0)),
        overlap_months: i.add("overlap", u(1.0, 3.0)),
        fte_usd_per_year: i.add("fte", u(150e3, 250e3)),
    };
    let own = Own {
        node_usd: i.add("node_usd", Dist::Lognormal { lo: 3.0e6 / 18.0, hi: 4.0e6 / 18.0 }),
        network_usd: i.add("network_usd", u(5_000.0 * gpus, 8_000.0 * gpus)),
        install_share: i.add("install", u(0.02, 0.08)),
        spares_share: i.add("spares", u(0.02, 0.05)),
        life_years: i.add("life", u(5.0, 6.0)),
        residual_share: i.add("residual", u(0.05, 0.2)),
        build_usd_per_w: Some(i.add("build", u(10.0, 15.0))),
        liquid_usd_per_kw: Some(i.add("liquid", u(300.0, 500.0))),
        building_life_years: i.add("building_life", Dist::Fixed(20.0)),
        colo_usd_per_kw_month: None,
        pue: i.add("pue", u(1.06, 1.12)),
        usd_per_kwh: i.add("kwh", u(0.06, 0.10)),
        maintenance_share: i.add("maintenance", u(0.03, 0.08)),
        software_share: i.add("software", u(0.01, 0.03)),
        insurance_share: i.add("insurance", u(0.005, 0.01)),
        fte_per_1000_gpus: i.add("fte_per_1000", u(1.0, 4.0)),
        storage_usd_per_tb_month: i.add("storage", u(4.0, 12.0)),
    };
    let egress =
        Egress { tiers: vec![(10.0, 0.09), (50.0, 0.085), (150.0, 0.07), (f64::INFINITY, 0.05)], exit_waiver: false };
    let options = vec![
        OptionSpec::own("own", own),
        OptionSpec::rental("on-demand", Kind::OnDemand, i.add("od_price", u(10.0, 16.0)), egress.clone()),
        OptionSpec::rental("reserved", Kind::Reserved3y, i.add("r3_price", u(5.0, 8.0)), egress.clone()),
        OptionSpec {
            moves: false,
            ..OptionSpec::rental("taas", Kind::Taas, i.add("taas_price", u(9.0, 14.0)), egress)
        },
    ];
    (c, options, i)
}
