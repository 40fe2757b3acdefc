//! Rail-optimized fat-trees: switch counts per tier, links, optics, and the
//! path between two endpoints for the flow model.
//!
//! ```text
//!   tier 3   core   [c0]  [c1] ...            (3-tier trees only)
//!                  /    \
//!   tier 2   spine  [s0] [s1] ...   one pod = spine_down leaves
//!                 / | \
//!   tier 1   leaf  [l0] [l1] ...   leaf_down endpoints each (rail-optimized:
//!                  | | |                 one rail of many scale-up domains)
//!   NIC ports (one per GPU per plane)
//! ```
//!
//! A switch of radix `R` with oversubscription `o` (down:up) has
//! `R * o / (1 + o)` ports down and the rest up. Counts are per plane; a
//! multi-plane fabric repeats the tree.

use crate::catalog::Routing;
use crate::units::{BytesPerSec, Seconds};
use serde::Serialize;

/// Inputs of a fat-tree.
#[derive(Debug, Clone, PartialEq)]
pub struct FatTreeSpec {
    /// NIC ports (endpoints) per plane.
    pub endpoints: u64,
    /// Ports per switch at the plane's port speed.
    pub radix: u32,
    /// Rate of one port, one direction.
    pub port_bw: BytesPerSec,
    /// Independent planes (each NIC's bandwidth is split across them).
    pub planes: u32,
    /// Down:up ratio at the leaf tier (1 = non-blocking).
    pub leaf_oversubscription: f64,
    /// Down:up ratio at the spine tier (3-tier trees).
    pub spine_oversubscription: f64,
    /// Force 1, 2 or 3 tiers; `None` picks the fewest that fit.
    pub tiers: Option<u8>,
    /// Port-to-port latency of one switch.
    pub switch_latency: Seconds,
    /// Endpoints of one rail group that share a leaf (NICs per scale-up domain).
    pub rails: u32,
    /// How switches spread flows over equal-cost paths.
    pub routing: Routing,
    /// Share of a bundle of equal-cost links adaptive routing fills (1 = perfect spraying).
    pub adaptive_efficiency: f64,
}

/// Errors of building a fat-tree. Fatal: bad input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FatTreeError {
    /// More endpoints than the tiers allowed can connect.
    #[error("{endpoints} endpoints do not fit a {tiers}-tier fat-tree of radix {radix} (at most {capacity})")]
    TooLarge {
        /// Endpoints per plane.
        endpoints: u64,
        /// Tiers tried.
        tiers: u8,
        /// Switch radix.
        radix: u32,
        /// Most endpoints that fit.
        capacity: u64,
    },
    /// An oversubscription ratio below 1 or not finite, or a radix too small to split.
    #[error("oversubscription {0} is not a ratio of at least 1 (down:up), or leaves no port up or down")]
    BadOversubscription(f64),
}

/// A built fat-tree (one plane; counts in [`FatTree::counts`] cover all planes).
#[derive(Debug, Clone, PartialEq)]
pub struct FatTree {
    /// The inputs.
    pub spec: FatTreeSpec,
    /// Tiers used.
    pub tiers: u8,
    /// Leaf ports facing endpoints.
    pub leaf_down: u32,
    /// Leaf ports facing spines.
    pub leaf_up: u32,
    /// Spine ports facing leaves.
    pub spine_down: u32,
    /// Spine ports facing cores.
    pub spine_up: u32,
    /// Leaves per plane.
    pub leaves: u64,
    /// Spines per plane.
    pub spines: u64,
    /// Cores per plane.
    pub cores: u64,
    /// Pods per plane (3-tier).
    pub pods: u64,
    /// Rails sharing one leaf (1 once a rail fills leaves of its own).
    pub rails_per_leaf: u64,
}

/// Switch, link and optics counts of a fabric, all planes together.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FabricCounts {
    /// Tiers.
    pub tiers: u8,
    /// Planes.
    pub planes: u32,
    /// Leaf switches.
    pub leaf_switches: u64,
    /// Spine switches.
    pub spine_switches: u64,
    /// Core switches.
    pub core_switches: u64,
    /// NIC-to-leaf links.
    pub endpoint_links: u64,
    /// Leaf-to-spine links.
    pub leaf_spine_links: u64,
    /// Spine-to-core links.
    pub spine_core_links: u64,
    /// Transceivers, assuming every link is optical (two ends each).
    pub transceivers: u64,
    /// Cables (one per link).
    pub cables: u64,
}

/// Which tier the traffic of a group has to climb to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Reach {
    /// Stays under one leaf.
    Leaf,
    /// Crosses the spines.
    Spine,
    /// Crosses the cores.
    Core,
}

fn split(radix: u32, oversub: f64) -> Result<(u32, u32), FatTreeError> {
    if !(oversub.is_finite() && oversub >= 1.0) {
        return Err(FatTreeError::BadOversubscription(oversub));
    }
    let down = (f64::from(radix) * oversub / (1.0 + oversub)).round() as u32;
    let up = radix.saturating_sub(down);
    if down == 0 || up == 0 {
        return Err(FatTreeError::BadOversubscription(oversub));
    }
    Ok((down, up))
}

impl FatTree {
    /// Builds the tree with the fewest tiers that fit (or the forced number).
    pub fn build(spec: FatTreeSpec) -> Result<FatTree, FatTreeError> {
        let r = u64::from(spec.radix);
        let (leaf_down, leaf_up) = split(spec.radix, spec.leaf_oversubscription)?;
        let (spine_down, spine_up) = split(spec.radix, spec.spine_oversubscription)?;
        let e = spec.endpoints.max(1);
        // Rail-optimized: a leaf holds one rail (local NIC index) of up to
        // `leaf_down` scale-up domains, so every rail gets its own leaves.
        // A small cluster packs several rails onto one leaf.
        let rails = u64::from(spec.rails.max(1)).min(e);
        let domains = e.div_ceil(rails);
        let down = u64::from(leaf_down);
        let (rails_per_leaf, leaves) = if domains >= down {
            (1, rails * domains.div_ceil(down))
        } else {
            let per = (down / domains).clamp(1, rails);
            (per, rails.div_ceil(per))
        };
        let pods = leaves.div_ceil(u64::from(spine_down));
        // One switch; leaves each reaching every spine; pods each reaching every core.
        let fits = |tiers: u8| match tiers {
            1 => e <= r,
            2 => leaves <= r,
            _ => pods <= r,
        };
        let tiers = match spec.tiers {
            Some(t) => t.clamp(1, 3),
            None => (1..=3).find(|&t| fits(t)).unwrap_or(3),
        };
        if !fits(tiers) {
            let capacity = match tiers {
                1 => r,
                2 => u64::from(leaf_down) * r,
                _ => u64::from(leaf_down) * u64::from(spine_down) * r,
            };
            return Err(FatTreeError::TooLarge { endpoints: e, tiers, radix: spec.radix, capacity });
        }
        let leaves = if tiers == 1 { 1 } else { leaves };
        let (spines, cores, pods) = match tiers {
            1 => (0, 0, 0),
            2 => ((leaves * u64::from(leaf_up)).div_ceil(r), 0, 0),
            _ => {
                let spines = pods * u64::from(leaf_up);
                (spines, (spines * u64::from(spine_up)).div_ceil(r), pods)
            }
        };
        Ok(FatTree {
            spec,
            tiers,
            leaf_down,
            leaf_up,
            spine_down,
            spine_up,
            leaves,
            spines,
            cores,
            pods,
            rails_per_leaf,
        })
    }

    /// Counts over all planes.
    pub fn counts(&self) -> FabricCounts {
        let p = u64::from(self.spec.planes);
        let endpoint_links = self.spec.endpoints * p;
        let leaf_spine_links = if self.tiers >= 2 { self.leaves * u64::from(self.leaf_up) * p } else { 0 };
        let spine_core_links = if self.tiers == 3 { self.spines * u64::from(self.spine_up) * p } else { 0 };
        let links = endpoint_links + leaf_spine_links + spine_core_links;
        FabricCounts {
            tiers: self.tiers,
            planes: self.spec.planes,
            leaf_switches: self.leaves * p,
            spine_switches: self.spines * p,
            core_switches: self.cores * p,
            endpoint_links,
            leaf_spine_links,
            spine_core_links,
            transceivers: 2 * links,
            cables: links,
        }
    }

    /// Links of one plane, numbered as [`FatTree::route`] numbers them: each
    /// NIC's uplink and downlink, then (static routing) every leaf-spine and
    /// spine-core port each way, or (adaptive routing) each leaf's uplinks and
    /// downlinks as one bundle, and each pod's core uplinks and downlinks.
    pub fn link_count(&self) -> usize {
        let (e, l, s) = (self.spec.endpoints, self.leaves, self.spines);
        let (up, core) = match self.spec.routing {
            Routing::Adaptive => (if self.tiers >= 2 { l } else { 0 }, if self.tiers == 3 { self.pods } else { 0 }),
            Routing::Ecmp | Routing::DModK => (
                if self.tiers >= 2 { l * u64::from(self.leaf_up) } else { 0 },
                if self.tiers == 3 { s * u64::from(self.spine_up) } else { 0 },
            ),
        };
        (2 * (e + up + core)) as usize
    }

    /// Capacity of each link of [`FatTree::link_count`] \[B/s\]: a port's rate,
    /// or a bundle's ports at the share adaptive routing balances onto.
    pub fn link_capacities(&self) -> Vec<f64> {
        let port = self.spec.port_bw.get();
        let mut caps = vec![port; self.link_count()];
        if self.spec.routing == Routing::Adaptive {
            let e = 2 * self.spec.endpoints as usize;
            let eta = self.spec.adaptive_efficiency;
            let leaf = port * f64::from(self.leaf_up) * eta;
            let pod = port * f64::from(self.leaf_up) * f64::from(self.spine_up) * eta;
            let leaves = 2 * self.leaves as usize;
            for (i, c) in caps[e..].iter_mut().enumerate() {
                *c = if i < leaves { leaf } else { pod };
            }
        }
        caps
    }

    /// Leaf of an endpoint: rail `g % rails` of domain group `g / rails / leaf_down`.
    fn leaf_of(&self, g: u64) -> u64 {
        if self.tiers == 1 {
            return 0;
        }
        let rails = self.rails();
        let (rail, domain) = (g % rails, g / rails);
        if self.rails_per_leaf > 1 {
            rail / self.rails_per_leaf
        } else {
            (domain / u64::from(self.leaf_down)) * rails + rail
        }
    }

    fn rails(&self) -> u64 {
        u64::from(self.spec.rails.max(1)).min(self.spec.endpoints.max(1))
    }

    /// Leaves holding every rail of `domains` consecutive scale-up domains.
    fn leaves_for(&self, domains: u64) -> u64 {
        if self.rails_per_leaf > 1 {
            self.rails().div_ceil(self.rails_per_leaf)
        } else {
            self.rails() * domains.div_ceil(u64::from(self.leaf_down))
        }
    }

    /// Links (one plane) from endpoint `a` to endpoint `b` under the tree's routing.
    pub fn path(&self, a: u64, b: u64) -> Vec<u32> {
        self.route(a, b, 0)
    }

    /// Links (one plane) of flow `salt` from endpoint `a` to endpoint `b`.
    /// Static ECMP hashes the pair and the salt (a queue pair's index) onto
    /// one of the equal-cost uplinks at each tier; d-mod-k picks them from
    /// the destination alone, as InfiniBand's static tables do; adaptive
    /// routing crosses each tier's bundle of uplinks as one link.
    pub fn route(&self, a: u64, b: u64, salt: u64) -> Vec<u32> {
        let mut links = Vec::with_capacity(6);
        self.route_into(a, b, salt, &mut links);
        links
    }

    /// [`FatTree::route`], appending the links to `links`.
    pub fn route_into(&self, a: u64, b: u64, salt: u64, links: &mut Vec<u32>) {
        let e = self.spec.endpoints;
        let (la, lb) = (self.leaf_of(a), self.leaf_of(b));
        links.push(a as u32);
        if la != lb {
            let (pa, pb) = (la / u64::from(self.spine_down), lb / u64::from(self.spine_down));
            let cross_pod = self.tiers == 3 && pa != pb;
            if self.spec.routing == Routing::Adaptive {
                let l = self.leaves;
                links.push((2 * e + la) as u32);
                if cross_pod {
                    links.push((2 * e + 2 * l + pa) as u32);
                    links.push((2 * e + 2 * l + self.pods + pb) as u32);
                }
                links.push((2 * e + l + lb) as u32);
            } else {
                let up = u64::from(self.leaf_up);
                let sup = u64::from(self.spine_up);
                let (u, v) = match self.spec.routing {
                    Routing::DModK => {
                        // The destination's place under its leaf: its domain, and its
                        // rail where one leaf holds several rails.
                        let (domain, rail) = (b / self.rails(), b % self.rails());
                        let key = if self.rails_per_leaf > 1 {
                            domain * self.rails_per_leaf + rail % self.rails_per_leaf
                        } else {
                            domain
                        };
                        (key % up, (key / up) % sup)
                    }
                    _ => {
                        let h = mix(a, b ^ salt.rotate_left(40));
                        (h % up, (h / up) % sup)
                    }
                };
                let leaf_up = |l: u64| (2 * e + l * up + u) as u32;
                let leaf_down = |l: u64| (2 * e + self.leaves * up + l * up + u) as u32;
                links.push(leaf_up(la));
                if cross_pod {
                    let base = 2 * e + 2 * self.leaves * up;
                    let spine = |p: u64| p * up + u;
                    links.push((base + spine(pa) * sup + v) as u32);
                    links.push((base + self.spines * sup + spine(pb) * sup + v) as u32);
                }
                links.push(leaf_down(lb));
            }
        }
        links.push((e + b) as u32);
    }

    /// What link `l` of [`FatTree::route`] is, in words.
    pub fn describe_link(&self, l: u32) -> String {
        let l = u64::from(l);
        let e = self.spec.endpoints;
        let rails = self.rails();
        let leaf = |x: u64| {
            if self.rails_per_leaf > 1 {
                format!("leaf {x}")
            } else {
                format!(
                    "leaf {x} (rail {}, domains {}-{})",
                    x % rails,
                    x / rails * u64::from(self.leaf_down),
                    (x / rails + 1) * u64::from(self.leaf_down) - 1
                )
            }
        };
        if l < 2 * e {
            let (dir, g) = if l < e { ("uplink", l) } else { ("downlink", l - e) };
            return format!("NIC {dir} of domain {} rail {}", g / rails, g % rails);
        }
        let r = l - 2 * e;
        if self.spec.routing == Routing::Adaptive {
            let n = self.leaves;
            return match r {
                r if r < n => format!("{} uplinks", leaf(r)),
                r if r < 2 * n => format!("{} downlinks", leaf(r - n)),
                r if r < 2 * n + self.pods => format!("pod {} core uplinks", r - 2 * n),
                r => format!("pod {} core downlinks", r - 2 * n - self.pods),
            };
        }
        let up = u64::from(self.leaf_up);
        let leaf_ports = self.leaves * up;
        if r < 2 * leaf_ports {
            let (dir, x) = if r < leaf_ports { ("uplink", r) } else { ("downlink", r - leaf_ports) };
            return format!("{} {dir} {}", leaf(x / up), x % up);
        }
        let x = r - 2 * leaf_ports;
        let sup = u64::from(self.spine_up);
        let spine_ports = self.spines * sup;
        let (dir, x) = if x < spine_ports { ("uplink", x) } else { ("downlink", x - spine_ports) };
        format!("spine {} core {dir} {}", x / sup, x % sup)
    }

    /// Scale-up domains whose same-rail NICs share one leaf.
    pub fn domains_per_leaf(&self) -> u64 {
        if self.rails_per_leaf > 1 { u64::MAX } else { u64::from(self.leaf_down) }
    }

    /// Scale-up domains whose same-rail NICs share one pod (2-tier: the whole tree).
    pub fn domains_per_pod(&self) -> u64 {
        match self.tiers {
            1 | 2 => u64::MAX,
            _ => {
                let groups = u64::from(self.spine_down) / self.rails();
                if groups == 0 { self.domains_per_leaf() } else { groups.saturating_mul(self.domains_per_leaf()) }
            }
        }
    }

    /// How high rail-aligned traffic among `domains` scale-up domains climbs.
    pub fn rail_reach(&self, domains: u64) -> Reach {
        if self.tiers == 1 || domains <= self.domains_per_leaf() {
            Reach::Leaf
        } else if self.tiers == 2 || domains <= self.domains_per_pod() {
            Reach::Spine
        } else {
            Reach::Core
        }
    }

    /// How high any-to-any traffic among every NIC of `domains` domains climbs.
    pub fn any_reach(&self, domains: u64) -> Reach {
        let leaves = self.leaves_for(domains);
        if self.tiers == 1 || leaves <= 1 {
            Reach::Leaf
        } else if self.tiers == 2 || leaves <= u64::from(self.spine_down) {
            Reach::Spine
        } else {
            Reach::Core
        }
    }

    /// Bandwidth per endpoint left once traffic climbs to `reach`, after
    /// the oversubscription of each tier it crosses.
    pub fn bw_at(&self, reach: Reach) -> BytesPerSec {
        let s = &self.spec;
        match reach {
            Reach::Leaf => s.port_bw,
            Reach::Spine => s.port_bw / s.leaf_oversubscription,
            Reach::Core => s.port_bw / (s.leaf_oversubscription * s.spine_oversubscription),
        }
    }

    /// Switch hops of a path that climbs to `reach`.
    pub fn hops(reach: Reach) -> u32 {
        match reach {
            Reach::Leaf => 1,
            Reach::Spine => 3,
            Reach::Core => 5,
        }
    }

    /// Latency of the switches on a path that climbs to `reach`.
    pub fn latency(&self, reach: Reach) -> Seconds {
        self.spec.switch_latency * f64::from(Self::hops(reach))
    }
}

/// A fixed 64-bit mix of an endpoint pair (SplitMix64 finaliser).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.rotate_left(29);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(endpoints: u64, radix: u32) -> FatTreeSpec {
        FatTreeSpec {
            endpoints,
            radix,
            port_bw: BytesPerSec::from_gbit_per_s(400.0),
            planes: 1,
            leaf_oversubscription: 1.0,
            spine_oversubscription: 1.0,
            tiers: None,
            switch_latency: Seconds(130e-9),
            rails: 8,
            routing: Routing::Ecmp,
            adaptive_efficiency: 1.0,
        }
    }

    #[test]
    fn two_tier_ndr_for_1024_gpus() {
        // 1,024 NICs on 64-port switches: 32 leaves (32 down, 32 up), 16 spines.
        let t = FatTree::build(spec(1024, 64)).unwrap();
        assert_eq!((t.tiers, t.leaves, t.spines, t.cores), (2, 32, 16, 0));
        let c = t.counts();
        assert_eq!((c.endpoint_links, c.leaf_spine_links), (1024, 1024));
        assert_eq!(c.transceivers, 4096);
    }

    #[test]
    fn capacity_limits_pick_three_tiers() {
        // Two tiers of radix 64 hold 64 * 32 = 2,048 endpoints; more needs a third.
        assert_eq!(FatTree::build(spec(2048, 64)).unwrap().tiers, 2);
        let t = FatTree::build(spec(2049, 64)).unwrap();
        assert_eq!(t.tiers, 3);
        assert!(t.cores > 0);
        // Three tiers of radix 64 hold 64^3 / 4 = 65,536.
        assert!(matches!(FatTree::build(spec(65_537, 64)), Err(FatTreeError::TooLarge { .. })));
    }

    #[test]
    fn oversubscription_trades_spines_for_bandwidth() {
        let mut s = spec(2048, 64);
        s.leaf_oversubscription = 3.0;
        let t = FatTree::build(s).unwrap();
        assert_eq!((t.leaf_down, t.leaf_up), (48, 16));
        assert!(t.bw_at(Reach::Spine).get() < t.bw_at(Reach::Leaf).get());
        assert!(FatTree::build(FatTreeSpec { leaf_oversubscription: 0.5, ..spec(8, 64) }).is_err());
    }

    #[test]
    fn paths_use_valid_distinct_links() {
        for (n, tiers) in [(40, 1), (1024, 2), (20_000, 3)] {
            let t = FatTree::build(spec(n, 64)).unwrap();
            assert_eq!(t.tiers, tiers);
            let links = t.link_count();
            for (a, b) in [(0, 1), (0, n - 1), (7, (8 * 40 + 7) % n), (n / 2, 3)] {
                let p = t.path(a, b);
                assert!(p.iter().all(|&l| (l as usize) < links), "{p:?} beyond {links}");
                let mut d = p.clone();
                d.sort_unstable();
                d.dedup();
                assert_eq!(d.len(), p.len(), "{p:?}");
                assert_eq!(
                    p.len(),
                    match (t.leaf_of(a) == t.leaf_of(b), tiers) {
                        (true, _) | (_, 1) => 2,
                        _ if t.leaf_of(a) / u64::from(t.spine_down) == t.leaf_of(b) / u64::from(t.spine_down)
                            || tiers == 2 =>
                            4,
                        _ => 6,
                    }
                );
            }
        }
    }

    #[test]
    fn single_switch_when_it_fits() {
        let t = FatTree::build(spec(40, 64)).unwrap();
        assert_eq!((t.tiers, t.leaves, t.spines), (1, 1, 0));
        assert_eq!(t.rail_reach(1000), Reach::Leaf);
    }
}
