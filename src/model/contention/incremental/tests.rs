use super::super::{max_min_fair, max_min_fair_reference};
use super::*;
use proptest::prelude::*;

fn flow(links: &[u32]) -> Flow {
    Flow { links: links.to_vec(), demand: None }
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Every live flow's rate against a full solve of all of them by `solver`.
fn check_against(fs: &FairShare, solver: fn(&[f64], &[Flow]) -> Vec<f64>) -> Result<(), String> {
    let all = fs.flows();
    let flows: Vec<Flow> = all.iter().map(|(_, f)| f.clone()).collect();
    let want = solver(fs.capacity(), &flows);
    let mut at = 0;
    let mut groups: Vec<GroupId> = all.iter().map(|(g, _)| *g).collect();
    groups.dedup();
    for g in groups {
        for got in fs.rates(g) {
            if !same(got, want[at]) {
                return Err(format!("group {g:?}: incremental {got} vs full {} (flow {at})", want[at]));
            }
            at += 1;
        }
    }
    Ok(())
}

#[test]
fn textbook_example_as_groups_come_and_go() {
    // Link 0 (cap 10) shared by A and B; link 1 (cap 4) by B and C.
    let mut fs = FairShare::new(vec![10.0, 4.0]);
    let a = fs.add(&[flow(&[0])]);
    assert_eq!(fs.solve(), vec![a]);
    assert_eq!(fs.rates(a), vec![10.0]);
    let b = fs.add(&[flow(&[0, 1])]);
    let c = fs.add(&[flow(&[1])]);
    assert_eq!(fs.solve(), vec![a, b, c]);
    assert_eq!((fs.rates(a), fs.rates(b), fs.rates(c)), (vec![8.0], vec![2.0], vec![2.0]));
    assert_eq!(fs.slowest(b), Some((2.0, Some(1))));
    assert_eq!(fs.slowest(a), Some((8.0, Some(0))));
    fs.remove(c);
    assert_eq!(fs.solve(), vec![a, b]);
    assert_eq!((fs.rates(a), fs.rates(b)), (vec![6.0], vec![4.0]));
    // B is held by its own ceiling (link 1 alone), A by link 0.
    assert_eq!(fs.slowest(b), Some((4.0, None)));
    fs.remove(b);
    fs.remove(b);
    assert_eq!(fs.solve(), vec![a]);
    assert_eq!(fs.rates(a), vec![10.0]);
}

#[test]
fn untouched_components_are_not_resolved() {
    // Two islands: links 0-1 and links 2-3, each with two flows that fill a link.
    let mut fs = FairShare::new(vec![1.0, 1.0, 1.0, 1.0]);
    let left = fs.add(&[flow(&[0, 1]), flow(&[0])]);
    fs.add(&[flow(&[2, 3]), flow(&[2])]);
    fs.solve();
    assert_eq!(fs.last_solved(), 4);
    let more = fs.add(&[flow(&[3])]);
    // Link 3 now can fill, joining the right island; its rates stay 0.5.
    assert_eq!(fs.solve(), vec![more]);
    assert_eq!(fs.last_solved(), 3, "only the right island");
    assert_eq!(fs.rates(left), vec![0.5, 0.5]);
    // A link whose flows cannot fill it joins nothing: a flow on link 1 alone.
    let alone = fs.add(&[Flow { links: vec![1], demand: Some(0.25) }]);
    fs.solve();
    assert_eq!(fs.rates(alone), vec![0.25]);
    check_against(&fs, max_min_fair_reference).unwrap();
}

#[test]
fn empty_and_unbounded_flows() {
    let mut fs = FairShare::new(vec![5.0, f64::INFINITY]);
    let g = fs.add(&[flow(&[]), flow(&[1]), Flow { links: vec![], demand: Some(3.0) }, flow(&[0, 0, 1])]);
    fs.solve();
    assert_eq!(fs.rates(g), vec![f64::INFINITY, f64::INFINITY, 3.0, 5.0]);
    let empty = fs.add(&[]);
    assert_eq!(fs.slowest(empty), None);
    assert_eq!(fs.slowest(g), Some((3.0, None)));
}

/// An event: add a group of flows, or remove the `k`-th live group (mod their count).
#[derive(Debug, Clone)]
enum Op {
    Add(Vec<Flow>),
    Remove(usize),
    Solve,
}

fn case() -> impl Strategy<Value = (Vec<f64>, Vec<Op>)> {
    (1usize..20, any::<bool>()).prop_flat_map(|(links, ties)| {
        let value = move |lo: f64, hi: f64| {
            if ties { (0u32..6).prop_map(f64::from).boxed() } else { (lo..hi).boxed() }
        };
        let caps = proptest::collection::vec(value(1.0, 100.0), links);
        let ids = (0..links as u32).collect::<Vec<_>>();
        let flow = (proptest::sample::subsequence(ids, 0..=links.min(4)), proptest::option::of(value(0.5, 80.0)))
            .prop_map(|(links, demand)| Flow { links, demand });
        let op = prop_oneof![
            3 => proptest::collection::vec(flow, 0..6).prop_map(Op::Add),
            2 => any::<usize>().prop_map(Op::Remove),
            1 => Just(Op::Solve),
        ];
        (caps, proptest::collection::vec(op, 1..30))
    })
}

proptest! {
    /// After every solve, each live flow has the rate a full solve of all
    /// live flows gives it (the fast solver and the rescanning reference),
    /// and every group whose rates moved is reported.
    #[test]
    fn incremental_matches_full_solves((caps, ops) in case()) {
        let mut fs = FairShare::new(caps);
        let mut live: Vec<GroupId> = Vec::new();
        let mut before: Vec<(GroupId, Vec<f64>)> = Vec::new();
        for op in ops {
            match op {
                Op::Add(flows) => live.push(fs.add(&flows)),
                Op::Remove(k) if !live.is_empty() => {
                    let g = live.remove(k % live.len());
                    fs.remove(g);
                    before.retain(|(h, _)| *h != g);
                }
                Op::Remove(_) => {}
                Op::Solve => {
                    let changed = fs.solve();
                    check_against(&fs, max_min_fair).map_err(TestCaseError::fail)?;
                    check_against(&fs, max_min_fair_reference).map_err(TestCaseError::fail)?;
                    for &g in &live {
                        let now = fs.rates(g);
                        let was = before.iter().find(|(h, _)| *h == g).map(|(_, r)| r.clone());
                        let moved = match was {
                            None => !now.is_empty(),
                            Some(w) => w.len() != now.len() || w.iter().zip(&now).any(|(a, b)| !same(*a, *b)),
                        };
                        prop_assert!(!moved || changed.contains(&g), "group {g:?} moved but was not reported");
                    }
                    before = live.iter().map(|&g| (g, fs.rates(g))).collect();
                }
            }
        }
        fs.solve();
        check_against(&fs, max_min_fair).map_err(TestCaseError::fail)?;
    }
}
