//! `run`'s report directory: `report.html` (one self-contained file: inline
//! CSS and SVG, nothing fetched), `summary.md`, `results.json`, one CSV per
//! table and one SVG per chart. Several scenarios make one comparison: the
//! same sections, one column or series per scenario.

use super::Report;

mod charts;
mod html;

use crate::pipeline::run::{MONTHS, RunOutput, RunReport};
pub use charts::charts;
pub use html::{html, markdown};
use std::fmt::Write as _;

impl Report for RunReport {
    fn columns(&self) -> Vec<&'static str> {
        vec!["question", "answer"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.answers.iter().map(|a| vec![a.question.clone(), a.answer.clone()]).collect()
    }
    fn long_columns(&self) -> &'static [&'static str] {
        &["answer"]
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
    fn footer(&self) -> Vec<String> {
        self.warnings.iter().map(|w| format!("warning: {w}")).collect()
    }
}

/// Several scenarios' answers, side by side on a terminal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    /// One report per scenario, in the order given.
    pub scenarios: Vec<RunReport>,
}

impl Report for Comparison {
    fn columns(&self) -> Vec<&'static str> {
        vec!["scenario", "question", "answer"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.scenarios
            .iter()
            .flat_map(|r| r.answers.iter().map(|a| vec![r.scenario.clone(), a.question.clone(), a.answer.clone()]))
            .collect()
    }
    fn long_columns(&self) -> &'static [&'static str] {
        &["answer"]
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn warnings(&self) -> Vec<String> {
        self.scenarios.iter().flat_map(|r| r.warnings.iter().map(|w| format!("{}: {w}", r.scenario))).collect()
    }
    fn footer(&self) -> Vec<String> {
        self.warnings().into_iter().map(|w| format!("warning: {w}")).collect()
    }
}

/// The answers for a terminal: each question, then its answer wrapped to
/// `width` columns under it (a table would cut the answers short).
pub fn answers_text(reports: &[&RunReport], width: usize) -> String {
    let mut out = String::new();
    for r in reports {
        if reports.len() > 1 {
            let _ = writeln!(out, "== {}", r.scenario);
        }
        let q = r.answers.iter().map(|a| a.question.chars().count()).max().unwrap_or(0);
        for a in &r.answers {
            let mut line = format!("{:<q$}  ", a.question);
            let indent = q + 2;
            let mut col = indent;
            for word in a.answer.split_whitespace() {
                let n = word.chars().count();
                if col > indent && col + 1 + n > width {
                    line.push('\n');
                    line.push_str(&" ".repeat(indent));
                    col = indent;
                } else if col > indent {
                    line.push(' ');
                    col += 1;
                }
                line.push_str(word);
                col += n;
            }
            let _ = writeln!(out, "{line}");
        }
        for w in &r.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
    }
    out
}

/// A drawn chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem: `step-breakdown`.
    pub id: String,
    /// Report section: `step`, `simulation`, `facility`, `tco`.
    pub section: &'static str,
    /// One line saying what it shows and under which assumptions.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// Every file of the report directory, by name.
pub fn files(outs: &[RunOutput]) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let charts = charts(outs).map_err(std::io::Error::other)?;
    let reports: Vec<&RunReport> = outs.iter().map(|o| &o.report).collect();
    let json = if let [one] = reports.as_slice() {
        if let Some(at) = super::Finite::non_finite(*one) {
            return Err(std::io::Error::other(super::NonFinite(at)));
        }
        serde_json::to_string_pretty(one)
    } else {
        let c = Comparison { scenarios: reports.iter().map(|r| (*r).clone()).collect() };
        if let Some(at) = super::Finite::non_finite(&c) {
            return Err(std::io::Error::other(super::NonFinite(at)));
        }
        serde_json::to_string_pretty(&c)
    }
    .map_err(std::io::Error::other)?;
    let mut out = vec![
        ("report.html".to_owned(), html(outs, &charts).into_bytes()),
        ("summary.md".to_owned(), markdown(outs).into_bytes()),
        ("results.json".to_owned(), (json + "\n").into_bytes()),
    ];
    for c in &charts {
        out.push((format!("{}.svg", c.id), c.svg.clone().into_bytes()));
    }
    let several = outs.len() > 1;
    for o in outs {
        let prefix = if several { format!("{}-", super::file_stem(&o.report.scenario)) } else { String::new() };
        for (name, text) in tables(o)? {
            out.push((format!("{prefix}{name}.csv"), text.into_bytes()));
        }
    }
    Ok(out)
}

fn csv_of(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> std::io::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(std::io::Error::other)?;
    for r in rows {
        w.write_record(&r).map_err(std::io::Error::other)?;
    }
    let bytes = w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

fn num(x: f64) -> String {
    crate::catalog::fmt_num(x)
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

/// One CSV per table of the report.
fn tables(o: &RunOutput) -> std::io::Result<Vec<(String, String)>> {
    let r = &o.report;
    let mut t = vec![
        (
            "answers".to_owned(),
            csv_of(
                &["key", "question", "answer", "value", "low", "high", "unit"],
                r.answers.iter().map(|a| {
                    vec![
                        a.key.clone(),
                        a.question.clone(),
                        a.answer.clone(),
                        opt(a.value),
                        opt(a.low),
                        opt(a.high),
                        a.unit.clone(),
                    ]
                }),
            )?,
        ),
        ("nameplate".to_owned(), csv_of(&r.nameplate.columns(), r.nameplate.rows())?),
        (
            "assumptions".to_owned(),
            csv_of(
                &["entry", "kind", "field", "value", "low", "high", "estimate", "source", "date"],
                r.assumptions.iter().map(|a| {
                    vec![
                        a.entry.clone(),
                        a.kind.clone(),
                        a.field.clone(),
                        num(a.value),
                        opt(a.low),
                        opt(a.high),
                        a.estimate.to_string(),
                        a.source.clone(),
                        a.date.clone(),
                    ]
                }),
            )?,
        ),
    ];
    if let Some(s) = &r.step {
        t.push((
            "step-breakdown".to_owned(),
            csv_of(&["cause", "seconds"], breakdown(s).into_iter().map(|(k, v)| vec![k.to_owned(), num(v)]))?,
        ));
        t.push((
            "collectives".to_owned(),
            csv_of(
                &[
                    "collective",
                    "gpus",
                    "size_bytes",
                    "time_s",
                    "algbw_gb_per_s",
                    "busbw_gb_per_s",
                    "algorithm",
                    "protocol",
                ],
                s.collectives.iter().flat_map(|c| {
                    c.rows.iter().map(|x| {
                        vec![
                            c.label.clone(),
                            c.gpus.to_string(),
                            x.size_bytes.to_string(),
                            num(x.time_s),
                            num(x.algbw_gb_per_s),
                            num(x.busbw_gb_per_s),
                            x.algorithm.clone(),
                            x.protocol.clone(),
                        ]
                    })
                }),
            )?,
        ));
    }
    if let Some(s) = &r.simulation {
        t.push(("simulation".to_owned(), csv_of(&s.report.columns(), s.report.rows())?));
        t.push((
            "queueing-by-size".to_owned(),
            csv_of(
                &["gpus", "jobs", "completed", "queue_p50_s", "queue_p90_s", "queue_p99_s"],
                s.report.by_size.iter().map(|b| {
                    vec![
                        b.gpus.clone(),
                        b.jobs.to_string(),
                        b.completed.to_string(),
                        num(b.queue_delay_s.p50),
                        num(b.queue_delay_s.p90),
                        num(b.queue_delay_s.p99),
                    ]
                }),
            )?,
        ));
    }
    if let Some(sim) = &o.sim {
        for (name, bytes) in super::sim_tables("simulation", sim)? {
            let name = name.trim_end_matches(".csv").to_owned();
            t.push((name, String::from_utf8(bytes).map_err(std::io::Error::other)?));
        }
    }
    if let Some(f) = &r.facility {
        t.push(("facility".to_owned(), csv_of(&f.report.columns(), f.report.rows())?));
        t.push((
            "facility-monthly-pue".to_owned(),
            csv_of(
                &["month", "pue"],
                f.report.totals.monthly_pue.iter().enumerate().map(|(m, p)| vec![MONTHS[m].to_owned(), opt(*p)]),
            )?,
        ));
    }
    if let Some(h) = &o.hourly {
        t.push(("facility-hourly".to_owned(), crate::pipeline::facility::hourly_csv(h)));
    }
    if let Some(x) = &r.tco {
        t.push(("tco".to_owned(), csv_of(&x.columns(), x.rows())?));
        t.push((
            "tco-tornado".to_owned(),
            csv_of(
                &["input", "at_p10", "at_p90", "swing"],
                x.tornado.iter().map(|s| vec![s.input.clone(), num(s.at_p10), num(s.at_p90), num(s.swing)]),
            )?,
        ));
        let mut header = vec!["utilization".to_owned()];
        header.extend(x.options.iter().map(|o| format!("{}_usd_per_useful_gpu_hour", o.name)));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        t.push((
            "tco-by-utilization".to_owned(),
            csv_of(
                &header,
                x.by_utilization.iter().map(|p| {
                    std::iter::once(num(p.utilization))
                        .chain(p.usd_per_useful_gpu_hour.iter().map(|v| num(*v)))
                        .collect()
                }),
            )?,
        ));
    }
    Ok(t)
}

fn breakdown(s: &crate::pipeline::run::StepStage) -> Vec<(&'static str, f64)> {
    let b = &s.breakdown;
    vec![
        ("compute", b.compute_s),
        ("tensor parallel", b.tp_s),
        ("pipeline p2p", b.pp_s),
        ("data parallel", b.dp_s),
        ("context parallel", b.cp_s),
        ("expert parallel", b.ep_s),
        ("pipeline bubble", b.bubble_s),
        ("optimizer", b.optimizer_s),
    ]
}
