//! One function per subcommand: load, compute, report. Nothing else.

use crate::cli::{
    CalibrateArgs, CatalogCommand, ClaimArgs, Cli, CollectiveArgs, Command, FacilityArgs, FormatArg, Global, JobArgs,
    PlanArgs, RunArgs, SimulateArgs, StepArgs, SweepArgs, TcoArgs, ValidateWhat,
};
use anyhow::{Context, Result};
use rackscale::calibrate::{self, Calibration};
use rackscale::catalog::{Catalog, Kind};
use rackscale::data;
use rackscale::error::{InvalidFile, UsageError};
use rackscale::fsutil::{read_text, write_atomic, write_set};
use rackscale::model::collective::Level;
use rackscale::model::training::{Plan, Profile};
use rackscale::pipeline::training::Setup;
use rackscale::pipeline::validate;
use rackscale::report::{self, Format, Report};
use rackscale::results::{CatalogList, EntryDetail, ValidationAll};
use rackscale::scenario::{Scenario, TEMPLATE};
use rackscale::sizes::parse_sizes;
use rackscale::topology::astra::AstraTopology;
use rackscale::topology::{FabricOptions, Topology};
use std::io::Write;
use std::path::Path;

/// The flagship scenario, run when no command is given.
const FLAGSHIP: (&str, &str) = ("scenarios/azure-gb300.toml", include_str!("../scenarios/azure-gb300.toml"));

/// Runs the command line.
pub fn run(cli: Cli) -> Result<()> {
    let g = &cli.global;
    let cap = rackscale::sizes::parse_size(&g.max_input).map_err(|e| UsageError(format!("--max-input: {e}")))?;
    rackscale::fsutil::set_max_input(cap);
    if cli.seed.is_some() && cli.command.is_some() {
        return Err(UsageError(
            "--seed before a command sets the flagship's seed; give it after `check`, `simulate` or `tco`".into(),
        )
        .into());
    }
    match cli.command {
        None => {
            eprintln!("rackscale: no command given; running the flagship scenario {} (see --help)", FLAGSHIP.0);
            let catalog = load_catalog(g)?;
            let scenario = Scenario::parse(FLAGSHIP.0, FLAGSHIP.1, &catalog)?;
            run_scenarios(g, &catalog, vec![(FLAGSHIP.0.to_owned(), scenario)], cli.seed, false)
        }
        Some(Command::Run(args)) => run_cmd(g, &args),
        Some(Command::Claim(args)) => claim(g, &args),
        Some(Command::Sweep(args)) => sweep(g, &args),
        Some(Command::Merge { dirs }) => merge(g, &dirs),
        Some(Command::Catalog(CatalogCommand::List { kind })) => catalog_list(g, kind.map(Kind::from)),
        Some(Command::Catalog(CatalogCommand::Show { id })) => catalog_show(g, &id),
        Some(Command::Init { path, force }) => init(&path, force),
        Some(Command::Check { scenario, seed }) => check(g, &scenario, seed),
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

fn sweep(g: &Global, a: &SweepArgs) -> Result<()> {
    use rackscale::pipeline::sweep as sw;
    use rayon::prelude::*;
    let catalog = load_catalog(g)?;
    let shown = a.scenario.display().to_string();
    let text = read_text(&a.scenario, "scenario")?;
    let scenario = Scenario::parse(&shown, &text, &catalog)?;
    let axes = a.vary.iter().map(|v| sw::axis(v)).collect::<std::result::Result<Vec<_>, _>>()?;
    sw::check_axes(&text, &shown, &axes)?;
    let points = sw::count(&axes);
    if points > 1_000_000 {
        return Err(UsageError(format!("{points} points: give at most 1,000,000 (fewer values per --vary)")).into());
    }
    let replications = a.replications.unwrap_or(1);
    if !(1..=10_000).contains(&replications) {
        return Err(UsageError(format!("--replications {replications}: give 1 to 10,000")).into());
    }
    let (shard, shards) = match &a.shard {
        None => (0, 1),
        Some(s) => match s.split_once('/').map(|(i, n)| (i.trim().parse::<usize>(), n.trim().parse::<usize>())) {
            Some((Ok(i), Ok(n))) if n >= 1 && i < n => (i, n),
            _ => return Err(UsageError(format!("--shard `{s}`: give I/N with 0 <= I < N, as `--shard 2/8`")).into()),
        },
    };
    let manifest = sw::Manifest {
        scenario: scenario.name.clone(),
        scenario_hash: sw::hash(&text),
        seed: scenario.seed,
        axes,
        replications,
        points,
        metrics: sw::METRICS.iter().map(|m| (*m).to_owned()).collect(),
    };
    let dir = g
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(format!("{}-sweep", report::file_stem(&scenario.name))));
    let manifest_text = serde_json::to_string_pretty(&manifest)? + "\n";
    let manifest_path = dir.join("manifest.json");
    match std::fs::read_to_string(&manifest_path) {
        Ok(old) if old != manifest_text => {
            return Err(UsageError(format!(
                "`{}` holds another sweep (its manifest differs: scenario, keys, values or replications); give another --out",
                dir.display()
            ))
            .into());
        }
        Ok(_) => {}
        Err(_) => write_atomic(&manifest_path, manifest_text.as_bytes())
            .with_context(|| format!("cannot write `{}`", manifest_path.display()))?,
    }
    let point_file = |i: usize| dir.join("points").join(format!("{i:07}.json"));
    let todo: Vec<usize> = (0..points).filter(|i| i % shards == shard && !point_file(*i).exists()).collect();
    let mine = (0..points).filter(|i| i % shards == shard).count();
    let bar = (!a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let b = indicatif::ProgressBar::new(todo.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("sweep {bar:40} {pos}/{len} points, {elapsed}, ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    todo.par_iter().try_for_each(|&i| -> Result<()> {
        let row = sw::point(&manifest, &text, &shown, &catalog, i);
        let bytes = serde_json::to_string_pretty(&row)? + "\n";
        // Each point on its own, atomically: a killed run loses only the points in flight.
        write_atomic(&point_file(i), bytes.as_bytes()).with_context(|| format!("cannot write point {i}"))?;
        if let Some(b) = &bar {
            b.inc(1);
        }
        Ok(())
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    eprintln!(
        "sweep: {mine} of {points} points in this shard ({} run now, {} already done) in `{}`",
        todo.len(),
        mine - todo.len(),
        dir.display()
    );
    if (0..points).all(|i| point_file(i).exists()) {
        finish_sweep(&dir, &manifest)?;
    } else {
        eprintln!("sweep: other shards' points are missing; `rackscale merge DIR... --out DIR` joins the shards");
    }
    Ok(())
}

/// Writes `sweep.csv` and `sweep.json` from a directory holding every point.
fn finish_sweep(dir: &Path, m: &rackscale::pipeline::sweep::Manifest) -> Result<()> {
    use rackscale::pipeline::sweep as sw;
    let rows = (0..m.points)
        .map(|i| {
            let p = dir.join("points").join(format!("{i:07}.json"));
            let text = read_text(&p, "sweep point")?;
            let row: sw::PointRow = serde_json::from_str(&text)
                .map_err(|e| UsageError(format!("{}: not a sweep point: {e}", p.display())))?;
            if row.index != i {
                return Err(UsageError(format!("{}: holds point {}, not {i}", p.display(), row.index)).into());
            }
            Ok(row)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut files = vec![
        (dir.join("sweep.csv"), sw::csv(m, &rows).into_bytes()),
        (dir.join("sweep.json"), sw::json(m, &rows).into_bytes()),
    ];
    let charts = report::sweep::charts(m, &rows).map_err(|e| anyhow::anyhow!(e))?;
    files.extend(charts.into_iter().map(|(name, svg)| (dir.join(name), svg.into_bytes())));
    write_set(&files).with_context(|| format!("cannot write into `{}`", dir.display()))?;
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    eprintln!(
        "wrote {} and sweep.json ({} points, {failed} could not run)",
        dir.join("sweep.csv").display(),
        rows.len()
    );
    write_stdout(&sw::csv(m, &rows))?;
    Ok(())
}

fn merge(g: &Global, dirs: &[std::path::PathBuf]) -> Result<()> {
    use rackscale::pipeline::sweep as sw;
    let Some(out) = &g.out else {
        return Err(UsageError("merge writes the joined sweep to --out DIR; give it".into()).into());
    };
    let mut manifest: Option<(String, sw::Manifest)> = None;
    let mut found: std::collections::BTreeMap<usize, (std::path::PathBuf, Vec<u8>)> = std::collections::BTreeMap::new();
    for d in dirs {
        let mp = d.join("manifest.json");
        let text = read_text(&mp, "sweep manifest")?;
        let m: sw::Manifest = serde_json::from_str(&text)
            .map_err(|e| UsageError(format!("{}: not a sweep manifest: {e}", mp.display())))?;
        match &manifest {
            Some((first, _)) if *first != text => {
                return Err(UsageError(format!(
                    "`{}` belongs to another sweep than `{}` (their manifests differ)",
                    d.display(),
                    dirs[0].display()
                ))
                .into());
            }
            Some(_) => {}
            None => manifest = Some((text, m)),
        }
        let pd = d.join("points");
        let entries = std::fs::read_dir(&pd).map(|r| r.filter_map(|e| e.ok()).collect::<Vec<_>>()).unwrap_or_default();
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(i) = name.strip_suffix(".json").and_then(|s| s.parse::<usize>().ok()) else { continue };
            let bytes = std::fs::read(e.path()).with_context(|| format!("cannot read `{}`", e.path().display()))?;
            if let Some((other, _)) = found.get(&i) {
                return Err(
                    UsageError(format!("point {i} is in both `{}` and `{}`", other.display(), d.display())).into()
                );
            }
            found.insert(i, (d.clone(), bytes));
        }
    }
    let Some((text, m)) = manifest else { return Err(UsageError("no directories to merge".into()).into()) };
    let missing: Vec<usize> = (0..m.points).filter(|i| !found.contains_key(i)).collect();
    if let Some(extra) = found.keys().find(|i| **i >= m.points) {
        return Err(UsageError(format!("point {extra} is beyond the sweep's {} points", m.points)).into());
    }
    if !missing.is_empty() {
        let head: Vec<String> = missing.iter().take(10).map(ToString::to_string).collect();
        return Err(UsageError(format!(
            "{} of {} points are missing (first: {}); run the missing shards, then merge again",
            missing.len(),
            m.points,
            head.join(", ")
        ))
        .into());
    }
    let mut files = vec![(out.join("manifest.json"), text.into_bytes())];
    files.extend(found.into_iter().map(|(i, (_, b))| (out.join("points").join(format!("{i:07}.json")), b)));
    write_set(&files).with_context(|| format!("cannot write into `{}`", out.display()))?;
    finish_sweep(out, &m)
}

fn claim(g: &Global, a: &ClaimArgs) -> Result<()> {
    let catalog = load_catalog(g)?;
    let cx = a.context();
    let report = rackscale::pipeline::claim::check(&a.text, &cx, &catalog)?;
    if let Some(dir) = &g.out {
        let files = report_files("claim", &report)?;
        let files: Vec<(std::path::PathBuf, Vec<u8>)> = files.into_iter().map(|(n, b)| (dir.join(n), b)).collect();
        write_set(&files).with_context(|| format!("cannot write into `{}`", dir.display()))?;
    }
    match g.format {
        FormatArg::Table => Ok(write_stdout(&report::claim::worked(&report))?),
        FormatArg::Md => Ok(write_stdout(&report::claim::markdown(&report))?),
        _ => print_report(g, &report),
    }
}

fn run_cmd(g: &Global, a: &RunArgs) -> Result<()> {
    let catalog = load_catalog(g)?;
    let scenarios = a
        .scenarios
        .iter()
        .map(|p| Ok((p.display().to_string(), Scenario::from_path(p, &catalog)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut names = std::collections::BTreeSet::new();
    if let Some((_, s)) = scenarios.iter().find(|(_, s)| !names.insert(s.name.clone())) {
        return Err(UsageError(format!(
            "two scenarios are named `{}`; give each a distinct `name` so the comparison can tell them apart",
            s.name
        ))
        .into());
    }
    run_scenarios(g, &catalog, scenarios, a.seed, a.quiet)
}

/// Runs each scenario's every stage, writes the report directory (all of it
/// or none of it) and prints the answers and where the report is.
fn run_scenarios(
    g: &Global,
    catalog: &Catalog,
    scenarios: Vec<(String, Scenario)>,
    seed: Option<u64>,
    quiet: bool,
) -> Result<()> {
    use rackscale::pipeline::run::{self as pipeline, Stage};
    let mut outs = Vec::with_capacity(scenarios.len());
    let bar = (!quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let b = indicatif::ProgressBar::new(1000);
        b.set_style(
            indicatif::ProgressStyle::with_template("{msg:40} {bar:30} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    for (shown, mut scenario) in scenarios {
        if let Some(seed) = seed {
            scenario.seed = seed;
        }
        let trace = match scenario.simulation.as_ref().and_then(|c| c.trace.clone()) {
            Some(path) => {
                let text = read_text(Path::new(&path), "trace")?;
                Some((path, text))
            }
            None => None,
        };
        let name = scenario.name.clone();
        let mut progress = |stage: Stage, share: f64| {
            if let Some(b) = &bar {
                let what = match stage {
                    Stage::Step => "training step",
                    Stage::Simulation => "simulation",
                    Stage::Facility => "facility year",
                    Stage::Tco => "cost Monte Carlo",
                };
                b.set_message(format!("{name}: {what}"));
                b.set_position((share * 1000.0) as u64);
            }
        };
        let request = pipeline::Request { scenario: &scenario, shown: &shown, catalog };
        outs.push(pipeline::run(&request, trace, &mut progress)?);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let dir = match &g.out {
        Some(d) => d.clone(),
        None => {
            let stems: Vec<String> = outs.iter().map(|o| report::file_stem(&o.report.scenario)).collect();
            Path::new("reports").join(stems.join("-vs-"))
        }
    };
    if dir.is_file() {
        return Err(UsageError(format!("--out `{}` is a file; give a directory", dir.display())).into());
    }
    let files = report::run::files(&outs).context("while rendering the report")?;
    rackscale::fsutil::write_dir(&dir, &files)
        .with_context(|| format!("cannot write the report `{}`", dir.display()))?;
    if g.format == FormatArg::Table {
        let reports: Vec<&rackscale::pipeline::run::RunReport> = outs.iter().map(|o| &o.report).collect();
        write_stdout(&report::run::answers_text(&reports, 100))?;
    } else if g.format == FormatArg::Md {
        write_stdout(&report::run::markdown(&outs))?;
    } else if let [one] = outs.as_slice() {
        print_report(g, &one.report)?;
    } else {
        let c = report::run::Comparison { scenarios: outs.into_iter().map(|o| o.report).collect() };
        print_report(g, &c)?;
    }
    let page = dir.join("report.html");
    if g.format == FormatArg::Table {
        write_stdout(&format!("\nreport: {} ({} files in {})\n", page.display(), files.len(), dir.display()))?;
    } else {
        eprintln!("wrote {} ({} files in {})", page.display(), files.len(), dir.display());
    }
    Ok(())
}

fn simulate(g: &Global, a: &SimulateArgs) -> Result<()> {
    let catalog = load_catalog(g)?;
    let mut scenario = Scenario::from_path(&a.scenario, &catalog)?;
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    let shown = a.scenario.display().to_string();
    let trace_path = a
        .trace
        .as_ref()
        .map(|p| p.display().to_string())
        .or_else(|| scenario.simulation.as_ref().and_then(|c| c.trace.clone()));
    let trace = match trace_path {
        Some(path) => {
            let text = read_text(Path::new(&path), "trace")?;
            Some((path, text))
        }
        None => None,
    };
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
    let request =
        rackscale::pipeline::simulate::Request { scenario: &scenario, shown: &shown, catalog: &catalog, days: a.days };
    if let Some(n) = a.replications {
        if let Some(b) = &bar {
            b.set_length(n as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template("replications {bar:40} {pos}/{len}, {elapsed}, ETA {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        let done = || {
            if let Some(b) = &bar {
                b.inc(1);
            }
        };
        let report = rackscale::pipeline::simulate::replicate(&request, n, trace, &done)?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        return emit(g, &format!("{}-replications", scenario.name), &report);
    }
    let (report, result) = rackscale::pipeline::simulate::run(&request, trace, &mut progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let tables = if g.out.is_some() { rackscale::report::sim_tables(&scenario.name, &result)? } else { Vec::new() };
    emit_with(g, &format!("{}-simulation", scenario.name), &report, tables)
}

fn facility(g: &Global, a: &FacilityArgs) -> Result<()> {
    use rackscale::pipeline::facility as fac;
    let catalog = load_catalog(g)?;
    let scenario = a.scenario.as_ref().map(|p| Scenario::from_path(p, &catalog)).transpose()?;
    let (stem, report, hourly) = fac::run_inputs(&a.inputs(), scenario.as_ref(), &catalog)?;
    let hourly = vec![(format!("{}-hourly.csv", report::file_stem(&stem)), fac::hourly_csv(&hourly).into_bytes())];
    emit_with(g, &stem, &report, hourly)
}

fn tco(g: &Global, a: &TcoArgs) -> Result<()> {
    let catalog = load_catalog(g)?;
    let mut s = Scenario::from_path(&a.scenario, &catalog)?;
    if let Some(seed) = a.seed {
        s.seed = seed;
    }
    let samples = match a.samples {
        Some(n) if (1..=1_000_000).contains(&n) => Some(n as usize),
        Some(n) => return Err(UsageError(format!("--samples is {n}; give 1 to 1,000,000 draws")).into()),
        None => None,
    };
    let sim = match &a.sim {
        Some(p) => Some(rackscale::input::sim_summary(&read_text(p, "simulation result")?, &p.display().to_string())?),
        None => None,
    };
    let shown = a.scenario.display().to_string();
    let report = rackscale::pipeline::tco::from_scenario(
        &s,
        &shown,
        &catalog,
        samples,
        &rackscale::pipeline::tco::Upstream { sim, pue: None },
    )?;
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
    let op = rackscale::model::collective::Op::from(a.op);
    let sweep = rackscale::pipeline::collective::sweep(
        op,
        &sizes,
        &levels,
        n,
        &params,
        a.algorithm.map(rackscale::model::collective::Algorithm::from),
    )?;
    emit(g, &format!("collective-{op}"), &sweep)
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
        routing: None,
    };
    let topo = Topology::build(&catalog, system, n, &opt)?;
    let levels = topo.group(n)?;
    let inv = topo.inventory();
    let f = &inv.fabric;
    eprintln!(
        "{}: {} GPUs in {} scale-up domain{} of {}; {} fat-tree: {} tier{}, {} plane{}, {} leaf / {} spine / {} core switches",
        topo.system,
        n,
        inv.domains,
        plural(inv.domains),
        topo.scale_up.gpus_per_domain,
        topo.fabric,
        f.tiers,
        plural(u64::from(f.tiers)),
        f.planes,
        plural(u64::from(f.planes)),
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
        (ValidateWhat::Contention, _) => emit(g, "validation-contention", &validate::contention(&catalog)?),
        (ValidateWhat::All, FormatArg::Table | FormatArg::Md) => {
            let (c, t, n) = (collectives()?, training()?, validate::contention(&catalog)?);
            // One set of files; three tables on stdout.
            let mut files = report_files("validation-training", &t)?;
            files.extend(report_files("validation-contention", &n)?);
            emit_with(g, "validation-collectives", &c, files)?;
            println!();
            print_report(g, &t)?;
            println!();
            print_report(g, &n)
        }
        (ValidateWhat::All, FormatArg::Json) => emit(
            g,
            "validation",
            &ValidationAll {
                collectives: collectives()?,
                training: training()?,
                contention: validate::contention(&catalog)?,
            },
        ),
        (ValidateWhat::All, FormatArg::Csv) => {
            Err(UsageError("CSV holds one table: add --what collectives, --what training or --what contention".into())
                .into())
        }
    }
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
        let c = calibrate::transfer(&rackscale::input::profile::load_calibration(path)?, gpu.id.get_ref());
        return emit_calibration(g, &c);
    }
    if let Some(path) = &a.validate {
        let old = rackscale::input::profile::load_calibration(path)?;
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
    let (c, note) = calibrate::measure(&a.device, a.quick, &mut progress)?;
    if let Some(note) = note {
        eprintln!("rackscale: {note}");
    }
    emit_calibration(g, &c)
}

/// Prints a calibration; `--out FILE.json` writes the profile there, `--out DIR` as usual.
fn emit_calibration(g: &Global, c: &Calibration) -> Result<()> {
    if let Some(path) = g.out.as_ref().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let text = serde_json::to_string_pretty(c)? + "\n";
        write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write `{}`", path.display()))?;
        eprintln!("wrote {}", path.display());
        let text = report::render(c, rackscale::report::Format::from(g.format))?;
        write_stdout(&text)?;
        return Ok(());
    }
    emit(g, &format!("calibration-{}", c.device.id), c)
}

/// The job on its cluster and its efficiency profile (the built-in one, or
/// `--calibration`'s, with a warning if it does not cover the accelerator).
fn job_setup(g: &Global, j: &JobArgs) -> Result<(rackscale::pipeline::training::Job, Setup, Profile)> {
    let catalog = load_catalog(g)?;
    let job = j.job();
    let setup = job.setup(&catalog)?;
    let profile = match &j.calibration {
        Some(path) => {
            let (p, note) = rackscale::input::profile::load_profile(path)?;
            if let Some(note) = note {
                eprintln!("note: {note}");
            }
            if let Some(w) = rackscale::pipeline::training::profile_warning(&p, &setup, &path.display().to_string()) {
                eprintln!("warning: {w}");
            }
            p
        }
        None => data::default_profile(),
    };
    Ok((job, setup, profile))
}

fn step(g: &Global, a: &StepArgs) -> Result<()> {
    let (job, setup, profile) = job_setup(g, &a.job)?;
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
        global_batch: job.global_batch,
        seq_len: j.seq_len.unwrap_or(setup.shape_seq()),
        precision: job.precision,
        recompute: rackscale::model::training::Recompute::from(a.recompute),
        zero: a.zero,
        sequence_parallel: a.tp > 1 && !a.no_sequence_parallel,
        lora_rank: j.lora_rank,
        tp_across_domains: a.allow_tp_across_domains,
        stack: rackscale::model::training::Stack::from(a.stack),
    };
    let report = rackscale::pipeline::training::step_report(&job, &setup, &profile, plan)?;
    emit(g, &format!("step-{}", setup.model), &report)
}

fn plan(g: &Global, a: &PlanArgs) -> Result<()> {
    let (job, setup, profile) = job_setup(g, &a.job)?;
    let catalog = load_catalog(g)?;
    let report = rackscale::pipeline::training::plan_report(&catalog, &job, &setup, &profile, a.top, a.deadline_days)?;
    emit(g, &format!("plan-{}", setup.model), &report)
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

fn check(g: &Global, path: &Path, seed: Option<u64>) -> Result<()> {
    let catalog = load_catalog(g)?;
    let scenario = Scenario::from_path(path, &catalog)?;
    report_check(g, scenario, &catalog, seed)
}

fn report_check(g: &Global, mut scenario: Scenario, catalog: &Catalog, seed: Option<u64>) -> Result<()> {
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let summary = rackscale::pipeline::check::summarise(&scenario, catalog)?;
    emit(g, &format!("{}-summary", scenario.name), &summary)
}

/// Nameplate figures of a validated scenario.
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
            Ok((format!("{}.{}", report::file_stem(stem), f.extension()), text.into_bytes()))
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
    let text = report::render(r, rackscale::report::Format::from(g.format)).context("while rendering the result")?;
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

/// `s` unless there is exactly one.
fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
