//! Monte Carlo speed: 10,000 draws of a four-option comparison (own, on
//! demand, three-year reserved, training as a service) on a 4,608-GPU cluster
//! (`rackscale::model::tco::example`).
//!
//! `cargo bench --bench tco`

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::model::tco::{example, monte_carlo};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let (common, options, inputs) = example::comparison(4608.0);
    let mut g = c.benchmark_group("monte_carlo");
    g.sample_size(20);
    g.bench_function("10k_draws_4_options", |b| {
        b.iter(|| monte_carlo(black_box(&common), &options, &inputs, 42, 10_000).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
