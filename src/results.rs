//! Results: plain serializable data, the only thing `report` reads.

use serde::Serialize;

pub use crate::catalog::CatalogRow;

/// `catalog list`: rows in kind, then id order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CatalogList(pub Vec<CatalogRow>);

/// `catalog show`: one entry, every field as in the catalog file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryDetail {
    /// Kind.
    pub kind: String,
    /// The entry's fields.
    pub entry: serde_json::Value,
}

/// Peak compute at one precision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeakRow {
    /// Precision.
    pub precision: String,
    /// Dense peak \[EFLOP/s\].
    pub dense_eflops: f64,
    /// Vendor's sparse headline \[EFLOP/s\], where published.
    pub sparse_eflops: Option<f64>,
}

/// `check`: what a valid scenario describes, at nameplate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSummary {
    /// Scenario name.
    pub scenario: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// System id.
    pub system: String,
    /// Accelerator id.
    pub accelerator: String,
    /// Accelerators.
    pub gpus: u32,
    /// Nodes.
    pub nodes: u32,
    /// Racks (rounded up).
    pub racks: u32,
    /// Scale-up domains (rounded up).
    pub scaleup_domains: u32,
    /// Scale-out fabric id.
    pub fabric: String,
    /// Routing on it, and where it comes from: `adaptive (catalog)`.
    pub routing: String,
    /// Peak compute per precision.
    pub peaks: Vec<PeakRow>,
    /// Total HBM \[TB\].
    pub hbm_tb: f64,
    /// The racks' power at nameplate \[MW\].
    pub it_power_mw: f64,
    /// Low end of the racks' power range \[MW\].
    pub it_power_mw_low: f64,
    /// High end of the racks' power range \[MW\].
    pub it_power_mw_high: f64,
    /// IT power at nameplate with the scale-out switches and storage: what
    /// `simulate` and `facility` size the hall for \[MW\].
    pub it_power_mw_with_fabric: f64,
    /// Site id.
    pub site: Option<String>,
    /// Fixed PUE, if given.
    pub pue: Option<f64>,
    /// Facility power at nameplate (with fabric and storage) and that PUE \[MW\].
    pub facility_power_mw: Option<f64>,
    /// Electricity price \[USD/kWh\].
    pub electricity_usd_per_kwh: Option<f64>,
    /// Energy bill if the facility drew nameplate power all year: an upper bound \[USD/year\].
    pub energy_usd_per_year_upper_bound: Option<f64>,
    /// Share of hours busy.
    pub utilization: f64,
    /// What the cluster and its fabric are made of.
    pub inventory: crate::topology::Inventory,
    /// The `[training]` job's step, if the scenario has one.
    pub training: Option<TrainingSummary>,
    /// Non-fatal remarks on the scenario.
    pub warnings: Vec<String>,
}

/// One row of `collective`, in nccl-tests' terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectiveRow {
    /// Message size (nccl-tests' `size`) \[B\].
    pub size_bytes: u64,
    /// Time of one collective \[s\].
    pub time_s: f64,
    /// size / time \[GB/s, 1e9\].
    pub algbw_gb_per_s: f64,
    /// algbw x nccl-tests' bus factor \[GB/s\].
    pub busbw_gb_per_s: f64,
    /// Algorithm chosen (or forced).
    pub algorithm: String,
    /// Protocol chosen.
    pub protocol: String,
}

/// `collective`: one row per size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectiveSweep {
    /// The rows.
    pub rows: Vec<CollectiveRow>,
}

/// One published measurement next to its prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectiveValidationRow {
    /// Row id in the source.
    pub id: String,
    /// Catalog system.
    pub system: String,
    /// Where the traffic runs: `scale-up` inside one domain, else the scale-out fabric id.
    pub scope: String,
    /// GPUs.
    pub gpus: u64,
    /// GPUs in each scale-up domain the group touches.
    pub gpus_per_domain: u64,
    /// Operation.
    pub op: String,
    /// Message size \[B\].
    pub size_bytes: u64,
    /// Measured busbw \[GB/s\].
    pub measured_busbw_gb_per_s: f64,
    /// Predicted busbw \[GB/s\].
    pub predicted_busbw_gb_per_s: f64,
    /// (predicted - measured) / measured.
    pub error: f64,
    /// Algorithm/protocol the model chose.
    pub predicted_algorithm: String,
    /// What ran in the measurement.
    pub measured_algorithm: String,
    /// `fit` if parameters were fitted to this row, else `check`.
    pub role: String,
    /// Allowed |error| for this row.
    pub tolerance: f64,
    /// `high`, `medium` or `low` (newer rows).
    pub confidence: Option<String>,
    /// Where the row comes from.
    pub source: String,
}

/// A published row kept but not compared, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedRow {
    /// Row id.
    pub id: String,
    /// Catalog system.
    pub system: String,
    /// Why it is not compared.
    pub reason: String,
}

/// Check-row errors of one system on one scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemError {
    /// Catalog system.
    pub system: String,
    /// `scale-up` or the scale-out fabric id.
    pub scope: String,
    /// Check rows of 64 MiB and more.
    pub large_rows: usize,
    /// Their median |error|.
    pub large_median_abs_error: Option<f64>,
    /// Their largest |error|.
    pub large_max_abs_error: Option<f64>,
    /// Their median signed error (+ = the model is too fast).
    pub large_median_error: Option<f64>,
    /// Check rows below 64 MiB.
    pub small_rows: usize,
    /// Their median |error|.
    pub small_median_abs_error: Option<f64>,
    /// Fit rows (not in the errors).
    pub fit_rows: usize,
}

/// Error statistics of one group of rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorSummary {
    /// `fit` or `check`.
    pub role: String,
    /// Size class.
    pub sizes: String,
    /// Rows in the group.
    pub rows: usize,
    /// Median |error| (fraction).
    pub median_abs_error: f64,
    /// Largest |error| (fraction).
    pub max_abs_error: f64,
}

/// `validate`: predictions against published measurements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationReport {
    /// The rule that splits fit from check rows.
    pub fit_rule: String,
    /// Every compared row.
    pub rows: Vec<CollectiveValidationRow>,
    /// Rows kept but not compared.
    pub skipped: Vec<SkippedRow>,
    /// Errors by role and size class.
    pub summary: Vec<ErrorSummary>,
    /// Check-row errors per system and scope.
    pub systems: Vec<SystemError>,
}

/// One published training run next to its prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingValidationRow {
    /// Row id in the source.
    pub id: String,
    /// Model id.
    pub model: String,
    /// System id.
    pub system: String,
    /// Accelerator generation (`hopper`, `blackwell`, `blackwell-ultra`, ...).
    pub generation: String,
    /// `dense` or `moe`.
    pub class: String,
    /// Recipe (`bf16`, `fp8`, `mxfp8`, `nvfp4`).
    pub precision: String,
    /// Software release (vendor tables) or source.
    pub release: String,
    /// GPUs.
    pub gpus: u64,
    /// The plan, short.
    pub plan: String,
    /// `step_time_s`, `tokens_per_s_per_gpu` or `megatron_tflops`.
    pub metric: String,
    /// Published value.
    pub measured: f64,
    /// Predicted value.
    pub predicted: f64,
    /// Error of the predicted throughput (tokens/s, TFLOP/s or 1 / step
    /// time): positive when the model is too fast.
    pub error: f64,
    /// True step time over predicted step time.
    pub step_ratio: f64,
    /// `fit` or `check`.
    pub role: String,
    /// Predicted MFU.
    pub mfu: f64,
    /// Predicted to fit in memory.
    pub fits: bool,
    /// Plan details assumed.
    pub assumed: String,
}

/// Training validation: rows and error statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingValidationReport {
    /// Which rows are fitted, in words.
    pub fit_rule: String,
    /// Ids of the fit rows.
    pub fit_rows: Vec<String>,
    /// Share of check rows inside the P10-P90 band the other check rows give them.
    pub band_coverage: f64,
    /// Every row.
    pub rows: Vec<TrainingValidationRow>,
    /// Errors by role.
    pub summary: Vec<ErrorSummary>,
    /// Check-row errors by generation and model class.
    pub groups: Vec<GroupError>,
}

/// Errors of one accelerator generation and model class on its check rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupError {
    /// Generation, or `all`.
    pub generation: String,
    /// `dense`, `moe` or `all`.
    pub class: String,
    /// Check rows.
    pub check_rows: usize,
    /// Fit rows (not in the errors).
    pub fit_rows: usize,
    /// Median |error| of the check rows (none without check rows).
    pub median_abs_error: Option<f64>,
    /// Largest |error| of the check rows.
    pub max_abs_error: Option<f64>,
    /// Median signed error (positive: predicted too fast).
    pub median_error: Option<f64>,
}

/// A prediction's P10-P90 range from the check-row residuals of its
/// accelerator generation and model class (`validate --what training`).
/// Each field sits beside the plain number it brackets in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertainty {
    /// P10 of the step time \[s\].
    pub step_time_s_p10: f64,
    /// P90 of the step time \[s\].
    pub step_time_s_p90: f64,
    /// P10 of tokens per second (the slow end).
    pub tokens_per_s_p10: f64,
    /// P90 of tokens per second.
    pub tokens_per_s_p90: f64,
    /// P10 of MFU.
    pub mfu_p10: f64,
    /// P90 of MFU.
    pub mfu_p90: f64,
    /// P10 of the days to train (the fast end), when tokens are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_train_days_p10: Option<f64>,
    /// P90 of the days to train.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_train_days_p90: Option<f64>,
    /// Which check rows the band comes from.
    pub band_basis: String,
    /// Set when no check row covers this accelerator generation, model class
    /// or recipe: `unvalidated: no moe rows on cdna4`.
    pub unvalidated: Option<String>,
}

impl Uncertainty {
    /// The band applied to a step's figures.
    pub fn of(band: &crate::model::band::Band, step_s: f64, tokens_per_s: f64, mfu: f64, days: Option<f64>) -> Self {
        let (s10, s90) = band.step(step_s);
        let (t10, t90) = band.rate(tokens_per_s);
        let (m10, m90) = band.rate(mfu);
        Uncertainty {
            step_time_s_p10: s10,
            step_time_s_p90: s90,
            tokens_per_s_p10: t10,
            tokens_per_s_p90: t90,
            mfu_p10: m10,
            mfu_p90: m90,
            time_to_train_days_p10: days.map(|d| band.step(d).0),
            time_to_train_days_p90: days.map(|d| band.step(d).1),
            band_basis: band.basis.clone(),
            unvalidated: band.unvalidated.clone(),
        }
    }
}

/// `step`: one plan's step on a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    /// Model id.
    pub model: String,
    /// System id.
    pub system: String,
    /// GPUs.
    pub gpus: u64,
    /// The plan.
    pub plan: crate::model::training::Plan,
    /// The step.
    #[serde(flatten)]
    pub step: crate::model::training::Step,
    /// Days to train the given tokens at the given goodput.
    pub time_to_train_days: Option<f64>,
    /// P10-P90 of the step's figures.
    #[serde(flatten)]
    pub band: Uncertainty,
}

/// One ranked plan of `plan`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRow {
    /// Rank, 1 = fastest.
    pub rank: usize,
    /// The plan.
    pub plan: crate::model::training::Plan,
    /// Step time \[s\].
    pub step_time_s: f64,
    /// Tokens per second.
    pub tokens_per_s: f64,
    /// MFU.
    pub mfu: f64,
    /// Memory per GPU \[B\].
    pub memory_per_gpu_bytes: f64,
    /// Days to train the given tokens.
    pub time_to_train_days: Option<f64>,
    /// P10-P90 of the plan's figures.
    #[serde(flatten)]
    pub band: Uncertainty,
}

/// One GPU count tried when sizing a cluster for a deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizingRow {
    /// GPUs.
    pub gpus: u64,
    /// Valid plans at this size (0: batch, layers or heads do not divide).
    pub valid_plans: usize,
    /// Fastest plan, if any fits.
    pub plan: Option<crate::model::training::Plan>,
    /// Its days to train.
    pub time_to_train_days: Option<f64>,
    /// P90 of its days to train (the slow end of the band).
    pub time_to_train_days_p90: Option<f64>,
    /// Whether it meets the deadline (at the point estimate).
    pub meets_deadline: bool,
    /// Whether it meets the deadline even at P90.
    pub meets_deadline_p90: bool,
}

/// `plan`: ranked plans, and the sizing search if a deadline was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanReport {
    /// Model id.
    pub model: String,
    /// System id.
    pub system: String,
    /// GPUs.
    pub gpus: u64,
    /// Valid plans evaluated.
    pub evaluated: usize,
    /// Of those, plans that fit in memory.
    pub fitting: usize,
    /// The best plans.
    pub plans: Vec<PlanRow>,
    /// GPU counts tried for the deadline, fewest first.
    pub sizing: Vec<SizingRow>,
    /// Fewest GPUs that meet the deadline.
    pub gpus_for_deadline: Option<u64>,
    /// Fewest GPUs that meet the deadline at the P90 of their band.
    pub gpus_for_deadline_p90: Option<u64>,
    /// What the user should know: no valid plan (and the rule that ruled
    /// most out), no plan that fits, a deadline no size meets.
    pub warnings: Vec<String>,
}

/// `validate --format json`: both tables in one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationAll {
    /// Collectives.
    pub collectives: ValidationReport,
    /// Training runs.
    pub training: TrainingValidationReport,
    /// Flow collisions and adaptive routing.
    pub contention: crate::pipeline::validate::ContentionValidation,
}

/// A scenario's training job, evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingSummary {
    /// Model id.
    pub model: String,
    /// The plan.
    pub plan: crate::model::training::Plan,
    /// Step time \[s\].
    pub step_time_s: f64,
    /// Tokens per second.
    pub tokens_per_s: f64,
    /// MFU.
    pub mfu: f64,
    /// Sustained model FLOP/s of the whole cluster \[EFLOP/s\].
    pub sustained_model_eflops: f64,
    /// Memory per GPU \[B\].
    pub memory_per_gpu_bytes: f64,
    /// Fits in HBM.
    pub fits: bool,
    /// Days to train the scenario's tokens at its goodput.
    pub time_to_train_days: Option<f64>,
    /// P10 of the sustained model FLOP/s \[EFLOP/s\].
    pub sustained_model_eflops_p10: f64,
    /// P90 of the sustained model FLOP/s \[EFLOP/s\].
    pub sustained_model_eflops_p90: f64,
    /// P10-P90 of the step's figures.
    #[serde(flatten)]
    pub band: Uncertainty,
}

/// `simulate`: what the cluster did over the simulated days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimReport {
    /// Scenario name.
    pub scenario: String,
    /// System id.
    pub system: String,
    /// GPUs.
    pub gpus: u32,
    /// Nodes.
    pub nodes: u32,
    /// Cluster-wide results.
    pub summary: crate::sim::Summary,
    /// The largest job that started, which ETTR and MTTI describe.
    pub largest_job: Option<crate::sim::JobRecord>,
    /// Queueing and completion by job size.
    pub by_size: Vec<crate::sim::Bucket>,
    /// The replayed trace and its own queueing, if one was replayed.
    pub trace: Option<TraceComparison>,
    /// IT nameplate \[MW\]: nodes at the catalog's rack power, scale-out
    /// switches and storage (what the hall is built for).
    pub it_power_mw_nameplate: f64,
    /// Mean IT power over the hourly samples \[MW\].
    pub it_power_mw_mean: f64,
    /// The scale-out fabric and how the run shared it.
    pub network: NetworkModel,
    /// What the user should know about the run (a job that needs every node
    /// with no hot spare).
    pub warnings: Vec<String>,
}

/// The scale-out fabric a simulation ran on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkModel {
    /// Fabric id.
    pub fabric: String,
    /// Routing: `adaptive`, `ecmp` or `d-mod-k`.
    pub routing: String,
    /// Where the routing came from: `catalog` or `scenario`.
    pub routing_from: &'static str,
    /// Jobs shared the fabric max-min fairly (`contention = false` turns it off).
    pub contention: bool,
    /// Fat-tree tiers and leaf oversubscription, in words.
    pub tree: String,
}

/// A replayed trace against what really happened on its cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceComparison {
    /// File.
    pub path: String,
    /// Rows read.
    pub rows: usize,
    /// Jobs replayed.
    pub replayed: usize,
    /// Rows skipped as CPU-only (`gpus = 0`).
    pub cpu_only: usize,
    /// Rows skipped as never run in the trace.
    pub never_ran: usize,
    /// Queueing delay in the trace itself \[s\].
    pub trace_queue_delay_s: Option<crate::sim::Percentiles>,
    /// Queueing delay of the replayed trace jobs in the simulation \[s\].
    pub simulated_queue_delay_s: crate::sim::Percentiles,
}
