use crate::run;
use serde_json::Value;

#[test]
fn no_arguments_runs_the_flagship() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("flagship");
    let (code, out, err) = run(&["--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("running the flagship scenario scenarios/azure-gb300.toml"), "{err}");
    assert!(out.starts_with("claim \"over 200 exaflops of AI compute\""), "{out}");
    assert!(out.contains("holds only if: only as sparse FP4"), "{out}");
    assert!(out.contains("200.2 EF of sparse FP4 at nameplate: 10,008 GPUs in"), "{out}");
    assert!(out.contains(&format!("report: {}", out_dir.join("report.html").display())), "{out}");
    assert!(out_dir.join("report.html").is_file());
}

#[test]
fn microsofts_64_racks_are_its_92_exaflops_and_200_need_139() {
    // Microsoft's first GB300 NVL72 production cluster: 4,608 GPUs, "92.1 exaflops of FP4"
    // (Azure blog, 2025-10-09): the vendor's sparse headline, reproduced from per-GPU figures.
    let sparse_fp4 = |file: &str| {
        let (code, out, err) = run(&["check", file, "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let fp4 = v["peaks"].as_array().unwrap().iter().find(|p| p["precision"] == "fp4").unwrap().clone();
        (v["gpus"].as_u64().unwrap(), fp4["sparse_eflops"].as_f64().unwrap(), fp4["dense_eflops"].as_f64().unwrap())
    };
    let (gpus, sparse, dense) = sparse_fp4("../../scenarios/cio-own-vs-rent-gb300.toml");
    assert_eq!(gpus, 4608);
    assert!((sparse - 92.1).abs() / 92.1 < 0.01, "{sparse}");
    assert!((dense - 69.12).abs() < 1e-9);
    // "Over 200 exaflops" at the same reading: 139 racks.
    let (gpus, sparse, _) = sparse_fp4("../../scenarios/azure-gb300.toml");
    assert_eq!(gpus, 139 * 72);
    assert!(sparse > 200.0 && sparse - 1.44 < 200.0, "{sparse}: the fewest racks over 200 EF");
}

#[test]
fn check_summarises_a_scenario_in_every_format() {
    let (code, table, _) = run(&["check", "good/tiny.toml"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(table);
    let (_, csv, _) = run(&["check", "good/tiny.toml", "--format", "csv"]);
    assert!(csv.starts_with("metric,value,unit\nscenario,tiny,\n"));
    let (_, json, _) = run(&["check", "good/tiny.toml", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!((v["gpus"].as_u64(), v["nodes"].as_u64(), v["racks"].as_u64()), (Some(16), Some(2), Some(1)));
    assert_eq!(v["site"], "quincy-wa");
    assert_eq!(v["electricity_usd_per_kwh"], 0.0635);
}

#[test]
fn flagship_training_job_reports_sustained_flops() {
    let (code, out, _) = run(&["check", "../../scenarios/azure-gb300.toml", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let t = &v["training"];
    assert_eq!(t["model"], "llama3-405b");
    assert_eq!(t["fits"], true);
    let sustained = t["sustained_model_eflops"].as_f64().unwrap();
    let fp8_dense = v["peaks"].as_array().unwrap().iter().find(|p| p["precision"] == "fp8").unwrap()["dense_eflops"]
        .as_f64()
        .unwrap();
    assert!((sustained / fp8_dense - t["mfu"].as_f64().unwrap()).abs() < 1e-9, "sustained = MFU x peak");
    assert!(t["time_to_train_days"].as_f64().unwrap() > 0.0);
}

#[test]
fn seed_flag_overrides_and_is_echoed() {
    let (_, json, _) = run(&["check", "good/tiny.toml", "--format", "json", "--seed", "7"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["seed"], 7);
}

#[test]
fn same_input_gives_identical_output() {
    let a = run(&["check", "good/tiny.toml", "--format", "json"]);
    let b = run(&["check", "good/tiny.toml", "--format", "json"]);
    assert_eq!(a, b);
}

#[test]
fn warnings_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partial.toml");
    std::fs::write(&file, "[cluster]\nsystem = \"gb300-nvl72\"\nnodes = 20\n\n[facility]\npue = 1.02\n").unwrap();
    let (code, out, _) = run(&["check", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("warning: 80 GPUs is not a whole number of 72-GPU scale-up domains"), "{out}");
    assert!(out.contains("warning: PUE 1.02 is below the lowest annual PUE"), "{out}");
}

#[test]
fn user_catalog_site_is_usable_in_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("campus.toml");
    std::fs::write(
        &file,
        "[cluster]\nsystem = \"hgx-b200\"\nracks = 10\n\n[facility]\nsite = \"our-campus\"\npue = 1.3\n",
    )
    .unwrap();
    let (code, out, err) =
        run(&["--catalog", "good/my-catalog.toml", "check", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["electricity_usd_per_kwh"], 0.045);
    assert_eq!(v["gpus"], 320);
}
