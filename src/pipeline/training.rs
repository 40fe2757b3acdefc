//! Resolving a step request against the catalog: the glue between user
//! input (ids, degrees) and the pure training model.

use crate::catalog::{Accelerator, Catalog, CatalogError, Entry};
use crate::data;
use crate::error::UsageError;
use crate::model::collective::CollectiveParams;
use crate::model::training::plan::Stack;
use crate::model::training::search::Space;
use crate::model::training::{self, Plan, PlanError, Profile, Recipe, Recompute, Shape, Step, StepInput};
use crate::pipeline::validate;
use crate::results::{PlanReport, PlanRow, SizingRow, StepReport, Uncertainty};
use crate::topology::{FabricOptions, Topology, TopologyError};

/// Errors of resolving and checking a step. Fatal: bad input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StepError {
    /// Unknown model or system.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The cluster cannot be built.
    #[error(transparent)]
    Topology(#[from] TopologyError),
    /// The plan breaks a rule (its message is the rule; no source, so it prints once).
    #[error("invalid plan: {0}")]
    Plan(PlanError),
}

impl From<PlanError> for StepError {
    fn from(e: PlanError) -> Self {
        Self::Plan(e)
    }
}

/// A model on a cluster: everything a plan is evaluated against.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Model id.
    pub model: String,
    /// Model shape.
    pub shape: Shape,
    /// Accelerator.
    pub gpu: Accelerator,
    /// Cluster.
    pub topology: Topology,
    /// GPUs per scale-up domain.
    pub domain: u32,
    /// The model's training context.
    pub seq_len: u32,
}

impl Setup {
    /// Resolves `model` on `gpus` GPUs of `system`.
    pub fn new(
        catalog: &Catalog,
        model: &str,
        system: &str,
        gpus: u64,
        fabric: &FabricOptions,
    ) -> Result<Setup, StepError> {
        catalog.models.get(model)?;
        let sys = catalog.systems.get(system)?;
        let node = u64::from(sys.gpus_per_node.get());
        if gpus > node && !gpus.is_multiple_of(node) {
            let (lo, hi) = (gpus / node * node, (gpus / node + 1) * node);
            return Err(StepError::Topology(TopologyError::BadGpuCount {
                system: sys.id().to_owned(),
                gpus,
                why: format!("a job above one node takes whole {node}-GPU nodes, e.g. {lo} or {hi}"),
            }));
        }
        let topology = Topology::build(catalog, system, gpus, fabric)?;
        Self::on(catalog, model, topology)
    }

    /// `model` on a topology already built (a resolved scenario's cluster).
    pub fn on(catalog: &Catalog, model: &str, topology: Topology) -> Result<Setup, StepError> {
        let m = catalog.models.get(model)?;
        let sys = catalog.systems.get(&topology.system)?;
        let gpu = catalog.gpus.get(sys.accelerator.get_ref())?.clone();
        Ok(Setup {
            model: m.id().to_owned(),
            shape: Shape::of(m),
            gpu,
            topology,
            domain: sys.gpus_per_domain.get(),
            seq_len: m.seq_len.get(),
        })
    }

    /// The model's training context length.
    pub fn shape_seq(&self) -> u32 {
        self.seq_len
    }

    /// Checks `plan` and evaluates one step.
    pub fn step(&self, plan: &Plan, collectives: &CollectiveParams, profile: &Profile) -> Result<Step, StepError> {
        self.check(plan)?;
        let collectives = &*collectives.for_fabrics(&self.topology.scaleup_fabric, &self.topology.fabric);
        let input =
            StepInput { shape: &self.shape, plan, gpu: &self.gpu, topology: &self.topology, collectives, profile };
        Ok(training::evaluate(&input)?)
    }

    /// The plan's rules, plus the accelerator's precisions.
    pub fn check(&self, plan: &Plan) -> Result<(), PlanError> {
        if !runs_on(plan.precision, &self.gpu) {
            let supported: Vec<&str> =
                Recipe::ALL.into_iter().filter(|&r| runs_on(r, &self.gpu)).map(Recipe::name).collect();
            return Err(PlanError::Precision {
                gpu: self.gpu.id().to_owned(),
                precision: plan.precision.name().to_owned(),
                supported: supported.join(", "),
            });
        }
        plan.check(&self.shape, self.topology.gpus, self.domain)
    }
}

pub use crate::model::training::runs_on;

/// Parses a recompute mode name.
pub fn recompute(name: &str) -> Option<Recompute> {
    Recompute::parse(name)
}

/// Parses a recipe name (`bf16`, `fp8`, `mxfp8`, `nvfp4`; `fp8-cs`, `fp4` accepted).
pub fn precision(name: &str) -> Option<Recipe> {
    Recipe::parse(name)
}

/// The outcome of a plan search.
#[derive(Debug, Clone)]
pub struct Searched {
    /// Valid plans evaluated.
    pub evaluated: usize,
    /// Of those, plans that fit in memory.
    pub fitting: usize,
    /// The fastest fitting plans, best first.
    pub best: Vec<(Plan, Step)>,
    /// Candidates each rule ruled out, most first.
    pub rejected: Vec<(&'static str, usize)>,
    /// Least memory per GPU any valid plan needs \[B\] (infinite without one).
    pub least_memory_bytes: f64,
}

impl Setup {
    /// Evaluates every valid plan in parallel and keeps the `top` fastest that fit.
    pub fn search(
        &self,
        space: &training::search::Space,
        collectives: &CollectiveParams,
        profile: &Profile,
        top: usize,
    ) -> Searched {
        use rayon::prelude::*;
        let (plans, rejected) = training::search::candidates_counted(&self.shape, space);
        let collectives = &*collectives.for_fabrics(&self.topology.scaleup_fabric, &self.topology.fabric);
        let evaluated = plans.len();
        let evaluated_all: Vec<(Plan, Step)> = plans
            .par_iter()
            .filter_map(|plan| {
                let input = StepInput {
                    shape: &self.shape,
                    plan,
                    gpu: &self.gpu,
                    topology: &self.topology,
                    collectives,
                    profile,
                };
                training::evaluate(&input).ok().filter(|s| s.step_time_s.is_finite()).map(|s| (*plan, s))
            })
            .collect();
        let least_memory_bytes =
            evaluated_all.iter().map(|(_, s)| s.memory_per_gpu_bytes).fold(f64::INFINITY, f64::min);
        let mut ok: Vec<(Plan, Step)> = evaluated_all.into_iter().filter(|(_, s)| s.fits).collect();
        let fitting = ok.len();
        ok.sort_by(|a, b| {
            a.1.step_time_s
                .total_cmp(&b.1.step_time_s)
                .then_with(|| training::search::plan_key(&a.0).cmp(&training::search::plan_key(&b.0)))
        });
        ok.truncate(top);
        Searched { evaluated, fitting, best: ok, rejected, least_memory_bytes }
    }
}

/// Smallest goodput accepted.
const MIN_GOODPUT: f64 = 1e-3;
/// Most tokens accepted (a thousand times any published run).
const MAX_TOKENS: f64 = 1e17;
/// Sequences per step when none is given.
pub const DEFAULT_GLOBAL_BATCH: u32 = 1024;
/// Cluster sizes tried for a deadline, in scale-up domains.
const SIZING_STEPS: [u64; 24] =
    [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

/// A training job as `step` and `plan` take it.
#[derive(Debug, Clone)]
pub struct Job {
    /// Model id.
    pub model: String,
    /// System id.
    pub system: String,
    /// GPUs.
    pub gpus: u64,
    /// Scale-out fabric over the system's.
    pub fabric: Option<String>,
    /// Sequences per step.
    pub global_batch: u32,
    /// Tokens per sequence (the model's context when absent).
    pub seq_len: Option<u32>,
    /// Recipe.
    pub precision: Recipe,
    /// LoRA rank, for fine-tuning.
    pub lora_rank: Option<u32>,
    /// Tokens to train, for days.
    pub tokens: Option<f64>,
    /// Share of time making progress.
    pub goodput: f64,
}

impl Job {
    /// The job on its cluster, its values checked: goodput a share above
    /// 0.1%, tokens positive and at most 1e17.
    pub fn setup(&self, catalog: &Catalog) -> anyhow::Result<Setup> {
        let fabric = FabricOptions { fabric: self.fabric.clone(), ..FabricOptions::default() };
        let setup = Setup::new(catalog, &self.model, &self.system, self.gpus, &fabric)?;
        if !(self.goodput > 0.0 && self.goodput <= 1.0) {
            return Err(UsageError(format!("--goodput {} is not a fraction in (0, 1]", self.goodput)).into());
        }
        if self.goodput < MIN_GOODPUT {
            return Err(UsageError(format!(
                "--goodput {} is below {MIN_GOODPUT}: no job makes progress that slowly",
                self.goodput
            ))
            .into());
        }
        if let Some(t) = self.tokens.filter(|t| !(t.is_finite() && *t > 0.0 && *t <= MAX_TOKENS)) {
            return Err(
                UsageError(format!("--tokens {t} must be a positive number of tokens up to {MAX_TOKENS:e}")).into()
            );
        }
        Ok(setup)
    }

    /// Days to train the job's tokens at `tokens_per_s` and its goodput.
    pub fn days(&self, tokens_per_s: f64) -> Option<f64> {
        self.tokens.map(|t| t / (tokens_per_s * self.goodput) / 86_400.0)
    }

    fn space(&self, setup: &Setup, gpus: u64) -> Space {
        Space {
            gpus,
            domain: setup.domain,
            global_batch: self.global_batch,
            seq_len: self.seq_len.unwrap_or(setup.shape_seq()),
            precision: self.precision,
            lora_rank: self.lora_rank,
        }
    }
}

/// A warning when a calibration profile holds nothing for the job's accelerator.
pub fn profile_warning(profile: &Profile, setup: &Setup, shown: &str) -> Option<String> {
    let id = setup.gpu.id.get_ref();
    if profile.device.iter().any(|d| d.accelerator == *id) {
        return None;
    }
    let has: Vec<&str> = profile.device.iter().map(|d| d.accelerator.as_str()).collect();
    Some(format!(
        "calibration `{shown}` has no values for `{id}` (it holds {}); {id} keeps the profile's fallback values, which are not a calibration of it",
        if has.is_empty() { "none".to_owned() } else { has.join(", ") }
    ))
}

/// `step`: one plan of a job, with its band.
pub fn step_report(job: &Job, setup: &Setup, profile: &Profile, plan: Plan) -> anyhow::Result<StepReport> {
    let params = crate::data::collective_params();
    let s = setup.step(&plan, &params, profile)?;
    let bands = validate::bands(&params, profile)?;
    let days = job.days(s.tokens_per_s);
    let band = Uncertainty::of(&validate::band_of(&bands, setup, &plan), s.step_time_s, s.tokens_per_s, s.mfu, days);
    Ok(StepReport {
        model: setup.model.clone(),
        system: setup.topology.system.clone(),
        gpus: job.gpus,
        plan,
        time_to_train_days: days,
        step: s,
        band,
    })
}
/// `plan`: the `top` fastest plans of a job, and with a deadline the fewest
/// GPUs (in whole scale-up domains) that meet it.
pub fn plan_report(
    catalog: &Catalog,
    j: &Job,
    setup: &Setup,
    profile: &Profile,
    top: usize,
    deadline_days: Option<f64>,
) -> anyhow::Result<PlanReport> {
    let params = data::collective_params();
    let space = |gpus: u64| j.space(setup, gpus);
    if !crate::pipeline::training::runs_on(space(j.gpus).precision, &setup.gpu) {
        let plan_probe = setup.check(&probe_plan(&space(j.gpus)));
        plan_probe?;
    }
    let found = setup.search(&space(j.gpus), &params, profile, top);
    let bands = validate::bands(&params, profile)?;
    let plans = found
        .best
        .iter()
        .enumerate()
        .map(|(i, (p, s))| {
            let d = j.days(s.tokens_per_s);
            let band = validate::band_of(&bands, setup, p);
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
    let (sizing, gpus_for_deadline, gpus_for_deadline_p90) = match deadline_days {
        Some(deadline) => size_for_deadline(catalog, j, deadline, (&params, profile, &bands))?,
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
    if let (Some(deadline), None, false) = (deadline_days, gpus_for_deadline, sizing.is_empty()) {
        warnings.push(format!(
            "no cluster size up to {} GPUs meets the deadline of {deadline} {}, even at the estimate; \
             give more --gpus or a later deadline",
            j.gpus,
            if deadline == 1.0 { "day" } else { "days" }
        ));
    } else if let (Some(deadline), true) = (deadline_days, sizing.is_empty()) {
        warnings.push(format!(
            "no size was tried for the deadline of {deadline} {}: --gpus {} is below one scale-up domain",
            if deadline == 1.0 { "day" } else { "days" },
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
    Ok(report)
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
        recompute: crate::model::training::Recompute::Full,
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
    catalog: &Catalog,
    j: &Job,
    deadline: f64,
    (params, profile, bands): (&CollectiveParams, &Profile, &validate::Bands),
) -> anyhow::Result<(Vec<SizingRow>, Option<u64>, Option<u64>)> {
    if !(deadline.is_finite() && deadline > 0.0) {
        return Err(UsageError(format!("--deadline-days {deadline} must be a positive number of days")).into());
    }
    let per = u64::from(catalog.systems.get(&j.system)?.gpus_per_domain.get());
    let (mut rows, mut first) = (Vec::new(), None);
    for k in SIZING_STEPS.iter().map(|&k| k * per).take_while(|&n| n <= j.gpus) {
        let fabric = FabricOptions { fabric: j.fabric.clone(), ..FabricOptions::default() };
        let setup = Setup::new(catalog, &j.model, &j.system, k, &fabric)?;
        let space = j.space(&setup, k);
        let found = setup.search(&space, params, profile, 1);
        let valid_plans = found.evaluated;
        let best = found.best.into_iter().next();
        let d = best.as_ref().and_then(|(_, s)| j.days(s.tokens_per_s));
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
