//! `report.html` (one self-contained page) and `summary.md`.

use super::{Chart, num};
use crate::catalog::{sig, sig3};
use crate::pipeline::run::{RunOutput, RunReport, usd};
use crate::report::Report;
use std::fmt::Write as _;

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
