//! Results: plain serializable data, the only thing `report` reads.

use serde::Serialize;

/// One row of `catalog list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogRow {
    /// Id.
    pub id: String,
    /// Kind: gpu, system, fabric, site, electricity, offer.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Maker or provider.
    pub vendor: String,
    /// Headline figures.
    pub summary: String,
    /// Whether any figure is an estimate.
    pub estimate: bool,
    /// Citation.
    pub source: String,
    /// Date of the citation.
    pub date: String,
}

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
    /// Peak compute per precision.
    pub peaks: Vec<PeakRow>,
    /// Total HBM \[TB\].
    pub hbm_tb: f64,
    /// IT power at nameplate \[MW\].
    pub it_power_mw: f64,
    /// Low end of the IT power range \[MW\].
    pub it_power_mw_low: f64,
    /// High end of the IT power range \[MW\].
    pub it_power_mw_high: f64,
    /// Site id.
    pub site: Option<String>,
    /// Fixed PUE, if given.
    pub pue: Option<f64>,
    /// Facility power at nameplate and that PUE \[MW\].
    pub facility_power_mw: Option<f64>,
    /// Electricity price \[USD/kWh\].
    pub electricity_usd_per_kwh: Option<f64>,
    /// Energy bill if the facility drew nameplate power all year: an upper bound \[USD/year\].
    pub energy_usd_per_year_upper_bound: Option<f64>,
    /// Share of hours busy.
    pub utilization: f64,
    /// Non-fatal remarks on the scenario.
    pub warnings: Vec<String>,
}
