//! Speed of the training model: `cargo bench --bench training`.
//!
//! - one step evaluation (GPT-3 175B on 512 H100, the MLPerf plan);
//! - a whole plan search (candidates + parallel evaluation with rayon) of
//!   GPT-3 175B on 1,024 H100; the plan count is printed, so plans per second
//!   is plans / median.

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::catalog::Catalog;
use rackscale::data::{collective_params, default_profile};
use rackscale::estimate::Setup;
use rackscale::model::training::plan::Stack;
use rackscale::model::training::search::{Space, candidates};
use rackscale::model::training::{Plan, Recipe, Recompute};
use rackscale::topology::FabricOptions;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().unwrap();
    let (params, profile) = (collective_params(), default_profile());
    let setup = Setup::new(&catalog, "gpt3-175b", "hgx-h100", 512, &FabricOptions::default()).unwrap();
    let plan = Plan {
        tp: 4,
        pp: 8,
        vp: 4,
        cp: 1,
        ep: 1,
        dp: 16,
        micro_batch: 2,
        global_batch: 2304,
        seq_len: 2048,
        precision: Recipe::Fp8,
        recompute: Recompute::Selective,
        zero: 1,
        sequence_parallel: true,
        lora_rank: None,
        tp_across_domains: false,
        stack: Stack::Modern,
    };
    c.bench_function("step_gpt3_175b_512_h100", |b| {
        b.iter(|| black_box(setup.step(black_box(&plan), &params, &profile)))
    });

    let big = Setup::new(&catalog, "gpt3-175b", "hgx-h100", 1024, &FabricOptions::default()).unwrap();
    let space =
        Space { gpus: 1024, domain: 8, global_batch: 1536, seq_len: 2048, precision: Recipe::Bf16, lora_rank: None };
    let n = candidates(&big.shape, &space).len();
    c.bench_function(&format!("plan_search_gpt3_175b_1024_h100_{n}_plans"), |b| {
        b.iter(|| black_box(big.search(black_box(&space), &params, &profile, 10)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
