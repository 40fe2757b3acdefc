//! One training step: time, breakdown, FLOP utilisation and memory per GPU.
//!
//! ```text
//!  per micro-batch, per pipeline stage (the busiest: first or last):
//!    layers/pp x [ GEMMs (roofline x efficiency + kernel overhead)
//!                + flash attention (causal half)  + element-wise (HBM-bound)
//!                + exposed TP / CP / EP communication ]   forward, backward (2x), recompute
//!  step = (m + (pp-1)/vp) x micro  +  pipeline fill/drain p2p  +  exposed DP  +  optimizer
//! ```
//!
//! Communication comes from the collective model on the real placement of
//! each group (Megatron rank order: TP innermost, then CP, DP, PP).

use super::plan::{Plan, Recipe, Recompute, Stack};
use super::profile::Profile;
use super::shape::Shape;
use crate::catalog::{Accelerator, Precision};
use crate::model::collective::{self, CollectiveParams, Level, Op};
use crate::topology::{Topology, TopologyError};
use crate::units::{Bytes, FlopsPerSec, Seconds};
use serde::Serialize;

/// Bytes per element of activations and communicated tensors (bf16).
const ACT_BYTES: f64 = 2.0;
/// HBM passes over the attention score matrix of unfused attention (fused
/// scale-mask-softmax writes and reads it, dropout reads and writes it).
/// ASSUMED from the kernel sequence of Megatron-LM 2021.
const UNFUSED_SOFTMAX_PASSES: f64 = 4.0;
/// Share of 16-bit activation memory left when GEMM inputs are saved in fp8.
/// ASSUMED: Transformer Engine keeps fp8 copies of linear-layer inputs.
const FP8_ACTIVATION_FACTOR: f64 = 0.6;
/// HBM bytes moved per element of a GEMM input by the recipe's quantization
/// kernels, counted from what they read and write (unfused kernels, both
/// orientations: the forward GEMM reads rows, the weight-gradient GEMM
/// columns):
/// - fp8 per tensor (current scaling): an amax pass reads the bf16 tensor
///   (2), then cast-transpose reads it (2) and writes two fp8 copies (1 + 1);
/// - MXFP8: one pass reads it (2) and writes row- and column-wise copies of
///   1 B with one E8M0 scale per 32 elements (2 x (1 + 1/32));
/// - NVFP4: one pass reads it (2) and writes two 4-bit copies with one E4M3
///   scale per 16 (2 x (0.5 + 1/16)); the weight-gradient copy's 16x16
///   Hadamard transform is done in registers by the same kernel.
fn quantize_bytes(recipe: Recipe) -> f64 {
    match recipe {
        Recipe::Tf32 | Recipe::Bf16 => 0.0,
        Recipe::Fp8 => 2.0 + 2.0 + 2.0,
        Recipe::Mxfp8 => 2.0 + 2.0 * (1.0 + 1.0 / 32.0),
        Recipe::Nvfp4 => 2.0 + 2.0 * (0.5 + 1.0 / 16.0),
    }
}

/// Bytes per parameter read and written by an Adam step with fp32 master
/// weights and moments, plus the bf16 copy written back.
const OPTIMIZER_BYTES_PER_PARAM: f64 = 30.0;

/// Everything a step evaluation needs.
#[derive(Debug, Clone, Copy)]
pub struct StepInput<'a> {
    /// Model shape.
    pub shape: &'a Shape,
    /// The plan (checked).
    pub plan: &'a Plan,
    /// The accelerator.
    pub gpu: &'a Accelerator,
    /// The cluster the plan runs on.
    pub topology: &'a Topology,
    /// Collective parameters.
    pub collectives: &'a CollectiveParams,
    /// Compute efficiency profile.
    pub profile: &'a Profile,
}

/// Where the step's time goes \[s\]. Communication is what is left exposed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Breakdown {
    /// GEMMs, attention, element-wise work and recompute of every micro-batch.
    pub compute_s: f64,
    /// Exposed tensor-parallel collectives.
    pub tp_s: f64,
    /// Pipeline send/recv while the pipeline fills and drains.
    pub pp_s: f64,
    /// Exposed data-parallel gradient and parameter collectives.
    pub dp_s: f64,
    /// Exposed context-parallel KV exchange.
    pub cp_s: f64,
    /// Expert-parallel all-to-all.
    pub ep_s: f64,
    /// Pipeline bubble.
    pub bubble_s: f64,
    /// Optimizer step.
    pub optimizer_s: f64,
}

/// Memory per GPU \[B\] on the busiest stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Memory {
    /// Weights (bf16).
    pub weights: f64,
    /// Gradients (fp32 main gradients) of trainable weights.
    pub gradients: f64,
    /// Optimizer states (fp32 master, two moments) of trainable weights.
    pub optimizer: f64,
    /// Activations kept for backward.
    pub activations: f64,
    /// Logits, framework, communication buffers.
    pub other: f64,
}

impl Memory {
    /// Sum.
    pub fn total(&self) -> f64 {
        self.weights + self.gradients + self.optimizer + self.activations + self.other
    }
}

/// The result of one step evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    /// Time of one optimizer step.
    pub step_time_s: f64,
    /// Tokens trained per second, whole job.
    pub tokens_per_s: f64,
    /// Model FLOP/s per GPU (no recompute) \[TFLOP/s\].
    pub model_tflops_per_gpu: f64,
    /// Model FLOP/s over the dense peak at the plan's precision.
    pub mfu: f64,
    /// Executed FLOP/s (with recompute) over the same peak.
    pub hfu: f64,
    /// Memory per GPU \[B\].
    pub memory_per_gpu_bytes: f64,
    /// Whether it fits in HBM.
    pub fits: bool,
    /// HBM left (negative: short by) \[B\].
    pub memory_margin_bytes: f64,
    /// Time by cause.
    pub breakdown: Breakdown,
    /// Memory by cause.
    pub memory: Memory,
}

/// Per micro-batch, per stage timings \[s\].
#[derive(Debug, Default, Clone, Copy)]
struct Micro {
    fwd: f64,
    bwd: f64,
    recompute: f64,
    tp: f64,
    cp: f64,
    ep: f64,
}

/// Evaluates one step of a checked plan.
pub fn evaluate(x: &StepInput<'_>) -> Result<Step, TopologyError> {
    let (s, p) = (x.shape, x.plan);
    let peak = x.gpu.peak(p.precision.gemm_precision()).unwrap_or(FlopsPerSec(f64::NAN));
    let micro = micro_batch(x, peak)?;
    let m = f64::from(p.micro_batches());
    let v = f64::from(p.vp);
    let pp = f64::from(p.pp);
    let compute = micro.fwd + micro.bwd + micro.recompute;
    let per_micro = compute + micro.tp + micro.cp + micro.ep;
    let p2p = pipeline_p2p(x)?;
    let memory = memory(x);
    let dp = data_parallel(x, &memory, micro.fwd + micro.bwd, m * per_micro)?;
    let optimizer = optimizer(x, &memory);
    let breakdown = Breakdown {
        compute_s: m * compute,
        tp_s: m * micro.tp,
        pp_s: 2.0 * (pp - 1.0) * p2p,
        dp_s: dp,
        cp_s: m * micro.cp,
        ep_s: m * micro.ep,
        bubble_s: (pp - 1.0) / v * per_micro,
        optimizer_s: optimizer,
    };
    let b = &breakdown;
    let step = b.compute_s + b.tp_s + b.pp_s + b.dp_s + b.cp_s + b.ep_s + b.bubble_s + b.optimizer_s;
    let tokens = f64::from(p.global_batch) * f64::from(p.seq_len);
    let gpus = p.gpus() as f64;
    let model_flops = model_flops_per_token(s, p) * tokens;
    let hw_flops = model_flops + recompute_flops(s, p) * tokens;
    let capacity = x.gpu.hbm().get();
    let total = memory.total();
    Ok(Step {
        step_time_s: step,
        tokens_per_s: tokens / step,
        model_tflops_per_gpu: model_flops / step / gpus / 1e12,
        mfu: model_flops / step / gpus / peak.get(),
        hfu: hw_flops / step / gpus / peak.get(),
        memory_per_gpu_bytes: total,
        fits: total <= capacity,
        memory_margin_bytes: capacity - total,
        breakdown,
        memory,
    })
}

/// Model FLOPs per token: forward plus backward, 6N-style. A LoRA run's
/// frozen weights need no weight gradient, so its backward counts one pass,
/// not two (its MFU would otherwise exceed what the GEMMs can do).
fn model_flops_per_token(s: &Shape, p: &Plan) -> f64 {
    let seq = f64::from(p.seq_len);
    match p.lora_rank {
        None => s.model_flops_per_token(seq),
        Some(_) => 2.0 * s.forward_flops_per_token(seq),
    }
}

/// Extra forward FLOPs per token that recomputation executes.
fn recompute_flops(s: &Shape, p: &Plan) -> f64 {
    let seq = f64::from(p.seq_len);
    match p.recompute {
        Recompute::None => 0.0,
        Recompute::Selective => f64::from(s.layers) * s.attn_core_flops_per_ctx * seq,
        Recompute::Full => s.forward_flops_per_token(seq) - s.head_flops,
    }
}

/// Dense and MoE layers on the busiest stage.
fn stage_layers(s: &Shape, p: &Plan) -> (f64, f64) {
    let on_stage = f64::from(p.layers_per_stage(s.layers));
    let moe_share = f64::from(s.moe_layers()) / f64::from(s.layers);
    (on_stage * (1.0 - moe_share), on_stage * moe_share)
}

/// Seconds per GEMM FLOP of the recipe's linear layers: the recipe's tensor
/// core rate at its measured efficiency, slowed by block scaling; NVFP4
/// keeps a share of the work in BF16.
fn gemm_seconds_per_flop(x: &StepInput<'_>, peak: FlopsPerSec) -> f64 {
    let (prof, id, recipe) = (x.profile, x.gpu.id.get_ref(), x.plan.precision);
    let mut eff = prof.gemm(id, recipe.gemm_precision()) * prof.training_clock(id);
    if recipe.block_scaled() {
        eff *= prof.block_scaled_gemm_factor;
    }
    let low = 1.0 / (peak.get() * eff);
    if recipe != Recipe::Nvfp4 {
        return low;
    }
    let share = prof.nvfp4_bf16_share;
    (1.0 - share) * low + share / bf16_gemm_rate(x)
}

/// FLOP/s of a BF16 GEMM: the peak at its measured efficiency and the
/// clock a full step sustains.
fn bf16_gemm_rate(x: &StepInput<'_>) -> f64 {
    let id = x.gpu.id.get_ref();
    x.gpu.peak(Precision::Bf16).map_or(f64::NAN, |f| f.get())
        * x.profile.gemm(id, Precision::Bf16)
        * x.profile.training_clock(id)
}

/// Elements of GEMM inputs per token of one layer that a low-precision
/// recipe quantizes (forward, backward): the activations entering QKV, the
/// output projection and the MLP in forward; the output gradients of the
/// same GEMMs in backward.
fn quantized_elements(s: &Shape) -> (f64, f64) {
    let h = s.hidden;
    let fwd = 3.0 * h + s.ffn;
    let bwd = s.attn_proj_flops / (2.0 * h) + (s.mlp_mats - 1.0) * s.ffn + h;
    (fwd, bwd)
}

fn micro_batch(x: &StepInput<'_>, peak: FlopsPerSec) -> Result<Micro, TopologyError> {
    let (s, p, prof) = (x.shape, x.plan, x.profile);
    let t = f64::from(p.tp);
    let tokens = f64::from(p.micro_batch) * f64::from(p.seq_len) / f64::from(p.cp);
    let per_flop = gemm_seconds_per_flop(x, peak);
    let overhead = prof.kernel_overhead_us * 1e-6;
    let gemm = |flops: f64, kernels: f64| flops * per_flop + kernels * overhead;
    // Tensor-core work runs at the clock a full step sustains.
    let bf16 = x.gpu.peak(Precision::Bf16).map_or(f64::NAN, |f| f.get()) * prof.training_clock(x.gpu.id.get_ref());
    let seq = f64::from(p.seq_len);
    let hbm = x.gpu.hbm_bw().get() * prof.memory_efficiency;
    let (attn_fwd, attn_bwd) = match p.stack {
        Stack::Modern => {
            // Causal attention: flash kernels skip the masked half.
            let flops = s.attn_core_flops_per_ctx * seq * tokens / t * 0.5;
            let (fwd_eff, bwd_eff) = prof.attention(x.gpu.id.get_ref());
            (flops / (bf16 * fwd_eff) + overhead, 2.5 * flops / (bf16 * bwd_eff) + overhead)
        }
        Stack::Megatron2021 => {
            // Two batched GEMMs over the full score matrix, and softmax, mask and
            // dropout passes over it in HBM.
            let flops = s.attn_core_flops_per_ctx * seq * tokens / t;
            let scores = f64::from(s.heads) / t * tokens * seq * ACT_BYTES;
            let gemm_bf16 = |f: f64| f / bf16_gemm_rate(x) + 2.0 * overhead;
            (
                gemm_bf16(flops) + UNFUSED_SOFTMAX_PASSES * scores / hbm,
                2.0 * gemm_bf16(flops) + 2.0 * UNFUSED_SOFTMAX_PASSES * scores / hbm,
            )
        }
    };
    // Quantization of GEMM inputs (NVFP4's BF16 layers quantize nothing).
    let quantized = if p.precision == Recipe::Nvfp4 { 1.0 - prof.nvfp4_bf16_share } else { 1.0 };
    let (q_fwd, q_bwd) = quantized_elements(s);
    let q_cost = |elems: f64| quantized * elems * tokens / t * quantize_bytes(p.precision) / hbm;
    let (quant_fwd, quant_bwd) = (q_cost(q_fwd), q_cost(q_bwd));
    let ew_tokens = if p.sequence_parallel { tokens / t } else { tokens };
    let ew = prof.elementwise_passes * ew_tokens * s.hidden * ACT_BYTES / hbm;
    // MoE dispatch: tokens are permuted to their experts and back (read and
    // write each way), top-k copies of each.
    let routing = 4.0 * (tokens / t) * f64::from(s.top_k) * s.hidden * ACT_BYTES / hbm;
    let proj = gemm(s.attn_proj_flops * tokens / t, 2.0);
    let dense_mlp = gemm(s.mlp_flops * tokens / t, 2.0);
    let moe_mlp = gemm(s.moe_flops * tokens / t, 3.0) + routing;
    let lora = p.lora_rank.is_some();
    // Frozen base weights need only the input gradient in backward.
    let bwd_gemm = if lora { 1.0 } else { 2.0 };
    let layer = |mlp: f64| {
        let fwd = proj + mlp + attn_fwd + ew + quant_fwd;
        let bwd = bwd_gemm * (proj + mlp) + attn_bwd + 2.0 * ew + quant_bwd;
        let rc = match p.recompute {
            Recompute::None => 0.0,
            Recompute::Selective => attn_fwd,
            Recompute::Full => fwd,
        };
        (fwd, bwd, rc)
    };
    let (dense_n, moe_n) = stage_layers(s, p);
    let (df, db, dr) = layer(dense_mlp);
    let (mf, mb, mr) = layer(moe_mlp);
    // The output layer is outside the transformer blocks a low-precision
    // recipe converts (Megatron-Core runs it in BF16 in every recipe).
    let head = s.head_flops * tokens / t / bf16_gemm_rate(x) + overhead;
    let loss = 4.0 * tokens * s.vocab / t * 4.0 / hbm;
    let mut micro = Micro {
        fwd: dense_n * df + moe_n * mf + head + loss,
        bwd: dense_n * db + moe_n * mb + bwd_gemm * head + loss,
        recompute: dense_n * dr + moe_n * mr,
        ..Micro::default()
    };
    let layers = dense_n + moe_n;
    micro.tp = layers * tensor_parallel(x, tokens)?;
    micro.cp = layers * context_parallel(x, tokens, attn_fwd, attn_bwd)?;
    micro.ep = moe_n * expert_parallel(x, tokens)?;
    Ok(micro)
}

fn cost(op: Op, bytes: f64, levels: &[Level], c: &CollectiveParams) -> f64 {
    if levels.is_empty() || bytes <= 0.0 {
        return 0.0;
    }
    collective::estimate(op, Bytes(bytes), levels, c, None).map_or(0.0, |e| e.time.get())
}

/// Exposed TP communication of one layer, forward and backward.
fn tensor_parallel(x: &StepInput<'_>, tokens: f64) -> Result<f64, TopologyError> {
    let p = x.plan;
    if p.tp == 1 {
        return Ok(0.0);
    }
    let group = x.topology.group_strided(u64::from(p.tp), 1)?;
    let bytes = tokens * x.shape.hidden * ACT_BYTES;
    let c = x.collectives;
    let per_pass = if p.sequence_parallel {
        2.0 * (cost(Op::AllGather, bytes, &group, c) + cost(Op::ReduceScatter, bytes, &group, c))
    } else {
        2.0 * cost(Op::AllReduce, bytes, &group, c)
    };
    let overlap = match p.stack {
        Stack::Modern => x.profile.tp_overlap,
        Stack::Megatron2021 => 0.0,
    };
    Ok(2.0 * per_pass * (1.0 - overlap))
}

/// Exposed KV ring exchange of one layer (overlapped with attention).
fn context_parallel(x: &StepInput<'_>, tokens: f64, attn_fwd: f64, attn_bwd: f64) -> Result<f64, TopologyError> {
    let p = x.plan;
    if p.cp == 1 {
        return Ok(0.0);
    }
    let pair = x.topology.group_strided(2, u64::from(p.tp))?;
    let kv_split = if x.shape.kv_heads >= p.tp { f64::from(p.tp) } else { 1.0 };
    let bytes = tokens * x.shape.kv_elems * ACT_BYTES / kv_split;
    let step = cost(Op::SendRecv, bytes, &pair, x.collectives);
    let ring = f64::from(p.cp - 1) * step;
    Ok((ring - attn_fwd).max(0.0) + (2.0 * ring - attn_bwd).max(0.0))
}

/// All-to-all dispatch and combine of one MoE layer, forward and backward.
fn expert_parallel(x: &StepInput<'_>, tokens: f64) -> Result<f64, TopologyError> {
    let p = x.plan;
    if p.ep == 1 || x.shape.experts == 0 {
        return Ok(0.0);
    }
    // Folded expert parallelism takes consecutive ranks (TP and CP inside it).
    let stride = if p.folds_experts() { 1 } else { u64::from(p.tp) * u64::from(p.cp) };
    let group = x.topology.group_strided(u64::from(p.ep), stride)?;
    let local = if p.sequence_parallel { tokens / f64::from(p.tp) } else { tokens };
    let bytes = local * f64::from(x.shape.top_k) * x.shape.hidden * ACT_BYTES;
    Ok(4.0 * cost(Op::AllToAll, bytes, &group, x.collectives))
}

/// One pipeline send/recv of a micro-batch's activations between stages.
fn pipeline_p2p(x: &StepInput<'_>) -> Result<f64, TopologyError> {
    let p = x.plan;
    if p.pp == 1 {
        return Ok(0.0);
    }
    let stride = u64::from(p.tp) * u64::from(p.cp) * u64::from(p.dp);
    let pair = x.topology.group_strided(2, stride)?;
    let tokens = f64::from(p.micro_batch) * f64::from(p.seq_len) / f64::from(p.cp);
    let split = if p.sequence_parallel { f64::from(p.tp) } else { 1.0 };
    Ok(cost(Op::SendRecv, tokens * x.shape.hidden * ACT_BYTES / split, &pair, x.collectives))
}

/// Exposed data-parallel time. Gradients are reduced over the data and
/// context ranks that hold the same weights (experts: over DP x CP / EP),
/// then parameters are gathered back; this overlaps the last micro-batch's
/// backward. ZeRO-3 also gathers every layer's weights in forward and
/// backward: prefetched behind the whole step on a modern stack, on the
/// critical path through each rank's own NIC on the 2021 stack (Megatron-LM
/// SC'21 Table 2: throughput halves when GPUs double at a fixed batch).
fn data_parallel(x: &StepInput<'_>, mem: &Memory, one_micro: f64, all: f64) -> Result<f64, TopologyError> {
    let p = x.plan;
    let replicas = u64::from(p.dp) * u64::from(p.cp);
    if replicas == 1 {
        return Ok(0.0);
    }
    let (dense, experts) = trainable_split(x);
    let c = x.collectives;
    let group = x.topology.group_strided(replicas, u64::from(p.tp))?;
    let expert_replicas = p.expert_replicas();
    let expert_stride = if p.folds_experts() { u64::from(p.ep) } else { u64::from(p.tp) * u64::from(p.ep) };
    let expert_group = x.topology.group_strided(expert_replicas, expert_stride)?;
    let sync = |op: Op, dense_bytes: f64, expert_bytes: f64| {
        cost(op, dense_bytes, &group, c) + cost(op, expert_bytes, &expert_group, c)
    };
    let (gd, ge) = (dense * ACT_BYTES, experts * ACT_BYTES);
    match (p.zero, p.stack) {
        (0, _) => Ok((sync(Op::AllReduce, gd, ge) - one_micro).max(0.0)),
        (1 | 2, _) => Ok((sync(Op::ReduceScatter, gd, ge) + sync(Op::AllGather, gd, ge) - one_micro).max(0.0)),
        (_, Stack::Modern) => {
            let w = mem.weights * replicas as f64;
            let t = sync(Op::ReduceScatter, gd, ge) + 2.0 * cost(Op::AllGather, w, &group, c);
            Ok((t - all).max(0.0))
        }
        (_, Stack::Megatron2021) => {
            let nic = x.topology.nic_group(replicas);
            let w = mem.weights * replicas as f64;
            Ok(cost(Op::ReduceScatter, gd + ge, &nic, c) + 2.0 * cost(Op::AllGather, w, &nic, c))
        }
    }
}

fn optimizer(x: &StepInput<'_>, mem: &Memory) -> f64 {
    let shard = mem.optimizer / 12.0;
    let hbm = x.gpu.hbm_bw().get() * x.profile.memory_efficiency;
    shard * OPTIMIZER_BYTES_PER_PARAM / hbm
}

/// Parameters one GPU of the busiest stage holds, before ZeRO sharding:
/// (non-expert, expert).
fn params_split(x: &StepInput<'_>) -> (f64, f64) {
    let (s, p) = (x.shape, x.plan);
    let t = f64::from(p.tp);
    let (dense_n, moe_n) = stage_layers(s, p);
    let experts_local = f64::from(s.experts) / f64::from(p.ep);
    let dense = (dense_n * (s.attn_params + s.mlp_params) + moe_n * (s.attn_params + s.moe_shared_params)) / t;
    let experts = moe_n * experts_local * s.expert_params / f64::from(p.expert_tp());
    let embeddings = if p.pp == 1 { s.embed_params } else { s.embed_params / 2.0 };
    (dense + embeddings / t, experts)
}

/// Trainable parameters (non-expert, expert) per GPU before sharding.
fn trainable_split(x: &StepInput<'_>) -> (f64, f64) {
    match x.plan.lora_rank {
        None => params_split(x),
        Some(r) => (lora_params_per_gpu(x, r), 0.0),
    }
}

/// LoRA adapters on the four attention projections: rank r, in and out.
fn lora_params_per_gpu(x: &StepInput<'_>, rank: u32) -> f64 {
    let (s, p) = (x.shape, x.plan);
    let layers = f64::from(p.layers_per_stage(s.layers));
    layers * 4.0 * 2.0 * s.hidden * f64::from(rank) / f64::from(p.tp)
}

/// Bytes of activations per token per layer in units of `hidden x 2 bytes`
/// split over TP, after Korthikanti et al. (arXiv:2205.05198) but from the
/// model's own shape: attention keeps its input, Q, K, V (K and V at the
/// KV-head width), output and dropout mask; the MLP its input, the
/// intermediate tensors (two for GeLU, three for SwiGLU, top-k wide for MoE)
/// and its mask; norms their inputs. 34 for a GPT with a 4h GeLU MLP.
fn activation_units(s: &Shape) -> f64 {
    let kv = f64::from(s.kv_heads) / f64::from(s.heads);
    let attention = 2.0 + 2.0 + 4.0 * kv + 2.0 + 1.0;
    let wide = s.ffn / s.hidden;
    let mlp = 2.0 + 2.0 * s.mlp_mats * wide + 1.0;
    let routing = if s.experts > 0 { 2.0 * f64::from(s.top_k) } else { 0.0 };
    4.0 + attention + mlp + routing
}

/// Memory of the busiest stage.
fn memory(x: &StepInput<'_>) -> Memory {
    let (s, p) = (x.shape, x.plan);
    let replicas = f64::from(p.dp) * f64::from(p.cp);
    let expert_replicas = p.expert_replicas() as f64;
    let (dense, experts) = params_split(x);
    let (tdense, texperts) = trainable_split(x);
    // ZeRO stage `z` shards over the replicas that hold the same weights.
    let shard = |stage: u8, n: f64, r: f64| if p.zero >= stage { n / r } else { n };
    let both = |stage: u8, d: f64, e: f64| shard(stage, d, replicas) + shard(stage, e, expert_replicas);
    let weights = both(3, dense, experts) * ACT_BYTES;
    let gradients = both(2, tdense, texperts) * 4.0;
    let optimizer = both(1, tdense, texperts) * 12.0;
    let (b, seq, h, t) = (f64::from(p.micro_batch), f64::from(p.seq_len), s.hidden, f64::from(p.tp));
    let sbh = seq * b * h / f64::from(p.cp);
    let units = activation_units(s);
    let scores = if p.stack == Stack::Megatron2021 { 5.0 * f64::from(s.heads) * seq / h } else { 0.0 };
    let split = |u: f64| if p.sequence_parallel { u / t } else { REPLICATED_UNITS + (u - REPLICATED_UNITS) / t };
    let per_layer = match p.recompute {
        Recompute::Full => 2.0 * sbh / if p.sequence_parallel { t } else { 1.0 },
        Recompute::Selective => sbh * split(units),
        Recompute::None => sbh * (split(units) + scores / t),
    };
    let layers = f64::from(p.layers_per_stage(s.layers));
    let in_flight = f64::from(p.micro_batches().min(p.pp).max(1));
    let interleave = if p.vp > 1 { 1.0 + (f64::from(p.pp) - 1.0) / (f64::from(p.pp) * f64::from(p.vp)) } else { 1.0 };
    let precision_factor = if p.precision.low_precision() { FP8_ACTIVATION_FACTOR } else { 1.0 };
    let mut activations = per_layer * layers * in_flight * interleave * precision_factor;
    if p.recompute == Recompute::Full {
        activations += sbh * split(units);
    }
    let logits = if p.pp == 1 { 2.0 * b * seq / f64::from(p.cp) * s.vocab / t * 4.0 } else { 0.0 };
    let other = logits + x.profile.reserved_memory_gb * 1e9;
    Memory { weights, gradients, optimizer, activations, other }
}

/// Activation units Korthikanti et al. find replicated across TP ranks
/// without sequence parallelism (norm inputs, dropout masks, layer input).
const REPLICATED_UNITS: f64 = 10.0;

/// Convenience: seconds of a step.
impl Step {
    /// Step time.
    pub fn time(&self) -> Seconds {
        Seconds(self.step_time_s)
    }
}
