//! Hourly samples and the summary at the horizon.

use super::*;

impl State<'_> {
    pub(super) fn sample(&mut self) {
        let g = self.shape.gpus_per_node;
        self.series.allocated_gpus.push(u32::try_from(self.allocated_gpus).unwrap_or(u32::MAX));
        self.series.down_gpus.push((self.down_nodes as u32).saturating_mul(g));
        self.series.failures.push(0);
        if self.total_free > 0 {
            let whole = self.by_free[self.shape.nodes_per_domain as usize].len() as u32 * self.shape.nodes_per_domain;
            self.frag_sum += f64::from(self.total_free.saturating_sub(whole)) / f64::from(self.total_free);
        }
        self.frag_samples += 1;
        if self.net_dirty {
            self.solve_network();
        }
        let next = self.now + 3600.0;
        if next <= self.end_s {
            self.q.push(SimTime::from_secs(next), Event::Sample);
        }
    }

    pub(super) fn finish(mut self) -> SimResult {
        let end = self.end_s;
        let gpn = self.shape.gpus_per_node;
        for job in &mut self.jobs {
            job.record.id = std::mem::take(&mut job.spec.id);
        }
        self.now = end;
        for j in 0..self.jobs.len() {
            if self.jobs[j].on_fabric {
                self.account_share(j as u32);
            }
            let job = &mut self.jobs[j];
            if job.fabric_s > 0.0 {
                job.record.fabric_share = Some(job.share_area / job.fabric_s);
            }
            if let Some(run) = job.running.take() {
                let elapsed = (end - run.start - run.overhead).max(0.0);
                let progress = (elapsed * run.rate).min(job.remaining_s);
                job.record.gpu_hours += (end - run.start) * f64::from(job.alloc_gpus) / 3600.0;
                self.useful_gpu_s += (progress + run.pending) * f64::from(job.spec.gpus);
                // Progress made by the horizon counts for ETTR, checkpointed or not.
                job.remaining_s -= progress;
                job.record.state = Final::Running;
            }
        }
        let capacity = f64::from(self.shape.nodes * gpn) * end / 3600.0;
        let alloc = self.alloc_area / 3600.0;
        let down = self.down_area / 3600.0;
        let largest = self
            .jobs
            .iter()
            .filter(|j| j.record.start_s.is_some())
            .max_by_key(|j| (j.spec.gpus, std::cmp::Reverse(j.record.id.clone())));
        let (mtti, ettr, factor, ckpt) = match largest {
            Some(j) => {
                let start = j.record.start_s.unwrap_or(0.0);
                let wall = j.record.end_s.unwrap_or(end) - start;
                let kept = j.spec.work_s - j.remaining_s;
                let mtti = (j.record.restarts > 0).then(|| wall / 3600.0 / f64::from(j.record.restarts));
                let factor = 1.0 / self.cfg_rate_probe(j.spec.gpus);
                // Progress is in full-speed seconds; at the straggler-slowed rate it took kept / slow.
                let ettr = (wall > 0.0).then(|| (kept / j.slow / wall).min(1.0));
                (mtti, ettr, factor, Some(j.tau_s / 60.0))
            }
            None => (None, None, 1.0, None),
        };
        // Jobs due after the horizon were never submitted: they are not reported.
        let not_yet = self.not_yet;
        let delays: Vec<f64> = self.jobs.iter().filter_map(|j| j.record.queue_delay_s).collect();
        let (fabric_s, share_area) = self.jobs.iter().fold((0.0, 0.0), |(t, a), j| (t + j.fabric_s, a + j.share_area));
        let mut on_fabric: Vec<&JobRecord> =
            self.jobs.iter().map(|j| &j.record).filter(|r| r.fabric_share.is_some()).collect();
        on_fabric.sort_by(|a, b| {
            a.fabric_share.unwrap_or(1.0).total_cmp(&b.fabric_share.unwrap_or(1.0)).then(a.id.cmp(&b.id))
        });
        let shares: Vec<f64> = on_fabric.iter().filter_map(|r| r.fabric_share).collect();
        let summary = Summary {
            days: self.cfg.days,
            jobs_submitted: self.jobs.len(),
            jobs_after_horizon: not_yet,
            jobs_completed: self.jobs.iter().filter(|j| j.record.state == Final::Completed).count(),
            jobs_too_large: self.jobs.iter().filter(|j| j.record.state == Final::TooLarge).count(),
            interruptions: self.interruptions,
            mtti_hours: mtti.or_else(|| (self.interruptions > 0).then(|| end / 3600.0 / self.interruptions as f64)),
            ettr,
            goodput: if alloc > 0.0 { self.useful_gpu_s / 3600.0 / alloc } else { 0.0 },
            utilization: if capacity - down > 0.0 { alloc / (capacity - down) } else { 0.0 },
            node_failures: self.failures,
            domain_failures: self.domain_failures,
            leaf_failures: self.leaf_failures,
            spine_failures: self.spine_failures,
            failures_by_cause: self
                .cfg
                .causes
                .iter()
                .map(|c| c.name.clone())
                .zip(self.by_cause.iter().copied())
                .collect(),
            lemons_removed: self.lemons_removed,
            preemptions: self.preemptions,
            fabric_share_mean: (fabric_s > 0.0).then(|| share_area / fabric_s),
            fabric_share_p10: (!shares.is_empty()).then(|| stats::quantile(&shares, 0.1)),
            fabric_share_p90: (!shares.is_empty()).then(|| stats::quantile(&shares, 0.9)),
            fabric_jobs: on_fabric.len() as u64,
            contention_gpu_hours: self.net_lost_gpu_s / 3600.0,
            slowest_fabric_jobs: on_fabric
                .iter()
                .take(5)
                .filter(|r| r.fabric_share.is_some_and(|s| s < 1.0))
                .map(|r| FabricJob {
                    id: r.id.clone(),
                    gpus: r.gpus,
                    share: r.fabric_share.unwrap_or(1.0),
                    share_min: r.fabric_share_min.unwrap_or(1.0),
                    bottleneck: r.bottleneck.clone(),
                    gpu_hours_lost: r.contention_gpu_hours,
                })
                .collect(),
            slow_episodes: self.slow_episodes,
            queue_delay_s: stats::percentiles(delays),
            gpu_hours_allocated: alloc,
            gpu_hours_idle: capacity - alloc - down,
            gpu_hours_down: down,
            gpu_hours_capacity: capacity,
            straggler_factor: factor,
            checkpoint_minutes: ckpt,
            fragmentation: if self.frag_samples > 0 { self.frag_sum / f64::from(self.frag_samples) } else { 0.0 },
            seed: self.seed,
        };
        let jobs: Vec<JobRecord> = self.jobs.into_iter().map(|j| j.record).collect();
        let by_size = buckets(&jobs);
        SimResult { summary, series: self.series, by_size, jobs }
    }

    /// The expected slowest-rank rate for a job size, from a fixed-seed probe
    /// (reporting only; does not touch the simulation's streams).
    pub(super) fn cfg_rate_probe(&self, gpus: u32) -> f64 {
        if self.cfg.rank_jitter == 0.0 || gpus < 2 {
            return 1.0;
        }
        1.0 / (1.0 + self.cfg.rank_jitter * stats::expected_max_normal(gpus))
    }
}

/// Queueing and completion percentiles per GPU-count bucket (empty buckets left out).
pub(super) fn buckets(jobs: &[JobRecord]) -> Vec<Bucket> {
    BUCKETS
        .iter()
        .filter_map(|&(lo, hi)| {
            let inside: Vec<&JobRecord> = jobs.iter().filter(|j| j.gpus >= lo && j.gpus <= hi).collect();
            if inside.is_empty() {
                return None;
            }
            let done: Vec<f64> = inside.iter().filter_map(|j| j.end_s.map(|e| (e - j.submit_s) / 3600.0)).collect();
            Some(Bucket {
                gpus: if lo == hi {
                    lo.to_string()
                } else if hi == u32::MAX {
                    format!(">{}", lo - 1)
                } else {
                    format!("{lo}-{hi}")
                },
                jobs: inside.len(),
                completed: done.len(),
                queue_delay_s: stats::percentiles(inside.iter().filter_map(|j| j.queue_delay_s).collect()),
                completion_hours: stats::percentiles(done),
            })
        })
        .collect()
}
