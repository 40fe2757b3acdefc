//! Speed of the fabric models: `cargo bench --bench collective`.
//!
//! - cost of a 1 GiB all-reduce across 1,024 H100s (8-GPU nodes, NDR fat-tree),
//!   topology build included;
//! - the same across 100,008 GB300s (1,389 NVL72 racks, XDR fat-tree);
//! - a max-min fair solve of 10,000 flows between random GPUs of that fabric;
//! - one incremental re-solve on that fabric, 80% busy with scattered jobs and a
//!   455-rack run: a 4-rack job restarts on other racks (stop, start, solve), with
//!   static ECMP and with adaptive routing; and the same solved from scratch.

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::catalog::Catalog;
use rackscale::catalog::Routing;
use rackscale::data::collective_params;
use rackscale::engine::rng::RngStreams;
use rackscale::model::collective::{Op, estimate};
use rackscale::model::contention::{Flow, max_min_fair};
use rackscale::topology::{FabricOptions, FabricShare, Placement, Topology};
use rackscale::units::Bytes;
use rand::RngExt;
use std::hint::black_box;

const GIB: f64 = (1u64 << 30) as f64;

fn all_reduce(c: &mut Criterion) {
    let catalog = Catalog::builtin().unwrap();
    let params = collective_params();
    for (name, system, gpus) in
        [("all_reduce_1GiB_1024_h100", "hgx-h100", 1024), ("all_reduce_1GiB_100008_gb300", "gb300-nvl72", 100_008)]
    {
        c.bench_function(name, |b| {
            b.iter(|| {
                let t = Topology::build(&catalog, system, black_box(gpus), &FabricOptions::default()).unwrap();
                let levels = t.group(gpus).unwrap();
                black_box(estimate(Op::AllReduce, Bytes(GIB), &levels, &params, None).unwrap())
            })
        });
    }
}

fn contention(c: &mut Criterion) {
    let catalog = Catalog::builtin().unwrap();
    let topo = Topology::build(&catalog, "gb300-nvl72", 100_008, &FabricOptions::default()).unwrap();
    let tree = &topo.tree;
    let caps = vec![tree.spec.port_bw.get(); tree.link_count()];
    let mut rng = RngStreams::new(42).stream("bench-flows");
    let flows: Vec<Flow> = (0..10_000)
        .map(|_| {
            let a = rng.random_range(0..topo.gpus);
            let b = (a + rng.random_range(1..topo.gpus)) % topo.gpus;
            Flow { links: tree.path(a, b), demand: None }
        })
        .collect();
    c.bench_function("max_min_fair_10k_flows_100k_gpus", |b| b.iter(|| black_box(max_min_fair(&caps, &flows))));
}

/// The 100,008-GPU fabric 80% busy: a 455-rack run on racks in order, then
/// jobs of 1 to 57 racks on racks drawn at random; returns the fabric, the
/// placements, and two free rack sets of 4 for the job that moves.
fn busy_fabric(routing: Routing) -> (FabricShare, Vec<Placement>, [Placement; 2]) {
    let catalog = Catalog::builtin().unwrap();
    let opt = FabricOptions { routing: Some(routing), ..FabricOptions::default() };
    let topo = Topology::build(&catalog, "gb300-nvl72", 100_008, &opt).unwrap();
    let mut rng = RngStreams::new(7).stream("bench-placements");
    let racks = 1389u64;
    let mut free: Vec<u64> = (455..racks).collect();
    let mut jobs = vec![Placement::whole((0..455).collect())];
    while free.len() as u64 > racks / 5 + 8 {
        let size = [1usize, 2, 4, 16, 57][rng.random_range(0..5)].min(free.len() - racks as usize / 5);
        let mut d: Vec<u64> = (0..size).map(|_| free.swap_remove(rng.random_range(0..free.len()))).collect();
        d.sort_unstable();
        jobs.push(Placement::whole(d));
    }
    let mut pick = || {
        let mut d: Vec<u64> = (0..4).map(|_| free.swap_remove(rng.random_range(0..free.len()))).collect();
        d.sort_unstable();
        Placement::whole(d)
    };
    let moves = [pick(), pick()];
    let mut fabric = FabricShare::new(topo);
    for (j, p) in jobs.iter().enumerate() {
        fabric.start(j as u32, p);
    }
    fabric.start(u32::MAX, &moves[0]);
    fabric.solve();
    (fabric, jobs, moves)
}

fn incremental(c: &mut Criterion) {
    for (name, routing) in [("ecmp", Routing::Ecmp), ("adaptive", Routing::Adaptive)] {
        let (mut fabric, jobs, moves) = busy_fabric(routing);
        let mut at = 0;
        c.bench_function(&format!("fabric_restart_4_racks_100k_gpus_{name}"), |b| {
            b.iter(|| {
                at = 1 - at;
                fabric.stop(u32::MAX);
                fabric.start(u32::MAX, &moves[at]);
                black_box(fabric.solve())
            })
        });
        let mut all = jobs.clone();
        all.push(moves[0].clone());
        let topo = fabric.topology().clone();
        c.bench_function(&format!("fabric_full_solve_100k_gpus_{name}"), |b| {
            b.iter(|| black_box(topo.shared_bandwidth(&all)))
        });
    }
}

criterion_group!(benches, all_reduce, contention);
criterion_group! {
    name = fabric;
    config = Criterion::default().sample_size(20);
    targets = incremental
}
criterion_main!(benches, fabric);
