//! Resolving a step request against the catalog: the glue between user
//! input (ids, degrees) and the pure training model.

use crate::catalog::{Accelerator, Catalog, CatalogError, Entry};
use crate::model::collective::CollectiveParams;
use crate::model::training::{self, Plan, PlanError, Profile, Recipe, Recompute, Shape, Step, StepInput};
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
        let m = catalog.models.get(model)?;
        let sys = catalog.systems.get(system)?;
        let gpu = catalog.gpus.get(sys.accelerator.get_ref())?.clone();
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

/// Whether an accelerator runs a recipe: it needs tensor cores at the
/// recipe's precision, and block-scaled recipes (MXFP8, NVFP4) need the
/// hardware block scaling that came with FP4 tensor cores (Blackwell,
/// CDNA4); Hopper's FP8 scales per tensor.
pub fn runs_on(recipe: Recipe, gpu: &Accelerator) -> bool {
    let has = |p: crate::catalog::Precision| gpu.peak(p).is_some();
    has(recipe.gemm_precision()) && (!recipe.block_scaled() || has(crate::catalog::Precision::Fp4))
}

/// Parses a recompute mode name.
pub fn recompute(name: &str) -> Option<Recompute> {
    match name {
        "none" => Some(Recompute::None),
        "selective" => Some(Recompute::Selective),
        "full" => Some(Recompute::Full),
        _ => None,
    }
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
