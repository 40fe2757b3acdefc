//! The `tco` pipeline: a scenario's `[tco]` options, the catalog's prices,
//! the facility and training models' outputs and the defaults of
//! `data/tco.toml`, through the Monte Carlo of [`crate::model::tco`].

use crate::catalog::Catalog;
use crate::data::{TcoDefaults, tco_defaults};
use crate::error::UsageError;
use crate::model::power::ClusterPower;
use crate::model::tco::{
    self as m, Common, Dist, Egress, Inputs, Kind, Metrics, OptionSpec, Own, P3, Swing, break_even_months,
    break_even_utilization,
};
use crate::scenario::Scenario;
use crate::scenario::tco::{Housing, OptionKind, Tco};
use serde::Serialize;

/// Owning defaults the model reads from `data/tco.toml`.
pub const OWN_DEFAULTS: &[&str] = &[
    "transceiver_usd",
    "cable_usd",
    "install_share",
    "spares_share",
    "life_years",
    "residual_share",
    "wacc",
    "building_life_years",
    "build_usd_per_w",
    "liquid_usd_per_kw",
    "colo_usd_per_kw_month",
    "maintenance_share",
    "software_share",
    "insurance_share",
    "fte_per_1000_gpus",
    "fte_usd_per_year",
    "storage_usd_per_tb_month",
];

/// Everything the pipeline needs besides `[tco]`, resolved by the caller.
#[derive(Debug, Clone)]
pub struct Context {
    /// Scenario name.
    pub scenario: String,
    /// System id.
    pub system: String,
    /// Site id, if any.
    pub site: Option<String>,
    /// GPUs.
    pub gpus: f64,
    /// GPUs per node.
    pub gpus_per_node: f64,
    /// Nodes per rack.
    pub nodes_per_rack: f64,
    /// Cooling is liquid (a liquid plant is built).
    pub liquid: bool,
    /// IT power model.
    pub power: ClusterPower,
    /// Scale-out switches, transceivers and cables.
    pub switches: f64,
    /// Transceivers.
    pub transceivers: f64,
    /// Cables.
    pub cables: f64,
    /// Switch price \[USD\].
    pub switch_usd: Dist,
    /// PUE and where it came from.
    pub pue: (Dist, String),
    /// Electricity price \[USD/kWh\].
    pub usd_per_kwh: Dist,
    /// Sustained model FLOP/s per GPU, if a training job is given.
    pub flops_per_gpu: Option<f64>,
    /// Tokens per GPU-hour, if a training job is given.
    pub tokens_per_gpu_hour: Option<f64>,
    /// Tokens of one run.
    pub run_tokens: Option<f64>,
    /// Utilization and goodput measured by a simulation, if given.
    pub simulated: Option<(f64, f64)>,
    /// Seed.
    pub seed: u64,
    /// Draws (overrides the scenario's).
    pub samples: Option<usize>,
}

/// A metric's spread for one option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionReport {
    /// Name.
    pub name: String,
    /// `own`, `on_demand`, `reserved_1y`, `reserved_3y`, `capacity_block`, `taas`.
    pub kind: String,
    /// Provider, if rented.
    pub provider: Option<String>,
    /// Undiscounted total over the horizon \[USD\].
    pub total_usd: P3,
    /// Present value \[USD\].
    pub npv_usd: P3,
    /// Per GPU-hour delivered: owned or reserved hours, used hours on demand,
    /// useful hours for training as a service.
    pub usd_per_gpu_hour: P3,
    /// Per useful GPU-hour.
    pub usd_per_useful_gpu_hour: P3,
    /// Per useful exaFLOP-hour of sustained model FLOPs.
    pub usd_per_useful_eflop_hour: Option<P3>,
    /// Per million trained tokens.
    pub usd_per_million_tokens: Option<P3>,
    /// Per training run.
    pub usd_per_run: Option<P3>,
    /// Lock-in costs of a move \[USD\].
    pub lock_in_usd: P3,
    /// Energy \[USD\] (owning).
    pub energy_usd: P3,
    /// Provider's margin per useful GPU-hour: price less the first owned
    /// option's cost (training as a service).
    pub margin_usd_per_useful_gpu_hour: Option<P3>,
}

/// Owning against a rental, at the inputs' medians.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    /// Owned option (the first).
    pub own: String,
    /// Rental option.
    pub against: String,
    /// Utilization at which owning's cost per useful GPU-hour equals the rental's.
    pub utilization: m::Crossover,
    /// Months after which owning has cost less in total.
    pub months: Option<f64>,
}

/// Every option's cost at one utilization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtilizationPoint {
    /// Allocated share of GPU-hours.
    pub utilization: f64,
    /// Per useful GPU-hour, one per option in order \[USD\].
    pub usd_per_useful_gpu_hour: Vec<f64>,
}

/// One input as used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputRow {
    /// Name.
    pub name: String,
    /// 10th, 50th, 90th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// What `tco` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TcoReport {
    /// Scenario.
    pub scenario: String,
    /// System.
    pub system: String,
    /// GPUs.
    pub gpus: f64,
    /// Years compared.
    pub horizon_years: f64,
    /// Draws.
    pub samples: usize,
    /// Seed.
    pub seed: u64,
    /// Options.
    pub options: Vec<OptionReport>,
    /// What the tornado ranks inputs by.
    pub decision: String,
    /// Its value with every input at its median (where the tornado's bars meet) \[USD\].
    pub decision_at_medians: f64,
    /// Inputs by how far they swing the decision.
    pub tornado: Vec<Swing>,
    /// Owning against each rental.
    pub break_even: Vec<BreakEven>,
    /// Each option's cost per useful GPU-hour as utilization varies from 5%
    /// to 100%, every other input at its median (the break-even chart).
    pub by_utilization: Vec<UtilizationPoint>,
    /// Inputs with their spreads.
    pub inputs: Vec<InputRow>,
    /// Where utilization, goodput and PUE came from.
    pub notes: Vec<String>,
}

fn tri(s: &crate::data::Sourced) -> Dist {
    if s.range[1] > s.range[0] {
        Dist::Triangular { lo: s.range[0], mode: s.value, hi: s.range[1] }
    } else {
        Dist::Fixed(s.value)
    }
}

/// EU Data Act: switching charges at cost until 12 January 2027, banned after.
const DATA_ACT_BAN: f64 = 2027.0 + 11.0 / 365.0;

/// Runs the comparison.
pub fn run(t: &Tco, cx: &Context) -> Result<TcoReport, String> {
    let d: TcoDefaults = tco_defaults();
    let mut inputs = Inputs::default();
    let mut notes = Vec::new();
    let own_d = |name: &str| tri(d.get("own", name));
    let (util, good) = match (t.utilization, t.goodput, cx.simulated) {
        (Some(u), Some(g), _) => {
            notes.push("utilization and goodput from the scenario's [tco]".to_owned());
            (u, g)
        }
        (u, g, Some((su, sg))) => {
            notes.push(match (u.is_some(), g.is_some()) {
                (true, _) => format!("utilization from the scenario's [tco]; goodput {sg:.3} from the simulation"),
                (_, true) => format!("utilization {su:.3} from the simulation; goodput from the scenario's [tco]"),
                _ => format!("utilization {su:.3} and goodput {sg:.3} from the simulation"),
            });
            (u.unwrap_or(Dist::Fixed(su)), g.unwrap_or(Dist::Fixed(sg)))
        }
        (u, g, None) => (u.unwrap_or(tri(d.get("use", "utilization"))), g.unwrap_or(tri(d.get("use", "goodput")))),
    };
    let pue = t.pue.unwrap_or(cx.pue.0);
    notes.push(cx.pue.1.clone());
    let power = &cx.power;
    let (busy, idle, fixed) = power.per_gpu();
    let horizon = t.horizon_years;
    let c = Common {
        gpus: cx.gpus,
        gpus_per_node: cx.gpus_per_node,
        horizon_years: horizon,
        wacc: inputs.add("wacc", t.wacc.unwrap_or(own_d("wacc"))),
        utilization: inputs.add("utilization", util),
        goodput: inputs.add("goodput", good),
        kw_busy_per_gpu: busy / 1e3,
        kw_idle_per_gpu: idle / 1e3,
        kw_fixed: fixed / 1e3,
        kw_capacity: power.nameplate_w() / 1e3,
        flops_per_gpu: cx.flops_per_gpu.unwrap_or(f64::NAN),
        tokens_per_gpu_hour: cx.tokens_per_gpu_hour.unwrap_or(f64::NAN),
        gpu_hours_per_run: match (t.run_tokens.or(cx.run_tokens), cx.tokens_per_gpu_hour) {
            (Some(tok), Some(rate)) => tok / rate,
            _ => f64::NAN,
        },
        data_tb: inputs.add("data_tb", t.data_tb),
        checkpoint_tb: inputs.add("checkpoint_tb", t.checkpoint_tb),
        move_year: t.move_in_year,
        reengineering_fte_months: inputs.add(
            "reengineering_fte_months",
            t.reengineering_fte_months.unwrap_or(tri(d.get("lock_in", "reengineering_fte_months"))),
        ),
        overlap_months: inputs
            .add("overlap_months", t.overlap_months.unwrap_or(tri(d.get("lock_in", "overlap_months")))),
        fte_usd_per_year: inputs.add("fte_usd_per_year", own_d("fte_usd_per_year")),
    };
    let mut options = Vec::new();
    // Inputs every owned option shares (one world per draw); housing is each option's own.
    let mut shared = Shared::default();
    let rent_storage = inputs.add("rent.storage_usd_per_tb_month", tri(d.get("rent", "storage_usd_per_tb_month")));
    let rent_staff = inputs.add("rent.fte_per_1000_gpus", tri(d.get("rent", "fte_per_1000_gpus")));
    // Options quoting the same price range draw the same price (one world per draw).
    let mut prices: Vec<(Dist, usize)> = Vec::new();
    let mut price_input = |inputs: &mut Inputs, name: String, dist: Dist| {
        if let Some((_, k)) = prices.iter().find(|(p, _)| *p == dist) {
            return *k;
        }
        let k = inputs.add(name, dist);
        prices.push((dist, k));
        k
    };
    for o in &t.options {
        let kind = match o.kind {
            OptionKind::Own => Kind::Own(own_inputs(&mut inputs, &mut shared, &d, o, cx, pue)?),
            OptionKind::OnDemand => Kind::OnDemand,
            OptionKind::Reserved1y => Kind::Reserved1y,
            OptionKind::Reserved3y => Kind::Reserved3y,
            OptionKind::CapacityBlock => Kind::CapacityBlock,
            OptionKind::Taas => Kind::Taas,
        };
        let price = o.usd_per_gpu_hour.map(|p| price_input(&mut inputs, format!("{}.usd_per_gpu_hour", o.name), p));
        let split: Vec<(usize, f64)> = o
            .split
            .iter()
            .map(|part| {
                let name = format!("{}.{}.usd_per_gpu_hour", o.name, part.name);
                (price_input(&mut inputs, name, part.usd_per_gpu_hour), part.share)
            })
            .collect();
        let egress = if o.moves && t.move_in_year.is_some() { egress_of(&d, o, t, false)? } else { Egress::default() };
        let copy_egress = if split.len() > 1 { egress_of(&d, o, t, true)? } else { Egress::default() };
        let rented = o.kind != OptionKind::Own;
        options.push(OptionSpec {
            name: o.name.clone(),
            kind,
            usd_per_gpu_hour: price,
            egress,
            moves: o.moves,
            split,
            copy_egress,
            storage_usd_per_tb_month: rented.then_some(rent_storage),
            fte_per_1000_gpus: rented.then_some(rent_staff),
        });
    }
    let samples = cx.samples.unwrap_or(t.samples);
    let draws = m::monte_carlo(&c, &options, &inputs, cx.seed, samples);
    let own_index = options.iter().position(|o| matches!(o.kind, Kind::Own(_)));
    let col = |k: usize, f: fn(&Metrics) -> f64| P3::of(draws.iter().map(|d| f(&d[k])).collect());
    let finite = |p: P3| p.p50.is_finite().then_some(p);
    let reports = options
        .iter()
        .enumerate()
        .map(|(k, o)| OptionReport {
            name: o.name.clone(),
            kind: o.kind.name().to_owned(),
            provider: t.options[k].provider.clone(),
            total_usd: col(k, |m| m.total_usd),
            npv_usd: col(k, |m| m.npv_usd),
            usd_per_gpu_hour: col(k, |m| m.usd_per_gpu_hour),
            usd_per_useful_gpu_hour: col(k, |m| m.usd_per_useful_gpu_hour),
            usd_per_useful_eflop_hour: finite(col(k, |m| m.usd_per_useful_eflop_hour)),
            usd_per_million_tokens: finite(col(k, |m| m.usd_per_million_tokens)),
            usd_per_run: finite(col(k, |m| m.usd_per_run)),
            lock_in_usd: col(k, |m| m.lock_in_usd),
            energy_usd: col(k, |m| m.energy_usd),
            margin_usd_per_useful_gpu_hour: match (o.kind.clone(), own_index, o.usd_per_gpu_hour) {
                (Kind::Taas, Some(w), Some(p)) => {
                    let strata = m::Strata::new(&inputs, cx.seed, samples);
                    let v: Vec<f64> = (0..samples)
                        .map(|i| strata.draw(&inputs, i)[p] - draws[i][w].usd_per_useful_gpu_hour)
                        .collect();
                    Some(P3::of(v))
                }
                _ => None,
            },
        })
        .collect();
    // The decision: owning against the cheapest alternative, or the two cheapest alternatives.
    let owned: Vec<usize> = (0..options.len()).filter(|k| matches!(options[*k].kind, Kind::Own(_))).collect();
    let (decision, mut tornado, decision_at_medians) = if !owned.is_empty() && owned.len() < options.len() {
        let f = |x: &[f64]| {
            let ms = m::evaluate(&c, &options, x);
            let (mut own, mut other) = (f64::INFINITY, f64::INFINITY);
            for (k, m) in ms.iter().enumerate() {
                if owned.contains(&k) { own = own.min(m.npv_usd) } else { other = other.min(m.npv_usd) }
            }
            own - other
        };
        let base = f(&inputs.medians());
        (
            "present value of the cheapest owned option less the cheapest other [USD]".to_owned(),
            m::tornado(&inputs, f),
            base,
        )
    } else if options.len() == 1 {
        let f = |x: &[f64]| m::evaluate(&c, &options, x)[0].npv_usd;
        let base = f(&inputs.medians());
        ("present value of the only option [USD]".to_owned(), m::tornado(&inputs, f), base)
    } else {
        let f = |x: &[f64]| {
            let mut v: Vec<f64> = m::evaluate(&c, &options, x).iter().map(|m| m.npv_usd).collect();
            v.sort_by(f64::total_cmp);
            v[1] - v[0]
        };
        let base = f(&inputs.medians());
        ("present value of the second cheapest option less the cheapest [USD]".to_owned(), m::tornado(&inputs, f), base)
    };
    tornado.retain(|s| s.swing > 0.0);
    let med = inputs.medians();
    let break_even = match own_index {
        Some(w) => options
            .iter()
            .filter(|o| !matches!(o.kind, Kind::Own(_)))
            .map(|r| BreakEven {
                own: options[w].name.clone(),
                against: r.name.clone(),
                utilization: break_even_utilization(&c, &options[w], r, &med),
                months: break_even_months(&c, &options[w], r, &med),
            })
            .collect(),
        None => Vec::new(),
    };
    let by_utilization = (1..=20)
        .map(|k| {
            let u = f64::from(k) * 0.05;
            let mut x = med.clone();
            x[c.utilization] = u;
            let usd = options.iter().map(|o| m::evaluate_one(&c, o, &x).usd_per_useful_gpu_hour).collect();
            UtilizationPoint { utilization: u, usd_per_useful_gpu_hour: usd }
        })
        .collect();
    let rows = inputs
        .names
        .iter()
        .zip(&inputs.dists)
        .map(|(n, d)| InputRow { name: n.clone(), p10: d.quantile(0.1), p50: d.median(), p90: d.quantile(0.9) })
        .collect();
    Ok(TcoReport {
        scenario: cx.scenario.clone(),
        system: cx.system.clone(),
        gpus: cx.gpus,
        horizon_years: horizon,
        samples,
        seed: cx.seed,
        options: reports,
        decision,
        decision_at_medians,
        tornado,
        break_even,
        by_utilization,
        inputs: rows,
        notes,
    })
}

/// Indices of the owning inputs all owned options share.
#[derive(Debug, Default)]
struct Shared(std::collections::BTreeMap<&'static str, usize>);

impl Shared {
    fn get(&mut self, inputs: &mut Inputs, name: &'static str, d: Dist) -> usize {
        *self.0.entry(name).or_insert_with(|| inputs.add(format!("own.{name}"), d))
    }
}

fn own_inputs(
    inputs: &mut Inputs,
    shared: &mut Shared,
    d: &TcoDefaults,
    o: &crate::scenario::tco::TcoOption,
    cx: &Context,
    pue: Dist,
) -> Result<Own, String> {
    let own_d = |name: &str| tri(d.get("own", name));
    let node_usd = match o.node_usd {
        // A price given for this option is this option's own input.
        Some(n) => inputs.add(format!("{}.node_usd", o.name), n),
        None => {
            let p = d.system.iter().find(|p| p.id == cx.system).ok_or_else(|| {
                format!(
                    "no hardware price for system `{}` in data/tco.toml; give `node_usd` in the `own` option (USD per node)",
                    cx.system
                )
            })?;
            let per = if p.usd_per_rack.is_some() { cx.nodes_per_rack } else { 1.0 };
            let v = p.usd_per_rack.or(p.usd_per_node).unwrap_or(0.0);
            shared.get(
                inputs,
                "node_usd",
                Dist::Triangular { lo: p.range[0] / per, mode: v / per, hi: p.range[1] / per },
            )
        }
    };
    // Network: switches at the catalog's price, every link's optics and cable.
    let (t, cab) = (own_d("transceiver_usd"), own_d("cable_usd"));
    let sw = cx.switch_usd;
    let at = |q: f64| cx.switches * sw.quantile(q) + cx.transceivers * t.quantile(q) + cx.cables * cab.quantile(q);
    let network = Dist::Triangular { lo: at(0.0), mode: at(0.5), hi: at(1.0) };
    let site_build = cx.site.as_ref().and_then(|s| d.build_cost.iter().find(|b| &b.site == s)).map(|b| b.usd_per_w);
    let build = site_build.map_or(own_d("build_usd_per_w"), |v| Dist::Triangular { lo: v * 0.9, mode: v, hi: v * 1.1 });
    let mut get = |name: &'static str, dist: Dist| shared.get(inputs, name, dist);
    let built = o.housing == Housing::Build;
    Ok(Own {
        node_usd,
        network_usd: get("network_usd", network),
        install_share: get("install_share", own_d("install_share")),
        spares_share: get("spares_share", own_d("spares_share")),
        life_years: get("life_years", own_d("life_years")),
        residual_share: get("residual_share", own_d("residual_share")),
        build_usd_per_w: built.then(|| get("build_usd_per_w", build)),
        liquid_usd_per_kw: (built && cx.liquid).then(|| get("liquid_usd_per_kw", own_d("liquid_usd_per_kw"))),
        building_life_years: get("building_life_years", own_d("building_life_years")),
        colo_usd_per_kw_month: (!built).then(|| get("colo_usd_per_kw_month", own_d("colo_usd_per_kw_month"))),
        pue: get("pue", pue),
        usd_per_kwh: get("usd_per_kwh", cx.usd_per_kwh),
        maintenance_share: get("maintenance_share", own_d("maintenance_share")),
        software_share: get("software_share", own_d("software_share")),
        insurance_share: get("insurance_share", own_d("insurance_share")),
        fte_per_1000_gpus: get("fte_per_1000_gpus", own_d("fte_per_1000_gpus")),
        storage_usd_per_tb_month: get("storage_usd_per_tb_month", own_d("storage_usd_per_tb_month")),
    })
}

/// The egress out of `o`'s provider: of a move (`copy` false) or of the
/// start-of-run copy of a multi-cloud split (`copy` true, never waived: it is
/// not leaving).
fn egress_of(d: &TcoDefaults, o: &crate::scenario::tco::TcoOption, t: &Tco, copy: bool) -> Result<Egress, String> {
    let Some(provider) = &o.provider else {
        return Err(format!(
            "option `{}` moves data out of a provider but names none; give `provider` or an `offer`",
            o.name
        ));
    };
    let e = d.egress.iter().find(|e| e.provider.eq_ignore_ascii_case(provider)).ok_or_else(|| {
        let known: Vec<&str> = d.egress.iter().map(|e| e.provider.as_str()).collect();
        format!("no egress prices for provider `{provider}` (option `{}`); known: {}", o.name, known.join(", "))
    })?;
    let mut egress = Egress {
        tiers: e.tiers.iter().map(|[to, usd]| (if *to >= 1e11 { f64::INFINITY } else { *to }, *usd)).collect(),
        exit_waiver: !copy && o.exit_waiver.unwrap_or(e.exit_waiver),
    };
    // EU Data Act: switching (a move) at cost until 12 January 2027 and free after; parallel use
    // of several clouds (a split's copy) at cost.
    if t.eu_customer && !egress.exit_waiver {
        let when = if copy { t.start_year } else { t.start_year + t.move_in_year.unwrap_or(0.0) };
        let at_cost = d.get("lock_in", "eu_at_cost_usd_per_gb").value;
        let free = !copy && when >= DATA_ACT_BAN;
        let rate = if free { 0.0 } else { at_cost };
        let cheaper = egress.tiers.iter().all(|(_, usd)| *usd >= rate);
        if cheaper {
            egress.tiers = vec![(f64::INFINITY, rate)];
        }
    }
    Ok(egress)
}

pub use crate::input::Simulated;

/// What earlier stages measured, over the TCO's own defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Upstream {
    /// Utilization, goodput and queueing from a simulation.
    pub sim: Option<Simulated>,
    /// Annual PUE from the facility model run on the simulated IT power, and how it was found.
    pub pue: Option<(f64, String)>,
}

/// The `tco` command on a validated scenario: the cluster's inventory,
/// power, PUE (facility model at the site, else the scenario's) and
/// training throughput, then every option priced. `shown` names the file in
/// messages; `up` replaces the scenario's utilization, goodput and PUE with
/// what earlier stages measured (`[tco]`'s own values still win).
pub fn from_scenario(
    s: &Scenario,
    shown: &str,
    catalog: &Catalog,
    samples: Option<usize>,
    up: &Upstream,
) -> anyhow::Result<TcoReport> {
    let sim = up.sim;
    use crate::model::tco::Dist;
    let Some(t) = s.tco.clone() else {
        return Err(UsageError(format!("{shown} has no [tco] table; add one with `[[tco.option]]` entries")).into());
    };
    let r = super::resolve(s, catalog)?;
    let (system, out, inv) = (r.system, r.fabric, &r.inventory);
    let power = r.power;
    let Some(switch_price) = out.switch_price_usd.as_ref() else {
        return Err(UsageError(format!(
            "fabric `{}` has no switch price in the catalog; add `switch_price_usd` with a catalog override (--catalog FILE)",
            out.id.get_ref()
        ))
        .into());
    };
    let switch_usd = crate::scenario::tco::fig_dist(switch_price);
    // A rented GPU must be the cluster's.
    for o in &t.options {
        if let Some(f) = o
            .offer
            .as_ref()
            .and_then(|id| catalog.offers.find(id))
            .filter(|f| f.accelerator.get_ref() != system.accelerator.get_ref())
        {
            return Err(UsageError(format!(
                "{shown}: option `{}` rents `{}`, an offer of {} GPUs, but the cluster's GPUs are {}",
                o.name,
                f.id.get_ref(),
                f.accelerator.get_ref(),
                system.accelerator.get_ref()
            ))
            .into());
        }
    }
    // PUE: the facility model at the scenario's site and load, else the scenario's fixed PUE.
    let site = s.facility.site.as_ref().map(|id| catalog.sites.get(id.as_str())).transpose()?;
    let pue = match (site.filter(|x| x.climate.is_some()), s.facility.pue, t.pue) {
        (_, _, Some(p)) => (p, "PUE from the scenario's [tco]".to_owned()),
        (_, _, None) if let Some((pue, from)) = &up.pue => (Dist::Fixed(*pue), from.clone()),
        (Some(site), _, None) => {
            let args = crate::pipeline::facility::Inputs::default();
            let cap = power.nameplate_w() / 1e3;
            let design = crate::pipeline::facility::design(&args, Some(s), catalog, cap)?;
            let (weather, _) = crate::pipeline::facility::weather(&args, Some(&s.facility), Some(site))?;
            let lf = power.at(s.workload.utilization.get()) / power.nameplate_w();
            let pue = design.run(&weather, |_| cap * lf).totals(&weather.month).annual_pue;
            (
                Dist::Fixed(pue),
                format!(
                    "PUE {pue:.3} from the facility model at {} ({} cooling)",
                    site.id.get_ref(),
                    design.cooling.name()
                ),
            )
        }
        (None, Some(p), None) => (Dist::Fixed(p), format!("PUE {p} fixed by the scenario")),
        (None, None, None) => {
            return Err(UsageError(format!(
                "{shown}: no PUE: give `facility.site` (a site with a climate), `facility.pue` or `tco.pue`"
            ))
            .into());
        }
    };
    let usd_per_kwh = match (t.usd_per_kwh, s.facility.electricity_usd_per_kwh) {
        (Some(p), _) => p,
        (None, Some(p)) => {
            let tariff = site.and_then(|x| catalog.tariffs.find(x.tariff.get_ref()));
            tariff
                .filter(|t| t.usd_per_kwh.value == p)
                .map_or(Dist::Fixed(p), |t| crate::scenario::tco::fig_dist(&t.usd_per_kwh))
        }
        (None, None) => {
            return Err(UsageError(format!(
                "{shown}: no electricity price: give `facility.site`, `facility.electricity_usd_per_kwh` or `tco.electricity_usd_per_kwh`"
            ))
            .into());
        }
    };
    let training = super::check::training_summary(s, catalog, &r)?;
    let gpus = f64::from(s.cluster.gpus);
    let simulated = sim.map(|x| (x.utilization, x.goodput));
    let cx = Context {
        scenario: s.name.clone(),
        system: system.id.get_ref().clone(),
        site: site.map(|x| x.id.get_ref().clone()),
        gpus,
        gpus_per_node: f64::from(system.gpus_per_node.get()),
        nodes_per_rack: f64::from(system.nodes_per_rack.get()),
        liquid: system.cooling != crate::catalog::Cooling::Air,
        power,
        switches: (inv.fabric.leaf_switches + inv.fabric.spine_switches + inv.fabric.core_switches) as f64,
        transceivers: inv.fabric.transceivers as f64,
        cables: inv.fabric.cables as f64,
        switch_usd,
        pue,
        usd_per_kwh,
        flops_per_gpu: training.as_ref().map(|x| x.sustained_model_eflops * 1e18 / gpus),
        tokens_per_gpu_hour: training.as_ref().map(|x| x.tokens_per_s * 3600.0 / gpus),
        run_tokens: s.training.as_ref().and_then(|x| x.tokens),
        simulated,
        seed: s.seed,
        samples,
    };
    let mut report = run(&t, &cx).map_err(UsageError)?;
    if let Some((p50, p90)) = sim.and_then(|x| x.queue_s) {
        report.notes.push(format!(
            "customers' jobs queue {:.1} h (p50) / {:.1} h (p90) in the simulation",
            p50 / 3600.0,
            p90 / 3600.0
        ));
    }
    Ok(report)
}
