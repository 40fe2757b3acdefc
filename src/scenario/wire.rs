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
