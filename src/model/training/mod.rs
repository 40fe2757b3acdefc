//! Training performance: step time, FLOP utilisation and memory of a
//! transformer under a parallelism plan, and the search over plans.
//!
//! ```text
//!  catalog Model ──► Shape (params, FLOPs per token per op)
//!  Plan (tp pp vp cp ep dp, batches, precision, recompute, ZeRO, LoRA) ──► check()
//!  Shape + Plan + Accelerator + Topology + collectives + Profile ──► evaluate() ──► Step
//! ```

pub mod plan;
pub mod profile;
pub mod search;
pub mod shape;
pub mod step;
#[cfg(test)]
mod tests;

pub use plan::{Plan, PlanError, Recipe, Recompute, Stack};
pub use profile::Profile;
pub use shape::Shape;
pub use step::{Breakdown, Memory, Step, StepInput, evaluate};

/// Whether an accelerator runs a recipe: it needs tensor cores at the
/// recipe's precision, and block-scaled recipes (MXFP8, NVFP4) need the
/// hardware block scaling that came with FP4 tensor cores (Blackwell,
/// CDNA4); Hopper's FP8 scales per tensor.
pub fn runs_on(recipe: Recipe, gpu: &crate::catalog::Accelerator) -> bool {
    let has = |p: crate::catalog::Precision| gpu.peak(p).is_some();
    has(recipe.gemm_precision()) && (!recipe.block_scaled() || has(crate::catalog::Precision::Fp4))
}
