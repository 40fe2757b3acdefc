//! Compute claims: peaks at every precision, dense and sparse; the count
//! that adds up, or the inverse; and what the cluster sustains.

use super::*;

pub(super) fn compute(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure: a compute claim needs FLOP/s (`200 exaflops`)") };
    let Some(gpu) = j.gpu() else {
        return identify(j, &f);
    };
    let sys = j.system();
    let reads = readings(gpu, p, j.cx);
    if reads.is_empty() {
        return cannot(format!("the catalog has no peak for {} at that precision", gpu.id.get_ref()));
    }
    let list = reads.iter().map(|(pr, sp, v)| format!("{} {}", reading_name(*pr, *sp), flops(*v))).collect::<Vec<_>>();
    j.step(format!("{} peak per GPU", gpu.name), list.join(", "), "", source_of(gpu));
    let per_rack = sys.map(|s| u64::from(s.gpus_per_node.get()) * u64::from(s.nodes_per_rack.get()));
    // A figure above every per-GPU peak, with no `per GPU` said, is a system's.
    let max_gpu = reads.iter().map(|r| r.2).fold(0.0, f64::max);
    let said_gpu = j.text.to_lowercase().contains("per gpu");
    // (Only when the system comes from the context: an accelerator named in the sentence is its subject.)
    let from_context = p.system.is_none() && p.gpu.is_none() && j.cx.system.is_some();
    let scope = if p.scope == Scope::Gpu && !said_gpu && from_context && f.low > max_gpu * 1.05 {
        Scope::Node
    } else {
        p.scope
    };
    let (mult, what) = match scope {
        Scope::Gpu => (Some(1u64), "per GPU".to_owned()),
        Scope::Rack => match (per_rack, sys) {
            (Some(n), Some(s)) => (Some(n), format!("per {} rack of {n} GPUs", s.id.get_ref())),
            _ => return cannot("a per-rack claim needs a system: give --system ID"),
        },
        Scope::Node => match sys {
            Some(s) => {
                let n = u64::from(s.gpus_per_domain.get().max(s.gpus_per_node.get()));
                (Some(n), format!("per {} ({n} GPUs)", s.id.get_ref()))
            }
            None => return cannot("a per-system claim needs a system: give --system ID"),
        },
        Scope::Cluster | Scope::Site => match j.gpus(sys) {
            Some(n) => (Some(n), format!("for {n} GPUs")),
            None => (None, String::new()),
        },
    };
    if let Some(n) = mult {
        let hits: Vec<&(Precision, bool, f64)> =
            reads.iter().filter(|r| meets(p.qualifier, &f, r.2 * n as f64)).collect();
        let totals = reads
            .iter()
            .map(|(pr, sp, v)| format!("{} {}", reading_name(*pr, *sp), flops(v * n as f64)))
            .collect::<Vec<_>>();
        j.step(format!("peak {what}"), totals.join(", "), "", "the GPU peaks x the count");
        let ratio = sustained(j, gpu, sys, if scope == Scope::Cluster { n } else { 0 }, &f);
        // `up to X` names the reading that is X: the ones X rounds to, else any at or above it.
        let hits = if p.qualifier == Qualifier::UpTo {
            let exact: Vec<&(Precision, bool, f64)> =
                reads.iter().filter(|r| meets(Qualifier::Exactly, &f, r.2 * n as f64)).collect();
            if exact.is_empty() { hits } else { exact }
        } else {
            hits
        };
        // A figure vendors truncated rather than rounded (92.16 EF stated as 92.1).
        let ulp = 2.0 * (f.high - f.value);
        let truncated: Vec<&(Precision, bool, f64)> = reads
            .iter()
            .filter(|r| {
                p.qualifier == Qualifier::Exactly && r.2 * n as f64 >= f.value && (r.2 * n as f64) < f.value + ulp
            })
            .collect();
        if hits.is_empty() && !truncated.is_empty() {
            let r = truncated[0];
            return (
                HOLDS_ONLY_IF,
                vec![format!(
                    "only as {} truncated rather than rounded: the catalog gives {} {what}",
                    reading_name(r.0, r.1),
                    flops(r.2 * n as f64)
                )],
                ratio,
            );
        }
        return match hits.as_slice() {
            [] => (
                DOES_NOT_HOLD,
                vec![format!(
                    "no precision, dense or sparse, gives {} {what}; the nearest is {}",
                    f.text,
                    nearest(&reads, n as f64, f.value)
                )],
                ratio,
            ),
            _ if hits.len() == reads.len() => (HOLDS, Vec::new(), ratio),
            h => (
                HOLDS_ONLY_IF,
                vec![format!("only as {}", h.iter().map(|r| reading_name(r.0, r.1)).collect::<Vec<_>>().join(" or "))],
                ratio,
            ),
        };
    }
    // No count: how many GPUs and racks the figure needs at each reading (the inverse).
    let mut conds = Vec::new();
    let mut needed = Vec::new();
    for (pr, sp, v) in &reads {
        let target = if p.qualifier == Qualifier::AtLeast { f.value } else { f.low };
        let g = (target / v).ceil() as u64;
        let racks = per_rack.map(|r| g.div_ceil(r));
        needed.push((*pr, *sp, g, racks));
    }
    let text = needed
        .iter()
        .map(|(pr, sp, g, r)| {
            format!("{}: {g} GPUs{}", reading_name(*pr, *sp), r.map(|r| format!(" ({r} racks)")).unwrap_or_default())
        })
        .collect::<Vec<_>>();
    j.step("GPUs the figure needs at each reading", text.join("; "), "", "the claimed figure over the peak per GPU");
    if let Some(best) = needed.iter().min_by_key(|x| x.2) {
        let racks = best.3.map(|r| format!("{r} {} racks ({} GPUs)", sys.map_or("", |s| s.id.get_ref()), best.2));
        conds.push(format!(
            "the cluster has at least {}, read as {} (the vendor's headline reading)",
            racks.unwrap_or_else(|| format!("{} GPUs", best.2)),
            reading_name(best.0, best.1)
        ));
        if let Some(dense8) = needed.iter().find(|x| x.0 == Precision::Fp8 && !x.1) {
            conds.push(format!(
                "at dense FP8, the precision frontier training runs at, it takes {} GPUs{}",
                dense8.2,
                dense8.3.map(|r| format!(" ({r} racks)")).unwrap_or_default()
            ));
        }
        let ratio = sustained(j, gpu, sys, best.2, &f);
        return (HOLDS_ONLY_IF, conds, ratio);
    }
    cannot("no reading")
}

/// A per-GPU figure with no accelerator named: which accelerators' peaks it is.
fn identify(j: &mut Judge<'_>, f: &Quantity) -> Outcome {
    if j.p.scope != Scope::Gpu {
        return cannot(
            "the sentence names no accelerator or system in the catalog; give --system ID (see `rackscale catalog list --kind system`)",
        );
    }
    let mut hits = Vec::new();
    for gpu in j.catalog.gpus.iter() {
        for (pr, sp, v) in readings(gpu, j.p, j.cx) {
            if meets(j.p.qualifier, f, v) {
                hits.push(format!("{} of {}", reading_name(pr, sp), gpu.id.get_ref()));
            }
        }
    }
    j.step(
        "catalog accelerators whose peak per GPU the figure is",
        if hits.is_empty() { "none".to_owned() } else { hits.join(", ") },
        "",
        "every accelerator's catalog peaks, dense and sparse",
    );
    if hits.is_empty() {
        return cannot("no accelerator named, and no catalog accelerator's peak is that figure");
    }
    (HOLDS_ONLY_IF, vec![format!("only as {}", hits.join(" or "))], None)
}

fn nearest(reads: &[(Precision, bool, f64)], n: f64, target: f64) -> String {
    reads
        .iter()
        .min_by(|a, b| (a.2 * n / target).ln().abs().total_cmp(&(b.2 * n / target).ln().abs()))
        .map(|(pr, sp, v)| format!("{} at {}", reading_name(*pr, *sp), flops(v * n)))
        .unwrap_or_default()
}

/// What `gpus` of the system sustain on a reference frontier training job
/// (Llama 3 405B at fp8, the fastest plan at the nearest size the plan
/// search can lay out), times the simulation's default goodput; its ratio to
/// the claimed figure.
fn sustained(j: &mut Judge<'_>, gpu: &Accelerator, sys: Option<&System>, gpus: u64, f: &Quantity) -> Option<f64> {
    let sys = sys?;
    if gpus == 0 {
        return None;
    }
    let model = j.cx.model.clone().unwrap_or_else(|| "llama3-405b".to_owned());
    // The reference size: whole domains, a power-of-two count of them, at most the cluster.
    let (n, best) = super::training::best_plan(j.catalog, sys, &model, gpus.min(32_768), 2048)?;
    let best = &best;
    let (prec_name, prec) = super::training::train_precision(j.catalog, sys);
    let peak = gpu.peak(prec)?.0;
    let per_gpu = best.mfu * peak;
    let (lo, hi) = (best.band.mfu_p10 * peak, best.band.mfu_p90 * peak);
    let good = crate::data::tco_defaults().get("use", "goodput").clone();
    let total = per_gpu * gpus as f64 * good.value;
    j.step(
        format!("reference job: {model} at {prec_name} on {n} GPUs, fastest plan {}", best.plan),
        format!("MFU {:.1}% ({:.1}-{:.1}%)", best.mfu * 100.0, best.band.mfu_p10 * 100.0, best.band.mfu_p90 * 100.0),
        "",
        format!(
            "step model; band from {}{}",
            best.band.band_basis,
            best.band.unvalidated.as_ref().map(|u| format!(" ({u})")).unwrap_or_default()
        ),
    );
    j.step(
        format!("sustained on {gpus} GPUs at goodput {}", good.value),
        format!(
            "{} ({}-{})",
            flops(total),
            flops(lo * gpus as f64 * good.range[0]),
            flops(hi * gpus as f64 * good.range[1])
        ),
        "",
        format!(
            "MFU x dense peak at that precision x GPUs x goodput; goodput: data/tco.toml {} {}",
            good.status, good.source
        ),
    );
    let ratio = total / f.value;
    j.step("sustained / claimed", format!("{:.1}%", ratio * 100.0), "", "the two lines above");
    Some(ratio)
}
