//! `[simulation]`: days, reliability, checkpoints, stragglers and the job
//! sources (a synthetic mix, frontier runs, a trace), checked with spans.

use super::validate::Validator;
use super::wire::SimulationWire;
use crate::catalog::fmt_num;
use crate::diag::Diagnostic;
use serde::Serialize;
use toml::Spanned;

/// Share of a multi-domain job's step spent in exposed scale-out traffic at
/// full bandwidth. ASSUMED 0.2: data-parallel gradient traffic mostly hidden
/// behind compute, as in the training model's plans for large runs.
pub const DEFAULT_COMM_SHARE: f64 = 0.2;

/// How much more often a lemon fails. ASSUMED 10 (range 3-50): Meta's RSC
/// study finds lemons by repeat failures but gives no rate ratio.
pub const DEFAULT_LEMON_FACTOR: f64 = 10.0;
/// Failures after which a lemon is retired. ASSUMED: three strikes.
pub const DEFAULT_LEMON_REMOVAL_FAILURES: u32 = 3;
/// Time to replace a leaf or spine switch or fail its links over \[h\].
/// ASSUMED 4 (range 1-24): switches are hot-swappable and spared on site.
pub const DEFAULT_SWITCH_REPAIR_HOURS: f64 = 4.0;
/// Checkpoint bytes per parameter: bf16 weights (2) + fp32 master weights
/// and Adam moments (12), the mixed-precision layout of Megatron-LM.
pub const DEFAULT_BYTES_PER_PARAM: f64 = 14.0;

/// Longest simulation \[days\]: a decade.
pub const MAX_DAYS: f64 = 3650.0;
/// Most jobs a synthetic mix may submit (memory grows with them).
pub const MAX_MIX_JOBS: u32 = 2_000_000;

/// A node failure cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureCause {
    /// Name.
    pub name: String,
    /// Share of node failures.
    pub share: f64,
    /// Repair time \[h\].
    pub repair_hours: f64,
}

/// A synthetic multi-tenant job mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mix {
    /// Jobs to submit.
    pub jobs: u32,
    /// Mean time between arrivals (Poisson) \[s\].
    pub mean_interarrival_s: f64,
    /// GPU counts and their weights.
    pub gpus: Vec<(u32, f64)>,
    /// Median run time at full speed \[h\] (lognormal).
    pub median_hours: f64,
    /// Lognormal sigma.
    pub sigma: f64,
    /// Mean jobs per burst (1 = Poisson arrivals; above 1, bursts of
    /// geometrically many jobs submitted together, same mean rate).
    pub burst_mean: f64,
    /// Share of jobs submitted at high priority.
    pub high_priority_share: f64,
}

/// A frontier run in the mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frontier {
    /// GPUs.
    pub gpus: u32,
    /// Run time at full speed, without failures \[h\].
    pub hours: f64,
    /// Submission time \[h\].
    pub submit_hours: f64,
    /// Parameters, for the checkpoint size \[billions\].
    pub params_billions: f64,
    /// Queued ahead of normal jobs, and may preempt them (default true).
    pub high_priority: bool,
    /// GPUs per tensor-parallel group, kept inside one scale-up domain (default 8).
    pub tp: u32,
}

impl Simulation {
    /// Sets an input that a range made uncertain (its dotted key, as in
    /// [`Simulation::uncertain`]) to a drawn value; false for a key that is
    /// not such an input.
    pub fn set_input(&mut self, key: &str, x: f64) -> bool {
        let Some(name) = key.strip_prefix("simulation.") else { return false };
        if let Some(f) = name.strip_prefix("mix.") {
            let Some(m) = self.mix.as_mut() else { return false };
            let field = match f {
                "mean_interarrival_s" => &mut m.mean_interarrival_s,
                "median_hours" => &mut m.median_hours,
                "sigma" => &mut m.sigma,
                "burst_mean" => &mut m.burst_mean,
                "high_priority_share" => &mut m.high_priority_share,
                _ => return false,
            };
            *field = x;
            return true;
        }
        if name == "checkpoint.interval_minutes" {
            self.checkpoint_minutes = Some(x);
            return true;
        }
        let field = match name {
            "network.comm_share" => &mut self.comm_share,
            "reliability.node_failures_per_1000_node_days" => &mut self.failures_per_1000_node_days,
            "reliability.repair_hours" => &mut self.repair_hours,
            "reliability.restart_minutes" => &mut self.restart_minutes,
            "reliability.weibull_shape" => &mut self.weibull_shape,
            "reliability.lemon_factor" => &mut self.lemon_factor,
            "reliability.domain_failures_per_1000_domain_days" => &mut self.domain_failures_per_1000_domain_days,
            "reliability.leaf_failures_per_1000_switch_days" => &mut self.leaf_failures_per_1000_switch_days,
            "reliability.spine_failures_per_1000_switch_days" => &mut self.spine_failures_per_1000_switch_days,
            "reliability.spine_repair_hours" => &mut self.spine_repair_hours,
            "reliability.leaf_repair_hours" => &mut self.leaf_repair_hours,
            "reliability.domain_repair_hours" => &mut self.domain_repair_hours,
            "checkpoint.storage_gb_per_s" => &mut self.storage_gb_per_s,
            "checkpoint.bytes_per_param" => &mut self.bytes_per_param,
            "stragglers.rank_jitter" => &mut self.rank_jitter,
            "stragglers.slow_episodes_per_1000_node_days" => &mut self.slow_episodes_per_1000_node_days,
            "stragglers.slow_factor" => &mut self.slow_factor,
            "stragglers.slow_detect_hours" => &mut self.slow_detect_hours,
            _ => return false,
        };
        *field = x;
        true
    }
}

/// A validated `[simulation]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    /// Simulated days.
    pub days: f64,
    /// Node failures per 1,000 node-days (a single run's; a range's median).
    pub failures_per_1000_node_days: f64,
    /// The rate as given, a number or a range, for replications to draw
    /// from; `None` when the scenario leaves it to the built-in default.
    #[serde(skip)]
    pub failure_rate: Option<crate::model::tco::Dist>,
    /// Other inputs given as ranges (`simulation.reliability.restart_minutes`, ...), which
    /// replications draw from; a single run takes each one's median.
    #[serde(skip)]
    pub uncertain: Vec<(String, crate::model::tco::Dist)>,
    /// Weibull shape of time to failure (1 = exponential).
    pub weibull_shape: f64,
    /// Mean repair time \[h\]: given, or the causes' weighted mean.
    pub repair_hours: f64,
    /// Failure causes with their shares and repair times; empty when the
    /// scenario gives one `repair_hours` for all.
    pub causes: Vec<FailureCause>,
    /// Restart overhead after an interruption \[min\].
    pub restart_minutes: f64,
    /// Spare nodes that replace a failed one at once.
    pub hot_spare_nodes: u32,
    /// "Lemon" nodes that fail `lemon_factor` times as often as the rest.
    pub lemon_nodes: u32,
    /// How much more often a lemon fails.
    pub lemon_factor: f64,
    /// Failures after which a lemon is taken out of service for good (0: never).
    pub lemon_removal_failures: u32,
    /// Whole scale-up domain failures (rack power shelf, switch tray, coolant) per 1,000 domain-days.
    pub domain_failures_per_1000_domain_days: f64,
    /// Repair time of a whole domain \[h\].
    pub domain_repair_hours: f64,
    /// Leaf switch failures per 1,000 switch-days.
    pub leaf_failures_per_1000_switch_days: f64,
    /// Time to replace a leaf switch or fail its links over \[h\].
    pub leaf_repair_hours: f64,
    /// Spine switch failures per 1,000 switch-days.
    pub spine_failures_per_1000_switch_days: f64,
    /// Time to replace a spine switch \[h\].
    pub spine_repair_hours: f64,
    /// Checkpoint interval \[min\]; `None` = Young/Daly optimal.
    pub checkpoint_minutes: Option<f64>,
    /// Checkpoint storage bandwidth \[GB/s\].
    pub storage_gb_per_s: f64,
    /// Checkpoint bytes per parameter (bf16 weights + fp32 Adam: 14).
    pub bytes_per_param: f64,
    /// Coefficient of variation of each rank's step time.
    pub rank_jitter: f64,
    /// Slow-node episodes per 1,000 node-days (a node runs slow until detected).
    pub slow_episodes_per_1000_node_days: f64,
    /// Speed of a job with a slow node, as a share of full speed.
    pub slow_factor: f64,
    /// Time to detect and drain a slow node \[h\].
    pub slow_detect_hours: f64,
    /// Synthetic mix.
    pub mix: Option<Mix>,
    /// Frontier runs.
    pub frontier: Vec<Frontier>,
    /// Trace path.
    pub trace: Option<String>,
    /// Queue discipline.
    pub scheduler: Scheduler,
    /// High-priority jobs preempt normal ones when they cannot start.
    pub preemption: bool,
    /// Share the fabric among multi-domain jobs with the max-min flow model.
    pub contention: bool,
    /// Share of a multi-domain job's step spent in scale-out traffic at full bandwidth.
    pub comm_share: f64,
}

/// How queued jobs are started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheduler {
    /// First come, first served: nothing passes a blocked head.
    Fifo,
    /// EASY backfill: later jobs start if they do not delay the head.
    Easy,
}

impl Scheduler {
    /// The one name table.
    pub const NAMES: [(&'static str, Scheduler); 2] = [("fifo", Self::Fifo), ("easy", Self::Easy)];
}

/// Most failures (or slow episodes) per 1,000 unit-days: every unit, every day.
const MAX_RATE: f64 = 1000.0;
/// Hours in a year.
const HOURS_PER_YEAR: f64 = 8760.0;

impl Validator<'_> {
    pub(super) fn simulation(&mut self, w: SimulationWire, cluster_gpus: Option<u32>) -> Option<Simulation> {
        let before = self.problems_len();
        // Inputs given as ranges: drawn per replication; a single run takes each one's median.
        let mut uncertain = Vec::new();
        let comm_share = self.ranged(
            &mut uncertain,
            &w.network.comm_share,
            "simulation.network.comm_share",
            0.0,
            1.0,
            DEFAULT_COMM_SHARE,
        );
        let d = crate::data::reliability_defaults();
        let days = self.pos_or(&w.days, "simulation.days", 30.0);
        self.at_most(&w.days, "simulation.days", MAX_DAYS, "a decade is the longest run simulated");
        let r = &w.reliability;
        // A number, or a range (`{ low, high }`, `{ low, mode, high }`, lognormal by P5/P95) that
        // `simulate --replications` draws from; a single run takes its median.
        let failure_rate = self.dist(
            &r.node_failures_per_1000_node_days,
            "simulation.reliability.node_failures_per_1000_node_days",
            0.0,
            Some(MAX_RATE),
            1.0,
        );
        let rate = failure_rate.map_or(d.node_failures_per_1000_node_days.value, |x| x.median());
        let causes: Vec<FailureCause> = if r.repair_hours.is_some() {
            Vec::new()
        } else {
            d.cause
                .iter()
                .map(|c| FailureCause { name: c.name.clone(), share: c.share, repair_hours: c.repair_hours })
                .collect()
        };
        let mean_repair = causes.iter().map(|c| c.share * c.repair_hours).sum::<f64>();
        let shape =
            self.ranged(&mut uncertain, &r.weibull_shape, "simulation.reliability.weibull_shape", 1e-3, 20.0, 1.0);
        let repair = self.ranged(
            &mut uncertain,
            &r.repair_hours,
            "simulation.reliability.repair_hours",
            1e-3,
            HOURS_PER_YEAR,
            mean_repair,
        );
        let restart = self.ranged(
            &mut uncertain,
            &r.restart_minutes,
            "simulation.reliability.restart_minutes",
            0.0,
            10_080.0,
            d.restart_minutes.value,
        );
        let spares = self.whole(&r.hot_spare_nodes, "simulation.reliability.hot_spare_nodes", 0);
        let lemons = self.whole(&r.lemon_nodes, "simulation.reliability.lemon_nodes", 0);
        let lemon_factor = self.ranged(
            &mut uncertain,
            &r.lemon_factor,
            "simulation.reliability.lemon_factor",
            1e-3,
            1000.0,
            DEFAULT_LEMON_FACTOR,
        );
        let lemon_removal = self.whole(
            &r.lemon_removal_failures,
            "simulation.reliability.lemon_removal_failures",
            DEFAULT_LEMON_REMOVAL_FAILURES,
        );
        let r_ = "simulation.reliability.";
        let domain_rate = self.ranged(
            &mut uncertain,
            &r.domain_failures_per_1000_domain_days,
            &format!("{r_}domain_failures_per_1000_domain_days"),
            0.0,
            MAX_RATE,
            0.0,
        );
        let leaf_rate = self.ranged(
            &mut uncertain,
            &r.leaf_failures_per_1000_switch_days,
            &format!("{r_}leaf_failures_per_1000_switch_days"),
            0.0,
            MAX_RATE,
            0.0,
        );
        let spine_rate = self.ranged(
            &mut uncertain,
            &r.spine_failures_per_1000_switch_days,
            &format!("{r_}spine_failures_per_1000_switch_days"),
            0.0,
            MAX_RATE,
            0.0,
        );
        let spine_repair = self.ranged(
            &mut uncertain,
            &r.spine_repair_hours,
            &format!("{r_}spine_repair_hours"),
            1e-3,
            HOURS_PER_YEAR,
            DEFAULT_SWITCH_REPAIR_HOURS,
        );
        let leaf_repair = self.ranged(
            &mut uncertain,
            &r.leaf_repair_hours,
            &format!("{r_}leaf_repair_hours"),
            1e-3,
            HOURS_PER_YEAR,
            DEFAULT_SWITCH_REPAIR_HOURS,
        );
        let domain_repair = self.ranged(
            &mut uncertain,
            &r.domain_repair_hours,
            &format!("{r_}domain_repair_hours"),
            1e-3,
            HOURS_PER_YEAR,
            repair,
        );
        let c = &w.checkpoint;
        let interval = c.interval_minutes.is_some().then(|| {
            self.ranged(
                &mut uncertain,
                &c.interval_minutes,
                "simulation.checkpoint.interval_minutes",
                1e-3,
                525_600.0,
                60.0,
            )
        });
        let storage = self.ranged(
            &mut uncertain,
            &c.storage_gb_per_s,
            "simulation.checkpoint.storage_gb_per_s",
            1e-3,
            1e6,
            d.storage_gb_per_s.value,
        );
        let bpp = self.ranged(
            &mut uncertain,
            &c.bytes_per_param,
            "simulation.checkpoint.bytes_per_param",
            1e-3,
            64.0,
            DEFAULT_BYTES_PER_PARAM,
        );
        let jitter =
            self.ranged(&mut uncertain, &w.stragglers.rank_jitter, "simulation.stragglers.rank_jitter", 0.0, 10.0, 0.0);
        let st = &w.stragglers;
        let s_ = "simulation.stragglers.";
        let slow_rate = self.ranged(
            &mut uncertain,
            &st.slow_episodes_per_1000_node_days,
            &format!("{s_}slow_episodes_per_1000_node_days"),
            0.0,
            MAX_RATE,
            0.0,
        );
        let slow_factor =
            self.ranged(&mut uncertain, &st.slow_factor, &format!("{s_}slow_factor"), 1e-3, 1.0, d.slow_factor.value);
        let slow_detect = self.ranged(
            &mut uncertain,
            &st.slow_detect_hours,
            &format!("{s_}slow_detect_hours"),
            1e-3,
            HOURS_PER_YEAR,
            d.slow_detect_hours.value,
        );
        let mix = w.mix.map(|m| self.mix(m, cluster_gpus, &mut uncertain));
        let frontier = w.frontier.into_iter().map(|f| self.frontier(f, cluster_gpus)).collect();
        let scheduler = self.named(&w.scheduler, "simulation.scheduler", &Scheduler::NAMES, Scheduler::Easy);
        (self.problems_len() == before).then(|| Simulation {
            days,
            failures_per_1000_node_days: rate,
            failure_rate,
            uncertain,
            weibull_shape: shape,
            repair_hours: repair,
            causes,
            restart_minutes: restart,
            hot_spare_nodes: spares,
            lemon_nodes: lemons,
            lemon_factor,
            lemon_removal_failures: lemon_removal,
            domain_failures_per_1000_domain_days: domain_rate,
            domain_repair_hours: domain_repair,
            leaf_failures_per_1000_switch_days: leaf_rate,
            leaf_repair_hours: leaf_repair,
            spine_failures_per_1000_switch_days: spine_rate,
            spine_repair_hours: spine_repair,
            checkpoint_minutes: interval,
            storage_gb_per_s: storage,
            bytes_per_param: bpp,
            rank_jitter: jitter,
            slow_episodes_per_1000_node_days: slow_rate,
            slow_factor,
            slow_detect_hours: slow_detect,
            mix: mix.flatten(),
            frontier,
            trace: w.trace.map(|t| t.path.into_inner()),
            scheduler: scheduler.unwrap_or(Scheduler::Easy),
            preemption: w.preemption.unwrap_or(false),
            contention: w.network.contention.unwrap_or(true),
            comm_share,
        })
    }

    /// A number or a range for `key` (from `min` to `max`; `default` when
    /// absent): a range goes into `uncertain` for replications to draw,
    /// and a single run takes its median.
    fn ranged(
        &mut self,
        uncertain: &mut Vec<(String, crate::model::tco::Dist)>,
        w: &Option<Spanned<super::tco::DistWire>>,
        key: &str,
        min: f64,
        max: f64,
        default: f64,
    ) -> f64 {
        match self.dist(w, key, min, Some(max), 1.0) {
            Some(x) => {
                if !matches!(x, crate::model::tco::Dist::Fixed(_)) {
                    uncertain.push((key.to_owned(), x));
                }
                x.median()
            }
            None => default,
        }
    }

    fn mix(
        &mut self,
        m: Spanned<super::wire::MixWire>,
        cluster_gpus: Option<u32>,
        uncertain: &mut Vec<(String, crate::model::tco::Dist)>,
    ) -> Option<Mix> {
        let span = m.span();
        let m = m.into_inner();
        let jobs = self.count(&m.jobs, "simulation.mix.jobs");
        if let Some(j) = jobs.filter(|&j| j > MAX_MIX_JOBS) {
            self.problem(
                Diagnostic::at(m.jobs.span(), format!("`simulation.mix.jobs` is {j}, more than {MAX_MIX_JOBS}"))
                    .with_help("a year of a 100,000-GPU cluster is about 100,000 jobs"),
            );
        }
        let ia = self.ranged(
            uncertain,
            &Some(m.mean_interarrival_s.clone()),
            "simulation.mix.mean_interarrival_s",
            1e-3,
            3.2e8,
            1.0,
        );
        let median = self.ranged(
            uncertain,
            &Some(m.median_hours.clone()),
            "simulation.mix.median_hours",
            1e-3,
            HOURS_PER_YEAR,
            1.0,
        );
        let sigma = self.ranged(uncertain, &m.sigma, "simulation.mix.sigma", 0.0, 10.0, 1.0);
        let burst = self.ranged(uncertain, &m.burst_mean, "simulation.mix.burst_mean", 1.0, 1e6, 1.0);
        let share = self.ranged(uncertain, &m.high_priority_share, "simulation.mix.high_priority_share", 0.0, 1.0, 0.0);

        let (g, w) = (m.gpus.get_ref(), m.weights.get_ref());
        if g.is_empty() || g.len() != w.len() {
            self.problem(Diagnostic::at(
                span,
                "`simulation.mix.gpus` and `weights` must be non-empty lists of the same length",
            ));
            return None;
        }
        if let Some(bad) = g.iter().find(|&&x| x < 1 || x > i64::from(u32::MAX)) {
            self.problem(Diagnostic::at(
                m.gpus.span(),
                format!("GPU count {bad} in `simulation.mix.gpus` is not a positive whole number"),
            ));
            return None;
        }
        if let Some(bad) = w.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
            self.problem(Diagnostic::at(
                m.weights.span(),
                format!("weight {bad} in `simulation.mix.weights` is not a non-negative number"),
            ));
            return None;
        }
        if let Some((big, gpus)) = cluster_gpus.and_then(|c| g.iter().find(|&&x| x > i64::from(c)).map(|&x| (x, c))) {
            self.problem(
                Diagnostic::at(
                    m.gpus.span(),
                    format!("a {big}-GPU job in `simulation.mix.gpus`, but the cluster has {gpus} GPUs"),
                )
                .with_help("give job sizes up to the cluster's GPU count"),
            );
            return None;
        }
        if w.iter().sum::<f64>() <= 0.0 {
            self.problem(
                Diagnostic::at(
                    m.weights.span(),
                    "every weight in `simulation.mix.weights` is 0: no job size can be drawn",
                )
                .with_help("give at least one size a positive weight"),
            );
            return None;
        }
        Some(Mix {
            jobs: jobs?,
            mean_interarrival_s: ia,
            gpus: g.iter().zip(w).map(|(&g, &w)| (g as u32, w)).collect(),
            median_hours: median,
            sigma,
            burst_mean: burst.max(1.0),
            high_priority_share: share,
        })
    }

    fn frontier(&mut self, f: Spanned<super::wire::FrontierWire>, cluster_gpus: Option<u32>) -> Frontier {
        let f = f.into_inner();
        if let Some(c) = cluster_gpus.filter(|&c| i64::from(c) < *f.gpus.get_ref()) {
            self.problem(
                Diagnostic::at(
                    f.gpus.span(),
                    format!("a frontier run of {} GPUs, but the cluster has {c}", f.gpus.get_ref()),
                )
                .with_help("give at most the cluster's GPU count"),
            );
        }
        self.at_most(
            &f.params_billions,
            "simulation.frontier.params_billions",
            100_000.0,
            "100,000 (100 trillion parameters) is the most accepted; the largest published models are near 2,000",
        );
        self.at_most(&Some(f.hours.clone()), "simulation.frontier.hours", 10.0 * HOURS_PER_YEAR, "at most a decade");
        self.at_most(&f.submit_hours, "simulation.frontier.submit_hours", 10.0 * HOURS_PER_YEAR, "at most a decade");
        Frontier {
            gpus: self.count(&f.gpus, "simulation.frontier.gpus").unwrap_or(1),
            hours: self.pos_or(&Some(f.hours.clone()), "simulation.frontier.hours", 1.0),
            submit_hours: self.nonneg_or(&f.submit_hours, "simulation.frontier.submit_hours", 0.0),
            params_billions: self.nonneg_or(&f.params_billions, "simulation.frontier.params_billions", 0.0),
            high_priority: f.high_priority.unwrap_or(true),
            tp: f.tp.as_ref().and_then(|t| self.count(t, "simulation.frontier.tp")).unwrap_or(8),
        }
    }

    fn pos_or(&mut self, v: &Option<Spanned<f64>>, field: &str, default: f64) -> f64 {
        match v {
            None => default,
            Some(x) => self.positive(x, field, "").unwrap_or(default),
        }
    }

    fn at_most(&mut self, v: &Option<Spanned<f64>>, field: &str, max: f64, why: &str) {
        if let Some(x) = v.as_ref().filter(|x| *x.get_ref() > max) {
            self.problem(
                Diagnostic::at(x.span(), format!("`{field}` is {}, above {}", fmt_num(*x.get_ref()), fmt_num(max)))
                    .with_help(why),
            );
        }
    }

    fn whole(&mut self, v: &Option<Spanned<i64>>, field: &str, default: u32) -> u32 {
        match v {
            None => default,
            Some(n) => u32::try_from(*n.get_ref()).unwrap_or_else(|_| {
                let msg = format!("`{field}` is {}, but it must be a whole number of 0 or more", n.get_ref());
                self.problem(Diagnostic::at(n.span(), msg));
                default
            }),
        }
    }

    fn nonneg_or(&mut self, v: &Option<Spanned<f64>>, field: &str, default: f64) -> f64 {
        match v {
            None => default,
            Some(x) if x.get_ref().is_finite() && *x.get_ref() >= 0.0 => *x.get_ref(),
            Some(x) => {
                self.problem(Diagnostic::at(
                    x.span(),
                    format!("`{field}` is {}, but it cannot be negative", x.get_ref()),
                ));
                default
            }
        }
    }
}
