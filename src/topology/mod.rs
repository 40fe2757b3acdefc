//! Cluster topologies: scale-up domains joined by a scale-out fat-tree, built
//! from a system and a fabric in the catalog, or an abstract multi-dimensional
//! topology as ASTRA-sim's analytical backend describes one.
//!
//! ```text
//!  domain 0 (NVL72 / 8-GPU box)      domain 1            ...   domain m-1
//!  [g0 .. g71] NVSwitch or mesh      [g72 .. g143]
//!     | | | one NIC per GPU (rails)     | | |
//!  ===========  rail-optimized fat-tree (leaf / spine / core), P planes  ===========
//! ```
//!
//! A collective over `n` GPUs sees the topology as levels ([`Level`]): the
//! scale-up domain (`d` GPUs each) and the fabric between `m` domains.

pub mod astra;
pub mod fattree;
mod shared;

pub use shared::{Edge, FabricShare, Placement};

use crate::catalog::{Accelerator, Catalog, CatalogError, Entry, Fabric, FabricTier, Routing, System};
use crate::model::collective::{Level, LevelKind, LinkClass};
use crate::units::{BytesPerSec, Seconds};
use fattree::{FatTree, FatTreeError, FatTreeSpec, Reach};
use serde::Serialize;

/// Per-step hardware latency of a scale-up hop when the catalog has none:
/// NVLink/xGMI switch traversal is sub-microsecond; 150 ns is the catalog's
/// NVLink 5 switch estimate, used for every scale-up fabric without a figure.
const DEFAULT_SCALEUP_HOP: Seconds = Seconds(150e-9);
/// Per-hop latency of a scale-out switch when the catalog has none (an
/// Ethernet switch without a published figure): 600 ns, the Spectrum-4 estimate.
const DEFAULT_SCALEOUT_HOP: Seconds = Seconds(600e-9);

/// How to build the scale-out fabric.
#[derive(Debug, Clone, PartialEq)]
pub struct FabricOptions {
    /// Scale-out fabric id (default: the system's usual one).
    pub fabric: Option<String>,
    /// Planes (default: as many as the NIC needs at the fabric's port speed).
    pub planes: Option<u32>,
    /// Down:up ratio at the leaf tier.
    pub leaf_oversubscription: f64,
    /// Down:up ratio at the spine tier.
    pub spine_oversubscription: f64,
    /// Force the number of tiers.
    pub tiers: Option<u8>,
    /// Routing (default: the fabric's, from the catalog).
    pub routing: Option<Routing>,
}

impl Default for FabricOptions {
    fn default() -> Self {
        Self {
            fabric: None,
            planes: None,
            leaf_oversubscription: 1.0,
            spine_oversubscription: 1.0,
            tiers: None,
            routing: None,
        }
    }
}

/// Errors of building a topology or placing a group on it. Fatal: bad input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TopologyError {
    /// A catalog reference is unknown.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The scale-out fabric cannot hold the cluster.
    #[error(transparent)]
    FatTree(#[from] FatTreeError),
    /// A scale-up fabric was given where a scale-out one is needed.
    #[error("`{0}` is a scale-up fabric; give a scale-out fabric (ib-ndr, ib-xdr, spectrum-x, roce-tomahawk5)")]
    NotScaleOut(String),
    /// The GPU count does not fit the system.
    #[error("{gpus} GPUs do not fit `{system}`: {why}")]
    BadGpuCount {
        /// System id.
        system: String,
        /// Count asked for.
        gpus: u64,
        /// What would fit.
        why: String,
    },
    /// Planes must be at least 1.
    #[error("--planes must be 1 or more")]
    ZeroPlanes,
    /// Too many planes.
    #[error("--planes {0} is more than the 16 planes modelled")]
    TooManyPlanes(u32),
}

/// The scale-up domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleUp {
    /// NVSwitch-style switch, or a point-to-point mesh.
    pub kind: LevelKind,
    /// GPUs per domain.
    pub gpus_per_domain: u32,
    /// Per GPU, one direction (Switch); per peer link, one direction (mesh).
    pub bw: BytesPerSec,
    /// Hardware latency of one hop.
    pub hop_latency: Seconds,
    /// NVLink SHARP (in-switch reduction).
    pub nvls: bool,
    /// Switch chips per domain.
    pub switches: u32,
}

/// A cluster: accelerators in scale-up domains on a scale-out fat-tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    /// System id.
    pub system: String,
    /// Accelerator id.
    pub accelerator: String,
    /// Scale-out fabric id.
    pub fabric: String,
    /// Scale-up fabric id.
    pub scaleup_fabric: String,
    /// GPUs.
    pub gpus: u64,
    /// GPUs per node.
    pub gpus_per_node: u32,
    /// The scale-up domain.
    pub scale_up: ScaleUp,
    /// NIC bandwidth per GPU, one direction, all planes.
    pub nic_bw_per_gpu: BytesPerSec,
    /// The fat-tree.
    pub tree: FatTree,
    /// SHARP-style in-network reduction in the scale-out switches.
    pub sharp: bool,
    /// Scale-out NICs (or NIC ports) per GPU.
    pub nics_per_gpu: f64,
}

/// What a topology is made of, for pricing and power.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inventory {
    /// GPUs.
    pub gpus: u64,
    /// Nodes (servers, or NVL72 compute trays).
    pub nodes: u64,
    /// Scale-up domains.
    pub domains: u64,
    /// Scale-up switch chips.
    pub scaleup_switches: u64,
    /// Scale-out NICs.
    pub nics: u64,
    /// The scale-out fabric.
    pub fabric: fattree::FabricCounts,
}

impl Topology {
    /// Builds the topology of `gpus` GPUs of `system`.
    pub fn build(catalog: &Catalog, system: &str, gpus: u64, opt: &FabricOptions) -> Result<Topology, TopologyError> {
        let sys = catalog.systems.get(system)?;
        let gpu = catalog.gpus.get(sys.accelerator.get_ref())?;
        let up_fabric = catalog.fabrics.get(sys.scaleup_fabric.get_ref())?;
        let out_id = opt.fabric.clone().unwrap_or_else(|| sys.scaleout_fabric.get_ref().clone());
        let out = catalog.fabrics.get(&out_id)?;
        if out.tier != FabricTier::ScaleOut {
            return Err(TopologyError::NotScaleOut(out.id().to_owned()));
        }
        check_count(sys, gpus)?;
        let scale_up = scale_up(sys, gpu, up_fabric);
        let nic_bw_per_gpu = sys.nic_gbps_per_gpu();
        let mut spec = tree_spec(sys, out, gpus, nic_bw_per_gpu, opt)?;
        if out.adaptive_efficiency.is_none() {
            // A fabric without its own figure, routed adaptively (a scenario's
            // choice), borrows Spectrum-X's fitted one rather than spray perfectly.
            spec.adaptive_efficiency =
                catalog.fabrics.find("spectrum-x").map_or(1.0, |f| f.adaptive_efficiency()).clamp(0.5, 1.0);
        }
        let tree = FatTree::build(spec)?;
        let sharp = out.in_network_reduction.as_deref().is_some_and(|r| r.starts_with("sharp"));
        Ok(Topology {
            system: sys.id().to_owned(),
            accelerator: gpu.id().to_owned(),
            fabric: out.id().to_owned(),
            scaleup_fabric: up_fabric.id().to_owned(),
            gpus,
            gpus_per_node: sys.gpus_per_node.get(),
            scale_up,
            nic_bw_per_gpu,
            tree,
            sharp,
            nics_per_gpu: f64::from(sys.nics_per_node.get()) / f64::from(sys.gpus_per_node.get()),
        })
    }

    /// Counts of what the topology is made of.
    pub fn inventory(&self) -> Inventory {
        let domains = self.gpus.div_ceil(u64::from(self.scale_up.gpus_per_domain));
        Inventory {
            gpus: self.gpus,
            nodes: self.gpus.div_ceil(u64::from(self.gpus_per_node)),
            domains,
            scaleup_switches: domains * u64::from(self.scale_up.switches),
            nics: (self.gpus as f64 * self.nics_per_gpu).round() as u64,
            fabric: self.tree.counts(),
        }
    }

    /// The levels a collective over the first `n` GPUs sees: the scale-up
    /// domain, then (if it spans domains) the fabric between them.
    pub fn group(&self, n: u64) -> Result<Vec<Level>, TopologyError> {
        let per = u64::from(self.scale_up.gpus_per_domain);
        if n < 2 || n > self.gpus || (n > per && !n.is_multiple_of(per)) {
            return Err(TopologyError::BadGpuCount {
                system: self.system.clone(),
                gpus: n,
                why: group_hint(n, per, self.gpus),
            });
        }
        self.group_strided(n, 1)
    }

    /// A group of `n` contiguous GPUs that talk only through their own NICs
    /// (no scale-up fan-out): one network level.
    pub fn nic_group(&self, n: u64) -> Vec<Level> {
        if n < 2 {
            return Vec::new();
        }
        let per = u64::from(self.scale_up.gpus_per_domain);
        let reach = self.tree.any_reach(n.div_ceil(per));
        let bw = self.nic_bw_per_gpu / (self.tree.spec.port_bw / self.tree.bw_at(reach));
        let size = u32::try_from(n).unwrap_or(u32::MAX);
        vec![Level::new(LevelKind::Switch, size, bw, self.tree.latency(reach), LinkClass::Network)]
    }

    /// The levels of a group of `n` GPUs whose ranks are `stride` apart
    /// (Megatron order: TP contiguous, then CP, DP, PP): a DP group's members
    /// are `tp x cp` apart. A group of one GPU has no levels.
    pub fn group_strided(&self, n: u64, stride: u64) -> Result<Vec<Level>, TopologyError> {
        let per = u64::from(self.scale_up.gpus_per_domain);
        let stride = stride.max(1);
        let last = (n.max(1) - 1).saturating_mul(stride);
        if n == 0 || last >= self.gpus {
            return Err(TopologyError::BadGpuCount {
                system: self.system.clone(),
                gpus: n.saturating_mul(stride),
                why: format!("the cluster has only {}", self.gpus),
            });
        }
        if n == 1 {
            return Ok(Vec::new());
        }
        let k = if stride >= per { 1 } else { (per / stride).min(n) };
        Ok(self.levels(k, n.div_ceil(k), last / per + 1))
    }

    /// A group of `n` GPUs spread over `n / in_domain` scale-up domains,
    /// `in_domain` GPUs in each (a job that holds part of several NVL72
    /// racks). `in_domain` at or above the domain size is [`Topology::group`].
    pub fn group_spread(&self, n: u64, in_domain: u64) -> Result<Vec<Level>, TopologyError> {
        let per = u64::from(self.scale_up.gpus_per_domain);
        if in_domain >= per || in_domain >= n {
            return self.group(n);
        }
        let bad = |why: String| TopologyError::BadGpuCount { system: self.system.clone(), gpus: n, why };
        if in_domain == 0 || !n.is_multiple_of(in_domain) {
            return Err(bad(format!("{n} GPUs do not split into groups of {in_domain} per domain")));
        }
        let m = n / in_domain;
        if m.saturating_mul(per) > self.gpus {
            return Err(bad(format!("{m} domains of {per} GPUs need {} GPUs; the cluster has {}", m * per, self.gpus)));
        }
        Ok(self.levels(in_domain, m, m))
    }

    /// `k` GPUs in each of `m` groups, spanning `span` scale-up domains.
    fn levels(&self, k: u64, m: u64, span: u64) -> Vec<Level> {
        let up = &self.scale_up;
        let mut levels = Vec::with_capacity(2);
        levels.push(Level::new(up.kind, k as u32, up.bw, up.hop_latency, LinkClass::ScaleUp).with_reduction(up.nvls));
        if m > 1 {
            let reach = self.tree.rail_reach(span);
            let any = self.tree.any_reach(span);
            let oversub = |r: Reach| self.tree.spec.port_bw / self.tree.bw_at(r);
            let bw = self.nic_bw_per_gpu / oversub(reach);
            levels.push(
                Level::new(LevelKind::Switch, m as u32, bw, self.tree.latency(reach), LinkClass::Network)
                    .with_reduction(self.sharp)
                    .with_any_to_any(self.nic_bw_per_gpu / oversub(any)),
            );
        }
        levels
    }
}

impl System {
    /// Scale-out NIC bandwidth per GPU, one direction.
    pub fn nic_gbps_per_gpu(&self) -> BytesPerSec {
        let per_node = self.nic_gbps.value * f64::from(self.nics_per_node.get());
        BytesPerSec::from_gbit_per_s(per_node / f64::from(self.gpus_per_node.get()))
    }
}

/// A cluster may end in a partial domain; collectives check whole domains in [`Topology::group`].
fn check_count(sys: &System, gpus: u64) -> Result<(), TopologyError> {
    let why = match gpus {
        0 => "a cluster needs at least one GPU".to_owned(),
        g if g > u64::from(u32::MAX) => format!("at most {} are modelled", u32::MAX),
        _ => return Ok(()),
    };
    Err(TopologyError::BadGpuCount { system: sys.id().to_owned(), gpus, why })
}

fn group_hint(n: u64, per: u64, max: u64) -> String {
    if n < 2 {
        return "a collective needs at least 2 GPUs".into();
    }
    if n > max {
        return format!("the cluster has only {max}");
    }
    let lo = n / per * per;
    let hi = lo + per;
    let options = if lo == 0 { format!("{hi}") } else { format!("{lo} or {hi}") };
    format!("above one {per}-GPU scale-up domain, use whole domains, e.g. {options}")
}

fn scale_up(sys: &System, gpu: &Accelerator, fabric: &Fabric) -> ScaleUp {
    let per_dir = BytesPerSec::from_gb_per_s(gpu.scaleup_gb_per_s.value / 2.0);
    let d = sys.gpus_per_domain.get();
    let switched = fabric.switch_radix.is_some();
    let (kind, bw) = if switched {
        (LevelKind::Switch, per_dir)
    } else {
        // A full mesh splits the GPU's scale-up bandwidth evenly over its peers.
        (LevelKind::FullyConnected, per_dir / f64::from(d.saturating_sub(1).max(1)))
    };
    let hop = fabric.switch_latency_ns.as_ref().map_or(DEFAULT_SCALEUP_HOP, |l| Seconds(l.value / 1e9));
    ScaleUp {
        kind,
        gpus_per_domain: d,
        bw,
        hop_latency: hop,
        nvls: fabric.in_network_reduction.as_deref() == Some("nvls"),
        switches: sys.scaleup_switches_per_domain.map_or(0, |c| c.get()),
    }
}

/// Most planes a fabric may have, and most ports a switch port may break out into.
const MAX_PLANES: u32 = 16;
const MAX_BREAKOUT: u32 = 8;

/// Planes and port speed. Each NIC port of a GPU goes to its own plane (rail
/// planes); a port faster than the fabric's is split over several planes; a
/// slower one uses breakout, which multiplies the switch radix.
fn tree_spec(
    sys: &System,
    fabric: &Fabric,
    gpus: u64,
    nic: BytesPerSec,
    opt: &FabricOptions,
) -> Result<FatTreeSpec, TopologyError> {
    let port = fabric.port_bw();
    let nic_port = BytesPerSec::from_gbit_per_s(sys.nic_gbps.value);
    let ports_per_gpu = (f64::from(sys.nics_per_node.get()) / f64::from(sys.gpus_per_node.get())).max(1.0);
    let planes = match opt.planes {
        Some(0) => return Err(TopologyError::ZeroPlanes),
        Some(p) if p > MAX_PLANES => return Err(TopologyError::TooManyPlanes(p)),
        Some(p) => p,
        None => (ports_per_gpu.round() * (nic_port.get() / port.get()).ceil()).clamp(1.0, f64::from(MAX_PLANES)) as u32,
    };
    let per_plane = nic / f64::from(planes);
    let breakout = ((port.get() / per_plane.get()).floor() as u32).clamp(1, MAX_BREAKOUT);
    let radix = fabric.switch_radix.map_or(64, |r| r.get()) * breakout;
    let latency = fabric.switch_latency_ns.as_ref().map_or(DEFAULT_SCALEOUT_HOP, |l| Seconds(l.value / 1e9));
    Ok(FatTreeSpec {
        endpoints: gpus,
        radix,
        port_bw: per_plane.min(port),
        planes,
        leaf_oversubscription: opt.leaf_oversubscription,
        spine_oversubscription: opt.spine_oversubscription,
        tiers: opt.tiers,
        switch_latency: latency,
        rails: sys.gpus_per_domain.get(),
        routing: opt.routing.unwrap_or_else(|| fabric.routing()),
        adaptive_efficiency: fabric.adaptive_efficiency(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topo(system: &str, gpus: u64) -> Topology {
        Topology::build(&Catalog::builtin().unwrap(), system, gpus, &FabricOptions::default()).unwrap()
    }

    #[test]
    fn gb300_racks_on_xdr() {
        let t = topo("gb300-nvl72", 64 * 72);
        let inv = t.inventory();
        assert_eq!((inv.domains, inv.nodes, inv.scaleup_switches, inv.nics), (64, 1152, 1152, 4608));
        // 4,608 NICs at 800G on 144-port switches, rail-optimized: 72 rails of
        // 64 domains each fit one leaf (72 down): 72 leaves, 36 spines, 2 tiers.
        assert_eq!(inv.fabric.tiers, 2);
        assert_eq!(inv.fabric.leaf_switches, 72);
        assert_eq!(inv.fabric.spine_switches, 36);
        assert_eq!(t.scale_up.kind, LevelKind::Switch);
        assert!(t.scale_up.nvls && t.sharp);
    }

    #[test]
    fn eight_hundred_gig_nics_on_ndr_use_two_planes() {
        let c = Catalog::builtin().unwrap();
        let opt = FabricOptions { fabric: Some("ib-ndr".into()), ..FabricOptions::default() };
        let t = Topology::build(&c, "hgx-b300", 1024, &opt).unwrap();
        assert_eq!(t.tree.spec.planes, 2);
        assert_eq!(t.inventory().fabric.endpoint_links, 2048);
    }

    #[test]
    fn mesh_splits_bandwidth_over_peers() {
        let t = topo("mi300x-8", 16);
        assert_eq!(t.scale_up.kind, LevelKind::FullyConnected);
        // 896 GB/s both ways = 448 one way, over 7 peers = 64 GB/s per link.
        assert!((t.scale_up.bw.get() - 64e9).abs() < 1.0);
        let g = t.group(4).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].size, 4);
    }

    #[test]
    fn groups_must_be_whole_domains() {
        let t = topo("hgx-h100", 1024);
        assert_eq!(t.group(16).unwrap().len(), 2);
        let err = t.group(12).unwrap_err().to_string();
        assert_eq!(
            err,
            "12 GPUs do not fit `hgx-h100`: above one 8-GPU scale-up domain, use whole domains, e.g. 8 or 16"
        );
        assert!(t.group(1).is_err());
        assert!(t.group(2048).unwrap_err().to_string().contains("the cluster has only 1024"));
    }

    #[test]
    fn oversubscription_cuts_cross_spine_bandwidth() {
        let c = Catalog::builtin().unwrap();
        let opt = FabricOptions { leaf_oversubscription: 2.0, ..FabricOptions::default() };
        let t = Topology::build(&c, "hgx-h100", 4096, &opt).unwrap();
        let near = t.group(16).unwrap()[1].bw;
        let far = t.group(4096).unwrap()[1].bw;
        assert!((near.get() / far.get() - 2.0).abs() < 1e-9, "{near:?} {far:?}");
    }
}
