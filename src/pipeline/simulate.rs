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
use crate::topology::{FabricShare, Placement};

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
        let mut fabric = FabricShare::new(r.topology.clone());
        crate::sim::run_with_network(shape, &cfg, specs, scenario.seed, progress, &mut fabric)
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
        network: {
            let tree = &r.topology.tree;
            crate::results::NetworkModel {
                fabric: r.topology.fabric.clone(),
                routing: tree.spec.routing.to_string(),
                routing_from: if scenario.cluster.routing.is_some() { "scenario" } else { "catalog" },
                contention: cfg.contention,
                tree: format!(
                    "{}-tier fat-tree, {}:1 at the leaves",
                    tree.tiers,
                    crate::catalog::fmt_num(tree.spec.leaf_oversubscription)
                ),
            }
        },
        warnings,
    };
    Ok((report, result))
}

/// The scenario's fat-tree as the simulation's shared network: each
/// multi-domain job's rings, kept max-min fair over its links as jobs come and go.
impl crate::sim::Network for FabricShare {
    fn start(&mut self, job: u32, placement: &Placement) {
        FabricShare::start(self, job, placement);
    }
    fn stop(&mut self, job: u32) {
        FabricShare::stop(self, job);
    }
    fn solve(&mut self) -> Vec<(u32, f64)> {
        FabricShare::solve(self)
    }
    fn bottleneck(&self, job: u32) -> Option<String> {
        FabricShare::bottleneck(self, job)
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

/// One input that varied between replications, with its spread and source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UncertainInput {
    /// Scenario key.
    pub name: String,
    /// 10th percentile of the draws.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Where its range comes from.
    pub source: String,
}

/// A summary metric over the replications.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Spread {
    /// Metric (a key of `simulate`'s summary).
    pub metric: String,
    /// Unit.
    pub unit: String,
    /// 10th percentile over the replications.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Replications where the metric exists (a run that never started has no MTTI).
    pub n: usize,
}

/// `simulate --replications N`: every summary metric as P10/P50/P90.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Replicated {
    /// Scenario name.
    pub scenario: String,
    /// Seed the replications' seeds derive from.
    pub seed: u64,
    /// Replications run.
    pub replications: usize,
    /// Inputs drawn per replication (besides every random stream).
    pub uncertain: Vec<UncertainInput>,
    /// Metrics.
    pub summary: Vec<Spread>,
    /// What the user should know.
    pub warnings: Vec<String>,
}

/// Replication `k`'s seed: a SplitMix64 step of the scenario's seed and `k`,
/// so each replication's random streams differ and any can be rerun alone.
pub fn replication_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(k.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs `n` replications in parallel (deterministic whatever the thread
/// count): each with its own seed and its own draw of the node failure
/// rate (the scenario's range, or the published fleets' when it gives
/// none). `done` hears each finished replication.
pub fn replicate(
    r: &Request<'_>,
    n: usize,
    trace_file: Option<(String, String)>,
    done: &(dyn Fn() + Sync),
) -> anyhow::Result<Replicated> {
    use rand::RngExt as _;
    use rayon::prelude::*;
    if !(1..=100_000).contains(&n) {
        return Err(UsageError(format!("--replications {n}: give 1 to 100,000")).into());
    }
    let Some(cfg) = &r.scenario.simulation else {
        return Err(UsageError(format!("{} has no [simulation] table", r.shown)).into());
    };
    let d = &data::reliability_defaults().node_failures_per_1000_node_days;
    let (rate, source) = match cfg.failure_rate {
        Some(x) => (x, format!("{}: the scenario's", r.shown)),
        // The published fleets' span, uniform: no fleet is more likely than another.
        None => (crate::model::tco::Dist::Uniform { lo: d.range[0], hi: d.range[1] }, d.source.clone()),
    };
    let runs = (0..n as u64)
        .into_par_iter()
        .map(|k| {
            let mut s = r.scenario.clone();
            s.seed = replication_seed(r.scenario.seed, k);
            let mut rng = crate::engine::rng::RngStreams::new(s.seed).stream("replication-inputs");
            let drawn = rate.quantile(rng.random::<f64>());
            let streams = crate::engine::rng::RngStreams::new(s.seed);
            let mut others = Vec::with_capacity(cfg.uncertain.len());
            if let Some(c) = s.simulation.as_mut() {
                c.failures_per_1000_node_days = drawn;
                // Each other uncertain input from a stream of its own.
                for (key, dist) in &cfg.uncertain {
                    let x = dist.quantile(streams.stream(key).random::<f64>());
                    let known = c.set_input(key, x);
                    debug_assert!(known, "no field for the uncertain input {key}");
                    others.push(x);
                }
            }
            let req = Request { scenario: &s, ..*r };
            let out = run(&req, trace_file.clone(), &mut |_| {}).map(|(report, result)| {
                let train = result
                    .jobs
                    .iter()
                    .find(|j| j.kind == "training")
                    .and_then(|j| j.end_s.map(|e| (e - j.submit_s) / 86_400.0));
                (drawn, report, train, others)
            });
            done();
            out
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let p3 = |metric: &str, unit: &str, v: Vec<f64>| {
        let n = v.len();
        let mut v = v;
        v.sort_by(f64::total_cmp);
        let at = |q: f64| if v.is_empty() { 0.0 } else { v[((q * n as f64).ceil() as usize).clamp(1, n) - 1] };
        Spread { metric: metric.to_owned(), unit: unit.to_owned(), p10: at(0.1), p50: at(0.5), p90: at(0.9), n }
    };
    let col = |f: &dyn Fn(&SimReport) -> Option<f64>| runs.iter().filter_map(|x| f(&x.1)).collect::<Vec<f64>>();
    let mut summary = vec![
        p3("utilization", "", col(&|x| Some(x.summary.utilization))),
        p3("goodput", "", col(&|x| Some(x.summary.goodput))),
        p3("node_failures", "", col(&|x| Some(x.summary.node_failures as f64))),
        p3("interruptions", "", col(&|x| Some(x.summary.interruptions as f64))),
        p3("mtti_hours", "h", col(&|x| x.summary.mtti_hours)),
        p3("ettr", "", col(&|x| x.summary.ettr)),
        p3("queue_delay_p50_s", "s", col(&|x| Some(x.summary.queue_delay_s.p50))),
        p3("queue_delay_p90_s", "s", col(&|x| Some(x.summary.queue_delay_s.p90))),
        p3("jobs_completed", "", col(&|x| Some(x.summary.jobs_completed as f64))),
        p3("it_power_mw_mean", "MW", col(&|x| Some(x.it_power_mw_mean))),
    ];
    let shares = col(&|x| x.summary.fabric_share_mean);
    if !shares.is_empty() {
        summary.push(p3("fabric_share_mean", "", shares));
        summary.push(p3("fabric_share_p10_job", "", col(&|x| x.summary.fabric_share_p10)));
        summary.push(p3("contention_gpu_hours", "GPU-h", col(&|x| Some(x.summary.contention_gpu_hours))));
    }
    let trains: Vec<f64> = runs.iter().filter_map(|x| x.2).collect();
    let mut warnings: Vec<String> = runs.first().map(|x| x.1.warnings.clone()).unwrap_or_default();
    if runs.iter().any(|x| x.2.is_none()) && r.scenario.training.as_ref().is_some_and(|t| t.tokens.is_some()) {
        let unfinished = runs.iter().filter(|x| x.2.is_none()).count();
        warnings.push(format!(
            "the training run did not finish within the simulated days in {unfinished} of {n} replications; its days cover the others"
        ));
    }
    if !trains.is_empty() {
        summary.push(p3("training_run_days", "days", trains));
    }
    let draws = runs.iter().map(|x| x.0).collect();
    let d = p3("", "", draws);
    let mut uncertain = vec![UncertainInput {
        name: "simulation.reliability.node_failures_per_1000_node_days".to_owned(),
        p10: d.p10,
        p50: d.p50,
        p90: d.p90,
        source,
    }];
    for (i, (key, _)) in cfg.uncertain.iter().enumerate() {
        let d = p3("", "", runs.iter().map(|x| x.3[i]).collect());
        uncertain.push(UncertainInput {
            name: key.clone(),
            p10: d.p10,
            p50: d.p50,
            p90: d.p90,
            source: format!("{}: the scenario's", r.shown),
        });
    }
    Ok(Replicated {
        scenario: r.scenario.name.clone(),
        seed: r.scenario.seed,
        replications: n,
        uncertain,
        summary,
        warnings,
    })
}
