//! The queue and the scheduler: arrivals, FIFO or EASY backfill with its
//! reservation, and preemption for high-priority jobs.

use super::*;

impl State<'_> {
    pub(super) fn arrive(&mut self, j: u32) {
        if self.jobs[j as usize].nodes_needed > self.shape.nodes {
            self.jobs[j as usize].record.state = Final::TooLarge;
            return;
        }
        self.enqueue(j, false);
        self.schedule();
    }

    /// Queues a job: high priority ahead of normal; `front` puts it first
    /// among its priority (a job that was interrupted), else last.
    pub(super) fn enqueue(&mut self, j: u32, front: bool) {
        let p = self.jobs[j as usize].spec.priority;
        self.waiting.push(j, p, front);
    }

    /// Preempts normal-priority jobs, latest started first, until the
    /// high-priority head fits; returns whether it started.
    pub(super) fn preempt_for(&mut self, head: u32) -> bool {
        // Victims: normal jobs on nodes that hold no high-priority job, so that
        // preempting them frees whole nodes.
        let normal_node = |n: u32| self.node_jobs[n as usize].iter().all(|&o| self.jobs[o as usize].spec.priority == 0);
        let mut victims: Vec<u32> = self
            .running
            .iter()
            .copied()
            .filter(|&r| {
                let job = &self.jobs[r as usize];
                job.spec.priority == 0 && job.placed.iter().all(|&n| normal_node(n))
            })
            .collect();
        if !self.fits_after(head, &victims) {
            return false;
        }
        victims.sort_by(|&a, &b| {
            let start = |j: u32| self.jobs[j as usize].running.map_or(0.0, |r| r.start);
            start(b).total_cmp(&start(a)).then(b.cmp(&a))
        });
        for v in victims {
            self.hold = true;
            self.interrupt(v, false, true);
            self.hold = false;
            if self.try_start(head) {
                return true;
            }
        }
        false
    }

    /// Whether `head` could be placed once `victims` are gone: free nodes per
    /// domain plus the victims' nodes, counted in whole TP groups as placement
    /// does, or in one domain for a job that fits one.
    pub(super) fn fits_after(&self, head: u32, victims: &[u32]) -> bool {
        let per = self.shape.nodes_per_domain;
        let mut avail = self.free_in_domain.clone();
        let mut freed: Vec<u32> = victims.iter().flat_map(|&v| self.jobs[v as usize].placed.iter().copied()).collect();
        freed.sort_unstable();
        freed.dedup();
        for n in freed {
            avail[(n / per) as usize] += 1;
        }
        let job = &self.jobs[head as usize];
        if job.alloc_gpus < self.shape.gpus_per_node {
            return avail.iter().any(|&a| a > 0);
        }
        let need = job.nodes_needed;
        if need <= per {
            return avail.iter().any(|&a| a >= need);
        }
        let tp = job.tp_nodes;
        avail.iter().map(|&a| u64::from(a / tp * tp)).sum::<u64>() >= u64::from(need)
    }

    /// FIFO, or EASY backfill: jobs behind a blocked head may start if they
    /// fit now and will not delay the head's reserved start.
    pub(super) fn schedule(&mut self) {
        if self.hold {
            return;
        }
        while let Some(head) = self.waiting.front() {
            let p = self.jobs[head as usize].spec.priority;
            if self.try_start(head) || (p > 0 && self.cfg.preemption && self.preempt_for(head)) {
                // The head may have moved if preemption requeued jobs: remove it by value.
                self.waiting.remove_job(head, p);
            } else {
                break;
            }
        }
        if self.cfg.scheduler != crate::scenario::simulation::Scheduler::Easy || self.waiting.len() < 2 {
            return;
        }
        let Some(head) = self.waiting.front() else { return };
        let need = self.jobs[head as usize].nodes_needed;
        let any_fits = self.waiting.iter().skip(1).take(BACKFILL_DEPTH).any(|j| self.fits_now(j));
        if !any_fits {
            return;
        }
        let (shadow, mut extra) = self.reservation(need);
        let mut i = 1;
        let mut scanned = 0;
        while i < self.waiting.len() && scanned < BACKFILL_DEPTH {
            scanned += 1;
            let Some(j) = self.waiting.get(i) else { break };
            let job = &self.jobs[j as usize];
            let n = job.nodes_needed;
            let ends_before = self.now + self.run_time_bound(j) <= shadow;
            if (ends_before || n <= extra) && self.fits_now(j) && self.try_start(j) {
                if !ends_before {
                    extra -= n;
                }
                self.waiting.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// When the head could start, from running jobs' expected ends, and the
    /// nodes left over then.
    ///
    /// A job sharing a node counts as freeing it for the reservation time (so
    /// the head is never reserved later than it could start) but not for the
    /// spare nodes (so a backfilled job never takes what the head needs).
    pub(super) fn reservation(&self, need: u32) -> (f64, u32) {
        let gpn = self.shape.gpus_per_node;
        let mut ends: Vec<(f64, u32, bool)> = self
            .running
            .iter()
            .map(|&i| &self.jobs[i as usize])
            .filter_map(|j| {
                j.running.map(|r| (r.start + r.overhead + j.remaining_s / r.rate, j.nodes_needed, j.alloc_gpus < gpn))
            })
            .collect();
        // Nodes down for repair come back free at their repair's end.
        ends.extend(self.repairs_due.iter().map(|&t| (t, 1, false)));
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut free, mut sure) = (self.free_nodes(), self.free_nodes());
        for (t, n, shared) in ends {
            free += n;
            if !shared {
                sure += n;
            }
            if free >= need {
                return (t, sure.saturating_sub(need));
            }
        }
        (f64::INFINITY, 0)
    }

    /// An upper estimate of a queued job's run time if started now: restart
    /// overhead, checkpoint writes and the slowest-rank factor bounded by
    /// `sqrt(2 ln N)` standard deviations, with a 10% margin.
    pub(super) fn run_time_bound(&self, j: u32) -> f64 {
        let job = &self.jobs[j as usize];
        let restart = if job.record.start_s.is_some() { self.cfg.restart_minutes * 60.0 } else { 0.0 };
        let n = f64::from(job.spec.gpus.max(2));
        let straggle = 1.0 + self.cfg.rank_jitter * (2.0 * n.ln()).sqrt();
        let ckpt = (job.tau_s + job.delta_s) / job.tau_s;
        restart + job.remaining_s * straggle * ckpt * 1.1
    }

    /// Whether a job could be placed now.
    pub(super) fn fits_now(&self, j: u32) -> bool {
        let job = &self.jobs[j as usize];
        if job.alloc_gpus < self.shape.gpus_per_node {
            self.free_nodes() > 0 || self.partial[job.alloc_gpus as usize..].iter().any(|p| !p.is_empty())
        } else {
            job.nodes_needed <= self.free_nodes()
        }
    }
}
