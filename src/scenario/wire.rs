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
    pub simulation: Option<SimulationWire>,
    pub tco: Option<super::tco::TcoWire>,
    #[serde(default)]
    pub claim: Vec<ClaimWire>,
}

/// `[[claim]]`: a vendor's sentence to judge, with the context it leaves
/// unsaid (the cluster's system, GPUs and site by default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimWire {
    pub text: Spanned<String>,
    pub system: Option<Spanned<String>>,
    pub gpus: Option<Spanned<i64>>,
    pub racks: Option<Spanned<i64>>,
    pub site: Option<Spanned<String>>,
    pub cooling: Option<Spanned<String>>,
    pub ups: Option<Spanned<String>>,
    pub precision: Option<Spanned<String>>,
    pub model: Option<Spanned<String>>,
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
    pub routing: Option<Spanned<String>>,
    pub leaf_oversubscription: Option<Spanned<f64>>,
    pub gpu_power_cap_w: Option<Spanned<f64>>,
}

/// `[facility]`: where it runs and what energy costs there.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityWire {
    pub site: Option<Spanned<String>>,
    pub pue: Option<Spanned<f64>>,
    pub electricity_usd_per_kwh: Option<Spanned<f64>>,
    pub cooling: Option<Spanned<String>>,
    pub supply_temp_c: Option<Spanned<f64>>,
    pub ups: Option<Spanned<String>>,
    pub zero_water: Option<bool>,
    pub weather: Option<String>,
}

/// `[workload]`: how busy the cluster is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadWire {
    pub utilization: Option<Spanned<f64>>,
}

/// `[simulation]`: the discrete-event run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationWire {
    pub days: Option<Spanned<f64>>,
    #[serde(default)]
    pub reliability: ReliabilityWire,
    #[serde(default)]
    pub checkpoint: CheckpointWire,
    #[serde(default)]
    pub stragglers: StragglerWire,
    pub mix: Option<Spanned<MixWire>>,
    #[serde(default)]
    pub frontier: Vec<Spanned<FrontierWire>>,
    pub trace: Option<TraceWire>,
    pub scheduler: Option<Spanned<String>>,
    pub preemption: Option<bool>,
    #[serde(default)]
    pub network: NetworkWire,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkWire {
    pub contention: Option<bool>,
    pub comm_share: Option<Spanned<super::tco::DistWire>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReliabilityWire {
    pub node_failures_per_1000_node_days: Option<Spanned<super::tco::DistWire>>,
    pub weibull_shape: Option<Spanned<super::tco::DistWire>>,
    pub repair_hours: Option<Spanned<super::tco::DistWire>>,
    pub restart_minutes: Option<Spanned<super::tco::DistWire>>,
    pub hot_spare_nodes: Option<Spanned<i64>>,
    pub lemon_nodes: Option<Spanned<i64>>,
    pub lemon_factor: Option<Spanned<super::tco::DistWire>>,
    pub lemon_removal_failures: Option<Spanned<i64>>,
    pub domain_failures_per_1000_domain_days: Option<Spanned<super::tco::DistWire>>,
    pub domain_repair_hours: Option<Spanned<super::tco::DistWire>>,
    pub leaf_failures_per_1000_switch_days: Option<Spanned<super::tco::DistWire>>,
    pub leaf_repair_hours: Option<Spanned<super::tco::DistWire>>,
    pub spine_failures_per_1000_switch_days: Option<Spanned<super::tco::DistWire>>,
    pub spine_repair_hours: Option<Spanned<super::tco::DistWire>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointWire {
    pub interval_minutes: Option<Spanned<super::tco::DistWire>>,
    pub storage_gb_per_s: Option<Spanned<super::tco::DistWire>>,
    pub bytes_per_param: Option<Spanned<super::tco::DistWire>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StragglerWire {
    pub rank_jitter: Option<Spanned<super::tco::DistWire>>,
    pub slow_episodes_per_1000_node_days: Option<Spanned<super::tco::DistWire>>,
    pub slow_factor: Option<Spanned<super::tco::DistWire>>,
    pub slow_detect_hours: Option<Spanned<super::tco::DistWire>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixWire {
    pub jobs: Spanned<i64>,
    pub mean_interarrival_s: Spanned<super::tco::DistWire>,
    pub gpus: Spanned<Vec<i64>>,
    pub weights: Spanned<Vec<f64>>,
    pub median_hours: Spanned<super::tco::DistWire>,
    pub sigma: Option<Spanned<super::tco::DistWire>>,
    pub burst_mean: Option<Spanned<super::tco::DistWire>>,
    pub high_priority_share: Option<Spanned<super::tco::DistWire>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontierWire {
    pub gpus: Spanned<i64>,
    pub hours: Spanned<f64>,
    pub submit_hours: Option<Spanned<f64>>,
    pub params_billions: Option<Spanned<f64>>,
    pub high_priority: Option<bool>,
    pub tp: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceWire {
    pub path: Spanned<String>,
}
