//! What the simulation takes and gives: job specs, the cluster's shape,
//! every job's record, the summary, the hourly series.

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
    /// Time-weighted mean share of line rate its rings got on the shared
    /// fabric (`None`: it never spanned scale-up domains, or no contention model).
    pub fabric_share: Option<f64>,
    /// Lowest share it had.
    pub fabric_share_min: Option<f64>,
    /// The link that held it back at its lowest share.
    pub bottleneck: Option<String>,
    /// GPU time lost to fabric contention: allocated GPU-hours times the
    /// slowdown `1 - rate` \[GPU-hours\].
    pub contention_gpu_hours: f64,
}

/// A job slowed by the fabric, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FabricJob {
    /// Name.
    pub id: String,
    /// GPUs.
    pub gpus: u32,
    /// Time-weighted mean share of line rate.
    pub share: f64,
    /// Lowest share.
    pub share_min: f64,
    /// The link that held it back at its lowest share.
    pub bottleneck: Option<String>,
    /// GPU-hours lost to contention.
    pub gpu_hours_lost: f64,
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
    /// Mean share of line rate multi-domain jobs got on the shared fabric,
    /// weighted by their time on it (`None` without the contention model or
    /// without such jobs).
    pub fabric_share_mean: Option<f64>,
    /// 10th percentile over multi-domain jobs of each one's mean share.
    pub fabric_share_p10: Option<f64>,
    /// 90th percentile of the same.
    pub fabric_share_p90: Option<f64>,
    /// Jobs that ran across scale-up domains on the shared fabric.
    pub fabric_jobs: u64,
    /// GPU-hours lost to fabric contention.
    pub contention_gpu_hours: f64,
    /// The jobs with the lowest mean share (up to five), slowest first.
    pub slowest_fabric_jobs: Vec<FabricJob>,
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
