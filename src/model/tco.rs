//! Total cost of ownership: owning a cluster against renting it on demand,
//! reserved or in capacity blocks, or buying training as a service, with
//! uncertain inputs drawn by Monte Carlo.
//!
//! Every input is a named [`Dist`]; a draw fixes them all, and every option
//! is costed on that draw, so options are compared on the same world. Money
//! is discounted at the cost of capital (`wacc`): the levelised cost of a
//! GPU-hour is the present value of the option's payments over the present
//! value of its GPU-hours.
//!
//! - **Own**: hardware (nodes, network, installation, spares) paid up front
//!   and worth its depreciated residual at the horizon; the hall built
//!   (construction per IT watt, liquid plant per kW, charged at the capital
//!   recovery rate of its life) or rented as colocation per kW-month; energy
//!   (IT power at the draw's utilization times PUE and price), maintenance,
//!   software and insurance as shares of hardware, staff, storage.
//! - **Rent**: on demand and capacity blocks pay the GPU-hours used; reserved
//!   capacity pays every hour of its term. Training as a service pays only
//!   useful GPU-hours (the provider carries failures and idle time).
//! - **Lock-in**: leaving a provider moves the data set and checkpoints out at
//!   its egress tiers (waived where the provider's 2024 exit policy applies),
//!   costs re-engineering staff time and a period of paying twice.

use crate::sim::stats::inverse_normal;

/// An uncertain input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Known.
    Fixed(f64),
    /// Uniform between `lo` and `hi`.
    Uniform {
        /// Lowest.
        lo: f64,
        /// Highest.
        hi: f64,
    },
    /// Triangular with mode `mode`.
    Triangular {
        /// Lowest.
        lo: f64,
        /// Most likely.
        mode: f64,
        /// Highest.
        hi: f64,
    },
    /// Lognormal whose 5th and 95th percentiles are `lo` and `hi`.
    Lognormal {
        /// 5th percentile.
        lo: f64,
        /// 95th percentile.
        hi: f64,
    },
}

impl Dist {
    /// The value at quantile `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(1e-9, 1.0 - 1e-9);
        match *self {
            Dist::Fixed(x) => x,
            Dist::Uniform { lo, hi } => lo + (hi - lo) * u,
            Dist::Triangular { lo, mode, hi } => {
                if hi <= lo {
                    return lo;
                }
                let f = (mode - lo) / (hi - lo);
                if u < f {
                    lo + ((hi - lo) * (mode - lo) * u).sqrt()
                } else {
                    hi - ((hi - lo) * (hi - mode) * (1.0 - u)).sqrt()
                }
            }
            Dist::Lognormal { lo, hi } => {
                // ln X ~ N(m, s) with P5 = lo and P95 = hi.
                let (a, b) = (lo.max(1e-300).ln(), hi.max(1e-300).ln());
                let z95 = 1.644_853_626_951_472;
                let (m, s) = ((a + b) / 2.0, (b - a) / (2.0 * z95));
                (m + s * inverse_normal(u)).exp()
            }
        }
    }

    /// The median.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// Whether the input is uncertain.
    pub fn is_uncertain(&self) -> bool {
        !matches!(self, Dist::Fixed(_))
    }
}

/// The named inputs of a comparison.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Names, in index order.
    pub names: Vec<String>,
    /// Distributions, in index order.
    pub dists: Vec<Dist>,
}

impl Inputs {
    /// Adds an input and returns its index.
    pub fn add(&mut self, name: impl Into<String>, d: Dist) -> usize {
        self.names.push(name.into());
        self.dists.push(d);
        self.dists.len() - 1
    }

    /// Every input at its median.
    pub fn medians(&self) -> Vec<f64> {
        self.dists.iter().map(Dist::median).collect()
    }
}

/// An index into [`Inputs`].
pub type In = usize;

/// Egress price tiers: `(up to TB in the month, USD per GB)`, the last tier
/// open-ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Egress {
    /// Tiers in order.
    pub tiers: Vec<(f64, f64)>,
    /// Moving everything out is free under the provider's exit policy.
    pub exit_waiver: bool,
}

impl Egress {
    /// USD to move `tb` out in one month.
    pub fn cost(&self, tb: f64) -> f64 {
        let mut left = tb;
        let mut from = 0.0;
        let mut usd = 0.0;
        for &(to, per_gb) in &self.tiers {
            if left <= 0.0 {
                break;
            }
            let chunk = if to.is_finite() { (to - from).max(0.0).min(left) } else { left };
            usd += chunk * 1e3 * per_gb;
            left -= chunk;
            from = to;
        }
        usd
    }
}

/// What an option is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Buy and run the cluster.
    Own(Own),
    /// Pay per GPU-hour used.
    OnDemand,
    /// Pay every hour of a one-year term.
    Reserved1y,
    /// Pay every hour of a three-year term.
    Reserved3y,
    /// Reserved blocks, paid per GPU-hour used.
    CapacityBlock,
    /// Training as a service: pay per useful GPU-hour.
    Taas,
}

impl Kind {
    /// The JSON name.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Own(_) => "own",
            Kind::OnDemand => "on_demand",
            Kind::Reserved1y => "reserved_1y",
            Kind::Reserved3y => "reserved_3y",
            Kind::CapacityBlock => "capacity_block",
            Kind::Taas => "taas",
        }
    }
}

/// Inputs of owning.
#[derive(Debug, Clone, PartialEq)]
pub struct Own {
    /// Price of a node \[USD\] (NVL72: a rack over its trays).
    pub node_usd: In,
    /// Network: switches, optics and cables \[USD\] for the whole cluster.
    pub network_usd: In,
    /// Installation and integration, share of hardware.
    pub install_share: In,
    /// Spares bought up front, share of hardware.
    pub spares_share: In,
    /// Depreciation life \[years\].
    pub life_years: In,
    /// Residual value at the end of life, share of hardware.
    pub residual_share: In,
    /// Hall: construction \[USD per IT watt\] or `None` for colocation.
    pub build_usd_per_w: Option<In>,
    /// Liquid-cooling plant \[USD per kW\] (built halls).
    pub liquid_usd_per_kw: Option<In>,
    /// Building life \[years\].
    pub building_life_years: In,
    /// Colocation \[USD per kW-month\] (when not built).
    pub colo_usd_per_kw_month: Option<In>,
    /// PUE.
    pub pue: In,
    /// Electricity \[USD/kWh\].
    pub usd_per_kwh: In,
    /// Hardware maintenance, share of hardware per year.
    pub maintenance_share: In,
    /// Software and support, share of hardware per year.
    pub software_share: In,
    /// Insurance, share of hardware per year.
    pub insurance_share: In,
    /// Staff \[FTE per 1,000 GPUs\].
    pub fte_per_1000_gpus: In,
    /// Storage platform \[USD per TB-month\].
    pub storage_usd_per_tb_month: In,
}

/// One option.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpec {
    /// Name.
    pub name: String,
    /// Kind and its own inputs.
    pub kind: Kind,
    /// Price \[USD per GPU-hour\] (rentals; TaaS per useful GPU-hour).
    pub usd_per_gpu_hour: Option<In>,
    /// Egress tiers of the provider (rentals).
    pub egress: Egress,
    /// The option moves to another provider at `move_year` (lock-in costs apply).
    pub moves: bool,
    /// A multi-cloud split: each part's price input and share of the GPU-hours
    /// (replaces `usd_per_gpu_hour`); the data set and checkpoints are copied
    /// out of the first provider to each other one at the start.
    pub split: Vec<(In, f64)>,
    /// Egress of that start-of-run copy.
    pub copy_egress: Egress,
    /// Provider storage \[USD per TB-month\] (rentals).
    pub storage_usd_per_tb_month: Option<In>,
    /// The tenant's own platform staff \[FTE per 1,000 GPUs\] (rentals but TaaS).
    pub fte_per_1000_gpus: Option<In>,
}

impl OptionSpec {
    /// Owning.
    pub fn own(name: &str, own: Own) -> OptionSpec {
        OptionSpec {
            name: name.to_owned(),
            kind: Kind::Own(own),
            usd_per_gpu_hour: None,
            egress: Egress::default(),
            moves: false,
            split: Vec::new(),
            copy_egress: Egress::default(),
            storage_usd_per_tb_month: None,
            fte_per_1000_gpus: None,
        }
    }

    /// A rental of `kind` at the price input `price`, leaving through
    /// `egress` when the comparison has a move.
    pub fn rental(name: &str, kind: Kind, price: In, egress: Egress) -> OptionSpec {
        OptionSpec {
            name: name.to_owned(),
            kind,
            usd_per_gpu_hour: Some(price),
            egress,
            moves: true,
            split: Vec::new(),
            copy_egress: Egress::default(),
            storage_usd_per_tb_month: None,
            fte_per_1000_gpus: None,
        }
    }
}

/// What every option shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Common {
    /// GPUs.
    pub gpus: f64,
    /// GPUs per node (the unit a node price buys).
    pub gpus_per_node: f64,
    /// Years compared.
    pub horizon_years: f64,
    /// Cost of capital.
    pub wacc: In,
    /// Share of GPU-hours with work.
    pub utilization: In,
    /// Share of allocated GPU-hours that is useful (after failures, restarts, checkpoints).
    pub goodput: In,
    /// IT power per GPU: busy, idle \[kW\], and the fixed rest \[kW\] (switches, storage).
    pub kw_busy_per_gpu: f64,
    /// Idle IT power per GPU \[kW\].
    pub kw_idle_per_gpu: f64,
    /// Always-on IT power \[kW\].
    pub kw_fixed: f64,
    /// IT capacity the hall is built for \[kW\].
    pub kw_capacity: f64,
    /// Sustained model FLOP/s per busy GPU (for EF-hours) \[FLOP/s\].
    pub flops_per_gpu: f64,
    /// Training tokens per useful GPU-hour.
    pub tokens_per_gpu_hour: f64,
    /// GPU-hours of useful work one training run needs.
    pub gpu_hours_per_run: f64,
    /// Training data \[TB\].
    pub data_tb: In,
    /// Checkpoints kept \[TB\].
    pub checkpoint_tb: In,
    /// Year of the move to another provider, if any.
    pub move_year: Option<f64>,
    /// Re-engineering effort of a move \[FTE-months\].
    pub reengineering_fte_months: In,
    /// Months of paying two providers while moving.
    pub overlap_months: In,
    /// Loaded cost of an engineer \[USD per year\].
    pub fte_usd_per_year: In,
}

/// One option's metrics on one draw.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// Undiscounted total \[USD\].
    pub total_usd: f64,
    /// Present value \[USD\].
    pub npv_usd: f64,
    /// Levelised cost of a GPU-hour paid for or owned.
    pub usd_per_gpu_hour: f64,
    /// Levelised cost of a useful GPU-hour.
    pub usd_per_useful_gpu_hour: f64,
    /// Per useful exaFLOP-hour (sustained model FLOPs).
    pub usd_per_useful_eflop_hour: f64,
    /// Per million trained tokens.
    pub usd_per_million_tokens: f64,
    /// Per training run.
    pub usd_per_run: f64,
    /// Lock-in: egress, re-engineering and overlap of a move \[USD\].
    pub lock_in_usd: f64,
    /// Energy alone \[USD\] (owning).
    pub energy_usd: f64,
}

const HOURS_PER_YEAR: f64 = 8760.0;

/// Present value of 1 per year paid continuously over years `0..n` at rate `r` (yearly steps).
fn annuity(r: f64, n: f64) -> f64 {
    let whole = n.floor() as u32;
    let mut pv = 0.0;
    for y in 0..whole {
        pv += 1.0 / (1.0 + r).powf(f64::from(y) + 0.5);
    }
    let part = n - f64::from(whole);
    if part > 0.0 {
        pv += part / (1.0 + r).powf(f64::from(whole) + part / 2.0);
    }
    pv
}

/// Capital recovery factor: the yearly payment that repays 1 over `n` years at `r`.
fn capital_recovery(r: f64, n: f64) -> f64 {
    if r <= 0.0 {
        return 1.0 / n.max(1e-9);
    }
    r / (1.0 - (1.0 + r).powf(-n.max(1e-9)))
}

/// Costs every option on one draw `x` of the inputs.
pub fn evaluate(c: &Common, options: &[OptionSpec], x: &[f64]) -> Vec<Metrics> {
    options.iter().map(|o| evaluate_one(c, o, x)).collect()
}

/// An option's money over the horizon on one draw, before discounting.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Flows {
    /// Paid at the start \[USD\].
    upfront: f64,
    /// Purchases again every `refresh_years` after the start (owning) \[USD\].
    refresh: f64,
    /// Years between purchases.
    refresh_years: f64,
    /// Paid every year \[USD\].
    per_year: f64,
    /// Years the yearly payment runs (a reservation's whole terms).
    paid_years: f64,
    /// Received at the horizon (hardware sold) \[USD\].
    end_credit: f64,
    /// GPU-hours delivered per year (owned, paid or useful for TaaS).
    delivered_year: f64,
    /// Energy per year \[USD\] (owning).
    energy_year: f64,
}

/// What the option pays, before lock-in.
fn flows(c: &Common, o: &OptionSpec, x: &[f64]) -> Flows {
    let r = x[c.wacc];
    let h = c.horizon_years;
    let u = x[c.utilization].clamp(0.0, 1.0);
    let g = x[c.goodput].clamp(0.0, 1.0);
    let gpu_hours_year = c.gpus * HOURS_PER_YEAR;
    let fte_usd = x[c.fte_usd_per_year];
    let stored_tb = x[c.data_tb] + x[c.checkpoint_tb];
    match &o.kind {
        Kind::Own(w) => {
            let hardware = x[w.node_usd] * c.gpus / c.gpus_per_node.max(1.0) + x[w.network_usd];
            let purchase = hardware * (1.0 + x[w.install_share] + x[w.spares_share]);
            let life = x[w.life_years].max(1.0);
            let resid_share = x[w.residual_share];
            // Bought again at the end of each life; the last purchase is sold at the horizon,
            // straight-line to its residual.
            let age = h - life * ((h / life).ceil() - 1.0).max(0.0);
            let left = (1.0 - (age / life).min(1.0)) * (1.0 - resid_share) + resid_share;
            let it_kw = c.gpus * (u * c.kw_busy_per_gpu + (1.0 - u) * c.kw_idle_per_gpu) + c.kw_fixed;
            let energy_year = it_kw * HOURS_PER_YEAR * x[w.pue] * x[w.usd_per_kwh];
            let hall_year = match (w.build_usd_per_w, w.colo_usd_per_kw_month) {
                (Some(b), _) => {
                    let build = x[b] * c.kw_capacity * 1e3 + w.liquid_usd_per_kw.map_or(0.0, |l| x[l] * c.kw_capacity);
                    build * capital_recovery(r, x[w.building_life_years])
                }
                (None, Some(colo)) => x[colo] * c.kw_capacity * 12.0,
                (None, None) => 0.0,
            };
            let shares = x[w.maintenance_share] + x[w.software_share] + x[w.insurance_share];
            let staff = x[w.fte_per_1000_gpus] * c.gpus / 1e3 * fte_usd;
            let storage = x[w.storage_usd_per_tb_month] * stored_tb * 12.0;
            Flows {
                upfront: purchase,
                refresh: purchase,
                refresh_years: life,
                per_year: energy_year + hall_year + shares * hardware + staff + storage,
                paid_years: h,
                end_credit: hardware * left,
                delivered_year: gpu_hours_year,
                energy_year,
            }
        }
        kind => {
            let price = if o.split.is_empty() {
                o.usd_per_gpu_hour.map_or(0.0, |p| x[p])
            } else {
                o.split.iter().map(|&(p, share)| share * x[p]).sum()
            };
            let used_year = gpu_hours_year * u;
            // Whole terms: a 3-year reservation over a 5-year horizon commits to 6.
            let (paid_gpu_hours, delivered, years) = match kind {
                Kind::Reserved1y => (gpu_hours_year, gpu_hours_year, h.ceil()),
                Kind::Reserved3y => (gpu_hours_year, gpu_hours_year, (h / 3.0).ceil() * 3.0),
                Kind::Taas => (used_year * g, used_year * g, h),
                _ => (used_year, used_year, h),
            };
            // The data set lives in the provider's storage; the tenant keeps a platform team
            // (training as a service needs none).
            let storage = o.storage_usd_per_tb_month.map_or(0.0, |s| x[s]) * stored_tb * 12.0;
            let staff = if matches!(kind, Kind::Taas) {
                0.0
            } else {
                o.fte_per_1000_gpus.map_or(0.0, |f| x[f]) * c.gpus / 1e3 * fte_usd
            };
            Flows {
                per_year: paid_gpu_hours * price + storage + staff,
                paid_years: years,
                delivered_year: delivered,
                ..Flows::default()
            }
        }
    }
}

/// Present value of `amount` paid at the start of each period of `every`
/// years from 0 while before `h`, at rate `r`.
fn pv_every(amount: f64, every: f64, h: f64, r: f64) -> (f64, f64) {
    let (mut total, mut pv, mut t) = (0.0, 0.0, 0.0);
    while t < h - 1e-9 {
        total += amount;
        pv += amount / (1.0 + r).powf(t);
        t += every.max(1.0);
    }
    (total, pv)
}

/// One option's metrics at one point of the inputs (`x` in [`Inputs`] order).
pub fn evaluate_one(c: &Common, o: &OptionSpec, x: &[f64]) -> Metrics {
    let r = x[c.wacc];
    let h = c.horizon_years;
    let u = x[c.utilization].clamp(0.0, 1.0);
    let g = x[c.goodput].clamp(0.0, 1.0);
    let f = flows(c, o, x);
    let (bought, bought_pv) = if f.upfront > 0.0 { pv_every(f.upfront, f.refresh_years, h, r) } else { (0.0, 0.0) };
    let mut total = bought + f.per_year * f.paid_years - f.end_credit;
    let mut npv = bought_pv + f.per_year * annuity(r, f.paid_years) - f.end_credit / (1.0 + r).powf(h);
    let fte_usd = x[c.fte_usd_per_year];
    // Lock-in: a split keeps a copy of the data in every cloud; leaving at `move_year` moves it.
    let mut lock_in = 0.0;
    if o.split.len() > 1 {
        let copies = (o.split.len() - 1) as f64;
        let copy = o.copy_egress.cost((x[c.data_tb] + x[c.checkpoint_tb]) * copies);
        lock_in += copy;
        total += copy;
        npv += copy;
    }
    if let (true, Some(year)) = (o.moves, c.move_year.filter(|y| *y < h)) {
        let moved = x[c.data_tb] + x[c.checkpoint_tb];
        let egress = if o.egress.exit_waiver { 0.0 } else { o.egress.cost(moved) };
        let staff = x[c.reengineering_fte_months] / 12.0 * fte_usd;
        let overlap = x[c.overlap_months] * f.per_year / 12.0;
        let leave = egress + staff + overlap;
        lock_in += leave;
        total += leave;
        npv += leave / (1.0 + r).powf(year);
    }
    let pv_delivered = f.delivered_year * annuity(r, h);
    // Owned and reserved hours are paid whether used or not; on demand only used ones are.
    let useful_share = match o.kind {
        Kind::Taas => 1.0,
        Kind::Own(_) | Kind::Reserved1y | Kind::Reserved3y => u * g,
        Kind::OnDemand | Kind::CapacityBlock => g,
    };
    let pv_useful = pv_delivered * useful_share;
    let per = |pv: f64| if pv > 0.0 { npv / pv } else { f64::INFINITY };
    let per_useful = per(pv_useful);
    Metrics {
        total_usd: total,
        npv_usd: npv,
        usd_per_gpu_hour: per(pv_delivered),
        usd_per_useful_gpu_hour: per_useful,
        // NaN when no training job gives FLOPs or tokens (NaN.max() would hide it).
        usd_per_useful_eflop_hour: per_useful / (c.flops_per_gpu / 1e18),
        usd_per_million_tokens: per_useful / (c.tokens_per_gpu_hour / 1e6),
        usd_per_run: per_useful * c.gpu_hours_per_run,
        lock_in_usd: lock_in,
        energy_usd: f.energy_year * h,
    }
}

/// A metric's 10th, 50th and 90th percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct P3 {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl P3 {
    /// Percentiles of `v` (nearest rank on the sorted values).
    pub fn of(mut v: Vec<f64>) -> P3 {
        if v.is_empty() {
            return P3::default();
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
        P3 { p10: at(0.1), p50: at(0.5), p90: at(0.9) }
    }
}

/// Latin-hypercube strata: for each uncertain input, a shuffle of `0..n`
/// (Fisher-Yates keyed by the seed and the input), so every input visits each
/// of its `n` strata once and inputs are independent of each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Strata {
    perms: Vec<Vec<u32>>,
    seed: u64,
    n: usize,
}

impl Strata {
    /// Strata for `n` draws of `inputs`.
    pub fn new(inputs: &Inputs, seed: u64, n: usize) -> Strata {
        let perms = (0..inputs.dists.len())
            .map(|k| {
                let mut p: Vec<u32> = (0..n as u32).collect();
                let mut state = mix(seed, k as u64 + 0x5EED);
                for i in (1..n).rev() {
                    state = mix(state, i as u64);
                    let j = (state % (i as u64 + 1)) as usize;
                    p.swap(i, j);
                }
                p
            })
            .collect();
        Strata { perms, seed, n }
    }

    /// Draw `i`: each input at a random point of its stratum; with one draw,
    /// every input at its median.
    pub fn draw(&self, inputs: &Inputs, i: usize) -> Vec<f64> {
        inputs
            .dists
            .iter()
            .enumerate()
            .map(|(k, d)| {
                if !d.is_uncertain() || self.n == 1 {
                    return d.median();
                }
                let jitter = unit(mix(mix(self.seed, k as u64), i as u64 + 1));
                d.quantile((f64::from(self.perms[k][i]) + jitter) / self.n as f64)
            })
            .collect()
    }
}

/// One draw of every input (builds the strata; use [`Strata`] for many).
pub fn draw(inputs: &Inputs, seed: u64, samples: usize, i: usize) -> Vec<f64> {
    Strata::new(inputs, seed, samples).draw(inputs, i)
}

/// SplitMix64 finaliser of `a` and `b`.
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform in \[0, 1) from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The Monte Carlo: every option's metrics on `samples` draws, computed in
/// parallel and returned in draw order.
pub fn monte_carlo(
    c: &Common,
    options: &[OptionSpec],
    inputs: &Inputs,
    seed: u64,
    samples: usize,
) -> Vec<Vec<Metrics>> {
    use rayon::prelude::*;
    let strata = Strata::new(inputs, seed, samples);
    (0..samples).into_par_iter().map(|i| evaluate(c, options, &strata.draw(inputs, i))).collect()
}

/// The input that swings a decision most: `decision(x)` evaluated with one
/// input at its 10th and then 90th percentile, the rest at their medians.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Swing {
    /// Input.
    pub input: String,
    /// Decision value with the input at its 10th percentile.
    pub at_p10: f64,
    /// At its 90th.
    pub at_p90: f64,
    /// |at_p90 - at_p10|.
    pub swing: f64,
}

/// Tornado: every uncertain input's swing of `decision`, largest first.
pub fn tornado(inputs: &Inputs, decision: impl Fn(&[f64]) -> f64) -> Vec<Swing> {
    let base = inputs.medians();
    let mut out: Vec<Swing> = inputs
        .dists
        .iter()
        .enumerate()
        .filter(|(_, d)| d.is_uncertain())
        .map(|(k, d)| {
            let mut x = base.clone();
            x[k] = d.quantile(0.1);
            let lo = decision(&x);
            x[k] = d.quantile(0.9);
            let hi = decision(&x);
            Swing { input: inputs.names[k].clone(), at_p10: lo, at_p90: hi, swing: (hi - lo).abs() }
        })
        .collect();
    out.sort_by(|a, b| b.swing.total_cmp(&a.swing).then_with(|| a.input.cmp(&b.input)));
    out
}

/// Where owning's cost per useful GPU-hour meets a rental's as utilization varies.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Crossover {
    /// Owning is cheaper above this utilization.
    At(f64),
    /// Owning is cheaper at any utilization from 1% (a reservation pays idle hours too).
    OwnAlwaysCheaper,
    /// Owning is dearer even fully used.
    RentAlwaysCheaper,
}

/// The utilization at which owning's cost per useful GPU-hour equals
/// `rental`'s, everything else at `x`.
pub fn break_even_utilization(c: &Common, own: &OptionSpec, rental: &OptionSpec, x: &[f64]) -> Crossover {
    let gap = |u: f64| {
        let mut y = x.to_vec();
        y[c.utilization] = u;
        evaluate_one(c, own, &y).usd_per_useful_gpu_hour - evaluate_one(c, rental, &y).usd_per_useful_gpu_hour
    };
    let (mut lo, mut hi) = (0.01, 1.0);
    if gap(hi) > 0.0 {
        return Crossover::RentAlwaysCheaper;
    }
    if gap(lo) <= 0.0 {
        return Crossover::OwnAlwaysCheaper;
    }
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if gap(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Crossover::At((lo + hi) / 2.0)
}

/// Simple payback: months after which owning's purchase is repaid by what
/// it saves each month against `rental`, undiscounted, before resale and
/// lock-in; `None` if never within the horizon.
pub fn break_even_months(c: &Common, own: &OptionSpec, rental: &OptionSpec, x: &[f64]) -> Option<f64> {
    let o = flows(c, own, x);
    let r = flows(c, rental, x);
    let saving = (r.per_year - o.per_year) / 12.0;
    (saving > 0.0).then(|| o.upfront / saving).filter(|m| *m <= c.horizon_years * 12.0)
}

pub mod example;
#[cfg(test)]
mod tests;
