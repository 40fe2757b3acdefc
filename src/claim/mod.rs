//! Vendor claims judged against the catalog and the models, with the
//! derivation shown: `holds`, `holds only if` (and the conditions),
//! `does not hold`, or `cannot check` (and why).

pub mod parse;

mod compute;
mod cost;
mod facility;
mod power;
mod training;

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
        Kind::Compute => compute::compute(&mut j),
        Kind::Facility => facility::facility(&mut j),
        Kind::Power => power::power(&mut j),
        Kind::Speed => training::speed(&mut j),
        Kind::Time => training::time(&mut j),
        Kind::Cost => cost::cost(&mut j),
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
