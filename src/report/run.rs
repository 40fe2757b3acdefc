//! `run`'s report directory: `report.html` (one self-contained file: inline
//! CSS and SVG, nothing fetched), `summary.md`, `results.json`, one CSV per
//! table and one SVG per chart. Several scenarios make one comparison: the
//! same sections, one column or series per scenario.

use super::Report;
use super::charts::{self, Bars, Frame, Lines, Ranges};
use crate::catalog::{sig, sig3};
use crate::pipeline::run::{MONTHS, RunOutput, RunReport, usd};
use plotters::chart::SeriesLabelPosition;
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

/// The caption's common part: scenario, cluster and the job.
fn who(r: &RunReport) -> String {
    let n = &r.nameplate;
    let job = r
        .step
        .as_ref()
        .map(|s| format!(", {} {} {}", s.summary.model, s.summary.plan, s.summary.plan.precision.name()))
        .unwrap_or_default();
    format!("{}: {} GPUs of {} on {}{job}", r.scenario, n.gpus, n.system, n.fabric)
}

fn name_of(r: &RunReport, several: bool, what: &str) -> String {
    if several { format!("{}: {what}", r.scenario) } else { what.to_owned() }
}

/// Every chart of the report.
pub fn charts(outs: &[RunOutput]) -> Result<Vec<Chart>, String> {
    let rs: Vec<&RunReport> = outs.iter().map(|o| &o.report).collect();
    let several = rs.len() > 1;
    let names = rs.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>().join(", ");
    let one = |f: &dyn Fn(&RunReport) -> String| rs.iter().map(|r| f(r)).collect::<Vec<_>>().join(" | ");
    let mut out = Vec::new();
    // Step.
    let steps: Vec<(&RunReport, &crate::pipeline::run::StepStage)> =
        rs.iter().filter_map(|r| r.step.as_ref().map(|s| (*r, s))).collect();
    if !steps.is_empty() {
        let cats: Vec<String> = breakdown(steps[0].1).iter().map(|x| x.0.to_owned()).collect();
        let caption =
            format!("{}; exposed time per cause; built-in efficiency profile, band from validation", one(&who));
        let c = Bars {
            frame: Frame {
                title: "Where a training step's time goes".into(),
                x_label: "cause (communication: only what compute does not hide)".into(),
                y_label: "seconds per step".into(),
                caption: caption.clone(),
            },
            categories: cats,
            series: steps
                .iter()
                .map(|(r, s)| (r.scenario.clone(), breakdown(s).into_iter().map(|x| Some((x.1, None))).collect()))
                .collect(),
            value_labels: true,
        };
        out.push(Chart { id: "step-breakdown".into(), section: "step", caption, svg: charts::bars(&c)? });
        // One colour per scenario when several are compared (all-reduce only, dashed across the
        // fabric); one colour per curve for a single scenario.
        let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
        let mut styles = Vec::new();
        for (k, (r, s)) in steps.iter().enumerate() {
            for (j, c) in s.collectives.iter().enumerate() {
                if several && c.op != crate::model::collective::Op::AllReduce {
                    continue;
                }
                series.push((
                    name_of(r, several, &c.label),
                    c.rows.iter().map(|x| (x.size_bytes as f64, x.busbw_gb_per_s)).collect(),
                ));
                styles.push(if several { (k, c.label.contains("fabric")) } else { (j, false) });
            }
        }
        if !series.is_empty() {
            let caption = format!(
                "{}; nccl-tests bus bandwidth from the collective model fitted per fabric (data/collectives.toml)",
                one(&|r: &RunReport| format!("{}: {} + {}", r.scenario, r.nameplate.system, r.nameplate.fabric))
            );
            let c = Lines {
                frame: Frame {
                    title: "Collective bus bandwidth by message size".into(),
                    x_label: "message size [bytes, log scale]".into(),
                    y_label: "bus bandwidth [GB/s]".into(),
                    caption: caption.clone(),
                },
                series,
                log2_x_bytes: true,
                hlines: vec![],
                vlines: vec![],
                y_from_zero: true,
                x_names: vec![],
                legend: SeriesLabelPosition::UpperLeft,
                styles,
            };
            out.push(Chart { id: "collective-busbw".into(), section: "step", caption, svg: charts::lines(&c)? });
        }
    }
    // Simulation.
    let sims: Vec<(&RunReport, &crate::pipeline::run::SimStage)> =
        rs.iter().filter_map(|r| r.simulation.as_ref().map(|s| (*r, s))).collect();
    if !sims.is_empty() {
        let mut series = Vec::new();
        let mut styles = Vec::new();
        let mut fails = Vec::new();
        for (r, s) in &sims {
            let g = f64::from(s.report.gpus.max(1));
            let h = &s.hourly;
            // Whole days only: a last partial day would read as a drop.
            let days = (h.allocated_gpus.len() / 24).max(1);
            let daily = |v: &dyn Fn(usize) -> f64| -> Vec<(f64, f64)> {
                (0..days)
                    .map(|d| {
                        let hours = (d * 24)..((d + 1) * 24).min(h.allocated_gpus.len());
                        let n = hours.len().max(1) as f64;
                        (d as f64, hours.map(v).sum::<f64>() / n)
                    })
                    .collect()
            };
            series.push((name_of(r, several, "allocated"), daily(&|i| f64::from(h.allocated_gpus[i]) / g * 100.0)));
            series.push((name_of(r, several, "down"), daily(&|i| f64::from(h.down_gpus[i]) / g * 100.0)));
            // One colour per scenario: allocated solid, down dashed.
            let k = styles.len() / 2;
            styles.extend([(k, false), (k, true)]);
            fails.push((name_of(r, several, "node failures per day"), daily(&|i| f64::from(h.failures[i]) * 24.0)));
        }
        let caption = format!(
            "{}; daily means of the hourly samples; failure rates and repair times from [simulation.reliability]",
            one(&|r: &RunReport| format!("{} ({} GPUs)", r.scenario, r.nameplate.gpus))
        );
        let c = Lines {
            frame: Frame {
                title: "Cluster utilization and GPUs down".into(),
                x_label: "simulated day".into(),
                y_label: "share of the cluster's GPUs [%]".into(),
                caption: caption.clone(),
            },
            series,
            log2_x_bytes: false,
            hlines: vec![],
            vlines: vec![],
            y_from_zero: true,
            x_names: vec![],
            legend: SeriesLabelPosition::MiddleLeft,
            styles,
        };
        out.push(Chart {
            id: "sim-utilization".into(),
            section: "simulation",
            caption: caption.clone(),
            svg: charts::lines(&c)?,
        });
        let c = Lines {
            frame: Frame {
                title: "Node failures over time".into(),
                x_label: "simulated day".into(),
                y_label: "node failures per day".into(),
                caption: caption.clone(),
            },
            series: fails,
            log2_x_bytes: false,
            hlines: vec![],
            vlines: vec![],
            y_from_zero: true,
            x_names: vec![],
            legend: SeriesLabelPosition::UpperRight,
            styles: vec![],
        };
        out.push(Chart { id: "sim-failures".into(), section: "simulation", caption, svg: charts::lines(&c)? });
        let mut cats: Vec<String> = Vec::new();
        for (_, s) in &sims {
            for b in s.report.by_size.iter().filter(|b| b.jobs > 0) {
                if !cats.contains(&b.gpus) {
                    cats.push(b.gpus.clone());
                }
            }
        }
        if !cats.is_empty() {
            let caption =
                format!("{}; bar: median queueing delay, whisker: median to P90; scheduler from [simulation]", names);
            let c = Bars {
                frame: Frame {
                    title: "Queueing delay by job size".into(),
                    x_label: "job size [GPUs]".into(),
                    y_label: "queueing delay [hours]".into(),
                    caption: caption.clone(),
                },
                categories: cats.clone(),
                series: sims
                    .iter()
                    .map(|(r, s)| {
                        let v = cats
                            .iter()
                            .map(|c| {
                                s.report.by_size.iter().find(|b| &b.gpus == c && b.jobs > 0).map(|b| {
                                    let (p50, p90) = (b.queue_delay_s.p50 / 3600.0, b.queue_delay_s.p90 / 3600.0);
                                    (p50, Some((p50, p90)))
                                })
                            })
                            .collect();
                        (r.scenario.clone(), v)
                    })
                    .collect(),
                value_labels: true,
            };
            out.push(Chart { id: "sim-queueing".into(), section: "simulation", caption, svg: charts::bars(&c)? });
        }
    }
    // Facility.
    let facs: Vec<(&RunOutput, &crate::pipeline::run::FacilityStage)> =
        outs.iter().filter_map(|o| o.report.facility.as_ref().map(|f| (o, f))).collect();
    if !facs.is_empty() {
        let mut series = Vec::new();
        let mut claims = Vec::new();
        for (o, f) in &facs {
            if let Some(h) = &o.hourly {
                // 8,760 hourly points swing with each day: draw each day's mean and its worst hour.
                let days = h.year.hours.len().div_ceil(24);
                let (mut mean, mut worst) = (Vec::new(), Vec::new());
                for d in 0..days {
                    let day = &h.year.hours[d * 24..((d + 1) * 24).min(h.year.hours.len())];
                    let (it, total): (f64, f64) =
                        day.iter().map(|x| (x.it_kw, x.total_kw())).fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
                    if it > 0.0 {
                        mean.push((d as f64 + 1.0, total / it));
                    }
                    let max = day.iter().filter(|x| x.it_kw > 0.0).map(|x| x.pue()).fold(f64::NAN, f64::max);
                    if max.is_finite() {
                        worst.push((d as f64 + 1.0, max));
                    }
                }
                series.push((name_of(&o.report, several, "daily PUE"), mean));
                series.push((name_of(&o.report, several, "worst hour of the day"), worst));
            }
            if let Some(p) = f.report.claimed_pue.filter(|p| !claims.iter().any(|c: &(String, f64)| c.1 == *p)) {
                claims.push((format!("claimed PUE {p}"), p));
            }
        }
        let caption = format!(
            "{}; IT load: {}; typical-year weather of the site",
            one(&|r: &RunReport| {
                r.facility.as_ref().map_or(String::new(), |f| {
                    format!(
                        "{} at {} ({} cooling, {} UPS)",
                        r.scenario,
                        f.report.site.as_deref().unwrap_or("weather file"),
                        f.report.cooling.name(),
                        f.report.ups.name()
                    )
                })
            }),
            facs[0].1.load_from
        );
        let c = Lines {
            frame: Frame {
                title: "PUE through the year, from the hourly model".into(),
                x_label: "day of the year".into(),
                y_label: "PUE (facility power / IT power)".into(),
                caption: caption.clone(),
            },
            series,
            log2_x_bytes: false,
            hlines: claims.clone(),
            vlines: vec![],
            y_from_zero: false,
            x_names: vec![],
            legend: SeriesLabelPosition::UpperRight,
            styles: vec![],
        };
        out.push(Chart {
            id: "facility-pue-hourly".into(),
            section: "facility",
            caption: caption.clone(),
            svg: charts::lines(&c)?,
        });
        let c = Lines {
            frame: Frame {
                title: "PUE by month".into(),
                x_label: "month".into(),
                y_label: "PUE (monthly energy ratio)".into(),
                caption: caption.clone(),
            },
            series: facs
                .iter()
                .map(|(o, f)| {
                    let pts = f
                        .report
                        .totals
                        .monthly_pue
                        .iter()
                        .enumerate()
                        .filter_map(|(m, p)| p.map(|p| (m as f64 + 1.0, p)))
                        .collect();
                    (name_of(&o.report, several, "monthly PUE"), pts)
                })
                .collect(),
            log2_x_bytes: false,
            hlines: claims,
            vlines: vec![],
            y_from_zero: false,
            x_names: MONTHS.iter().map(|m| (*m).to_owned()).collect(),
            legend: SeriesLabelPosition::UpperRight,
            styles: vec![],
        };
        out.push(Chart {
            id: "facility-pue-monthly".into(),
            section: "facility",
            caption: caption.clone(),
            svg: charts::lines(&c)?,
        });
        let c = Bars {
            frame: Frame {
                title: "Where the facility's energy goes over the year".into(),
                x_label: "use".into(),
                y_label: "energy [GWh per year]".into(),
                caption: caption.clone(),
            },
            categories: vec!["IT".into(), "cooling".into(), "electrical losses".into(), "lighting, other".into()],
            series: facs
                .iter()
                .map(|(o, f)| {
                    let t = &f.report.totals;
                    let v = [t.it_energy_mwh, t.cooling_mwh, t.electrical_mwh, t.misc_mwh]
                        .iter()
                        .map(|x| Some((x / 1e3, None)))
                        .collect();
                    (o.report.scenario.clone(), v)
                })
                .collect(),
            value_labels: true,
        };
        out.push(Chart { id: "facility-energy".into(), section: "facility", caption, svg: charts::bars(&c)? });
    }
    // TCO.
    let tcos: Vec<(&RunReport, &crate::pipeline::tco::TcoReport)> =
        rs.iter().filter_map(|r| r.tco.as_ref().map(|t| (*r, t))).collect();
    if !tcos.is_empty() {
        let mut cats: Vec<String> = Vec::new();
        for (_, t) in &tcos {
            for o in &t.options {
                if !cats.contains(&o.name) {
                    cats.push(o.name.clone());
                }
            }
        }
        let caption = format!(
            "{}; bar: median present value, whisker: P10-P90 of the Monte Carlo over prices, utilization and PUE",
            one(&|r: &RunReport| {
                r.tco.as_ref().map_or(String::new(), |t| {
                    format!("{} over {} years, {} draws, seed {}", r.scenario, t.horizon_years, t.samples, t.seed)
                })
            })
        );
        let c = Bars {
            frame: Frame {
                title: "Cost of each option over the horizon".into(),
                x_label: "option".into(),
                y_label: "present value [USD millions]".into(),
                caption: caption.clone(),
            },
            categories: cats.clone(),
            series: tcos
                .iter()
                .map(|(r, t)| {
                    let v = cats
                        .iter()
                        .map(|c| {
                            t.options.iter().find(|o| &o.name == c).map(|o| {
                                let p = &o.npv_usd;
                                (p.p50 / 1e6, Some((p.p10 / 1e6, p.p90 / 1e6)))
                            })
                        })
                        .collect();
                    (r.scenario.clone(), v)
                })
                .collect(),
            value_labels: true,
        };
        out.push(Chart { id: "tco-options".into(), section: "tco", caption, svg: charts::bars(&c)? });
        for (r, t) in &tcos {
            let suffix = if several { format!("-{}", super::file_stem(&r.scenario)) } else { String::new() };
            if !t.tornado.is_empty() {
                let rows: Vec<(String, f64, f64)> =
                    t.tornado.iter().take(10).map(|s| (s.input.clone(), s.at_p10 / 1e6, s.at_p90 / 1e6)).collect();
                let base = t.decision_at_medians / 1e6;
                let caption = format!(
                    "{}: each input moved alone from its P10 to its P90, the others at their medians; decision: {}",
                    r.scenario, t.decision
                );
                let c = Ranges {
                    frame: Frame {
                        title: "What drives the decision (tornado)".into(),
                        x_label: "decision value [USD millions]".into(),
                        y_label: String::new(),
                        caption: caption.clone(),
                    },
                    rows,
                    base,
                    ends: ("input at its P10".into(), "input at its P90".into()),
                };
                out.push(Chart {
                    id: format!("tco-tornado{suffix}"),
                    section: "tco",
                    caption,
                    svg: charts::ranges(&c)?,
                });
            }
            if !t.by_utilization.is_empty() {
                // Costs per useful hour grow as 1/utilization: cap the axis at twice the
                // dearest option's cost at 30% so the crossings stay readable.
                let cap = t
                    .by_utilization
                    .iter()
                    .filter(|p| p.utilization >= 0.3 - 1e-9)
                    .flat_map(|p| p.usd_per_useful_gpu_hour.iter().copied())
                    .filter(|v| v.is_finite())
                    .fold(0.0, f64::max)
                    * 2.0;
                let series = t
                    .options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| {
                        let pts = t
                            .by_utilization
                            .iter()
                            .map(|p| (p.utilization * 100.0, p.usd_per_useful_gpu_hour[k]))
                            .filter(|p| p.1.is_finite() && p.1 <= cap)
                            .collect();
                        (o.name.clone(), pts)
                    })
                    .collect();
                let vlines = t
                    .break_even
                    .iter()
                    .filter_map(|b| match b.utilization {
                        crate::model::tco::Crossover::At(u) => {
                            let i = t.options.iter().position(|o| o.name == b.against).unwrap_or(0);
                            Some((format!("break-even vs {} at {:.0}%", b.against, u * 100.0), u * 100.0, i))
                        }
                        _ => None,
                    })
                    .collect();
                let caption = format!(
                    "{}: cost per useful GPU-hour with utilization varied, every other input at its median; owning pays idle hours; dashed: break-even, in the rival's colour",
                    r.scenario
                );
                let c = Lines {
                    frame: Frame {
                        title: "Cost per useful GPU-hour by utilization".into(),
                        x_label: "utilization [% of GPU-hours allocated]".into(),
                        y_label: "USD per useful GPU-hour".into(),
                        caption: caption.clone(),
                    },
                    series,
                    log2_x_bytes: false,
                    hlines: vec![],
                    vlines,
                    y_from_zero: true,
                    x_names: vec![],
                    legend: SeriesLabelPosition::UpperRight,
                    styles: vec![],
                };
                out.push(Chart {
                    id: format!("tco-break-even{suffix}"),
                    section: "tco",
                    caption,
                    svg: charts::lines(&c)?,
                });
            }
        }
    }
    Ok(out)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;max-width:1100px;margin:0 auto;padding:24px;color:#1b1b1b;line-height:1.45}
h1{font-size:1.8em;margin:0 0 4px}h2{border-bottom:2px solid #0072b2;padding-bottom:4px;margin-top:2em}h3{margin-top:1.4em}
.meta{color:#555;font-size:.9em}table{border-collapse:collapse;margin:8px 0 16px;font-size:.92em}
th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}th{background:#f3f6f9}
td.n{text-align:right;font-variant-numeric:tabular-nums}.answers td{font-size:1.02em}.answers td:first-child{font-weight:600;white-space:nowrap}
figure{margin:16px 0 28px}figure svg{max-width:100%;height:auto;border:1px solid #e4e4e4}figure svg>text:first-of-type{display:none}figcaption{color:#555;font-size:.88em}
.verdict{font-weight:700}.warn{background:#fff6e0;border-left:4px solid #e69f00;padding:6px 10px}
.est{color:#a0522d}footer{margin-top:3em;color:#666;font-size:.85em}";

/// The report page.
pub fn html(outs: &[RunOutput], charts: &[Chart]) -> String {
    let rs: Vec<&RunReport> = outs.iter().map(|o| &o.report).collect();
    let title = rs.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>().join(" vs ");
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>rackscale: {}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n",
        esc(&title)
    );
    let _ = writeln!(h, "<header><h1>{}</h1>", esc(&title));
    for r in &rs {
        if let Some(d) = &r.description {
            let _ = writeln!(
                h,
                "<p>{}{}</p>",
                if rs.len() > 1 { format!("<b>{}</b>: ", esc(&r.scenario)) } else { String::new() },
                esc(d)
            );
        }
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">rackscale {} · seed {} · every figure below comes from the models in rackscale and the catalog sources listed at the end; ranges are P10-P90.</p></header>",
        esc(&rs[0].version),
        rs.iter().map(|r| r.seed.to_string()).collect::<Vec<_>>().join(", ")
    );
    // The answers.
    h.push_str("<section id=\"answers\"><h2>The answers</h2>\n<table class=\"answers\">\n<tr><th>question</th>");
    for r in &rs {
        let _ = write!(h, "<th>{}</th>", esc(&r.scenario));
    }
    h.push_str("</tr>\n");
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for r in &rs {
        for a in &r.answers {
            if !keys.iter().any(|k| k.0 == a.key) {
                keys.push((&a.key, &a.question));
            }
        }
    }
    for (key, q) in &keys {
        let _ = write!(h, "<tr><td>{}</td>", esc(q));
        for r in &rs {
            let a = r.answers.iter().find(|a| a.key == *key).map_or("—".to_owned(), |a| esc(&a.answer));
            let _ = write!(h, "<td>{a}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    for r in &rs {
        for w in &r.warnings {
            let _ = writeln!(h, "<p class=\"warn\">{}: {}</p>", esc(&r.scenario), esc(w));
        }
    }
    h.push_str("</section>\n");
    // Claims, worked.
    if rs.iter().any(|r| !r.claims.is_empty()) {
        h.push_str("<section id=\"claims\"><h2>The claims, checked</h2>\n<p>Each sentence as the vendor wrote it, read into a figure and judged against the catalog and the models in the scenario's context (its system, GPUs and site), with every step and its source.</p>\n");
        for r in rs.iter().filter(|r| !r.claims.is_empty()) {
            if rs.len() > 1 {
                let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
            }
            for c in &r.claims {
                let _ = writeln!(
                    h,
                    "<h3>&ldquo;{}&rdquo;: <span class=\"verdict\">{}</span></h3>",
                    esc(&c.claim),
                    esc(&c.verdict)
                );
                if !c.conditions.is_empty() {
                    h.push_str("<ul>");
                    for k in &c.conditions {
                        let _ = write!(h, "<li>{}</li>", esc(k));
                    }
                    h.push_str("</ul>\n");
                }
                let rows: Vec<Vec<String>> = c
                    .derivation
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        vec![
                            (i + 1).to_string(),
                            d.step.clone(),
                            format!("{} {}", d.value, d.unit).trim().to_owned(),
                            d.source.clone(),
                        ]
                    })
                    .collect();
                table(&mut h, &["#", "step", "value", "source"], &rows);
            }
        }
        h.push_str("</section>\n");
    }
    // Nameplate.
    h.push_str("<section id=\"nameplate\"><h2>The cluster at nameplate</h2>\n");
    for r in &rs {
        if rs.len() > 1 {
            let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
        }
        table(&mut h, &r.nameplate.columns(), &r.nameplate.rows());
    }
    h.push_str("</section>\n");
    let section = |h: &mut String, id: &str, title: &str, intro: &str| {
        let _ = writeln!(h, "<section id=\"{id}\"><h2>{title}</h2>\n<p>{}</p>", esc(intro));
        for c in charts.iter().filter(|c| c.section == id) {
            let _ = writeln!(
                h,
                "<figure id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption></figure>",
                esc(&c.id),
                c.svg.trim(),
                esc(&c.caption)
            );
        }
    };
    if rs.iter().any(|r| r.step.is_some()) {
        section(
            &mut h,
            "step",
            "Training step",
            "One optimizer step of the training job on the whole cluster: the analytical model with its P10-P90 band from the validation rows of the same accelerator generation and model class.",
        );
        for r in rs.iter().filter(|r| r.step.is_some()) {
            if rs.len() > 1 {
                let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
            }
            if let Some(s) = &r.step {
                let t = &s.summary;
                let mut rows = vec![
                    vec!["model".into(), t.model.clone(), String::new()],
                    vec!["plan".into(), format!("{} {}", t.plan, t.plan.precision.name()), String::new()],
                    vec![
                        "step time".into(),
                        band(t.step_time_s, t.band.step_time_s_p10, t.band.step_time_s_p90),
                        "s".into(),
                    ],
                    vec!["MFU".into(), band_pct(t.mfu, t.band.mfu_p10, t.band.mfu_p90), String::new()],
                    vec!["HFU".into(), format!("{:.1}%", s.hfu * 100.0), String::new()],
                    vec![
                        "sustained model FLOP/s".into(),
                        band(t.sustained_model_eflops, t.sustained_model_eflops_p10, t.sustained_model_eflops_p90),
                        "EFLOP/s".into(),
                    ],
                    vec![
                        "memory per GPU".into(),
                        format!(
                            "{} ({})",
                            sig(t.memory_per_gpu_bytes / 1e9),
                            if t.fits { "fits" } else { "DOES NOT FIT" }
                        ),
                        "GB".into(),
                    ],
                    vec!["band from".into(), t.band.band_basis.clone(), String::new()],
                ];
                if let Some(u) = &t.band.unvalidated {
                    rows.push(vec!["validation".into(), u.clone(), String::new()]);
                }
                table(&mut h, &["metric", "value", "unit"], &rows);
            }
        }
        h.push_str("</section>\n");
    }
    if rs.iter().any(|r| r.simulation.is_some()) {
        section(
            &mut h,
            "simulation",
            "The cluster through time",
            "The discrete-event simulation: the training job and the other tenants' jobs, node and switch failures, repairs, restarts from checkpoints and stragglers.",
        );
        for r in rs.iter().filter(|r| r.simulation.is_some()) {
            if rs.len() > 1 {
                let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
            }
            if let Some(s) = &r.simulation {
                table(&mut h, &s.report.columns(), &s.report.rows());
            }
        }
        h.push_str("</section>\n");
    }
    if rs.iter().any(|r| r.facility.is_some()) {
        section(
            &mut h,
            "facility",
            "The facility over a year",
            "The hall hour by hour on the site's typical-year weather, driven by the simulated IT power: pumps, heat rejection, chillers when the weather needs them, UPS and distribution losses.",
        );
        for r in rs.iter().filter(|r| r.facility.is_some()) {
            if rs.len() > 1 {
                let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
            }
            if let Some(f) = &r.facility {
                if let Some(v) = &f.pue_claim {
                    let _ = writeln!(
                        h,
                        "<p>Claim <b>{}</b>: <span class=\"verdict\">{}</span>: {}.</p>",
                        esc(&v.claim),
                        esc(&v.verdict),
                        esc(&v.because)
                    );
                }
                let _ = writeln!(h, "<p>IT load: {}.</p>", esc(&f.load_from));
                table(&mut h, &f.report.columns(), &f.report.rows());
            }
        }
        h.push_str("</section>\n");
    }
    if rs.iter().any(|r| r.tco.is_some()) {
        section(
            &mut h,
            "tco",
            "Own, rent or buy training as a service",
            "Every option priced over the horizon by Monte Carlo over the uncertain inputs, with utilization and goodput from the simulation and PUE from the facility year.",
        );
        for r in rs.iter().filter(|r| r.tco.is_some()) {
            if rs.len() > 1 {
                let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
            }
            if let Some(t) = &r.tco {
                table(&mut h, &t.columns(), &t.rows());
                for n in &t.notes {
                    let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(n));
                }
            }
        }
        h.push_str("</section>\n");
    }
    // Assumptions.
    h.push_str("<section id=\"assumptions\"><h2>Assumptions and their sources</h2>\n<p>Every catalog value the run used. An <span class=\"est\">estimate</span> carries its range; the model defaults (efficiencies, reliability, facility and cost defaults) are in the project's <code>data/</code> files with their sources.</p>\n");
    for r in &rs {
        if rs.len() > 1 {
            let _ = writeln!(h, "<h3>{}</h3>", esc(&r.scenario));
        }
        let mut last = (String::new(), String::new());
        h.push_str("<table>\n<tr><th>entry</th><th>field</th><th>value</th><th>source</th></tr>\n");
        for a in &r.assumptions {
            let value = if a.estimate {
                format!(
                    "<span class=\"est\">{} (estimate {}-{})</span>",
                    num(a.value),
                    num(a.low.unwrap_or(a.value)),
                    num(a.high.unwrap_or(a.value))
                )
            } else {
                num(a.value)
            };
            // Entry and source once per run of rows that share them.
            let entry = if a.entry == last.0 { String::new() } else { format!("{} ({})", esc(&a.entry), esc(&a.kind)) };
            let source = if a.entry == last.0 && a.source == last.1 {
                String::new()
            } else {
                format!("{} ({})", esc(&a.source), esc(&a.date))
            };
            last = (a.entry.clone(), a.source.clone());
            let _ = writeln!(
                h,
                "<tr><td>{entry}</td><td>{}</td><td class=\"n\">{value}</td><td>{source}</td></tr>",
                esc(&a.field)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
    let _ = writeln!(
        h,
        "<footer>rackscale {} · {} · seed {} · this file is self-contained: it loads nothing from the network.</footer>\n</body>\n</html>",
        esc(&rs[0].version),
        esc(&title),
        rs.iter().map(|r| r.seed.to_string()).collect::<Vec<_>>().join(", ")
    );
    h
}

fn band(x: f64, lo: f64, hi: f64) -> String {
    format!("{} ({}-{})", sig(x), sig3(lo), sig3(hi))
}

fn band_pct(x: f64, lo: f64, hi: f64) -> String {
    format!("{:.1}% ({:.1}-{:.1}%)", x * 100.0, lo * 100.0, hi * 100.0)
}

fn table(h: &mut String, columns: &[&str], rows: &[Vec<String>]) {
    h.push_str("<table>\n<tr>");
    for c in columns {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr>\n");
    for r in rows {
        h.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let numeric =
                i > 0 && c.trim_start_matches(['-', '+']).chars().next().is_some_and(|ch| ch.is_ascii_digit());
            let _ = write!(h, "<td{}>{}</td>", if numeric { " class=\"n\"" } else { "" }, esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The answers for a ticket or an e-mail.
pub fn markdown(outs: &[RunOutput]) -> String {
    let rs: Vec<&RunReport> = outs.iter().map(|o| &o.report).collect();
    let mut m = String::new();
    let title = rs.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>().join(" vs ");
    let _ = writeln!(m, "# {title}\n");
    for r in &rs {
        if rs.len() > 1 {
            let _ = writeln!(m, "## {}\n", r.scenario);
        }
        if let Some(d) = &r.description {
            let _ = writeln!(m, "{d}\n");
        }
        for a in &r.answers {
            let _ = writeln!(m, "- **{}**: {}", a.question, a.answer);
        }
        for w in &r.warnings {
            let _ = writeln!(m, "- warning: {w}");
        }
        if let Some(t) = &r.tco {
            let _ = writeln!(m, "\n| option | present value P50 (P10-P90) | per useful GPU-hour P50 |\n|---|---|---|");
            for o in &t.options {
                let _ = writeln!(
                    m,
                    "| {} | {} ({} - {}) | USD {:.2} |",
                    o.name,
                    usd(o.npv_usd.p50),
                    usd(o.npv_usd.p10),
                    usd(o.npv_usd.p90),
                    o.usd_per_useful_gpu_hour.p50
                );
            }
        }
        m.push('\n');
    }
    let _ = writeln!(
        m,
        "rackscale {}, seed {}. Ranges are P10-P90. The full report with charts and every source is `report.html` beside this file.",
        rs[0].version,
        rs.iter().map(|r| r.seed.to_string()).collect::<Vec<_>>().join(", ")
    );
    m
}
