//! Speed of the fabric models: `cargo bench --bench collective`.
//!
//! - cost of a 1 GiB all-reduce across 1,024 H100s (8-GPU nodes, NDR fat-tree),
//!   topology build included;
//! - the same across 100,008 GB300s (1,389 NVL72 racks, XDR fat-tree);
//! - a max-min fair solve of 10,000 flows between random GPUs of that fabric.

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::catalog::Catalog;
use rackscale::data::collective_params;
use rackscale::engine::rng::RngStreams;
use rackscale::model::collective::{Op, estimate};
use rackscale::model::contention::{Flow, max_min_fair};
use rackscale::topology::{FabricOptions, Topology};
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

criterion_group!(benches, all_reduce, contention);
criterion_main!(benches);
