//! Speed of the training model: `cargo bench --bench training`.
//!
//! - one step evaluation (GPT-3 175B on 512 H100, the MLPerf plan), and the
//!   flagship's (Llama 3 405B on 4,608 GB300, whose NVLink 5 values are laid
//!   over the reference ones at every evaluation);
//! - a whole plan search (candidates + parallel evaluation with rayon) of
//!   GPT-3 175B on 1,024 H100; the plan count is printed, so plans per second
//!   is plans / median.

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::catalog::Catalog;
use rackscale::data::{collective_params, default_profile};
use rackscale::model::training::plan::Stack;
use rackscale::model::training::search::{Space, candidates};
use rackscale::model::training::{Plan, Recipe, Recompute};
use rackscale::pipeline::training::Setup;
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

    let gb300 = Setup::new(&catalog, "llama3-405b", "gb300-nvl72", 4608, &FabricOptions::default()).unwrap();
    let flagship =
        Plan { tp: 2, pp: 9, vp: 1, cp: 4, dp: 64, micro_batch: 1, global_batch: 2048, seq_len: 8192, ..plan };
    c.bench_function("step_llama3_405b_4608_gb300", |b| {
        b.iter(|| black_box(gb300.step(black_box(&flagship), &params, &profile)))
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
