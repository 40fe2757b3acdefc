//! Compute efficiency: the fraction of the catalog's dense peak that real
//! kernels reach, per accelerator and precision, plus the few constants of
//! the step model. The default comes from `data/calibration/default.toml`;
//! `rackscale calibrate` writes measured ones.

use crate::catalog::Precision;
use serde::{Deserialize, Serialize};

/// An efficiency profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Where the numbers come from.
    pub source: String,
    /// Date of the source.
    pub date: String,
    /// Fixed cost per kernel \[µs\].
    pub kernel_overhead_us: f64,
    /// Flash attention forward, fraction of the bf16 dense peak.
    pub attention_forward_efficiency: f64,
    /// Flash attention backward, fraction of the bf16 dense peak.
    pub attention_backward_efficiency: f64,
    /// Element-wise kernels, fraction of HBM bandwidth.
    pub memory_efficiency: f64,
    /// Element-wise bytes per token per layer, in units of hidden x 2 bytes.
    pub elementwise_passes: f64,
    /// Share of TP communication hidden behind GEMMs on a modern stack.
    pub tp_overlap: f64,
    /// Memory the framework keeps besides the model \[GB\].
    pub reserved_memory_gb: f64,
    /// Per accelerator GEMM efficiency by precision.
    pub device: Vec<DeviceEfficiency>,
}

/// Large-GEMM efficiency of one accelerator by precision (fraction of dense peak).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceEfficiency {
    /// Accelerator id.
    pub accelerator: String,
    /// fp64.
    pub fp64: Option<f64>,
    /// tf32.
    pub tf32: Option<f64>,
    /// bf16.
    pub bf16: Option<f64>,
    /// fp8.
    pub fp8: Option<f64>,
    /// fp4.
    pub fp4: Option<f64>,
}

/// Efficiency used when a profile has nothing for a device and precision:
/// the median of the bf16 MAMF measurements in the default profile.
pub const FALLBACK_GEMM_EFFICIENCY: f64 = 0.75;

impl Profile {
    /// Large-GEMM efficiency of `accelerator` at `p`: measured, else the next
    /// wider precision's (fp4 falls back to fp8, fp8 to bf16), else the fallback.
    pub fn gemm(&self, accelerator: &str, p: Precision) -> f64 {
        let Some(d) = self.device.iter().find(|d| d.accelerator == accelerator) else {
            return FALLBACK_GEMM_EFFICIENCY;
        };
        let chain: &[Option<f64>] = match p {
            Precision::Fp4 => &[d.fp4, d.fp8, d.bf16],
            Precision::Fp8 => &[d.fp8, d.bf16],
            Precision::Bf16 => &[d.bf16],
            Precision::Tf32 => &[d.tf32, d.bf16],
            Precision::Fp64 => &[d.fp64],
        };
        chain.iter().flatten().next().copied().unwrap_or(FALLBACK_GEMM_EFFICIENCY)
    }
}
