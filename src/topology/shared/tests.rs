use super::*;
use crate::catalog::{Catalog, Routing};
use crate::topology::FabricOptions;
use proptest::prelude::*;

fn topo(system: &str, gpus: u64, oversub: f64, routing: Routing) -> Topology {
    let opt = FabricOptions { leaf_oversubscription: oversub, routing: Some(routing), ..FabricOptions::default() };
    Topology::build(&Catalog::builtin().unwrap(), system, gpus, &opt).unwrap()
}

/// Domains `lo..hi` of leaf group 0 and the same of group 1, alternating:
/// every ring hop crosses from one leaf group to the other.
fn zigzag(lo: u64, hi: u64) -> Placement {
    Placement::whole((lo..hi).flat_map(|d| [d, d + 48]).collect())
}

#[test]
fn jobs_sharing_oversubscribed_spines_slow_each_other() {
    let t = topo("hgx-h100", 8 * 256, 3.0, Routing::Ecmp);
    // Leaves hold one rail of 48 domains: a job on domains 0..48 stays under its leaves.
    let near = Placement::whole((0..48).collect());
    assert_eq!(t.shared_bandwidth(&[near]), vec![1.0]);
    let (a, b) = (zigzag(0, 24), zigzag(24, 48));
    let alone = t.shared_bandwidth(std::slice::from_ref(&a))[0];
    let shared = t.shared_bandwidth(&[a.clone(), b.clone()]);
    assert!(alone <= 1.0 && shared[0] < alone, "{alone} vs {shared:?}");
    // Adaptive routing spreads the same traffic over every uplink: each rail's
    // leaf sends 48 flows up 16 links, filled to the fabric's adaptive
    // efficiency: a third of line rate each at most, where ECMP's hash
    // collisions leave the unluckiest flow less.
    let t = topo("hgx-h100", 8 * 256, 3.0, Routing::Adaptive);
    let eta = t.tree.spec.adaptive_efficiency;
    assert!(eta > 0.5 && eta <= 1.0);
    let spread = t.shared_bandwidth(&[a, b]);
    assert!(spread.iter().all(|s| (s - eta / 3.0).abs() < 1e-12), "{spread:?}");
    assert!(shared.iter().all(|&s| s < eta / 3.0), "ECMP {shared:?}");
}

#[test]
fn adaptive_routing_on_a_non_blocking_tree_leaves_rings_at_line_rate() {
    let t = topo("gb300-nvl72", 72 * 300, 1.0, Routing::Adaptive);
    // Three jobs interleaved over 300 racks: ECMP collides, spraying does not.
    let jobs: Vec<Placement> = (0..3).map(|k| Placement::whole((k..300).step_by(3).collect())).collect();
    assert!(t.shared_bandwidth(&jobs).iter().all(|&s| (s - 1.0).abs() < 1e-12));
    let ecmp = topo("gb300-nvl72", 72 * 300, 1.0, Routing::Ecmp).shared_bandwidth(&jobs);
    assert!(ecmp.iter().all(|&s| s < 1.0), "{ecmp:?}");
}

#[test]
fn partial_domains_cross_rails() {
    let t = topo("gb300-nvl72", 72 * 4, 1.0, Routing::Ecmp);
    // 8 GPUs in domain 0 (rails 0-7), 4 in domain 2 (rails 40-43): 4 rings of 2 flows.
    let p = Placement { domains: vec![0, 2], rails: vec![(0..8).collect(), (40..44).collect()] };
    let flows = t.ring_flows(&p);
    assert_eq!(flows.len(), 8);
    // Edge 0, ring 1: domain 0 rail 1 -> domain 2 rail 41, through the spines (different rails' leaves).
    assert_eq!(flows[1].links[0], 1);
    assert_eq!(*flows[1].links.last().unwrap() as u64, t.tree.spec.endpoints + 2 * 72 + 41);
    assert_eq!(flows[1].links.len(), 4);
    assert_eq!(t.shared_bandwidth(&[p]), vec![1.0]);
}

#[test]
fn d_mod_k_sends_each_destination_down_one_path() {
    let t = topo("hgx-h100", 8 * 512, 1.0, Routing::DModK);
    let tree = &t.tree;
    // From two leaves to the same GPU: the same downlink, as static InfiniBand tables route.
    let dst = 8 * 300 + 3;
    let (p, q) = (tree.route(3, dst, 0), tree.route(8 * 100 + 3, dst, 7));
    assert_eq!(p[p.len() - 2], q[q.len() - 2]);
    assert!(tree.describe_link(p[1]).starts_with("leaf "), "{}", tree.describe_link(p[1]));
}

#[test]
fn a_restart_elsewhere_moves_only_the_edges_that_changed() {
    let t = topo("gb300-nvl72", 72 * 64, 1.0, Routing::Ecmp);
    let mut f = FabricShare::new(t);
    let p = Placement::whole((0..40).collect());
    f.start(1, &p);
    f.start(2, &Placement::whole((40..60).collect()));
    f.solve();
    // In place: nothing to re-solve, but the job is reported (the simulation reset its rate).
    f.stop(1);
    f.start(1, &p);
    let again = f.solve();
    assert_eq!(again.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1]);
    assert_eq!(f.last_solved(), 0);
    // Domain 20 swapped for 63: the edges 19->20 and 20->21 give way to 19->21... at most 3 edges of 72 rails.
    let mut moved = p.clone();
    moved.domains.remove(20);
    moved.domains.push(63);
    f.stop(1);
    f.start(1, &moved);
    f.solve();
    assert!(f.last_solved() <= 3 * 72, "{}", f.last_solved());
}

#[test]
fn bottlenecks_are_named() {
    let t = topo("hgx-h100", 8 * 256, 3.0, Routing::Ecmp);
    let mut f = FabricShare::new(t);
    f.start(7, &zigzag(0, 24));
    f.start(9, &zigzag(24, 48));
    let shares = f.solve();
    assert_eq!(shares.iter().map(|s| s.0).collect::<Vec<_>>(), vec![7, 9]);
    let b = f.bottleneck(7).unwrap();
    assert!(b.contains("leaf") && b.contains("rail"), "{b}");
    f.stop(7);
    f.stop(7);
    assert_eq!(f.bottleneck(7), None);
}

/// A random fabric: a system, a size, an oversubscription and a routing.
fn fabric() -> impl Strategy<Value = Topology> {
    let systems = prop_oneof![Just(("hgx-h100", 8u64)), Just(("gb300-nvl72", 72)), Just(("mi300x-8", 8))];
    (systems, 4u64..160, prop_oneof![Just(1.0), Just(2.0), Just(3.0)], 0usize..3).prop_map(
        |((sys, per), domains, oversub, r)| {
            let routing = [Routing::Ecmp, Routing::DModK, Routing::Adaptive][r];
            topo(sys, per * domains, oversub, routing)
        },
    )
}

/// Start (a job on random domains, some partly held) or stop the `k`-th running job.
#[derive(Debug, Clone)]
enum Event {
    Start {
        domains: Vec<u64>,
        partial: Vec<u32>,
    },
    Stop(usize),
    /// Stop the `k`-th running job and start it again with one whole domain
    /// swapped for a free one (or in place), as a restart after a failure does.
    Restart(usize, u64),
}

fn events() -> impl Strategy<Value = Vec<Event>> {
    let start = (proptest::collection::vec(any::<u64>(), 2..12), proptest::collection::vec(0u32..3, 0..12))
        .prop_map(|(domains, partial)| Event::Start { domains, partial });
    let restart = (any::<usize>(), any::<u64>()).prop_map(|(k, d)| Event::Restart(k, d));
    proptest::collection::vec(prop_oneof![3 => start, 1 => any::<usize>().prop_map(Event::Stop), 1 => restart], 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The incremental fabric reports, after every batch of starts and stops,
    /// the shares a full solve of every running job gives (to 1e-9), on
    /// random fabrics, routings, placements (whole and partial domains,
    /// shared between jobs only where free) and event sequences.
    #[test]
    fn incremental_shares_match_the_full_solve(t in fabric(), evs in events()) {
        let per = u64::from(t.scale_up.gpus_per_domain);
        let domains = t.gpus / per;
        let mut f = FabricShare::new(t.clone());
        let mut running: Vec<(u32, Placement)> = Vec::new();
        let mut used: Vec<u32> = vec![0; domains as usize];
        let mut known: BTreeMap<u32, f64> = BTreeMap::new();
        let mut next = 0u32;
        for (step, ev) in evs.into_iter().enumerate() {
            match ev {
                Event::Start { domains: picks, partial } => {
                    // Distinct domains with room; partial ones take a slice of rails.
                    let mut ds: Vec<u64> = Vec::new();
                    let mut rails: Vec<Vec<u32>> = Vec::new();
                    for (i, p) in picks.iter().enumerate() {
                        let d = p % domains;
                        if ds.contains(&d) || used[d as usize] == per as u32 {
                            continue;
                        }
                        let take = match partial.get(i) {
                            Some(1) => (per as u32 - used[d as usize]).min(per as u32 / 2).max(1),
                            _ if used[d as usize] == 0 => per as u32,
                            _ => continue,
                        };
                        let from = used[d as usize];
                        used[d as usize] += take;
                        ds.push(d);
                        rails.push(if take == per as u32 { Vec::new() } else { (from..from + take).collect() });
                    }
                    if ds.len() < 2 {
                        for (d, r) in ds.iter().zip(&rails) {
                            used[*d as usize] -= if r.is_empty() { per as u32 } else { r.len() as u32 };
                        }
                        continue;
                    }
                    let p = Placement { domains: ds, rails };
                    f.start(next, &p);
                    running.push((next, p));
                    next += 1;
                }
                Event::Stop(k) if !running.is_empty() => {
                    let (j, p) = running.remove(k % running.len());
                    for (d, r) in p.domains.iter().zip(&p.rails) {
                        used[*d as usize] -= if r.is_empty() { per as u32 } else { r.len() as u32 };
                    }
                    f.stop(j);
                    known.remove(&j);
                }
                Event::Restart(k, pick) if !running.is_empty() => {
                    let k = k % running.len();
                    let (j, p) = running[k].clone();
                    f.stop(j);
                    let mut p2 = p.clone();
                    let free = pick % domains;
                    if let Some(i) = p.rails.iter().position(Vec::is_empty)
                        && used[free as usize] == 0
                    {
                        used[p.domains[i] as usize] = 0;
                        used[free as usize] = per as u32;
                        p2.domains[i] = free;
                    }
                    f.start(j, &p2);
                    running[k] = (j, p2);
                }
                Event::Stop(_) | Event::Restart(..) => {}
            }
            if step % 3 == 0 {
                known.extend(f.solve());
                let placements: Vec<Placement> = running.iter().map(|(_, p)| p.clone()).collect();
                let full = t.shared_bandwidth(&placements);
                for ((j, _), want) in running.iter().zip(full) {
                    let got = known.get(j).copied();
                    prop_assert!(got.is_some_and(|g| (g - want).abs() <= 1e-9), "job {j}: incremental {got:?}, full {want}");
                }
            }
        }
    }
}
