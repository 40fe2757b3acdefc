//! The answers a run gives, each a sentence with its number and band, and
//! the money and count formats they use.

use super::{Answer, FacilityStage, SimStage, StepStage};
use crate::catalog::{sig, sig3};
use crate::pipeline::tco::TcoReport;
use crate::results::ScenarioSummary;

/// The answers, in the order a reader asks them: claims come first (added by the caller), then
/// headline, sustained compute, days, the network, cost, PUE, own vs rent, failures.
pub(super) fn answers(
    n: &ScenarioSummary,
    step: Option<&StepStage>,
    sim: Option<&SimStage>,
    fac: Option<&FacilityStage>,
    tco: Option<&TcoReport>,
) -> Vec<Answer> {
    let mut out = Vec::new();
    let mut push = |key: &str, question: &str, answer: String, v: Option<(f64, f64, f64)>, unit: &str| {
        out.push(Answer {
            key: key.to_owned(),
            question: question.to_owned(),
            answer,
            value: v.map(|x| x.0),
            low: v.map(|x| x.1),
            high: v.map(|x| x.2),
            unit: unit.to_owned(),
        });
    };
    // The vendor's headline: the largest peak, sparse where the catalog has it.
    let headline =
        n.peaks.iter().map(|p| (p.sparse_eflops.unwrap_or(p.dense_eflops), p)).max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((eflops, p)) = headline {
        let kind = if p.sparse_eflops.is_some() { "sparse" } else { "dense" };
        push(
            "headline",
            "headline compute",
            format!(
                "{} EF of {kind} {} at nameplate: {} GPUs in {} racks of {}",
                sig(eflops),
                p.precision.to_uppercase(),
                group(f64::from(n.gpus)),
                n.racks,
                n.system
            ),
            Some((eflops, eflops, eflops)),
            "EFLOP/s",
        );
    }
    let goodput = sim.map(|x| x.report.summary.goodput);
    if let (Some(st), Some((head, _))) = (step, headline) {
        let t = &st.summary;
        let g = goodput.unwrap_or(1.0);
        let (v, lo, hi) =
            (t.sustained_model_eflops * g, t.sustained_model_eflops_p10 * g, t.sustained_model_eflops_p90 * g);
        let mut after = if goodput.is_some() {
            format!(", after the simulation's goodput of {:.1}%", g * 100.0)
        } else {
            String::new()
        };
        if let Some(u) = &t.band.unvalidated {
            after.push_str(&format!(" ({u}: the range is borrowed, not measured)"));
        }
        push(
            "sustained",
            "sustained compute",
            format!(
                "{} EF of model FLOP/s ({}-{}) training {} at {}{after}: {:.1}% of the headline (MFU {:.1}%)",
                sig3(v),
                sig3(lo),
                sig3(hi),
                t.model,
                t.plan.precision.name(),
                v / head * 100.0,
                t.mfu * 100.0
            ),
            Some((v, lo, hi)),
            "EFLOP/s",
        );
    }
    if let Some(st) = step {
        let t = &st.summary;
        let run = sim.and_then(|x| x.training_run.as_ref());
        let simulated = run.and_then(|j| j.end_s.map(|e| (e - j.submit_s) / 86_400.0));
        match (t.time_to_train_days, simulated) {
            (Some(d), Some(sd)) => {
                // The step's band scales the simulated time: failures do not narrow it.
                let (lo, hi) = (
                    sd * t.band.time_to_train_days_p10.unwrap_or(d) / d,
                    sd * t.band.time_to_train_days_p90.unwrap_or(d) / d,
                );
                push(
                    "days",
                    "days to train",
                    format!(
                        "{} days ({}-{}) in the simulation, failures and restarts included; {} days at full speed",
                        sig3(sd),
                        sig3(lo),
                        sig3(hi),
                        sig3(d)
                    ),
                    Some((sd, lo, hi)),
                    "days",
                );
            }
            (Some(d), None) => {
                let g = goodput.unwrap_or(1.0);
                let (lo, hi) = (t.band.time_to_train_days_p10.unwrap_or(d), t.band.time_to_train_days_p90.unwrap_or(d));
                let how = match (goodput, run) {
                    (Some(_), Some(_)) => format!(
                        "the run did not finish within the simulated days; at the simulated goodput of {:.1}%",
                        g * 100.0
                    ),
                    _ => "at full speed (no simulation: failures not counted)".to_owned(),
                };
                push(
                    "days",
                    "days to train",
                    format!("{} days ({}-{}) {how}", sig3(d / g), sig3(lo / g), sig3(hi / g)),
                    Some((d / g, lo / g, hi / g)),
                    "days",
                );
            }
            _ => {}
        }
    }
    if let Some(x) = sim {
        let (net, s) = (&x.report.network, &x.report.summary);
        let routed = format!("{} with {} routing", net.fabric, net.routing);
        let mut answer = match (net.contention, s.fabric_share_mean, s.fabric_share_p10) {
            (false, ..) => format!("{routed}: contention not modelled (`contention = false`)"),
            (true, Some(m), Some(p)) => format!(
                "{routed}: jobs across racks got {:.0}% of line rate (P10 job {:.0}%) over {} jobs; {} GPU-hours lost \
                 to contention ({:.1}% of allocated)",
                m * 100.0,
                p * 100.0,
                s.fabric_jobs,
                group(s.contention_gpu_hours),
                if s.gpu_hours_allocated > 0.0 { 100.0 * s.contention_gpu_hours / s.gpu_hours_allocated } else { 0.0 }
            ),
            (true, ..) => format!("{routed}: no job spanned racks, so none shared the fabric"),
        };
        if let Some(j) = x.training_run.as_ref().filter(|j| j.fabric_share.is_some_and(|f| f < 1.0)) {
            answer.push_str(&format!(
                "; the training run {:.0}%, held by {}",
                j.fabric_share.unwrap_or(1.0) * 100.0,
                j.bottleneck.as_deref().unwrap_or("its own NICs")
            ));
        }
        // The time-weighted mean, between the P10 and P90 jobs.
        let v = match (s.fabric_share_mean, s.fabric_share_p10, s.fabric_share_p90) {
            (Some(m), Some(lo), Some(hi)) => Some((m, lo.min(m), hi.max(m))),
            _ => None,
        };
        push("network", "network between jobs", answer, v, "share of line rate");
    }
    if let Some(t) = tco {
        let runs: Vec<_> = t.options.iter().filter_map(|o| o.usd_per_run.as_ref().map(|r| (o, r))).collect();
        if let Some((o, c)) = runs.iter().min_by(|a, b| a.1.p50.total_cmp(&b.1.p50)) {
            let others = runs
                .iter()
                .filter(|(x, _)| x.name != o.name)
                .map(|(x, c)| format!("{} {}", x.name, usd(c.p50)))
                .collect::<Vec<_>>()
                .join(", ");
            push(
                "cost",
                "cost to train",
                format!(
                    "{} per run, cheapest as {}{}",
                    usd_band(c.p50, c.p10, c.p90),
                    o.name,
                    if others.is_empty() { String::new() } else { format!("; {others}") }
                ),
                Some((c.p50, c.p10, c.p90)),
                "USD",
            );
        }
    }
    if let Some(f) = fac {
        let r = &f.report;
        let months: Vec<f64> = r.totals.monthly_pue.iter().flatten().copied().collect();
        let lo = months.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = months.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let claim = f
            .pue_claim
            .as_ref()
            .map(|v| format!("; the claimed {} {} {}", v.claim, v.verdict, v.because))
            .unwrap_or_default();
        let (lo, hi) = if months.is_empty() { (r.totals.annual_pue, r.totals.annual_pue) } else { (lo, hi) };
        push(
            "pue",
            "PUE",
            format!(
                "{:.3} over the year at {} (months {:.3}-{:.3}){claim}",
                r.totals.annual_pue,
                r.site_name.as_deref().unwrap_or("the site"),
                lo,
                hi
            ),
            Some((r.totals.annual_pue, lo, hi)),
            "",
        );
    }
    if let Some(t) = tco {
        let cheapest = t.options.iter().min_by(|a, b| a.npv_usd.p50.total_cmp(&b.npv_usd.p50));
        if let Some(c) = cheapest {
            let be = t
                .break_even
                .iter()
                .map(|b| {
                    let u = match b.utilization {
                        crate::model::tco::Crossover::At(u) => format!("above {:.0}% utilization", u * 100.0),
                        crate::model::tco::Crossover::OwnAlwaysCheaper => "at any utilization".to_owned(),
                        crate::model::tco::Crossover::RentAlwaysCheaper => "at no utilization".to_owned(),
                    };
                    let m = b.months.map(|m| format!(", pays back in {m:.0} months")).unwrap_or_default();
                    format!("{} beats {} {u}{m}", b.own, b.against)
                })
                .collect::<Vec<_>>();
            push(
                "own_vs_rent",
                "own vs rent",
                format!(
                    "cheapest over {} years: {} at {} present value, {}/GPU-h per useful hour{}",
                    t.horizon_years,
                    c.name,
                    usd_band(c.npv_usd.p50, c.npv_usd.p10, c.npv_usd.p90),
                    usd_small(c.usd_per_useful_gpu_hour.p50),
                    if be.is_empty() { String::new() } else { format!("; {}", be.join("; ")) }
                ),
                Some((c.npv_usd.p50, c.npv_usd.p10, c.npv_usd.p90)),
                "USD",
            );
        }
    }
    if let Some(x) = sim {
        let m = &x.report.summary;
        let mtti = m.mtti_hours.map(|h| format!(", one every {} h on the largest job", sig3(h))).unwrap_or_default();
        push(
            "failures",
            "failures and idle capacity",
            format!(
                "{} node failures and {} job interruptions in {} days{mtti}; {:.1}% of GPU-hours allocated, {:.1}% of those useful",
                group(m.node_failures as f64),
                group(m.interruptions as f64),
                sig3(m.days),
                m.utilization * 100.0,
                m.goodput * 100.0
            ),
            Some((m.goodput, m.goodput, m.goodput)),
            "goodput",
        );
    }
    out
}

/// `USD 1.23 B`, `USD 456 M`, `USD 12.3 k`.
pub fn usd(x: f64) -> String {
    let a = x.abs();
    if a >= 1e9 {
        format!("USD {} B", sig3(x / 1e9))
    } else if a >= 1e6 {
        format!("USD {} M", sig3(x / 1e6))
    } else if a >= 1e3 {
        format!("USD {} k", sig3(x / 1e3))
    } else {
        format!("USD {}", sig3(x))
    }
}

/// `USD 24.4 M (21.9-27.2 M)`: a median and its P10-P90 in the median's unit.
pub fn usd_band(p50: f64, p10: f64, p90: f64) -> String {
    let (scale, unit) = match p50.abs() {
        a if a >= 1e9 => (1e9, " B"),
        a if a >= 1e6 => (1e6, " M"),
        a if a >= 1e3 => (1e3, " k"),
        _ => (1.0, ""),
    };
    format!("USD {}{unit} ({}-{}{unit})", sig3(p50 / scale), sig3(p10 / scale), sig3(p90 / scale))
}

/// `USD 4.21`.
pub(super) fn usd_small(x: f64) -> String {
    format!("USD {x:.2}")
}

/// `10,008`.
pub(super) fn group(x: f64) -> String {
    let s = format!("{x:.0}");
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}
