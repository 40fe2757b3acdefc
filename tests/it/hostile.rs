//! What a hostile user found (issue 13): each input that once came through
//! with exit 0 and an impossible or non-finite result, or with the wrong
//! exit code or a misleading message, now exits 1 with a message that names
//! the field or flag.

use super::{fixtures, run};
use std::fs;

/// Writes `text` to a temporary scenario and runs `args` with its path last.
fn with_file(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    fs::write(&file, text).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    all.push(file.to_str().unwrap());
    run(&all)
}

fn small(replace: &str, with: &str) -> String {
    let text = fs::read_to_string(fixtures().join("good/sim-small.toml")).unwrap();
    assert!(text.contains(replace), "{replace}");
    text.replacen(replace, with, 1)
}

#[test]
fn endless_and_binary_inputs_are_bad_input_with_a_cap() {
    if std::path::Path::new("/dev/zero").exists() {
        let (code, _, err) = run(&["--max-input", "1M", "check", "/dev/zero"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("larger than 1048576 bytes"), "{err}");
        let (code, _, err) =
            run(&["--max-input", "1M", "simulate", "good/sim-small.toml", "--trace", "/dev/zero", "--quiet"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("trace `/dev/zero` is larger"), "{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("w.csv");
    fs::write(&bin, b"month,day\xff\n").unwrap();
    for args in [
        vec!["facility", "--it-load-mw", "10", "--weather", bin.to_str().unwrap()],
        vec!["facility", "--it-load-mw", "10", "--site", "dallas-tx", "--it-series", bin.to_str().unwrap()],
        vec!["simulate", "good/sim-small.toml", "--quiet", "--trace", bin.to_str().unwrap()],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("is not UTF-8 text"), "{args:?}: {err}");
    }
    let (code, _, err) = run(&["--max-input", "lots", "check", "good/tiny.toml"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn out_naming_a_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    let (code, _, err) = run(&["check", "good/tiny.toml", "--out", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is a file; give a directory"), "{err}");
}

#[test]
fn simulation_values_out_of_range_name_their_field() {
    for (replace, with, field) in [
        ("params_billions = 70", "params_billions = 1e305", "simulation.frontier.params_billions"),
        (
            "node_failures_per_1000_node_days = 30",
            "node_failures_per_1000_node_days = 1e9",
            "node_failures_per_1000_node_days",
        ),
        ("weights = [0.4, 0.3, 0.2, 0.1]", "weights = [0, 0, 0, 0]", "every weight in `simulation.mix.weights` is 0"),
        ("repair_hours = 24", "repair_hours = 24\n[simulation.checkpoint]\nbytes_per_param = 1e308", "bytes_per_param"),
    ] {
        let (code, _, err) = with_file("s.toml", &small(replace, with), &["check"]);
        assert_eq!(code, 1, "{with}: {err}");
        assert!(err.contains(field), "{with}: {err}");
    }
}

const TCO: &str = r#"
[facility]
pue = 1.2
electricity_usd_per_kwh = 0.08

[tco]
start_year = 2026
data_tb = 10

[[tco.option]]
kind = "on_demand"
usd_per_gpu_hour = 2.5
"#;

#[test]
fn tco_values_out_of_range_name_their_field() {
    let base = small("scheduler = \"easy\"", "scheduler = \"easy\"") + TCO;
    for (replace, with, field) in [
        ("start_year = 2026", "start_year = -5", "`tco.start_year` is -5"),
        ("data_tb = 10", "data_tb = 1e308", "`tco.data_tb` is 1e308"),
        ("pue = 1.2", "pue = 1e308", "`facility.pue` is 1e308"),
        ("electricity_usd_per_kwh = 0.08", "electricity_usd_per_kwh = 1e308", "electricity_usd_per_kwh"),
    ] {
        let text = base.replacen(replace, with, 1);
        let (code, _, err) = with_file("s.toml", &text, &["check"]);
        assert_eq!(code, 1, "{with}: {err}");
        assert!(err.contains(field), "{with}: {err}");
    }
    // A negative price is one problem, not also "the option has no price".
    let text = base.replacen("usd_per_gpu_hour = 2.5", "usd_per_gpu_hour = -1", 1);
    let (code, _, err) = with_file("s.toml", &text, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("usd_per_gpu_hour") && !err.contains("has no price"), "{err}");
    let (code, _, err) = run(&["facility", "--it-load-mw", "10", "--site", "dallas-tx", "--price", "1e308"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--price is 1e308"), "{err}");
}

#[test]
fn a_simulation_result_out_of_range_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    fs::write(&scenario, small("scheduler = \"easy\"", "scheduler = \"easy\"") + TCO).unwrap();
    for (u, g) in [(7.0, 0.9), (-1.0, 0.9), (0.5, 1.79)] {
        let sim = dir.path().join("sim.json");
        fs::write(&sim, format!(r#"{{"summary": {{"utilization": {u}, "goodput": {g}}}}}"#)).unwrap();
        let (code, _, err) = run(&["tco", scenario.to_str().unwrap(), "--sim", sim.to_str().unwrap()]);
        assert_eq!(code, 1, "{u} {g}: {err}");
        assert!(err.contains("a share from 0 to 1 is expected"), "{err}");
    }
}

#[test]
fn a_catalog_override_with_a_zero_rate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.toml");
    let (_, json, _) = run(&["catalog", "show", "h100", "--format", "json"]);
    assert!(json.contains("bf16_tflops"));
    for (field, line) in [("bf16_tflops", "bf16_tflops = 0"), ("hbm_tb_per_s", "hbm_tb_per_s = 0")] {
        let mut text = String::from(
            "[[gpu]]\nid = \"h100\"\nname = \"H100\"\nvendor = \"NVIDIA\"\nbf16_tflops = 989\nhbm_gb = 80\n\
             hbm_tb_per_s = 3.35\npower_w = 700\npower_rating = \"tdp\"\nscaleup_gb_per_s = 900\n\
             scaleup_tech = \"nvlink4\"\nscaleup_domain = 8\nnic_gbps = 400\nsource = \"x\"\ndate = \"2024-01\"\n",
        );
        let key = line.split(' ').next().unwrap();
        let at = text.find(&format!("{key} = ")).unwrap();
        let end = at + text[at..].find('\n').unwrap();
        text.replace_range(at..end, line);
        fs::write(&cat, &text).unwrap();
        let (code, _, err) = run(&[
            "--catalog",
            cat.to_str().unwrap(),
            "step",
            "--model",
            "llama3-8b",
            "--system",
            "hgx-h100",
            "--gpus",
            "8",
        ]);
        assert_eq!(code, 1, "{field}: {err}");
        assert!(err.contains(&format!("`{field}` is 0, but it must be above 0")), "{err}");
    }
}

#[test]
fn plans_say_what_is_wrong() {
    let (code, _, err) = run(&["plan", "--model", "llama3-8b", "--system", "hgx-h100", "--gpus", "12"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("whole 8-GPU nodes, e.g. 8 or 16"), "{err}");
    let (code, _, err) =
        run(&["plan", "--model", "llama3-405b", "--system", "hgx-h100", "--gpus", "8", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: none of the") && err.contains("fits in memory"), "{err}");
    let (code, out, _) = run(&[
        "plan",
        "--model",
        "llama3-8b",
        "--system",
        "hgx-h100",
        "--gpus",
        "16",
        "--tokens",
        "1e13",
        "--deadline-days",
        "1",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("warning: no cluster size up to 16 GPUs meets the deadline"), "{out}");
    let (code, _, err) =
        run(&["step", "--model", "llama3-8b", "--system", "hgx-h100", "--gpus", "8", "--cp", "1000000000"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("= 1000000000 GPUs, more than --gpus 8"), "{err}");
}

#[test]
fn a_calibration_for_another_device_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    let text = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/calibration/default.toml")).unwrap();
    // Keep only the cpu-free part: a profile whose devices exclude h100.
    let without: String = text.replace("accelerator = \"h100\"", "accelerator = \"not-h100\"");
    fs::write(&profile, without).unwrap();
    let (code, _, err) = run(&[
        "step",
        "--model",
        "llama3-8b",
        "--system",
        "hgx-h100",
        "--gpus",
        "8",
        "--calibration",
        profile.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("has no values for `h100`"), "{err}");
    let (code, _, err) = run(&["calibrate", "--to", "h100", "--quick"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("give --transfer PROFILE too"), "{err}");
}

#[test]
fn a_huge_trace_job_is_named_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("t.csv");
    fs::write(&trace, "job_id,submit_time_s,gpus,duration_s\na,0,1e20,100\n").unwrap();
    let (code, _, err) = run(&["simulate", "good/sim-small.toml", "--quiet", "--trace", trace.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`gpus` is 1e20, more than"), "{err}");
}

#[test]
fn a_job_that_needs_every_node_without_spares_is_said() {
    let text = small("hot_spare_nodes = 2", "hot_spare_nodes = 0").replacen("gpus = 128", "gpus = 256", 1);
    let (code, out, err) = with_file("s.toml", &text, &["simulate", "--quiet", "--days", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("warning: job") && out.contains("no hot spare"), "{out}");
}

#[test]
fn what_tco_and_simulate_need_is_checked_with_the_scenario() {
    // Once found only when the command ran, without a line: now `check` points at it.
    let text = small("gpus = [1, 8, 32, 64]", "gpus = [1, 8, 32, 512]");
    let (code, _, err) = with_file("s.toml", &text, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a 512-GPU job in `simulation.mix.gpus`, but the cluster has 256 GPUs"), "{err}");
    let text = small("scheduler = \"easy\"", "scheduler = \"easy\"")
        + TCO.replacen("usd_per_gpu_hour = 2.5", "offer = \"aws-p6-b200-48xlarge-on-demand\"", 1).as_str();
    let (code, _, err) = with_file("s.toml", &text, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("rents b200 GPUs, but the cluster's GPUs are h100"), "{err}");
    let text = small("scheduler = \"easy\"", "scheduler = \"easy\"")
        + TCO.replacen("pue = 1.2\n", "", 1).replacen("electricity_usd_per_kwh = 0.08\n", "", 1).as_str();
    let (code, _, err) = with_file("s.toml", &text, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("has no PUE") && err.contains("has no electricity price"), "{err}");
}
