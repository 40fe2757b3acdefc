//! Scenario files as written: every field that validation may complain about
//! keeps its span, so the complaint points at the value.

use serde::Deserialize;
use toml::Spanned;

/// A scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioWire {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: Option<u64>,
    pub cluster: Spanned<ClusterWire>,
    #[serde(default)]
    pub facility: FacilityWire,
    #[serde(default)]
    pub workload: WorkloadWire,
    pub training: Option<Spanned<TrainingWire>>,
}

/// `[training]`: a training job on the cluster.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingWire {
    pub model: Spanned<String>,
    pub tp: Option<Spanned<i64>>,
    pub pp: Option<Spanned<i64>>,
    pub vp: Option<Spanned<i64>>,
    pub cp: Option<Spanned<i64>>,
    pub ep: Option<Spanned<i64>>,
    pub micro_batch: Option<Spanned<i64>>,
    pub global_batch: Option<Spanned<i64>>,
    pub seq_len: Option<Spanned<i64>>,
    pub precision: Option<Spanned<String>>,
    pub recompute: Option<Spanned<String>>,
    pub zero: Option<Spanned<i64>>,
    pub lora_rank: Option<Spanned<i64>>,
    pub tokens: Option<Spanned<f64>>,
    pub goodput: Option<Spanned<f64>>,
}

/// `[cluster]`: what hardware, and how much of it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterWire {
    pub system: Spanned<String>,
    pub racks: Option<Spanned<i64>>,
    pub nodes: Option<Spanned<i64>>,
    pub gpus: Option<Spanned<i64>>,
    pub fabric: Option<Spanned<String>>,
    pub gpu_power_cap_w: Option<Spanned<f64>>,
}

/// `[facility]`: where it runs and what energy costs there.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityWire {
    pub site: Option<Spanned<String>>,
    pub pue: Option<Spanned<f64>>,
    pub electricity_usd_per_kwh: Option<Spanned<f64>>,
}

/// `[workload]`: how busy the cluster is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadWire {
    pub utilization: Option<Spanned<f64>>,
}
