//! The raw engine on the classic hold model: pop the earliest event, push one
//! a random exponential delay later. `cargo bench --bench engine`.
//!
//! Each iteration is 100,000 hold operations at a steady queue length of
//! 1,000 or 100,000 pending events; events per second = 100,000 / median.
//! The same loop on a bare `BinaryHeap<Reverse<(u64, u64)>>` is the baseline.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rackscale::engine::queue::EventQueue;
use rackscale::engine::rng::RngStreams;
use rackscale::engine::time::SimTime;
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

const OPS: u64 = 100_000;

/// Exponential delays with mean 1 ms, drawn once so both loops pay the same.
fn delays() -> Vec<u64> {
    let mut rng = RngStreams::new(7).stream("hold");
    (0..4096).map(|_| (-(1.0 - rng.random::<f64>()).ln() * 1e6) as u64 + 1).collect()
}

fn hold(c: &mut Criterion) {
    let d = delays();
    let mut g = c.benchmark_group("hold");
    g.throughput(Throughput::Elements(OPS));
    for pending in [1_000usize, 100_000] {
        g.bench_function(format!("event_queue_{pending}_pending"), |b| {
            let mut q: EventQueue<u32> = EventQueue::with_capacity(pending + 1);
            for i in 0..pending {
                q.push(SimTime(d[i % d.len()] * (i as u64 % 97)), i as u32);
            }
            let mut k = 0usize;
            b.iter(|| {
                for _ in 0..OPS {
                    let (t, e) = q.pop().expect("steady queue");
                    k = (k + 1) & 4095;
                    q.push(SimTime(t.0 + d[k]), e);
                }
                black_box(q.len())
            })
        });
        g.bench_function(format!("bare_binary_heap_{pending}_pending"), |b| {
            let mut q: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::with_capacity(pending + 1);
            let mut seq = 0u64;
            for i in 0..pending {
                q.push(Reverse((d[i % d.len()] * (i as u64 % 97), seq)));
                seq += 1;
            }
            let mut k = 0usize;
            b.iter(|| {
                for _ in 0..OPS {
                    let Reverse((t, _)) = q.pop().expect("steady queue");
                    k = (k + 1) & 4095;
                    q.push(Reverse((t + d[k], seq)));
                    seq += 1;
                }
                black_box(q.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, hold);
criterion_main!(benches);
