//! Each class of bad input: exit code 1, file:line:column, a caret, and what
//! would be right. Messages are snapshotted.

use crate::run;

/// Checks `bad/NAME.toml` fails with exit 1 and returns its stderr.
fn check_fails(name: &str) -> String {
    let (code, out, err) = run(&["check", &format!("bad/{name}.toml")]);
    assert_eq!(code, 1, "{name}: stderr {err}");
    assert!(out.is_empty(), "{name}: nothing on stdout, got {out}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

macro_rules! bad_scenario {
    ($($name:ident => $expect:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let err = check_fails(stringify!($name));
            assert!(err.contains($expect), "{err}");
            insta::assert_snapshot!(err);
        }
    )*};
}

bad_scenario! {
    unknown_field => "unknown_field.toml:2:1: unknown field `systme`",
    wrong_type => "wrong_type.toml:3:9: invalid type: string \"64\", expected a whole number",
    unknown_ref => "did you mean `gb300-nvl72`?",
    malformed => "malformed.toml:1:9: unclosed table",
    dup => "dup.toml:4:1: duplicate key",
    zero_gpus => "zero_gpus.toml:3:8: `cluster.gpus` is 0",
    negative_power => "negative_power.toml:4:19: `cluster.gpu_power_cap_w` is -700 W",
    pue_below_one => "pue_below_one.toml:6:7: `facility.pue` is 0.95, but a PUE is at least 1",
    fraction_above_one => "fraction_above_one.toml:6:15: `workload.utilization` is 1.5",
    partial => "try 8 or 16",
    two_sizes => "`cluster.gpus` given as well as `cluster.racks`",
    cap_above_rating => "power cap 2000 W is above the gb300 rating of 1400 W",
    many_problems => "many_problems.toml has 6 problems",
    training => "unknown model `llama3-70c` at `training.model`",
    training_plan => "`[training]` plan does not fit the cluster: tp x pp x cp x dp = 8 x 3 x 1 x 2 = 48, but there are 64 GPUs",
}

#[test]
fn bad_user_catalog_value() {
    let (code, _, err) = run(&["--catalog", "bad/catalog_negative.toml", "catalog", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad/catalog_negative.toml:8:11: expected a value of zero or more, found -700"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn bad_user_catalog_reference_and_range() {
    let (code, _, err) = run(&["--catalog", "bad/catalog_unknown_ref.toml", "catalog", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("has 2 problems"), "{err}");
    assert!(err.contains("did you mean `us-virginia`?"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn bad_routing_in_catalog_and_scenario() {
    let (code, _, err) = run(&["--catalog", "bad/catalog_routing.toml", "catalog", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("catalog_routing.toml:4:6: fabric `my-ib`: `adaptive_efficiency` 0.2 is below 0.5"), "{err}");
    let (code, _, err) = run(&["--catalog", "bad/catalog_routing_unknown.toml", "catalog", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("catalog_routing_unknown.toml:9:11: unknown variant `spray`"), "{err}");
    let (code, _, err) = run(&["check", "bad/scenario_routing.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("scenario_routing.toml:6:11: `cluster.routing`: unknown routing `spray`"), "{err}");
    let (code, _, err) = run(&["check", "bad/scenario_oversubscription.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("scenario_oversubscription.toml:6:25: `cluster.leaf_oversubscription` is 0.5"), "{err}");
}

#[test]
fn missing_files_are_bad_input() {
    let (code, _, err) = run(&["check", "no-such.toml"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: cannot read scenario `no-such.toml`: "), "{err}");
    let (code, _, err) = run(&["--catalog", "no-such-catalog.toml", "catalog", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read catalog file `no-such-catalog.toml`"), "{err}");
}

#[test]
fn unknown_catalog_entry_suggests() {
    let (code, out, err) = run(&["catalog", "show", "mi355"]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!(err, @"error: no catalog entry has id or alias `mi355`; did you mean one of `mi355x`, `mi325x`, `mi355x-8`?");
}

#[test]
fn bad_flags_are_bad_input() {
    let (code, _, err) = run(&["catalog", "list", "--kind", "gpus"]);
    assert_eq!(code, 1);
    assert!(err.contains("invalid value 'gpus' for '--kind <KIND>'"), "{err}");
    assert!(err.contains("[possible values: gpu, system"), "{err}");
    let (code, _, _) = run(&["frobnicate"]);
    assert_eq!(code, 1);
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Usage: rackscale"));
}

#[test]
fn failed_out_write_keeps_earlier_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, _, _) = run(&["check", "good/tiny.toml", "--out", out]);
    assert_eq!(code, 0);
    let before = std::fs::read_to_string(dir.path().join("tiny-summary.json")).unwrap();
    let (code, _, _) = run(&["check", "bad/zero_gpus.toml", "--out", out]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read_to_string(dir.path().join("tiny-summary.json")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn check_text(text: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    run(&["check", file.to_str().unwrap()])
}

#[test]
fn huge_counts_are_bad_input_not_a_crash() {
    let (code, _, err) = check_text("[cluster]\nsystem = \"hgx-h100\"\ngpus = 4294967295\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("4294967295 GPUs is not a whole number of `hgx-h100` nodes of 8 GPUs"), "{err}");
    let (code, _, err) = check_text("[cluster]\nsystem = \"hgx-h100\"\ngpus = 5000000000\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`cluster.gpus` is 5000000000, too large to model"), "{err}");
    let (code, _, err) = check_text("[cluster]\nsystem = \"gb300-nvl72\"\nracks = 4000000000\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("too large to simulate"), "{err}");
}

#[test]
fn unreadable_scenarios_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"name = \"caf\xe9\"\n").unwrap();
    let (code, _, err) = run(&["check", latin1.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("scenario `") && err.contains("is not UTF-8 text"), "{err}");
}

#[test]
fn empty_scenario_asks_for_the_cluster_table() {
    let (code, _, err) = check_text("");
    assert_eq!(code, 1);
    assert!(err.contains("s.toml: missing table `[cluster]`"), "{err}");
}

#[test]
fn infinite_pue_is_rejected() {
    let (code, _, err) = check_text("[cluster]\nsystem = \"hgx-h100\"\nnodes = 1\n[facility]\npue = inf\n");
    assert_eq!(code, 1);
    assert!(err.contains("`facility.pue` is inf, but it must be a finite number"), "{err}");
}

#[test]
fn power_cap_problems_are_reported_with_size_problems() {
    let (code, _, err) = check_text("[cluster]\nsystem = \"hgx-h100\"\ngpus = 0\ngpu_power_cap_w = 900\n");
    assert_eq!(code, 1);
    assert!(err.contains("has 2 problems"), "{err}");
    let (code, out, _) = check_text("[cluster]\nsystem = \"hgx-h100\"\nnodes = 1\ngpu_power_cap_w = 100\n");
    assert_eq!(code, 0);
    assert!(out.contains("warning: power cap 100 W is less than half the h100 rating of 700 W"), "{out}");
}
