//! Cost of a collective in closed form, in nccl-tests' terms.
//!
//! A group of `n` GPUs is seen as levels (innermost first): the scale-up
//! domain of `d` GPUs, then the fabric between `m` domains (ASTRA-sim style
//! topologies may have more). Each (algorithm, protocol) pair costs
//!
//! ```text
//!   t = launch + base(alg, proto) + Σ steps x (step(proto, level) + hop(level))
//!       + W / (B x η(alg) x f(proto)) + 2 sqrt(fill x W / (B x η))      [Simple only]
//! ```
//!
//! where `W` is the bytes each GPU moves over its bottleneck, `B` that
//! bottleneck's bandwidth, `η` the algorithm's achieved fraction of it and the
//! last term the pipeline fill of chunked transfers. The tuner takes the
//! fastest pair, as NCCL's does (`src/graph/tuning.cc`); any algorithm can be
//! forced.
//!
//! Bandwidth of a flat ring over levels: every ring crosses each domain
//! boundary once per channel, so the fabric's share is the NICs of a whole
//! domain: `B = min(B_up, d x B_nic)`.

use crate::units::{Bytes, BytesPerSec, Seconds};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Shape of one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LevelKind {
    /// Neighbours in a ring; one link each way.
    Ring,
    /// Every member on one switch (NVSwitch, a leaf): full bandwidth to any peer.
    Switch,
    /// A point-to-point mesh (xGMI, Gaudi's in-box RoCE): one link per peer.
    FullyConnected,
}

/// Which per-step latency class a level's steps pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LinkClass {
    /// NVLink, xGMI: sub-microsecond steps.
    ScaleUp,
    /// InfiniBand, Ethernet: NIC and network stack per step.
    Network,
}

/// One level of a group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Level {
    /// Shape.
    pub kind: LevelKind,
    /// Members at this level.
    pub size: u32,
    /// Per GPU, one direction (`FullyConnected`: per link).
    pub bw: BytesPerSec,
    /// Hardware latency of one step (switch hops).
    pub latency: Seconds,
    /// Latency class.
    pub class: LinkClass,
    /// In-network reduction (NVLS, SHARP) available.
    pub reduction: bool,
    /// Per GPU bandwidth for any-to-any traffic (after oversubscription).
    pub any_bw: BytesPerSec,
}

impl Level {
    /// A level without in-network reduction.
    pub fn new(kind: LevelKind, size: u32, bw: BytesPerSec, latency: Seconds, class: LinkClass) -> Self {
        Self { kind, size, bw, latency, class, reduction: false, any_bw: bw }
    }

    /// Sets whether the level reduces in the network.
    pub fn with_reduction(mut self, on: bool) -> Self {
        self.reduction = on;
        self
    }

    /// Sets the bandwidth left for any-to-any traffic.
    pub fn with_any_to_any(mut self, bw: BytesPerSec) -> Self {
        self.any_bw = bw;
        self
    }

    /// Bandwidth one GPU can drive at this level with all its links.
    pub fn per_gpu(&self) -> BytesPerSec {
        match self.kind {
            LevelKind::FullyConnected => self.bw * f64::from(self.size.saturating_sub(1).max(1)),
            LevelKind::Ring | LevelKind::Switch => self.bw,
        }
    }
}

/// A collective operation, named as nccl-tests names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Every rank ends with the sum.
    AllReduce,
    /// Every rank ends with its slice of the sum.
    ReduceScatter,
    /// Every rank ends with every slice.
    AllGather,
    /// Every rank sends a slice to every other.
    AllToAll,
    /// One rank's buffer to all.
    Broadcast,
    /// Each rank sends to the next (nccl-tests `sendrecv`).
    #[serde(rename = "sendrecv")]
    SendRecv,
}

impl Op {
    /// nccl-tests' bus-bandwidth factor for `n` ranks.
    pub fn bus_factor(self, n: u64) -> f64 {
        let n = n as f64;
        match self {
            Self::AllReduce => 2.0 * (n - 1.0) / n,
            Self::ReduceScatter | Self::AllGather | Self::AllToAll => (n - 1.0) / n,
            Self::Broadcast | Self::SendRecv => 1.0,
        }
    }
}

/// An algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Flat ring over every rank.
    Ring,
    /// Double binary tree across domains, chain inside (all-reduce).
    Tree,
    /// NVLink SHARP in the domain; ring or tree across domains.
    Nvls,
    /// Reduce inside the domain, InfiniBand SHARP across, gather inside.
    Sharp,
    /// Ring inside the domain, ring or tree across, ring inside (all-reduce).
    Hierarchical,
    /// Point-to-point to every peer at once (all-to-all, send/recv).
    Direct,
}

impl Algorithm {
    /// Every algorithm, in tie-breaking order.
    pub const ALL: [Algorithm; 6] = [Self::Ring, Self::Tree, Self::Nvls, Self::Sharp, Self::Hierarchical, Self::Direct];
}

/// A protocol: how data and completion flags travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// Low latency: flag with every word, a fraction of the bandwidth.
    Ll,
    /// Full bandwidth, chunked and pipelined, higher latency.
    Simple,
}

macro_rules! display_snake {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let v = serde_json::to_value(self).map_err(|_| fmt::Error)?;
                f.write_str(v.as_str().unwrap_or("?"))
            }
        }
    )*};
}
display_snake!(Op, Algorithm, Protocol);

/// Calibrated parameters (`data/collectives.toml`). Latencies in µs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CollectiveParams {
    /// Where the numbers come from.
    pub source: String,
    /// Date of the source.
    pub date: String,
    /// Fixed cost of launching one collective \[µs\].
    pub launch_us: f64,
    /// Pipeline fill constant of the Simple protocol \[µs\].
    pub pipeline_fill_us: f64,
    /// Bandwidth of LL relative to Simple.
    pub ll_bandwidth_factor: f64,
    /// Achieved fraction of the bottleneck bandwidth per algorithm.
    pub efficiency: Efficiency,
    /// Base latency per algorithm and protocol \[µs\].
    pub base_us: BaseLatency,
    /// Latency per step by link class and protocol \[µs\].
    pub step_us: StepLatency,
    /// Values of one fabric that its own measurements set apart from the
    /// reference (NVLink 4 in, the default network efficiency out), by
    /// catalog fabric id.
    #[serde(default)]
    pub fabric: BTreeMap<String, FabricParams>,
}

/// One fabric's own values; absent ones keep the reference's.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FabricParams {
    /// Where the values come from: the rows fitted, or the reason.
    pub source: String,
    /// Scale-up: achieved fraction of the link for rings (tree follows at NCCL's 0.9).
    pub ring: Option<f64>,
    /// Scale-up: achieved fraction of the link for NVLS.
    pub nvls: Option<f64>,
    /// Scale-up: NVLS fixed latency \[µs\].
    pub nvls_base_us: Option<f64>,
    /// Scale-up: achieved fraction for point-to-point (all-to-all).
    pub direct: Option<f64>,
    /// Scale-out: achieved fraction of the NIC line rate for ring-type transfers.
    pub network: Option<f64>,
    /// Scale-out: achieved fraction of the NIC line rate for all-to-all.
    pub network_direct: Option<f64>,
}

impl CollectiveParams {
    /// The parameters for a group on scale-up fabric `up` and scale-out
    /// fabric `out`: the reference's, with each fabric's own values over
    /// them. Borrowed when neither fabric has any.
    pub fn for_fabrics(&self, up: &str, out: &str) -> Cow<'_, CollectiveParams> {
        let (u, o) = (self.fabric.get(up), self.fabric.get(out));
        if u.is_none() && o.is_none() {
            return Cow::Borrowed(self);
        }
        let mut p = CollectiveParams { source: String::new(), date: String::new(), fabric: BTreeMap::new(), ..*self };
        if let Some(u) = u {
            let e = &mut p.efficiency;
            if let Some(r) = u.ring {
                e.tree *= r / e.ring;
                e.ring = r;
            }
            e.nvls = u.nvls.unwrap_or(e.nvls);
            e.direct = u.direct.unwrap_or(e.direct);
            p.base_us.nvls = u.nvls_base_us.unwrap_or(p.base_us.nvls);
        }
        if let Some(o) = o {
            p.efficiency.network = o.network.unwrap_or(p.efficiency.network);
            p.efficiency.network_direct = o.network_direct.or(o.network).unwrap_or(p.efficiency.network_direct);
        }
        Cow::Owned(p)
    }

    /// Every value in its physical range: efficiencies in (0, 1], latencies
    /// finite and not negative. Names the first value that is not.
    pub fn check(&self) -> Result<(), String> {
        let e = &self.efficiency;
        let mut shares = vec![
            ("efficiency.ring", e.ring),
            ("efficiency.tree", e.tree),
            ("efficiency.nvls", e.nvls),
            ("efficiency.sharp", e.sharp),
            ("efficiency.direct", e.direct),
            ("efficiency.network", e.network),
            ("efficiency.network_direct", e.network_direct),
            ("ll_bandwidth_factor", self.ll_bandwidth_factor),
        ];
        for f in self.fabric.values() {
            for v in [f.ring, f.nvls, f.direct, f.network, f.network_direct].into_iter().flatten() {
                shares.push(("fabric share", v));
            }
        }
        for (name, v) in shares {
            if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                return Err(format!("{name} = {v}: expected a share in (0, 1]"));
            }
        }
        let b = &self.base_us;
        let s = &self.step_us;
        let mut lat = vec![
            ("launch_us", self.launch_us),
            ("pipeline_fill_us", self.pipeline_fill_us),
            ("base_us.ring_ll", b.ring_ll),
            ("base_us.ring_simple", b.ring_simple),
            ("base_us.tree_ll", b.tree_ll),
            ("base_us.tree_simple", b.tree_simple),
            ("base_us.nvls", b.nvls),
            ("base_us.sharp", b.sharp),
            ("step_us.scaleup_ll", s.scaleup_ll),
            ("step_us.scaleup_simple", s.scaleup_simple),
            ("step_us.network_ll", s.network_ll),
            ("step_us.network_simple", s.network_simple),
        ];
        lat.extend(self.fabric.values().filter_map(|f| f.nvls_base_us).map(|v| ("fabric nvls_base_us", v)));
        for (name, v) in lat {
            if !(v.is_finite() && (0.0..=1e6).contains(&v)) {
                return Err(format!("{name} = {v}: expected microseconds in [0, 1e6]"));
            }
        }
        Ok(())
    }
}

/// Achieved fraction of the bottleneck bandwidth.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Efficiency {
    /// Ring (and hierarchical ring phases).
    pub ring: f64,
    /// Double binary tree.
    pub tree: f64,
    /// NVLink SHARP.
    pub nvls: f64,
    /// InfiniBand SHARP.
    pub sharp: f64,
    /// Point-to-point (all-to-all, send/recv).
    pub direct: f64,
    /// Fraction of a NIC's line rate that ring-type transfers reach.
    pub network: f64,
    /// Fraction of a NIC's line rate that all-to-all reaches (many peers at once).
    pub network_direct: f64,
}

/// Base latency per algorithm and protocol \[µs\].
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BaseLatency {
    /// Ring, LL.
    pub ring_ll: f64,
    /// Ring, Simple.
    pub ring_simple: f64,
    /// Tree, LL.
    pub tree_ll: f64,
    /// Tree, Simple.
    pub tree_simple: f64,
    /// NVLS.
    pub nvls: f64,
    /// SHARP.
    pub sharp: f64,
}

/// Latency per step \[µs\].
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepLatency {
    /// Scale-up link, LL.
    pub scaleup_ll: f64,
    /// Scale-up link, Simple.
    pub scaleup_simple: f64,
    /// Network, LL.
    pub network_ll: f64,
    /// Network, Simple.
    pub network_simple: f64,
}

/// The chosen way to run a collective and its time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Time of one collective.
    pub time: Seconds,
    /// Algorithm.
    pub algorithm: Algorithm,
    /// Protocol.
    pub protocol: Protocol,
}

/// Ranks in a group.
pub fn ranks(levels: &[Level]) -> u64 {
    levels.iter().map(|l| u64::from(l.size)).product()
}

/// The fastest (algorithm, protocol) for `op` on `bytes` (nccl-tests' size:
/// the per-rank buffer; the output buffer for all-gather), or the fastest
/// protocol of a forced algorithm. `None` if the algorithm does not apply.
pub fn estimate(
    op: Op,
    bytes: Bytes,
    levels: &[Level],
    p: &CollectiveParams,
    force: Option<Algorithm>,
) -> Option<Estimate> {
    if levels.is_empty() || ranks(levels) < 2 {
        return None;
    }
    let forced = force.map(|a| [a]);
    let algorithms: &[Algorithm] = forced.as_ref().map_or(&Algorithm::ALL, |a| a);
    let mut best: Option<Estimate> = None;
    for &algorithm in algorithms {
        for protocol in [Protocol::Ll, Protocol::Simple] {
            let Some(t) = cost(op, algorithm, protocol, bytes.get(), levels, p) else { continue };
            let time = Seconds(p.launch_us * 1e-6) + t;
            if best.is_none_or(|b| time.get() < b.time.get()) {
                best = Some(Estimate { time, algorithm, protocol });
            }
        }
    }
    best
}

/// A phase's cost: latency, and time moving bytes. Phases that NCCL
/// pipelines (NVLS across domains, SHARP) overlap their transfers.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    lat: f64,
    xfer: f64,
}

impl Cost {
    fn total(self) -> f64 {
        self.lat + self.xfer
    }
    /// One phase after the other.
    fn then(self, o: Cost) -> Cost {
        Cost { lat: self.lat + o.lat, xfer: self.xfer + o.xfer }
    }
    /// Phases streaming chunks through each other: latencies add, transfers overlap.
    fn pipelined(self, o: Cost) -> Cost {
        Cost { lat: self.lat + o.lat, xfer: self.xfer.max(o.xfer) }
    }
    fn min(self, o: Cost) -> Cost {
        if o.total() < self.total() { o } else { self }
    }
}

/// Time of one (algorithm, protocol) without the launch cost, or `None`
/// where it does not apply.
fn cost(op: Op, alg: Algorithm, proto: Protocol, s: f64, levels: &[Level], p: &CollectiveParams) -> Option<Seconds> {
    let multi = levels.len() > 1;
    let reducing = matches!(op, Op::AllReduce | Op::ReduceScatter | Op::AllGather);
    let c = match (alg, op) {
        (Algorithm::Ring, Op::AllReduce | Op::ReduceScatter | Op::AllGather | Op::Broadcast) => {
            ring(op, proto, s, levels, p, p.efficiency.ring)
        }
        (Algorithm::Tree, Op::AllReduce) if multi => tree(proto, s, levels, p),
        (Algorithm::Nvls, _) if reducing && levels[0].reduction && proto == Protocol::Simple => {
            if !multi {
                nvls(op, s, &levels[0], p)
            } else if op != Op::AllReduce {
                // NCCL's NVLS-tree is all-reduce only; across domains all-gather
                // and reduce-scatter run as rings.
                return None;
            } else {
                // NCCL's NVLS-tree: reduce in the switch, across domains by ring or
                // tree, broadcast in the switch; chunks stream through all three.
                let d = f64::from(levels[0].size);
                let outer = best_outer(op, s / d, &levels[1..], p, false);
                inner_phases(op, s, &levels[0], p, true).pipelined(outer)
            }
        }
        (Algorithm::Sharp, Op::AllReduce) if multi && proto == Protocol::Simple => {
            if !levels[1..].iter().all(|l| l.reduction) {
                return None;
            }
            let d = f64::from(levels[0].size);
            let inner = inner_phases(op, s, &levels[0], p, levels[0].reduction);
            inner.pipelined(sharp(s / d, &levels[1..], p))
        }
        (Algorithm::Hierarchical, Op::AllReduce) if multi && proto == Protocol::Simple => {
            let d = f64::from(levels[0].size);
            let outer = best_outer(op, s / d, &levels[1..], p, false);
            inner_phases(op, s, &levels[0], p, false).then(outer)
        }
        (Algorithm::Direct, Op::AllToAll) => all_to_all(proto, s, levels, p),
        (Algorithm::Direct, Op::SendRecv) => send_recv(proto, s, levels, p),
        _ => return None,
    };
    Some(Seconds(c.total()))
}

/// The in-domain phases of a two-level collective: reduce-scatter (and
/// all-gather back, for all-reduce) over the first level, by NVLS if asked.
fn inner_phases(op: Op, s: f64, l: &Level, p: &CollectiveParams, use_nvls: bool) -> Cost {
    let phase = |inner: Op| {
        let by_ring = ring(inner, Protocol::Simple, s, std::slice::from_ref(l), p, p.efficiency.ring);
        if use_nvls && l.reduction { nvls(inner, s, l, p).min(by_ring) } else { by_ring }
    };
    match op {
        Op::AllReduce => phase(Op::ReduceScatter).then(phase(Op::AllGather)),
        Op::AllGather => phase(Op::AllGather),
        _ => phase(Op::ReduceScatter),
    }
}

/// The outer phase of a hierarchical collective on `s` bytes per GPU:
/// fastest of ring, tree, and (if asked) SHARP, over the outer levels.
fn best_outer(op: Op, s: f64, outer: &[Level], p: &CollectiveParams, in_network: bool) -> Cost {
    if in_network {
        return sharp(s, outer, p);
    }
    let mut best = ring(op, Protocol::Simple, s, outer, p, p.efficiency.ring);
    for proto in [Protocol::Ll, Protocol::Simple] {
        best = best.min(ring(op, proto, s, outer, p, p.efficiency.ring));
        if op == Op::AllReduce {
            let t = if outer.len() > 1 { tree(proto, s, outer, p) } else { tree(proto, s, &single_tree(outer[0]), p) };
            best = best.min(t);
        }
    }
    best
}

/// A single outer level seen as a tree of one-GPU "domains".
fn single_tree(l: Level) -> [Level; 2] {
    let one = Level { size: 1, ..l };
    [one, l]
}

/// Achieved bandwidth of a flat ring over the levels: every ring crosses a
/// domain boundary once per channel, so level `i` offers its per-GPU
/// bandwidth times the GPUs below it. Scale-up links reach the algorithm's
/// efficiency `eta`; network links the network efficiency, scaled alike.
fn ring_bw(levels: &[Level], eta: f64, p: &CollectiveParams) -> BytesPerSec {
    let mut below = 1.0;
    let mut bw = f64::INFINITY;
    for l in levels {
        let e = match l.class {
            LinkClass::ScaleUp => eta,
            LinkClass::Network => p.efficiency.network * eta / p.efficiency.ring,
        };
        bw = bw.min(l.per_gpu().get() * below * e);
        below *= f64::from(l.size);
    }
    BytesPerSec(bw)
}

fn step(l: &Level, proto: Protocol, p: &CollectiveParams) -> f64 {
    let us = match (l.class, proto) {
        (LinkClass::ScaleUp, Protocol::Ll) => p.step_us.scaleup_ll,
        (LinkClass::ScaleUp, Protocol::Simple) => p.step_us.scaleup_simple,
        (LinkClass::Network, Protocol::Ll) => p.step_us.network_ll,
        (LinkClass::Network, Protocol::Simple) => p.step_us.network_simple,
    };
    us * 1e-6 + l.latency.get()
}

/// Time to move `w` bytes at an achieved bandwidth `bw`, with the
/// protocol's bandwidth factor and, for Simple, the pipeline fill.
fn transfer(w: f64, bw: BytesPerSec, proto: Protocol, p: &CollectiveParams) -> f64 {
    match proto {
        Protocol::Ll => w / (bw.get() * p.ll_bandwidth_factor),
        Protocol::Simple => {
            let t = w / bw.get();
            t + 2.0 * (p.pipeline_fill_us * 1e-6 * t).sqrt()
        }
    }
}

fn ring(op: Op, proto: Protocol, s: f64, levels: &[Level], p: &CollectiveParams, eta: f64) -> Cost {
    let n = ranks(levels) as f64;
    let inner = f64::from(levels[0].size);
    let outer = n / inner;
    let (steps, inter, w) = match op {
        Op::AllReduce => (2.0 * (n - 1.0), 2.0 * (outer - 1.0), 2.0 * (n - 1.0) / n * s),
        Op::Broadcast => (n - 1.0, outer - 1.0, s),
        _ => (n - 1.0, outer - 1.0, (n - 1.0) / n * s),
    };
    let base = match proto {
        Protocol::Ll => p.base_us.ring_ll,
        Protocol::Simple => p.base_us.ring_simple,
    };
    let top = &levels[levels.len() - 1];
    let lat = base * 1e-6 + step(&levels[0], proto, p) * (steps - inter) + step(top, proto, p) * inter;
    Cost { lat, xfer: transfer(w, ring_bw(levels, eta, p), proto, p) }
}

fn tree(proto: Protocol, s: f64, levels: &[Level], p: &CollectiveParams) -> Cost {
    let inner = f64::from(levels[0].size);
    let outer = ranks(levels) as f64 / inner;
    let base = match proto {
        Protocol::Ll => p.base_us.tree_ll,
        Protocol::Simple => p.base_us.tree_simple,
    };
    let top = &levels[levels.len() - 1];
    let depth = outer.log2().ceil().max(1.0);
    let lat = base * 1e-6 + (step(&levels[0], proto, p) * (inner - 1.0) + step(top, proto, p) * depth) * 2.0;
    Cost { lat, xfer: transfer(2.0 * s, ring_bw(levels, p.efficiency.tree, p), proto, p) }
}

/// NVLS inside one switch: the buffer crosses each GPU's links once each
/// way at the achieved fraction `η_nvls`, whatever the group size. Counting
/// the reduce-loads and multicast stores gives `(d+1)/d` of the buffer, but
/// measured NVLS all-reduce algbw is flat in `d` (NVLink 5: 455, 480, 470,
/// 462 GB/s at 4, 8, 32, 64 GPUs, rows N272, N273, N281, N285), so the
/// switch's reduction, not the extra `1/d`, sets the rate; `η_nvls` carries it.
fn nvls(_op: Op, s: f64, l: &Level, p: &CollectiveParams) -> Cost {
    let lat = p.base_us.nvls * 1e-6 + step(l, Protocol::Simple, p) * 2.0;
    Cost { lat, xfer: transfer(s, l.per_gpu() * p.efficiency.nvls, Protocol::Simple, p) }
}

/// In-network all-reduce across the outer levels: each GPU sends its share
/// once and receives the sum once.
fn sharp(s: f64, outer: &[Level], p: &CollectiveParams) -> Cost {
    let top = &outer[outer.len() - 1];
    let lat = p.base_us.sharp * 1e-6 + step(top, Protocol::Simple, p) * 2.0;
    let bw = ring_bw(outer, p.efficiency.sharp, p);
    Cost { lat, xfer: transfer(s, bw, Protocol::Simple, p) }
}

fn all_to_all(proto: Protocol, s: f64, levels: &[Level], p: &CollectiveParams) -> Cost {
    let n = ranks(levels) as f64;
    let d = f64::from(levels[0].size);
    let up = levels[0].per_gpu().get() * p.efficiency.direct;
    let intra = s * (d - 1.0) / n / up;
    let inter = match levels.get(1..).filter(|o| !o.is_empty()) {
        Some(outer) => {
            let net = outer.iter().map(|l| l.any_bw.get()).fold(f64::INFINITY, f64::min) * p.efficiency.network_direct;
            s * (n - d) / n / net
        }
        None => 0.0,
    };
    let top = &levels[levels.len() - 1];
    let lat = p.base_us.ring_simple * 1e-6 + step(top, proto, p) * 2.0;
    // Both pipes run at once; the slower one sets the time.
    let t = intra.max(inter);
    Cost { lat, xfer: transfer(t, BytesPerSec(1.0), proto, p) }
}

fn send_recv(proto: Protocol, s: f64, levels: &[Level], p: &CollectiveParams) -> Cost {
    let top = &levels[levels.len() - 1];
    let eta = match top.class {
        LinkClass::ScaleUp => p.efficiency.direct,
        LinkClass::Network => p.efficiency.network,
    };
    let lat = p.base_us.ring_simple * 1e-6 + step(top, proto, p);
    Cost { lat, xfer: transfer(s, top.bw * eta, proto, p) }
}

#[cfg(test)]
mod tests;
