//! Vendor claims judged against the catalog and the models, with the
//! derivation shown: `holds`, `holds only if` (and the conditions),
//! `does not hold`, or `cannot check` (and why).

pub mod parse;

use crate::catalog::{Accelerator, Catalog, Precision, System, sig, sig3};
use crate::model::facility::{Cooling, Ups};
use parse::{Kind, Parsed, Qualifier, Quantity, Scope, Unit};
use serde::Serialize;

/// Context a claim is judged in: what the sentence leaves unsaid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// System id.
    pub system: Option<String>,
    /// GPUs in the cluster.
    pub gpus: Option<u64>,
    /// Racks in the cluster.
    pub racks: Option<u64>,
    /// Site id.
    pub site: Option<String>,
    /// Cooling design.
    pub cooling: Option<Cooling>,
    /// UPS mode.
    pub ups: Option<Ups>,
    /// Precision.
    pub precision: Option<Precision>,
    /// Reference training job's model.
    pub model: Option<String>,
}

/// One step of a derivation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// What is computed.
    pub step: String,
    /// Its value, as text (a number, a range or a list).
    pub value: String,
    /// Its unit.
    pub unit: String,
    /// Where the inputs come from: a catalog id and its source, or a model and its validation.
    pub source: String,
}

/// A judged claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimReport {
    /// The sentence.
    pub claim: String,
    /// How it was read.
    pub parsed: Parsed,
    /// `holds`, `holds only if`, `does not hold`, `cannot check`.
    pub verdict: String,
    /// Under which conditions it holds, or why it cannot be checked.
    pub conditions: Vec<String>,
    /// The worked answer.
    pub derivation: Vec<Step>,
    /// Sustained model FLOP/s on a reference training job over the claimed figure (compute claims).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sustained_ratio: Option<f64>,
}

/// Verdict names.
pub const HOLDS: &str = "holds";
/// Holds under conditions only.
pub const HOLDS_ONLY_IF: &str = "holds only if";
/// Does not hold.
pub const DOES_NOT_HOLD: &str = "does not hold";
/// Cannot be checked.
pub const CANNOT_CHECK: &str = "cannot check";

struct Judge<'a> {
    text: &'a str,
    catalog: &'a Catalog,
    cx: &'a Context,
    p: &'a Parsed,
    steps: Vec<Step>,
}

impl<'a> Judge<'a> {
    fn step(&mut self, step: impl Into<String>, value: impl Into<String>, unit: &str, source: impl Into<String>) {
        self.steps.push(Step { step: step.into(), value: value.into(), unit: unit.to_owned(), source: source.into() });
    }

    fn system(&self) -> Option<&'a System> {
        let id = self.cx.system.as_ref().or(self.p.system.as_ref());
        if let Some(s) = id.and_then(|id| self.catalog.systems.find(id)) {
            return Some(s);
        }
        // The accelerator's largest scale-up system (GB300 -> GB300 NVL72).
        let gpu = self.p.gpu.as_ref()?;
        self.catalog
            .systems
            .iter()
            .filter(|s| s.accelerator.get_ref() == gpu)
            .max_by_key(|s| (s.gpus_per_domain.get(), std::cmp::Reverse(s.id.get_ref().clone())))
    }

    fn gpu(&self) -> Option<&'a Accelerator> {
        self.p
            .gpu
            .as_ref()
            .and_then(|g| self.catalog.gpus.find(g))
            .or_else(|| self.system().and_then(|s| self.catalog.gpus.find(s.accelerator.get_ref())))
    }

    /// GPUs in the cluster the claim is about: the flags, else the sentence's count.
    fn gpus(&self, sys: Option<&System>) -> Option<u64> {
        let per_rack = sys.map(|s| u64::from(s.gpus_per_node.get()) * u64::from(s.nodes_per_rack.get()));
        self.cx.gpus.or(self.p.gpus).or_else(|| self.cx.racks.or(self.p.racks).zip(per_rack).map(|(r, g)| r * g))
    }
}

/// Whether `v` meets the figure under the qualifier.
fn meets(q: Qualifier, f: &Quantity, v: f64) -> bool {
    match q {
        Qualifier::Exactly | Qualifier::About => v >= f.low && v <= f.high,
        Qualifier::AtLeast | Qualifier::UpTo => v >= f.low,
        Qualifier::AtMost => v <= f.high,
    }
}

fn qualifier_text(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Exactly => "as stated",
        Qualifier::AtLeast => "at least",
        Qualifier::AtMost => "at most",
        Qualifier::UpTo => "up to (the best case)",
        Qualifier::About => "about",
    }
}

/// A value in its unit, readably: `195 EF`, `682.5 W`, `1.085`.
fn show(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Flops => flops(v),
        Unit::Watts if v >= 1e6 => format!("{} MW", sig(v / 1e6)),
        Unit::Watts if v >= 1e4 => format!("{} kW", sig(v / 1e3)),
        Unit::Watts => format!("{} W", sig(v)),
        Unit::Pue => format!("{v:.3}"),
        Unit::Params | Unit::Tokens if v >= 1e12 => format!("{} trillion {}", sig3(v / 1e12), unit.symbol()),
        Unit::Params | Unit::Tokens => format!("{} billion {}", sig3(v / 1e9), unit.symbol()),
        u => format!("{} {}", sig(v), u.symbol()).trim_end().to_owned(),
    }
}

/// `1.44 EF`, `20 PF`: FLOP/s in the largest prefix under the value.
fn flops(x: f64) -> String {
    if x >= 1e18 { format!("{} EF", sig(x / 1e18)) } else { format!("{} PF", sig(x / 1e15)) }
}

fn source_of(gpu: &Accelerator) -> String {
    format!("catalog `{}`: {} ({})", gpu.id.get_ref(), gpu.source.as_str(), gpu.date.as_str())
}

/// Judges a parsed claim in its context.
pub fn judge(text: &str, p: Parsed, catalog: &Catalog, cx: &Context) -> ClaimReport {
    let mut j = Judge { text, catalog, cx, p: &p, steps: Vec::new() };
    if let Some(f) = &p.figure {
        j.step(
            format!("the claim: {} ({})", f.text, qualifier_text(p.qualifier)),
            format!("{} to {}", show(f.unit, f.low), show(f.unit, f.high)),
            "",
            format!("the sentence; rounding read as {}", f.rounding),
        );
    }
    let (verdict, conditions, ratio) = match p.kind {
        Kind::Compute => compute(&mut j),
        Kind::Facility => facility(&mut j),
        Kind::Power => power(&mut j),
        Kind::Speed => speed(&mut j),
        Kind::Time => time(&mut j),
        Kind::Cost => cost(&mut j),
    };
    let steps = j.steps;
    ClaimReport {
        claim: text.to_owned(),
        parsed: p,
        verdict: verdict.to_owned(),
        conditions,
        derivation: steps,
        sustained_ratio: ratio,
    }
}

type Outcome = (&'static str, Vec<String>, Option<f64>);

fn cannot(why: impl Into<String>) -> Outcome {
    (CANNOT_CHECK, vec![why.into()], None)
}

/// Peak readings of an accelerator: (precision, sparse, FLOP/s per GPU).
fn readings(gpu: &Accelerator, p: &Parsed, cx: &Context) -> Vec<(Precision, bool, f64)> {
    let want = cx.precision.or(p.precision);
    let mut out = Vec::new();
    for prec in Precision::ALL.iter().rev().copied().filter(|x| want.is_none_or(|w| w == *x)) {
        if let Some(d) = gpu.peak(prec).filter(|_| p.sparse != Some(true)) {
            out.push((prec, false, d.0));
        }
        if let Some(s) = gpu.peak_sparse(prec).filter(|_| p.sparse != Some(false)) {
            out.push((prec, true, s.0));
        }
    }
    out
}

fn reading_name(prec: Precision, sparse: bool) -> String {
    format!("{} {}", if sparse { "sparse" } else { "dense" }, prec.name().to_uppercase())
}

fn compute(j: &mut Judge<'_>) -> Outcome {
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
    let domain = u64::from(sys.gpus_per_domain.get());
    // The reference size: whole domains, a power-of-two count of them, at most the cluster.
    let mut n = domain;
    while n * 2 <= gpus.min(32_768) {
        n *= 2;
    }
    let job = crate::pipeline::training::Job {
        model: model.clone(),
        system: sys.id.get_ref().clone(),
        gpus: n,
        fabric: None,
        global_batch: 2048,
        seq_len: Some(8192),
        precision: crate::pipeline::training::precision("fp8")?,
        lora_rank: None,
        tokens: None,
        goodput: 1.0,
    };
    let setup = job.setup(j.catalog).ok()?;
    let profile = crate::data::default_profile();
    let report = crate::pipeline::training::plan_report(j.catalog, &job, &setup, &profile, 1, None).ok()?;
    let best = report.plans.first()?;
    let peak = gpu.peak(Precision::Fp8)?.0;
    let per_gpu = best.mfu * peak;
    let (lo, hi) = (best.band.mfu_p10 * peak, best.band.mfu_p90 * peak);
    let good = crate::data::tco_defaults().get("use", "goodput").clone();
    let total = per_gpu * gpus as f64 * good.value;
    j.step(
        format!("reference job: {model} at fp8 on {n} GPUs, fastest plan {}", best.plan),
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
        format!("MFU x dense FP8 peak x GPUs x goodput; goodput: data/tco.toml {} {}", good.status, good.source),
    );
    let ratio = total / f.value;
    j.step("sustained / claimed", format!("{:.1}%", ratio * 100.0), "", "the two lines above");
    Some(ratio)
}

fn facility(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure: a facility claim needs a PUE (`a PUE of 1.08`)") };
    let water = f.unit == Unit::Wue;
    if !water && !(1.0..=5.0).contains(&f.value) {
        return (
            DOES_NOT_HOLD,
            vec![format!("a PUE is at least 1 (facility energy over IT energy); {} is not one", f.text)],
            None,
        );
    }
    let sites: Vec<&crate::catalog::Site> = match j.cx.site.as_ref() {
        Some(id) => match j.catalog.sites.find(id) {
            Some(s) if s.climate.is_some() => vec![s],
            Some(_) => return cannot(format!("site `{id}` has no climate table")),
            None => return cannot(format!("no site `{id}` in the catalog")),
        },
        None => j.catalog.sites.iter().filter(|s| s.climate.is_some()).collect(),
    };
    let said = j.text.to_lowercase();
    let coolings: Vec<Cooling> = match j.cx.cooling {
        Some(c) => vec![c],
        None if said.contains("liquid") => vec![Cooling::Liquid],
        None if said.contains("air-cooled") || said.contains("air cooling") || said.contains("air-cooling") => {
            vec![Cooling::Air]
        }
        None if said.contains("hybrid") => vec![Cooling::Hybrid],
        None => vec![Cooling::Liquid, Cooling::Hybrid, Cooling::Air],
    };
    let upses: Vec<Ups> = match j.cx.ups {
        Some(u) => vec![u],
        None if said.contains("eco") => vec![Ups::Eco],
        None => vec![Ups::DoubleConversion, Ups::Eco],
    };
    let loads = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    // (site, cooling, ups, load, metric)
    let mut rows: Vec<(String, Cooling, Ups, f64, f64)> = Vec::new();
    for site in &sites {
        let base = crate::pipeline::facility::Inputs { site: Some(site.id.get_ref().clone()), ..Default::default() };
        let Ok((weather, _)) = crate::pipeline::facility::weather(&base, None, Some(site)) else { continue };
        for &cooling in &coolings {
            for &ups in &upses {
                let a = crate::pipeline::facility::Inputs { cooling: Some(cooling), ups: Some(ups), ..base.clone() };
                let Ok(design) = crate::pipeline::facility::design(&a, None, j.catalog, 10_000.0) else { continue };
                for &lf in &loads {
                    let t = design.run(&weather, |_| 10_000.0 * lf).totals(&weather.month);
                    rows.push((
                        site.id.get_ref().clone(),
                        cooling,
                        ups,
                        lf,
                        if water { t.wue_l_per_kwh } else { t.annual_pue },
                    ));
                }
            }
        }
    }
    if rows.is_empty() {
        return cannot("no site with a climate to run the facility model on");
    }
    let metric = if water { "WUE" } else { "PUE" };
    let ok = |v: f64| match p.qualifier {
        Qualifier::AtLeast => v >= f.low,
        Qualifier::About => v >= f.low && v <= f.high,
        _ => v <= f.high,
    };
    let best = rows.iter().map(|r| r.4).fold(f64::INFINITY, f64::min);
    let worst = rows.iter().map(|r| r.4).fold(f64::NEG_INFINITY, f64::max);
    j.step(
        format!(
            "annual {metric}, {} cooling, {} site(s), {} UPS, load 30-100%",
            coolings.iter().map(|c| c.name()).collect::<Vec<_>>().join("/"),
            sites.len(),
            upses.iter().map(|u| u.name()).collect::<Vec<_>>().join(" or ")
        ),
        format!("{best:.3}-{worst:.3}"),
        if water { "L/kWh" } else { "" },
        "facility model hour by hour on each site's typical year (data/facility.toml; checked against published fleet PUEs, see README)",
    );
    let holding: Vec<&(String, Cooling, Ups, f64, f64)> = rows.iter().filter(|r| ok(r.4)).collect();
    j.step("cases where it holds", format!("{} of {}", holding.len(), rows.len()), "", "the runs above");
    if holding.len() == rows.len() {
        return (HOLDS, vec![format!("at every site, design, UPS mode and load from 30% tried")], None);
    }
    if holding.is_empty() {
        return (
            DOES_NOT_HOLD,
            vec![format!(
                "the best case is {best:.3}; the claim covers {} {}",
                if p.qualifier == Qualifier::AtLeast { "from" } else { "up to" },
                sig(if p.qualifier == Qualifier::AtLeast { f.low } else { f.high })
            )],
            None,
        );
    }
    // Conditions: per design and UPS mode, the lowest load from which it holds, and where.
    let mut conds = Vec::new();
    for &cooling in &coolings {
        for &ups in &upses {
            let these: Vec<&&(String, Cooling, Ups, f64, f64)> =
                holding.iter().filter(|r| r.1 == cooling && r.2 == ups).collect();
            if these.is_empty() {
                continue;
            }
            let mut at: Vec<String> = these.iter().map(|r| r.0.clone()).collect();
            at.sort();
            at.dedup();
            let min_load = these.iter().map(|r| r.3).fold(f64::INFINITY, f64::min);
            conds.push(format!(
                "{} cooling with {} UPS from {:.0}% load{}",
                cooling.name(),
                ups_words(ups),
                min_load * 100.0,
                if at.len() == sites.len() {
                    if sites.len() > 1 { " (at every site)".to_owned() } else { String::new() }
                } else {
                    format!(" at {}", at.join(", "))
                }
            ));
        }
    }
    (HOLDS_ONLY_IF, conds, None)
}

fn ups_words(u: Ups) -> &'static str {
    match u {
        Ups::Eco => "an eco-mode",
        Ups::DoubleConversion => "a double-conversion",
    }
}

fn power(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure") };
    let sys = j.system();
    match p.scope {
        Scope::Gpu => {
            let Some(gpu) = j.gpu() else { return cannot("no accelerator named; give --system ID") };
            let w = gpu.power_w.value;
            j.step(format!("{} power rating", gpu.name), sig(w), "W", source_of(gpu));
            if meets(p.qualifier, &f, w) {
                let note = if p.qualifier == Qualifier::AtLeast && w > f.high * 1.5 {
                    vec![format!("understated: the rating is {} W, {:.1}x the figure", sig(w), w / f.value)]
                } else {
                    Vec::new()
                };
                (HOLDS, note, None)
            } else {
                (DOES_NOT_HOLD, vec![format!("the catalog rates {} at {} W", gpu.id.get_ref(), sig(w))], None)
            }
        }
        Scope::Rack => {
            let Some(s) = sys else { return cannot("a per-rack claim needs a system: give --system ID") };
            let r = &s.rack_power_kw;
            let (lo, hi) = r.range();
            j.step(
                format!("{} rack power", s.name),
                format!("{} ({}-{})", sig(r.value), sig(lo), sig(hi)),
                "kW",
                format!("catalog `{}`: {} ({})", s.id.get_ref(), s.source.as_str(), s.date.as_str()),
            );
            within(p.qualifier, &f, r.value * 1e3, lo * 1e3, hi * 1e3, "rack")
        }
        Scope::Node => {
            let Some(s) = sys else { return cannot("a per-system claim needs a system: give --system ID") };
            let r = &s.node_power_kw;
            let (lo, hi) = r.range();
            j.step(
                format!("{} node power", s.name),
                format!("{} ({}-{})", sig(r.value), sig(lo), sig(hi)),
                "kW",
                format!("catalog `{}`: {} ({})", s.id.get_ref(), s.source.as_str(), s.date.as_str()),
            );
            within(p.qualifier, &f, r.value * 1e3, lo * 1e3, hi * 1e3, "node")
        }
        Scope::Cluster | Scope::Site => {
            let Some(s) = sys else { return cannot("a cluster or site power claim needs a system: give --system ID") };
            let Some(gpu) = j.gpu() else { return cannot("no accelerator") };
            let rack_kw = s.rack_power_kw.value;
            let per_rack = u64::from(s.gpus_per_node.get()) * u64::from(s.nodes_per_rack.get());
            match j.gpus(Some(s)) {
                Some(n) => {
                    let (_, it, _) = crate::model::cluster::nameplate_power(
                        s,
                        gpu,
                        n.div_ceil(u64::from(s.gpus_per_node.get())) as u32,
                        None,
                    );
                    j.step(
                        format!("IT power at nameplate, {n} GPUs"),
                        sig(it.0 / 1e6),
                        "MW",
                        format!("catalog `{}` rack power {} kW", s.id.get_ref(), sig(rack_kw)),
                    );
                    let facility = it.0 * 1.2;
                    j.step(
                        "facility power at PUE 1.2",
                        sig(facility / 1e6),
                        "MW",
                        "ASSUMED PUE 1.2 (range 1.08-1.4): run `facility` for the site",
                    );
                    if meets(p.qualifier, &f, it.0) || meets(p.qualifier, &f, facility) {
                        (HOLDS, Vec::new(), None)
                    } else {
                        (DOES_NOT_HOLD, vec![format!("{n} GPUs draw {} MW of IT power", sig(it.0 / 1e6))], None)
                    }
                }
                None => {
                    let racks = f.value / 1.2 / (rack_kw * 1e3);
                    j.step(
                        format!("{} racks the figure feeds at PUE 1.2", s.id.get_ref()),
                        format!("{:.0} ({:.0} GPUs)", racks, racks * per_rack as f64),
                        "racks",
                        format!("catalog `{}` rack power {} kW; ASSUMED PUE 1.2", s.id.get_ref(), sig(rack_kw)),
                    );
                    cannot(format!(
                        "a site's power is its design capacity: give --gpus or --racks to check it; {} feeds about {:.0} {} racks",
                        f.text,
                        racks,
                        s.id.get_ref()
                    ))
                }
            }
        }
    }
}

/// A figure against a catalog estimate and its range: at the value, or inside the range
/// (holds: the catalog's sources disagree that much), or outside.
fn within(q: Qualifier, f: &Quantity, v: f64, lo: f64, hi: f64, what: &str) -> Outcome {
    let range = format!("{}-{} kW per {what} (its estimate {} kW)", sig(lo / 1e3), sig(hi / 1e3), sig(v / 1e3));
    // Whether some value of the catalog's range meets the claim.
    let reaches = match q {
        Qualifier::AtLeast => hi >= f.low,
        Qualifier::AtMost => lo <= f.high,
        _ => f.low <= hi && f.high >= lo,
    };
    if meets(q, f, v) {
        (HOLDS, Vec::new(), None)
    } else if f.value >= lo && f.value <= hi {
        (HOLDS, vec![format!("inside the catalog's range of {range}")], None)
    } else if reaches {
        (HOLDS_ONLY_IF, vec![format!("only at the end of the catalog's range of {range}")], None)
    } else {
        (DOES_NOT_HOLD, vec![format!("the catalog gives {range}")], None)
    }
}

/// The precision a reference training job runs at on an accelerator: fp8
/// where it has an fp8 peak, else bf16.
fn train_precision(catalog: &Catalog, sys: &System) -> (&'static str, Precision) {
    let fp8 = catalog.gpus.find(sys.accelerator.get_ref()).and_then(|g| g.peak(Precision::Fp8)).is_some();
    if fp8 { ("fp8", Precision::Fp8) } else { ("bf16", Precision::Bf16) }
}

/// Tokens per second per GPU of the fastest plan of a reference job, and its band.
fn per_gpu_rate(catalog: &Catalog, sys: &System, model: &str, target: u64) -> Option<(f64, f64, f64, String)> {
    let domain = u64::from(sys.gpus_per_domain.get());
    let mut n = domain;
    while n * 2 <= target {
        n *= 2;
    }
    let job = crate::pipeline::training::Job {
        model: model.to_owned(),
        system: sys.id.get_ref().clone(),
        gpus: n,
        fabric: None,
        global_batch: 1024,
        seq_len: Some(8192),
        precision: crate::pipeline::training::precision(train_precision(catalog, sys).0)?,
        lora_rank: None,
        tokens: None,
        goodput: 1.0,
    };
    let setup = job.setup(catalog).ok()?;
    let report =
        crate::pipeline::training::plan_report(catalog, &job, &setup, &crate::data::default_profile(), 1, None).ok()?;
    let b = report.plans.first()?;
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

fn speed(j: &mut Judge<'_>) -> Outcome {
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

fn time(j: &mut Judge<'_>) -> Outcome {
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
    let domain = u64::from(sys.gpus_per_domain.get());
    let mut n = domain;
    while n * 2 <= 4096 {
        n *= 2;
    }
    let job = crate::pipeline::training::Job {
        model: "llama3-405b".to_owned(),
        system: sys.id.get_ref().clone(),
        gpus: n,
        fabric: None,
        global_batch: 2048,
        seq_len: Some(8192),
        precision: crate::pipeline::training::precision(train_precision(catalog, sys).0)?,
        lora_rank: None,
        tokens: None,
        goodput: 1.0,
    };
    let setup = job.setup(catalog).ok()?;
    let r =
        crate::pipeline::training::plan_report(catalog, &job, &setup, &crate::data::default_profile(), 1, None).ok()?;
    r.plans.first().map(|b| b.mfu)
}

fn cost(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure") };
    if f.unit == Unit::Percent {
        return cannot(
            "a relative cost needs both sides' costs: write a scenario with both options and run `rackscale tco`",
        );
    }
    let Some(gpu) = j.gpu() else { return cannot("no accelerator named; give --system ID") };
    let offers: Vec<&crate::catalog::Offer> =
        j.catalog.offers.iter().filter(|o| o.accelerator.get_ref() == gpu.id.get_ref()).collect();
    if offers.is_empty() {
        return cannot(format!("the catalog has no price for {}", gpu.id.get_ref()));
    }
    let said = j.text.to_lowercase();
    if (said.contains("instance") || said.contains("per hour") || said.contains("an hour")) && !said.contains("gpu") {
        // A price per instance-hour: each offer's GPU-hour price times its GPUs.
        let per: Vec<(String, f64)> = offers
            .iter()
            .map(|o| (o.id.get_ref().clone(), o.usd_per_gpu_hour.value * f64::from(o.gpus_per_instance.get())))
            .collect();
        j.step(
            format!("{} instance prices in the catalog", gpu.id.get_ref()),
            per.iter().map(|(id, v)| format!("{id} {v:.2}")).collect::<Vec<_>>().join(", "),
            "USD/instance-h",
            "catalog offers: USD per GPU-hour x GPUs per instance",
        );
        let hits: Vec<&(String, f64)> = per.iter().filter(|x| meets(p.qualifier, &f, x.1)).collect();
        return if hits.is_empty() {
            (DOES_NOT_HOLD, vec!["no catalog offer is priced at that per instance-hour".to_owned()], None)
        } else {
            (HOLDS, vec![format!("as {}", hits.iter().map(|x| x.0.clone()).collect::<Vec<_>>().join(", "))], None)
        };
    }
    let lo = offers.iter().map(|o| o.usd_per_gpu_hour.value).fold(f64::INFINITY, f64::min);
    let hi = offers.iter().map(|o| o.usd_per_gpu_hour.value).fold(f64::NEG_INFINITY, f64::max);
    j.step(
        format!("{} prices in the catalog ({} offers)", gpu.id.get_ref(), offers.len()),
        format!("{lo:.2}-{hi:.2}"),
        "USD/GPU-h",
        offers
            .iter()
            .map(|o| format!("{} {}", o.id.get_ref(), o.usd_per_gpu_hour.value))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let any = offers.iter().any(|o| meets(p.qualifier, &f, o.usd_per_gpu_hour.value));
    if offers.iter().all(|o| meets(p.qualifier, &f, o.usd_per_gpu_hour.value)) {
        (HOLDS, Vec::new(), None)
    } else if any || (f.low <= hi && f.high >= lo && p.qualifier == Qualifier::Exactly) {
        let names: Vec<String> = offers
            .iter()
            .filter(|o| meets(p.qualifier, &f, o.usd_per_gpu_hour.value))
            .map(|o| o.id.get_ref().clone())
            .collect();
        (
            HOLDS_ONLY_IF,
            vec![format!(
                "only at {}",
                if names.is_empty() { "prices inside the catalog's range".to_owned() } else { names.join(", ") }
            )],
            None,
        )
    } else {
        (DOES_NOT_HOLD, vec![format!("the catalog's prices are USD {lo:.2}-{hi:.2} per GPU-hour")], None)
    }
}
