//! `check` and the no-argument flagship: a validated scenario at nameplate
//! (peaks, power, inventory), with its `[training]` job's step and band.

use crate::catalog::Catalog;
use crate::data;
use crate::model::cluster;
use crate::pipeline::training::Setup;
use crate::pipeline::validate;
use crate::results::{PeakRow, ScenarioSummary, TrainingSummary, Uncertainty};
use crate::scenario::Scenario;

/// A scenario at nameplate.
pub fn summarise(s: &Scenario, catalog: &Catalog) -> anyhow::Result<ScenarioSummary> {
    let r = super::resolve(s, catalog)?;
    let (system, gpu) = (r.system, r.gpu);
    let c = &s.cluster;
    let peaks = cluster::peaks(gpu, c.gpus)
        .into_iter()
        .map(|p| PeakRow {
            precision: p.precision.name().to_owned(),
            dense_eflops: p.dense.eflops(),
            sparse_eflops: p.sparse.map(|x| x.eflops()),
        })
        .collect();
    let (lo, it, hi) = cluster::nameplate_power(system, gpu, c.nodes, c.gpu_power_cap);
    let inventory = r.inventory.clone();
    let with_fabric = r.power.nameplate_w() / 1e6;
    let facility_mw = s.facility.pue.map(|pue| with_fabric * pue);
    let price = s.facility.electricity_usd_per_kwh;
    let bill = facility_mw.zip(price).map(|(mw, usd)| mw * 1e3 * 8760.0 * usd);
    Ok(ScenarioSummary {
        scenario: s.name.clone(),
        seed: s.seed,
        system: system.id.get_ref().clone(),
        accelerator: gpu.id.get_ref().clone(),
        gpus: c.gpus,
        nodes: c.nodes,
        racks: c.racks,
        scaleup_domains: c.gpus.div_ceil(system.gpus_per_domain.get()),
        fabric: c.fabric.to_string(),
        routing: format!(
            "{} ({})",
            r.topology.tree.spec.routing,
            if c.routing.is_some() { "scenario" } else { "catalog" }
        ),
        peaks,
        hbm_tb: cluster::hbm(gpu, c.gpus).gb() / 1e3,
        it_power_mw: it.mw(),
        it_power_mw_low: lo.mw(),
        it_power_mw_high: hi.mw(),
        it_power_mw_with_fabric: with_fabric,
        site: s.facility.site.as_ref().map(ToString::to_string),
        pue: s.facility.pue,
        facility_power_mw: facility_mw,
        electricity_usd_per_kwh: price,
        energy_usd_per_year_upper_bound: bill,
        utilization: s.workload.utilization.get(),
        inventory,
        training: training_summary(s, catalog, &r)?,
        warnings: s.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// The step of a scenario's `[training]` job on its cluster.
pub fn training_summary(
    s: &Scenario,
    catalog: &Catalog,
    r: &super::Resolved<'_>,
) -> anyhow::Result<Option<TrainingSummary>> {
    let Some(t) = &s.training else { return Ok(None) };
    let setup = Setup::on(catalog, &t.model, r.topology.clone())?;
    let (params, profile) = (data::collective_params(), data::default_profile());
    let step = setup.step(&t.plan, &params, &profile)?;
    let gpus = f64::from(s.cluster.gpus);
    let days = t.tokens.map(|tok| tok / (step.tokens_per_s * t.goodput) / 86_400.0);
    let band = validate::band_of(&validate::bands(&params, &profile)?, &setup, &t.plan);
    let sustained = step.model_tflops_per_gpu * gpus / 1e6;
    let (eflops_p10, eflops_p90) = band.rate(sustained);
    Ok(Some(TrainingSummary {
        model: t.model.clone(),
        plan: t.plan,
        step_time_s: step.step_time_s,
        tokens_per_s: step.tokens_per_s,
        mfu: step.mfu,
        sustained_model_eflops: sustained,
        memory_per_gpu_bytes: step.memory_per_gpu_bytes,
        fits: step.fits,
        time_to_train_days: days,
        sustained_model_eflops_p10: eflops_p10,
        sustained_model_eflops_p90: eflops_p90,
        band: Uncertainty::of(&band, step.step_time_s, step.tokens_per_s, step.mfu, days),
    }))
}
