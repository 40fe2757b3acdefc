//! Facility model speed: one site-year, and every site at 100 load levels.
//!
//! `cargo bench --bench facility`

use criterion::{Criterion, criterion_group, criterion_main};
use rackscale::catalog::Catalog;
use rackscale::data::facility_defaults;
use rackscale::model::facility::{Cooling, Design, Ups};
use rackscale::pipeline::facility::typical_year;
use std::hint::black_box;

fn design() -> Design {
    let d = facility_defaults();
    Design {
        capacity_kw: 100_000.0,
        cooling: Cooling::Liquid,
        liquid_capture: d.liquid.capture.value,
        supply_c: d.liquid.supply_c.value,
        air_chw_c: d.air.chw_supply_c.value,
        evaporative: true,
        ups: Ups::DoubleConversion,
        params: d.params(),
    }
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let climates: Vec<_> =
        catalog.sites.iter().filter_map(|s| s.climate.as_ref().map(|c| c.get_ref().clone())).collect();
    let phoenix = catalog.sites.get("phoenix-az").unwrap().climate.as_ref().unwrap().get_ref().clone();
    let d = design();
    c.bench_function("site_year_weather_and_run", |b| {
        b.iter(|| {
            let w = typical_year(black_box(&phoenix)).expect("Phoenix has humidity");
            d.run(&w, |_| 80_000.0).totals(&w.month).annual_pue
        })
    });
    let w = typical_year(&phoenix).expect("Phoenix has humidity");
    c.bench_function("site_year_run_only", |b| {
        b.iter(|| d.run(black_box(&w), |_| 80_000.0).totals(&w.month).annual_pue)
    });
    let mut g = c.benchmark_group("all_sites");
    g.sample_size(10);
    g.bench_function(format!("{}_sites_x_100_loads", climates.len()), |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for cl in &climates {
                let w = typical_year(cl).expect("built-in climates have humidity");
                for i in 1..=100 {
                    let load = d.capacity_kw * f64::from(i) / 100.0;
                    sum += d.run(&w, |_| load).totals(&w.month).annual_pue;
                }
            }
            sum
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
