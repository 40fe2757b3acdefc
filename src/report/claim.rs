//! A judged claim: as a short worked answer on a terminal, as rows in CSV,
//! as the full structure in JSON.

use super::Report;
use crate::claim::ClaimReport;
use std::fmt::Write as _;

impl Report for ClaimReport {
    fn columns(&self) -> Vec<&'static str> {
        vec!["step", "value", "unit", "source"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = self
            .derivation
            .iter()
            .map(|s| vec![s.step.clone(), s.value.clone(), s.unit.clone(), s.source.clone()])
            .collect();
        rows.push(vec!["verdict".to_owned(), self.verdict.clone(), String::new(), self.conditions.join("; ")]);
        rows
    }
    fn long_columns(&self) -> &'static [&'static str] {
        &["step", "source"]
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The claim as a short worked answer: how it was read, the numbered steps
/// with their sources, the verdict and its conditions.
pub fn worked(r: &ClaimReport) -> String {
    let mut o = String::new();
    let p = &r.parsed;
    let _ = writeln!(o, "claim: \"{}\"", r.claim);
    let mut read = vec![p.kind.name().to_owned()];
    if let Some(f) = &p.figure {
        let q = match p.qualifier {
            crate::claim::parse::Qualifier::Exactly => "",
            crate::claim::parse::Qualifier::AtLeast => "at least ",
            crate::claim::parse::Qualifier::AtMost => "at most ",
            crate::claim::parse::Qualifier::UpTo => "up to ",
            crate::claim::parse::Qualifier::About => "about ",
        };
        read.push(format!("{q}{}", f.text.trim_end_matches('+')));
    }
    if matches!(p.kind, crate::claim::parse::Kind::Compute | crate::claim::parse::Kind::Power) {
        read.push(format!("per {:?}", p.scope).to_lowercase());
    }
    if let Some(x) = p.precision {
        read.push(x.name().to_owned());
    }
    if let Some(sp) = p.sparse {
        read.push(if sp { "sparse" } else { "dense" }.to_owned());
    }
    for (k, v) in [("system", &p.system), ("gpu", &p.gpu), ("versus", &p.versus)] {
        if let Some(v) = v {
            read.push(format!("{k} {v}"));
        }
    }
    let _ = writeln!(o, "read as: {}", read.join(", "));
    for (i, s) in r.derivation.iter().enumerate() {
        let unit = if s.unit.is_empty() { String::new() } else { format!(" {}", s.unit) };
        let _ = writeln!(o, "{:>2}. {}: {}{unit}", i + 1, s.step, s.value);
        let _ = writeln!(o, "    source: {}", s.source);
    }
    let _ = writeln!(o, "verdict: {}", r.verdict);
    for c in &r.conditions {
        let _ = writeln!(o, "  - {c}");
    }
    if let Some(x) = r.sustained_ratio {
        let _ = writeln!(o, "sustained / claimed: {:.1}%", x * 100.0);
    }
    o
}

/// The worked answer in Markdown: the claim, the numbered steps with sources, the verdict.
pub fn markdown(r: &ClaimReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "**Claim:** \u{201c}{}\u{201d}: **{}**\n", r.claim, r.verdict);
    for c in &r.conditions {
        let _ = writeln!(o, "- {c}");
    }
    if !r.conditions.is_empty() {
        o.push('\n');
    }
    let _ = writeln!(o, "| # | step | value | source |\n|---|---|---|---|");
    let cell = |c: &str| c.replace('|', "\\|");
    for (i, s) in r.derivation.iter().enumerate() {
        let _ = writeln!(o, "| {} | {} | {} {} | {} |", i + 1, cell(&s.step), cell(&s.value), s.unit, cell(&s.source));
    }
    o
}
