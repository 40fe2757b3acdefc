//! `[training]`: a training job on the scenario's cluster, checked like any
//! other section, so `check` can report its step time and time to train.

use super::validate::Validator;
use super::wire::TrainingWire;
use crate::catalog::Entry;
use crate::diag::Diagnostic;
use crate::model::training::plan::Stack;
use crate::model::training::{Plan, Recipe, Recompute, Shape};
use serde::Serialize;
use toml::Spanned;

/// A validated training job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Training {
    /// Model id.
    pub model: String,
    /// The plan, with DP derived from the cluster's GPUs.
    pub plan: Plan,
    /// Tokens to train on.
    pub tokens: Option<f64>,
    /// Share of wall-clock time making progress.
    pub goodput: f64,
}

impl Validator<'_> {
    /// Checks `[training]` against the cluster (`gpus`, `domain`, accelerator `gpu`).
    pub(super) fn training(
        &mut self,
        t: Spanned<TrainingWire>,
        gpus: Option<u32>,
        domain: u32,
        gpu: Option<&crate::catalog::Accelerator>,
    ) -> Option<Training> {
        let span = t.span();
        let t = t.into_inner();
        let catalog = self.catalog;
        let model = self.reference(&catalog.models, &t.model, "training.model");
        let mut count = |v: &Option<Spanned<i64>>, field: &str, default: u32| match v {
            None => Some(default),
            Some(v) => self.count(v, field),
        };
        let tp = count(&t.tp, "training.tp", 1);
        let pp = count(&t.pp, "training.pp", 1);
        let vp = count(&t.vp, "training.vp", 1);
        let cp = count(&t.cp, "training.cp", 1);
        let ep = count(&t.ep, "training.ep", 1);
        let micro_batch = count(&t.micro_batch, "training.micro_batch", 1);
        let global_batch = count(&t.global_batch, "training.global_batch", 1024);
        let seq_len = t.seq_len.as_ref().and_then(|s| self.count(s, "training.seq_len"));
        let precision = self.named(&t.precision, "training.precision", &Recipe::NAMES, Recipe::Bf16);
        let recompute = self.named(&t.recompute, "training.recompute", &Recompute::NAMES, Recompute::Selective);
        let zero = match &t.zero {
            Some(z) if !(0..=3).contains(z.get_ref()) => {
                self.problem(Diagnostic::at(
                    z.span(),
                    format!("`training.zero` is {}, but ZeRO stages are 0 to 3", z.get_ref()),
                ));
                None
            }
            Some(z) => Some(*z.get_ref() as u8),
            None => Some(1),
        };
        let lora_rank = match &t.lora_rank {
            Some(r) => Some(self.count(r, "training.lora_rank")?),
            None => None,
        };
        let tokens = t.tokens.as_ref().and_then(|x| self.positive(x, "training.tokens", "tokens"));
        let goodput = match &t.goodput {
            Some(g) if !(*g.get_ref() > 0.0 && *g.get_ref() <= 1.0) => {
                let msg = format!("`training.goodput` is {}, but it is a fraction in (0, 1]", g.get_ref());
                self.problem(Diagnostic::at(g.span(), msg));
                None
            }
            Some(g) => Some(*g.get_ref()),
            None => Some(1.0),
        };
        let (model, tp, pp, vp, cp, ep, mb, gb, precision, recompute, zero, goodput) =
            (model?, tp?, pp?, vp?, cp?, ep?, micro_batch?, global_batch?, precision?, recompute?, zero?, goodput?);
        let gpus = gpus?;
        let shape = Shape::of(model);
        let mp = tp * pp * cp;
        let plan = Plan {
            tp,
            pp,
            vp,
            cp,
            ep,
            dp: gpus / mp.max(1),
            micro_batch: mb,
            global_batch: gb,
            seq_len: seq_len.unwrap_or(model.seq_len.get()),
            precision,
            recompute,
            zero,
            sequence_parallel: tp > 1,
            lora_rank,
            tp_across_domains: false,
            stack: Stack::Modern,
        };
        if let Some(g) = gpu.filter(|g| !crate::model::training::runs_on(plan.precision, g)) {
            let msg = format!("{} has no {} tensor cores", g.id(), plan.precision.name());
            self.problem(Diagnostic::at(span.clone(), msg).with_help("use bf16 or fp8"));
            return None;
        }
        if let Err(e) = plan.check(&shape, u64::from(gpus), domain) {
            self.problem(
                Diagnostic::at(span, format!("`[training]` plan does not fit the cluster: {e}"))
                    .with_help("DP is the cluster's GPUs / (tp x pp x cp)"),
            );
            return None;
        }
        Some(Training { model: model.id().to_owned(), plan, tokens, goodput })
    }

    /// A name from a fixed list, with suggestions.
    /// A name looked up in its enum's one name table; an unknown one is a
    /// problem with suggestions, never a fallback.
    pub(super) fn named<T: Copy>(
        &mut self,
        v: &Option<Spanned<String>>,
        field: &str,
        table: &[(&'static str, T)],
        default: T,
    ) -> Option<T> {
        let Some(v) = v else { return Some(default) };
        if let Some((_, x)) = table.iter().find(|(n, _)| *n == v.get_ref().as_str()) {
            return Some(*x);
        }
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        let help = crate::suggest::did_you_mean(&crate::suggest::similar(v.get_ref(), names.iter().copied()))
            .unwrap_or_else(|| format!("use one of {}", names.join(", ")));
        self.problem(Diagnostic::at(v.span(), format!("unknown value `{}` at `{field}`", v.get_ref())).with_help(help));
        None
    }
}
