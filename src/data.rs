//! Reference data shipped in `data/` besides the catalog: model parameters
//! and the published measurements the models are validated against.

use crate::model::collective::CollectiveParams;
use crate::model::training::Profile;
use serde::Deserialize;

const COLLECTIVES: &str = include_str!("../data/collectives.toml");
const PROFILE: &str = include_str!("../data/calibration/default.toml");
const TRAINING_VALIDATION: &str = include_str!("../data/validation/training.toml");
const COLLECTIVE_VALIDATION: &str = include_str!("../data/validation/collectives.toml");
const RELIABILITY: &str = include_str!("../data/reliability.toml");

/// The built-in collective parameters. The file is part of the binary and
/// checked by a unit test, so a failure here is a build defect.
pub fn collective_params() -> CollectiveParams {
    toml::from_str(COLLECTIVES).expect("data/collectives.toml is valid (unit-tested)")
}

/// One default with where it comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced {
    /// `PUBLISHED` or `ASSUMED`.
    pub status: String,
    /// The value used.
    pub value: f64,
    /// Plausible range.
    pub range: [f64; 2],
    /// Citation, or the reason for an assumption.
    pub source: String,
    /// When.
    pub date: String,
}

/// Defaults of `[simulation]` (`data/reliability.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReliabilityDefaults {
    /// Node failures per 1,000 node-days.
    pub node_failures_per_1000_node_days: Sourced,
    /// Restart overhead \[min\].
    pub restart_minutes: Sourced,
    /// Checkpoint storage bandwidth \[GB/s\].
    pub storage_gb_per_s: Sourced,
    /// Speed of a job with a slow node.
    pub slow_factor: Sourced,
    /// Time to detect a slow node \[h\].
    pub slow_detect_hours: Sourced,
    /// Failure causes, their shares and repair times.
    pub cause: Vec<CauseEntry>,
}

/// A node failure cause.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseEntry {
    /// Name.
    pub name: String,
    /// Share of node failures.
    pub share: f64,
    /// Repair time \[h\] (ASSUMED).
    pub repair_hours: f64,
    /// Plausible range of the repair time \[h\].
    pub repair_range: [f64; 2],
}

/// The built-in `[simulation]` defaults.
pub fn reliability_defaults() -> ReliabilityDefaults {
    toml::from_str(RELIABILITY).expect("data/reliability.toml is valid (unit-tested)")
}

/// The default compute-efficiency profile (`data/calibration/default.toml`).
pub fn default_profile() -> Profile {
    toml::from_str(PROFILE).expect("data/calibration/default.toml is valid (unit-tested)")
}

/// One published training run with its plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredRun {
    /// Row id in the source table.
    pub id: String,
    /// Catalog model id.
    pub model: String,
    /// Catalog system id.
    pub system: String,
    /// GPUs.
    pub gpus: u64,
    /// Tensor parallel.
    pub tp: u32,
    /// Pipeline parallel.
    pub pp: u32,
    /// Virtual stages.
    #[serde(default = "one")]
    pub vp: u32,
    /// Context parallel.
    #[serde(default = "one")]
    pub cp: u32,
    /// Micro-batch.
    pub micro_batch: u32,
    /// Global batch (sequences).
    pub global_batch: u32,
    /// Sequence length.
    pub seq_len: u32,
    /// Precision: bf16, fp8.
    pub precision: String,
    /// none, selective, full.
    pub recompute: String,
    /// ZeRO stage.
    #[serde(default = "one_u8")]
    pub zero: u8,
    /// Sequence parallelism.
    #[serde(default)]
    pub sequence_parallel: bool,
    /// LoRA rank.
    pub lora_rank: Option<u32>,
    /// Software stack: `modern` (default) or `megatron-2021`.
    #[serde(default = "modern")]
    pub stack: String,
    /// `step_time_s`, or `megatron_tflops` (per GPU, counted by Megatron-LM's Eq. 3 with recompute).
    pub metric: String,
    /// Published value of the metric.
    pub value: f64,
    /// Whether model parameters were fitted to this row.
    #[serde(default)]
    pub fit: bool,
    /// Plan details the source does not give and we assumed.
    pub assumed: Option<String>,
    /// Where the row comes from.
    pub source: String,
}

fn modern() -> String {
    "modern".into()
}
fn one() -> u32 {
    1
}
fn one_u8() -> u8 {
    1
}

/// `data/validation/training.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingValidation {
    /// The runs.
    pub run: Vec<MeasuredRun>,
}

/// The built-in training measurements.
pub fn training_validation() -> TrainingValidation {
    toml::from_str(TRAINING_VALIDATION).expect("data/validation/training.toml is valid (unit-tested)")
}

/// One published collective measurement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredCollective {
    /// Row id in the source table.
    pub id: String,
    /// GPUs engaged.
    pub gpus: u64,
    /// Operation, as nccl-tests names it.
    pub op: String,
    /// Message size (`32K`, `16G`).
    pub size: String,
    /// Measured bus bandwidth \[GB/s\].
    pub busbw_gb_per_s: f64,
    /// Algorithm forced for the measurement (`ring` when NVLS was off).
    pub algorithm: Option<String>,
    /// What the measurement says ran.
    pub measured_algorithm: String,
    /// Whether the parameters were fitted to this row.
    #[serde(default)]
    pub fit: bool,
}

/// `data/validation/collectives.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectiveValidation {
    /// Where the numbers come from.
    pub source: String,
    /// Date of the source.
    pub date: String,
    /// Catalog system the measurements were taken on.
    pub system: String,
    /// The measurements.
    pub row: Vec<MeasuredCollective>,
}

/// The built-in collective measurements.
pub fn collective_validation() -> CollectiveValidation {
    toml::from_str(COLLECTIVE_VALIDATION).expect("data/validation/collectives.toml is valid (unit-tested)")
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_files_parse() {
        let p = super::collective_params();
        assert!(p.efficiency.ring > 0.0 && p.efficiency.ring <= 1.0);
        assert!(super::collective_validation().row.len() >= 30);
        assert!(super::default_profile().device.len() >= 12);
        assert!(super::training_validation().run.len() >= 20);
    }

    #[test]
    fn reliability_defaults_are_sourced_and_in_range() {
        let d = super::reliability_defaults();
        let all = [
            &d.node_failures_per_1000_node_days,
            &d.restart_minutes,
            &d.storage_gb_per_s,
            &d.slow_factor,
            &d.slow_detect_hours,
        ];
        for s in all {
            assert!(s.range[0] <= s.value && s.value <= s.range[1], "{s:?}");
            assert!(matches!(s.status.as_str(), "PUBLISHED" | "ASSUMED") && !s.source.is_empty(), "{s:?}");
        }
        assert_eq!(d.node_failures_per_1000_node_days.status, "PUBLISHED");
        let total: f64 = d.cause.iter().map(|c| c.share).sum();
        assert!((total - 1.0).abs() < 1e-9, "cause shares add to {total}");
        for c in &d.cause {
            assert!(c.repair_range[0] <= c.repair_hours && c.repair_hours <= c.repair_range[1], "{c:?}");
        }
    }
}
