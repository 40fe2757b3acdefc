//! Start-up cost: every command parses the built-in catalog and most parse a
//! scenario. `cargo bench --bench catalog`.

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::catalog::Catalog;
use rackscale::scenario::{Scenario, TEMPLATE};
use std::hint::black_box;

fn load(c: &mut Criterion) {
    c.bench_function("catalog_builtin_load", |b| b.iter(|| black_box(Catalog::builtin().unwrap())));
    let catalog = Catalog::builtin().unwrap();
    c.bench_function("scenario_parse_validate", |b| {
        b.iter(|| black_box(Scenario::parse("template.toml", black_box(TEMPLATE), &catalog).unwrap()))
    });
    c.bench_function("catalog_lookup_miss_with_suggestions", |b| {
        b.iter(|| black_box(catalog.systems.get(black_box("gb30")).unwrap_err()))
    });
}

criterion_group!(benches, load);
criterion_main!(benches);
