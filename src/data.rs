//! Reference data shipped in `data/` besides the catalog: model parameters
//! and the published measurements the models are validated against.

use crate::model::collective::CollectiveParams;
use crate::model::training::Profile;
use serde::Deserialize;

const COLLECTIVES: &str = include_str!("../data/collectives.toml");
const PROFILE: &str = include_str!("../data/calibration/default.toml");
const TRAINING_VALIDATION: &str = include_str!("../data/validation/training.toml");
const TRAINING_VENDOR_VALIDATION: &str = include_str!("../data/validation/training_vendor.toml");
const COLLECTIVE_VALIDATION: &str = include_str!("../data/validation/collectives.toml");
const COLLECTIVE_MORE: &str = include_str!("../data/validation/collectives_more.toml");
const RELIABILITY: &str = include_str!("../data/reliability.toml");
const FACILITY: &str = include_str!("../data/facility.toml");
const POWER: &str = include_str!("../data/power.toml");
const TCO: &str = include_str!("../data/tco.toml");

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

/// Loss coefficients of one electrical device, with where they come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedLosses {
    /// `PUBLISHED` or `ASSUMED`.
    pub status: String,
    /// No-load share of the rating.
    pub no_load: f64,
    /// Share of the load.
    pub proportional: f64,
    /// Square-law share at full rating.
    pub square: f64,
    /// Plausible range of the total loss at full rating.
    pub range: [f64; 2],
    /// Citation, or the reason for an assumption.
    pub source: String,
    /// When.
    pub date: String,
}

impl SourcedLosses {
    fn losses(&self) -> crate::model::facility::Losses {
        crate::model::facility::Losses { no_load: self.no_load, proportional: self.proportional, square: self.square }
    }
}

/// `[electrical]` of `data/facility.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectricalDefaults {
    /// Installed capacity per unit of IT capacity.
    pub redundancy: Sourced,
    /// Transformers.
    pub transformer: SourcedLosses,
    /// Double-conversion UPS.
    pub ups_double_conversion: SourcedLosses,
    /// Eco-mode UPS.
    pub ups_eco: SourcedLosses,
    /// Distribution.
    pub distribution: SourcedLosses,
}

/// `[liquid]` of `data/facility.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiquidDefaults {
    /// Share of IT heat captured by liquid in a DLC rack.
    pub capture: Sourced,
    /// Coolant specific heat \[kJ/(kg·K)\].
    pub coolant_cp_kj_per_kg_k: Sourced,
    /// Coolant density \[kg/m³\].
    pub coolant_density_kg_per_m3: Sourced,
    /// Temperature rise \[K\].
    pub delta_t_k: Sourced,
    /// Rack-side loop pressure drop \[kPa\].
    pub tcs_dp_kpa: Sourced,
    /// Facility-side loop pressure drop \[kPa\].
    pub fws_dp_kpa: Sourced,
    /// Pump efficiency.
    pub pump_efficiency: Sourced,
    /// CDU approach \[K\].
    pub cdu_approach_k: Sourced,
    /// Default rack supply temperature \[°C\].
    pub supply_c: Sourced,
}

/// `[rejection]` of `data/facility.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectionDefaults {
    /// Dry-cooler approach \[K\].
    pub dry_approach_k: Sourced,
    /// Dry-cooler fan power share at design.
    pub dry_fan_share: Sourced,
    /// Evaporative approach \[K\].
    pub wet_approach_k: Sourced,
    /// Spray pump share.
    pub spray_pump_share: Sourced,
    /// Latent heat \[kJ/kg\].
    pub latent_heat_kj_per_kg: Sourced,
    /// Cycles of concentration.
    pub cycles_of_concentration: Sourced,
}

/// `[chiller]` of `data/facility.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChillerDefaults {
    /// COP at the rating point.
    pub rated_cop: Sourced,
    /// Leaving chilled water at the rating point \[°C\].
    pub rated_chw_c: Sourced,
    /// Entering condenser water at the rating point \[°C\].
    pub rated_cw_c: Sourced,
    /// Evaporator approach \[K\].
    pub evaporator_approach_k: Sourced,
    /// Condenser lift \[K\].
    pub condenser_lift_k: Sourced,
    /// Highest COP.
    pub max_cop: Sourced,
}

/// `[air]` of `data/facility.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirDefaults {
    /// CRAH fan power share.
    pub crah_fan_share: Sourced,
    /// Chilled-water supply \[°C\].
    pub chw_supply_c: Sourced,
    /// Water specific heat \[kJ/(kg·K)\].
    pub water_cp_kj_per_kg_k: Sourced,
    /// Water density \[kg/m³\].
    pub water_density_kg_per_m3: Sourced,
    /// Chilled-water rise \[K\].
    pub chw_delta_t_k: Sourced,
    /// Chilled-water loop pressure drop \[kPa\].
    pub chw_dp_kpa: Sourced,
}

/// `[other]` of `data/facility.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDefaults {
    /// Lighting and other loads as a share of IT capacity.
    pub misc_share: Sourced,
}

/// The facility model's defaults (`data/facility.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityDefaults {
    /// Electrical chain.
    pub electrical: ElectricalDefaults,
    /// Liquid loop.
    pub liquid: LiquidDefaults,
    /// Heat rejection.
    pub rejection: RejectionDefaults,
    /// Chillers.
    pub chiller: ChillerDefaults,
    /// Air side.
    pub air: AirDefaults,
    /// Other loads.
    pub other: OtherDefaults,
}

impl FacilityDefaults {
    /// The model's parameters.
    pub fn params(&self) -> crate::model::facility::Params {
        let (e, l, r, c, a) = (&self.electrical, &self.liquid, &self.rejection, &self.chiller, &self.air);
        crate::model::facility::Params {
            redundancy: e.redundancy.value,
            transformer: e.transformer.losses(),
            ups_double_conversion: e.ups_double_conversion.losses(),
            ups_eco: e.ups_eco.losses(),
            distribution: e.distribution.losses(),
            coolant_cp: l.coolant_cp_kj_per_kg_k.value,
            coolant_density: l.coolant_density_kg_per_m3.value,
            liquid_delta_t: l.delta_t_k.value,
            tcs_dp_kpa: l.tcs_dp_kpa.value,
            fws_dp_kpa: l.fws_dp_kpa.value,
            pump_efficiency: l.pump_efficiency.value,
            cdu_approach: l.cdu_approach_k.value,
            dry_approach: r.dry_approach_k.value,
            dry_fan_share: r.dry_fan_share.value,
            wet_approach: r.wet_approach_k.value,
            spray_pump_share: r.spray_pump_share.value,
            latent_heat: r.latent_heat_kj_per_kg.value,
            cycles: r.cycles_of_concentration.value,
            chiller_rated_cop: c.rated_cop.value,
            chiller_rated_chw_c: c.rated_chw_c.value,
            chiller_rated_cw_c: c.rated_cw_c.value,
            evaporator_approach: c.evaporator_approach_k.value,
            condenser_lift: c.condenser_lift_k.value,
            chiller_max_cop: c.max_cop.value,
            crah_fan_share: a.crah_fan_share.value,
            water_cp: a.water_cp_kj_per_kg_k.value,
            water_density: a.water_density_kg_per_m3.value,
            chw_delta_t: a.chw_delta_t_k.value,
            chw_dp_kpa: a.chw_dp_kpa.value,
            misc_share: self.other.misc_share.value,
        }
    }

    /// Every single-valued default, for checks and listings.
    pub fn all(&self) -> Vec<(&'static str, &Sourced)> {
        let (e, l, r, c, a) = (&self.electrical, &self.liquid, &self.rejection, &self.chiller, &self.air);
        vec![
            ("electrical.redundancy", &e.redundancy),
            ("liquid.capture", &l.capture),
            ("liquid.coolant_cp_kj_per_kg_k", &l.coolant_cp_kj_per_kg_k),
            ("liquid.coolant_density_kg_per_m3", &l.coolant_density_kg_per_m3),
            ("liquid.delta_t_k", &l.delta_t_k),
            ("liquid.tcs_dp_kpa", &l.tcs_dp_kpa),
            ("liquid.fws_dp_kpa", &l.fws_dp_kpa),
            ("liquid.pump_efficiency", &l.pump_efficiency),
            ("liquid.cdu_approach_k", &l.cdu_approach_k),
            ("liquid.supply_c", &l.supply_c),
            ("rejection.dry_approach_k", &r.dry_approach_k),
            ("rejection.dry_fan_share", &r.dry_fan_share),
            ("rejection.wet_approach_k", &r.wet_approach_k),
            ("rejection.spray_pump_share", &r.spray_pump_share),
            ("rejection.latent_heat_kj_per_kg", &r.latent_heat_kj_per_kg),
            ("rejection.cycles_of_concentration", &r.cycles_of_concentration),
            ("chiller.rated_cop", &c.rated_cop),
            ("chiller.rated_chw_c", &c.rated_chw_c),
            ("chiller.rated_cw_c", &c.rated_cw_c),
            ("chiller.evaporator_approach_k", &c.evaporator_approach_k),
            ("chiller.condenser_lift_k", &c.condenser_lift_k),
            ("chiller.max_cop", &c.max_cop),
            ("air.crah_fan_share", &a.crah_fan_share),
            ("air.chw_supply_c", &a.chw_supply_c),
            ("air.water_cp_kj_per_kg_k", &a.water_cp_kj_per_kg_k),
            ("air.water_density_kg_per_m3", &a.water_density_kg_per_m3),
            ("air.chw_delta_t_k", &a.chw_delta_t_k),
            ("air.chw_dp_kpa", &a.chw_dp_kpa),
            ("other.misc_share", &self.other.misc_share),
        ]
    }
}

/// `data/power.toml`: IT power shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerDefaults {
    /// Accelerator training draw share.
    pub gpu_train_share: Sourced,
    /// Accelerator idle share.
    pub gpu_idle_share: Sourced,
    /// Host busy share.
    pub host_busy_share: Sourced,
    /// Host idle share.
    pub host_idle_share: Sourced,
    /// Storage share.
    pub storage_share: Sourced,
}

impl PowerDefaults {
    /// Every default.
    pub fn all(&self) -> [(&'static str, &Sourced); 5] {
        [
            ("gpu_train_share", &self.gpu_train_share),
            ("gpu_idle_share", &self.gpu_idle_share),
            ("host_busy_share", &self.host_busy_share),
            ("host_idle_share", &self.host_idle_share),
            ("storage_share", &self.storage_share),
        ]
    }
}

/// The built-in IT power defaults.
pub fn power_defaults() -> PowerDefaults {
    toml::from_str(POWER).expect("data/power.toml is valid (unit-tested)")
}

/// The built-in IT power shares.
pub fn power_params() -> crate::model::power::PowerParams {
    let d = power_defaults();
    crate::model::power::PowerParams {
        gpu_train_share: d.gpu_train_share.value,
        gpu_idle_share: d.gpu_idle_share.value,
        host_busy_share: d.host_busy_share.value,
        host_idle_share: d.host_idle_share.value,
        storage_share: d.storage_share.value,
    }
}

/// A system's hardware price.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemPrice {
    /// System id.
    pub id: String,
    /// Price of a rack (rack-scale systems).
    pub usd_per_rack: Option<f64>,
    /// Price of a node.
    pub usd_per_node: Option<f64>,
    /// Range of the price.
    pub range: [f64; 2],
    /// `PUBLISHED` or `ASSUMED`.
    pub status: String,
    /// Citation.
    pub source: String,
    /// When.
    pub date: String,
}

/// A provider's egress tiers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressEntry {
    /// Provider, as offers name it.
    pub provider: String,
    /// `[up to TB per month, USD per GB]`.
    pub tiers: Vec<[f64; 2]>,
    /// Leaving entirely is free.
    pub exit_waiver: bool,
    /// Citation.
    pub source: String,
    /// When.
    pub date: String,
}

/// Construction cost of a site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildCost {
    /// Site id.
    pub site: String,
    /// USD per IT watt.
    pub usd_per_w: f64,
    /// Citation.
    pub source: String,
    /// When.
    pub date: String,
}

/// `data/tco.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TcoDefaults {
    /// Hardware prices.
    pub system: Vec<SystemPrice>,
    /// Owning defaults by name.
    pub own: std::collections::BTreeMap<String, Sourced>,
    /// Lock-in defaults by name.
    pub lock_in: std::collections::BTreeMap<String, Sourced>,
    /// Renting defaults by name.
    pub rent: std::collections::BTreeMap<String, Sourced>,
    /// Egress tiers.
    pub egress: Vec<EgressEntry>,
    /// Construction cost by site.
    pub build_cost: Vec<BuildCost>,
    /// Utilization and goodput when nothing else gives them.
    #[serde(rename = "use")]
    pub usage: std::collections::BTreeMap<String, Sourced>,
}

impl TcoDefaults {
    /// A default by `table.name`; the file is unit-tested to hold every name the model asks for.
    pub fn get(&self, table: &str, name: &str) -> &Sourced {
        let t = match table {
            "own" => &self.own,
            "lock_in" => &self.lock_in,
            "rent" => &self.rent,
            _ => &self.usage,
        };
        t.get(name).unwrap_or_else(|| panic!("data/tco.toml has [{table}.{name}] (unit-tested)"))
    }
}

/// The built-in TCO defaults.
pub fn tco_defaults() -> TcoDefaults {
    toml::from_str(TCO).expect("data/tco.toml is valid (unit-tested)")
}

/// The built-in facility parameters.
pub fn facility_defaults() -> FacilityDefaults {
    toml::from_str(FACILITY).expect("data/facility.toml is valid (unit-tested)")
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
    /// Expert parallel (carved out of data parallelism).
    #[serde(default = "one")]
    pub ep: u32,
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
    /// `step_time_s`, `tokens_per_s_per_gpu`, or `megatron_tflops` (per GPU,
    /// counted by Megatron-LM's Eq. 3 with recompute).
    pub metric: String,
    /// Published value of the metric.
    pub value: f64,
    /// Whether the first wave's constants were fitted to this row (the
    /// vendor rows are chosen by `validate::FIT_RELEASES` instead).
    #[serde(default)]
    pub fit: bool,
    /// Software release of a vendor table (what the fit rule reads).
    pub release: Option<String>,
    /// The precision label as the source prints it.
    pub published_precision: Option<String>,
    /// The source table's confidence in the row.
    pub confidence: Option<String>,
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

/// The built-in training measurements: the first wave's Ampere and Hopper
/// runs, then the vendor tables on Hopper, Blackwell and Blackwell Ultra.
pub fn training_validation() -> TrainingValidation {
    let mut v: TrainingValidation =
        toml::from_str(TRAINING_VALIDATION).expect("data/validation/training.toml is valid (unit-tested)");
    let vendor: TrainingValidation = toml::from_str(TRAINING_VENDOR_VALIDATION)
        .expect("data/validation/training_vendor.toml is valid (unit-tested)");
    v.run.extend(vendor.run);
    v
}

/// One published collective measurement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredCollective {
    /// Row id in the source table.
    pub id: String,
    /// Catalog system (per row in `collectives_more.toml`; the file's in `collectives.toml`).
    #[serde(default)]
    pub system: String,
    /// Scale-out fabric id, when the run leaves the NVLink domain over a fabric other than
    /// the system's own; `none-matching` when no catalog fabric or system gives its NICs.
    pub fabric: Option<String>,
    /// GPUs engaged.
    pub gpus: u64,
    /// GPUs per node in the measurement.
    pub gpus_per_node: Option<u32>,
    /// GPUs in each scale-up domain when fewer than the domain holds.
    pub gpus_per_domain: Option<u64>,
    /// Why the row is kept but not compared.
    pub skip: Option<String>,
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
    /// What timed it: `nccl-tests` (or rccl-tests) or `pytorch` (the file's unless the row says).
    #[serde(default)]
    pub tool: String,
    /// Whether the parameters were fitted to this row (`collectives.toml`; the
    /// newer rows are split by `pipeline::validate::COLLECTIVE_FIT_SETS`).
    #[serde(default)]
    pub fit: bool,
    /// `high`, `medium` or `low` (newer rows).
    pub confidence: Option<String>,
    /// Exact source of the row (newer rows; the file's otherwise).
    #[serde(default)]
    pub source: String,
    /// What the source says beyond the numbers.
    pub note: Option<String>,
}

/// One file of collective measurements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectiveFile {
    source: Option<String>,
    date: Option<String>,
    system: Option<String>,
    tool: Option<String>,
    row: Vec<MeasuredCollective>,
}

/// Every built-in collective measurement: the 8x H200 sweeps of
/// `data/validation/collectives.toml` (the rows the parameters were first
/// fitted to), then the newer systems of `collectives_more.toml`. Each row
/// carries its own system and source.
pub fn collective_validation() -> Vec<MeasuredCollective> {
    let parse = |text: &str, name: &str| -> CollectiveFile {
        toml::from_str(text).unwrap_or_else(|e| panic!("data/validation/{name} is valid (unit-tested): {e}"))
    };
    let mut rows = Vec::new();
    for f in [parse(COLLECTIVE_VALIDATION, "collectives.toml"), parse(COLLECTIVE_MORE, "collectives_more.toml")] {
        for mut r in f.row {
            if r.system.is_empty() {
                r.system = f.system.clone().unwrap_or_default();
            }
            if r.tool.is_empty() {
                r.tool = f.tool.clone().unwrap_or_else(|| "nccl-tests".to_owned());
            }
            if r.source.is_empty() {
                r.source = match (&f.source, &f.date) {
                    (Some(s), Some(d)) => format!("{s} ({d})"),
                    (Some(s), None) => s.clone(),
                    _ => String::new(),
                };
            }
            rows.push(r);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_files_parse() {
        let p = super::collective_params();
        p.check().unwrap();
        assert!(p.fabric.values().all(|f| !f.source.is_empty()));
        let rows = super::collective_validation();
        assert!(rows.len() >= 500);
        assert!(rows.iter().all(|r| !r.system.is_empty() && !r.source.is_empty()));
        assert!(super::default_profile().device.len() >= 12);
        assert!(super::training_validation().run.len() >= 20);
    }

    #[test]
    fn power_defaults_are_sourced_and_in_range() {
        for (name, s) in super::power_defaults().all() {
            assert!(s.range[0] <= s.value && s.value <= s.range[1], "{name}: {s:?}");
            assert!(matches!(s.status.as_str(), "PUBLISHED" | "ASSUMED" | "DERIVED") && !s.source.is_empty(), "{name}");
        }
    }

    #[test]
    fn tco_defaults_are_sourced_and_in_range() {
        let d = super::tco_defaults();
        for t in [&d.own, &d.lock_in, &d.usage, &d.rent] {
            for (name, s) in t {
                assert!(s.range[0] <= s.value && s.value <= s.range[1], "{name}: {s:?}");
                assert!(!s.source.is_empty() && matches!(s.status.as_str(), "PUBLISHED" | "ASSUMED" | "DERIVED"));
            }
        }
        for name in crate::pipeline::tco::OWN_DEFAULTS {
            assert!(d.own.contains_key(*name), "{name}");
        }
        for p in &d.system {
            let v = p.usd_per_rack.or(p.usd_per_node).unwrap();
            assert!(p.range[0] <= v && v <= p.range[1], "{}", p.id);
        }
        for e in &d.egress {
            assert!(e.tiers.windows(2).all(|w| w[0][0] < w[1][0]), "{}", e.provider);
        }
    }

    #[test]
    fn facility_defaults_are_sourced_and_in_range() {
        let d = super::facility_defaults();
        for (name, s) in d.all() {
            assert!(s.range[0] <= s.value && s.value <= s.range[1], "{name}: {s:?}");
            assert!(matches!(s.status.as_str(), "PUBLISHED" | "ASSUMED" | "DERIVED") && !s.source.is_empty(), "{name}");
        }
        let e = &d.electrical;
        for l in [&e.transformer, &e.ups_double_conversion, &e.ups_eco, &e.distribution] {
            let full = l.no_load + l.proportional + l.square;
            assert!(l.range[0] <= full && full <= l.range[1], "{l:?}: {full} at full rating");
        }
        let p = d.params();
        assert!(p.carnot_fraction() > 0.0 && p.carnot_fraction() < 1.0, "{}", p.carnot_fraction());
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
