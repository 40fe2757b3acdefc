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
    /// Flash attention forward, fraction of the bf16 dense peak, on an
    /// accelerator with no published kernel of its own (see [`DeviceEfficiency`]).
    pub attention_forward_efficiency: f64,
    /// Flash attention backward, the same fallback.
    pub attention_backward_efficiency: f64,
    /// Share of the best published attention kernel's throughput that the
    /// training stack's fused attention reaches (default: fitted; cuDNN 9.13
    /// is 1/1.3 = 0.77 of FlashAttention-4 on B200).
    #[serde(default = "default_attention_kernel_share")]
    pub attention_kernel_share: f64,
    /// Throughput of a block-scaled GEMM (MXFP8, NVFP4) relative to a
    /// per-tensor-scaled one at the same tensor-core rate: the scale factors
    /// the main loop loads and applies (default: fitted).
    #[serde(default = "default_block_scaled_gemm_factor")]
    pub block_scaled_gemm_factor: f64,
    /// Share of linear-layer GEMM work the NVFP4 recipe keeps in BF16
    /// (NVIDIA, arXiv:2509.25149: about 15% of linear layers, mostly the last).
    #[serde(default = "default_nvfp4_bf16_share")]
    pub nvfp4_bf16_share: f64,
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
    /// Best published fused-attention forward kernel, fraction of the bf16 dense peak.
    #[serde(default)]
    pub attention_forward: Option<f64>,
    /// Best published fused-attention backward kernel, fraction of the bf16 dense peak.
    #[serde(default)]
    pub attention_backward: Option<f64>,
    /// Clock a full training step sustains under the power limit, relative
    /// to the isolated GEMM benchmark the efficiencies come from (default 1).
    #[serde(default)]
    pub training_clock: Option<f64>,
}

fn default_attention_kernel_share() -> f64 {
    0.77
}
fn default_block_scaled_gemm_factor() -> f64 {
    1.0
}
fn default_nvfp4_bf16_share() -> f64 {
    0.15
}

/// Efficiency used when a profile has nothing for a device and precision:
/// the median of the bf16 MAMF measurements in the default profile.
pub const FALLBACK_GEMM_EFFICIENCY: f64 = 0.75;

impl Profile {
    /// Every value in its physical range, or the first one that is not,
    /// named (a profile is user input: `--calibration FILE`).
    pub fn check(&self) -> Result<(), String> {
        let within = |name: &str, v: f64, lo: f64, hi: f64, open_lo: bool| {
            let ok = v.is_finite() && v <= hi && if open_lo { v > lo } else { v >= lo };
            let bracket = if open_lo { "(" } else { "[" };
            if ok { Ok(()) } else { Err(format!("`{name}` is {v}, outside {bracket}{lo}, {hi}]")) }
        };
        within("kernel_overhead_us", self.kernel_overhead_us, 0.0, 1e4, false)?;
        within("attention_forward_efficiency", self.attention_forward_efficiency, 0.0, 1.0, true)?;
        within("attention_backward_efficiency", self.attention_backward_efficiency, 0.0, 1.0, true)?;
        within("attention_kernel_share", self.attention_kernel_share, 0.0, 1.0, true)?;
        within("block_scaled_gemm_factor", self.block_scaled_gemm_factor, 0.0, 1.0, true)?;
        within("nvfp4_bf16_share", self.nvfp4_bf16_share, 0.0, 1.0, false)?;
        within("memory_efficiency", self.memory_efficiency, 0.0, 1.0, true)?;
        within("elementwise_passes", self.elementwise_passes, 0.0, 1e3, false)?;
        within("tp_overlap", self.tp_overlap, 0.0, 1.0, false)?;
        within("reserved_memory_gb", self.reserved_memory_gb, 0.0, 1e4, false)?;
        for d in &self.device {
            let fields = [
                ("fp64", d.fp64),
                ("tf32", d.tf32),
                ("bf16", d.bf16),
                ("fp8", d.fp8),
                ("fp4", d.fp4),
                ("attention_forward", d.attention_forward),
                ("attention_backward", d.attention_backward),
                ("training_clock", d.training_clock),
            ];
            for (name, v) in fields {
                if let Some(v) = v {
                    // Efficiencies are fractions of a dense peak; a little
                    // above 1 is allowed for peaks a vendor understates.
                    within(&format!("device `{}` {name}", d.accelerator), v, 0.0, 1.2, true)?;
                }
            }
        }
        Ok(())
    }

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

    /// Clock of `accelerator` under a full training step relative to its
    /// GEMM benchmark (1 where none is given).
    pub fn training_clock(&self, accelerator: &str) -> f64 {
        self.device.iter().find(|d| d.accelerator == accelerator).and_then(|d| d.training_clock).unwrap_or(1.0)
    }

    /// Fused attention efficiency of `accelerator` (forward, backward), as a
    /// fraction of its bf16 dense peak: its best published kernel times the
    /// training stack's share of it, else the profile's fallback.
    pub fn attention(&self, accelerator: &str) -> (f64, f64) {
        let d = self.device.iter().find(|d| d.accelerator == accelerator);
        match d.and_then(|d| d.attention_forward.zip(d.attention_backward)) {
            Some((f, b)) => (f * self.attention_kernel_share, b * self.attention_kernel_share),
            None => (self.attention_forward_efficiency, self.attention_backward_efficiency),
        }
    }
}
