//! A sweep's charts: each metric against each varied key, one series per
//! combination of the other keys' values (the first eight), the median as a
//! line (numbers) or bars with P10-P90 whiskers (names).

use super::charts::{self, Bar, Bars, Frame, Lines};
use crate::pipeline::sweep::{Manifest, PointRow};
use plotters::chart::SeriesLabelPosition;

/// Most series drawn per chart.
const MAX_SERIES: usize = 8;

fn text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `sweep-sustained-vs-cluster-racks.svg` and its SVG, for every metric with
/// a value at some point and every varied key.
pub fn charts(m: &Manifest, rows: &[PointRow]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (mi, metric) in m.metrics.iter().enumerate() {
        let ok: Vec<&PointRow> = rows.iter().filter(|r| r.metrics.get(mi).cloned().flatten().is_some()).collect();
        if ok.is_empty() {
            continue;
        }
        for (ki, axis) in m.axes.iter().enumerate() {
            // Series: the other keys' values.
            let others = |r: &PointRow| -> String {
                r.inputs
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != ki)
                    .map(|(k, v)| format!("{}={}", m.axes[k].key, text(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut names: Vec<String> = Vec::new();
            for r in &ok {
                let n = others(r);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            let shown = names.len().min(MAX_SERIES);
            let more = if names.len() > MAX_SERIES {
                format!("; {} of {} combinations shown", MAX_SERIES, names.len())
            } else {
                String::new()
            };
            let label = |n: &str| if n.is_empty() { metric.clone() } else { n.to_owned() };
            let caption = format!(
                "{}: {metric} (P50; {}) against {}{more}; seed {}",
                m.scenario,
                if m.replications > 1 {
                    format!("P10-P90 over {} replications", m.replications)
                } else {
                    "P10-P90: the answer's band".to_owned()
                },
                axis.key,
                m.seed
            );
            let unit = match metric.as_str() {
                "headline" => "headline compute [EFLOP/s]",
                "sustained" => "sustained model FLOP/s [EFLOP/s]",
                "days" => "days to train [days]",
                "network" => "multi-rack jobs' share of line rate (mean; P10-P90 jobs)",
                "cost" => "cost per training run [USD]",
                "pue" => "annual PUE",
                "own_vs_rent" => "cheapest option's present value [USD]",
                "failures" => "simulated goodput [share]",
                other => other,
            };
            let frame = Frame {
                title: format!("{metric} against {}", axis.key),
                x_label: axis.key.clone(),
                y_label: unit.to_owned(),
                caption,
            };
            let numeric = axis.values.iter().all(|v| v.as_float().is_some() || v.as_integer().is_some());
            let value = |r: &PointRow| r.metrics[mi].clone().map(|v| (v.p10, v.p50, v.p90));
            let svg = if numeric {
                let x = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap_or(0.0);
                let series = names[..shown]
                    .iter()
                    .map(|n| {
                        let pts = ok
                            .iter()
                            .filter(|r| &others(r) == n)
                            .filter_map(|r| value(r).map(|v| (x(&r.inputs[ki]), v.1)))
                            .collect();
                        (label(n), pts)
                    })
                    .collect();
                charts::lines(&Lines {
                    frame,
                    series,
                    log2_x_bytes: false,
                    hlines: vec![],
                    vlines: vec![],
                    y_from_zero: false,
                    x_names: vec![],
                    legend: SeriesLabelPosition::UpperRight,
                    styles: vec![],
                })?
            } else {
                let cats: Vec<String> = axis.values.iter().map(text).collect();
                let series = names[..shown]
                    .iter()
                    .map(|n| {
                        let bars: Vec<Bar> = cats
                            .iter()
                            .map(|c| {
                                ok.iter()
                                    .find(|r| &others(r) == n && text(&r.inputs[ki]) == *c)
                                    .and_then(|r| value(r))
                                    .map(|(lo, mid, hi)| (mid, Some((lo, hi))))
                            })
                            .collect();
                        (label(n), bars)
                    })
                    .collect();
                charts::bars(&Bars { frame, categories: cats, series, value_labels: false })?
            };
            let slug: String = axis.key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            out.push((format!("sweep-{metric}-vs-{slug}.svg"), svg));
        }
    }
    Ok(out)
}
