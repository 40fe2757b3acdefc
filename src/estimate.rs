//! Resolving a step request against the catalog: the glue between user
//! input (ids, degrees) and the pure training model.

use crate::catalog::{Accelerator, Catalog, CatalogError, Entry, Precision};
use crate::model::collective::CollectiveParams;
use crate::model::training::{self, Plan, PlanError, Profile, Recompute, Shape, Step, StepInput};
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
    /// The plan breaks a rule.
    #[error("invalid plan: {0}")]
    Plan(#[from] PlanError),
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
        let topology = Topology::build(catalog, system, gpus, fabric)?;
        Ok(Setup { model: m.id().to_owned(), shape: Shape::of(m), gpu, topology, domain: sys.gpus_per_domain.get() })
    }

    /// Checks `plan` and evaluates one step.
    pub fn step(&self, plan: &Plan, collectives: &CollectiveParams, profile: &Profile) -> Result<Step, StepError> {
        self.check(plan)?;
        let input =
            StepInput { shape: &self.shape, plan, gpu: &self.gpu, topology: &self.topology, collectives, profile };
        Ok(training::evaluate(&input)?)
    }

    /// The plan's rules, plus the accelerator's precisions.
    pub fn check(&self, plan: &Plan) -> Result<(), PlanError> {
        if self.gpu.peak(plan.precision).is_none() {
            let supported: Vec<&str> =
                Precision::ALL.into_iter().filter(|&p| self.gpu.peak(p).is_some()).map(Precision::name).collect();
            return Err(PlanError::Precision {
                gpu: self.gpu.id().to_owned(),
                precision: plan.precision.name().to_owned(),
                supported: supported.join(", "),
            });
        }
        plan.check(&self.shape, self.topology.gpus, self.domain)
    }
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

/// Parses a precision name.
pub fn precision(name: &str) -> Option<Precision> {
    Precision::ALL.into_iter().find(|p| p.name() == name)
}
