//! Placement: where a job runs (whole domains first, best fit, TP groups
//! inside a domain), the GPUs it holds, its progress rate (stragglers, slow
//! nodes, fabric contention), and its end.

use super::*;

impl State<'_> {
    /// Whether node `n` is up (no reason to be down).
    pub(super) fn up(&self, n: u32) -> bool {
        self.down_count[n as usize] == 0
    }

    pub(super) fn free_nodes(&self) -> u32 {
        self.total_free
    }

    /// One node of domain `d` becomes free (+1) or taken (-1).
    pub(super) fn adjust_free(&mut self, node: u32, delta: i32) {
        let d = (node / self.shape.nodes_per_domain) as usize;
        let f = self.free_in_domain[d];
        self.by_free[f as usize].remove(&(d as u32));
        let f = (i64::from(f) + i64::from(delta)) as u32;
        self.free_in_domain[d] = f;
        self.by_free[f as usize].insert(d as u32);
        self.total_free = (i64::from(self.total_free) + i64::from(delta)) as u32;
    }

    /// Places and starts a job if nodes allow. A job smaller than a node
    /// shares the fullest node it fits on; a larger one takes whole nodes:
    /// inside one domain when it fits one (best fit), else whole free
    /// domains first, then the fullest partly free ones.
    pub(super) fn try_start(&mut self, j: u32) -> bool {
        let gpn = self.shape.gpus_per_node;
        let g = self.jobs[j as usize].alloc_gpus;
        let shared = g < gpn;
        let need = if shared { 1 } else { self.jobs[j as usize].nodes_needed };
        if shared && let Some(n) = (g as usize..gpn as usize).find_map(|f| self.partial[f].iter().next().copied()) {
            self.take_gpus(n, j, g);
            return self.launch(j, vec![n]);
        }
        if need > self.free_nodes() {
            return false;
        }
        let per = self.shape.nodes_per_domain;
        let mut picks: Vec<(u32, u32)> = Vec::new();
        if need <= per {
            // Best fit: the domain with the fewest free nodes that still holds the job.
            let best = (need as usize..self.by_free.len()).find_map(|f| self.by_free[f].iter().next().copied());
            match best {
                Some(d) => picks.push((d, need)),
                None => return false,
            }
        } else {
            // Every domain's share is whole TP groups, so no group straddles two domains.
            let tp = self.jobs[j as usize].tp_nodes;
            let whole = per / tp * tp;
            let mut left = need;
            for &d in self.by_free[per as usize].iter() {
                if left < whole {
                    break;
                }
                picks.push((d, whole));
                left -= whole;
            }
            'outer: for f in (1..=per as usize).rev() {
                for &d in self.by_free[f].iter() {
                    if left == 0 {
                        break 'outer;
                    }
                    if picks.iter().any(|p| p.0 == d) {
                        continue;
                    }
                    let take = (f as u32).min(left) / tp * tp;
                    if take > 0 {
                        picks.push((d, take));
                        left -= take;
                    }
                }
            }
            if left > 0 {
                return false;
            }
        }
        let mut nodes = Vec::with_capacity(need as usize);
        for (d, mut take) in picks {
            let lo = d * per;
            let hi = (lo + per).min(self.shape.nodes);
            for n in lo..hi {
                if take == 0 {
                    break;
                }
                if self.up(n) && self.node_used[n as usize] == 0 {
                    nodes.push(n);
                    take -= 1;
                }
            }
        }
        for &n in &nodes {
            self.take_gpus(n, j, if shared { g } else { gpn });
        }
        self.launch(j, nodes)
    }

    /// `g` GPUs of up node `n` go to job `j`.
    pub(super) fn take_gpus(&mut self, n: u32, j: u32, g: u32) {
        let gpn = self.shape.gpus_per_node;
        let used = self.node_used[n as usize];
        if used == 0 {
            self.adjust_free(n, -1);
        } else {
            self.partial[(gpn - used) as usize].remove(&n);
        }
        let used = used + g;
        self.node_used[n as usize] = used;
        if used < gpn {
            self.partial[(gpn - used) as usize].insert(n);
        }
        self.node_jobs[n as usize].push(j);
        self.allocated_gpus += u64::from(g);
    }

    /// Job `j` gives back its `g` GPUs of node `n` (up or down).
    pub(super) fn give_gpus(&mut self, n: u32, j: u32, g: u32) {
        let gpn = self.shape.gpus_per_node;
        self.node_jobs[n as usize].retain(|&x| x != j);
        self.allocated_gpus -= u64::from(g);
        let used = self.node_used[n as usize];
        self.node_used[n as usize] = used - g;
        if !self.up(n) {
            return;
        }
        if used < gpn {
            self.partial[(gpn - used) as usize].remove(&n);
        }
        if used == g {
            self.adjust_free(n, 1);
        } else {
            self.partial[(gpn - used + g) as usize].insert(n);
        }
    }

    /// Starts placed job `j` on `nodes`.
    pub(super) fn launch(&mut self, j: u32, nodes: Vec<u32>) -> bool {
        self.running.push(j);
        self.jobs[j as usize].net = 1.0;
        let rate = self.straggler_rate(self.jobs[j as usize].spec.gpus);
        let now = self.now;
        let restart = self.cfg.restart_minutes * 60.0;
        let job = &mut self.jobs[j as usize];
        let overhead = if job.record.start_s.is_some() { restart } else { 0.0 };
        if job.record.start_s.is_none() {
            job.record.start_s = Some(now);
            // Whole microseconds: the event clock's nanosecond rounding is not a delay.
            job.record.queue_delay_s = Some(((now - job.spec.submit_s) * 1e6).round().max(0.0) / 1e6);
        }
        job.slow = rate;
        job.base_eff = rate * job.tau_s / (job.tau_s + job.delta_s);
        job.placed = nodes;
        self.join_fabric(j);
        let eff = self.rate_on_nodes(j);
        let job = &mut self.jobs[j as usize];
        job.running = Some(Run::new(now, overhead, eff));
        job.epoch += 1;
        let end = now + overhead + job.remaining_s / eff;
        let epoch = job.epoch;
        self.q.push(SimTime::from_secs(end), Event::End { job: j, epoch });
        true
    }

    pub(super) fn release(&mut self, j: u32) {
        self.leave_fabric(j);
        let nodes = std::mem::take(&mut self.jobs[j as usize].placed);
        let gpn = self.shape.gpus_per_node;
        let g = self.jobs[j as usize].alloc_gpus.min(gpn);
        for &n in &nodes {
            self.give_gpus(n, j, g);
        }
        if let Some(pos) = self.running.iter().position(|&x| x == j) {
            self.running.swap_remove(pos);
        }
    }

    pub(super) fn end(&mut self, j: u32, epoch: u32) {
        if self.jobs[j as usize].epoch != epoch || self.jobs[j as usize].running.is_none() {
            return;
        }
        if self.jobs[j as usize].on_fabric {
            self.account_share(j);
        }
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let run = job.running.take().expect("checked above");
        let g = f64::from(job.spec.gpus);
        job.record.gpu_hours += (now - run.start) * f64::from(job.alloc_gpus) / 3600.0;
        self.useful_gpu_s += (job.remaining_s + run.pending) * g;
        job.remaining_s = 0.0;
        job.record.end_s = Some(now);
        job.record.state = Final::Completed;
        self.release(j);
        self.schedule();
    }

    /// The progress rate job `j` has on its nodes now.
    pub(super) fn rate_on_nodes(&self, j: u32) -> f64 {
        let job = &self.jobs[j as usize];
        let slowed = job.placed.iter().any(|&n| self.node_slow[n as usize]);
        // One communication penalty on the share of line rate left: the
        // fabric's (contention) times the spines still up (cross-leaf traffic).
        let mut share = if job.on_fabric { job.share } else { 1.0 };
        if self.spines_down > 0 && self.spans_leaves(j) {
            let s = f64::from(self.shape.spines);
            share *= ((s - f64::from(self.spines_down)) / s).max(0.01);
        }
        let c = self.cfg.comm_share;
        let rate = if share < 1.0 { job.base_eff / (1.0 - c + c / share) } else { job.base_eff };
        if slowed { rate * self.cfg.slow_factor } else { rate }
    }

    /// Re-times a running job whose rate changed (a node turned slow, the
    /// fabric's share moved). Its checkpoint cycle runs on: what it did since
    /// the last checkpoint stays pending, lost if a failure comes first.
    pub(super) fn retime(&mut self, j: u32) {
        let rate = self.rate_on_nodes(j);
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let Some(run) = job.running else { return };
        if (run.rate - rate).abs() <= f64::EPSILON * rate {
            return;
        }
        let active = run.start + run.overhead;
        let (done, kept, phase) = run.progress(now, job.remaining_s, job.tau_s + job.delta_s);
        job.remaining_s -= done;
        job.record.gpu_hours += (now - run.start) * f64::from(job.alloc_gpus) / 3600.0;
        self.useful_gpu_s += kept * f64::from(job.spec.gpus);
        let pending = run.pending + done - kept;
        let overhead = (active - now).max(0.0);
        job.running = Some(Run { start: now, overhead, rate, phase, pending });
        job.epoch += 1;
        let end = now + overhead + job.remaining_s / rate;
        let epoch = job.epoch;
        self.q.push(SimTime::from_secs(end), Event::End { job: j, epoch });
    }

    /// Progress rate under stragglers: a step ends with its slowest rank, so
    /// the expected step is `1 + σ E[max of N standard normals]` of the mean.
    pub(super) fn straggler_rate(&mut self, gpus: u32) -> f64 {
        if self.cfg.rank_jitter == 0.0 || gpus < 2 {
            return 1.0;
        }
        let draws = STRAGGLER_DRAWS;
        let mut sum = 0.0;
        for _ in 0..draws {
            let u: f64 = self.rng_jitter.random::<f64>().max(1e-300);
            sum += stats::max_normal(u, gpus);
        }
        1.0 / (1.0 + self.cfg.rank_jitter * (sum / f64::from(draws)).max(0.0))
    }

    /// Where a job sits, by scale-up domain: the domains in order and the
    /// GPUs (rails) it holds in each (empty where it holds the whole domain).
    fn layout(&self, j: u32) -> crate::topology::Placement {
        let per = self.shape.nodes_per_domain;
        let gpn = self.shape.gpus_per_node;
        let mut nodes = self.jobs[j as usize].placed.clone();
        nodes.sort_unstable();
        let mut p = crate::topology::Placement { domains: Vec::new(), rails: Vec::new() };
        for n in nodes {
            let d = u64::from(n / per);
            if p.domains.last() != Some(&d) {
                p.domains.push(d);
                p.rails.push(Vec::new());
            }
            let local = n % per;
            p.rails.last_mut().expect("pushed above").extend(local * gpn..(local + 1) * gpn);
        }
        for r in &mut p.rails {
            if r.len() as u32 == per * gpn {
                r.clear();
            }
        }
        p
    }

    /// Puts a just-placed job's rings on the shared fabric if it spans domains.
    fn join_fabric(&mut self, j: u32) {
        if self.network.is_none() || self.jobs[j as usize].alloc_gpus < self.shape.gpus_per_node {
            return;
        }
        let placement = self.layout(j);
        if placement.domains.len() < 2 {
            return;
        }
        if let Some(net) = self.network.as_deref_mut() {
            net.start(j, &placement);
        }
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        job.on_fabric = true;
        job.share = 1.0;
        job.share_since = now;
        self.net_dirty = true;
    }

    /// Takes a stopping job's rings off the fabric.
    fn leave_fabric(&mut self, j: u32) {
        if !self.jobs[j as usize].on_fabric {
            return;
        }
        self.account_share(j);
        self.jobs[j as usize].on_fabric = false;
        if let Some(net) = self.network.as_deref_mut() {
            net.stop(j);
        }
        self.net_dirty = true;
    }

    /// Adds a fabric job's share and contention loss since the last change,
    /// over the time it was making progress (not a restart's overhead). Call
    /// it before the job's run changes or ends.
    pub(super) fn account_share(&mut self, j: u32) {
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let active_from = job.running.map_or(f64::INFINITY, |r| r.start + r.overhead);
        let dt = (now - job.share_since.max(active_from)).max(0.0);
        job.share_since = now;
        job.fabric_s += dt;
        job.share_area += job.share * dt;
        let lost = (1.0 - job.net).max(0.0) * dt * f64::from(job.alloc_gpus);
        job.record.contention_gpu_hours += lost / 3600.0;
        self.net_lost_gpu_s += lost;
    }

    /// Re-solves the fabric after jobs joined or left it, and re-times the
    /// jobs whose share changed: a job spending `comm_share` of its step in
    /// scale-out traffic at full bandwidth runs at `1 / (1 - c + c / share)`.
    pub(super) fn solve_network(&mut self) {
        self.net_dirty = false;
        let Some(net) = self.network.as_deref_mut() else { return };
        let shares = net.solve();
        let c = self.cfg.comm_share;
        for (j, share) in shares {
            if !self.jobs[j as usize].on_fabric {
                continue;
            }
            let share = share.clamp(1e-6, 1.0);
            self.account_share(j);
            if self.jobs[j as usize].record.fabric_share_min.is_none_or(|w| share < w - 1e-12) {
                // A new low: name the link behind it (none while the job runs at line rate).
                let named = if share < 1.0 { self.network.as_deref().and_then(|n| n.bottleneck(j)) } else { None };
                let record = &mut self.jobs[j as usize].record;
                record.fabric_share_min = Some(share);
                record.bottleneck = named;
            }
            let factor = 1.0 / (1.0 - c + c / share);
            let job = &mut self.jobs[j as usize];
            job.share = share;
            if (job.net - factor).abs() > 1e-12 {
                job.net = factor;
                self.retime(j);
            }
        }
    }
}

/// Nodes of a job's TP group, if its nodes divide into such groups that fit
/// a domain; 1 otherwise.
pub(super) fn tp_nodes(shape: &ClusterShape, nodes: u32, tp_gpus: u32) -> u32 {
    let tp = tp_gpus.div_ceil(shape.gpus_per_node).max(1);
    let per = shape.nodes_per_domain;
    // Whole TP groups the cluster holds, domain by domain (the last may be short).
    let packed = shape.nodes / per * (per / tp * tp) + shape.nodes % per / tp * tp;
    if tp <= per && nodes.is_multiple_of(tp) && nodes <= packed { tp } else { 1 }
}

/// Checkpoint interval τ and write time δ of a job: Young/Daly
/// `τ = sqrt(2 δ M)` with `M` the job's mean time to interruption, unless
/// the scenario fixes the interval. Free checkpoints default to hourly.
pub(super) fn checkpointing(cfg: &Simulation, spec: &JobSpec, nodes: u32, rate: f64) -> (f64, f64) {
    let delta = spec.checkpoint_bytes / (cfg.storage_gb_per_s * 1e9);
    let tau = match cfg.checkpoint_minutes {
        Some(m) => m * 60.0,
        None if delta > 0.0 && rate > 0.0 => (2.0 * delta / (f64::from(nodes) * rate)).sqrt(),
        None => 3600.0,
    };
    (tau.max(1.0), delta)
}
