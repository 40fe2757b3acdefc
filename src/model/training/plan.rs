//! A parallelism plan and the rules it must obey.

use super::shape::Shape;
use crate::catalog::Precision;
use serde::Serialize;
use std::fmt;

/// Activation recomputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Recompute {
    /// Keep every activation.
    None,
    /// Recompute attention's softmax and dropout only (Korthikanti et al.).
    Selective,
    /// Keep only each layer's input; rerun the forward pass in backward.
    Full,
}

impl Recompute {
    /// The one name table: files, flags and output.
    pub const NAMES: [(&'static str, Recompute); 3] =
        [("none", Self::None), ("selective", Self::Selective), ("full", Self::Full)];

    /// Parses a name.
    pub fn parse(s: &str) -> Option<Recompute> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, r)| *r)
    }
}

/// How one training job is split over GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Plan {
    /// Tensor parallel degree.
    pub tp: u32,
    /// Pipeline stages.
    pub pp: u32,
    /// Virtual stages per pipeline stage (interleaved 1F1B).
    pub vp: u32,
    /// Context parallel degree.
    pub cp: u32,
    /// Expert parallel degree (carved out of data parallelism).
    pub ep: u32,
    /// Data parallel degree.
    pub dp: u32,
    /// Sequences per micro-batch.
    pub micro_batch: u32,
    /// Sequences per step.
    pub global_batch: u32,
    /// Tokens per sequence.
    pub seq_len: u32,
    /// Numeric recipe: which precision the GEMMs run in and how they are scaled.
    pub precision: Recipe,
    /// Activation recomputation.
    pub recompute: Recompute,
    /// ZeRO stage (1 = optimizer states sharded, the distributed optimizer; 3 = FSDP).
    pub zero: u8,
    /// Sequence parallelism with TP (norms and dropout split over TP ranks).
    pub sequence_parallel: bool,
    /// LoRA adapter rank; base weights frozen.
    pub lora_rank: Option<u32>,
    /// Allow TP groups to span scale-up domains.
    pub tp_across_domains: bool,
    /// The software stack the job runs on.
    pub stack: Stack,
}

/// What the training framework does for the job; it changes how kernels and
/// communication overlap, not what is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stack {
    /// Megatron-Core / Transformer Engine / FSDP (2023 on): fused flash
    /// attention, TP communication overlapped with GEMMs, ZeRO-3 parameter
    /// gathers prefetched behind compute.
    Modern,
    /// Megatron-LM and DeepSpeed as of 2021: unfused attention (batched GEMMs
    /// and a softmax over the score matrix), no TP overlap, ZeRO-3 gathers on
    /// the critical path through each rank's own NIC.
    Megatron2021,
}

impl Stack {
    /// Parses `modern` or `megatron-2021`.
    pub fn parse(s: &str) -> Option<Stack> {
        match s {
            "modern" => Some(Self::Modern),
            "megatron-2021" => Some(Self::Megatron2021),
            _ => None,
        }
    }
}

/// The numeric recipe of a training job, as users name it: what its GEMMs
/// run in and how their inputs are scaled. Attention, norms, the optimizer
/// and communication stay in 16 bits in every recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Recipe {
    /// TensorFloat-32 GEMMs.
    Tf32,
    /// bfloat16 GEMMs.
    Bf16,
    /// FP8 with one scale per tensor (Transformer Engine's delayed or current
    /// scaling, the Hopper recipe); the cast is fused into the kernel that
    /// produces each GEMM input.
    Fp8,
    /// FP8 with one E8M0 scale per 32 elements (OCP MX), Blackwell's native
    /// block-scaled GEMM; every GEMM input is quantized along both axes.
    Mxfp8,
    /// FP4 (E2M1) with one FP8 scale per 16 elements and a per-tensor scale
    /// (NVIDIA's NVFP4 pre-training recipe): some layers stay in BF16, and
    /// weight-gradient inputs pass a random Hadamard transform.
    Nvfp4,
}

impl Recipe {
    /// Every recipe.
    pub const ALL: [Recipe; 5] = [Self::Tf32, Self::Bf16, Self::Fp8, Self::Mxfp8, Self::Nvfp4];

    /// Name in files, flags and output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tf32 => "tf32",
            Self::Bf16 => "bf16",
            Self::Fp8 => "fp8",
            Self::Mxfp8 => "mxfp8",
            Self::Nvfp4 => "nvfp4",
        }
    }

    /// The one name table, accepted spellings included: `fp8-cs`
    /// (per-tensor current scaling) is `fp8`, `fp4` is `nvfp4`.
    pub const NAMES: [(&'static str, Recipe); 7] = [
        ("tf32", Self::Tf32),
        ("bf16", Self::Bf16),
        ("fp8", Self::Fp8),
        ("fp8-cs", Self::Fp8),
        ("mxfp8", Self::Mxfp8),
        ("nvfp4", Self::Nvfp4),
        ("fp4", Self::Nvfp4),
    ];

    /// Parses a name (any case).
    pub fn parse(s: &str) -> Option<Recipe> {
        let s = s.to_ascii_lowercase();
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, r)| *r)
    }

    /// The tensor-core rate the recipe's GEMMs run at (its MFU denominator).
    pub fn gemm_precision(self) -> Precision {
        match self {
            Self::Tf32 => Precision::Tf32,
            Self::Bf16 => Precision::Bf16,
            Self::Fp8 | Self::Mxfp8 => Precision::Fp8,
            Self::Nvfp4 => Precision::Fp4,
        }
    }

    /// Whether GEMM inputs carry a scale per small block (MX or NVFP4).
    pub fn block_scaled(self) -> bool {
        matches!(self, Self::Mxfp8 | Self::Nvfp4)
    }

    /// Whether activations saved for backward are 8-bit or narrower.
    pub fn low_precision(self) -> bool {
        matches!(self, Self::Fp8 | Self::Mxfp8 | Self::Nvfp4)
    }
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Longest sequence modelled \[tokens\].
pub const MAX_SEQ_LEN: u32 = 1 << 24;
/// Most virtual stages per pipeline stage.
pub const MAX_VP: u32 = 64;

impl Plan {
    /// Micro-batches per step per pipeline.
    pub fn micro_batches(&self) -> u32 {
        let per = u64::from(self.micro_batch) * u64::from(self.dp);
        (u64::from(self.global_batch) / per.max(1)) as u32
    }

    /// Transformer layers on the busiest pipeline stage: stages may be
    /// uneven (Megatron puts the remainder on some stages), so the slowest
    /// holds `ceil(layers / (pp x vp))` per virtual stage.
    pub fn layers_per_stage(&self, layers: u32) -> u32 {
        let chunks = self.pp * self.vp;
        layers.div_ceil(chunks.max(1)) * self.vp
    }

    /// Whether expert parallelism folds TP and CP ranks in (ep > dp): experts
    /// then run without tensor parallelism, each whole on one rank.
    pub fn folds_experts(&self) -> bool {
        self.ep > 1 && !self.dp.is_multiple_of(self.ep)
    }

    /// Tensor-parallel split of each expert's weights.
    pub fn expert_tp(&self) -> u32 {
        if self.folds_experts() { 1 } else { self.tp }
    }

    /// Ranks holding the same experts (the experts' data-parallel degree).
    pub fn expert_replicas(&self) -> u64 {
        let stage = u64::from(self.tp) * u64::from(self.cp) * u64::from(self.dp);
        (stage / (u64::from(self.ep) * u64::from(self.expert_tp()))).max(1)
    }

    /// GPUs the plan uses.
    pub fn gpus(&self) -> u64 {
        u64::from(self.tp) * u64::from(self.pp) * u64::from(self.cp) * u64::from(self.dp)
    }
}

/// A rule a plan broke. Fatal: bad input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The degrees do not multiply to the GPU count.
    #[error("tp x pp x cp x dp = {tp} x {pp} x {cp} x {dp} = {product}, but there are {gpus} GPUs")]
    Product {
        /// TP.
        tp: u32,
        /// PP.
        pp: u32,
        /// CP.
        cp: u32,
        /// DP.
        dp: u32,
        /// Their product.
        product: u64,
        /// GPUs.
        gpus: u64,
    },
    /// A quantity is not divisible as the rule needs.
    #[error("{rule}: {detail}")]
    Divisibility {
        /// The rule, e.g. `layers divisible by pp x vp`.
        rule: &'static str,
        /// The numbers.
        detail: String,
    },
    /// A count of zero.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// TP spans scale-up domains without permission.
    #[error(
        "tp {tp} exceeds the {domain}-GPU scale-up domain; TP runs inside NVLink/xGMI (allow it explicitly to model TP over the network)"
    )]
    TpOutsideDomain {
        /// TP.
        tp: u32,
        /// Domain size.
        domain: u32,
    },
    /// The accelerator has no peak at that precision.
    #[error("{gpu} has no {precision} tensor cores; use {supported}")]
    Precision {
        /// Accelerator.
        gpu: String,
        /// Precision asked for.
        precision: String,
        /// Precisions it has.
        supported: String,
    },
    /// ZeRO stage out of range.
    #[error("zero stage {0} does not exist; use 0, 1, 2 or 3")]
    Zero3(u8),
}

impl PlanError {
    /// The rule broken, without its numbers (to count which rule rules out
    /// most plans of a search).
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Product { .. } => "tp x pp x cp x dp equals the GPU count",
            Self::Divisibility { rule, .. } => rule,
            Self::Zero(what) => what,
            Self::TpOutsideDomain { .. } => "tp within the scale-up domain",
            Self::Precision { .. } => "the accelerator has the recipe's tensor cores",
            Self::Zero3(_) => "zero stage 0 to 3",
        }
    }
}

fn div(rule: &'static str, ok: bool, detail: impl FnOnce() -> String) -> Result<(), PlanError> {
    if ok { Ok(()) } else { Err(PlanError::Divisibility { rule, detail: detail() }) }
}

impl Plan {
    /// Checks every rule; the first broken one is the error.
    pub fn check(&self, s: &Shape, gpus: u64, domain: u32) -> Result<(), PlanError> {
        for (name, v) in [
            ("tp", self.tp),
            ("pp", self.pp),
            ("vp", self.vp),
            ("cp", self.cp),
            ("ep", self.ep),
            ("dp", self.dp),
            ("micro-batch", self.micro_batch),
            ("global batch", self.global_batch),
            ("sequence length", self.seq_len),
        ] {
            if v == 0 {
                return Err(PlanError::Zero(name));
            }
        }
        if self.lora_rank == Some(0) {
            return Err(PlanError::Zero("lora rank"));
        }
        if self.zero > 3 {
            return Err(PlanError::Zero3(self.zero));
        }
        if self.vp > MAX_VP || self.seq_len > MAX_SEQ_LEN {
            return Err(PlanError::Divisibility {
                rule: "within modelled bounds",
                detail: format!("vp at most {MAX_VP}, sequence at most {MAX_SEQ_LEN} tokens"),
            });
        }
        if let Some(r) = self.lora_rank.filter(|&r| f64::from(r) > s.hidden) {
            return Err(PlanError::Divisibility {
                rule: "lora rank at most the hidden size",
                detail: format!("rank {r} over hidden {}", s.hidden),
            });
        }
        if self.gpus() != gpus {
            let (tp, pp, cp, dp) = (self.tp, self.pp, self.cp, self.dp);
            return Err(PlanError::Product { tp, pp, cp, dp, product: self.gpus(), gpus });
        }
        let (l, stages) = (u64::from(s.layers), u64::from(self.pp) * u64::from(self.vp));
        div("at least one layer per pipeline chunk (pp x vp <= layers)", stages <= l, || {
            format!("{l} layers over {} x {} = {stages} stages", self.pp, self.vp)
        })?;
        div("heads divisible by tp", s.heads.is_multiple_of(self.tp), || {
            format!("{} heads over tp {}", s.heads, self.tp)
        })?;
        let kv = s.kv_heads;
        div(
            "kv heads divisible by tp (or tp by kv heads)",
            kv.is_multiple_of(self.tp) || self.tp.is_multiple_of(kv),
            || format!("{kv} kv heads and tp {}", self.tp),
        )?;
        div(
            "sequence divisible by 2 x cp",
            u64::from(self.seq_len).is_multiple_of(2 * u64::from(self.cp)) || self.cp == 1,
            || format!("sequence {} over cp {}", self.seq_len, self.cp),
        )?;
        div(
            "global batch divisible by micro-batch x dp",
            u64::from(self.global_batch).is_multiple_of(u64::from(self.micro_batch) * u64::from(self.dp)),
            || format!("{} sequences over {} x {}", self.global_batch, self.micro_batch, self.dp),
        )?;
        if self.vp > 1 {
            div("vp > 1 needs pp > 1", self.pp > 1, || format!("vp {} with pp 1", self.vp))?;
            let m = self.micro_batches();
            div("micro-batches divisible by pp with vp > 1 (interleaved 1F1B)", m.is_multiple_of(self.pp), || {
                format!("{m} micro-batches over pp {}", self.pp)
            })?;
        }
        if s.experts == 0 {
            div("ep is 1 for a dense model", self.ep == 1, || format!("ep {}", self.ep))?;
        } else {
            div("experts divisible by ep", s.experts.is_multiple_of(self.ep), || {
                format!("{} experts over ep {}", s.experts, self.ep)
            })?;
            let stage = self.tp * self.cp * self.dp;
            div(
                "ep divides dp, or the GPUs of one stage (Megatron-Core's MoE parallel folding)",
                self.dp.is_multiple_of(self.ep) || stage.is_multiple_of(self.ep),
                || format!("ep {} with tp {} cp {} dp {}", self.ep, self.tp, self.cp, self.dp),
            )?;
        }
        if !self.tp_across_domains && (self.tp > domain || !domain.is_multiple_of(self.tp)) {
            return Err(PlanError::TpOutsideDomain { tp: self.tp, domain });
        }
        Ok(())
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tp{} pp{}", self.tp, self.pp)?;
        if self.vp > 1 {
            write!(f, " vp{}", self.vp)?;
        }
        if self.cp > 1 {
            write!(f, " cp{}", self.cp)?;
        }
        if self.ep > 1 {
            write!(f, " ep{}", self.ep)?;
        }
        write!(f, " dp{} mb{}", self.dp, self.micro_batch)
    }
}
