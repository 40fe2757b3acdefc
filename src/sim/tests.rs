//! Invariants of the cluster simulation, on random clusters and job mixes.

use super::*;
use crate::scenario::simulation::{Scheduler, Simulation};
use proptest::prelude::*;

fn config(days: f64, rate: f64, spares: u32, scheduler: &str) -> Simulation {
    let scheduler = if scheduler == "easy" { Scheduler::Easy } else { Scheduler::Fifo };
    Simulation {
        days,
        failures_per_1000_node_days: rate,
        failure_rate: None,
        uncertain: Vec::new(),
        weibull_shape: 1.0,
        repair_hours: 12.0,
        restart_minutes: 10.0,
        causes: Vec::new(),
        hot_spare_nodes: spares,
        lemon_nodes: 0,
        lemon_factor: 10.0,
        lemon_removal_failures: 3,
        domain_failures_per_1000_domain_days: 0.0,
        domain_repair_hours: 24.0,
        leaf_failures_per_1000_switch_days: 0.0,
        leaf_repair_hours: 4.0,
        spine_failures_per_1000_switch_days: 0.0,
        spine_repair_hours: 4.0,
        checkpoint_minutes: None,
        storage_gb_per_s: 100.0,
        bytes_per_param: 14.0,
        rank_jitter: 0.02,
        slow_episodes_per_1000_node_days: 0.0,
        slow_factor: 0.5,
        slow_detect_hours: 1.0,
        mix: None,
        frontier: Vec::new(),
        trace: None,
        scheduler,
        preemption: false,
        contention: false,
        comm_share: 0.2,
    }
}

/// A cluster of `nodes` nodes of `gpn` GPUs in domains of `per` nodes, no leaf or spine failures.
fn shape(nodes: u32, gpn: u32, per: u32) -> ClusterShape {
    ClusterShape {
        nodes,
        gpus_per_node: gpn,
        nodes_per_domain: per,
        nodes_per_leaf_group: 0,
        leaves_per_group: 0,
        spines: 0,
    }
}

fn job(i: usize, submit_h: f64, gpus: u32, hours: f64, ckpt: f64) -> JobSpec {
    JobSpec {
        id: format!("j{i}"),
        kind: "mix",
        submit_s: submit_h * 3600.0,
        gpus,
        work_s: hours * 3600.0,
        checkpoint_bytes: ckpt,
        priority: 0,
        tp_gpus: 0,
    }
}

prop_compose! {
    fn jobs(max_gpus: u32)(v in prop::collection::vec((0.0..200.0f64, 1..=max_gpus, 0.1..72.0f64, prop::bool::ANY, 0u8..4), 1..60)) -> Vec<JobSpec> {
        v.into_iter()
            .enumerate()
            .map(|(i, (t, g, h, big, p))| JobSpec {
                priority: u8::from(p == 0),
                tp_gpus: if p < 2 { 8 } else { 0 },
                ..job(i, t, g, h, if big { 1e12 } else { 0.0 })
            })
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// GPU-hours allocated + idle + down = capacity x time; no job on a down
    /// node (checked after every event); each job in exactly one final state.
    #[test]
    fn bookkeeping_holds(
        nodes in 4u32..40, gpn in prop::sample::select(vec![1u32, 4, 8]), per in 1u32..10,
        specs in jobs(64), rate in 0.0..400.0f64, spares in 0u32..4, easy in prop::bool::ANY, seed in 0u64..1000,
        lemons in 0u32..4, domain_rate in prop::sample::select(vec![0.0, 50.0, 500.0]),
    ) {
        let shape = ClusterShape { nodes, gpus_per_node: gpn, nodes_per_domain: per, nodes_per_leaf_group: 2 * per, leaves_per_group: 4, spines: 4 };
        let mut cfg = config(20.0, rate, spares, if easy { "easy" } else { "fifo" });
        cfg.lemon_nodes = lemons;
        cfg.preemption = seed % 2 == 0;
        cfg.leaf_failures_per_1000_switch_days = if seed % 5 == 0 { 100.0 } else { 0.0 };
        cfg.spine_failures_per_1000_switch_days = if seed % 7 == 0 { 200.0 } else { 0.0 };
        cfg.slow_episodes_per_1000_node_days = if seed % 3 == 0 { 300.0 } else { 0.0 };
        cfg.domain_failures_per_1000_domain_days = domain_rate;
        let n = specs.len();
        let too_large = specs.iter().filter(|s| s.gpus.div_ceil(gpn) > nodes).count();
        let r = run_checked(shape, &cfg, specs, seed);
        let s = &r.summary;
        let total = s.gpu_hours_allocated + s.gpu_hours_idle + s.gpu_hours_down;
        prop_assert!((total - s.gpu_hours_capacity).abs() <= 1e-9 * s.gpu_hours_capacity.max(1.0));
        prop_assert!(s.gpu_hours_idle >= -1e-6 * s.gpu_hours_capacity);
        prop_assert_eq!(s.gpu_hours_capacity, f64::from(nodes * gpn) * 20.0 * 24.0);
        prop_assert_eq!(r.jobs.len(), n);
        prop_assert_eq!(s.jobs_too_large, too_large);
        for j in &r.jobs {
            match j.state {
                Final::Completed => prop_assert!(j.end_s.is_some() && j.start_s.is_some()),
                Final::Running => prop_assert!(j.start_s.is_some() && j.end_s.is_none()),
                Final::Queued | Final::TooLarge => prop_assert!(j.end_s.is_none()),
            }
        }
        prop_assert!(s.goodput <= 1.0 + 1e-9 && s.utilization <= 1.0 + 1e-9);
    }
}

#[test]
fn same_seed_same_result_other_seed_other_failures() {
    let shape = shape(64, 8, 1);
    let cfg = config(30.0, 50.0, 2, "easy");
    let specs: Vec<JobSpec> =
        (0..200).map(|i| job(i, i as f64 * 3.0, 1 << (i % 8), 5.0 + (i % 7) as f64, 0.0)).collect();
    let a = run(shape, &cfg, specs.clone(), 7);
    let b = run(shape, &cfg, specs.clone(), 7);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    let c = run(shape, &cfg, specs, 8);
    assert_ne!(a.summary.node_failures, c.summary.node_failures);
}

#[test]
fn no_failures_means_no_interruptions_and_full_goodput() {
    let shape = shape(16, 8, 1);
    let mut cfg = config(10.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    let specs = vec![job(0, 0.0, 64, 10.0, 0.0), job(1, 0.0, 64, 10.0, 0.0), job(2, 1.0, 128, 5.0, 0.0)];
    let r = run_checked(shape, &cfg, specs, 1);
    assert_eq!(r.summary.interruptions, 0);
    assert!((r.summary.goodput - 1.0).abs() < 1e-9);
    // Two 64-GPU jobs fill the cluster for 10 h; the 128-GPU job waits for both.
    assert_eq!(r.jobs[2].queue_delay_s, Some(9.0 * 3600.0));
    assert_eq!(r.jobs[2].end_s, Some(15.0 * 3600.0));
}

#[test]
fn easy_backfills_without_delaying_the_head() {
    let shape = shape(4, 1, 4);
    let mut cfg = config(5.0, 0.0, 0, "easy");
    cfg.rank_jitter = 0.0;
    // j0 holds 3 of 4 nodes for 10 h; j1 (4 nodes) waits; j2 (1 node, 2 h) backfills.
    let specs = vec![job(0, 0.0, 3, 10.0, 0.0), job(1, 0.5, 4, 1.0, 0.0), job(2, 1.0, 1, 2.0, 0.0)];
    let r = run_checked(shape, &cfg, specs.clone(), 1);
    assert_eq!(r.jobs[2].start_s, Some(3600.0));
    assert_eq!(r.jobs[1].start_s, Some(10.0 * 3600.0));
    cfg.scheduler = Scheduler::Fifo;
    let r = run_checked(shape, &cfg, specs, 1);
    assert_eq!(r.jobs[2].start_s, Some(11.0 * 3600.0));
}

#[test]
fn a_whole_cluster_job_waiting_on_a_repair_is_not_starved_by_backfill() {
    // 16 nodes, no spare, EASY, no preemption: the whole-cluster run loses a node, waits for its
    // repair (12 h), and long 1-node jobs arriving all the while must not backfill ahead of it.
    // Before repairs counted in the reservation, it had none while a node was down, and such
    // jobs kept taking the repaired nodes: the run starved.
    let cfg = config(60.0, 20.0, 0, "easy");
    let mut specs = vec![JobSpec { priority: 1, kind: "training", ..job(0, 0.0, 128, 240.0, 0.0) }];
    specs.extend((1..400).map(|i| job(i, i as f64 * 0.25, 8, 200.0, 0.0)));
    let r = run(shape(16, 8, 4), &cfg, specs, 7);
    let big = r.jobs.iter().find(|j| j.id == "j0").unwrap();
    assert!(big.restarts > 0, "the run was interrupted");
    assert_eq!(big.state, Final::Completed, "the whole-cluster run starved: {big:?}");
}

#[test]
fn small_jobs_share_nodes() {
    let shape = shape(1, 8, 1);
    let mut cfg = config(1.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    let specs: Vec<JobSpec> = (0..8).map(|i| job(i, 0.0, 1, 2.0, 0.0)).collect();
    let r = run_checked(shape, &cfg, specs, 1);
    assert!(r.jobs.iter().all(|j| j.queue_delay_s == Some(0.0)));
    assert!((r.summary.gpu_hours_allocated - 16.0).abs() < 1e-6);
}

#[test]
fn interruptions_of_a_large_job_follow_its_node_count() {
    // 512 nodes at 100 failures per 1,000 node-days: 51.2 failures a day, all in the job's footprint.
    let shape = shape(512, 8, 1);
    let cfg = config(20.0, 100.0, 1000, "fifo");
    let r = run_checked(shape, &cfg, vec![job(0, 0.0, 4096, 10_000.0, 1e12)], 3);
    let expected = 512.0 * 0.1 * 20.0;
    let got = r.summary.interruptions as f64;
    assert!((got - expected).abs() < 4.0 * expected.sqrt(), "{got} vs {expected}");
    let ettr = r.summary.ettr.unwrap();
    assert!(ettr > 0.5 && ettr < 1.0, "{ettr}");
}

#[test]
fn lemons_fail_often_until_removed() {
    let shape = shape(100, 8, 1);
    let mut cfg = config(200.0, 5.0, 0, "fifo");
    cfg.lemon_nodes = 5;
    cfg.lemon_factor = 40.0;
    cfg.repair_hours = 1.0;
    let r = run_checked(shape, &cfg, vec![job(0, 0.0, 8, 1.0, 0.0)], 4);
    // Each lemon fails every 5 days on average and is removed at its third failure.
    assert_eq!(r.summary.lemons_removed, 5);
    // Healthy nodes: 95 x 200 days x 5 / 1,000 = 95 failures; the lemons add 15.
    let n = r.summary.node_failures as f64;
    assert!((n - 110.0).abs() < 35.0, "{n}");
    // Removed lemons stay down: their GPU-hours count as down to the end.
    assert!(r.summary.gpu_hours_down > 5.0 * 8.0 * 24.0 * 100.0, "{}", r.summary.gpu_hours_down);
}

#[test]
fn a_domain_failure_interrupts_every_job_in_it_once() {
    let shape = shape(18, 4, 18);
    let mut cfg = config(30.0, 0.0, 0, "fifo");
    cfg.domain_failures_per_1000_domain_days = 100.0;
    let specs = vec![job(0, 0.0, 36, 500.0, 0.0), job(1, 0.0, 36, 500.0, 0.0)];
    let r = run_checked(shape, &cfg, specs, 5);
    let d = r.summary.domain_failures;
    assert!(d >= 1, "no domain failure in 30 days at 0.1/day (seed 5)");
    assert_eq!(r.summary.interruptions, 2 * d);
}

#[test]
fn high_priority_jobs_go_first_and_preempt_when_allowed() {
    let shape = shape(4, 8, 4);
    let mut cfg = config(5.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    let high = |j: JobSpec| JobSpec { priority: 1, ..j };
    // j0 fills the cluster for 10 h; at 1 h a normal job (j1) and then a high one (j2) queue.
    let specs = vec![job(0, 0.0, 32, 10.0, 0.0), job(1, 1.0, 32, 1.0, 0.0), high(job(2, 1.5, 16, 2.0, 0.0))];
    let r = run_checked(shape, &cfg, specs.clone(), 1);
    assert_eq!(r.summary.preemptions, 0);
    assert_eq!(r.jobs[2].start_s, Some(10.0 * 3600.0), "the high job overtakes j1 but waits for j0");
    assert_eq!(r.jobs[1].start_s, Some(12.0 * 3600.0));
    cfg.preemption = true;
    let r = run_checked(shape, &cfg, specs, 1);
    assert_eq!(r.summary.preemptions, 1);
    assert_eq!(r.jobs[2].start_s, Some(1.5 * 3600.0), "j0 is preempted for it");
    assert_eq!(r.jobs[0].preemptions, 1);
    // j0 kept its hourly checkpoint (1 h of 1.5 h) and lost the rest.
    assert!((r.jobs[0].lost_gpu_hours - 0.5 * 32.0).abs() < 1e-6, "{}", r.jobs[0].lost_gpu_hours);
}

#[test]
fn slow_nodes_slow_the_job_until_drained() {
    let shape = shape(64, 8, 1);
    let mut cfg = config(40.0, 0.0, 4, "fifo");
    cfg.rank_jitter = 0.0;
    let specs = vec![job(0, 0.0, 256, 24.0 * 20.0, 0.0)];
    let fast = run_checked(shape, &cfg, specs.clone(), 3);
    cfg.slow_episodes_per_1000_node_days = 20.0;
    cfg.slow_detect_hours = 4.0;
    let slow = run_checked(shape, &cfg, specs, 3);
    let n = slow.summary.slow_episodes;
    // 64 nodes x 40 days x 20 / 1,000 = 51 episodes; the job's 32 nodes see about half while it runs.
    assert!(n > 20 && n < 90, "{n}");
    let (a, b) = (fast.jobs[0].end_s.unwrap(), slow.jobs[0].end_s.unwrap());
    assert!(b > a + 3600.0, "slow nodes must delay the job: {a} vs {b}");
    assert!(slow.jobs[0].restarts > 0, "a drained node restarts the job");
}

#[test]
fn a_leaf_failure_cuts_off_its_group() {
    let shape = ClusterShape {
        nodes: 32,
        gpus_per_node: 8,
        nodes_per_domain: 1,
        nodes_per_leaf_group: 16,
        leaves_per_group: 8,
        spines: 0,
    };
    let mut cfg = config(30.0, 0.0, 0, "fifo");
    cfg.leaf_failures_per_1000_switch_days = 5.0;
    // One job per leaf group; each group fails at 8 x 5 / 1,000 per day.
    let specs = vec![job(0, 0.0, 128, 2000.0, 0.0), job(1, 0.0, 128, 2000.0, 0.0)];
    let r = run_checked(shape, &cfg, specs, 11);
    let leaf = r.summary.leaf_failures;
    assert!(leaf >= 1, "expected leaf failures (2 groups x 0.04/day x 30 days)");
    assert_eq!(r.summary.interruptions, leaf);
    assert!(r.summary.gpu_hours_down > 0.0);
}

#[test]
fn failure_causes_follow_their_shares_and_repair_times() {
    use crate::scenario::simulation::FailureCause;
    let shape = shape(1000, 8, 1);
    let mut cfg = config(100.0, 20.0, 0, "fifo");
    cfg.causes = vec![
        FailureCause { name: "quick".into(), share: 0.75, repair_hours: 1.0 },
        FailureCause { name: "slow".into(), share: 0.25, repair_hours: 100.0 },
    ];
    let r = run(shape, &cfg, vec![job(0, 0.0, 8, 1.0, 0.0)], 9);
    let by = &r.summary.failures_by_cause;
    let total = (by[0].1 + by[1].1) as f64;
    assert_eq!(total as u64, r.summary.node_failures);
    assert!((by[0].1 as f64 / total - 0.75).abs() < 0.04, "{by:?}");
    // Down time: failures x mean repair (0.75 h + 25 h) x 8 GPUs, within 10%.
    let expected = total * (0.75 + 25.0) * 8.0;
    assert!((r.summary.gpu_hours_down / expected - 1.0).abs() < 0.1, "{} vs {expected}", r.summary.gpu_hours_down);
}

/// A fabric that gives every multi-domain job half its line rate.
#[derive(Default)]
struct HalfFabric {
    started: Vec<(u32, usize)>,
    stopped: Vec<u32>,
    running: Vec<u32>,
}

impl Network for HalfFabric {
    fn start(&mut self, job: u32, placement: &crate::topology::Placement) {
        self.started.push((job, placement.domains.len()));
        self.running.push(job);
    }
    fn stop(&mut self, job: u32) {
        self.stopped.push(job);
        self.running.retain(|&j| j != job);
    }
    fn solve(&mut self) -> Vec<(u32, f64)> {
        self.running.iter().map(|&j| (j, 0.5)).collect()
    }
    fn bottleneck(&self, _: u32) -> Option<String> {
        Some("leaf 0 uplink 0".into())
    }
}

#[test]
fn fabric_contention_slows_multi_domain_jobs_only() {
    let shape = shape(8, 8, 2);
    let mut cfg = config(5.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    cfg.comm_share = 0.2;
    // j0 spans two domains (32 GPUs), j1 fits one (16 GPUs); both need 10 h at full speed.
    let specs = vec![job(0, 0.0, 32, 10.0, 0.0), job(1, 0.0, 16, 10.0, 0.0)];
    let mut fabric = HalfFabric::default();
    let r = run_with_network(shape, &cfg, specs, 1, &mut |_| {}, &mut fabric);
    // 1 / (0.8 + 0.2 / 0.5) = 1 / 1.2: 12 h instead of 10, re-timed at the start, not at the next hour.
    assert!((r.jobs[0].end_s.unwrap() - 12.0 * 3600.0).abs() < 1e-3, "{:?}", r.jobs[0].end_s);
    assert_eq!(r.jobs[1].end_s, Some(10.0 * 3600.0));
    assert_eq!(fabric.started, vec![(0, 2)]);
    assert_eq!(fabric.stopped, vec![0]);
    let s = &r.summary;
    assert_eq!((s.fabric_share_mean, s.fabric_share_p10, s.fabric_jobs), (Some(0.5), Some(0.5), 1));
    // 12 h x 32 GPUs at 1 / 1.2 of full speed: 2 h x 32 = 64 GPU-hours lost.
    assert!((s.contention_gpu_hours - 64.0).abs() < 1e-6, "{}", s.contention_gpu_hours);
    assert_eq!(s.slowest_fabric_jobs.len(), 1);
    assert_eq!(s.slowest_fabric_jobs[0].bottleneck.as_deref(), Some("leaf 0 uplink 0"));
    assert_eq!(r.jobs[1].fabric_share, None);
}

/// Contention costs GPU time only while a job makes progress: a preempted
/// job's wait and its restart's overhead are not counted against the fabric.
#[test]
fn contention_is_counted_over_active_time_only() {
    let shape = shape(8, 8, 2);
    let mut cfg = config(5.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    cfg.comm_share = 0.2;
    cfg.restart_minutes = 60.0;
    cfg.checkpoint_minutes = Some(60.0);
    cfg.preemption = true;
    // j0 (32 GPUs, 2 domains) at half line rate runs at 1 / 1.2; at 1.5 h a high-priority job
    // takes the whole cluster, then j0 restarts with a 1 h overhead.
    let specs = vec![job(0, 0.0, 32, 10.0, 0.0), JobSpec { priority: 1, ..job(1, 1.5, 64, 2.0, 0.0) }];
    let mut fabric = HalfFabric::default();
    let r = run_with_network(shape, &cfg, specs, 1, &mut |_| {}, &mut fabric);
    assert_eq!(r.jobs[0].preemptions, 1);
    // j0 active 1.5 h, then from j1's end plus the 1 h overhead to its own end (12.5 h in all:
    // 10 h of work less the hour checkpointed, redone at 1 / 1.2); j1 (64 GPUs, 4 domains) 2.4 h.
    let h = |s: Option<f64>| s.unwrap() / 3600.0;
    let active = 1.5 + (h(r.jobs[0].end_s) - h(r.jobs[1].end_s) - 1.0);
    assert!((active - 12.5).abs() < 1e-9, "{active}");
    let lost = |gpus: f64, hours: f64| gpus * hours * (1.0 - 1.0 / 1.2);
    assert!((r.jobs[0].contention_gpu_hours - lost(32.0, 12.5)).abs() < 1e-6, "{:?}", r.jobs[0]);
    assert!((r.jobs[1].contention_gpu_hours - lost(64.0, 2.4)).abs() < 1e-6, "{:?}", r.jobs[1]);
    assert!((r.summary.contention_gpu_hours - lost(32.0, 12.5) - lost(64.0, 2.4)).abs() < 1e-6);
    assert_eq!(r.jobs[0].fabric_share, Some(0.5));
}

/// Re-timing a job (a slow node, a fabric share that moved) keeps its
/// checkpoint cycle: work since the last checkpoint is lost at a failure
/// whether or not the job was re-timed in between.
#[test]
fn retiming_keeps_the_checkpoint_cycle() {
    // Hourly checkpoints (free). A run, progress, then a re-time at 1.5 h (half speed) and an interrupt at 2.25 h:
    // the checkpoint at 2 h keeps 1 h + 0.5 h x 0.5 of work; the 0.25 h x 0.5 after it is lost.
    let mut run = Run::new(0.0, 0.0, 1.0);
    let cycle = 3600.0;
    let (done, kept, phase) = run.progress(1.5 * 3600.0, 1e9, cycle);
    assert_eq!((done, kept, phase), (5400.0, 3600.0, 1800.0));
    run = Run { start: 5400.0, overhead: 0.0, rate: 0.5, phase, pending: done - kept };
    let (done, kept, phase) = run.progress(2.25 * 3600.0, 1e9, cycle);
    assert_eq!(done, 0.75 * 3600.0 * 0.5);
    assert_eq!(kept, 1800.0 + 0.5 * 3600.0 * 0.5, "pending half hour and the half hour at half speed before 2 h");
    assert_eq!(phase, 900.0);
    // Before the first checkpoint nothing is kept, pending work included.
    let run = Run { start: 0.0, overhead: 600.0, rate: 1.0, phase: 1000.0, pending: 500.0 };
    assert_eq!(run.progress(2000.0, 1e9, cycle), (1400.0, 0.0, 2400.0));
}

#[test]
fn tp_groups_stay_inside_a_domain() {
    // Domains of 3 nodes; a 4-node job in TP groups of 2 nodes must take 2 + 2, never 3 + 1.
    let shape = shape(6, 4, 3);
    let mut cfg = config(2.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    let specs =
        vec![JobSpec { tp_gpus: 8, ..job(0, 0.0, 16, 5.0, 0.0) }, job(1, 0.0, 4, 5.0, 0.0), job(2, 0.0, 4, 5.0, 0.0)];
    let r = run_checked(shape, &cfg, specs, 1);
    assert!(r.jobs.iter().all(|j| j.start_s == Some(0.0)));
    // Two 1-node jobs first (best fit puts both in domain 0): 1 + 3 nodes free holds 4 nodes,
    // but only one whole TP group, so the TP job waits for them; without TP it starts at once.
    let small = || vec![job(1, 0.0, 4, 5.0, 0.0), job(2, 0.0, 4, 5.0, 0.0)];
    let mut specs = small();
    specs.push(JobSpec { tp_gpus: 8, ..job(0, 0.0, 16, 5.0, 0.0) });
    let r = run_checked(shape, &cfg, specs, 1);
    assert_eq!(r.jobs[2].start_s, Some(5.0 * 3600.0));
    let mut specs = small();
    specs.push(job(0, 0.0, 16, 5.0, 0.0));
    let r = run_checked(shape, &cfg, specs, 1);
    assert_eq!(r.jobs[2].start_s, Some(0.0));
}

#[test]
fn spine_failures_slow_only_jobs_that_cross_leaves() {
    let shape = ClusterShape {
        nodes: 16,
        gpus_per_node: 8,
        nodes_per_domain: 1,
        nodes_per_leaf_group: 4,
        leaves_per_group: 1,
        spines: 2,
    };
    let mut cfg = config(10.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    cfg.spine_failures_per_1000_switch_days = 2000.0;
    cfg.spine_repair_hours = 24.0;
    // j0 spans two leaf groups (8 nodes); j1 sits under one leaf (4 nodes).
    let specs = vec![job(0, 0.0, 64, 48.0, 0.0), job(1, 0.0, 32, 48.0, 0.0)];
    let r = run_checked(shape, &cfg, specs, 2);
    assert!(r.summary.spine_failures > 0);
    assert!(r.jobs[0].end_s.unwrap() > 48.0 * 3600.0 + 60.0, "{:?}", r.jobs[0].end_s);
    assert_eq!(r.jobs[1].end_s, Some(48.0 * 3600.0));
}

#[test]
fn a_tp_layout_the_cluster_cannot_hold_falls_back_instead_of_blocking() {
    // Two domains of 18 nodes; TP groups of 4 nodes fit 16 per domain, 32 in all: a 36-node
    // job could never start with them, so it is placed without the TP constraint.
    let shape = shape(36, 4, 18);
    let mut cfg = config(2.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    let r = run_checked(shape, &cfg, vec![JobSpec { tp_gpus: 16, ..job(0, 0.0, 144, 5.0, 0.0) }], 1);
    assert_eq!(r.jobs[0].start_s, Some(0.0));
}

#[test]
fn ettr_counts_the_progress_of_a_run_still_going_at_the_horizon() {
    let shape = shape(4, 8, 1);
    let mut cfg = config(10.0, 0.0, 0, "fifo");
    cfg.rank_jitter = 0.0;
    let r = run_checked(shape, &cfg, vec![job(0, 0.0, 32, 1000.0, 0.0)], 1);
    assert!((r.summary.ettr.unwrap() - 1.0).abs() < 1e-9, "{:?}", r.summary.ettr);
}
