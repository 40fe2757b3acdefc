//! Failures and repairs: nodes (Weibull times, causes, lemons, hot spares),
//! scale-up domains, leaf and spine switches, slow nodes; and what an
//! interruption costs a job.

use super::*;

impl State<'_> {
    pub(super) fn time_to_failure(&mut self, n: u32) -> f64 {
        let u: f64 = 1.0 - self.rng_fail.random::<f64>();
        let factor = if self.lemon[n as usize] { self.cfg.lemon_factor } else { 1.0 };
        let mean = 1.0 / (self.node_rate_per_s * factor);
        let k = self.cfg.weibull_shape;
        if (k - 1.0).abs() < 1e-12 {
            -u.ln() * mean
        } else {
            // Weibull with the same mean: scale = mean / Γ(1 + 1/k).
            let scale = mean / stats::gamma(1.0 + 1.0 / k);
            scale * (-u.ln()).powf(1.0 / k)
        }
    }

    /// Repair time of one node failure \[s\]: its cause drawn by share, or
    /// the scenario's single repair time.
    pub(super) fn repair_time(&mut self) -> f64 {
        if self.cfg.causes.is_empty() {
            return self.cfg.repair_hours * 3600.0;
        }
        let mut u: f64 = self.rng_cause.random::<f64>() * self.cfg.causes.iter().map(|c| c.share).sum::<f64>();
        let last = self.cfg.causes.len() - 1;
        for (i, c) in self.cfg.causes.iter().enumerate() {
            if u < c.share || i == last {
                self.by_cause[i] += 1;
                return c.repair_hours * 3600.0;
            }
            u -= c.share;
        }
        unreachable!("the loop returns at the last cause")
    }

    pub(super) fn time_to_slow(&mut self) -> f64 {
        let u: f64 = 1.0 - self.rng_slow.random::<f64>();
        -u.ln() * 1000.0 * 86_400.0 / self.cfg.slow_episodes_per_1000_node_days
    }

    /// A node turns slow: every job on it runs at `slow_factor` until the
    /// node is detected and drained.
    pub(super) fn slow_start(&mut self, n: u32) {
        let i = n as usize;
        if !self.up(n) || self.node_slow[i] {
            let t = self.now + self.time_to_slow();
            self.q.push(SimTime::from_secs(t), Event::SlowStart(n));
            return;
        }
        self.node_slow[i] = true;
        self.slow_episodes += 1;
        let t = self.now + self.cfg.slow_detect_hours * 3600.0;
        self.q.push(SimTime::from_secs(t), Event::SlowDetected(n));
        for j in self.node_jobs[i].clone() {
            self.retime(j);
        }
    }

    /// A slow node is found and drained like a failed one: swapped for a
    /// spare, or taken down for repair; its jobs restart without it.
    pub(super) fn slow_detected(&mut self, n: u32) {
        let i = n as usize;
        let t = self.now + self.time_to_slow();
        self.q.push(SimTime::from_secs(t), Event::SlowStart(n));
        if !self.node_slow[i] {
            return;
        }
        self.node_slow[i] = false;
        let victims = self.node_jobs[i].clone();
        if self.spares > 0 {
            self.spares -= 1;
            let back = self.now + self.repair_time();
            self.q.push(SimTime::from_secs(back), Event::SpareRepaired);
            for j in victims {
                self.interrupt(j, true, false);
            }
            return;
        }
        let back = self.now + self.repair_time();
        self.q.push(SimTime::from_secs(back), Event::DrainRepaired(n));
        self.take_down(n);
    }

    pub(super) fn spine_rate_per_s(&self) -> f64 {
        let up = self.shape.spines.saturating_sub(self.spines_down);
        self.cfg.spine_failures_per_1000_switch_days / 1000.0 / 86_400.0 * f64::from(up)
    }

    pub(super) fn time_to_spine_failure(&mut self) -> f64 {
        let u: f64 = 1.0 - self.rng_spine.random::<f64>();
        -u.ln() / self.spine_rate_per_s()
    }

    /// Whether a job's nodes sit under more than one leaf group (or scale-up
    /// domain, when leaf groups are not known), so its traffic crosses spines.
    pub(super) fn spans_leaves(&self, j: u32) -> bool {
        let g = if self.shape.nodes_per_leaf_group > 0 {
            self.shape.nodes_per_leaf_group
        } else {
            self.shape.nodes_per_domain
        };
        let placed = &self.jobs[j as usize].placed;
        placed.first().is_some_and(|&a| placed.iter().any(|&n| n / g != a / g))
    }

    /// A spine switch fails: jobs whose traffic crosses spines slow down.
    pub(super) fn spine_fail(&mut self) {
        self.spine_chain = false;
        self.spine_failures += 1;
        self.spines_down += 1;
        let t = self.now + self.cfg.spine_repair_hours * 3600.0;
        self.q.push(SimTime::from_secs(t), Event::SpineRepair);
        if self.spine_rate_per_s() > 0.0 {
            self.spine_chain = true;
            let t = self.now + self.time_to_spine_failure();
            self.q.push(SimTime::from_secs(t), Event::SpineFail);
        }
        self.retime_cross_leaf();
    }

    pub(super) fn spine_repair(&mut self) {
        self.spines_down -= 1;
        if !self.spine_chain && self.spine_rate_per_s() > 0.0 {
            self.spine_chain = true;
            let t = self.now + self.time_to_spine_failure();
            self.q.push(SimTime::from_secs(t), Event::SpineFail);
        }
        self.retime_cross_leaf();
    }

    pub(super) fn retime_cross_leaf(&mut self) {
        let mut crossing: Vec<u32> = self.running.iter().copied().filter(|&j| self.spans_leaves(j)).collect();
        crossing.sort_unstable();
        for j in crossing {
            self.retime(j);
        }
    }

    /// Failure rate of one group of `level` \[1/s\].
    pub(super) fn group_rate_per_s(&self, level: Level) -> f64 {
        let per_day = match level {
            Level::Domain => self.cfg.domain_failures_per_1000_domain_days / 1000.0,
            Level::Leaf if self.shape.nodes_per_leaf_group == 0 => 0.0,
            Level::Leaf => {
                self.cfg.leaf_failures_per_1000_switch_days / 1000.0 * f64::from(self.shape.leaves_per_group.max(1))
            }
        };
        per_day / 86_400.0
    }

    pub(super) fn group_size(&self, level: Level) -> u32 {
        match level {
            Level::Domain => self.shape.nodes_per_domain,
            Level::Leaf => self.shape.nodes_per_leaf_group,
        }
        .max(1)
    }

    pub(super) fn time_to_group_failure(&mut self, level: Level) -> f64 {
        let u: f64 = 1.0 - self.rng_domain.random::<f64>();
        -u.ln() / self.group_rate_per_s(level)
    }

    /// A node fails. With a hot spare at hand the spare is swapped into the
    /// failed node's slot at once (the broken hardware leaves the cluster for
    /// repair and then refills the pool; a lemon is retired instead);
    /// otherwise the node is down until repaired, or for good once a lemon
    /// has failed `lemon_removal_failures` times. A job on the node is
    /// interrupted either way. A node already down (its domain failed) does
    /// not fail again: its clock restarts.
    pub(super) fn fail(&mut self, n: u32) {
        let i = n as usize;
        if !self.up(n) {
            let t = self.now + self.time_to_failure(n);
            self.q.push(SimTime::from_secs(t), Event::NodeFail(n));
            return;
        }
        self.failures += 1;
        if let Some(h) = self.series.failures.last_mut() {
            *h += 1;
        }
        self.node_failures[i] += 1;
        let repaired_at = SimTime::from_secs(self.now + self.repair_time());
        if self.spares > 0 {
            self.spares -= 1;
            // New hardware in the slot: whatever made it slow left with the old.
            self.node_slow[i] = false;
            // The slot gets the spare's healthy hardware; the failed unit goes
            // to repair and back to the pool, unless it is a lemon at its limit.
            let limit = self.cfg.lemon_removal_failures;
            if self.lemon[i] && limit > 0 && self.node_failures[i] >= limit {
                self.lemons_removed += 1;
            } else {
                self.q.push(repaired_at, Event::SpareRepaired);
            }
            self.lemon[i] = false;
            self.node_failures[i] = 0;
            let t = self.now + self.time_to_failure(n);
            self.q.push(SimTime::from_secs(t), Event::NodeFail(n));
            for j in self.node_jobs[i].clone() {
                self.interrupt(j, true, false);
            }
            return;
        }
        let limit = self.cfg.lemon_removal_failures;
        if self.lemon[i] && limit > 0 && self.node_failures[i] >= limit {
            self.lemons_removed += 1;
            self.take_down(n);
            return;
        }
        self.q.push(repaired_at, Event::NodeRepair(n));
        self.repairs_due.push(repaired_at.secs());
        self.take_down(n);
    }

    /// Node `n` goes down for one more reason; jobs on it are interrupted.
    pub(super) fn take_down(&mut self, n: u32) {
        let i = n as usize;
        self.down_count[i] += 1;
        if self.down_count[i] == 1 {
            let (used, gpn) = (self.node_used[i], self.shape.gpus_per_node);
            if used == 0 {
                self.adjust_free(n, -1);
            } else if used < gpn {
                self.partial[(gpn - used) as usize].remove(&n);
            }
            self.node_slow[i] = false;
            self.down_nodes += 1;
            // Requeue all of the node's jobs before any placement runs again.
            let held = self.hold;
            self.hold = true;
            for j in self.node_jobs[i].clone() {
                self.interrupt(j, false, false);
            }
            self.hold = held;
            if !held {
                self.schedule();
            }
        }
    }

    /// One reason for node `n` being down is gone.
    pub(super) fn bring_up(&mut self, n: u32) {
        let i = n as usize;
        self.down_count[i] -= 1;
        if self.down_count[i] == 0 {
            self.down_nodes -= 1;
            self.adjust_free(n, 1);
        }
    }

    /// A whole group fails: a scale-up domain (power shelf, switch tray,
    /// coolant loop) or a leaf switch, which cuts its nodes off the fabric.
    pub(super) fn group_fail(&mut self, level: Level, g: u32) {
        let repair = match level {
            Level::Domain => {
                self.domain_failures += 1;
                self.cfg.domain_repair_hours
            }
            Level::Leaf => {
                self.leaf_failures += 1;
                self.cfg.leaf_repair_hours
            }
        };
        // Take the whole group down before requeued jobs are placed again.
        self.hold = true;
        for n in self.group_nodes(level, g) {
            self.take_down(n);
        }
        self.hold = false;
        self.schedule();
        let t = self.now + repair * 3600.0;
        self.q.push(SimTime::from_secs(t), Event::GroupRepair(level, g));
    }

    pub(super) fn group_repair(&mut self, level: Level, g: u32) {
        for n in self.group_nodes(level, g) {
            self.bring_up(n);
        }
        let t = self.now + self.time_to_group_failure(level);
        self.q.push(SimTime::from_secs(t), Event::GroupFail(level, g));
        self.schedule();
    }

    pub(super) fn group_nodes(&self, level: Level, g: u32) -> std::ops::Range<u32> {
        let per = self.group_size(level);
        g * per..((g + 1) * per).min(self.shape.nodes)
    }

    /// A failure in a job's footprint: keep the checkpointed progress, lose
    /// the rest, and restart in place (`in_place`: a spare took the failed
    /// node's slot) or from the front of the queue.
    pub(super) fn interrupt(&mut self, j: u32, in_place: bool, preempted: bool) {
        if self.jobs[j as usize].running.is_none() {
            return;
        }
        if preempted {
            self.preemptions += 1;
            self.jobs[j as usize].record.preemptions += 1;
        } else {
            self.interruptions += 1;
            self.jobs[j as usize].record.restarts += 1;
        }
        if self.jobs[j as usize].on_fabric {
            // Up to now under this run; a restart's overhead is not counted.
            self.account_share(j);
        }
        let now = self.now;
        let job = &mut self.jobs[j as usize];
        let Some(run) = job.running.take() else { return };
        let (done, kept, _) = run.progress(now, job.remaining_s, job.tau_s + job.delta_s);
        let alloc_gpus = f64::from(job.alloc_gpus);
        job.record.gpu_hours += (now - run.start) * alloc_gpus / 3600.0;
        job.record.lost_gpu_hours += (run.pending + done - kept).max(0.0) * f64::from(job.spec.gpus) / 3600.0;
        self.useful_gpu_s += kept * f64::from(job.spec.gpus);
        // Pending work was taken off `remaining_s` when it was done; what no checkpoint kept goes back.
        job.remaining_s += run.pending - kept;
        if in_place {
            let restart = self.cfg.restart_minutes * 60.0;
            let rate = self.rate_on_nodes(j);
            let job = &mut self.jobs[j as usize];
            job.running = Some(Run::new(now, restart, rate));
            job.epoch += 1;
            let end = now + restart + job.remaining_s / rate;
            let epoch = job.epoch;
            self.q.push(SimTime::from_secs(end), Event::End { job: j, epoch });
        } else {
            self.release(j);
            self.enqueue(j, true);
            self.schedule();
        }
    }

    pub(super) fn repair(&mut self, n: u32) {
        // This repair's entry: the earliest due (repairs end in time order of their events).
        if let Some(k) =
            (0..self.repairs_due.len()).min_by(|&a, &b| self.repairs_due[a].total_cmp(&self.repairs_due[b]))
        {
            self.repairs_due.swap_remove(k);
        }
        self.bring_up(n);
        if self.node_rate_per_s > 0.0 {
            let t = self.now + self.time_to_failure(n);
            self.q.push(SimTime::from_secs(t), Event::NodeFail(n));
        }
        self.schedule();
    }
}

/// Which nodes are lemons: `count` of them, drawn without replacement.
pub(super) fn lemons(nodes: u32, count: u32, rng: &mut StreamRng) -> Vec<bool> {
    let mut lemon = vec![false; nodes as usize];
    let mut order: Vec<u32> = (0..nodes).collect();
    for k in 0..count.min(nodes) as usize {
        let pick = rng.random_range(k..order.len());
        order.swap(k, pick);
        lemon[order[k] as usize] = true;
    }
    lemon
}
