//! `run`: every stage a scenario defines, in one process and in order, each
//! fed the previous one's typed result (no files in between):
//! nameplate -> training step (with its band) -> simulation -> facility hour
//! by hour on the *simulated* IT power -> TCO with the simulated utilization
//! and goodput and the facility's PUE. Then the answers in plain words, and
//! every catalog value used with its source.

use crate::catalog::Catalog;
use crate::data;
use crate::model::collective::Op;
use crate::model::training::Breakdown;
use crate::pipeline::facility::{self as fac, FacilityReport, Hourly};
use crate::pipeline::tco::{TcoReport, Upstream};
use crate::results::{CollectiveRow, ScenarioSummary, SimReport, TrainingSummary};
use crate::scenario::Scenario;
use crate::sim::{JobRecord, Series, SimResult};
use serde::Serialize;

mod answers;

use answers::answers;
#[cfg(test)]
use answers::group;
pub use answers::{usd, usd_band};

/// What `run` is asked.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The validated scenario (its seed already final).
    pub scenario: &'a Scenario,
    /// How the scenario file is named in messages.
    pub shown: &'a str,
    /// The catalog it was validated against.
    pub catalog: &'a Catalog,
}

/// A stage of the run, for progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Nameplate and training step.
    Step,
    /// The discrete-event simulation (with the share of days done).
    Simulation,
    /// The facility year.
    Facility,
    /// The cost comparison.
    Tco,
}

/// The training step with what the report draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepStage {
    /// The step, its band and days to train.
    #[serde(flatten)]
    pub summary: TrainingSummary,
    /// Executed FLOP/s (with recompute) over the dense peak.
    pub hfu: f64,
    /// Where the step's time goes \[s\].
    pub breakdown: Breakdown,
    /// Bus bandwidth over message sizes of the collectives the plan runs.
    pub collectives: Vec<CollectiveCurve>,
}

/// One collective swept over message sizes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectiveCurve {
    /// What it is: `all-reduce, 72 GPUs in one NVL72 domain`.
    pub label: String,
    /// The operation.
    pub op: Op,
    /// Ranks.
    pub gpus: u64,
    /// One row per size.
    pub rows: Vec<CollectiveRow>,
}

/// The simulation with its hourly series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimStage {
    /// The summary `simulate` reports.
    #[serde(flatten)]
    pub report: SimReport,
    /// The scenario's `[training]` run as simulated, if it ran.
    pub training_run: Option<JobRecord>,
    /// Allocated and down GPUs, failures and IT power, hour by hour.
    pub hourly: Series,
}

/// The facility year on the simulated load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityStage {
    /// The year `facility` reports.
    #[serde(flatten)]
    pub report: FacilityReport,
    /// Where the IT load came from.
    pub load_from: String,
    /// The claimed PUE judged against the model, if one is claimed.
    pub pue_claim: Option<Verdict>,
}

/// A claimed figure judged against the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The claim: `PUE 1.08`.
    pub claim: String,
    /// `holds`, `holds only if` or `does not hold`.
    pub verdict: String,
    /// Under which conditions, and why.
    pub because: String,
}

/// One answer of the report's first screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// Short key: `headline`, `sustained`, `days`, `cost`, `pue`, `own_vs_rent`, `failures`.
    pub key: String,
    /// The question, in a few words.
    pub question: String,
    /// The answer in plain words, with its range.
    pub answer: String,
    /// The figure.
    pub value: Option<f64>,
    /// Its low end (P10) where a range exists.
    pub low: Option<f64>,
    /// Its high end (P90).
    pub high: Option<f64>,
    /// Its unit.
    pub unit: String,
}

/// A catalog value the run used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    /// Catalog entry id.
    pub entry: String,
    /// Its kind: `gpu`, `system`, `fabric`, `site`, `electricity`, `offer`, `model`.
    pub kind: String,
    /// Field.
    pub field: String,
    /// Value used.
    pub value: f64,
    /// Low end, for an estimate.
    pub low: Option<f64>,
    /// High end, for an estimate.
    pub high: Option<f64>,
    /// Whether the value is an estimate.
    pub estimate: bool,
    /// The entry's source.
    pub source: String,
    /// Its date.
    pub date: String,
}

/// Everything `run` found, one key per stage (`results.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// Scenario name.
    pub scenario: String,
    /// Its description.
    pub description: Option<String>,
    /// Seed of every random stream.
    pub seed: u64,
    /// rackscale's version.
    pub version: String,
    /// The first screen's answers.
    pub answers: Vec<Answer>,
    /// The cluster at nameplate.
    pub nameplate: ScenarioSummary,
    /// The training step, if the scenario has `[training]`.
    pub step: Option<StepStage>,
    /// The simulation, if it has `[simulation]`.
    pub simulation: Option<SimStage>,
    /// The facility year, if it has a site with a climate.
    pub facility: Option<FacilityStage>,
    /// The cost comparison, if it has `[tco]`.
    pub tco: Option<TcoReport>,
    /// The scenario's `[[claim]]`s, judged in its context.
    pub claims: Vec<crate::claim::ClaimReport>,
    /// Catalog values used, with their sources.
    pub assumptions: Vec<Assumption>,
    /// What the reader should know.
    pub warnings: Vec<String>,
}

/// The run's report and the detail behind its tables.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The report.
    pub report: RunReport,
    /// The simulation's every job and hour, if it ran.
    pub sim: Option<SimResult>,
    /// The facility's every hour, if it ran.
    pub hourly: Option<Hourly>,
}

/// Runs every stage the scenario defines. `trace` is a job trace to replay
/// (its path for messages, and its text); `progress` hears each stage and,
/// for the simulation, the share of days done.
pub fn run(
    r: &Request<'_>,
    trace: Option<(String, String)>,
    progress: &mut dyn FnMut(Stage, f64),
) -> anyhow::Result<RunOutput> {
    let (s, catalog) = (r.scenario, r.catalog);
    progress(Stage::Step, 0.0);
    let nameplate = super::check::summarise(s, catalog)?;
    let resolved = super::resolve(s, catalog)?;
    let step = match &nameplate.training {
        Some(t) => Some(step_stage(s, catalog, &resolved, t.clone())?),
        None => None,
    };
    let mut warnings = nameplate.warnings.clone();
    let (simulation, sim) = if s.simulation.is_some() {
        progress(Stage::Simulation, 0.0);
        let req = super::simulate::Request { scenario: s, shown: r.shown, catalog, days: None };
        let (report, result) = super::simulate::run(&req, trace, &mut |x| progress(Stage::Simulation, x))?;
        warnings.extend(report.warnings.iter().cloned());
        let training_run = result.jobs.iter().find(|j| j.kind == "training").cloned();
        let stage = SimStage { report, training_run, hourly: result.series.clone() };
        (Some(stage), Some(result))
    } else {
        (None, None)
    };
    progress(Stage::Facility, 0.0);
    let has_climate = s
        .facility
        .site
        .as_ref()
        .and_then(|id| catalog.sites.find(id.as_str()))
        .is_some_and(|site| site.climate.is_some())
        || s.facility.weather.is_some();
    let (facility, hourly) = if has_climate {
        let inputs = fac::Inputs::default();
        let (given, load_from) = match &sim {
            Some(x) => {
                let capacity_kw = resolved.power.nameplate_w() / 1e3;
                let kw = x.series.it_power_mw.iter().map(|mw| mw * 1e3).collect();
                let (load, note) = fac::series_load(kw);
                let from = format!(
                    "the simulation's hourly IT power ({} hours{})",
                    x.series.it_power_mw.len(),
                    if note.is_some() { ", repeated to fill the year" } else { "" }
                );
                (Some((capacity_kw, load, note)), from)
            }
            None => (None, format!("a constant {:.0}% utilization", s.workload.utilization.get() * 100.0)),
        };
        let (_, report, hourly) = fac::run_loaded(&inputs, Some(s), catalog, given)?;
        let pue_claim = s.facility.pue.map(|claimed| judge_pue(claimed, &report));
        (Some(FacilityStage { report, load_from, pue_claim }), Some(hourly))
    } else {
        (None, None)
    };
    let tco = match &s.tco {
        Some(_) => {
            progress(Stage::Tco, 0.0);
            let up = Upstream {
                sim: simulation.as_ref().map(|x| crate::input::Simulated {
                    utilization: x.report.summary.utilization,
                    goodput: x.report.summary.goodput,
                    queue_s: Some((x.report.summary.queue_delay_s.p50, x.report.summary.queue_delay_s.p90)),
                }),
                pue: facility.as_ref().map(|f| {
                    let pue = f.report.totals.annual_pue;
                    (pue, format!("PUE {pue:.3} from the facility model on {}", f.load_from))
                }),
            };
            Some(super::tco::from_scenario(s, r.shown, catalog, None, &up)?)
        }
        None => None,
    };
    let claims = s
        .claims
        .iter()
        .map(|c| super::claim::check(&c.text, &claim_context(s, &c.context), catalog))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut assumptions = assumptions(s, catalog);
    if let Some(t) = &tco {
        assumptions.extend(tco_defaults_used(t));
    }
    let mut answers = answers(&nameplate, step.as_ref(), simulation.as_ref(), facility.as_ref(), tco.as_ref());
    for (k, c) in claims.iter().enumerate() {
        let cond = if c.conditions.is_empty() { String::new() } else { format!(": {}", c.conditions.join("; ")) };
        answers.insert(
            k,
            Answer {
                key: format!("claim_{}", k + 1),
                question: format!("claim \"{}\"", c.claim),
                answer: format!("{}{cond}", c.verdict),
                value: None,
                low: None,
                high: None,
                unit: String::new(),
            },
        );
    }
    let report = RunReport {
        scenario: s.name.clone(),
        description: s.description.clone(),
        seed: s.seed,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        answers,
        nameplate,
        step,
        simulation,
        facility,
        tco,
        claims,
        assumptions,
        warnings,
    };
    Ok(RunOutput { report, sim, hourly })
}

/// A claim's context, with what it leaves unset taken from the scenario:
/// its system, its GPUs (unless racks are given), its site and facility design.
fn claim_context(s: &Scenario, c: &crate::claim::Context) -> crate::claim::Context {
    let mut cx = c.clone();
    cx.system = cx.system.or_else(|| Some(s.cluster.system.to_string()));
    if cx.gpus.is_none() && cx.racks.is_none() {
        cx.gpus = Some(u64::from(s.cluster.gpus));
    }
    cx.site = cx.site.or_else(|| s.facility.site.as_ref().map(ToString::to_string));
    cx.cooling = cx.cooling.or(s.facility.cooling);
    cx.ups = cx.ups.or(s.facility.ups);
    cx
}

/// The step's breakdown and the collectives its plan runs.
fn step_stage(
    s: &Scenario,
    catalog: &Catalog,
    r: &super::Resolved<'_>,
    summary: TrainingSummary,
) -> anyhow::Result<StepStage> {
    let Some(t) = &s.training else { unreachable!("a training summary comes from [training]") };
    let setup = super::training::Setup::on(catalog, &t.model, r.topology.clone())?;
    let params = data::collective_params();
    let step = setup.step(&t.plan, &params, &data::default_profile())?;
    let params = params.for_fabrics(&r.topology.scaleup_fabric, &r.topology.fabric);
    let sizes: Vec<u64> = (20..=33).map(|k| 1u64 << k).collect();
    let domain = u64::from(r.topology.scale_up.gpus_per_domain);
    let all = u64::from(s.cluster.gpus);
    let mut groups = vec![(domain.min(all), format!("in one {}-GPU scale-up domain", domain.min(all)))];
    // The data-parallel group: one rank per model replica, spread over the domains.
    let dp = u64::from(t.plan.dp);
    if all > domain && dp > 1 {
        let n = (all / domain).min(dp) * domain;
        groups.push((n, format!("over {n} GPUs in {} domains (the fabric)", n / domain)));
    }
    let mut collectives = Vec::new();
    for (n, what) in groups.into_iter().filter(|(n, _)| *n >= 2) {
        let Ok(levels) = r.topology.group(n) else { continue };
        for op in [Op::AllReduce, Op::AllGather] {
            let sweep = super::collective::sweep(op, &sizes, &levels, n, &params, None)?;
            let label = format!("{op} {what}").replace('_', "-");
            collectives.push(CollectiveCurve { label, op, gpus: n, rows: sweep.rows });
        }
    }
    Ok(StepStage { summary, hfu: step.hfu, breakdown: step.breakdown, collectives })
}

/// A claimed PUE against the modelled year: within the claim's rounding
/// (1.08 covers up to 1.085), in the year, only in some months, or never.
fn judge_pue(claimed: f64, f: &FacilityReport) -> Verdict {
    let ceiling = claim_ceiling(claimed);
    let up_to = crate::catalog::fmt_num(ceiling);
    let annual = f.totals.annual_pue;
    let months: Vec<(usize, f64)> =
        f.totals.monthly_pue.iter().enumerate().filter_map(|(m, p)| p.map(|p| (m, p))).collect();
    let good: Vec<&str> = months.iter().filter(|(_, p)| *p <= ceiling).map(|(m, _)| MONTHS[*m]).collect();
    let site = f.site_name.clone().unwrap_or_else(|| "the site".to_owned());
    let conditions = format!(
        "{} cooling at {:.0} °C supply, {} UPS, {:.0}% mean load",
        f.cooling.name(),
        f.supply_temp_c,
        f.ups.name(),
        f.load_factor * 100.0
    );
    let (verdict, because) = if annual <= ceiling {
        (
            "holds",
            format!(
                "as the modelled annual PUE at {site} is {annual:.3} (the claim covers up to {up_to}) with {conditions}"
            ),
        )
    } else if !good.is_empty() {
        (
            "holds only if",
            format!(
                "it is read as a monthly figure, for {} (within the claim's rounding, up to {up_to}); over the year the model gives {annual:.3} at {site} with {conditions}",
                good.join(", ")
            ),
        )
    } else {
        let best = months.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        (
            "does not hold",
            format!(
                "as the modelled annual PUE at {site} is {annual:.3} and no month goes below {best:.3} (the claim covers up to {up_to}) with {conditions}"
            ),
        )
    };
    Verdict { claim: format!("PUE {claimed}"), verdict: verdict.to_owned(), because }
}

/// The highest PUE a claimed figure covers within its rounding, read from
/// the number (a TOML float keeps no trailing zeros), at least one decimal:
/// 1.08 covers up to 1.085, `pue = 1` up to 1.05 (not 1.5).
fn claim_ceiling(claimed: f64) -> f64 {
    let decimals = (format!("{claimed}").split('.').nth(1).map_or(0, str::len) as i32).max(1);
    claimed + 0.5 * 10f64.powi(-decimals)
}

/// Month abbreviations, January first.
pub const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Every number of the catalog entries the scenario uses, with the entry's source.
fn assumptions(s: &Scenario, catalog: &Catalog) -> Vec<Assumption> {
    let mut ids: Vec<String> = vec![s.cluster.system.to_string()];
    if let Ok(sys) = catalog.systems.get(s.cluster.system.as_str()) {
        ids.push(sys.accelerator.get_ref().clone());
    }
    ids.push(s.cluster.fabric.to_string());
    if let Some(site) = s.facility.site.as_ref().and_then(|id| catalog.sites.find(id.as_str())) {
        ids.push(site.id.get_ref().clone());
        ids.push(site.tariff.get_ref().clone());
    }
    if let Some(t) = &s.training {
        ids.push(t.model.clone());
    }
    if let Some(t) = &s.tco {
        ids.extend(t.options.iter().filter_map(|o| o.offer.clone()));
    }
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Ok((kind, v)) = catalog.show(&id) else { continue };
        let Some(map) = v.as_object() else { continue };
        let text = |k: &str| map.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        let (source, date) = (text("source"), text("date"));
        for (field, x) in map {
            let (value, low, high) = match x {
                serde_json::Value::Number(n) => (n.as_f64(), None, None),
                serde_json::Value::Object(o) if o.contains_key("value") => (
                    o.get("value").and_then(serde_json::Value::as_f64),
                    o.get("low").and_then(serde_json::Value::as_f64),
                    o.get("high").and_then(serde_json::Value::as_f64),
                ),
                _ => (None, None, None),
            };
            let Some(value) = value.filter(|v| v.is_finite()) else { continue };
            if field.ends_with("_deg") {
                continue;
            }
            out.push(Assumption {
                entry: id.clone(),
                kind: kind.name().to_owned(),
                field: field.clone(),
                value,
                low,
                high,
                estimate: low.is_some() || high.is_some(),
                source: source.clone(),
                date: date.clone(),
            });
        }
    }
    out
}

/// The TCO inputs whose median is `data/tco.toml`'s default (the scenario
/// did not set them), with that file's source and range.
fn tco_defaults_used(t: &TcoReport) -> Vec<Assumption> {
    let d = data::tco_defaults();
    let tables = [("own", &d.own), ("rent", &d.rent), ("lock_in", &d.lock_in), ("use", &d.usage)];
    let mut out = Vec::new();
    for row in &t.inputs {
        let (table, name) = row.name.split_once('.').unwrap_or(("", row.name.as_str()));
        let found = tables
            .iter()
            .filter(|(k, _)| table.is_empty() || *k == table)
            .find_map(|(k, m)| m.get(name).map(|x| (*k, x)));
        let Some((k, x)) = found else { continue };
        // The default as the TCO draws it: triangular over its range, with the value as mode.
        let dist = if x.range[1] > x.range[0] {
            crate::model::tco::Dist::Triangular { lo: x.range[0], mode: x.value, hi: x.range[1] }
        } else {
            crate::model::tco::Dist::Fixed(x.value)
        };
        if (dist.median() - row.p50).abs() > 1e-9 * row.p50.abs().max(1.0) {
            continue;
        }
        let estimate = x.status != "PUBLISHED" || x.range[1] > x.range[0];
        out.push(Assumption {
            entry: "data/tco.toml".to_owned(),
            kind: format!("tco default [{k}]"),
            field: row.name.clone(),
            value: x.value,
            low: estimate.then_some(x.range[0]),
            high: estimate.then_some(x.range[1]),
            estimate,
            source: format!("{} {}", x.status, x.source),
            date: x.date.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claimed_pue_covers_its_rounding() {
        assert!((claim_ceiling(1.08) - 1.085).abs() < 1e-12);
        assert!((claim_ceiling(1.1) - 1.15).abs() < 1e-12);
        assert!((claim_ceiling(1.0) - 1.05).abs() < 1e-12);
    }

    #[test]
    fn money_and_thousands() {
        assert_eq!(usd(1.234e9), "USD 1.23 B");
        assert_eq!(usd(456e6), "USD 456 M");
        assert_eq!(usd(12_345.0), "USD 12.3 k");
        assert_eq!(usd_band(24.4e6, 21.9e6, 1.2e9), "USD 24.4 M (21.9-1200 M)");
        assert_eq!(group(10_008.0), "10,008");
        assert_eq!(group(-1_234_567.0), "-1,234,567");
        assert_eq!(group(999.0), "999");
    }
}
