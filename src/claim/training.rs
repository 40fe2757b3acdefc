//! Speed and time claims, on the step model's reference training job.

use super::*;

use crate::results::PlanRow;

/// The fastest plan of a reference training job on `sys` (8,192-token
/// sequences at fp8, or bf16 where the accelerator has no fp8), on whole
/// scale-up domains, a power-of-two count of them up to `max_gpus`: the GPUs
/// it ran on and the plan's row.
pub(super) fn best_plan(
    catalog: &Catalog,
    sys: &System,
    model: &str,
    max_gpus: u64,
    global_batch: u32,
) -> Option<(u64, PlanRow)> {
    let mut n = u64::from(sys.gpus_per_domain.get());
    while n * 2 <= max_gpus {
        n *= 2;
    }
    let job = crate::pipeline::training::Job {
        model: model.to_owned(),
        system: sys.id.get_ref().clone(),
        gpus: n,
        fabric: None,
        global_batch,
        seq_len: Some(8192),
        precision: crate::pipeline::training::precision(train_precision(catalog, sys).0)?,
        lora_rank: None,
        tokens: None,
        goodput: 1.0,
    };
    let setup = job.setup(catalog).ok()?;
    let report =
        crate::pipeline::training::plan_report(catalog, &job, &setup, &crate::data::default_profile(), 1, None).ok()?;
    report.plans.into_iter().next().map(|b| (n, b))
}

/// The precision a reference training job runs at on an accelerator: fp8
/// where it has an fp8 peak, else bf16.
pub(super) fn train_precision(catalog: &Catalog, sys: &System) -> (&'static str, Precision) {
    let fp8 = catalog.gpus.find(sys.accelerator.get_ref()).and_then(|g| g.peak(Precision::Fp8)).is_some();
    if fp8 { ("fp8", Precision::Fp8) } else { ("bf16", Precision::Bf16) }
}

/// Tokens per second per GPU of the fastest plan of a reference job, and its band.
fn per_gpu_rate(catalog: &Catalog, sys: &System, model: &str, target: u64) -> Option<(f64, f64, f64, String)> {
    let (n, b) = best_plan(catalog, sys, model, target, 1024)?;
    let g = n as f64;
    Some((
        b.tokens_per_s / g,
        b.band.tokens_per_s_p10 / g,
        b.band.tokens_per_s_p90 / g,
        format!(
            "{n} GPUs, {}; band from {}{}",
            b.plan,
            b.band.band_basis,
            b.band.unvalidated.as_ref().map(|u| format!(" ({u})")).unwrap_or_default()
        ),
    ))
}

pub(super) fn speed(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure") };
    let Some(a) = j.system() else { return cannot("the faster system is not named; give --system ID") };
    let Some(vs) = p.versus.as_ref() else { return cannot("`faster than` what? name the system compared against") };
    let b = j.catalog.systems.find(vs).or_else(|| {
        j.catalog.systems.iter().filter(|s| s.accelerator.get_ref() == vs).max_by_key(|s| s.gpus_per_domain.get())
    });
    let Some(b) = b else { return cannot(format!("no system of `{vs}` in the catalog")) };
    // A percentage faster is a ratio: 40% faster = 1.4x.
    let f = if f.unit == Unit::Percent {
        Quantity {
            value: 1.0 + f.value / 100.0,
            low: 1.0 + f.low / 100.0,
            high: 1.0 + f.high / 100.0,
            unit: Unit::Times,
            ..f
        }
    } else {
        f
    };
    let said = j.text.to_lowercase();
    let training = said.contains("train");
    let peak_words = ["peak", "tflops", "flops", "petaflops", "compute"].iter().any(|w| said.contains(w)) && !training;
    let (Some(ga), Some(gb)) =
        (j.catalog.gpus.find(a.accelerator.get_ref()), j.catalog.gpus.find(b.accelerator.get_ref()))
    else {
        return cannot("no accelerator entries");
    };
    let want = j.cx.precision.or(p.precision);
    let mut ratios = Vec::new();
    for prec in Precision::ALL.iter().rev().copied().filter(|x| want.is_none_or(|w| w == *x) && *x != Precision::Fp64) {
        if let (Some(x), Some(y)) = (ga.peak(prec), gb.peak(prec)) {
            ratios.push((prec, x.0 / y.0));
        }
    }
    if !ratios.is_empty() {
        j.step(
            format!("dense peak per GPU, {} over {}", ga.id.get_ref(), gb.id.get_ref()),
            ratios
                .iter()
                .map(|(pr, r)| format!("{} {}x", pr.name().to_uppercase(), sig3(*r)))
                .collect::<Vec<_>>()
                .join(", "),
            "",
            format!("{}; {}", source_of(ga), source_of(gb)),
        );
    }
    let peak_hits: Vec<String> =
        ratios.iter().filter(|(_, r)| meets(p.qualifier, &f, *r)).map(|(pr, _)| pr.name().to_uppercase()).collect();
    if peak_words {
        return match peak_hits.len() {
            _ if ratios.is_empty() => cannot("no precision both accelerators have a peak at"),
            0 => (
                DOES_NOT_HOLD,
                vec![format!(
                    "the peaks' ratio is {} at every precision both have",
                    ratios.iter().map(|(_, r)| sig3(*r)).collect::<Vec<_>>().join("/")
                )],
                None,
            ),
            n if n == ratios.len() => (HOLDS, vec!["as a ratio of peaks, not of a measured job".to_owned()], None),
            _ => (HOLDS_ONLY_IF, vec![format!("only at {} (peaks, not a measured job)", peak_hits.join(", "))], None),
        };
    }
    let model = j.cx.model.clone().unwrap_or_else(|| "llama3-70b".to_owned());
    let (Some(ra), Some(rb)) = (per_gpu_rate(j.catalog, a, &model, 576), per_gpu_rate(j.catalog, b, &model, 576))
    else {
        return cannot(format!("no valid plan of {model} on both systems"));
    };
    j.step(
        format!("{model} fp8 tokens/s per GPU on {}", a.id.get_ref()),
        format!("{} ({}-{})", sig(ra.0), sig3(ra.1), sig3(ra.2)),
        "tokens/s",
        format!("step model: {}", ra.3),
    );
    j.step(
        format!("{model} fp8 tokens/s per GPU on {}", b.id.get_ref()),
        format!("{} ({}-{})", sig(rb.0), sig3(rb.1), sig3(rb.2)),
        "tokens/s",
        format!("step model: {}", rb.3),
    );
    let ratio = ra.0 / rb.0;
    let (lo, hi) = (ra.1 / rb.2, ra.2 / rb.1);
    j.step(
        "speedup per GPU",
        format!("{} ({}-{})", sig3(ratio), sig3(lo), sig3(hi)),
        "x",
        "the two rows above; range from both bands",
    );
    if meets(p.qualifier, &f, ratio) {
        (HOLDS, vec![format!("on {model} training at fp8 for both; other jobs and precisions give other ratios")], None)
    } else if meets(p.qualifier, &f, hi) {
        (
            HOLDS_ONLY_IF,
            vec![format!(
                "only at the fast end of the model's band ({} x at its P90 against {}'s P10)",
                sig3(hi),
                b.id.get_ref()
            )],
            None,
        )
    } else if !training && !peak_hits.is_empty() {
        (
            HOLDS_ONLY_IF,
            vec![format!(
                "only as a ratio of {} peaks; training {model} at fp8 gives {}x ({}-{})",
                peak_hits.join("/"),
                sig3(ratio),
                sig3(lo),
                sig3(hi)
            )],
            None,
        )
    } else {
        (
            DOES_NOT_HOLD,
            vec![format!(
                "at the same precision the model gives {}x ({}-{}); vendor ratios often compare a new precision (FP4) with an old one (FP8) or a larger scale-up domain",
                sig3(ratio),
                sig3(lo),
                sig3(hi)
            )],
            None,
        )
    }
}

pub(super) fn time(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let get = |u: Unit| p.extra.iter().chain(p.figure.iter()).find(|q| q.unit == u).cloned();
    let (params, tokens, days) = (get(Unit::Params), get(Unit::Tokens), get(Unit::Days));
    let Some(params) = params else {
        return cannot(
            "no model size, tokens and days: nothing measurable (`train a 1.8T-parameter model on 15T tokens in 90 days` can be checked)",
        );
    };
    let sys = j.system();
    let Some(gpu) = j.gpu() else {
        return cannot("no accelerator or system named; give --system ID");
    };
    // Training state: bf16 weights and gradients, fp32 master weights and Adam moments: 16 B/parameter.
    let hbm = gpu.hbm_gb.value * 1e9;
    let fit = (params.value * 16.0 / hbm).ceil();
    j.step(
        format!("GPUs whose HBM holds the training state of {} (16 B each)", show(Unit::Params, params.value)),
        format!("{fit:.0}"),
        "GPUs",
        format!("{} GB HBM per GPU, {}", sig(gpu.hbm_gb.value), source_of(gpu)),
    );
    let (Some(tokens), Some(days)) = (tokens, days) else {
        return cannot(format!(
            "a model size alone is no claim; it fits on {fit:.0} {} GPUs or more: give tokens and days to check a time",
            gpu.id.get_ref()
        ));
    };
    let flop = 6.0 * params.value * tokens.value;
    j.step(
        "training compute, 6 x parameters x tokens (dense; an MoE's active parameters would be fewer)",
        format!("{flop:.3e}"),
        "FLOP",
        "Kaplan et al. 2020 (arXiv:2001.08361)",
    );
    let Some(sys) = sys else { return cannot("no system for the accelerator") };
    let (prec_name, prec) = train_precision(j.catalog, sys);
    let peak = gpu.peak(prec).map_or(0.0, |x| x.0);
    // MFU of the reference job, the step model's.
    let Some((_, _, _, basis)) = per_gpu_rate(j.catalog, sys, "llama3-405b", 4096) else {
        return cannot("no reference plan");
    };
    let mfu = reference_mfu(j.catalog, sys).unwrap_or(0.35);
    let good = crate::data::tco_defaults().get("use", "goodput").value;
    let rate = peak * mfu * good;
    j.step(
        format!("sustained per GPU: dense {} peak x MFU x goodput", prec_name.to_uppercase()),
        format!("{} (MFU {:.1}%, goodput {good})", flops(rate), mfu * 100.0),
        "",
        format!("step model on llama3-405b: {basis}"),
    );
    let gpus_needed = flop / (rate * days.high * 86_400.0);
    match j.gpus(Some(sys)) {
        Some(n) => {
            let d = flop / (rate * n as f64) / 86_400.0;
            j.step(format!("days on {n} GPUs"), sig3(d), "days", "compute over the sustained rate");
            if d <= days.high {
                (HOLDS, Vec::new(), None)
            } else {
                (DOES_NOT_HOLD, vec![format!("{n} GPUs take {} days", sig3(d))], None)
            }
        }
        None => {
            j.step(
                "GPUs for the deadline",
                format!("{:.0}", gpus_needed.ceil()),
                "GPUs",
                "compute over the sustained rate and the days",
            );
            (
                HOLDS_ONLY_IF,
                vec![format!("the cluster has at least {:.0} {} GPUs", gpus_needed.ceil().max(fit), gpu.id.get_ref())],
                None,
            )
        }
    }
}

fn reference_mfu(catalog: &Catalog, sys: &System) -> Option<f64> {
    best_plan(catalog, sys, "llama3-405b", 4096, 2048).map(|(_, b)| b.mfu)
}
