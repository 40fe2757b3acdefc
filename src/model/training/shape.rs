//! What one transformer layer costs: parameters, FLOPs per token per
//! operation, and the bytes its element-wise work moves.
//!
//! FLOPs are forward, per token, for the whole layer (before any parallel
//! split): `2 x in x out` per GEMM. Attention scores count the full `s x s`
//! square as Megatron-LM's formula does (`12 L h s` per token over forward
//! and backward); the causal half that flash kernels skip is applied when
//! timing, not when counting model FLOPs.

use crate::catalog::{AttentionKind, FfnType, Model};

/// Per-layer, per-token forward FLOPs and parameter counts of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Layers.
    pub layers: u32,
    /// Leading dense layers of a MoE model (all layers for a dense one).
    pub dense_layers: u32,
    /// Hidden size.
    pub hidden: f64,
    /// Attention heads.
    pub heads: u32,
    /// Key/value heads.
    pub kv_heads: u32,
    /// Vocabulary.
    pub vocab: f64,
    /// Routed experts (0 for dense).
    pub experts: u32,
    /// Experts per token.
    pub top_k: u32,
    /// FLOPs per token of the attention projections (QKV and output).
    pub attn_proj_flops: f64,
    /// FLOPs per token per context position of QK^T and AV (x seq = per token).
    pub attn_core_flops_per_ctx: f64,
    /// FLOPs per token of a dense MLP.
    pub mlp_flops: f64,
    /// FLOPs per token of a MoE layer's experts (routed x top-k plus shared) and router.
    pub moe_flops: f64,
    /// FLOPs per token of the output projection to the vocabulary.
    pub head_flops: f64,
    /// Parameters of the attention block of one layer.
    pub attn_params: f64,
    /// Parameters of a dense MLP.
    pub mlp_params: f64,
    /// Parameters of one routed expert.
    pub expert_params: f64,
    /// Parameters of the shared experts and router of one MoE layer.
    pub moe_shared_params: f64,
    /// Embedding parameters (input and, untied, output).
    pub embed_params: f64,
    /// Key and value elements per token (for the KV exchange of context parallelism).
    pub kv_elems: f64,
    /// MLP intermediate width held per token (MoE: top-k plus shared experts).
    pub ffn: f64,
    /// Weight matrices per MLP: 2 (GeLU) or 3 (SwiGLU).
    pub mlp_mats: f64,
}

impl Shape {
    /// The shape of a catalog model.
    pub fn of(m: &Model) -> Shape {
        let h = f64::from(m.hidden.get());
        let heads = m.heads.get();
        // MLA expands keys and values to every head.
        let kv = if m.attention == AttentionKind::Mla { heads } else { m.kv_heads.map_or(heads, |k| k.get()) };
        let (attn_proj_params, core, kv_elems) = attention(m, h, heads, kv);
        let mats = match m.ffn_type {
            FfnType::Gelu => 2.0,
            FfnType::Swiglu => 3.0,
        };
        let ffn = f64::from(m.ffn.get());
        let mlp_params = mats * h * ffn;
        let experts = m.experts.map_or(0, |e| e.get());
        let top_k = m.top_k.map_or(0, |k| k.get());
        let expert_ffn = m.expert_ffn.map_or(0.0, |f| f64::from(f.get()));
        let expert_params = mats * h * expert_ffn;
        let shared = f64::from(m.shared_experts.map_or(0, |s| s.get()));
        let moe_shared_params = shared * expert_params + h * f64::from(experts);
        let active_moe = (f64::from(top_k) + shared) * expert_params + h * f64::from(experts);
        let vocab = f64::from(m.vocab.get());
        let dense_layers = if experts == 0 { m.layers.get() } else { m.dense_layers.map_or(0, |d| d.get()) };
        Shape {
            layers: m.layers.get(),
            dense_layers,
            hidden: h,
            heads,
            kv_heads: kv,
            vocab,
            experts,
            top_k,
            attn_proj_flops: 2.0 * attn_proj_params,
            attn_core_flops_per_ctx: core,
            mlp_flops: 2.0 * mlp_params,
            moe_flops: 2.0 * active_moe,
            head_flops: 2.0 * h * vocab,
            attn_params: attn_proj_params + 2.0 * h,
            mlp_params: mlp_params + 2.0 * h,
            expert_params,
            moe_shared_params,
            embed_params: 2.0 * vocab * h,
            kv_elems,
            ffn: if experts == 0 { ffn } else { expert_ffn * (f64::from(top_k) + shared) },
            mlp_mats: mats,
        }
    }

    /// Layers with a MoE block.
    pub fn moe_layers(&self) -> u32 {
        self.layers - self.dense_layers
    }

    /// Total parameters.
    pub fn params(&self) -> f64 {
        let dense = f64::from(self.dense_layers) * (self.attn_params + self.mlp_params);
        let moe = f64::from(self.moe_layers())
            * (self.attn_params + self.moe_shared_params + f64::from(self.experts) * self.expert_params);
        dense + moe + self.embed_params
    }

    /// Parameters a token passes through (MoE: top-k routed plus shared).
    pub fn active_params(&self) -> f64 {
        let dense = f64::from(self.dense_layers) * (self.attn_params + self.mlp_params);
        let moe = f64::from(self.moe_layers())
            * (self.attn_params + self.moe_shared_params + f64::from(self.top_k) * self.expert_params);
        dense + moe + self.embed_params
    }

    /// Forward model FLOPs per token at context `seq` (non-causal attention, LM head included).
    pub fn forward_flops_per_token(&self, seq: f64) -> f64 {
        let per_layer = self.attn_proj_flops + self.attn_core_flops_per_ctx * seq;
        let dense = f64::from(self.dense_layers) * (per_layer + self.mlp_flops);
        let moe = f64::from(self.moe_layers()) * (per_layer + self.moe_flops);
        dense + moe + self.head_flops
    }

    /// Training model FLOPs per token: forward plus backward (2x), no recompute.
    pub fn model_flops_per_token(&self, seq: f64) -> f64 {
        3.0 * self.forward_flops_per_token(seq)
    }
}

/// Attention projection parameters, core FLOPs per token per context
/// position, and K+V elements per token.
fn attention(m: &Model, h: f64, heads: u32, kv: u32) -> (f64, f64, f64) {
    let a = f64::from(heads);
    match m.attention {
        AttentionKind::Gqa => {
            let hd = m.head_dim.map_or(h / a, |d| f64::from(d.get()));
            let q = a * hd;
            let kvd = f64::from(kv) * hd;
            (h * q + 2.0 * h * kvd + q * h, 4.0 * q, 2.0 * kvd)
        }
        AttentionKind::Mla => {
            let g = |c: Option<crate::catalog::Count>| c.map_or(0.0, |c| f64::from(c.get()));
            let (ql, kvl) = (g(m.q_lora_rank), g(m.kv_lora_rank));
            let (nope, rope, v) = (g(m.qk_nope_head_dim), g(m.qk_rope_head_dim), g(m.v_head_dim));
            let q = h * ql + ql * a * (nope + rope);
            let kv_down = h * (kvl + rope);
            let kv_up = kvl * a * (nope + v);
            let out = a * v * h;
            // Scores use nope+rope per head; values v per head. Context
            // parallelism exchanges the expanded keys and values.
            let core = 2.0 * a * (nope + rope) + 2.0 * a * v;
            (q + kv_down + kv_up + out, core, a * (nope + rope + v))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn shape(id: &str) -> Shape {
        Shape::of(Catalog::builtin().unwrap().models.get(id).unwrap())
    }

    #[test]
    fn parameter_counts_match_published_sizes() {
        for (id, billions, tol) in [
            ("gpt3-175b", 175.0, 0.01),
            ("megatron-1t", 1008.0, 0.01),
            ("megatron-1.7b", 1.7, 0.05),
            ("llama2-70b", 69.0, 0.02),
            ("llama3-405b", 405.0, 0.01),
            ("llama3-8b", 8.0, 0.03),
            ("mixtral-8x7b", 46.7, 0.01),
            ("deepseek-v3", 671.0, 0.01),
        ] {
            let p = shape(id).params() / 1e9;
            assert!((p - billions).abs() / billions < tol, "{id}: {p:.1}B vs {billions}B");
        }
        let active = shape("deepseek-v3").active_params() / 1e9;
        assert!((active - 37.0).abs() / 37.0 < 0.05, "deepseek-v3 active {active:.1}B");
        let mixtral = shape("mixtral-8x7b").active_params() / 1e9;
        assert!((mixtral - 12.9).abs() / 12.9 < 0.03, "mixtral active {mixtral:.1}B");
    }

    #[test]
    fn flops_per_token_is_six_n_plus_attention() {
        // Megatron-LM: 6N + 12 L h s for a dense GPT (N without the input embedding).
        let s = shape("gpt3-175b");
        let seq = 2048.0;
        let n = s.params() - s.vocab * s.hidden;
        let expected = 6.0 * n + 12.0 * f64::from(s.layers) * s.hidden * seq;
        let got = s.model_flops_per_token(seq);
        // Layer norms and biases are parameters without matmul FLOPs: within 0.1%.
        assert!((got - expected).abs() / expected < 1e-3, "{got:e} vs {expected:e}");
    }
}
