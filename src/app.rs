//! One function per subcommand: load, compute, report. Nothing else.

use crate::cli::{
    AlgorithmArg, CalibrateArgs, CatalogCommand, Cli, CollectiveArgs, Command, CoolingArg, FacilityArgs, FormatArg,
    Global, JobArgs, KindArg, OpArg, PlanArgs, PrecisionArg, RecomputeArg, SimulateArgs, StackArg, StepArgs, TcoArgs,
    UpsArg, ValidateWhat,
};
use anyhow::{Context, Result};
use rackscale::calibrate::{self, Calibration};
use rackscale::catalog::{Catalog, Kind, fmt_num};
use rackscale::data;
use rackscale::error::{InvalidFile, UsageError};
use rackscale::fsutil::{read_text, write_atomic, write_set};
use rackscale::model::cluster;
use rackscale::model::collective::{self, Algorithm, CollectiveParams, Level, Op};
use rackscale::model::training::search::Space;
use rackscale::model::training::{Plan, Profile, Recipe, Recompute, Stack};
use rackscale::pipeline::training::Setup;
use rackscale::pipeline::validate;
use rackscale::report::{self, Format, Report};
use rackscale::results::{
    CatalogList, CollectiveRow, CollectiveSweep, EntryDetail, PeakRow, PlanReport, PlanRow, ScenarioSummary, SimReport,
    SizingRow, StepReport, TraceComparison, TrainingSummary, Uncertainty, ValidationAll,
};
use rackscale::scenario::{Scenario, TEMPLATE};
use rackscale::sizes::parse_sizes;
use rackscale::topology::astra::AstraTopology;
use rackscale::topology::{FabricOptions, Placement, Topology};
use rackscale::units::Bytes;
use std::io::Write;
use std::path::Path;

/// Smallest goodput accepted.
const MIN_GOODPUT: f64 = 1e-3;
/// Most tokens accepted (a thousand times any published run).
const MAX_TOKENS: f64 = 1e17;

/// Sequences per step when none is given.
const DEFAULT_GLOBAL_BATCH: u32 = 1024;
/// Cluster sizes tried for a deadline, in scale-up domains.
const SIZING_STEPS: [u64; 24] =
    [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

/// The flagship scenario, run when no command is given.
const FLAGSHIP: (&str, &str) = ("scenarios/azure-gb300.toml", include_str!("../scenarios/azure-gb300.toml"));

/// Runs the command line.
pub fn run(cli: Cli) -> Result<()> {
    let g = &cli.global;
    let cap = rackscale::sizes::parse_size(&g.max_input).map_err(|e| UsageError(format!("--max-input: {e}")))?;
    rackscale::fsutil::set_max_input(cap);
    match cli.command {
        None => {
            eprintln!("rackscale: no command given; summarising the flagship scenario {} (see --help)", FLAGSHIP.0);
            check_text(g, FLAGSHIP.0, FLAGSHIP.1)
        }
        Some(Command::Catalog(CatalogCommand::List { kind })) => catalog_list(g, kind.map(kind_of)),
        Some(Command::Catalog(CatalogCommand::Show { id })) => catalog_show(g, &id),
        Some(Command::Init { path, force }) => init(&path, force),
        Some(Command::Check { scenario }) => check(g, &scenario),
        Some(Command::Collective(args)) => collective(g, &args),
        Some(Command::Validate { what }) => validate(g, what),
        Some(Command::Step(args)) => step(g, &args),
        Some(Command::Calibrate(args)) => calibrate(g, &args),
        Some(Command::Plan(args)) => plan(g, &args),
        Some(Command::Simulate(args)) => simulate(g, &args),
        Some(Command::Facility(args)) => facility(g, &args),
        Some(Command::Tco(args)) => tco(g, &args),
    }
}

/// Most simulated days accepted (a decade).
const MAX_SIM_DAYS: f64 = rackscale::scenario::simulation::MAX_DAYS;

fn simulate(g: &Global, a: &SimulateArgs) -> Result<()> {
    let catalog = load_catalog(g)?;
    let mut scenario = Scenario::from_path(&a.scenario, &catalog)?;
    if let Some(seed) = g.seed {
        scenario.seed = seed;
    }
    let shown = a.scenario.display().to_string();
    let Some(mut cfg) = scenario.simulation.clone() else {
        return Err(UsageError(format!(
            "{shown} has no [simulation] table; add one (`rackscale init` writes a template with it)"
        ))
        .into());
    };
    if let Some(days) = a.days {
        if !(days > 0.0 && days <= MAX_SIM_DAYS) {
            return Err(UsageError(format!(
                "--days is {days}; give a number of days above 0 and at most {MAX_SIM_DAYS}"
            ))
            .into());
        }
        cfg.days = days;
    }
    let system = catalog.systems.get(scenario.cluster.system.as_str())?;
    let gpn = system.gpus_per_node.get();
    let nodes = scenario.cluster.nodes;
    let switch_failures = cfg.leaf_failures_per_1000_switch_days > 0.0 || cfg.spine_failures_per_1000_switch_days > 0.0;
    let (nodes_per_leaf_group, leaves_per_group, spines) =
        if switch_failures { fabric_groups(&scenario, &catalog, nodes)? } else { (0, 0, 0) };
    let shape = rackscale::sim::ClusterShape {
        nodes,
        gpus_per_node: gpn,
        nodes_per_domain: (system.gpus_per_domain.get() / gpn).max(1),
        nodes_per_leaf_group,
        leaves_per_group,
        spines,
    };
    let gpus = scenario.cluster.gpus;
    let streams = rackscale::engine::rng::RngStreams::new(scenario.seed);
    let mut specs = Vec::new();
    if let Some(m) = &cfg.mix {
        if let Some(big) = m.gpus.iter().map(|x| x.0).find(|&x| x > gpus) {
            return Err(UsageError(format!(
                "{shown}: `simulation.mix.gpus` has a {big}-GPU job, larger than the cluster's {gpus} GPUs"
            ))
            .into());
        }
        specs.extend(rackscale::sim::jobs::mix(m, &streams));
    }
    if let Some(f) = cfg.frontier.iter().find(|f| f.gpus > gpus) {
        return Err(UsageError(format!(
            "{shown}: a `simulation.frontier` run has {} GPUs, more than the cluster's {gpus}",
            f.gpus
        ))
        .into());
    }
    specs.extend(rackscale::sim::jobs::frontier(&cfg));
    if let Some(job) = training_job(&scenario, &catalog, &cfg)? {
        specs.push(job);
    }
    let trace_path = a.trace.as_ref().map(|p| p.display().to_string()).or_else(|| cfg.trace.clone());
    let mut trace = None;
    if let Some(path) = &trace_path {
        let text = read_text(Path::new(path), "trace")?;
        let mut t = rackscale::input::trace::parse(path, &text)?;
        if let Some((big, _, span)) = t.largest.clone().filter(|l| l.0 > gpus) {
            let d = rackscale::diag::Diagnostic::at(
                span,
                format!("this job has {big} GPUs, more than the cluster's {gpus}"),
            )
            .with_help("give a larger cluster in the scenario, or drop the row");
            return Err(InvalidFile(Box::new(rackscale::diag::Diagnostics::new(path.clone(), text, vec![d]))).into());
        }
        drop(text);
        let replayed = t.jobs.len();
        // The trace's jobs after the others, without a second copy of a large trace:
        // the others go in front of the trace's vector rather than the trace into theirs.
        let mut all = std::mem::take(&mut t.jobs);
        all.splice(0..0, specs.drain(..));
        specs = all;
        trace = Some((path.clone(), t, replayed));
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
    let bar = (!a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let b = indicatif::ProgressBar::new(1000);
        b.set_style(
            indicatif::ProgressStyle::with_template("simulating {bar:40} {percent}% of the days, {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut progress = |share: f64| {
        if let Some(b) = &bar {
            b.set_position((share * 1000.0) as u64);
        }
    };
    let mut result = if cfg.contention {
        let fabric = FabricOptions { fabric: Some(scenario.cluster.fabric.to_string()), ..FabricOptions::default() };
        let topo = Topology::build(&catalog, scenario.cluster.system.as_str(), u64::from(gpus), &fabric)?;
        rackscale::sim::run_with_network(shape, &cfg, specs, scenario.seed, &mut progress, &SharedFabric(topo))
    } else {
        rackscale::sim::run_with_progress(shape, &cfg, specs, scenario.seed, &mut progress)
    };
    let it_model = rackscale::pipeline::cluster_power(&scenario, &catalog)?;
    let (busy_w, idle_w, fixed_w) = it_model.per_gpu();
    result.series = std::mem::take(&mut result.series).with_power(gpus, busy_w / 1e6, idle_w / 1e6, fixed_w / 1e6);
    let power = &result.series.it_power_mw;
    let mean_it_power_mw = power.iter().sum::<f64>() / power.len().max(1) as f64;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
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
        simulated_queue_delay_s: rackscale::sim::stats::percentiles(
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
    let tables = if g.out.is_some() { sim_tables(&scenario.name, &result)? } else { Vec::new() };
    emit_with(g, &format!("{}-simulation", scenario.name), &report, tables)
}

/// The scenario's fat-tree as the simulation's shared network: each
/// multi-domain job's rail rings, solved max-min fair over its links.
struct SharedFabric(Topology);

impl rackscale::sim::Network for SharedFabric {
    fn shares(&self, jobs: &[Vec<u64>]) -> Vec<f64> {
        let placements: Vec<Placement> = jobs.iter().map(|d| Placement { domains: d.clone() }).collect();
        self.0.shared_bandwidth(&placements)
    }
}

/// Nodes behind one leaf switch, leaves per such group and spine switches,
/// from the scenario's fat-tree: each leaf's downlinks reach that many nodes.
fn fabric_groups(s: &Scenario, catalog: &Catalog, nodes: u32) -> Result<(u32, u32, u32)> {
    let fabric = FabricOptions { fabric: Some(s.cluster.fabric.to_string()), ..FabricOptions::default() };
    let f = Topology::build(catalog, s.cluster.system.as_str(), u64::from(s.cluster.gpus), &fabric)?.inventory().fabric;
    let spines = u32::try_from(f.spine_switches).unwrap_or(u32::MAX);
    if f.leaf_switches == 0 {
        return Ok((0, 0, spines));
    }
    let per_leaf = (f.endpoint_links / f.leaf_switches).clamp(1, u64::from(nodes)) as u32;
    let leaves = (f.leaf_switches * u64::from(per_leaf)).div_ceil(u64::from(nodes)).max(1) as u32;
    Ok((per_leaf, leaves, spines))
}

/// A scenario's `[training]` job as a simulated run: its time at full speed
/// from the training model, its checkpoint from the model's parameters.
fn training_job(
    s: &Scenario,
    catalog: &Catalog,
    cfg: &rackscale::scenario::simulation::Simulation,
) -> Result<Option<rackscale::sim::JobSpec>> {
    let Some(t) = &s.training else { return Ok(None) };
    let Some(tokens) = t.tokens else { return Ok(None) };
    let fabric = FabricOptions { fabric: Some(s.cluster.fabric.to_string()), ..FabricOptions::default() };
    let setup = Setup::new(catalog, &t.model, s.cluster.system.as_str(), u64::from(s.cluster.gpus), &fabric)?;
    let step = setup.step(&t.plan, &data::collective_params(), &data::default_profile())?;
    Ok(Some(rackscale::sim::JobSpec {
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

/// `--out`: every job and the hourly series as CSV, beside the summary.
fn sim_tables(name: &str, r: &rackscale::sim::SimResult) -> Result<Vec<(String, Vec<u8>)>> {
    let mut jobs =
        String::from("job_id,kind,gpus,submit_s,start_s,end_s,state,gpu_hours,restarts,lost_gpu_hours,queue_delay_s\n");
    let opt = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_default();
    for j in &r.jobs {
        let state = serde_json::to_value(j.state)?.as_str().unwrap_or_default().to_owned();
        jobs.push_str(&format!(
            "{},{},{},{:.3},{},{},{},{:.3},{},{:.3},{}\n",
            j.id,
            j.kind,
            j.gpus,
            j.submit_s,
            opt(j.start_s),
            opt(j.end_s),
            state,
            j.gpu_hours,
            j.restarts,
            j.lost_gpu_hours,
            opt(j.queue_delay_s)
        ));
    }
    let mut series = String::from("hour,allocated_gpus,down_gpus,node_failures,it_power_mw\n");
    let s = &r.series;
    for h in 0..s.allocated_gpus.len() {
        let mw = s.it_power_mw.get(h).copied().unwrap_or(0.0);
        series.push_str(&format!("{h},{},{},{},{mw:.4}\n", s.allocated_gpus[h], s.down_gpus[h], s.failures[h]));
    }
    Ok([("jobs", jobs), ("series", series)]
        .into_iter()
        .map(|(stem, text)| (format!("{}-{stem}.csv", file_stem(name)), text.into_bytes()))
        .collect())
}

fn facility(g: &Global, a: &FacilityArgs) -> Result<()> {
    use rackscale::pipeline::facility as fac;
    let catalog = load_catalog(g)?;
    let scenario = a.scenario.as_ref().map(|p| Scenario::from_path(p, &catalog)).transpose()?;
    let (stem, report, hourly) = fac::run_inputs(&facility_inputs(a), scenario.as_ref(), &catalog)?;
    let hourly = vec![(format!("{}-hourly.csv", file_stem(&stem)), fac::hourly_csv(&hourly).into_bytes())];
    emit_with(g, &stem, &report, hourly)
}

/// The facility flags as the pipeline's inputs.
fn facility_inputs(a: &FacilityArgs) -> rackscale::pipeline::facility::Inputs {
    use rackscale::model::facility::{Cooling, Ups};
    rackscale::pipeline::facility::Inputs {
        site: a.site.clone(),
        it_load_mw: a.it_load_mw,
        load_factor: a.load_factor,
        cooling: a.cooling.map(|c| match c {
            CoolingArg::Liquid => Cooling::Liquid,
            CoolingArg::Air => Cooling::Air,
            CoolingArg::Hybrid => Cooling::Hybrid,
        }),
        supply_temp_c: a.supply_temp_c,
        ups: a.ups.map(|u| match u {
            UpsArg::DoubleConversion => Ups::DoubleConversion,
            UpsArg::Eco => Ups::Eco,
        }),
        redundancy: a.redundancy,
        zero_water: a.zero_water,
        weather: a.weather.clone(),
        it_series: a.it_series.clone(),
        price: a.price,
    }
}

fn tco(g: &Global, a: &TcoArgs) -> Result<()> {
    use rackscale::model::tco::Dist;
    let catalog = load_catalog(g)?;
    let mut s = Scenario::from_path(&a.scenario, &catalog)?;
    if let Some(seed) = g.seed {
        s.seed = seed;
    }
    let shown = a.scenario.display().to_string();
    let Some(t) = s.tco.clone() else {
        return Err(UsageError(format!("{shown} has no [tco] table; add one with `[[tco.option]]` entries")).into());
    };
    let samples = match a.samples {
        Some(n) if (1..=1_000_000).contains(&n) => Some(n as usize),
        Some(n) => return Err(UsageError(format!("--samples is {n}; give 1 to 1,000,000 draws")).into()),
        None => None,
    };
    let system = catalog.systems.get(s.cluster.system.as_str())?;
    let power = rackscale::pipeline::cluster_power(&s, &catalog)?;
    let fabric = FabricOptions { fabric: Some(s.cluster.fabric.to_string()), ..FabricOptions::default() };
    let inv = Topology::build(&catalog, system.id.get_ref(), u64::from(s.cluster.gpus), &fabric)?.inventory();
    let out = catalog.fabrics.get(s.cluster.fabric.as_str())?;
    let Some(switch_price) = out.switch_price_usd.as_ref() else {
        return Err(UsageError(format!(
            "fabric `{}` has no switch price in the catalog; add `switch_price_usd` with a catalog override (--catalog FILE)",
            out.id.get_ref()
        ))
        .into());
    };
    let switch_usd = rackscale::scenario::tco::fig_dist(switch_price);
    // A rented GPU must be the cluster's.
    for o in &t.options {
        if let Some(f) = o
            .offer
            .as_ref()
            .and_then(|id| catalog.offers.find(id))
            .filter(|f| f.accelerator.get_ref() != system.accelerator.get_ref())
        {
            return Err(UsageError(format!(
                "{shown}: option `{}` rents `{}`, an offer of {} GPUs, but the cluster's GPUs are {}",
                o.name,
                f.id.get_ref(),
                f.accelerator.get_ref(),
                system.accelerator.get_ref()
            ))
            .into());
        }
    }
    // PUE: the facility model at the scenario's site and load, else the scenario's fixed PUE.
    let site = s.facility.site.as_ref().map(|id| catalog.sites.get(id.as_str())).transpose()?;
    let pue = match (site.filter(|x| x.climate.is_some()), s.facility.pue, t.pue) {
        (_, _, Some(p)) => (p, "PUE from the scenario's [tco]".to_owned()),
        (Some(site), _, None) => {
            let args = rackscale::pipeline::facility::Inputs::default();
            let cap = power.nameplate_w() / 1e3;
            let design = rackscale::pipeline::facility::design(&args, Some(&s), &catalog, cap)?;
            let (weather, _) = rackscale::pipeline::facility::weather(&args, Some(&s.facility), Some(site))?;
            let lf = power.at(s.workload.utilization.get()) / power.nameplate_w();
            let pue = design.run(&weather, |_| cap * lf).totals(&weather.month).annual_pue;
            (
                Dist::Fixed(pue),
                format!(
                    "PUE {pue:.3} from the facility model at {} ({} cooling)",
                    site.id.get_ref(),
                    design.cooling.name()
                ),
            )
        }
        (None, Some(p), None) => (Dist::Fixed(p), format!("PUE {p} fixed by the scenario")),
        (None, None, None) => {
            return Err(UsageError(format!(
                "{shown}: no PUE: give `facility.site` (a site with a climate), `facility.pue` or `tco.pue`"
            ))
            .into());
        }
    };
    let usd_per_kwh = match (t.usd_per_kwh, s.facility.electricity_usd_per_kwh) {
        (Some(p), _) => p,
        (None, Some(p)) => {
            let tariff = site.and_then(|x| catalog.tariffs.find(x.tariff.get_ref()));
            tariff
                .filter(|t| t.usd_per_kwh.value == p)
                .map_or(Dist::Fixed(p), |t| rackscale::scenario::tco::fig_dist(&t.usd_per_kwh))
        }
        (None, None) => {
            return Err(UsageError(format!(
                "{shown}: no electricity price: give `facility.site`, `facility.electricity_usd_per_kwh` or `tco.electricity_usd_per_kwh`"
            ))
            .into());
        }
    };
    let training = training_summary(&s, &catalog)?;
    let gpus = f64::from(s.cluster.gpus);
    let mut queue = None;
    let simulated = match &a.sim {
        Some(p) => {
            let text = read_text(p, "simulation result")?;
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                UsageError(format!("{}: not the JSON `simulate --format json` writes: {e}", p.display()))
            })?;
            let get = |k: &str| v["summary"][k].as_f64();
            match (get("utilization"), get("goodput")) {
                (Some(u), Some(g)) => {
                    for (name, x) in [("utilization", u), ("goodput", g)] {
                        if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                            return Err(UsageError(format!(
                                "{}: summary.{name} is {}; a share from 0 to 1 is expected (is this `simulate --format json` output?)",
                                p.display(),
                                fmt_num(x)
                            ))
                            .into());
                        }
                    }
                    let q = |k: &str| v["summary"]["queue_delay_s"][k].as_f64().filter(|x| x.is_finite() && *x >= 0.0);
                    queue = q("p50").zip(q("p90"));
                    Some((u, g))
                }
                _ => {
                    return Err(UsageError(format!(
                        "{}: no summary.utilization and summary.goodput; give `simulate SCENARIO --format json` output",
                        p.display()
                    ))
                    .into());
                }
            }
        }
        None => None,
    };
    let cx = rackscale::pipeline::tco::Context {
        scenario: s.name.clone(),
        system: system.id.get_ref().clone(),
        site: site.map(|x| x.id.get_ref().clone()),
        gpus,
        gpus_per_node: f64::from(system.gpus_per_node.get()),
        nodes_per_rack: f64::from(system.nodes_per_rack.get()),
        liquid: system.cooling != rackscale::catalog::Cooling::Air,
        power,
        switches: (inv.fabric.leaf_switches + inv.fabric.spine_switches + inv.fabric.core_switches) as f64,
        transceivers: inv.fabric.transceivers as f64,
        cables: inv.fabric.cables as f64,
        switch_usd,
        pue,
        usd_per_kwh,
        flops_per_gpu: training.as_ref().map(|x| x.sustained_model_eflops * 1e18 / gpus),
        tokens_per_gpu_hour: training.as_ref().map(|x| x.tokens_per_s * 3600.0 / gpus),
        run_tokens: s.training.as_ref().and_then(|x| x.tokens),
        simulated,
        seed: s.seed,
        samples,
    };
    let mut report = rackscale::pipeline::tco::run(&t, &cx).map_err(UsageError)?;
    if let Some((p50, p90)) = queue {
        report.notes.push(format!(
            "customers' jobs queue {:.1} h (p50) / {:.1} h (p90) in the simulation",
            p50 / 3600.0,
            p90 / 3600.0
        ));
    }
    emit(g, &format!("tco-{}", s.name), &report)
}

fn collective(g: &Global, a: &CollectiveArgs) -> Result<()> {
    let sizes = parse_sizes(&a.sizes).map_err(|e| UsageError(format!("--sizes: {e}")))?;
    let reference = data::collective_params();
    let (levels, n, params) = match &a.topology {
        Some(path) => {
            let (levels, n) = astra_levels(path, a.gpus)?;
            (levels, n, std::borrow::Cow::Borrowed(&reference))
        }
        None => {
            let (levels, n, topo) = catalog_levels(g, a)?;
            (levels, n, reference.for_fabrics(&topo.scaleup_fabric, &topo.fabric))
        }
    };
    let op = op_of(a.op);
    let force = a.algorithm.map(algorithm_of);
    let mut rows = Vec::with_capacity(sizes.len());
    for size in sizes {
        let e = collective::estimate(op, Bytes(size as f64), &levels, &params, force).ok_or_else(|| {
            let alg = force.map_or_else(|| "any algorithm".to_owned(), |f| format!("algorithm `{f}`"));
            UsageError(format!("{alg} cannot run {op} on this group; {}", applicable(op, &levels, &params)))
        })?;
        if !e.time.get().is_finite() || e.time.get() <= 0.0 {
            return Err(UsageError(format!(
                "a {size}-byte {op} takes no finite time on this topology; check its bandwidths"
            ))
            .into());
        }
        let algbw = size as f64 / e.time.get() / 1e9;
        rows.push(CollectiveRow {
            size_bytes: size,
            time_s: e.time.get(),
            algbw_gb_per_s: algbw,
            busbw_gb_per_s: algbw * op.bus_factor(n),
            algorithm: e.algorithm.to_string(),
            protocol: e.protocol.to_string(),
        });
    }
    emit(g, &format!("collective-{op}"), &CollectiveSweep { rows })
}

/// The algorithms that can run `op` on these levels, for an error message.
fn applicable(op: Op, levels: &[Level], params: &CollectiveParams) -> String {
    let ok: Vec<String> = Algorithm::ALL
        .iter()
        .filter(|&&a| collective::estimate(op, Bytes(1e6), levels, params, Some(a)).is_some())
        .map(ToString::to_string)
        .collect();
    format!("applicable: {}", ok.join(", "))
}

fn catalog_levels(g: &Global, a: &CollectiveArgs) -> Result<(Vec<Level>, u64, Topology)> {
    let catalog = load_catalog(g)?;
    let system = a.system.as_deref().unwrap_or_default();
    let sys = catalog.systems.get(system)?;
    let n = a.gpus.unwrap_or_else(|| u64::from(sys.gpus_per_domain.get()));
    let opt = FabricOptions {
        fabric: a.fabric.clone(),
        planes: a.planes,
        leaf_oversubscription: a.oversubscription,
        spine_oversubscription: a.spine_oversubscription,
        tiers: a.tiers,
    };
    let topo = Topology::build(&catalog, system, n, &opt)?;
    let levels = topo.group(n)?;
    let inv = topo.inventory();
    let f = &inv.fabric;
    eprintln!(
        "{}: {} GPUs in {} scale-up domains of {}; {} fat-tree: {} tiers, {} planes, {} leaf / {} spine / {} core switches",
        topo.system,
        n,
        inv.domains,
        topo.scale_up.gpus_per_domain,
        topo.fabric,
        f.tiers,
        f.planes,
        f.leaf_switches,
        f.spine_switches,
        f.core_switches
    );
    Ok((levels, n, topo))
}

fn astra_levels(path: &Path, gpus: Option<u64>) -> Result<(Vec<Level>, u64)> {
    let shown = path.display().to_string();
    let text = read_text(path, "topology")?;
    let topo = AstraTopology::parse(&shown, &text).map_err(|d| InvalidFile(Box::new(d)))?;
    let n = topo.npus();
    if let Some(g) = gpus.filter(|&g| g != n) {
        return Err(UsageError(format!("--gpus {g} does not match the {n} NPUs of `{shown}`; leave --gpus out")).into());
    }
    if n < 2 {
        return Err(UsageError(format!("`{shown}` has {n} NPU; a collective needs at least 2")).into());
    }
    Ok((topo.levels(), n))
}

fn validate(g: &Global, what: ValidateWhat) -> Result<()> {
    let catalog = load_catalog(g)?;
    let collectives = || validate::collectives(&catalog, &data::collective_params());
    let training = || validate::training(&catalog, &data::collective_params(), &data::default_profile());
    match (what, g.format) {
        (ValidateWhat::Collectives, _) => emit(g, "validation-collectives", &collectives()?),
        (ValidateWhat::Training, _) => emit(g, "validation-training", &training()?),
        (ValidateWhat::All, FormatArg::Table) => {
            let (c, t) = (collectives()?, training()?);
            // One set of files; two tables on stdout.
            let files = report_files("validation-training", &t)?;
            emit_with(g, "validation-collectives", &c, files)?;
            println!();
            print_report(g, &t)
        }
        (ValidateWhat::All, FormatArg::Json) => {
            emit(g, "validation", &ValidationAll { collectives: collectives()?, training: training()? })
        }
        (ValidateWhat::All, FormatArg::Csv) => {
            Err(UsageError("CSV holds one table: add --what collectives or --what training".into()).into())
        }
    }
}

/// The model, cluster and efficiency profile of a job.
fn job_setup(g: &Global, j: &JobArgs) -> Result<(Setup, Profile)> {
    let catalog = load_catalog(g)?;
    let fabric = FabricOptions { fabric: j.fabric.clone(), ..FabricOptions::default() };
    let setup = Setup::new(&catalog, &j.model, &j.system, j.gpus, &fabric)?;
    let profile = match &j.calibration {
        Some(path) => {
            let p = load_profile(path)?;
            let id = setup.gpu.id.get_ref();
            if !p.device.iter().any(|d| d.accelerator == *id) {
                let has: Vec<&str> = p.device.iter().map(|d| d.accelerator.as_str()).collect();
                eprintln!(
                    "warning: calibration `{}` has no values for `{id}` (it holds {}); {id} keeps the profile's fallback values, which are not a calibration of it",
                    path.display(),
                    if has.is_empty() { "none".to_owned() } else { has.join(", ") }
                );
            }
            p
        }
        None => data::default_profile(),
    };
    if !(j.goodput > 0.0 && j.goodput <= 1.0) {
        return Err(UsageError(format!("--goodput {} is not a fraction in (0, 1]", j.goodput)).into());
    }
    if j.goodput < MIN_GOODPUT {
        return Err(UsageError(format!(
            "--goodput {} is below {MIN_GOODPUT}: no job makes progress that slowly",
            j.goodput
        ))
        .into());
    }
    if let Some(t) = j.tokens.filter(|t| !(t.is_finite() && *t > 0.0 && *t <= MAX_TOKENS)) {
        return Err(UsageError(format!("--tokens {t} must be a positive number of tokens up to {MAX_TOKENS:e}")).into());
    }
    Ok((setup, profile))
}

/// Reads a profile: a `calibrate` output (JSON) or a bare efficiency profile (JSON or TOML).
fn load_profile(path: &Path) -> Result<Profile> {
    let shown = path.display().to_string();
    let profile = read_profile(path)?;
    profile.check().map_err(|e| UsageError(format!("calibration `{shown}`: {e}")))?;
    Ok(profile)
}

fn read_profile(path: &Path) -> Result<Profile> {
    let shown = path.display().to_string();
    if let Ok(c) = load_calibration(path) {
        if let Some(note) = &c.transferred_from {
            eprintln!("note: {note}");
        }
        return Ok(c.profile);
    }
    let text = read_text(path, "calibration")?;
    let parsed = if shown.ends_with(".json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| UsageError(format!("calibration `{shown}` is not an efficiency profile: {e}")).into())
}

fn load_calibration(path: &Path) -> Result<Calibration> {
    let shown = path.display().to_string();
    let text = read_text(path, "profile")?;
    let c: Calibration = serde_json::from_str(&text)
        .map_err(|e| UsageError(format!("`{shown}` is not a rackscale calibration profile: {e}")))?;
    if c.version != calibrate::PROFILE_VERSION {
        return Err(UsageError(format!(
            "`{shown}` is profile version {}, this rackscale reads version {}",
            c.version,
            calibrate::PROFILE_VERSION
        ))
        .into());
    }
    Ok(c)
}

fn calibrate(g: &Global, a: &CalibrateArgs) -> Result<()> {
    let mut progress = |what: &str| eprintln!("calibrate: {what}");
    if a.to.is_some() && a.transfer.is_none() {
        return Err(UsageError(
            "--to names the accelerator of a transferred profile; give --transfer PROFILE too".into(),
        )
        .into());
    }
    if let (Some(path), Some(target)) = (&a.transfer, &a.to) {
        let catalog = load_catalog(g)?;
        let gpu = catalog.gpus.get(target)?;
        let c = calibrate::transfer(&load_calibration(path)?, gpu.id.get_ref());
        return emit_calibration(g, &c);
    }
    if let Some(path) = &a.validate {
        let old = load_calibration(path)?;
        if old.device.kind != "cpu" {
            let kind = &old.device.kind;
            return Err(UsageError(format!(
                "`{}` was measured on {kind}; only CPU profiles can be re-measured here",
                path.display()
            ))
            .into());
        }
        let mut c = old.clone();
        c.validation = calibrate::revalidate(&old, &mut progress);
        return emit_calibration(g, &c);
    }
    let cuda = calibrate::cuda::devices();
    match (a.device.as_str(), &cuda) {
        ("cpu", _) => {}
        ("auto", Err(e)) => eprintln!("rackscale: {e}: running the CPU suite"),
        ("auto", Ok(d)) => eprintln!(
            "rackscale: found {} CUDA device(s) ({}); the CUDA suite is not built yet: running the CPU suite",
            d.len(),
            d.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        (dev, Err(e)) if dev.starts_with("cuda") => return Err(UsageError(format!("--device {dev}: {e}")).into()),
        (dev, Ok(_)) if dev.starts_with("cuda") => {
            return Err(UsageError(format!(
                "--device {dev}: the CUDA kernel suite is not built yet (README: Calibration); use --device cpu"
            ))
            .into());
        }
        (dev, _) => return Err(UsageError(format!("unknown --device `{dev}`; use auto, cpu, cuda or cuda:N")).into()),
    }
    let mut c = calibrate::run_cpu(a.quick, &mut progress);
    c.device.cuda = cuda.unwrap_or_default();
    emit_calibration(g, &c)
}

/// Prints a calibration; `--out FILE.json` writes the profile there, `--out DIR` as usual.
fn emit_calibration(g: &Global, c: &Calibration) -> Result<()> {
    if let Some(path) = g.out.as_ref().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let text = serde_json::to_string_pretty(c)? + "\n";
        write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write `{}`", path.display()))?;
        eprintln!("wrote {}", path.display());
        let text = report::render(c, format_of(g.format))?;
        write_stdout(&text)?;
        return Ok(());
    }
    emit(g, &format!("calibration-{}", c.device.id), c)
}

fn days(j: &JobArgs, tokens_per_s: f64) -> Option<f64> {
    j.tokens.map(|t| t / (tokens_per_s * j.goodput) / 86_400.0)
}

fn step(g: &Global, a: &StepArgs) -> Result<()> {
    let (setup, profile) = job_setup(g, &a.job)?;
    let j = &a.job;
    let mp = u64::from(a.tp) * u64::from(a.pp) * u64::from(a.cp);
    if mp > j.gpus {
        return Err(UsageError(format!(
            "--tp {} x --pp {} x --cp {} = {mp} GPUs, more than --gpus {}; lower them or give more GPUs",
            a.tp, a.pp, a.cp, j.gpus
        ))
        .into());
    }
    let dp = match a.dp {
        Some(d) => d,
        None => u32::try_from(j.gpus / mp.max(1)).unwrap_or(0),
    };
    let plan = Plan {
        tp: a.tp,
        pp: a.pp,
        vp: a.vp,
        cp: a.cp,
        ep: a.ep,
        dp,
        micro_batch: a.micro_batch,
        global_batch: j.global_batch.unwrap_or(DEFAULT_GLOBAL_BATCH),
        seq_len: j.seq_len.unwrap_or(setup.shape_seq()),
        precision: precision_of(j.precision),
        recompute: recompute_of(a.recompute),
        zero: a.zero,
        sequence_parallel: a.tp > 1 && !a.no_sequence_parallel,
        lora_rank: j.lora_rank,
        tp_across_domains: a.allow_tp_across_domains,
        stack: stack_of(a.stack),
    };
    let s = setup.step(&plan, &data::collective_params(), &profile)?;
    let bands = validate::bands(&data::collective_params(), &profile)?;
    let days = days(j, s.tokens_per_s);
    let band = Uncertainty::of(&validate::band_of(&bands, &setup, &plan), s.step_time_s, s.tokens_per_s, s.mfu, days);
    let report = StepReport {
        model: setup.model.clone(),
        system: setup.topology.system.clone(),
        gpus: j.gpus,
        plan,
        time_to_train_days: days,
        step: s,
        band,
    };
    emit(g, &format!("step-{}", setup.model), &report)
}

fn plan(g: &Global, a: &PlanArgs) -> Result<()> {
    let (setup, profile) = job_setup(g, &a.job)?;
    let j = &a.job;
    let params = data::collective_params();
    let space = |gpus: u64| Space {
        gpus,
        domain: setup.domain,
        global_batch: j.global_batch.unwrap_or(DEFAULT_GLOBAL_BATCH),
        seq_len: j.seq_len.unwrap_or(setup.shape_seq()),
        precision: precision_of(j.precision),
        lora_rank: j.lora_rank,
    };
    if !rackscale::pipeline::training::runs_on(space(j.gpus).precision, &setup.gpu) {
        let plan_probe = setup.check(&probe_plan(&space(j.gpus)));
        plan_probe?;
    }
    let found = setup.search(&space(j.gpus), &params, &profile, a.top);
    let bands = validate::bands(&params, &profile)?;
    let plans = found
        .best
        .iter()
        .enumerate()
        .map(|(i, (p, s))| {
            let d = days(j, s.tokens_per_s);
            let band = validate::band_of(&bands, &setup, p);
            PlanRow {
                rank: i + 1,
                plan: *p,
                step_time_s: s.step_time_s,
                tokens_per_s: s.tokens_per_s,
                mfu: s.mfu,
                memory_per_gpu_bytes: s.memory_per_gpu_bytes,
                time_to_train_days: d,
                band: Uncertainty::of(&band, s.step_time_s, s.tokens_per_s, s.mfu, d),
            }
        })
        .collect();
    let (sizing, gpus_for_deadline, gpus_for_deadline_p90) = match a.deadline_days {
        Some(deadline) => size_for_deadline(g, a, deadline, (&params, &profile, &bands))?,
        None => (Vec::new(), None, None),
    };
    let mut warnings = Vec::new();
    if found.evaluated == 0 {
        let most = found
            .rejected
            .first()
            .map(|(rule, n)| format!("; the rule that ruled out most ({n} candidates): {rule}"))
            .unwrap_or_default();
        warnings.push(format!(
            "no valid plan for {} on {} GPUs{most}; try another --gpus, --global-batch or --seq-len",
            setup.model, j.gpus
        ));
    } else if found.fitting == 0 {
        warnings.push(format!(
            "none of the {} valid plans fits in memory: the leanest needs {:.0} GB per GPU of {:.0} GB; \
             give more GPUs, a shorter --seq-len or a smaller --global-batch",
            found.evaluated,
            found.least_memory_bytes / 1e9,
            setup.gpu.hbm().get() / 1e9
        ));
    }
    if let (Some(deadline), None, false) = (a.deadline_days, gpus_for_deadline, sizing.is_empty()) {
        warnings.push(format!(
            "no cluster size up to {} GPUs meets the deadline of {deadline} days, even at the estimate; \
             give more --gpus or a later deadline",
            j.gpus
        ));
    } else if let (Some(deadline), true) = (a.deadline_days, sizing.is_empty()) {
        warnings.push(format!(
            "no size was tried for the deadline of {deadline} days: --gpus {} is below one scale-up domain",
            j.gpus
        ));
    }
    let report = PlanReport {
        model: setup.model.clone(),
        system: setup.topology.system.clone(),
        gpus: j.gpus,
        evaluated: found.evaluated,
        fitting: found.fitting,
        plans,
        sizing,
        gpus_for_deadline,
        gpus_for_deadline_p90,
        warnings,
    };
    emit(g, &format!("plan-{}", setup.model), &report)
}

/// A plan only used to report a precision the accelerator lacks.
fn probe_plan(space: &Space) -> Plan {
    Plan {
        tp: 1,
        pp: 1,
        vp: 1,
        cp: 1,
        ep: 1,
        dp: 1,
        micro_batch: 1,
        global_batch: 1,
        seq_len: space.seq_len,
        precision: space.precision,
        recompute: rackscale::model::training::Recompute::Full,
        zero: 1,
        sequence_parallel: false,
        lora_rank: None,
        tp_across_domains: false,
        stack: Stack::Modern,
    }
}

/// The fewest GPUs, in whole scale-up domains, whose best plan meets the
/// deadline at its point estimate, and at the P90 of its band.
fn size_for_deadline(
    g: &Global,
    a: &PlanArgs,
    deadline: f64,
    (params, profile, bands): (&CollectiveParams, &Profile, &validate::Bands),
) -> Result<(Vec<SizingRow>, Option<u64>, Option<u64>)> {
    let j = &a.job;
    if !(deadline.is_finite() && deadline > 0.0) {
        return Err(UsageError(format!("--deadline-days {deadline} must be a positive number of days")).into());
    }
    let catalog = load_catalog(g)?;
    let per = u64::from(catalog.systems.get(&j.system)?.gpus_per_domain.get());
    let (mut rows, mut first) = (Vec::new(), None);
    for k in SIZING_STEPS.iter().map(|&k| k * per).take_while(|&n| n <= j.gpus) {
        let fabric = FabricOptions { fabric: j.fabric.clone(), ..FabricOptions::default() };
        let setup = Setup::new(&catalog, &j.model, &j.system, k, &fabric)?;
        let space = Space {
            gpus: k,
            domain: setup.domain,
            global_batch: j.global_batch.unwrap_or(DEFAULT_GLOBAL_BATCH),
            seq_len: j.seq_len.unwrap_or(setup.shape_seq()),
            precision: precision_of(j.precision),
            lora_rank: j.lora_rank,
        };
        let found = setup.search(&space, params, profile, 1);
        let valid_plans = found.evaluated;
        let best = found.best.into_iter().next();
        let d = best.as_ref().and_then(|(_, s)| days(j, s.tokens_per_s));
        let d90 = best.as_ref().zip(d).map(|((p, _), d)| validate::band_of(bands, &setup, p).step(d).1);
        let meets = d.is_some_and(|d| d <= deadline);
        let meets90 = d90.is_some_and(|d| d <= deadline);
        rows.push(SizingRow {
            gpus: k,
            valid_plans,
            plan: best.map(|(p, _)| p),
            time_to_train_days: d,
            time_to_train_days_p90: d90,
            meets_deadline: meets,
            meets_deadline_p90: meets90,
        });
        if meets && first.is_none() {
            first = Some(k);
        }
        if meets90 {
            return Ok((rows, first, Some(k)));
        }
    }
    Ok((rows, first, None))
}

fn catalog_list(g: &Global, kind: Option<Kind>) -> Result<()> {
    let catalog = load_catalog(g)?;
    emit(g, "catalog", &CatalogList(catalog.rows(kind)))
}

fn catalog_show(g: &Global, id: &str) -> Result<()> {
    let catalog = load_catalog(g)?;
    let (kind, entry) = catalog.show(id)?;
    for (other, other_id) in catalog.matches(id).into_iter().filter(|(k, _)| *k != kind) {
        eprintln!(
            "note: `{id}` also names {other} `{other_id}`; showing the {kind} (use `{other_id}` for the {other})"
        );
    }
    emit(g, id, &EntryDetail { kind: kind.name().to_owned(), entry })
}

fn init(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(UsageError(format!("`{}` already exists; pass --force to replace it", path.display())).into());
    }
    write_atomic(path, TEMPLATE.as_bytes()).with_context(|| format!("cannot write `{}`", path.display()))?;
    eprintln!("wrote {}; check it with `rackscale check {}`", path.display(), path.display());
    Ok(())
}

fn check(g: &Global, path: &Path) -> Result<()> {
    let catalog = load_catalog(g)?;
    let scenario = Scenario::from_path(path, &catalog)?;
    report_check(g, scenario, &catalog)
}

fn check_text(g: &Global, path: &str, text: &str) -> Result<()> {
    let catalog = load_catalog(g)?;
    let scenario = Scenario::parse(path, text, &catalog)?;
    report_check(g, scenario, &catalog)
}

fn report_check(g: &Global, mut scenario: Scenario, catalog: &Catalog) -> Result<()> {
    if let Some(seed) = g.seed {
        scenario.seed = seed;
    }
    let summary = summarise(&scenario, catalog)?;
    emit(g, &format!("{}-summary", scenario.name), &summary)
}

/// Nameplate figures of a validated scenario.
fn summarise(s: &Scenario, catalog: &Catalog) -> Result<ScenarioSummary> {
    let system = catalog.systems.get(s.cluster.system.as_str())?;
    let gpu = catalog.gpus.get(system.accelerator.get_ref())?;
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
    let fabric = FabricOptions { fabric: Some(c.fabric.to_string()), ..FabricOptions::default() };
    let inventory = Topology::build(catalog, system.id.get_ref(), u64::from(c.gpus), &fabric)?.inventory();
    let facility_mw = s.facility.pue.map(|pue| it.mw() * pue);
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
        peaks,
        hbm_tb: cluster::hbm(gpu, c.gpus).gb() / 1e3,
        it_power_mw: it.mw(),
        it_power_mw_low: lo.mw(),
        it_power_mw_high: hi.mw(),
        site: s.facility.site.as_ref().map(ToString::to_string),
        pue: s.facility.pue,
        facility_power_mw: facility_mw,
        electricity_usd_per_kwh: price,
        energy_usd_per_year_upper_bound: bill,
        utilization: s.workload.utilization.get(),
        inventory,
        training: training_summary(s, catalog)?,
        warnings: s.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// The step of a scenario's `[training]` job on its cluster.
fn training_summary(s: &Scenario, catalog: &Catalog) -> Result<Option<TrainingSummary>> {
    let Some(t) = &s.training else { return Ok(None) };
    let fabric = FabricOptions { fabric: Some(s.cluster.fabric.to_string()), ..FabricOptions::default() };
    let setup = Setup::new(catalog, &t.model, s.cluster.system.as_str(), u64::from(s.cluster.gpus), &fabric)?;
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

fn load_catalog(g: &Global) -> Result<Catalog> {
    Ok(Catalog::load_paths(&g.catalogs)?)
}

/// Prints a report on stdout and, with `--out`, writes it as JSON and CSV.
fn emit(g: &Global, stem: &str, r: &dyn Report) -> Result<()> {
    emit_with(g, stem, r, Vec::new())
}

/// A report as its `--out` files: JSON and CSV.
fn report_files(stem: &str, r: &dyn Report) -> Result<Vec<(String, Vec<u8>)>> {
    [Format::Json, Format::Csv]
        .into_iter()
        .map(|f| {
            let text = report::render(r, f).with_context(|| format!("stage `{stem}`"))?;
            Ok((format!("{}.{}", file_stem(stem), f.extension()), text.into_bytes()))
        })
        .collect()
}

/// [`emit`], and with `--out` the `extra` files (name, bytes) beside the
/// report's: all written as one set, so a failure replaces none of them.
fn emit_with(g: &Global, stem: &str, r: &dyn Report, extra: Vec<(String, Vec<u8>)>) -> Result<()> {
    if let Some(dir) = &g.out {
        if dir.exists() && !dir.is_dir() {
            return Err(UsageError(format!("--out `{}` is a file; give a directory", dir.display())).into());
        }
        let mut files = report_files(stem, r)?;
        files.extend(extra);
        let files: Vec<(std::path::PathBuf, Vec<u8>)> =
            files.into_iter().map(|(name, bytes)| (dir.join(name), bytes)).collect();
        write_set(&files).with_context(|| format!("cannot write into `{}`", dir.display()))?;
        for (path, _) in &files {
            eprintln!("wrote {}", path.display());
        }
    }
    print_report(g, r)
}

/// Prints a report on stdout in the chosen format.
fn print_report(g: &Global, r: &dyn Report) -> Result<()> {
    let text = report::render(r, format_of(g.format)).context("while rendering the result")?;
    write_stdout(&text)?;
    if g.format != FormatArg::Table {
        for w in r.warnings() {
            eprintln!("warning: {w}");
        }
    }
    Ok(())
}

/// Writes a result on stdout (through the test harness's capture in unit tests).
fn write_stdout(text: &str) -> std::io::Result<()> {
    if cfg!(test) {
        print!("{text}");
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A name safe as a file name.
fn file_stem(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect()
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Table => Format::Table,
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
    }
}

fn precision_of(p: PrecisionArg) -> Recipe {
    match p {
        PrecisionArg::Bf16 => Recipe::Bf16,
        PrecisionArg::Fp8 => Recipe::Fp8,
        PrecisionArg::Mxfp8 => Recipe::Mxfp8,
        PrecisionArg::Nvfp4 => Recipe::Nvfp4,
    }
}

fn stack_of(s: StackArg) -> Stack {
    match s {
        StackArg::Modern => Stack::Modern,
        StackArg::Megatron2021 => Stack::Megatron2021,
    }
}

fn recompute_of(r: RecomputeArg) -> Recompute {
    match r {
        RecomputeArg::None => Recompute::None,
        RecomputeArg::Selective => Recompute::Selective,
        RecomputeArg::Full => Recompute::Full,
    }
}

fn op_of(o: OpArg) -> Op {
    match o {
        OpArg::AllReduce => Op::AllReduce,
        OpArg::ReduceScatter => Op::ReduceScatter,
        OpArg::AllGather => Op::AllGather,
        OpArg::AllToAll => Op::AllToAll,
        OpArg::Broadcast => Op::Broadcast,
        OpArg::SendRecv => Op::SendRecv,
    }
}

fn algorithm_of(a: AlgorithmArg) -> Algorithm {
    match a {
        AlgorithmArg::Ring => Algorithm::Ring,
        AlgorithmArg::Tree => Algorithm::Tree,
        AlgorithmArg::Nvls => Algorithm::Nvls,
        AlgorithmArg::Sharp => Algorithm::Sharp,
        AlgorithmArg::Hierarchical => Algorithm::Hierarchical,
        AlgorithmArg::Direct => Algorithm::Direct,
    }
}

fn kind_of(k: KindArg) -> Kind {
    match k {
        KindArg::Gpu => Kind::Gpu,
        KindArg::System => Kind::System,
        KindArg::Fabric => Kind::Fabric,
        KindArg::Site => Kind::Site,
        KindArg::Electricity => Kind::Electricity,
        KindArg::Offer => Kind::Offer,
        KindArg::Model => Kind::Model,
    }
}
