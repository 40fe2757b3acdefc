//! Jobs sharing the scale-out fabric: each multi-domain job's rings as
//! flows on the fat-tree, solved max-min fair, all at once
//! ([`Topology::shared_bandwidth`], the reference) or kept up to date as
//! jobs start and stop ([`FabricShare`], what the simulation uses).

use super::Topology;
use crate::model::contention::{FairShare, Flow, GroupId, Paths, max_min_fair};
use std::collections::BTreeMap;

/// A job's GPUs on the cluster, by scale-up domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Domain indices the job occupies, in ring order.
    pub domains: Vec<u64>,
    /// Per domain, the local GPU indices (rails) the job holds there, in
    /// order; empty when it holds every domain whole.
    pub rails: Vec<Vec<u32>>,
}

impl Placement {
    /// A job holding these domains whole.
    pub fn whole(domains: Vec<u64>) -> Self {
        Self { domains, rails: Vec::new() }
    }
}

/// One edge of a job's rings: every ring's hop from domain `from` to
/// domain `to`, from the GPUs `from_rails` to `to_rails` (both empty: every
/// rail to itself).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// Sending domain.
    pub from: u64,
    /// Receiving domain.
    pub to: u64,
    /// GPUs of `from` that send, ring by ring (empty: all, rail `k` for ring `k`).
    pub from_rails: Vec<u32>,
    /// GPUs of `to` that receive, ring by ring.
    pub to_rails: Vec<u32>,
}

impl Topology {
    /// The network flows of one job's rings between its scale-up domains.
    /// Ring `k` joins each domain's `k`-th GPU to the next domain's `k`-th,
    /// as many rings as the domain where the job holds fewest GPUs (NCCL
    /// spreads its channels over the NICs each domain has; the job's own
    /// imbalance is its placement's cost, not contention). A job of whole
    /// domains sends rail to rail, one flow per rail and domain; a job
    /// holding different GPUs in different domains crosses rails, and so
    /// the spines. Plane 0 only: planes are identical. Flows are listed
    /// edge by edge of the ring ([`Topology::ring_edges`]).
    pub fn ring_flows(&self, job: &Placement) -> Vec<Flow> {
        let mut flows = Vec::new();
        for edge in self.ring_edges(job) {
            let paths = self.edge_paths(&edge);
            flows.extend((0..paths.len()).map(|f| Flow { links: paths.row(f).to_vec(), demand: None }));
        }
        flows
    }

    /// The edges of a job's rings: each domain to the next, with the GPUs
    /// (rails) the rings use at each end.
    pub fn ring_edges(&self, job: &Placement) -> Vec<Edge> {
        let d = &job.domains;
        if d.len() < 2 {
            return Vec::new();
        }
        let whole: Vec<u32> = (0..self.scale_up.gpus_per_domain).collect();
        let held = |i: usize| -> &[u32] {
            match job.rails.get(i) {
                Some(r) if !r.is_empty() => r,
                _ => &whole,
            }
        };
        let rings = (0..d.len()).map(|i| held(i).len()).min().unwrap_or(0);
        let used = |i: usize| -> Vec<u32> {
            if rings == whole.len() && held(i).len() == rings { Vec::new() } else { held(i)[..rings].to_vec() }
        };
        (0..d.len())
            .map(|i| {
                let j = (i + 1) % d.len();
                Edge { from: d[i], to: d[j], from_rails: used(i), to_rails: used(j) }
            })
            .collect()
    }

    /// The flows of one ring edge, ring by ring.
    pub fn edge_paths(&self, e: &Edge) -> Paths {
        let per = u64::from(self.scale_up.gpus_per_domain);
        let rail = |r: &[u32], k: usize| if r.is_empty() { k as u64 } else { u64::from(r[k]) };
        let rings = if e.from_rails.is_empty() { per as usize } else { e.from_rails.len() };
        let mut paths = Paths { offsets: Vec::with_capacity(rings + 1), links: Vec::with_capacity(rings * 4) };
        paths.offsets.push(0);
        for k in 0..rings {
            let src = e.from * per + rail(&e.from_rails, k);
            let dst = e.to * per + rail(&e.to_rails, k);
            self.tree.route_into(src, dst, 0, &mut paths.links);
            paths.offsets.push(paths.links.len() as u32);
        }
        paths
    }

    /// The share of its NICs' line rate each job's rings get when all jobs
    /// run at once and share the fabric max-min fairly (1 = uncontended):
    /// its slowest flow's rate over the line rate. Solved from scratch; the
    /// simulation keeps the same answer up to date with [`FabricShare`].
    pub fn shared_bandwidth(&self, jobs: &[Placement]) -> Vec<f64> {
        let capacity = self.tree.link_capacities();
        let per_job: Vec<Vec<Flow>> = jobs.iter().map(|j| self.ring_flows(j)).collect();
        let flows: Vec<Flow> = per_job.iter().flatten().cloned().collect();
        let rates = max_min_fair(&capacity, &flows);
        let mut at = 0;
        per_job
            .iter()
            .map(|f| {
                let slowest = rates[at..at + f.len()].iter().copied().fold(f64::INFINITY, f64::min);
                at += f.len();
                if f.is_empty() { 1.0 } else { (slowest / self.tree.spec.port_bw.get()).min(1.0) }
            })
            .collect()
    }
}

/// The jobs running on the fabric and their shares of line rate, kept up to
/// date as they start and stop. Each edge of a job's rings is a group of
/// flows; a job that stops and starts again (a restart after a failure,
/// elsewhere) keeps the edges its new placement shares with the old one, so
/// only the edges that moved are taken off and put on. Only the flows that
/// share a link that can fill with a changed edge's flows are re-solved.
#[derive(Debug, Clone)]
pub struct FabricShare {
    topo: Topology,
    fair: FairShare,
    /// Each job's ring edges and their groups, in edge order.
    jobs: BTreeMap<u32, Vec<(Edge, GroupId)>>,
    /// Jobs stopped since the last solve, edges still on the fabric.
    stopping: BTreeMap<u32, Vec<(Edge, GroupId)>>,
    /// Jobs started since the last solve (reported even if no rate moved).
    started: Vec<u32>,
    /// Per group: its job, and its slowest flow (rate, link) at the last solve.
    job_of_group: Vec<u32>,
    slowest: Vec<(f64, Option<u32>)>,
}

impl FabricShare {
    /// An empty fabric.
    pub fn new(topo: Topology) -> Self {
        let fair = FairShare::new(topo.tree.link_capacities());
        Self {
            topo,
            fair,
            jobs: BTreeMap::new(),
            stopping: BTreeMap::new(),
            started: Vec::new(),
            job_of_group: Vec::new(),
            slowest: Vec::new(),
        }
    }

    /// The topology.
    pub fn topology(&self) -> &Topology {
        &self.topo
    }

    /// Job `job` starts on `placement` (replacing where it ran before).
    pub fn start(&mut self, job: u32, placement: &Placement) {
        self.stop(job);
        let mut old = self.stopping.remove(&job).unwrap_or_default();
        old.sort_by(|a, b| a.0.cmp(&b.0));
        let mut edges = Vec::new();
        for edge in self.topo.ring_edges(placement) {
            let g = match old.binary_search_by(|(e, _)| e.cmp(&edge)) {
                Ok(i) => old.remove(i).1,
                Err(_) => {
                    let g = self.fair.add_paths(&self.topo.edge_paths(&edge));
                    let i = g.0 as usize;
                    if self.job_of_group.len() <= i {
                        self.job_of_group.resize(i + 1, u32::MAX);
                        self.slowest.resize(i + 1, (f64::INFINITY, None));
                    }
                    self.job_of_group[i] = job;
                    g
                }
            };
            edges.push((edge, g));
        }
        for (_, g) in old {
            self.fair.remove(g);
        }
        self.jobs.insert(job, edges);
        self.started.push(job);
    }

    /// Job `job` stops; a job not on the fabric is ignored. Its edges leave
    /// the fabric at the next solve, unless it starts again before.
    pub fn stop(&mut self, job: u32) {
        if let Some(edges) = self.jobs.remove(&job) {
            self.stopping.insert(job, edges);
        }
    }

    /// Re-solves what changed since the last call: `(job, share of line
    /// rate)` for each running job whose share may have moved, in job order.
    pub fn solve(&mut self) -> Vec<(u32, f64)> {
        for (_, edges) in std::mem::take(&mut self.stopping) {
            for (_, g) in edges {
                self.fair.remove(g);
            }
        }
        let mut moved: Vec<u32> = std::mem::take(&mut self.started);
        for g in self.fair.solve() {
            let i = g.0 as usize;
            self.slowest[i] = self.fair.slowest(g).map_or((f64::INFINITY, None), |(r, l)| (r, l));
            moved.push(self.job_of_group[i]);
        }
        moved.sort_unstable();
        moved.dedup();
        let port = self.topo.tree.spec.port_bw.get();
        moved
            .into_iter()
            .filter_map(|j| {
                let edges = self.jobs.get(&j)?;
                let slowest = edges.iter().map(|(_, g)| self.slowest[g.0 as usize].0).fold(f64::INFINITY, f64::min);
                Some((j, (slowest / port).min(1.0)))
            })
            .collect()
    }

    /// The link holding job `job`'s slowest flow back, in words (`None`
    /// when nothing on the fabric does: its own NIC line rate).
    pub fn bottleneck(&self, job: u32) -> Option<String> {
        let edges = self.jobs.get(&job)?;
        let (_, link) = edges.iter().map(|(_, g)| self.slowest[g.0 as usize]).min_by(|a, b| a.0.total_cmp(&b.0))?;
        link.map(|l| self.topo.tree.describe_link(l))
    }

    /// Flows the last [`FabricShare::solve`] re-solved.
    pub fn last_solved(&self) -> usize {
        self.fair.last_solved()
    }
}

#[cfg(test)]
mod tests;
