//! Job sources: a synthetic multi-tenant mix and frontier runs (traces are
//! read by [`crate::input::trace`]; a scenario's `[training]` job by the app).

use super::JobSpec;
use crate::engine::rng::RngStreams;
use crate::scenario::simulation::{Mix, Simulation};
use rand::RngExt;

/// The mix's jobs: Poisson arrivals, GPU counts drawn by weight, lognormal
/// run times around the median. Each quantity has its own stream, so
/// changing the size mix leaves the arrival times as they were.
pub fn mix(m: &Mix, streams: &RngStreams) -> Vec<JobSpec> {
    let mut arrivals = streams.stream("mix-arrivals");
    let mut sizes = streams.stream("mix-sizes");
    let mut durations = streams.stream("mix-durations");
    let mut priorities = streams.stream("mix-priorities");
    let total: f64 = m.gpus.iter().map(|g| g.1).sum();
    let mut t = 0.0;
    let mut left_in_burst = 0u64;
    (0..m.jobs)
        .map(|i| {
            if left_in_burst == 0 {
                // Bursts arrive `burst_mean` times less often, so the job rate stays the same.
                let u: f64 = 1.0 - arrivals.random::<f64>();
                t += -u.ln() * m.mean_interarrival_s * m.burst_mean;
                left_in_burst = if m.burst_mean > 1.0 {
                    // Geometric on 1, 2, ... with mean `burst_mean`.
                    let u: f64 = 1.0 - arrivals.random::<f64>();
                    1 + (u.ln() / (1.0 - 1.0 / m.burst_mean).ln()).floor() as u64
                } else {
                    1
                };
            }
            left_in_burst -= 1;
            let mut pick = sizes.random::<f64>() * total;
            let mut gpus = m.gpus.last().map_or(1, |g| g.0);
            for &(g, w) in &m.gpus {
                if pick < w {
                    gpus = g;
                    break;
                }
                pick -= w;
            }
            let z = super::stats::inverse_normal(durations.random::<f64>().max(1e-300));
            let work = m.median_hours * 3600.0 * (m.sigma * z).exp();
            let high = m.high_priority_share > 0.0 && priorities.random::<f64>() < m.high_priority_share;
            JobSpec {
                id: format!("mix-{i}"),
                kind: "mix",
                submit_s: t,
                gpus,
                work_s: work.max(1.0),
                checkpoint_bytes: 0.0,
                priority: u8::from(high),
                tp_gpus: 0,
            }
        })
        .collect()
}

/// The scenario's frontier runs, checkpointing `params x bytes_per_param`.
pub fn frontier(s: &Simulation) -> Vec<JobSpec> {
    s.frontier
        .iter()
        .enumerate()
        .map(|(i, f)| JobSpec {
            id: format!("frontier-{i}"),
            kind: "frontier",
            submit_s: f.submit_hours * 3600.0,
            gpus: f.gpus,
            work_s: f.hours * 3600.0,
            checkpoint_bytes: f.params_billions * 1e9 * s.bytes_per_param,
            priority: u8::from(f.high_priority),
            tp_gpus: f.tp,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_follows_its_distributions() {
        let m = Mix {
            jobs: 20_000,
            mean_interarrival_s: 60.0,
            gpus: vec![(1, 3.0), (8, 1.0)],
            median_hours: 2.0,
            sigma: 1.0,
            burst_mean: 1.0,
            high_priority_share: 0.0,
        };
        let jobs = mix(&m, &RngStreams::new(1));
        let n = jobs.len() as f64;
        let mean_gap = jobs.last().unwrap().submit_s / n;
        assert!((mean_gap - 60.0).abs() < 2.0, "{mean_gap}");
        let ones = jobs.iter().filter(|j| j.gpus == 1).count() as f64 / n;
        assert!((ones - 0.75).abs() < 0.02, "{ones}");
        let mut w: Vec<f64> = jobs.iter().map(|j| j.work_s).collect();
        w.sort_by(f64::total_cmp);
        let median = w[w.len() / 2] / 3600.0;
        assert!((median - 2.0).abs() < 0.1, "{median}");
    }

    #[test]
    fn bursts_keep_the_rate_and_group_arrivals() {
        let m = Mix {
            jobs: 20_000,
            mean_interarrival_s: 60.0,
            gpus: vec![(8, 1.0)],
            median_hours: 1.0,
            sigma: 0.5,
            burst_mean: 5.0,
            high_priority_share: 0.0,
        };
        let jobs = mix(&m, &RngStreams::new(2));
        let mean_gap = jobs.last().unwrap().submit_s / jobs.len() as f64;
        assert!((mean_gap - 60.0).abs() < 4.0, "{mean_gap}");
        let bursts = 1 + jobs.windows(2).filter(|w| w[1].submit_s > w[0].submit_s).count();
        let per_burst = jobs.len() as f64 / bursts as f64;
        assert!((per_burst - 5.0).abs() < 0.3, "{per_burst}");
    }
}
