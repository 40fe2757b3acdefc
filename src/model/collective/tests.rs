use super::*;
use crate::data::collective_params;
use proptest::prelude::*;

const GB: f64 = 1e9;

fn nvswitch(d: u32) -> Level {
    Level::new(LevelKind::Switch, d, BytesPerSec(450.0 * GB), Seconds(0.0), LinkClass::ScaleUp).with_reduction(true)
}

fn fabric(m: u32, bw_gb: f64) -> Level {
    Level::new(LevelKind::Switch, m, BytesPerSec(bw_gb * GB), Seconds(130e-9), LinkClass::Network)
}

fn busbw(op: Op, bytes: f64, levels: &[Level], force: Option<Algorithm>) -> f64 {
    let p = collective_params();
    let e = estimate(op, Bytes(bytes), levels, &p, force).unwrap();
    bytes / e.time.get() * op.bus_factor(ranks(levels)) / GB
}

#[test]
fn large_ring_approaches_efficiency_times_link() {
    let b = busbw(Op::AllReduce, 16.0 * (1u64 << 30) as f64, &[nvswitch(8)], Some(Algorithm::Ring));
    let eta = collective_params().efficiency.ring;
    assert!(b < eta * 450.0 && b > 0.97 * eta * 450.0, "{b}");
}

#[test]
fn multi_node_ring_is_bound_by_the_nodes_nics() {
    // 8 GPUs per node with 50 GB/s NICs: the node has 400 GB/s out; a ring sees min(450, 8 x 50).
    let levels = [nvswitch(8).with_reduction(false), fabric(16, 50.0)];
    let b = busbw(Op::AllReduce, 8.0 * (1u64 << 30) as f64, &levels, Some(Algorithm::Ring));
    let eta = collective_params().efficiency.network;
    assert!(b < 400.0 * eta && b > 400.0 * eta * 0.9, "{b}");
}

#[test]
fn tuner_prefers_low_latency_for_small_and_bandwidth_for_large() {
    let levels = [nvswitch(8).with_reduction(false), fabric(128, 50.0)];
    let p = collective_params();
    let small = estimate(Op::AllReduce, Bytes(4096.0), &levels, &p, None).unwrap();
    let large = estimate(Op::AllReduce, Bytes(1e10), &levels, &p, None).unwrap();
    assert_eq!(small.protocol, Protocol::Ll);
    assert_ne!(small.algorithm, Algorithm::Ring, "a 1,024-rank ring has 2,046 steps of latency");
    assert_eq!(large.protocol, Protocol::Simple);
}

#[test]
fn inapplicable_algorithms_are_none() {
    let p = collective_params();
    let plain = [nvswitch(8).with_reduction(false)];
    assert!(estimate(Op::AllReduce, Bytes(1e6), &plain, &p, Some(Algorithm::Nvls)).is_none());
    assert!(estimate(Op::AllReduce, Bytes(1e6), &plain, &p, Some(Algorithm::Tree)).is_none());
    assert!(estimate(Op::AllToAll, Bytes(1e6), &plain, &p, Some(Algorithm::Ring)).is_none());
    assert!(estimate(Op::AllToAll, Bytes(1e6), &plain, &p, None).is_some());
    let one = [Level { size: 1, ..plain[0] }];
    assert!(estimate(Op::AllReduce, Bytes(1e6), &one, &p, None).is_none());
}

#[test]
fn mesh_gives_fewer_gpus_less_bandwidth() {
    let link = BytesPerSec(64.0 * GB);
    let mesh = |d| [Level::new(LevelKind::FullyConnected, d, link, Seconds(0.0), LinkClass::ScaleUp)];
    let b8 = busbw(Op::AllReduce, 4e9, &mesh(8), None);
    let b4 = busbw(Op::AllReduce, 4e9, &mesh(4), None);
    assert!(b4 < b8 * 0.5, "4 GPUs use 3 links, 8 use 7: {b4} vs {b8}");
}

#[test]
fn sharp_and_nvls_lift_busbw_above_the_link() {
    let b = busbw(Op::AllReduce, 8e9, &[nvswitch(8)], Some(Algorithm::Nvls));
    assert!(b > 450.0, "NVLS busbw {b} exceeds the 450 GB/s link, as measured (482 GB/s)");
    let levels = [nvswitch(8).with_reduction(false), fabric(64, 50.0).with_reduction(true)];
    let sharp = busbw(Op::AllReduce, 8e9, &levels, Some(Algorithm::Sharp));
    let ring = busbw(Op::AllReduce, 8e9, &levels, Some(Algorithm::Hierarchical));
    assert!(sharp > ring, "{sharp} vs {ring}");
}

fn levels_strategy() -> impl Strategy<Value = Vec<Level>> {
    let kind = prop_oneof![Just(LevelKind::Ring), Just(LevelKind::Switch), Just(LevelKind::FullyConnected)];
    let inner = (kind, 2u32..=72, 10.0f64..1000.0, any::<bool>()).prop_map(|(k, d, bw, r)| {
        Level::new(k, d, BytesPerSec(bw * GB), Seconds(1e-7), LinkClass::ScaleUp)
            .with_reduction(r && k == LevelKind::Switch)
    });
    let outer = proptest::option::of(
        (1u32..=512, 5.0f64..200.0, any::<bool>())
            .prop_map(|(m, bw, r)| fabric(m, bw).with_reduction(r).with_any_to_any(BytesPerSec(bw * GB / 2.0))),
    );
    (inner, outer).prop_map(|(i, o)| std::iter::once(i).chain(o.filter(|o| o.size > 1)).collect())
}

fn ops() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::AllReduce),
        Just(Op::ReduceScatter),
        Just(Op::AllGather),
        Just(Op::AllToAll),
        Just(Op::Broadcast),
        Just(Op::SendRecv)
    ]
}

proptest! {
    #[test]
    fn time_never_decreases_with_size(levels in levels_strategy(), op in ops(), a in 1.0f64..1e10, k in 1.0f64..100.0) {
        let p = collective_params();
        let t1 = estimate(op, Bytes(a), &levels, &p, None).unwrap().time.get();
        let t2 = estimate(op, Bytes(a * k), &levels, &p, None).unwrap().time.get();
        prop_assert!(t2 >= t1 * (1.0 - 1e-12), "{op}: {t1} at {a} > {t2} at {}", a * k);
    }

    #[test]
    fn time_never_increases_with_bandwidth(levels in levels_strategy(), op in ops(), s in 1.0f64..1e10, k in 1.0f64..10.0) {
        let p = collective_params();
        let faster: Vec<Level> = levels.iter().map(|l| Level { bw: l.bw * k, any_bw: l.any_bw * k, ..*l }).collect();
        let t1 = estimate(op, Bytes(s), &levels, &p, None).unwrap().time.get();
        let t2 = estimate(op, Bytes(s), &faster, &p, None).unwrap().time.get();
        prop_assert!(t2 <= t1 * (1.0 + 1e-12), "{op}: {t2} with x{k} bandwidth > {t1}");
    }

    #[test]
    fn busbw_stays_within_physical_links(levels in levels_strategy(), op in ops(), s in 1.0f64..1e11) {
        let p = collective_params();
        let e = estimate(op, Bytes(s), &levels, &p, None).unwrap();
        let bus = s / e.time.get() * op.bus_factor(ranks(&levels));
        let links: f64 = levels.iter().map(|l| l.per_gpu().get()).sum();
        // In-network reduction halves what each GPU sends: busbw may reach twice the links.
        let limit = if matches!(e.algorithm, Algorithm::Nvls | Algorithm::Sharp) { 2.0 * links } else { links };
        prop_assert!(bus <= limit * (1.0 + 1e-9), "{op} {:?}: busbw {bus} > {limit}", e.algorithm);
    }
}
