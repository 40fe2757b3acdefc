//! Scenario files: parsed with spans, validated against the catalog, turned
//! into plain validated data that nothing downstream re-parses.
//!
//! ```text
//!  text ──toml──► ScenarioWire ──validate(catalog)──► Scenario
//!         syntax/type error: one           every value/reference problem at once
//! ```

pub mod simulation;
pub mod tco;
mod template;
mod training;
mod validate;
mod warning;
mod wire;

pub use template::TEMPLATE;
pub use training::Training;
pub use warning::Warning;

use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ids::{FabricId, SiteId, SystemId};
use crate::units::{Fraction, Watts};
use serde::Serialize;

/// Errors of reading a scenario.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The scenario file could not be read. Fatal: bad input.
    #[error(transparent)]
    Read(#[from] crate::fsutil::ReadError),
    /// The file has syntax, type, value or reference problems. Fatal: bad input.
    #[error("{0}")]
    Invalid(Diagnostics),
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Name (default: the file stem).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Seed of every random stream (default 42; `--seed` overrides).
    pub seed: u64,
    /// Hardware.
    pub cluster: Cluster,
    /// Site and energy.
    pub facility: Facility,
    /// Load.
    pub workload: Workload,
    /// A training job on the cluster, if given.
    pub training: Option<Training>,
    /// The discrete-event run, if given.
    pub simulation: Option<simulation::Simulation>,
    /// The cost comparison, if given.
    #[serde(skip)]
    pub tco: Option<tco::Tco>,
    /// Vendor claims to judge, each with its context.
    #[serde(skip)]
    pub claims: Vec<ClaimSpec>,
    /// Things that are allowed but probably not meant.
    pub warnings: Vec<Warning>,
}

/// A `[[claim]]`: the sentence (already read once, so it is understood) and its context.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimSpec {
    /// The sentence.
    pub text: String,
    /// What it leaves unsaid.
    pub context: crate::claim::Context,
}

/// The cluster's hardware, resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// System design.
    pub system: SystemId,
    /// Accelerators (a whole number of nodes).
    pub gpus: u32,
    /// Nodes (HGX servers or NVL72 compute trays).
    pub nodes: u32,
    /// Racks, rounded up.
    pub racks: u32,
    /// Scale-out fabric (default: the system's usual one).
    pub fabric: FabricId,
    /// Routing on the scale-out fabric (default: the fabric's, from the catalog).
    pub routing: Option<crate::catalog::Routing>,
    /// Down:up ratio of the scale-out leaves (1 = non-blocking, the default).
    pub leaf_oversubscription: f64,
    /// Per-accelerator power cap, if set.
    pub gpu_power_cap: Option<Watts>,
}

/// Where the cluster runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Facility {
    /// Site, if given.
    pub site: Option<SiteId>,
    /// A fixed PUE instead of the facility model (must be at least 1).
    pub pue: Option<f64>,
    /// Electricity price \[USD/kWh\]: given, or the site's tariff.
    pub electricity_usd_per_kwh: Option<f64>,
    /// Cooling design (default: the system's, liquid or air).
    pub cooling: Option<crate::model::facility::Cooling>,
    /// Coolant (liquid) or chilled-water (air, hybrid) supply \[°C\].
    pub supply_temp_c: Option<f64>,
    /// UPS topology (default double conversion).
    pub ups: Option<crate::model::facility::Ups>,
    /// No evaporative heat rejection.
    pub zero_water: bool,
    /// Hourly weather CSV instead of the site's typical year.
    pub weather: Option<String>,
}

/// Accepted supply temperatures \[°C\] of a cooling design: rack-inlet
/// coolant for liquid (ASHRAE W17-W45; GB300-class racks take up to about
/// 45 °C), chilled water for air and hybrid halls.
pub fn supply_range(cooling: crate::model::facility::Cooling) -> (f64, f64) {
    match cooling {
        crate::model::facility::Cooling::Liquid => (15.0, 45.0),
        _ => (5.0, 25.0),
    }
}

/// How the cluster is used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    /// Share of hours the accelerators are busy (default 1).
    pub utilization: Fraction,
}

/// A TOML error, with the one required table named as a table.
fn toml_problem(e: &toml::de::Error) -> Diagnostic {
    let d = Diagnostic::from_toml(e);
    if d.message.starts_with("missing field `cluster`") {
        return Diagnostic::whole_file("missing table `[cluster]`").with_help(
            "add `[cluster]` with `system` and one of `racks`, `nodes`, `gpus`; `rackscale init` writes a template",
        );
    }
    d
}

impl Scenario {
    /// Parses and validates scenario text. `path` names the file in messages.
    pub fn parse(path: &str, text: &str, catalog: &Catalog) -> Result<Scenario, ScenarioError> {
        let invalid = |items: Vec<Diagnostic>| ScenarioError::Invalid(Diagnostics::new(path, text, items));
        let wire: wire::ScenarioWire = toml::from_str(text).map_err(|e| invalid(vec![toml_problem(&e)]))?;
        let default_name = std::path::Path::new(path)
            .file_stem()
            .map_or_else(|| "scenario".to_owned(), |s| s.to_string_lossy().into_owned());
        validate::validate(wire, &default_name, catalog).map_err(invalid)
    }

    /// Reads, parses and validates a scenario file.
    pub fn from_path(path: &std::path::Path, catalog: &Catalog) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let text = crate::fsutil::read_text(path, "scenario")?;
        Self::parse(&shown, &text, catalog)
    }
}
