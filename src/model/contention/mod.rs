//! Link contention: flows share links by max-min fairness.
//!
//! Each flow crosses a set of links and may have a demand (its own cap, e.g.
//! what its NIC or the collective's algorithm can use). The max-min fair
//! allocation raises every flow's rate together until a link fills; the flows
//! on it freeze at that rate, and the rest keep rising (progressive filling).
//!
//! [`max_min_fair`] does this with a heap of link fair shares, touching each
//! (flow, link) pair a bounded number of times: `O(P log L)` for `P` pairs and
//! `L` links. [`max_min_fair_reference`] is the obvious version that rescans
//! every link each round; the two are tested against each other on random
//! topologies and flow sets.
//!
//! [`FairShare`] keeps an allocation up to date as groups of flows (a job's)
//! come and go, re-solving only the flows whose rates can change.

mod incremental;

pub use incremental::{FairShare, GroupId, Paths};

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A flow: the links it crosses and an optional cap on its rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// Indices into the link capacity slice; repeats are not allowed.
    pub links: Vec<u32>,
    /// Most the flow can use on its own \[B/s\]; `None` for unbounded.
    pub demand: Option<f64>,
}

/// Max-min fair rates \[B/s\], one per flow, for link `capacity` \[B/s\].
/// A flow that crosses no finite link and has no demand gets `f64::INFINITY`;
/// links of infinite capacity constrain nothing. A link listed twice in one
/// flow counts once. Link indices must be below `capacity.len()` (a caller's
/// bug otherwise: it panics).
pub fn max_min_fair(capacity: &[f64], flows: &[Flow]) -> Vec<f64> {
    let flows = normalised(capacity, flows);
    let mut rows = Rows::default();
    for f in &flows {
        rows.push(&f.links, f.demand.unwrap_or(f64::INFINITY));
    }
    fill(capacity, &rows).0
}

/// Flows as compressed rows: flow `f` crosses `links[offsets[f]..offsets[f + 1]]`
/// (no duplicates, finite links only) and is capped at `demand[f]`
/// (infinite: no cap of its own).
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    pub offsets: Vec<u32>,
    pub links: Vec<u32>,
    pub demand: Vec<f64>,
}

impl Rows {
    pub fn push(&mut self, links: &[u32], demand: f64) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.links.extend_from_slice(links);
        self.offsets.push(self.links.len() as u32);
        self.demand.push(demand);
    }

    pub fn clear(&mut self) {
        self.offsets.clear();
        self.links.clear();
        self.demand.clear();
    }

    fn row(&self, f: usize) -> &[u32] {
        &self.links[self.offsets[f] as usize..self.offsets[f + 1] as usize]
    }
}

/// Progressive filling with a heap of link fair shares: the rates and, for
/// each flow, the link that froze it (`None`: its own demand, or no link).
pub(crate) fn fill(capacity: &[f64], rows: &Rows) -> (Vec<f64>, Vec<Option<u32>>) {
    let nl = capacity.len();
    let nf = rows.demand.len();
    // Demands become private links `nl + f`, so one mechanism handles both.
    let total = nl + nf;
    let mut start = vec![0u32; total + 1];
    for f in 0..nf {
        for &l in rows.row(f) {
            start[l as usize + 1] += 1;
        }
        if rows.demand[f].is_finite() {
            start[nl + f + 1] += 1;
        }
    }
    for i in 0..total {
        start[i + 1] += start[i];
    }
    let mut members = vec![0u32; start[total] as usize];
    let mut at: Vec<u32> = start[..total].to_vec();
    for f in 0..nf {
        let own = rows.row(f).iter().copied().chain(rows.demand[f].is_finite().then_some((nl + f) as u32));
        for l in own {
            members[at[l as usize] as usize] = f as u32;
            at[l as usize] += 1;
        }
    }
    let mut cap: Vec<f64> = capacity.iter().copied().chain(rows.demand.iter().copied()).collect();
    let mut active: Vec<u32> = (0..total).map(|l| start[l + 1] - start[l]).collect();
    let mut version = vec![0u32; total];
    let mut heap: BinaryHeap<Share> = (0..total)
        .filter(|&l| active[l] > 0)
        .map(|l| Share { share: cap[l] / f64::from(active[l]), link: l as u32, version: 0 })
        .collect();
    let mut rate = vec![f64::NAN; nf];
    let mut by = vec![None; nf];
    while let Some(Share { share, link, version: v }) = heap.pop() {
        let l = link as usize;
        if v != version[l] || active[l] == 0 {
            continue;
        }
        for &f in &members[start[l] as usize..start[l + 1] as usize] {
            let f = f as usize;
            if !rate[f].is_nan() {
                continue;
            }
            rate[f] = share.max(0.0);
            by[f] = (l < nl).then_some(link);
            let own = rows.row(f).iter().copied().chain(rows.demand[f].is_finite().then_some((nl + f) as u32));
            for other in own {
                let o = other as usize;
                cap[o] -= rate[f];
                active[o] -= 1;
                version[o] += 1;
                if active[o] > 0 && o != l {
                    heap.push(Share { share: cap[o] / f64::from(active[o]), link: other, version: version[o] });
                }
            }
        }
    }
    (rate.iter().map(|&r| if r.is_nan() { f64::INFINITY } else { r }).collect(), by)
}

/// Flows with duplicate and infinite-capacity links removed.
pub(crate) fn normalised(capacity: &[f64], flows: &[Flow]) -> Vec<Flow> {
    flows
        .iter()
        .map(|f| {
            let mut links: Vec<u32> = f.links.iter().copied().filter(|&l| capacity[l as usize].is_finite()).collect();
            links.sort_unstable();
            links.dedup();
            Flow { links, demand: f.demand }
        })
        .collect()
}

/// The obvious progressive filling: each round, scan every link for the
/// smallest fair share among unfrozen flows, freeze that link's flows at it.
pub fn max_min_fair_reference(capacity: &[f64], flows: &[Flow]) -> Vec<f64> {
    let flows = normalised(capacity, flows);
    let flows = &flows[..];
    let mut rate: Vec<Option<f64>> = vec![None; flows.len()];
    loop {
        // Candidate bottlenecks: real links, then each flow's demand.
        let mut best: Option<(f64, Vec<usize>)> = None;
        for (l, &c) in capacity.iter().enumerate() {
            let users: Vec<usize> = (0..flows.len()).filter(|&f| flows[f].links.contains(&(l as u32))).collect();
            let frozen: f64 = users.iter().filter_map(|&f| rate[f]).sum();
            let open: Vec<usize> = users.into_iter().filter(|&f| rate[f].is_none()).collect();
            if !open.is_empty() {
                let share = (c - frozen) / open.len() as f64;
                if best.as_ref().is_none_or(|(s, _)| share < *s) {
                    best = Some((share, open));
                }
            }
        }
        for (f, flow) in flows.iter().enumerate() {
            if let (None, Some(d)) = (rate[f], flow.demand)
                && best.as_ref().is_none_or(|(s, _)| d < *s)
            {
                best = Some((d, vec![f]));
            }
        }
        let Some((share, open)) = best else { break };
        for f in open {
            rate[f] = Some(share.max(0.0));
        }
    }
    rate.into_iter().map(|r| r.unwrap_or(f64::INFINITY)).collect()
}

/// A link's fair share in the heap, smallest first.
#[derive(Debug, Clone, Copy)]
struct Share {
    share: f64,
    link: u32,
    version: u32,
}

impl PartialEq for Share {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Share {}
impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Share {
    /// Smallest share first; on a tie the higher index, so a flow's own
    /// ceiling (indexed after the links) is named before a link that would
    /// freeze it at the same rate.
    fn cmp(&self, other: &Self) -> Ordering {
        other.share.total_cmp(&self.share).then_with(|| self.link.cmp(&other.link))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn flow(links: &[u32]) -> Flow {
        Flow { links: links.to_vec(), demand: None }
    }

    #[test]
    fn textbook_example() {
        // Link 0 (cap 10) shared by A and B; link 1 (cap 4) by B and C.
        // B and C split link 1 at 2 each; A takes the rest of link 0: 8.
        let caps = [10.0, 4.0];
        let flows = [flow(&[0]), flow(&[0, 1]), flow(&[1])];
        assert_eq!(max_min_fair(&caps, &flows), vec![8.0, 2.0, 2.0]);
        assert_eq!(max_min_fair_reference(&caps, &flows), vec![8.0, 2.0, 2.0]);
    }

    #[test]
    fn demands_cap_flows_and_free_capacity() {
        let caps = [10.0];
        let flows = [Flow { links: vec![0], demand: Some(1.0) }, flow(&[0])];
        assert_eq!(max_min_fair(&caps, &flows), vec![1.0, 9.0]);
    }

    #[test]
    fn duplicates_and_infinite_links_are_harmless() {
        let caps = [10.0, f64::INFINITY];
        let flows = [flow(&[0, 0]), flow(&[0, 1]), flow(&[1])];
        assert_eq!(max_min_fair(&caps, &flows), vec![5.0, 5.0, f64::INFINITY]);
        assert_eq!(max_min_fair_reference(&caps, &flows), vec![5.0, 5.0, f64::INFINITY]);
    }

    #[test]
    fn flows_on_no_link() {
        let r = max_min_fair(&[5.0], &[flow(&[]), Flow { links: vec![], demand: Some(3.0) }]);
        assert_eq!(r, vec![f64::INFINITY, 3.0]);
    }

    /// A random network and flow set: up to 24 links, 40 flows of 0-5 links.
    /// Half the cases use small integers, so capacities of zero, zero demands
    /// and exact ties between links (where a stale heap entry would show) occur.
    fn case() -> impl Strategy<Value = (Vec<f64>, Vec<Flow>)> {
        (1usize..24, any::<bool>()).prop_flat_map(|(links, ties)| {
            let value = move |lo: f64, hi: f64| {
                if ties { (0u32..6).prop_map(f64::from).boxed() } else { (lo..hi).boxed() }
            };
            let caps = proptest::collection::vec(value(1.0, 100.0), links);
            let ids = (0..links as u32).collect::<Vec<_>>();
            let flow = (proptest::sample::subsequence(ids, 0..=links.min(5)), proptest::option::of(value(0.5, 80.0)))
                .prop_map(|(links, demand)| Flow { links, demand });
            (caps, proptest::collection::vec(flow, 1..40))
        })
    }

    proptest! {
        #[test]
        fn fast_matches_reference((caps, flows) in case()) {
            let fast = max_min_fair(&caps, &flows);
            let slow = max_min_fair_reference(&caps, &flows);
            for (a, b) in fast.iter().zip(&slow) {
                let same = a == b || (a - b).abs() <= 1e-9 * b.abs().max(1.0);
                prop_assert!(same, "fast {fast:?} slow {slow:?}");
            }
        }

        #[test]
        fn allocation_is_feasible_and_max_min((caps, flows) in case()) {
            let r = max_min_fair(&caps, &flows);
            let tol = 1e-9;
            for (l, &c) in caps.iter().enumerate() {
                let load: f64 = flows.iter().zip(&r).filter(|(f, _)| f.links.contains(&(l as u32))).map(|(_, x)| x).sum();
                prop_assert!(load <= c * (1.0 + tol), "link {l} carries {load} > {c}");
            }
            // Every flow is held back by its demand or by a full link on which it is among the largest.
            for (f, flow) in flows.iter().enumerate() {
                if r[f].is_infinite() {
                    prop_assert!(flow.links.is_empty() && flow.demand.is_none());
                    continue;
                }
                let at_demand = flow.demand.is_some_and(|d| (r[f] - d).abs() <= tol * d.max(1.0));
                let bottleneck = flow.links.iter().any(|&l| {
                    let users: Vec<usize> = (0..flows.len()).filter(|&g| flows[g].links.contains(&l)).collect();
                    let load: f64 = users.iter().map(|&g| r[g]).sum();
                    let full = load >= caps[l as usize] * (1.0 - tol);
                    full && users.iter().all(|&g| r[g] <= r[f] * (1.0 + tol))
                });
                prop_assert!(at_demand || bottleneck, "flow {f} at {} has no bottleneck", r[f]);
            }
        }
    }
}
