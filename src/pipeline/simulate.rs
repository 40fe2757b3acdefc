//! `simulate`: a scenario's cluster, its jobs (mix, frontier runs, the
//! `[training]` job, a replayed trace) and its failures, run as discrete
//! events; the summary report and the full result (every job, the hourly
//! series) out.

use crate::catalog::Catalog;
use crate::data;
use crate::error::{InvalidFile, UsageError};
use crate::pipeline::training::Setup;
use crate::results::{SimReport, TraceComparison};
use crate::scenario::Scenario;
use crate::sim::SimResult;
use crate::topology::{Placement, Topology};

/// Most simulated days accepted (a decade).
const MAX_SIM_DAYS: f64 = crate::scenario::simulation::MAX_DAYS;

/// What `simulate` is asked.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The validated scenario (its seed already final).
    pub scenario: &'a Scenario,
    /// How the scenario file is named in messages.
    pub shown: &'a str,
    /// The catalog it was validated against.
    pub catalog: &'a Catalog,
    /// Simulated days, over the scenario's.
    pub days: Option<f64>,
}

/// Runs the simulation with a job trace to replay, if any (its path, for
/// messages, and its text, dropped once parsed); `progress` hears the share
/// of days done.
pub fn run(
    r: &Request<'_>,
    trace_file: Option<(String, String)>,
    progress: &mut dyn FnMut(f64),
) -> anyhow::Result<(SimReport, SimResult)> {
    let (scenario, catalog, shown) = (r.scenario, r.catalog, r.shown);
    let Some(mut cfg) = scenario.simulation.clone() else {
        return Err(UsageError(format!(
            "{shown} has no [simulation] table; add one (`rackscale init` writes a template with it)"
        ))
        .into());
    };
    if let Some(days) = r.days {
        if !(days > 0.0 && days <= MAX_SIM_DAYS) {
            return Err(UsageError(format!(
                "--days is {days}; give a number of days above 0 and at most {MAX_SIM_DAYS}"
            ))
            .into());
        }
        cfg.days = days;
    }
    let r = super::resolve(scenario, catalog)?;
    let system = r.system;
    let gpn = system.gpus_per_node.get();
    let nodes = scenario.cluster.nodes;
    let switch_failures = cfg.leaf_failures_per_1000_switch_days > 0.0 || cfg.spine_failures_per_1000_switch_days > 0.0;
    let (nodes_per_leaf_group, leaves_per_group, spines) =
        if switch_failures { fabric_groups(&r.inventory.fabric, nodes) } else { (0, 0, 0) };
    let shape = crate::sim::ClusterShape {
        nodes,
        gpus_per_node: gpn,
        nodes_per_domain: (system.gpus_per_domain.get() / gpn).max(1),
        nodes_per_leaf_group,
        leaves_per_group,
        spines,
    };
    let gpus = scenario.cluster.gpus;
    let streams = crate::engine::rng::RngStreams::new(scenario.seed);
    let mut specs = Vec::new();
    if let Some(m) = &cfg.mix {
        if let Some(big) = m.gpus.iter().map(|x| x.0).find(|&x| x > gpus) {
            return Err(UsageError(format!(
                "{shown}: `simulation.mix.gpus` has a {big}-GPU job, larger than the cluster's {gpus} GPUs"
            ))
            .into());
        }
        specs.extend(crate::sim::jobs::mix(m, &streams));
    }
    if let Some(f) = cfg.frontier.iter().find(|f| f.gpus > gpus) {
        return Err(UsageError(format!(
            "{shown}: a `simulation.frontier` run has {} GPUs, more than the cluster's {gpus}",
            f.gpus
        ))
        .into());
    }
    specs.extend(crate::sim::jobs::frontier(&cfg));
    if let Some(job) = training_job(scenario, catalog, &r, &cfg)? {
        specs.push(job);
    }
    let mut trace = None;
    if let Some((path, text)) = trace_file {
        let mut t = crate::input::trace::parse(&path, &text)?;
        if let Some((big, _, span)) = t.largest.clone().filter(|l| l.0 > gpus) {
            let d =
                crate::diag::Diagnostic::at(span, format!("this job has {big} GPUs, more than the cluster's {gpus}"))
                    .with_help("give a larger cluster in the scenario, or drop the row");
            return Err(
                InvalidFile(Box::new(crate::diag::Diagnostics::new(path.clone(), text.clone(), vec![d]))).into()
            );
        }
        let replayed = t.jobs.len();
        // The trace's jobs after the others, without a second copy of a large trace:
        // the others go in front of the trace's vector rather than the trace into theirs.
        let mut all = std::mem::take(&mut t.jobs);
        all.splice(0..0, specs.drain(..));
        specs = all;
        trace = Some((path, t, replayed));
    }
    let mut warnings = Vec::new();
    let spare_gpus = u64::from(cfg.hot_spare_nodes) * u64::from(gpn);
    let usable = u64::from(gpus).saturating_sub(u64::from(gpn));
    let needs_all = specs.iter().filter(|j| u64::from(j.gpus) > usable).max_by_key(|j| j.gpus);
    if let Some(j) = needs_all.filter(|_| spare_gpus == 0 && cfg.failures_per_1000_node_days > 0.0) {
        warnings.push(format!(
            "job `{}` needs {} of the cluster's {gpus} GPUs and there is no hot spare: after each node failure it waits \
             for the repair ({:.0} h on average) before it can restart; give `simulation.reliability.hot_spare_nodes`",
            j.id, j.gpus, cfg.repair_hours
        ));
    }
    if specs.is_empty() {
        return Err(UsageError(format!(
            "{shown}: the simulation has no jobs; add `[simulation.mix]`, `[[simulation.frontier]]`, a trace or a `[training]` job with tokens"
        ))
        .into());
    }
    let mut result = if cfg.contention {
        crate::sim::run_with_network(shape, &cfg, specs, scenario.seed, progress, &SharedFabric(r.topology.clone()))
    } else {
        crate::sim::run_with_progress(shape, &cfg, specs, scenario.seed, progress)
    };
    let it_model = r.power;
    let (busy_w, idle_w, fixed_w) = it_model.per_gpu();
    result.series = std::mem::take(&mut result.series).with_power(gpus, busy_w / 1e6, idle_w / 1e6, fixed_w / 1e6);
    let power = &result.series.it_power_mw;
    let mean_it_power_mw = power.iter().sum::<f64>() / power.len().max(1) as f64;
    let largest_job = result
        .jobs
        .iter()
        .filter(|j| j.start_s.is_some())
        .max_by_key(|j| (j.gpus, std::cmp::Reverse(j.id.clone())))
        .cloned();
    let trace = trace.map(|(path, t, replayed)| TraceComparison {
        path,
        rows: t.rows,
        replayed,
        cpu_only: t.cpu_only,
        never_ran: t.never_ran,
        trace_queue_delay_s: t.queue_delay_s,
        simulated_queue_delay_s: crate::sim::stats::percentiles(
            result.jobs.iter().filter(|j| j.kind == "trace").filter_map(|j| j.queue_delay_s).collect(),
        ),
    });
    let report = SimReport {
        scenario: scenario.name.clone(),
        system: system.id.get_ref().clone(),
        gpus,
        nodes: scenario.cluster.nodes,
        summary: result.summary.clone(),
        largest_job,
        by_size: result.by_size.clone(),
        trace,
        it_power_mw_nameplate: it_model.nameplate_w() / 1e6,
        it_power_mw_mean: mean_it_power_mw,
        warnings,
    };
    Ok((report, result))
}

/// The scenario's fat-tree as the simulation's shared network: each
/// multi-domain job's rail rings, solved max-min fair over its links.
struct SharedFabric(Topology);

impl crate::sim::Network for SharedFabric {
    fn shares(&self, jobs: &[Vec<u64>]) -> Vec<f64> {
        let placements: Vec<Placement> = jobs.iter().map(|d| Placement { domains: d.clone() }).collect();
        self.0.shared_bandwidth(&placements)
    }
}

/// Nodes behind one leaf switch, leaves per such group and spine switches,
/// from the scenario's fat-tree: each leaf's downlinks reach that many nodes.
fn fabric_groups(f: &crate::topology::fattree::FabricCounts, nodes: u32) -> (u32, u32, u32) {
    let spines = u32::try_from(f.spine_switches).unwrap_or(u32::MAX);
    if f.leaf_switches == 0 {
        return (0, 0, spines);
    }
    let per_leaf = (f.endpoint_links / f.leaf_switches).clamp(1, u64::from(nodes)) as u32;
    let leaves = (f.leaf_switches * u64::from(per_leaf)).div_ceil(u64::from(nodes)).max(1) as u32;
    (per_leaf, leaves, spines)
}

/// A scenario's `[training]` job as a simulated run: its time at full speed
/// from the training model, its checkpoint from the model's parameters.
fn training_job(
    s: &Scenario,
    catalog: &Catalog,
    r: &super::Resolved<'_>,
    cfg: &crate::scenario::simulation::Simulation,
) -> anyhow::Result<Option<crate::sim::JobSpec>> {
    let Some(t) = &s.training else { return Ok(None) };
    let Some(tokens) = t.tokens else { return Ok(None) };
    let setup = Setup::on(catalog, &t.model, r.topology.clone())?;
    let step = setup.step(&t.plan, &data::collective_params(), &data::default_profile())?;
    Ok(Some(crate::sim::JobSpec {
        id: format!("train-{}", t.model),
        kind: "training",
        submit_s: 0.0,
        gpus: u32::try_from(t.plan.gpus()).unwrap_or(u32::MAX),
        work_s: tokens / step.tokens_per_s,
        checkpoint_bytes: setup.shape.params() * cfg.bytes_per_param,
        priority: 1,
        tp_gpus: t.plan.tp,
    }))
}
