//! The catalog's entry kinds, as written in `data/catalog/*.toml` and user
//! catalogs. Field names carry their units; accessors convert to SI newtypes.
//!
//! Every entry has `id`, `source` and `date`. Numbers are [`Figure`]s: a plain
//! number is a published figure, a `{ value, low, high }` table an estimate.

use super::fields::{Count, Source, SourceDate};
use super::figure::Figure;
use crate::units::{Bytes, BytesPerSec, FlopsPerSec, Watts};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// Numeric precision of a peak compute rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// IEEE double (matrix units where present).
    Fp64,
    /// TensorFloat-32 (NVIDIA) or the vendor's fp32 matrix rate.
    Tf32,
    /// bfloat16 / fp16.
    Bf16,
    /// 8-bit floating point (e4m3/e5m2).
    Fp8,
    /// 4-bit floating point (NVFP4 / MXFP4).
    Fp4,
}

impl Precision {
    /// All precisions, widest first.
    pub const ALL: [Precision; 5] = [Self::Fp64, Self::Tf32, Self::Bf16, Self::Fp8, Self::Fp4];

    /// Lowercase name, as in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fp64 => "fp64",
            Self::Tf32 => "tf32",
            Self::Bf16 => "bf16",
            Self::Fp8 => "fp8",
            Self::Fp4 => "fp4",
        }
    }
}

/// What a vendor's power figure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerRating {
    /// Thermal design power.
    Tdp,
    /// Total graphics power.
    Tgp,
    /// Typical board power (AMD).
    Tbp,
    /// Maximum configurable power.
    Max,
}

/// An accelerator: one GPU or AI accelerator package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    /// Lowercase id: `gb300`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Marketing name.
    pub name: String,
    /// Maker.
    pub vendor: String,
    /// Architecture generation (`ampere`, `hopper`, `blackwell`,
    /// `blackwell-ultra`, `cdna3`, `cdna4`, `gaudi2`, `gaudi3`): what
    /// validation groups its rows by. Absent in an override file: no
    /// validation rows apply, and predictions say so.
    #[serde(default)]
    pub generation: Option<String>,
    /// Dense peak fp64 \[TFLOP/s\] (matrix units where present).
    pub fp64_tflops: Option<Figure>,
    /// Dense peak tf32 \[TFLOP/s\].
    pub tf32_tflops: Option<Figure>,
    /// Dense peak bf16/fp16 \[TFLOP/s\].
    pub bf16_tflops: Figure,
    /// Dense peak fp8 \[TFLOP/s\].
    pub fp8_tflops: Option<Figure>,
    /// Dense peak fp4 \[TFLOP/s\].
    pub fp4_tflops: Option<Figure>,
    /// Factor the vendor's structured-sparsity headline adds over dense
    /// (2 for 2:4 sparsity); absent when no sparse figure is published.
    pub sparse_speedup: Option<Figure>,
    /// Sparse fp4 peak where it is not `fp4_tflops x sparse_speedup`; equal to `fp4_tflops` where
    /// the vendor lists no sparse fp4 \[TFLOP/s\].
    pub fp4_sparse_tflops: Option<Figure>,
    /// HBM capacity \[GB, 1e9 B\].
    pub hbm_gb: Figure,
    /// HBM bandwidth \[TB/s, 1e12 B/s\].
    pub hbm_tb_per_s: Figure,
    /// Rated power \[W\].
    pub power_w: Figure,
    /// What `power_w` means.
    pub power_rating: PowerRating,
    /// Scale-up bandwidth per accelerator, both directions together \[GB/s\].
    pub scaleup_gb_per_s: Figure,
    /// Scale-up technology.
    pub scaleup_tech: String,
    /// Accelerators in the largest scale-up domain it is sold in.
    pub scaleup_domain: Count,
    /// Typical scale-out NIC bandwidth per accelerator \[Gb/s\].
    pub nic_gbps: Figure,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}

impl Accelerator {
    /// Dense peak at a precision, if the accelerator has it.
    pub fn peak(&self, p: Precision) -> Option<FlopsPerSec> {
        let f = match p {
            Precision::Fp64 => self.fp64_tflops.as_ref(),
            Precision::Tf32 => self.tf32_tflops.as_ref(),
            Precision::Bf16 => Some(&self.bf16_tflops),
            Precision::Fp8 => self.fp8_tflops.as_ref(),
            Precision::Fp4 => self.fp4_tflops.as_ref(),
        };
        f.map(|f| FlopsPerSec::from_tflops(f.value))
    }

    /// Vendor's sparse headline peak at a precision, if one is published.
    pub fn peak_sparse(&self, p: Precision) -> Option<FlopsPerSec> {
        if let (Precision::Fp4, Some(f)) = (p, &self.fp4_sparse_tflops) {
            // A sparse figure equal to the dense one says the precision has no sparsity.
            let dense = self.fp4_tflops.as_ref().map(|d| d.value);
            return (dense != Some(f.value)).then(|| FlopsPerSec::from_tflops(f.value));
        }
        let speedup = self.sparse_speedup.as_ref()?.value;
        if p == Precision::Fp64 {
            return None;
        }
        self.peak(p).map(|r| r * speedup)
    }

    /// HBM capacity.
    pub fn hbm(&self) -> Bytes {
        Bytes::from_gb(self.hbm_gb.value)
    }

    /// HBM bandwidth.
    pub fn hbm_bw(&self) -> BytesPerSec {
        BytesPerSec::from_tb_per_s(self.hbm_tb_per_s.value)
    }

    /// Rated power.
    pub fn power(&self) -> Watts {
        Watts(self.power_w.value)
    }
}

/// How a system is cooled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cooling {
    /// Direct-to-chip liquid, remainder by air.
    Liquid,
    /// Air only.
    Air,
    /// Immersion in dielectric fluid.
    Immersion,
}

/// A system: a node design (HGX server) or a rack-scale design (NVL72).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Lowercase id: `gb300-nvl72`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Marketing name.
    pub name: String,
    /// Maker of the reference design.
    pub vendor: String,
    /// Accelerator id.
    pub accelerator: Spanned<String>,
    /// Accelerators per node (HGX server, NVL72 compute tray).
    pub gpus_per_node: Count,
    /// Nodes per rack.
    pub nodes_per_rack: Count,
    /// Accelerators per scale-up (NVLink/xGMI) domain.
    pub gpus_per_domain: Count,
    /// Host CPU model.
    pub cpu: String,
    /// Host CPUs per node.
    pub cpus_per_node: Count,
    /// Scale-out NIC model.
    pub nic: String,
    /// Scale-out NICs per node.
    pub nics_per_node: Count,
    /// Line rate of one scale-out NIC \[Gb/s\].
    pub nic_gbps: Figure,
    /// Maximum power of one node \[kW\].
    pub node_power_kw: Figure,
    /// Power of one rack as deployed \[kW\].
    pub rack_power_kw: Figure,
    /// Fabric id of the scale-up domain.
    pub scaleup_fabric: Spanned<String>,
    /// Switch chips (NVSwitch) per scale-up domain; absent for switchless meshes.
    pub scaleup_switches_per_domain: Option<Count>,
    /// Fabric id of the usual scale-out network.
    pub scaleout_fabric: Spanned<String>,
    /// Cooling.
    pub cooling: Cooling,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}

impl System {
    /// Accelerators per rack.
    pub fn gpus_per_rack(&self) -> u64 {
        u64::from(self.gpus_per_node.get()) * u64::from(self.nodes_per_rack.get())
    }

    /// Power of one rack.
    pub fn rack_power(&self) -> Watts {
        Watts::from_kw(self.rack_power_kw.value)
    }
}

/// How switches pick among equal-cost paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Routing {
    /// Each flow hashed onto one path (Ethernet's static ECMP; one RoCE queue pair is one flow).
    Ecmp,
    /// Destination-based static tables (InfiniBand's OpenSM fat-tree routing without AR).
    DModK,
    /// Per-packet adaptive routing: traffic spread over every equal-cost path.
    Adaptive,
}

impl std::fmt::Display for Routing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Ecmp => "ecmp",
            Self::DModK => "d-mod-k",
            Self::Adaptive => "adaptive",
        })
    }
}

impl std::str::FromStr for Routing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ecmp" => Ok(Self::Ecmp),
            "d-mod-k" => Ok(Self::DModK),
            "adaptive" => Ok(Self::Adaptive),
            _ => Err(format!("unknown routing `{s}`; expected adaptive, ecmp or d-mod-k")),
        }
    }
}

impl Fabric {
    /// The fabric's routing, `ecmp` when the catalog gives none.
    pub fn routing(&self) -> Routing {
        self.routing.unwrap_or(Routing::Ecmp)
    }

    /// Share of capacity adaptive routing balances onto (1 when not given).
    pub fn adaptive_efficiency(&self) -> f64 {
        self.adaptive_efficiency.as_ref().map_or(1.0, |f| f.value)
    }
}

/// Whether a fabric joins accelerators inside a domain or domains together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FabricTier {
    /// Inside a node or rack: NVLink, xGMI, Gaudi's scale-up ports.
    ScaleUp,
    /// Across nodes: InfiniBand, Ethernet.
    ScaleOut,
}

/// A fabric: link technology plus the switch it is built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fabric {
    /// Lowercase id: `ib-xdr`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Name.
    pub name: String,
    /// Maker.
    pub vendor: String,
    /// Scale-up or scale-out.
    pub tier: FabricTier,
    /// Technology family: `nvlink`, `infiniband`, `ethernet`, `xgmi`.
    pub technology: String,
    /// Rate of one switch port or link, one direction \[Gb/s\].
    pub port_gbps: Figure,
    /// Ports per switch (absent for switchless meshes).
    pub switch_radix: Option<Count>,
    /// Port-to-port latency of one switch hop \[ns\].
    pub switch_latency_ns: Option<Figure>,
    /// Power of one switch \[W\].
    pub switch_power_w: Option<Figure>,
    /// Price of one switch \[USD\].
    pub switch_price_usd: Option<Figure>,
    /// In-network reduction, if any: `nvls`, `sharp-v3`, `sharp-v4`.
    pub in_network_reduction: Option<String>,
    /// How a scale-out fabric's switches spread flows over equal-cost paths
    /// as deployed for AI training (default `ecmp`).
    pub routing: Option<Routing>,
    /// Share of its links' capacity adaptive routing balances traffic onto
    /// (1 = perfect per-packet spraying).
    pub adaptive_efficiency: Option<Figure>,
    /// Citation of the routing and its efficiency.
    pub routing_source: Option<String>,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}

impl std::fmt::Display for FabricTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ScaleUp => "scale-up",
            Self::ScaleOut => "scale-out",
        })
    }
}

impl Fabric {
    /// Rate of one port, one direction.
    pub fn port_bw(&self) -> BytesPerSec {
        BytesPerSec::from_gbit_per_s(self.port_gbps.value)
    }
}

/// An electricity tariff for a region, with its grid's carbon intensity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// Lowercase id: `us-virginia`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Region it applies to.
    pub region: String,
    /// Price of energy \[USD/kWh\].
    pub usd_per_kwh: Figure,
    /// Grid carbon intensity \[gCO2e/kWh\].
    pub gco2_per_kwh: Option<Figure>,
    /// Period the figures describe.
    pub period: String,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}

/// A data-centre site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Lowercase id: `mount-pleasant-wi`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Place name.
    pub name: String,
    /// Country (ISO 3166 alpha-2).
    pub country: String,
    /// Latitude \[degrees north\].
    pub latitude_deg: Spanned<f64>,
    /// Longitude \[degrees east\].
    pub longitude_deg: Spanned<f64>,
    /// Tariff id.
    pub tariff: Spanned<String>,
    /// Monthly climate statistics the facility model builds its typical year from.
    pub climate: Option<Spanned<SiteClimate>>,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}

/// A site's monthly climate: mean daily maximum and minimum temperature and
/// mean dew point (or relative humidity), January first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteClimate {
    /// Weather station.
    pub station: String,
    /// Data set and period: `TMY3 (1976-2005)`, `NOAA 1991-2020 normals`.
    pub dataset: String,
    /// Mean daily maximum dry bulb per month \[°C\].
    pub tmax_c: [f64; 12],
    /// Mean daily minimum dry bulb per month \[°C\].
    pub tmin_c: [f64; 12],
    /// Mean dew point per month \[°C\].
    pub dew_point_c: Option<[f64; 12]>,
    /// Mean relative humidity per month \[%\] (when no dew point is given).
    pub rh_pct: Option<[f64; 12]>,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
}

/// How a cloud offer is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pricing {
    /// Pay as you go.
    OnDemand,
    /// One-year commitment.
    #[serde(rename = "reserved-1y")]
    Reserved1y,
    /// Three-year commitment.
    #[serde(rename = "reserved-3y")]
    Reserved3y,
    /// Interruptible.
    Spot,
    /// Reserved block of days or weeks.
    CapacityBlock,
}

/// A cloud offer: an instance type at a pricing model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// Lowercase id: `aws-p5-48xlarge-on-demand`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Provider.
    pub provider: String,
    /// Instance type.
    pub sku: String,
    /// Accelerator id.
    pub accelerator: Spanned<String>,
    /// Accelerators per instance.
    pub gpus_per_instance: Count,
    /// Region(s) the price was read for.
    pub region: String,
    /// Pricing model.
    pub pricing: Pricing,
    /// Price per accelerator-hour \[USD\].
    pub usd_per_gpu_hour: Figure,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}

/// MLP activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FfnType {
    /// Two matrices (up, down) with GeLU.
    Gelu,
    /// Three matrices (gate, up, down) with SwiGLU.
    Swiglu,
}

/// Attention variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttentionKind {
    /// Multi-head or grouped-query attention (`kv_heads`).
    #[default]
    Gqa,
    /// Multi-head latent attention (DeepSeek-V2/V3).
    Mla,
}

/// A transformer model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Lowercase id: `llama3-70b`.
    pub id: Spanned<String>,
    /// Other names accepted on input.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Name.
    pub name: String,
    /// Transformer layers.
    pub layers: Count,
    /// Hidden size.
    pub hidden: Count,
    /// Attention heads.
    pub heads: Count,
    /// Key/value heads (default: `heads`).
    pub kv_heads: Option<Count>,
    /// Width of one attention head (default: `hidden / heads`); Qwen3 and
    /// gpt-oss use heads wider or narrower than that.
    pub head_dim: Option<Count>,
    /// MLP intermediate size of dense layers.
    pub ffn: Count,
    /// MLP activation.
    pub ffn_type: FfnType,
    /// Vocabulary (padded).
    pub vocab: Count,
    /// Training context length.
    pub seq_len: Count,
    /// Attention variant.
    #[serde(default)]
    pub attention: AttentionKind,
    /// MLA: query low-rank dimension.
    pub q_lora_rank: Option<Count>,
    /// MLA: compressed key/value dimension.
    pub kv_lora_rank: Option<Count>,
    /// MLA: per-head non-rotary query/key dimension.
    pub qk_nope_head_dim: Option<Count>,
    /// MLA: per-head rotary query/key dimension.
    pub qk_rope_head_dim: Option<Count>,
    /// MLA: per-head value dimension.
    pub v_head_dim: Option<Count>,
    /// Routed experts (absent: dense).
    pub experts: Option<Count>,
    /// Experts per token.
    pub top_k: Option<Count>,
    /// Always-active shared experts.
    pub shared_experts: Option<Count>,
    /// Intermediate size of one expert.
    pub expert_ffn: Option<Count>,
    /// Leading dense layers in a MoE model.
    pub dense_layers: Option<Count>,
    /// Citation.
    pub source: Source,
    /// Date of the source.
    pub date: SourceDate,
    /// Caveats.
    pub notes: Option<String>,
}
