//! The report's charts: one per stage's question, one series or bar per
//! scenario when several are compared.

use super::{Chart, breakdown};
use crate::pipeline::run::{MONTHS, RunOutput, RunReport};
use crate::report::charts::{self, Bars, Frame, Lines, Ranges};
use plotters::chart::SeriesLabelPosition;

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
            let suffix = if several { format!("-{}", crate::report::file_stem(&r.scenario)) } else { String::new() };
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
