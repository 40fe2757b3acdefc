//! Plan search: every valid plan of a model on a GPU count, evaluated in
//! parallel and ranked by step time.
//!
//! The space: TP over the divisors of the scale-up domain, CP over powers of
//! two, PP over the divisors of the remaining GPUs up to the layer count
//! (stages may be uneven), interleaving, EP over the
//! divisors of the expert count, micro-batches, recompute modes and ZeRO
//! stages 1 and 3, at a fixed global batch, sequence and precision. Results
//! are sorted by (step time, plan), so they do not depend on thread count.

use super::plan::Recipe;
use super::plan::{Plan, Recompute, Stack};
use super::shape::Shape;
use serde::Serialize;

/// What the search holds fixed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Space {
    /// GPUs.
    pub gpus: u64,
    /// GPUs per scale-up domain.
    pub domain: u32,
    /// Sequences per step.
    pub global_batch: u32,
    /// Tokens per sequence.
    pub seq_len: u32,
    /// Precision.
    pub precision: Recipe,
    /// LoRA rank, if fine-tuning.
    pub lora_rank: Option<u32>,
}

const VIRTUAL: [u32; 6] = [1, 2, 3, 4, 6, 8];
const CONTEXT: [u32; 5] = [1, 2, 4, 8, 16];
const MICRO: [u32; 5] = [1, 2, 4, 8, 16];
const RECOMPUTE: [Recompute; 3] = [Recompute::None, Recompute::Selective, Recompute::Full];
const ZERO: [u8; 2] = [1, 3];

fn divisors(n: u64) -> Vec<u64> {
    let mut d: Vec<u64> =
        (1..).take_while(|i| i * i <= n).filter(|i| n.is_multiple_of(*i)).flat_map(|i| [i, n / i]).collect();
    d.sort_unstable();
    d.dedup();
    d
}

/// Every plan that passes [`Plan::check`] for `shape` in `space`.
pub fn candidates(shape: &Shape, space: &Space) -> Vec<Plan> {
    candidates_counted(shape, space).0
}

/// [`candidates`], and how many plans each rule ruled out, most first.
pub fn candidates_counted(shape: &Shape, space: &Space) -> (Vec<Plan>, Vec<(&'static str, usize)>) {
    let mut out = Vec::new();
    let mut rejected: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    let layers = u64::from(shape.layers);
    let experts = u64::from(shape.experts.max(1));
    for tp in divisors(u64::from(space.domain)) {
        for cp in CONTEXT.map(u64::from) {
            let Some(rest) = space.gpus.checked_div(tp * cp).filter(|_| space.gpus.is_multiple_of(tp * cp)) else {
                continue;
            };
            // Stages may be uneven, so any PP up to the layer count that divides the GPUs.
            for pp in divisors(rest).into_iter().filter(|&pp| pp <= layers) {
                let dp = rest / pp;
                for ep in divisors(experts).into_iter().filter(|e| dp % e == 0) {
                    push_variants(&mut out, &mut rejected, shape, space, [tp, cp, pp, dp, ep]);
                }
            }
        }
    }
    let mut rejected: Vec<(&'static str, usize)> = rejected.into_iter().collect();
    rejected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    (out, rejected)
}

fn push_variants(
    out: &mut Vec<Plan>,
    rejected: &mut std::collections::BTreeMap<&'static str, usize>,
    shape: &Shape,
    space: &Space,
    [tp, cp, pp, dp, ep]: [u64; 5],
) {
    let (Ok(tp), Ok(cp), Ok(pp), Ok(dp), Ok(ep)) =
        (u32::try_from(tp), u32::try_from(cp), u32::try_from(pp), u32::try_from(dp), u32::try_from(ep))
    else {
        return;
    };
    for vp in VIRTUAL {
        for micro_batch in MICRO {
            for recompute in RECOMPUTE {
                for zero in ZERO.into_iter().filter(|&z| z < 3 || u64::from(dp) * u64::from(cp) > 1) {
                    let plan = Plan {
                        tp,
                        pp,
                        vp,
                        cp,
                        ep,
                        dp,
                        micro_batch,
                        global_batch: space.global_batch,
                        seq_len: space.seq_len,
                        precision: space.precision,
                        recompute,
                        zero,
                        sequence_parallel: tp > 1,
                        lora_rank: space.lora_rank,
                        tp_across_domains: false,
                        stack: Stack::Modern,
                    };
                    match plan.check(shape, space.gpus, space.domain) {
                        Ok(()) => out.push(plan),
                        Err(e) => *rejected.entry(e.rule()).or_default() += 1,
                    }
                }
            }
        }
    }
}

/// A sortable key that orders plans the same way on every run.
pub fn plan_key(p: &Plan) -> (u32, u32, u32, u32, u32, u32, u32, Recompute, u8) {
    (p.tp, p.pp, p.vp, p.cp, p.ep, p.dp, p.micro_batch, p.recompute, p.zero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn space(gpus: u64) -> Space {
        Space { gpus, domain: 8, global_batch: 1536, seq_len: 2048, precision: Recipe::Bf16, lora_rank: None }
    }

    #[test]
    fn every_candidate_is_valid_and_distinct() {
        let shape = Shape::of(Catalog::builtin().unwrap().models.get("gpt3-175b").unwrap());
        let plans = candidates(&shape, &space(1024));
        assert!(plans.len() > 1000, "{}", plans.len());
        let mut keys: Vec<_> = plans.iter().map(plan_key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), plans.len());
        assert!(plans.iter().all(|p| p.gpus() == 1024 && p.tp <= 8 && p.pp * p.vp <= 96));
    }

    #[test]
    fn divisors_are_sorted() {
        assert_eq!(divisors(12), vec![1, 2, 3, 4, 6, 12]);
        assert_eq!(divisors(1), vec![1]);
    }
}
