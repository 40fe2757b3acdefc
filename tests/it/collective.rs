use crate::run;
use serde_json::Value;

fn rows(args: &[&str]) -> Vec<Value> {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["rows"].as_array().unwrap().clone()
}

#[test]
fn json_rows_have_nccl_tests_fields() {
    let r = rows(&["collective", "--system", "hgx-h200", "--gpus", "8", "--sizes", "32K:16G", "--format", "json"]);
    assert_eq!(r.len(), 20);
    for row in &r {
        for key in ["size_bytes", "time_s", "algbw_gb_per_s", "busbw_gb_per_s", "algorithm"] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
        let (alg, bus) = (row["algbw_gb_per_s"].as_f64().unwrap(), row["busbw_gb_per_s"].as_f64().unwrap());
        assert!((bus / alg - 1.75).abs() < 1e-9, "all_reduce on 8 ranks: busbw = 2(n-1)/n algbw");
    }
    // Measured 482 GB/s at 16 GiB with NVLS (stas00/ml-engineering).
    let last = r.last().unwrap()["busbw_gb_per_s"].as_f64().unwrap();
    assert!((last - 482.26).abs() / 482.26 < 0.10, "{last}");
}

#[test]
fn table_like_nccl_tests() {
    let (code, out, err) =
        run(&["collective", "--system", "hgx-h100", "--gpus", "64", "--op", "all_gather", "--sizes", "1M:64M"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("hgx-h100: 64 GPUs in 8 scale-up domains of 8"), "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn every_op_runs_and_bus_factors_follow_nccl_tests() {
    for (op, factor) in
        [("reduce_scatter", 7.0 / 8.0), ("all_to_all", 7.0 / 8.0), ("broadcast", 1.0), ("sendrecv", 1.0)]
    {
        let r = rows(&[
            "collective",
            "--system",
            "mi300x-8",
            "--gpus",
            "8",
            "--op",
            op,
            "--sizes",
            "1G",
            "--format",
            "json",
        ]);
        let ratio = r[0]["busbw_gb_per_s"].as_f64().unwrap() / r[0]["algbw_gb_per_s"].as_f64().unwrap();
        assert!((ratio - factor).abs() < 1e-9, "{op}: {ratio}");
    }
}

#[test]
fn forcing_an_algorithm() {
    let ring =
        rows(&["collective", "--system", "hgx-h200", "--sizes", "8G", "--algorithm", "ring", "--format", "json"]);
    assert_eq!(ring[0]["algorithm"], "ring");
    // Measured with NVLS off: 365.6 GB/s.
    let bus = ring[0]["busbw_gb_per_s"].as_f64().unwrap();
    assert!((bus - 365.6).abs() / 365.6 < 0.05, "{bus}");
    let (code, _, err) = run(&["collective", "--system", "mi300x-8", "--algorithm", "nvls", "--sizes", "1M"]);
    assert_eq!(code, 1);
    assert!(err.contains("algorithm `nvls` cannot run all_reduce on this group; applicable: ring"), "{err}");
}

#[test]
fn fewer_mesh_gpus_get_less_bandwidth() {
    let bus = |n: &str| {
        rows(&["collective", "--system", "mi300x-8", "--gpus", n, "--sizes", "4G", "--format", "json"])[0]["busbw_gb_per_s"]
            .as_f64()
            .unwrap()
    };
    assert!(bus("4") < bus("8") * 0.5);
}

#[test]
fn oversubscription_and_scale() {
    let bus = |extra: &[&str]| {
        let mut args = vec![
            "collective",
            "--system",
            "hgx-h100",
            "--gpus",
            "4096",
            "--op",
            "all_to_all",
            "--sizes",
            "1G",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        rows(&args)[0]["busbw_gb_per_s"].as_f64().unwrap()
    };
    assert!(bus(&["--oversubscription", "3"]) < bus(&[]) * 0.5);
}

#[test]
fn astra_topology_file() {
    let r = rows(&["collective", "--topology", "good/astra_2d.yml", "--sizes", "1M,1G", "--format", "json"]);
    assert_eq!(r.len(), 2);
    let bus = r[1]["busbw_gb_per_s"].as_f64().unwrap();
    // 4 domains of 8: a ring's fabric share is 8 x 50 GiB/s, below the 450 GiB/s scale-up links.
    assert!(bus > 100.0 && bus < 8.0 * 50.0 * 1.0737, "{bus}");
    let (code, _, err) = run(&["collective", "--topology", "good/astra_2d.yml", "--gpus", "16"]);
    assert_eq!(code, 1);
    assert!(err.contains("--gpus 16 does not match the 32 NPUs"), "{err}");
}

#[test]
fn bad_topology_file() {
    let (code, _, err) = run(&["collective", "--topology", "bad/astra_bad.yml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn bad_sizes_and_counts() {
    let (code, _, err) = run(&["collective", "--system", "hgx-h100", "--sizes", "1Q"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err, @"error: --sizes: invalid size `1Q`: unknown suffix `Q`; expected bytes with an optional K, M, G or T suffix (powers of 1024), e.g. 32K or 16G, a range 32K:16G (doubling) or a list 1M,4M");
    let (code, _, err) = run(&["collective", "--system", "hgx-h100", "--gpus", "12"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("12 GPUs do not fit `hgx-h100`: above one 8-GPU scale-up domain, use whole domains, e.g. 8 or 16"),
        "{err}"
    );
    let (code, _, err) = run(&["collective", "--system", "gb30"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown system `gb30`; did you mean `gb300-nvl72`?"), "{err}");
    let (code, _, err) = run(&["collective", "--gpus", "8"]);
    assert_eq!(code, 1);
    assert!(err.contains("--system"), "{err}");
    let (code, _, err) = run(&["collective", "--system", "hgx-h100", "--gpus", "64", "--oversubscription", "0.5"]);
    assert_eq!(code, 1);
    assert!(err.contains("oversubscription 0.5 is not a ratio of at least 1"), "{err}");
}

#[test]
fn validate_prints_predicted_vs_measured() {
    let (code, out, err) = run(&["validate", "--what", "collectives"]);
    assert_eq!(code, 0, "{err}");
    // One line per system and scope, the split, the summary and what was not compared.
    for needle in ["gb300-nvl72", "fit rows:", "all check rows >= 64 MiB", "not compared"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    assert!(out.contains("gb200-nvl72  scale-up"), "{out}");
    let (_, json, _) = run(&["validate", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v["training"]["rows"].as_array().is_some_and(|r| r.len() >= 20));
    let rows = v["collectives"]["rows"].as_array().unwrap();
    assert!(rows.len() >= 400);
    for r in rows {
        let (m, p) = (r["measured_busbw_gb_per_s"].as_f64().unwrap(), r["predicted_busbw_gb_per_s"].as_f64().unwrap());
        assert!(m > 0.0 && p.is_finite() && p > 0.0, "{r}");
        assert!(r["source"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
    }
    assert!(v["collectives"]["systems"].as_array().is_some_and(|s| s.len() >= 15));
    let contention = &v["contention"];
    assert!(contention["rows"].as_array().is_some_and(|r| r.len() >= 8), "{contention}");
}

#[test]
fn validate_contention_fits_one_row_and_checks_the_rest() {
    let (code, out, err) = run(&["validate", "--what", "contention", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let fit: Vec<&Value> = rows.iter().filter(|r| r["role"] == "fit").collect();
    assert_eq!(fit.len(), 1, "one fit row: {rows:?}");
    assert!(fit[0]["error"].as_f64().unwrap().abs() < 0.01, "{}", fit[0]);
    // The catalog's Spectrum-X efficiency is the one that reproduces the fit row.
    let f = &v["fitted"][0];
    assert_eq!(f["fabric"], "spectrum-x");
    assert!((f["fitted"].as_f64().unwrap() - f["catalog"].as_f64().unwrap()).abs() < 0.005, "{f}");
    // Every routing has check rows, each with a source and a finite model figure in 0..1.
    for routing in ["ecmp", "d-mod-k", "adaptive"] {
        assert!(rows.iter().any(|r| r["role"] == "check" && r["routing"] == routing), "{routing}");
    }
    for r in rows {
        let m = r["model"].as_f64().unwrap();
        assert!(m > 0.0 && m <= 1.0 && !r["source"].as_str().unwrap().is_empty(), "{r}");
    }
    // Static routing loses bandwidth to collisions on the same tree where adaptive routing does not.
    let share = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap()["model"].as_f64().unwrap();
    assert!(share("R01") < 0.7 && share("R02") > 0.95, "{} {}", share("R01"), share("R02"));
    assert!(share("R05") > share("R04"), "more queue pairs spread more");
    assert!(v["skipped"].as_array().is_some_and(|s| s.len() >= 3 && s.iter().all(|x| x["reason"].is_string())));
    let (code, table, _) = run(&["validate", "--what", "contention"]);
    assert_eq!(code, 0);
    assert!(table.contains("check rows, ecmp: mean |error|") && table.contains("not compared: R09"), "{table}");
}
