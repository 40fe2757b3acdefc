//! Reference data shipped in `data/` besides the catalog: model parameters
//! and the published measurements the models are validated against.

use crate::model::collective::CollectiveParams;
use serde::Deserialize;

const COLLECTIVES: &str = include_str!("../data/collectives.toml");
const COLLECTIVE_VALIDATION: &str = include_str!("../data/validation/collectives.toml");

/// The built-in collective parameters. The file is part of the binary and
/// checked by a unit test, so a failure here is a build defect.
pub fn collective_params() -> CollectiveParams {
    toml::from_str(COLLECTIVES).expect("data/collectives.toml is valid (unit-tested)")
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
    }
}
