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

mod failures;
pub mod jobs;
mod placement;
mod schedule;
pub mod stats;
mod summary;
#[cfg(test)]
mod tests;
mod types;
mod waiting;

pub use types::*;

use failures::lemons;
use placement::{checkpointing, tp_nodes};

use crate::engine::queue::EventQueue;
use crate::engine::rng::{RngStreams, StreamRng};
use crate::engine::time::SimTime;
use crate::scenario::simulation::Simulation;
use rand::RngExt;

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
    /// Its rings are on the shared fabric (it spans scale-up domains).
    on_fabric: bool,
    /// Share of line rate its rings get now, and since when.
    share: f64,
    share_since: f64,
    /// Time on the fabric and share x time, for the time-weighted mean.
    fabric_s: f64,
    share_area: f64,
}

/// A running stretch of a job at one rate.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: f64,
    /// Restart time left at `start` (no progress during it).
    overhead: f64,
    rate: f64,
    /// Time into the current checkpoint cycle when progress resumes.
    phase: f64,
    /// Work done since the last checkpoint before `start` (kept only if the
    /// next checkpoint is written).
    pending: f64,
}

impl Run {
    fn new(start: f64, overhead: f64, rate: f64) -> Self {
        Self { start, overhead, rate, phase: 0.0, pending: 0.0 }
    }

    /// Progress by `now` of a job with `remaining` work and checkpoint
    /// cycle `cycle`: (work done in this stretch, work checkpointed in all,
    /// time into the cycle at `now`). A checkpoint keeps everything done
    /// before it, `pending` included.
    fn progress(&self, now: f64, remaining: f64, cycle: f64) -> (f64, f64, f64) {
        let elapsed = (now - self.start - self.overhead).max(0.0);
        let done = (elapsed * self.rate).min(remaining);
        let at = self.phase + elapsed;
        let cycles = (at / cycle).floor();
        let kept = if cycles >= 1.0 {
            self.pending + (self.rate * (cycles * cycle - self.phase)).clamp(0.0, done)
        } else {
            0.0
        };
        (done, kept, at - cycles * cycle)
    }
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
    network: Option<&'a mut dyn Network>,
    /// A multi-domain job started or stopped since the last fabric solve.
    net_dirty: bool,
    /// GPU-seconds lost to fabric contention.
    net_lost_gpu_s: f64,
    rng_domain: StreamRng,
    free_in_domain: Vec<u32>,
    /// Domains by free-node count: `by_free[f]` holds domains with `f` free nodes.
    by_free: Vec<std::collections::BTreeSet<u32>>,
    total_free: u32,
    running: Vec<u32>,
    spares: u32,
    /// When each node now down for its own repair comes back \[s\] (EASY's
    /// reservation counts them: without them a head job waiting on a repair
    /// had no reservation, and any job could backfill ahead of it).
    repairs_due: Vec<f64>,
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

/// The scale-out fabric the running jobs share.
pub trait Network {
    /// Job `job` starts on `placement` (the scale-up domains it spans and
    /// the GPUs it holds in each).
    fn start(&mut self, job: u32, placement: &crate::topology::Placement);
    /// Job `job` stops.
    fn stop(&mut self, job: u32);
    /// After starts and stops: `(job, share of line rate)` for each job whose
    /// share may have changed (1 = uncontended).
    fn solve(&mut self) -> Vec<(u32, f64)>;
    /// The link holding job `job` back, in words.
    fn bottleneck(&self, job: u32) -> Option<String>;
}

/// Runs the simulation with fabric contention: whenever a job that spans
/// scale-up domains starts or stops, the jobs whose fabric share it can
/// change are re-solved at that event and their rates updated.
pub fn run_with_network(
    shape: ClusterShape,
    cfg: &Simulation,
    specs: Vec<JobSpec>,
    seed: u64,
    progress: &mut dyn FnMut(f64),
    network: &mut dyn Network,
) -> SimResult {
    simulate(shape, cfg, specs, seed, progress, false, Some(network))
}

/// Runs the simulation and checks the cluster's bookkeeping after every
/// event (no job on a down node, GPU counts add up); panics on a violation.
/// O(nodes) per event: for tests.
pub fn run_checked(shape: ClusterShape, cfg: &Simulation, specs: Vec<JobSpec>, seed: u64) -> SimResult {
    simulate(shape, cfg, specs, seed, &mut |_| {}, true, None)
}

fn simulate<'a>(
    shape: ClusterShape,
    cfg: &'a Simulation,
    specs: Vec<JobSpec>,
    seed: u64,
    progress: &mut dyn FnMut(f64),
    check: bool,
    network: Option<&'a mut dyn Network>,
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
        net_lost_gpu_s: 0.0,
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
        repairs_due: Vec::new(),
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
            fabric_share: None,
            fabric_share_min: None,
            bottleneck: None,
            contention_gpu_hours: 0.0,
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
            on_fabric: false,
            share: 1.0,
            share_since: 0.0,
            fabric_s: 0.0,
            share_area: 0.0,
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
        if st.net_dirty {
            st.solve_network();
        }
        if check {
            st.assert_consistent();
        }
    }
    st.advance(end_s);
    st.finish()
}

impl State<'_> {
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
}

/// Order-statistic draws averaged per placement for its straggler factor:
/// the standard error is about 1.5% of the expected maximum at 16,384 ranks
/// (the maximum of many normals has a spread of about 0.3).
const STRAGGLER_DRAWS: u32 = 32;

/// Jobs behind a blocked head that EASY examines per pass.
const BACKFILL_DEPTH: usize = 256;
