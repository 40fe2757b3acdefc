//! The cluster on the engine: nodes in scale-up domains, jobs from a mix,
//! frontier runs and traces, gang scheduling (FIFO or EASY backfill), node
//! failures and repairs, hot spares, checkpoints and stragglers.
//!
//! ```text
//!  Arrival ──► queue ──► place (whole domains first, best fit) ──► End
//!                ▲                                        │ NodeFail in footprint
//!                └──── requeue at the front, lose work since the last checkpoint
//! ```
//!
//! Job progress is integrated between events, not stepped: a run of length
//! `w` at straggler-slowed rate `f`, checkpointing every `τ` at cost `δ`,
//! ends after `restart + w / (f τ / (τ + δ))`. The expected slowest-rank
//! factor comes from order statistics of the ranks' jitter, never one draw
//! per rank per step.

pub mod jobs;
pub mod stats;
#[cfg(test)]
mod tests;
mod waiting;

use crate::engine::queue::EventQueue;
use crate::engine::rng::{RngStreams, StreamRng};
use crate::engine::time::SimTime;
use crate::scenario::simulation::Simulation;
use rand::RngExt;
use serde::Serialize;

/// A job to simulate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSpec {
    /// Name.
    pub id: String,
    /// `mix`, `frontier`, `trace` or `training`.
    pub kind: &'static str,
    /// Submission time \[s\].
    pub submit_s: f64,
    /// GPUs.
    pub gpus: u32,
    /// Run time at full speed without interruptions \[s\].
    pub work_s: f64,
    /// Checkpoint size \[B\] (0: free checkpoints).
    pub checkpoint_bytes: f64,
    /// 0 normal, 1 high: queued ahead, and may preempt normal jobs.
    pub priority: u8,
    /// GPUs of one tensor-parallel group, kept inside one scale-up domain
    /// (0: one node's worth).
    pub tp_gpus: u32,
}

/// The cluster's shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClusterShape {
    /// Nodes (servers or NVL72 trays).
    pub nodes: u32,
    /// GPUs per node.
    pub gpus_per_node: u32,
    /// Nodes per scale-up domain.
    pub nodes_per_domain: u32,
    /// Nodes behind one set of leaf switches (one leaf per rail), 0 = no leaf failures.
    pub nodes_per_leaf_group: u32,
    /// Leaf switches serving one such group.
    pub leaves_per_group: u32,
    /// Spine switches (0 = no spine failures).
    pub spines: u32,
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Final {
    /// Finished its work.
    Completed,
    /// Still running when the simulation ended.
    Running,
    /// Still queued when the simulation ended.
    Queued,
    /// Larger than the cluster: never placeable (reported, not dropped).
    TooLarge,
}

/// What happened to one job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRecord {
    /// Name.
    pub id: String,
    /// Source.
    pub kind: &'static str,
    /// GPUs.
    pub gpus: u32,
    /// Submitted \[s\].
    pub submit_s: f64,
    /// First start \[s\].
    pub start_s: Option<f64>,
    /// End \[s\] (completed jobs).
    pub end_s: Option<f64>,
    /// Final state.
    pub state: Final,
    /// GPU-hours allocated.
    pub gpu_hours: f64,
    /// Failure-caused interruptions.
    pub restarts: u32,
    /// Times preempted by a high-priority job.
    pub preemptions: u32,
    /// Work lost to interruptions and preemptions \[GPU-hours\].
    pub lost_gpu_hours: f64,
    /// Time waiting before the first start \[s\].
    pub queue_delay_s: Option<f64>,
}

/// Percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th.
    pub p90: f64,
    /// 99th.
    pub p99: f64,
}

/// Cluster-wide results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Simulated days.
    pub days: f64,
    /// Jobs submitted.
    pub jobs_submitted: usize,
    /// Jobs due after the simulated days (not submitted, not reported).
    pub jobs_after_horizon: usize,
    /// Jobs completed.
    pub jobs_completed: usize,
    /// Jobs larger than the cluster.
    pub jobs_too_large: usize,
    /// Failure-caused job interruptions.
    pub interruptions: u64,
    /// Mean time between interruptions of the largest job \[h\] (cluster-wide if it has none).
    pub mtti_hours: Option<f64>,
    /// Effective training time ratio of the largest job: time whose progress was kept
    /// (checkpoint writes, restarts and lost work excluded) / wall time since its start.
    pub ettr: Option<f64>,
    /// Work kept / GPU time allocated, all jobs.
    pub goodput: f64,
    /// GPU time allocated / GPU time available (up), all jobs.
    pub utilization: f64,
    /// Node failures.
    pub node_failures: u64,
    /// Whole scale-up domain failures.
    pub domain_failures: u64,
    /// Leaf switch failures (each cuts its group of nodes off).
    pub leaf_failures: u64,
    /// Spine switch failures (each costs cross-leaf jobs bandwidth until repaired).
    pub spine_failures: u64,
    /// Node failures and drained slow nodes by cause (empty with one given repair time).
    pub failures_by_cause: Vec<(String, u64)>,
    /// Lemon nodes taken out of service.
    pub lemons_removed: u32,
    /// Jobs preempted by high-priority ones.
    pub preemptions: u64,
    /// Mean share of line rate multi-domain jobs got on the shared fabric
    /// (hourly samples; `None` without the contention model).
    pub fabric_share_mean: Option<f64>,
    /// Slow-node episodes (each ends when the node is detected and drained).
    pub slow_episodes: u64,
    /// Queueing delay of started jobs \[s\].
    pub queue_delay_s: Percentiles,
    /// GPU-hours: allocated, idle, down; they add to capacity x time.
    pub gpu_hours_allocated: f64,
    /// GPU-hours idle.
    pub gpu_hours_idle: f64,
    /// GPU-hours down for repair.
    pub gpu_hours_down: f64,
    /// Capacity x time \[GPU-hours\].
    pub gpu_hours_capacity: f64,
    /// Slowest-rank step factor of the largest job (1 = no stragglers).
    pub straggler_factor: f64,
    /// Checkpoint interval of the largest job \[min\].
    pub checkpoint_minutes: Option<f64>,
    /// Mean share of free nodes stranded in partly used scale-up domains
    /// (free but unable to host a whole-domain job), hourly samples.
    pub fragmentation: f64,
    /// Seed.
    pub seed: u64,
}

/// Jobs of one size range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// GPU-count range, e.g. `9-64`.
    pub gpus: String,
    /// Jobs submitted.
    pub jobs: usize,
    /// Jobs completed.
    pub completed: usize,
    /// Queueing delay of started jobs \[s\].
    pub queue_delay_s: Percentiles,
    /// Completion time (end - submit) of completed jobs \[h\].
    pub completion_hours: Percentiles,
}

/// GPU-count buckets of the summary: the trace README's, plus frontier sizes.
pub const BUCKETS: [(u32, u32); 7] =
    [(1, 1), (2, 8), (9, 64), (65, 512), (513, 4096), (4097, 32_768), (32_769, u32::MAX)];

/// Hourly cluster state, for the facility model.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Series {
    /// GPUs allocated to jobs at each hour.
    pub allocated_gpus: Vec<u32>,
    /// GPUs down at each hour.
    pub down_gpus: Vec<u32>,
    /// Node failures in each hour.
    pub failures: Vec<u32>,
    /// IT power at each hour \[MW\], filled by [`Series::with_power`].
    pub it_power_mw: Vec<f64>,
}

impl Series {
    /// Fills the IT power series: allocated GPUs at `busy_mw_per_gpu` (their
    /// node's share included), up idle ones at `idle_mw_per_gpu`, down ones
    /// at nothing, plus `fixed_mw` (switches, storage) every hour.
    pub fn with_power(mut self, gpus: u32, busy_mw_per_gpu: f64, idle_mw_per_gpu: f64, fixed_mw: f64) -> Self {
        self.it_power_mw = self
            .allocated_gpus
            .iter()
            .zip(&self.down_gpus)
            .map(|(&a, &d)| {
                let idle = f64::from(gpus.saturating_sub(a + d));
                f64::from(a) * busy_mw_per_gpu + idle * idle_mw_per_gpu + fixed_mw
            })
            .collect();
        self
    }
}

/// Everything a simulation returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimResult {
    /// Summary.
    pub summary: Summary,
    /// Hourly series.
    pub series: Series,
    /// Queueing and completion by job size.
    pub by_size: Vec<Bucket>,
    /// Every job.
    pub jobs: Vec<JobRecord>,
}

/// Fault domains above the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// A scale-up domain: an NVL72 rack, an HGX server.
    Domain,
    /// The nodes behind a leaf switch group.
    Leaf,
}

/// The closed set of events.
#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival(u32),
    End { job: u32, epoch: u32 },
    NodeFail(u32),
    NodeRepair(u32),
    SpareRepaired,
    GroupFail(Level, u32),
    GroupRepair(Level, u32),
    SpineFail,
    SpineRepair,
    SlowStart(u32),
    SlowDetected(u32),
    DrainRepaired(u32),
    Sample,
}

#[derive(Debug, Clone)]
struct Job {
    spec: JobSpec,
    nodes_needed: u32,
    /// GPUs held: the job's own for a job smaller than a node (it shares the
    /// node), whole nodes otherwise.
    alloc_gpus: u32,
    /// Nodes of one TP group: a domain's share of the job is a multiple of it.
    tp_nodes: u32,
    remaining_s: f64,
    epoch: u32,
    running: Option<Run>,
    placed: Vec<u32>,
    record: JobRecord,
    tau_s: f64,
    delta_s: f64,
    /// Slowest-rank rate of the last placement (1 = no stragglers).
    slow: f64,
    /// Progress rate with checkpoint writes and stragglers, no slow node.
    base_eff: f64,
    /// Rate factor from fabric contention (1 = none).
    net: f64,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    start: f64,
    overhead: f64,
    rate: f64,
}

struct State<'a> {
    /// Jobs due after the horizon (never submitted).
    not_yet: usize,
    cfg: &'a Simulation,
    shape: ClusterShape,
    q: EventQueue<Event>,
    jobs: Vec<Job>,
    waiting: waiting::Waiting,
    /// Jobs on each node (several when jobs smaller than a node share it).
    node_jobs: Vec<Vec<u32>>,
    /// GPUs in use on each node.
    node_used: Vec<u32>,
    /// Up nodes partly used, by free GPUs: `partial[f]` holds nodes with `f` free.
    partial: Vec<std::collections::BTreeSet<u32>>,
    /// Nodes in a slow episode, not yet detected.
    node_slow: Vec<bool>,
    slow_episodes: u64,
    rng_slow: StreamRng,
    rng_cause: StreamRng,
    /// Node failures (and drained slow nodes) by cause.
    by_cause: Vec<u64>,
    /// Reasons a node is down (its own failure, its domain's, removal).
    down_count: Vec<u8>,
    /// Nodes that fail `lemon_factor` times as often.
    lemon: Vec<bool>,
    /// Failures of each node since it was last swapped.
    node_failures: Vec<u32>,
    lemons_removed: u32,
    domain_failures: u64,
    leaf_failures: u64,
    spine_failures: u64,
    spines_down: u32,
    /// A SpineFail event is pending.
    spine_chain: bool,
    rng_spine: StreamRng,
    preemptions: u64,
    /// Set while several nodes go down at once: no placement until all are down.
    hold: bool,
    network: Option<&'a dyn Network>,
    /// A multi-domain job started or stopped since the last fabric solve.
    net_dirty: bool,
    net_share_sum: f64,
    net_share_n: u64,
    rng_domain: StreamRng,
    free_in_domain: Vec<u32>,
    /// Domains by free-node count: `by_free[f]` holds domains with `f` free nodes.
    by_free: Vec<std::collections::BTreeSet<u32>>,
    total_free: u32,
    running: Vec<u32>,
    spares: u32,
    rng_fail: StreamRng,
    rng_jitter: StreamRng,
    node_rate_per_s: f64,
    now: f64,
    last: f64,
    allocated_gpus: u64,
    down_nodes: u64,
    alloc_area: f64,
    down_area: f64,
    interruptions: u64,
    failures: u64,
    series: Series,
    seed: u64,
    end_s: f64,
    useful_gpu_s: f64,
    frag_sum: f64,
    frag_samples: u32,
}

/// Runs the simulation.
pub fn run(shape: ClusterShape, cfg: &Simulation, specs: Vec<JobSpec>, seed: u64) -> SimResult {
    run_with_progress(shape, cfg, specs, seed, &mut |_| {})
}

/// Runs the simulation, calling `progress` with the simulated share (0..1) once per simulated day.
pub fn run_with_progress(
    shape: ClusterShape,
    cfg: &Simulation,
    specs: Vec<JobSpec>,
    seed: u64,
    progress: &mut dyn FnMut(f64),
) -> SimResult {
    simulate(shape, cfg, specs, seed, progress, false, None)
}

/// Shared scale-out bandwidth of jobs spread over several scale-up domains.
pub trait Network {
    /// For each job, given by the scale-up domains it occupies, the share of
    /// line rate its traffic gets when all run at once (1 = uncontended).
    fn shares(&self, jobs: &[Vec<u64>]) -> Vec<f64>;
}

/// Runs the simulation with fabric contention: after placements change,
/// multi-domain jobs' shares of the fabric are recomputed (at the next hourly
/// sample) and their rates updated.
pub fn run_with_network(
    shape: ClusterShape,
    cfg: &Simulation,
    specs: Vec<JobSpec>,
    seed: u64,
    progress: &mut dyn FnMut(f64),
    network: &dyn Network,
) -> SimResult {
    simulate(shape, cfg, specs, seed, progress, false, Some(network))
}

/// Runs the simulation and checks the cluster's bookkeeping after every
/// event (no job on a down node, GPU counts add up); panics on a violation.
/// O(nodes) per event: for tests.
pub fn run_checked(shape: ClusterShape, cfg: &Simulation, specs: Vec<JobSpec>, seed: u64) -> SimResult {
    simulate(shape, cfg, specs, seed, &mut |_| {}, true, None)
}

fn simulate(
    shape: ClusterShape,
    cfg: &Simulation,
    specs: Vec<JobSpec>,
    seed: u64,
    progress: &mut dyn FnMut(f64),
    check: bool,
    network: Option<&dyn Network>,
) -> SimResult {
    let streams = RngStreams::new(seed);
    let domains = shape.nodes.div_ceil(shape.nodes_per_domain.max(1));
    let mut free_in_domain = vec![shape.nodes_per_domain; domains as usize];
    if let Some(last) = free_in_domain.last_mut() {
        *last = shape.nodes - (domains - 1) * shape.nodes_per_domain;
    }
    let node_rate_per_s = cfg.failures_per_1000_node_days / 1000.0 / 86_400.0;
    let end_s = cfg.days * 86_400.0;
    // Jobs due after the horizon are never submitted: counted, not held.
    let due = specs.len();
    let mut specs: Vec<JobSpec> = specs.into_iter().filter(|s| s.submit_s <= end_s).collect();
    specs.shrink_to_fit();
    let mut st = State {
        cfg,
        shape,
        q: EventQueue::with_capacity(shape.nodes as usize + specs.len() + 16),
        jobs: Vec::with_capacity(specs.len()),
        waiting: waiting::Waiting::default(),
        node_jobs: vec![Vec::new(); shape.nodes as usize],
        node_used: vec![0; shape.nodes as usize],
        partial: vec![std::collections::BTreeSet::new(); shape.gpus_per_node as usize],
        down_count: vec![0; shape.nodes as usize],
        node_slow: vec![false; shape.nodes as usize],
        slow_episodes: 0,
        rng_slow: streams.stream("slow-nodes"),
        rng_cause: streams.stream("failure-causes"),
        by_cause: vec![0; cfg.causes.len()],
        lemon: lemons(shape.nodes, cfg.lemon_nodes, &mut streams.stream("lemons")),
        node_failures: vec![0; shape.nodes as usize],
        lemons_removed: 0,
        domain_failures: 0,
        leaf_failures: 0,
        spine_failures: 0,
        spines_down: 0,
        spine_chain: false,
        rng_spine: streams.stream("spine-failures"),
        preemptions: 0,
        hold: false,
        network,
        net_dirty: false,
        net_share_sum: 0.0,
        net_share_n: 0,
        rng_domain: streams.stream("domain-failures"),
        by_free: {
            let mut b = vec![std::collections::BTreeSet::new(); shape.nodes_per_domain as usize + 1];
            for (d, &f) in free_in_domain.iter().enumerate() {
                b[f as usize].insert(d as u32);
            }
            b
        },
        total_free: shape.nodes,
        free_in_domain,
        running: Vec::new(),
        spares: cfg.hot_spare_nodes,
        rng_fail: streams.stream("failures"),
        rng_jitter: streams.stream("jitter"),
        node_rate_per_s,
        now: 0.0,
        last: 0.0,
        allocated_gpus: 0,
        down_nodes: 0,
        alloc_area: 0.0,
        down_area: 0.0,
        interruptions: 0,
        failures: 0,
        series: Series::default(),
        seed,
        end_s,
        useful_gpu_s: 0.0,
        frag_sum: 0.0,
        frag_samples: 0,
        not_yet: due - specs.len(),
    };
    for (i, spec) in specs.into_iter().enumerate() {
        let nodes_needed = spec.gpus.div_ceil(shape.gpus_per_node);
        let spec_gpus = spec.gpus;
        let spec_tp = spec.tp_gpus;
        let record = JobRecord {
            // Filled from the spec at the end: one string per job, not two.
            id: String::new(),
            kind: spec.kind,
            gpus: spec.gpus,
            submit_s: spec.submit_s,
            start_s: None,
            end_s: None,
            state: Final::Queued,
            gpu_hours: 0.0,
            restarts: 0,
            preemptions: 0,
            lost_gpu_hours: 0.0,
            queue_delay_s: None,
        };
        let (tau_s, delta_s) = checkpointing(cfg, &spec, nodes_needed, node_rate_per_s);
        st.q.push(SimTime::from_secs(spec.submit_s), Event::Arrival(i as u32));
        st.jobs.push(Job {
            remaining_s: spec.work_s,
            spec,
            nodes_needed,
            alloc_gpus: if spec_gpus < shape.gpus_per_node { spec_gpus } else { nodes_needed * shape.gpus_per_node },
            tp_nodes: tp_nodes(&shape, nodes_needed, spec_tp),
            epoch: 0,
            running: None,
            placed: Vec::new(),
            record,
            tau_s,
            delta_s,
            slow: 1.0,
            base_eff: 1.0,
            net: 1.0,
        });
    }
    if node_rate_per_s > 0.0 {
        for n in 0..shape.nodes {
            let t = st.time_to_failure(n);
            st.q.push(SimTime::from_secs(t), Event::NodeFail(n));
        }
    }
    if cfg.slow_episodes_per_1000_node_days > 0.0 {
        for n in 0..shape.nodes {
            let t = st.time_to_slow();
            st.q.push(SimTime::from_secs(t), Event::SlowStart(n));
        }
    }
    if st.spine_rate_per_s() > 0.0 {
        st.spine_chain = true;
        let t = st.time_to_spine_failure();
        st.q.push(SimTime::from_secs(t), Event::SpineFail);
    }
    for level in [Level::Domain, Level::Leaf] {
        if st.group_rate_per_s(level) > 0.0 {
            for g in 0..shape.nodes.div_ceil(st.group_size(level)) {
                let t = st.time_to_group_failure(level);
                st.q.push(SimTime::from_secs(t), Event::GroupFail(level, g));
            }
        }
    }
    st.q.push(SimTime::ZERO, Event::Sample);
    while let Some((t, ev)) = st.q.pop() {
        let t = t.secs();
        if t > end_s {
            break;
        }
        st.advance(t);
        match ev {
            Event::Arrival(j) => st.arrive(j),
            Event::End { job, epoch } => st.end(job, epoch),
            Event::NodeFail(n) => st.fail(n),
            Event::NodeRepair(n) => st.repair(n),
            Event::SpareRepaired => st.spares += 1,
            Event::GroupFail(l, g) => st.group_fail(l, g),
            Event::SpineFail => st.spine_fail(),
            Event::SpineRepair => st.spine_repair(),
            Event::SlowStart(n) => st.slow_start(n),
            Event::SlowDetected(n) => st.slow_detected(n),
            Event::DrainRepaired(n) => {
                st.bring_up(n);
                st.schedule();
            }
            Event::GroupRepair(l, g) => st.group_repair(l, g),
            Event::Sample => {
                st.sample();
                if st.series.allocated_gpus.len().is_multiple_of(24) {
                    progress(t / end_s);
                }
            }
        }
        if check {
            st.assert_consistent();
        }
    }
    st.advance(end_s);
    st.finish()
}

/// Nodes of a job's TP group, if its nodes divide into such groups that fit
/// a domain; 1 otherwise.
fn tp_nodes(shape: &ClusterShape, nodes: u32, tp_gpus: u32) -> u32 {
    let tp = tp_gpus.div_ceil(shape.gpus_per_node).max(1);
    let per = shape.nodes_per_domain;
    // Whole TP groups the cluster holds, domain by domain (the last may be short).
    let packed = shape.nodes / per * (per / tp * tp) + shape.nodes % per / tp * tp;
    if tp <= per && nodes.is_multiple_of(tp) && nodes <= packed { tp } else { 1 }
}

/// Which nodes are lemons: `count` of them, drawn without replacement.
fn lemons(nodes: u32, count: u32, rng: &mut StreamRng) -> Vec<bool> {
    let mut lemon = vec![false; nodes as usize];
    let mut order: Vec<u32> = (0..nodes).collect();
    for k in 0..count.min(nodes) as usize {
        let pick = rng.random_range(k..order.len());
        order.swap(k, pick);
        lemon[order[k] as usize] = true;
    }
    lemon
}

/// Checkpoint interval τ and write time δ of a job: Young/Daly
/// `τ = sqrt(2 δ M)` with `M` the job's mean time to interruption, unless
/// the scenario fixes the interval. Free checkpoints default to hourly.
fn checkpointing(cfg: &Simulation, spec: &JobSpec, nodes: u32, rate: f64) -> (f64, f64) {
    let delta = spec.checkpoint_bytes / (cfg.storage_gb_per_s * 1e9);
    let tau = match cfg.checkpoint_minutes {
        Some(m) => m * 60.0,
        None if delta > 0.0 && rate > 0.0 => (2.0 * delta / (f64::from(nodes) * rate)).sqrt(),
        None => 3600.0,
    };
    (tau.max(1.0), delta)
}

impl State<'_> {
    fn time_to_failure(&mut self, n: u32) -> f64 {
        let u: f64 = 1.0 - self.rng_fail.random::<f64>();
        let factor = if self.lemon[n as usize] { self.cfg.lemon_factor } else { 1.0 };
        let mean = 1.0 / (self.node_rate_per_s * factor);
        let k = self.cfg.weibull_shape;
        if (k - 1.0).abs() < 1e-12 {
            -u.ln() * mean
        } else {
            // Weibull with the same mean: scale = mean / Γ(1 + 1/k).
            let scale = mean / stats::gamma(1.0 + 1.0 / k);
            scale * (-u.ln()).powf(1.0 / k)
        }
    }

    /// Repair time of one node failure \[s\]: its cause drawn by share, or
    /// the scenario's single repair time.
    fn repair_time(&mut self) -> f64 {
        if self.cfg.causes.is_empty() {
            return self.cfg.repair_hours * 3600.0;
        }
        let mut u: f64 = self.rng_cause.random::<f64>() * self.cfg.causes.iter().map(|c| c.share).sum::<f64>();
        let last = self.cfg.causes.len() - 1;
        for (i, c) in self.cfg.causes.iter().enumerate() {
            if u < c.share || i == last {
                self.by_cause[i] += 1;
                return c.repair_hours * 3600.0;
            }
            u -= c.share;
        }
        unreachable!("the loop returns at the last cause")
    }

    fn time_to_slow(&mut self) -> f64 {
        let u: f64 = 1.0 - self.rng_slow.random::<f64>();
        -u.ln() * 1000.0 * 86_400.0 / self.cfg.slow_episodes_per_1000_node_days
    }

    /// A node turns slow: every job on it runs at `slow_factor` until the
    /// node is detected and drained.
    fn slow_start(&mut self, n: u32) {
        let i = n as usize;
        if !self.up(n) || self.node_slow[i] {
            let t = self.now + self.time_to_slow();
            self.q.push(SimTime::from_secs(t), Event::SlowStart(n));
            return;
        }
        self.node_slow[i] = true;
        self.slow_episodes += 1;
        let t = self.now + self.cfg.slow_detect_hours * 3600.0;
        self.q.push(SimTime::from_secs(t), Event::SlowDetected(n));
        for j in self.node_jobs[i].clone() {
            self.retime(j);
        }
    }

    /// A slow node is found and drained like a failed one: swapped for a
    /// spare, or taken down for repair; its jobs restart without it.
    fn slow_detected(&mut self, n: u32) {
        let i = n as usize;
        let t = self.now + self.time_to_slow();
        self.q.push(SimTime::from_secs(t), Event::SlowStart(n));
        if !self.node_slow[i] {
            return;
        }
        self.node_slow[i] = false;
        let victims = self.node_jobs[i].clone();
        if self.spares > 0 {
            self.spares -= 1;
            let back = self.now + self.repair_time();
            self.q.push(SimTime::from_secs(back), Event::SpareRepaired);
            for j in victims {
                self.interrupt(j, true, false);
            }
            return;
        }
        let back = self.now + self.repair_time();
        self.q.push(SimTime::from_secs(back), Event::DrainRepaired(n));
        self.take_down(n);
    }

    /// The progress rate job `j` has on its nodes now.
    fn rate_on_nodes(&self, j: u32) -> f64 {
        let job = &self.jobs[j as usize];
        let slowed = job.placed.iter().any(|&n| self.node_slow[n as usize]);
        let mut rate = job.base_eff * job.net;
        if self.spines_down > 0 && self.spans_leaves(j) {
            // Cross-leaf traffic shares the spines still up.
            let s = f64::from(self.shape.spines);
            let share = ((s - f64::from(self.spines_down)) / s).max(0.01);
            let c = self.cfg.comm_share;
            rate /= 1.0 - c + c / share;
        }
        if slowed { rate * self.cfg.slow_factor } else { rate }
    }

    /// Re-times a running job whose rate changed (a node turned slow). The
    /// progress so far is banked as if checkpointed: optimistic by at most
    /// one checkpoint interval per change.
    fn retime(&mut self, j: u32) {
        let rate = self.rate_on_nodes(j);
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let Some(run) = job.running else { return };
        if (run.rate - rate).abs() <= f64::EPSILON * rate {
            return;
        }
        let active = run.start + run.overhead;
        let progress = ((now - active).max(0.0) * run.rate).min(job.remaining_s);
        job.remaining_s -= progress;
        job.record.gpu_hours += (now - run.start) * f64::from(job.alloc_gpus) / 3600.0;
        self.useful_gpu_s += progress * f64::from(job.spec.gpus);
        job.running = Some(Run { start: now, overhead: (active - now).max(0.0), rate });
        job.epoch += 1;
        let end = now + (active - now).max(0.0) + job.remaining_s / rate;
        let epoch = job.epoch;
        self.q.push(SimTime::from_secs(end), Event::End { job: j, epoch });
    }

    fn spine_rate_per_s(&self) -> f64 {
        let up = self.shape.spines.saturating_sub(self.spines_down);
        self.cfg.spine_failures_per_1000_switch_days / 1000.0 / 86_400.0 * f64::from(up)
    }

    fn time_to_spine_failure(&mut self) -> f64 {
        let u: f64 = 1.0 - self.rng_spine.random::<f64>();
        -u.ln() / self.spine_rate_per_s()
    }

    /// Whether a job's nodes sit under more than one leaf group (or scale-up
    /// domain, when leaf groups are not known), so its traffic crosses spines.
    fn spans_leaves(&self, j: u32) -> bool {
        let g = if self.shape.nodes_per_leaf_group > 0 {
            self.shape.nodes_per_leaf_group
        } else {
            self.shape.nodes_per_domain
        };
        let placed = &self.jobs[j as usize].placed;
        placed.first().is_some_and(|&a| placed.iter().any(|&n| n / g != a / g))
    }

    /// A spine switch fails: jobs whose traffic crosses spines slow down.
    fn spine_fail(&mut self) {
        self.spine_chain = false;
        self.spine_failures += 1;
        self.spines_down += 1;
        let t = self.now + self.cfg.spine_repair_hours * 3600.0;
        self.q.push(SimTime::from_secs(t), Event::SpineRepair);
        if self.spine_rate_per_s() > 0.0 {
            self.spine_chain = true;
            let t = self.now + self.time_to_spine_failure();
            self.q.push(SimTime::from_secs(t), Event::SpineFail);
        }
        self.retime_cross_leaf();
    }

    fn spine_repair(&mut self) {
        self.spines_down -= 1;
        if !self.spine_chain && self.spine_rate_per_s() > 0.0 {
            self.spine_chain = true;
            let t = self.now + self.time_to_spine_failure();
            self.q.push(SimTime::from_secs(t), Event::SpineFail);
        }
        self.retime_cross_leaf();
    }

    fn retime_cross_leaf(&mut self) {
        let mut crossing: Vec<u32> = self.running.iter().copied().filter(|&j| self.spans_leaves(j)).collect();
        crossing.sort_unstable();
        for j in crossing {
            self.retime(j);
        }
    }

    /// Failure rate of one group of `level` \[1/s\].
    fn group_rate_per_s(&self, level: Level) -> f64 {
        let per_day = match level {
            Level::Domain => self.cfg.domain_failures_per_1000_domain_days / 1000.0,
            Level::Leaf if self.shape.nodes_per_leaf_group == 0 => 0.0,
            Level::Leaf => {
                self.cfg.leaf_failures_per_1000_switch_days / 1000.0 * f64::from(self.shape.leaves_per_group.max(1))
            }
        };
        per_day / 86_400.0
    }

    fn group_size(&self, level: Level) -> u32 {
        match level {
            Level::Domain => self.shape.nodes_per_domain,
            Level::Leaf => self.shape.nodes_per_leaf_group,
        }
        .max(1)
    }

    fn time_to_group_failure(&mut self, level: Level) -> f64 {
        let u: f64 = 1.0 - self.rng_domain.random::<f64>();
        -u.ln() / self.group_rate_per_s(level)
    }

    /// Panics if the bookkeeping disagrees with itself.
    fn assert_consistent(&self) {
        let mut used = vec![0u32; self.node_used.len()];
        for &j in &self.running {
            let job = &self.jobs[j as usize];
            assert!(job.running.is_some(), "job {j} listed as running but is not");
            let mut per_domain = std::collections::BTreeMap::new();
            for &n in &job.placed {
                assert!(self.up(n), "job {} runs on down node {n} at {}", job.spec.id, self.now);
                used[n as usize] += job.alloc_gpus.min(self.shape.gpus_per_node);
                *per_domain.entry(n / self.shape.nodes_per_domain).or_insert(0u32) += 1;
            }
            for (d, k) in per_domain {
                assert!(k % job.tp_nodes == 0, "job {} splits a TP group across domain {d}", job.spec.id);
            }
        }
        assert_eq!(used, self.node_used, "GPUs in use per node disagree at {}", self.now);
        let free = (0..self.shape.nodes).filter(|&n| self.up(n) && used[n as usize] == 0).count();
        assert_eq!(free as u32, self.total_free, "free nodes disagree at {}", self.now);
        assert_eq!(used.iter().map(|&u| u64::from(u)).sum::<u64>(), self.allocated_gpus);
        assert_eq!(self.down_count.iter().filter(|&&c| c > 0).count() as u64, self.down_nodes);
        assert!(self.spares <= self.cfg.hot_spare_nodes);
    }

    /// Integrates GPU-time up to `t`.
    fn advance(&mut self, t: f64) {
        let dt = (t - self.last).max(0.0);
        let g = f64::from(self.shape.gpus_per_node);
        self.alloc_area += self.allocated_gpus as f64 * dt;
        self.down_area += self.down_nodes as f64 * g * dt;
        self.last = t.max(self.last);
        self.now = t;
    }

    fn arrive(&mut self, j: u32) {
        if self.jobs[j as usize].nodes_needed > self.shape.nodes {
            self.jobs[j as usize].record.state = Final::TooLarge;
            return;
        }
        self.enqueue(j, false);
        self.schedule();
    }

    /// Queues a job: high priority ahead of normal; `front` puts it first
    /// among its priority (a job that was interrupted), else last.
    fn enqueue(&mut self, j: u32, front: bool) {
        let p = self.jobs[j as usize].spec.priority;
        self.waiting.push(j, p, front);
    }

    /// Preempts normal-priority jobs, latest started first, until the
    /// high-priority head fits; returns whether it started.
    fn preempt_for(&mut self, head: u32) -> bool {
        // Victims: normal jobs on nodes that hold no high-priority job, so that
        // preempting them frees whole nodes.
        let normal_node = |n: u32| self.node_jobs[n as usize].iter().all(|&o| self.jobs[o as usize].spec.priority == 0);
        let mut victims: Vec<u32> = self
            .running
            .iter()
            .copied()
            .filter(|&r| {
                let job = &self.jobs[r as usize];
                job.spec.priority == 0 && job.placed.iter().all(|&n| normal_node(n))
            })
            .collect();
        if !self.fits_after(head, &victims) {
            return false;
        }
        victims.sort_by(|&a, &b| {
            let start = |j: u32| self.jobs[j as usize].running.map_or(0.0, |r| r.start);
            start(b).total_cmp(&start(a)).then(b.cmp(&a))
        });
        for v in victims {
            self.hold = true;
            self.interrupt(v, false, true);
            self.hold = false;
            if self.try_start(head) {
                return true;
            }
        }
        false
    }

    /// Whether `head` could be placed once `victims` are gone: free nodes per
    /// domain plus the victims' nodes, counted in whole TP groups as placement
    /// does, or in one domain for a job that fits one.
    fn fits_after(&self, head: u32, victims: &[u32]) -> bool {
        let per = self.shape.nodes_per_domain;
        let mut avail = self.free_in_domain.clone();
        let mut freed: Vec<u32> = victims.iter().flat_map(|&v| self.jobs[v as usize].placed.iter().copied()).collect();
        freed.sort_unstable();
        freed.dedup();
        for n in freed {
            avail[(n / per) as usize] += 1;
        }
        let job = &self.jobs[head as usize];
        if job.alloc_gpus < self.shape.gpus_per_node {
            return avail.iter().any(|&a| a > 0);
        }
        let need = job.nodes_needed;
        if need <= per {
            return avail.iter().any(|&a| a >= need);
        }
        let tp = job.tp_nodes;
        avail.iter().map(|&a| u64::from(a / tp * tp)).sum::<u64>() >= u64::from(need)
    }

    /// Whether node `n` is up (no reason to be down).
    fn up(&self, n: u32) -> bool {
        self.down_count[n as usize] == 0
    }

    fn free_nodes(&self) -> u32 {
        self.total_free
    }

    /// One node of domain `d` becomes free (+1) or taken (-1).
    fn adjust_free(&mut self, node: u32, delta: i32) {
        let d = (node / self.shape.nodes_per_domain) as usize;
        let f = self.free_in_domain[d];
        self.by_free[f as usize].remove(&(d as u32));
        let f = (i64::from(f) + i64::from(delta)) as u32;
        self.free_in_domain[d] = f;
        self.by_free[f as usize].insert(d as u32);
        self.total_free = (i64::from(self.total_free) + i64::from(delta)) as u32;
    }

    /// FIFO, or EASY backfill: jobs behind a blocked head may start if they
    /// fit now and will not delay the head's reserved start.
    fn schedule(&mut self) {
        if self.hold {
            return;
        }
        while let Some(head) = self.waiting.front() {
            let p = self.jobs[head as usize].spec.priority;
            if self.try_start(head) || (p > 0 && self.cfg.preemption && self.preempt_for(head)) {
                // The head may have moved if preemption requeued jobs: remove it by value.
                self.waiting.remove_job(head, p);
            } else {
                break;
            }
        }
        if self.cfg.scheduler != crate::scenario::simulation::Scheduler::Easy || self.waiting.len() < 2 {
            return;
        }
        let Some(head) = self.waiting.front() else { return };
        let need = self.jobs[head as usize].nodes_needed;
        let any_fits = self.waiting.iter().skip(1).take(BACKFILL_DEPTH).any(|j| self.fits_now(j));
        if !any_fits {
            return;
        }
        let (shadow, mut extra) = self.reservation(need);
        let mut i = 1;
        let mut scanned = 0;
        while i < self.waiting.len() && scanned < BACKFILL_DEPTH {
            scanned += 1;
            let Some(j) = self.waiting.get(i) else { break };
            let job = &self.jobs[j as usize];
            let n = job.nodes_needed;
            let ends_before = self.now + self.run_time_bound(j) <= shadow;
            if (ends_before || n <= extra) && self.fits_now(j) && self.try_start(j) {
                if !ends_before {
                    extra -= n;
                }
                self.waiting.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// When the head could start, from running jobs' expected ends, and the
    /// nodes left over then.
    ///
    /// A job sharing a node counts as freeing it for the reservation time (so
    /// the head is never reserved later than it could start) but not for the
    /// spare nodes (so a backfilled job never takes what the head needs).
    fn reservation(&self, need: u32) -> (f64, u32) {
        let gpn = self.shape.gpus_per_node;
        let mut ends: Vec<(f64, u32, bool)> = self
            .running
            .iter()
            .map(|&i| &self.jobs[i as usize])
            .filter_map(|j| {
                j.running.map(|r| (r.start + r.overhead + j.remaining_s / r.rate, j.nodes_needed, j.alloc_gpus < gpn))
            })
            .collect();
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut free, mut sure) = (self.free_nodes(), self.free_nodes());
        for (t, n, shared) in ends {
            free += n;
            if !shared {
                sure += n;
            }
            if free >= need {
                return (t, sure.saturating_sub(need));
            }
        }
        (f64::INFINITY, 0)
    }

    /// An upper estimate of a queued job's run time if started now: restart
    /// overhead, checkpoint writes and the slowest-rank factor bounded by
    /// `sqrt(2 ln N)` standard deviations, with a 10% margin.
    fn run_time_bound(&self, j: u32) -> f64 {
        let job = &self.jobs[j as usize];
        let restart = if job.record.start_s.is_some() { self.cfg.restart_minutes * 60.0 } else { 0.0 };
        let n = f64::from(job.spec.gpus.max(2));
        let straggle = 1.0 + self.cfg.rank_jitter * (2.0 * n.ln()).sqrt();
        let ckpt = (job.tau_s + job.delta_s) / job.tau_s;
        restart + job.remaining_s * straggle * ckpt * 1.1
    }

    /// Whether a job could be placed now.
    fn fits_now(&self, j: u32) -> bool {
        let job = &self.jobs[j as usize];
        if job.alloc_gpus < self.shape.gpus_per_node {
            self.free_nodes() > 0 || self.partial[job.alloc_gpus as usize..].iter().any(|p| !p.is_empty())
        } else {
            job.nodes_needed <= self.free_nodes()
        }
    }

    /// Places and starts a job if nodes allow. A job smaller than a node
    /// shares the fullest node it fits on; a larger one takes whole nodes:
    /// inside one domain when it fits one (best fit), else whole free
    /// domains first, then the fullest partly free ones.
    fn try_start(&mut self, j: u32) -> bool {
        let gpn = self.shape.gpus_per_node;
        let g = self.jobs[j as usize].alloc_gpus;
        let shared = g < gpn;
        let need = if shared { 1 } else { self.jobs[j as usize].nodes_needed };
        if shared && let Some(n) = (g as usize..gpn as usize).find_map(|f| self.partial[f].iter().next().copied()) {
            self.take_gpus(n, j, g);
            return self.launch(j, vec![n]);
        }
        if need > self.free_nodes() {
            return false;
        }
        let per = self.shape.nodes_per_domain;
        let mut picks: Vec<(u32, u32)> = Vec::new();
        if need <= per {
            // Best fit: the domain with the fewest free nodes that still holds the job.
            let best = (need as usize..self.by_free.len()).find_map(|f| self.by_free[f].iter().next().copied());
            match best {
                Some(d) => picks.push((d, need)),
                None => return false,
            }
        } else {
            // Every domain's share is whole TP groups, so no group straddles two domains.
            let tp = self.jobs[j as usize].tp_nodes;
            let whole = per / tp * tp;
            let mut left = need;
            for &d in self.by_free[per as usize].iter() {
                if left < whole {
                    break;
                }
                picks.push((d, whole));
                left -= whole;
            }
            'outer: for f in (1..=per as usize).rev() {
                for &d in self.by_free[f].iter() {
                    if left == 0 {
                        break 'outer;
                    }
                    if picks.iter().any(|p| p.0 == d) {
                        continue;
                    }
                    let take = (f as u32).min(left) / tp * tp;
                    if take > 0 {
                        picks.push((d, take));
                        left -= take;
                    }
                }
            }
            if left > 0 {
                return false;
            }
        }
        let mut nodes = Vec::with_capacity(need as usize);
        for (d, mut take) in picks {
            let lo = d * per;
            let hi = (lo + per).min(self.shape.nodes);
            for n in lo..hi {
                if take == 0 {
                    break;
                }
                if self.up(n) && self.node_used[n as usize] == 0 {
                    nodes.push(n);
                    take -= 1;
                }
            }
        }
        for &n in &nodes {
            self.take_gpus(n, j, if shared { g } else { gpn });
        }
        self.launch(j, nodes)
    }

    /// `g` GPUs of up node `n` go to job `j`.
    fn take_gpus(&mut self, n: u32, j: u32, g: u32) {
        let gpn = self.shape.gpus_per_node;
        let used = self.node_used[n as usize];
        if used == 0 {
            self.adjust_free(n, -1);
        } else {
            self.partial[(gpn - used) as usize].remove(&n);
        }
        let used = used + g;
        self.node_used[n as usize] = used;
        if used < gpn {
            self.partial[(gpn - used) as usize].insert(n);
        }
        self.node_jobs[n as usize].push(j);
        self.allocated_gpus += u64::from(g);
    }

    /// Job `j` gives back its `g` GPUs of node `n` (up or down).
    fn give_gpus(&mut self, n: u32, j: u32, g: u32) {
        let gpn = self.shape.gpus_per_node;
        self.node_jobs[n as usize].retain(|&x| x != j);
        self.allocated_gpus -= u64::from(g);
        let used = self.node_used[n as usize];
        self.node_used[n as usize] = used - g;
        if !self.up(n) {
            return;
        }
        if used < gpn {
            self.partial[(gpn - used) as usize].remove(&n);
        }
        if used == g {
            self.adjust_free(n, 1);
        } else {
            self.partial[(gpn - used + g) as usize].insert(n);
        }
    }

    /// Starts placed job `j` on `nodes`.
    fn launch(&mut self, j: u32, nodes: Vec<u32>) -> bool {
        self.running.push(j);
        self.jobs[j as usize].net = 1.0;
        if self.network.is_some() && self.jobs[j as usize].nodes_needed > self.shape.nodes_per_domain {
            self.net_dirty = true;
        }
        let rate = self.straggler_rate(self.jobs[j as usize].spec.gpus);
        let now = self.now;
        let restart = self.cfg.restart_minutes * 60.0;
        let job = &mut self.jobs[j as usize];
        let overhead = if job.record.start_s.is_some() { restart } else { 0.0 };
        if job.record.start_s.is_none() {
            job.record.start_s = Some(now);
            // Whole microseconds: the event clock's nanosecond rounding is not a delay.
            job.record.queue_delay_s = Some(((now - job.spec.submit_s) * 1e6).round().max(0.0) / 1e6);
        }
        job.slow = rate;
        job.base_eff = rate * job.tau_s / (job.tau_s + job.delta_s);
        job.placed = nodes;
        let eff = self.rate_on_nodes(j);
        let job = &mut self.jobs[j as usize];
        job.running = Some(Run { start: now, overhead, rate: eff });
        job.epoch += 1;
        let end = now + overhead + job.remaining_s / eff;
        let epoch = job.epoch;
        self.q.push(SimTime::from_secs(end), Event::End { job: j, epoch });
        true
    }

    /// Progress rate under stragglers: a step ends with its slowest rank, so
    /// the expected step is `1 + σ E[max of N standard normals]` of the mean.
    fn straggler_rate(&mut self, gpus: u32) -> f64 {
        if self.cfg.rank_jitter == 0.0 || gpus < 2 {
            return 1.0;
        }
        let draws = STRAGGLER_DRAWS;
        let mut sum = 0.0;
        for _ in 0..draws {
            let u: f64 = self.rng_jitter.random::<f64>().max(1e-300);
            sum += stats::max_normal(u, gpus);
        }
        1.0 / (1.0 + self.cfg.rank_jitter * (sum / f64::from(draws)).max(0.0))
    }

    fn release(&mut self, j: u32) {
        if self.network.is_some() && self.jobs[j as usize].nodes_needed > self.shape.nodes_per_domain {
            self.net_dirty = true;
        }
        let nodes = std::mem::take(&mut self.jobs[j as usize].placed);
        let gpn = self.shape.gpus_per_node;
        let g = self.jobs[j as usize].alloc_gpus.min(gpn);
        for &n in &nodes {
            self.give_gpus(n, j, g);
        }
        if let Some(pos) = self.running.iter().position(|&x| x == j) {
            self.running.swap_remove(pos);
        }
    }

    fn end(&mut self, j: u32, epoch: u32) {
        if self.jobs[j as usize].epoch != epoch || self.jobs[j as usize].running.is_none() {
            return;
        }
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let run = job.running.take().expect("checked above");
        let g = f64::from(job.spec.gpus);
        job.record.gpu_hours += (now - run.start) * f64::from(job.alloc_gpus) / 3600.0;
        self.useful_gpu_s += job.remaining_s * g;
        job.remaining_s = 0.0;
        job.record.end_s = Some(now);
        job.record.state = Final::Completed;
        self.release(j);
        self.schedule();
    }

    /// A node fails. With a hot spare at hand the spare is swapped into the
    /// failed node's slot at once (the broken hardware leaves the cluster for
    /// repair and then refills the pool; a lemon is retired instead);
    /// otherwise the node is down until repaired, or for good once a lemon
    /// has failed `lemon_removal_failures` times. A job on the node is
    /// interrupted either way. A node already down (its domain failed) does
    /// not fail again: its clock restarts.
    fn fail(&mut self, n: u32) {
        let i = n as usize;
        if !self.up(n) {
            let t = self.now + self.time_to_failure(n);
            self.q.push(SimTime::from_secs(t), Event::NodeFail(n));
            return;
        }
        self.failures += 1;
        if let Some(h) = self.series.failures.last_mut() {
            *h += 1;
        }
        self.node_failures[i] += 1;
        let repaired_at = SimTime::from_secs(self.now + self.repair_time());
        if self.spares > 0 {
            self.spares -= 1;
            // New hardware in the slot: whatever made it slow left with the old.
            self.node_slow[i] = false;
            // The slot gets the spare's healthy hardware; the failed unit goes
            // to repair and back to the pool, unless it is a lemon at its limit.
            let limit = self.cfg.lemon_removal_failures;
            if self.lemon[i] && limit > 0 && self.node_failures[i] >= limit {
                self.lemons_removed += 1;
            } else {
                self.q.push(repaired_at, Event::SpareRepaired);
            }
            self.lemon[i] = false;
            self.node_failures[i] = 0;
            let t = self.now + self.time_to_failure(n);
            self.q.push(SimTime::from_secs(t), Event::NodeFail(n));
            for j in self.node_jobs[i].clone() {
                self.interrupt(j, true, false);
            }
            return;
        }
        let limit = self.cfg.lemon_removal_failures;
        if self.lemon[i] && limit > 0 && self.node_failures[i] >= limit {
            self.lemons_removed += 1;
            self.take_down(n);
            return;
        }
        self.q.push(repaired_at, Event::NodeRepair(n));
        self.take_down(n);
    }

    /// Node `n` goes down for one more reason; jobs on it are interrupted.
    fn take_down(&mut self, n: u32) {
        let i = n as usize;
        self.down_count[i] += 1;
        if self.down_count[i] == 1 {
            let (used, gpn) = (self.node_used[i], self.shape.gpus_per_node);
            if used == 0 {
                self.adjust_free(n, -1);
            } else if used < gpn {
                self.partial[(gpn - used) as usize].remove(&n);
            }
            self.node_slow[i] = false;
            self.down_nodes += 1;
            // Requeue all of the node's jobs before any placement runs again.
            let held = self.hold;
            self.hold = true;
            for j in self.node_jobs[i].clone() {
                self.interrupt(j, false, false);
            }
            self.hold = held;
            if !held {
                self.schedule();
            }
        }
    }

    /// One reason for node `n` being down is gone.
    fn bring_up(&mut self, n: u32) {
        let i = n as usize;
        self.down_count[i] -= 1;
        if self.down_count[i] == 0 {
            self.down_nodes -= 1;
            self.adjust_free(n, 1);
        }
    }

    /// A whole group fails: a scale-up domain (power shelf, switch tray,
    /// coolant loop) or a leaf switch, which cuts its nodes off the fabric.
    fn group_fail(&mut self, level: Level, g: u32) {
        let repair = match level {
            Level::Domain => {
                self.domain_failures += 1;
                self.cfg.domain_repair_hours
            }
            Level::Leaf => {
                self.leaf_failures += 1;
                self.cfg.leaf_repair_hours
            }
        };
        // Take the whole group down before requeued jobs are placed again.
        self.hold = true;
        for n in self.group_nodes(level, g) {
            self.take_down(n);
        }
        self.hold = false;
        self.schedule();
        let t = self.now + repair * 3600.0;
        self.q.push(SimTime::from_secs(t), Event::GroupRepair(level, g));
    }

    fn group_repair(&mut self, level: Level, g: u32) {
        for n in self.group_nodes(level, g) {
            self.bring_up(n);
        }
        let t = self.now + self.time_to_group_failure(level);
        self.q.push(SimTime::from_secs(t), Event::GroupFail(level, g));
        self.schedule();
    }

    fn group_nodes(&self, level: Level, g: u32) -> std::ops::Range<u32> {
        let per = self.group_size(level);
        g * per..((g + 1) * per).min(self.shape.nodes)
    }

    /// A failure in a job's footprint: keep the checkpointed progress, lose
    /// the rest, and restart in place (`in_place`: a spare took the failed
    /// node's slot) or from the front of the queue.
    fn interrupt(&mut self, j: u32, in_place: bool, preempted: bool) {
        if self.jobs[j as usize].running.is_none() {
            return;
        }
        if preempted {
            self.preemptions += 1;
            self.jobs[j as usize].record.preemptions += 1;
        } else {
            self.interruptions += 1;
            self.jobs[j as usize].record.restarts += 1;
        }
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let Some(run) = job.running.take() else { return };
        let elapsed = (now - run.start - run.overhead).max(0.0);
        let cycle = job.tau_s + job.delta_s;
        let raw_rate = run.rate * cycle / job.tau_s;
        let kept = ((elapsed / cycle).floor() * job.tau_s * raw_rate).min(job.remaining_s);
        let done = (elapsed * run.rate).min(job.remaining_s);
        let alloc_gpus = f64::from(job.alloc_gpus);
        job.record.gpu_hours += (now - run.start) * alloc_gpus / 3600.0;
        job.record.lost_gpu_hours += (done - kept).max(0.0) * f64::from(job.spec.gpus) / 3600.0;
        self.useful_gpu_s += kept * f64::from(job.spec.gpus);
        job.remaining_s -= kept;
        if in_place {
            let restart = self.cfg.restart_minutes * 60.0;
            let rate = self.rate_on_nodes(j);
            let job = &mut self.jobs[j as usize];
            job.running = Some(Run { start: now, overhead: restart, rate });
            job.epoch += 1;
            let end = now + restart + job.remaining_s / rate;
            let epoch = job.epoch;
            self.q.push(SimTime::from_secs(end), Event::End { job: j, epoch });
        } else {
            self.release(j);
            self.enqueue(j, true);
            self.schedule();
        }
    }

    fn repair(&mut self, n: u32) {
        self.bring_up(n);
        if self.node_rate_per_s > 0.0 {
            let t = self.now + self.time_to_failure(n);
            self.q.push(SimTime::from_secs(t), Event::NodeFail(n));
        }
        self.schedule();
    }

    fn sample(&mut self) {
        let g = self.shape.gpus_per_node;
        self.series.allocated_gpus.push(u32::try_from(self.allocated_gpus).unwrap_or(u32::MAX));
        self.series.down_gpus.push((self.down_nodes as u32).saturating_mul(g));
        self.series.failures.push(0);
        if self.total_free > 0 {
            let whole = self.by_free[self.shape.nodes_per_domain as usize].len() as u32 * self.shape.nodes_per_domain;
            self.frag_sum += f64::from(self.total_free.saturating_sub(whole)) / f64::from(self.total_free);
        }
        self.frag_samples += 1;
        if self.net_dirty {
            self.solve_network();
        }
        let next = self.now + 3600.0;
        if next <= self.end_s {
            self.q.push(SimTime::from_secs(next), Event::Sample);
        }
    }

    /// The scale-up domains a job occupies.
    fn domains_of(&self, j: u32) -> Vec<u64> {
        let per = self.shape.nodes_per_domain;
        let mut d: Vec<u64> = self.jobs[j as usize].placed.iter().map(|&n| u64::from(n / per)).collect();
        d.dedup();
        d
    }

    /// Shares the fabric among running multi-domain jobs and re-times those
    /// whose share changed: a job spending `comm_share` of its step in
    /// scale-out traffic at full bandwidth runs at `1 / (1 - c + c / share)`.
    fn solve_network(&mut self) {
        self.net_dirty = false;
        let Some(net) = self.network else { return };
        let mut ids: Vec<u32> = self.running.iter().copied().filter(|&j| self.domains_of(j).len() > 1).collect();
        ids.sort_unstable();
        let placements: Vec<Vec<u64>> = ids.iter().map(|&j| self.domains_of(j)).collect();
        let shares = if placements.is_empty() { Vec::new() } else { net.shares(&placements) };
        let c = self.cfg.comm_share;
        for (&j, &share) in ids.iter().zip(&shares) {
            let share = share.clamp(1e-6, 1.0);
            self.net_share_sum += share;
            self.net_share_n += 1;
            let factor = 1.0 / (1.0 - c + c / share);
            if (self.jobs[j as usize].net - factor).abs() > 1e-9 {
                self.jobs[j as usize].net = factor;
                self.retime(j);
            }
        }
    }

    fn finish(mut self) -> SimResult {
        let end = self.end_s;
        let gpn = self.shape.gpus_per_node;
        for job in &mut self.jobs {
            job.record.id = std::mem::take(&mut job.spec.id);
        }
        for j in 0..self.jobs.len() {
            let job = &mut self.jobs[j];
            if let Some(run) = job.running.take() {
                let elapsed = (end - run.start - run.overhead).max(0.0);
                let progress = (elapsed * run.rate).min(job.remaining_s);
                job.record.gpu_hours += (end - run.start) * f64::from(job.alloc_gpus) / 3600.0;
                self.useful_gpu_s += progress * f64::from(job.spec.gpus);
                // Progress made by the horizon counts for ETTR, checkpointed or not.
                job.remaining_s -= progress;
                job.record.state = Final::Running;
            }
        }
        let capacity = f64::from(self.shape.nodes * gpn) * end / 3600.0;
        let alloc = self.alloc_area / 3600.0;
        let down = self.down_area / 3600.0;
        let largest = self
            .jobs
            .iter()
            .filter(|j| j.record.start_s.is_some())
            .max_by_key(|j| (j.spec.gpus, std::cmp::Reverse(j.record.id.clone())));
        let (mtti, ettr, factor, ckpt) = match largest {
            Some(j) => {
                let start = j.record.start_s.unwrap_or(0.0);
                let wall = j.record.end_s.unwrap_or(end) - start;
                let kept = j.spec.work_s - j.remaining_s;
                let mtti = (j.record.restarts > 0).then(|| wall / 3600.0 / f64::from(j.record.restarts));
                let factor = 1.0 / self.cfg_rate_probe(j.spec.gpus);
                // Progress is in full-speed seconds; at the straggler-slowed rate it took kept / slow.
                let ettr = (wall > 0.0).then(|| (kept / j.slow / wall).min(1.0));
                (mtti, ettr, factor, Some(j.tau_s / 60.0))
            }
            None => (None, None, 1.0, None),
        };
        // Jobs due after the horizon were never submitted: they are not reported.
        let not_yet = self.not_yet;
        let delays: Vec<f64> = self.jobs.iter().filter_map(|j| j.record.queue_delay_s).collect();
        let summary = Summary {
            days: self.cfg.days,
            jobs_submitted: self.jobs.len(),
            jobs_after_horizon: not_yet,
            jobs_completed: self.jobs.iter().filter(|j| j.record.state == Final::Completed).count(),
            jobs_too_large: self.jobs.iter().filter(|j| j.record.state == Final::TooLarge).count(),
            interruptions: self.interruptions,
            mtti_hours: mtti.or_else(|| (self.interruptions > 0).then(|| end / 3600.0 / self.interruptions as f64)),
            ettr,
            goodput: if alloc > 0.0 { self.useful_gpu_s / 3600.0 / alloc } else { 0.0 },
            utilization: if capacity - down > 0.0 { alloc / (capacity - down) } else { 0.0 },
            node_failures: self.failures,
            domain_failures: self.domain_failures,
            leaf_failures: self.leaf_failures,
            spine_failures: self.spine_failures,
            failures_by_cause: self
                .cfg
                .causes
                .iter()
                .map(|c| c.name.clone())
                .zip(self.by_cause.iter().copied())
                .collect(),
            lemons_removed: self.lemons_removed,
            preemptions: self.preemptions,
            fabric_share_mean: (self.net_share_n > 0).then(|| self.net_share_sum / self.net_share_n as f64),
            slow_episodes: self.slow_episodes,
            queue_delay_s: stats::percentiles(delays),
            gpu_hours_allocated: alloc,
            gpu_hours_idle: capacity - alloc - down,
            gpu_hours_down: down,
            gpu_hours_capacity: capacity,
            straggler_factor: factor,
            checkpoint_minutes: ckpt,
            fragmentation: if self.frag_samples > 0 { self.frag_sum / f64::from(self.frag_samples) } else { 0.0 },
            seed: self.seed,
        };
        let jobs: Vec<JobRecord> = self.jobs.into_iter().map(|j| j.record).collect();
        let by_size = buckets(&jobs);
        SimResult { summary, series: self.series, by_size, jobs }
    }

    /// The expected slowest-rank rate for a job size, from a fixed-seed probe
    /// (reporting only; does not touch the simulation's streams).
    fn cfg_rate_probe(&self, gpus: u32) -> f64 {
        if self.cfg.rank_jitter == 0.0 || gpus < 2 {
            return 1.0;
        }
        1.0 / (1.0 + self.cfg.rank_jitter * stats::expected_max_normal(gpus))
    }
}

/// Queueing and completion percentiles per GPU-count bucket (empty buckets left out).
fn buckets(jobs: &[JobRecord]) -> Vec<Bucket> {
    BUCKETS
        .iter()
        .filter_map(|&(lo, hi)| {
            let inside: Vec<&JobRecord> = jobs.iter().filter(|j| j.gpus >= lo && j.gpus <= hi).collect();
            if inside.is_empty() {
                return None;
            }
            let done: Vec<f64> = inside.iter().filter_map(|j| j.end_s.map(|e| (e - j.submit_s) / 3600.0)).collect();
            Some(Bucket {
                gpus: if lo == hi {
                    lo.to_string()
                } else if hi == u32::MAX {
                    format!(">{}", lo - 1)
                } else {
                    format!("{lo}-{hi}")
                },
                jobs: inside.len(),
                completed: done.len(),
                queue_delay_s: stats::percentiles(inside.iter().filter_map(|j| j.queue_delay_s).collect()),
                completion_hours: stats::percentiles(done),
            })
        })
        .collect()
}

/// Order-statistic draws averaged per placement for its straggler factor:
/// the standard error is about 1.5% of the expected maximum at 16,384 ranks
/// (the maximum of many normals has a spread of about 0.3).
const STRAGGLER_DRAWS: u32 = 32;

/// Jobs behind a blocked head that EASY examines per pass.
const BACKFILL_DEPTH: usize = 256;
