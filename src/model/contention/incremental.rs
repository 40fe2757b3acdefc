//! Max-min fairness kept up to date as groups of flows come and go.
//!
//! Two flows constrain each other only through a link that can fill. A link
//! whose flows could all run at their own ceilings without filling it (the
//! sum of their *ceilings*, each the least of its demand and its links'
//! capacities, fits) constrains nobody: dropping it leaves the feasible set,
//! and so the max-min allocation, unchanged. The flows joined by the other
//! ("tight") links fall into connected components that are solved on their
//! own. After a group is added or removed, only the components that hold a
//! link it touched are re-solved, each by progressive filling
//! ([`super::fill`]) with every flow capped at its ceiling.
//!
//! On a rail-optimized fat-tree this keeps re-solves small: a ring flow's
//! NIC links are its own, a leaf port shared by one flow is not tight, and
//! adaptive routing's bundled uplinks fill only when oversubscribed.

use super::{Flow, Rows, fill};

/// A group of flows added together (one job's), as [`FairShare::add`] returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(pub u32);

/// No link froze this flow: its own ceiling did.
const NONE: u32 = u32::MAX;

/// Paths of a group of flows as compressed rows: flow `f` crosses
/// `links[offsets[f]..offsets[f + 1]]`, with no cap of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    /// Row starts, one more than the flows (empty or `[0]` for none).
    pub offsets: Vec<u32>,
    /// Links of every flow, one after another.
    pub links: Vec<u32>,
}

impl Paths {
    /// Appends a flow crossing `links`.
    pub fn push(&mut self, links: &[u32]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.links.extend_from_slice(links);
        self.offsets.push(self.links.len() as u32);
    }

    /// Flows.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// No flows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The links of flow `f`.
    pub fn row(&self, f: usize) -> &[u32] {
        &self.links[self.offsets[f] as usize..self.offsets[f + 1] as usize]
    }
}

/// A group's flows and their links, stored together.
#[derive(Debug, Clone, Default)]
struct Group {
    /// Flow slots.
    flows: Vec<u32>,
    /// Each flow's links in turn (deduplicated, finite only).
    links: Vec<u32>,
    /// Where each entry of `links` sits in that link's `on_link` list.
    pos: Vec<u32>,
}

/// A max-min fair allocation over fixed links, kept up to date incrementally.
#[derive(Debug, Clone)]
pub struct FairShare {
    capacity: Vec<f64>,
    /// Flows on each link (slots).
    on_link: Vec<Vec<u32>>,
    /// Sum of the ceilings of each link's flows (kept as flows come and go).
    load: Vec<f64>,
    /// Per flow slot: its group, and its links' span in the group's `links`.
    group_of: Vec<u32>,
    start: Vec<u32>,
    len: Vec<u32>,
    /// Per flow slot: least of its demand and its links' capacities.
    ceiling: Vec<f64>,
    rate: Vec<f64>,
    /// Per flow slot: the link whose fair share froze it, or [`NONE`].
    bottleneck: Vec<u32>,
    alive: Vec<bool>,
    free_flows: Vec<u32>,
    groups: Vec<Option<Group>>,
    free_groups: Vec<u32>,
    /// Links whose flow set changed since the last solve, and that could
    /// fill before or after the change (a link that cannot fill either way
    /// binds nobody, so its other flows keep their rates).
    dirty: Vec<u32>,
    /// Flows added since the last solve.
    fresh: Vec<u32>,
    /// Visit marks for the component search, by stamp.
    flow_mark: Vec<u32>,
    link_mark: Vec<u32>,
    /// Local index of a link in the component being solved.
    link_local: Vec<u32>,
    stamp: u32,
    rows: Rows,
    /// Flows re-solved by the last [`FairShare::solve`].
    last_solved: usize,
}

impl FairShare {
    /// An empty allocation over links of these capacities \[B/s\]. Links of
    /// infinite capacity constrain nothing.
    pub fn new(capacity: Vec<f64>) -> Self {
        let n = capacity.len();
        Self {
            capacity,
            on_link: vec![Vec::new(); n],
            load: vec![0.0; n],
            group_of: Vec::new(),
            start: Vec::new(),
            len: Vec::new(),
            ceiling: Vec::new(),
            rate: Vec::new(),
            bottleneck: Vec::new(),
            alive: Vec::new(),
            free_flows: Vec::new(),
            groups: Vec::new(),
            free_groups: Vec::new(),
            dirty: Vec::new(),
            fresh: Vec::new(),
            flow_mark: Vec::new(),
            link_mark: vec![0; n],
            link_local: vec![0; n],
            stamp: 0,
            rows: Rows::default(),
            last_solved: 0,
        }
    }

    /// Adds a group of flows; their rates are set by the next [`FairShare::solve`].
    /// Link indices must be below the number of links (a caller's bug otherwise: it panics).
    pub fn add(&mut self, flows: &[Flow]) -> GroupId {
        let mut paths = Paths::default();
        for f in flows {
            paths.push(&f.links);
        }
        self.add_inner(&paths, |f| flows[f].demand.unwrap_or(f64::INFINITY))
    }

    /// Adds a group of flows with no caps of their own, given as paths.
    pub fn add_paths(&mut self, paths: &Paths) -> GroupId {
        self.add_inner(paths, |_| f64::INFINITY)
    }

    fn add_inner(&mut self, paths: &Paths, demand: impl Fn(usize) -> f64) -> GroupId {
        let g = match self.free_groups.pop() {
            Some(g) => g,
            None => {
                self.groups.push(None);
                (self.groups.len() - 1) as u32
            }
        };
        let mut group = Group {
            flows: Vec::with_capacity(paths.len()),
            links: Vec::with_capacity(paths.links.len()),
            pos: Vec::with_capacity(paths.links.len()),
        };
        for k in 0..paths.len() {
            let from = group.links.len();
            group.links.extend(paths.row(k).iter().copied().filter(|&l| self.capacity[l as usize].is_finite()));
            let mine = &mut group.links[from..];
            mine.sort_unstable();
            let mut kept = 0;
            for i in 0..mine.len() {
                if i == 0 || mine[i] != mine[kept - 1] {
                    mine[kept] = mine[i];
                    kept += 1;
                }
            }
            group.links.truncate(from + kept);
            let ceiling =
                group.links[from..].iter().map(|&l| self.capacity[l as usize]).fold(demand(k), f64::min).max(0.0);
            let f = match self.free_flows.pop() {
                Some(f) => f,
                None => {
                    self.group_of.push(0);
                    self.start.push(0);
                    self.len.push(0);
                    self.ceiling.push(0.0);
                    self.rate.push(0.0);
                    self.bottleneck.push(NONE);
                    self.alive.push(false);
                    self.flow_mark.push(0);
                    (self.group_of.len() - 1) as u32
                }
            };
            let i = f as usize;
            self.group_of[i] = g;
            self.start[i] = from as u32;
            self.len[i] = kept as u32;
            self.ceiling[i] = ceiling;
            self.rate[i] = f64::NAN;
            self.bottleneck[i] = NONE;
            self.alive[i] = true;
            for &l in &group.links[from..] {
                let was = self.tight(l as usize);
                let on = &mut self.on_link[l as usize];
                group.pos.push(on.len() as u32);
                on.push(f);
                self.load[l as usize] += ceiling;
                if was || self.tight(l as usize) {
                    self.dirty.push(l);
                }
            }
            self.fresh.push(f);
            group.flows.push(f);
        }
        self.groups[g as usize] = Some(group);
        GroupId(g)
    }

    /// Removes a group; the flows that shared its links are re-solved by the
    /// next [`FairShare::solve`]. Removing a removed group does nothing.
    pub fn remove(&mut self, group: GroupId) {
        let Some(mut gr) = self.groups.get_mut(group.0 as usize).and_then(Option::take) else { return };
        for fi in 0..gr.flows.len() {
            let i = gr.flows[fi] as usize;
            for k in self.start[i] as usize..(self.start[i] + self.len[i]) as usize {
                let (l, p) = (gr.links[k] as usize, gr.pos[k] as usize);
                let was = self.tight(l);
                let on = &mut self.on_link[l];
                on.swap_remove(p);
                if let Some(&moved) = on.get(p) {
                    // The flow that moved into slot `p` of link `l`: record its new place.
                    let m = moved as usize;
                    let span = self.start[m] as usize..(self.start[m] + self.len[m]) as usize;
                    let owner = if self.group_of[m] == group.0 {
                        Some(&mut gr)
                    } else {
                        self.groups[self.group_of[m] as usize].as_mut()
                    };
                    if let Some(o) = owner
                        && let Some(q) = o.links[span.clone()].iter().position(|&x| x as usize == l)
                    {
                        o.pos[span.start + q] = p as u32;
                    }
                }
                self.load[l] = if self.on_link[l].is_empty() { 0.0 } else { self.load[l] - self.ceiling[i] };
                if was || self.tight(l) {
                    self.dirty.push(l as u32);
                }
            }
            self.rate[i] = f64::NAN;
            self.alive[i] = false;
            self.free_flows.push(i as u32);
        }
        self.free_groups.push(group.0);
    }

    /// The links of flow slot `f`.
    fn links_of(&self, f: usize) -> &[u32] {
        let g = self.groups[self.group_of[f] as usize].as_ref().expect("a live flow's group is live");
        &g.links[self.start[f] as usize..(self.start[f] + self.len[f]) as usize]
    }

    /// Re-solves the components that changed since the last call. Returns
    /// the groups whose flows' rates or bottlenecks changed (added groups
    /// included), in order.
    pub fn solve(&mut self) -> Vec<GroupId> {
        let stamp = self.next_stamp();
        let mut seeds: Vec<u32> = std::mem::take(&mut self.fresh);
        let dirty = std::mem::take(&mut self.dirty);
        for &l in &dirty {
            // Each changed link once (the marks are reset for the search below).
            if self.link_mark[l as usize] != stamp {
                self.link_mark[l as usize] = stamp;
                seeds.extend_from_slice(&self.on_link[l as usize]);
            }
        }
        let stamp = self.next_stamp();
        let mut changed: Vec<u32> = Vec::new();
        let mut comp: Vec<u32> = Vec::new();
        let mut comp_links: Vec<u32> = Vec::new();
        self.last_solved = 0;
        for seed in seeds {
            let s = seed as usize;
            if self.flow_mark[s] == stamp || !self.alive[s] {
                continue;
            }
            comp.clear();
            comp_links.clear();
            self.flow_mark[s] = stamp;
            comp.push(seed);
            let mut at = 0;
            while at < comp.len() {
                let f = comp[at] as usize;
                at += 1;
                let (g, from, n) = (self.group_of[f] as usize, self.start[f] as usize, self.len[f] as usize);
                for k in from..from + n {
                    let l = self.groups[g].as_ref().expect("a live flow's group is live").links[k] as usize;
                    if self.link_mark[l] == stamp {
                        continue;
                    }
                    self.link_mark[l] = stamp;
                    if !self.tight(l) {
                        // Never binding: left out of the component.
                        self.link_local[l] = NONE;
                        continue;
                    }
                    self.link_local[l] = comp_links.len() as u32;
                    comp_links.push(l as u32);
                    for &o in &self.on_link[l] {
                        if self.flow_mark[o as usize] != stamp {
                            self.flow_mark[o as usize] = stamp;
                            comp.push(o);
                        }
                    }
                }
            }
            self.solve_component(&comp, &comp_links, &mut changed);
        }
        changed.sort_unstable();
        changed.dedup();
        changed.into_iter().map(GroupId).collect()
    }

    /// Whether link `l` can fill: its flows' ceilings add up to more than it
    /// holds. The running sum may be off by rounding; a borderline link
    /// counts as tight, which costs work, never exactness.
    fn tight(&self, l: usize) -> bool {
        self.on_link[l].len() > 1 && self.load[l] > self.capacity[l] * (1.0 - 1e-9)
    }

    fn solve_component(&mut self, comp: &[u32], comp_links: &[u32], changed: &mut Vec<u32>) {
        self.last_solved += comp.len();
        let mut set = |me: &mut Self, f: usize, r: f64, b: u32| {
            let old = me.rate[f];
            let same = old == r || (old - r).abs() <= 1e-12 * r.abs().max(old.abs());
            if !same || me.bottleneck[f] != b {
                changed.push(me.group_of[f]);
            }
            me.rate[f] = r;
            me.bottleneck[f] = b;
        };
        if comp_links.is_empty() {
            // A flow no fillable link touches runs at its ceiling.
            for &f in comp {
                set(self, f as usize, self.ceiling[f as usize], NONE);
            }
            return;
        }
        let caps: Vec<f64> = comp_links.iter().map(|&l| self.capacity[l as usize]).collect();
        let mut rows = std::mem::take(&mut self.rows);
        rows.clear();
        let mut local = Vec::with_capacity(8);
        for &f in comp {
            local.clear();
            local.extend(self.links_of(f as usize).iter().map(|&l| self.link_local[l as usize]).filter(|&x| x != NONE));
            rows.push(&local, self.ceiling[f as usize]);
        }
        let (rates, by) = fill(&caps, &rows);
        self.rows = rows;
        for ((&f, r), b) in comp.iter().zip(rates).zip(by) {
            set(self, f as usize, r, b.map_or(NONE, |b| comp_links[b as usize]));
        }
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.flow_mark.fill(0);
            self.link_mark.fill(0);
            self.stamp = 1;
        }
        self.stamp
    }

    /// The group's flows' rates \[B/s\] as of the last solve, in the order added.
    pub fn rates(&self, group: GroupId) -> Vec<f64> {
        self.slots(group).iter().map(|&f| self.rate[f as usize]).collect()
    }

    /// The group's slowest flow: its rate \[B/s\] and the link that holds it
    /// back (`None` when its own ceiling does). `None` for an empty or removed group.
    pub fn slowest(&self, group: GroupId) -> Option<(f64, Option<u32>)> {
        self.slots(group)
            .iter()
            .map(|&f| (self.rate[f as usize], self.bottleneck[f as usize]))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(r, b)| (r, (b != NONE).then_some(b)))
    }

    fn slots(&self, group: GroupId) -> &[u32] {
        self.groups.get(group.0 as usize).and_then(Option::as_ref).map_or(&[], |g| &g.flows)
    }

    /// Flows re-solved by the last [`FairShare::solve`] (the work it did).
    pub fn last_solved(&self) -> usize {
        self.last_solved
    }

    /// Every live flow, for a full solve to check against: the groups in id
    /// order, each group's flows in the order added.
    pub fn flows(&self) -> Vec<(GroupId, Flow)> {
        let mut out = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            for &f in group.iter().flat_map(|gr| &gr.flows) {
                let f = f as usize;
                let demand = self.ceiling[f].is_finite().then_some(self.ceiling[f]);
                out.push((GroupId(g as u32), Flow { links: self.links_of(f).to_vec(), demand }));
            }
        }
        out
    }

    /// Link capacities.
    pub fn capacity(&self) -> &[f64] {
        &self.capacity
    }
}

#[cfg(test)]
mod tests;
