use crate::run;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

const MLPERF_GPT3: [&str; 22] = [
    "step",
    "--model",
    "gpt3-175b",
    "--system",
    "hgx-h100",
    "--gpus",
    "512",
    "--tp",
    "4",
    "--pp",
    "8",
    "--vp",
    "4",
    "--micro-batch",
    "2",
    "--global-batch",
    "2304",
    "--seq-len",
    "2048",
    "--precision",
    "fp8",
    "--format",
];

#[test]
fn step_json_has_the_promised_fields() {
    let mut args = MLPERF_GPT3.to_vec();
    args.push("json");
    let v = json(&args);
    for key in ["step_time_s", "tokens_per_s", "model_tflops_per_gpu", "mfu", "hfu", "memory_per_gpu_bytes", "fits"] {
        assert!(v.get(key).is_some_and(|x| !x.is_null()), "{key} missing: {v}");
    }
    for key in ["compute_s", "tp_s", "pp_s", "dp_s", "cp_s", "ep_s", "bubble_s", "optimizer_s"] {
        assert!(v["breakdown"].get(key).is_some(), "breakdown.{key} missing");
    }
    // MLPerf Training v4.0 (NVIDIA Eos, 512 H100): median step 10.98 s.
    let t = v["step_time_s"].as_f64().unwrap();
    assert!((t - 10.98).abs() / 10.98 < 0.10, "{t}");
    assert_eq!(v["fits"], true);
}

#[test]
fn step_table_and_time_to_train() {
    let mut args = MLPERF_GPT3.to_vec();
    args.push("table");
    args.extend(["--tokens", "3e11", "--goodput", "0.9"]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("MFU") && out.contains("time to train") && out.contains("days"), "{out}");
}

#[test]
fn plan_ranks_fitting_plans() {
    let v = json(&[
        "plan",
        "--model",
        "llama3-70b",
        "--system",
        "hgx-h100",
        "--gpus",
        "256",
        "--global-batch",
        "512",
        "--top",
        "3",
        "--format",
        "json",
    ]);
    let plans = v["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 3);
    assert!(v["evaluated"].as_u64().unwrap() > 100);
    let t: Vec<f64> = plans.iter().map(|p| p["step_time_s"].as_f64().unwrap()).collect();
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "{t:?}");
    assert!(plans.iter().all(|p| p["memory_per_gpu_bytes"].as_f64().unwrap() < 80e9));
}

#[test]
fn plan_sizes_a_cluster_for_a_deadline() {
    let v = json(&[
        "plan",
        "--model",
        "llama3-8b",
        "--system",
        "hgx-h100",
        "--gpus",
        "1024",
        "--global-batch",
        "512",
        "--tokens",
        "1e12",
        "--deadline-days",
        "30",
        "--top",
        "1",
        "--format",
        "json",
    ]);
    let g = v["gpus_for_deadline"].as_u64().expect("some size meets 30 days");
    let sizing = v["sizing"].as_array().unwrap();
    let first = sizing.iter().position(|r| r["meets_deadline"] == true).unwrap();
    assert_eq!(sizing[first]["gpus"].as_u64(), Some(g));
    assert!(sizing[first]["time_to_train_days"].as_f64().unwrap() <= 30.0);
    // Sizing stops at the first size that meets it at P90, or runs out; the
    // P90 of every row is at or above its estimate.
    for (i, r) in sizing.iter().enumerate() {
        let (d, d90) = (r["time_to_train_days"].as_f64(), r["time_to_train_days_p90"].as_f64());
        if let (Some(d), Some(d90)) = (d, d90) {
            assert!(d90 >= d, "{r}");
        }
        assert_eq!(r["meets_deadline_p90"] == true, i + 1 == sizing.len() && v["gpus_for_deadline_p90"].is_u64());
    }
    if let Some(g90) = v["gpus_for_deadline_p90"].as_u64() {
        assert!(g90 >= g);
    }
}

#[test]
fn same_search_gives_identical_output() {
    let args = ["plan", "--model", "mixtral-8x7b", "--system", "hgx-h100", "--gpus", "128", "--format", "json"];
    assert_eq!(run(&args), run(&args));
}

#[test]
fn validate_training_table() {
    let (code, out, err) = run(&["validate", "--what", "training"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("T002") && out.contains("check rows"), "{out}");
}

#[test]
fn bad_plans_name_the_rule() {
    let base = ["step", "--model", "gpt3-175b", "--system", "hgx-h100", "--gpus", "512"];
    let case = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        let (code, out, err) = run(&a);
        assert_eq!((code, out.as_str()), (1, ""), "{err}");
        err
    };
    assert!(
        case(&["--tp", "8", "--pp", "8", "--dp", "4"])
            .contains("tp x pp x cp x dp = 8 x 8 x 1 x 4 = 256, but there are 512 GPUs")
    );
    assert!(case(&["--tp", "8", "--pp", "5"]).contains("= 480, but there are 512 GPUs"));
    assert!(
        case(&["--tp", "8", "--pp", "16", "--vp", "8"])
            .contains("at least one layer per pipeline chunk (pp x vp <= layers): 96 layers over 16 x 8 = 128 stages")
    );
    assert!(case(&["--tp", "16", "--pp", "4"]).contains("tp 16 exceeds the 8-GPU scale-up domain"));
    assert!(
        case(&["--tp", "8", "--pp", "8", "--precision", "fp4"])
            .contains("h100 has no nvfp4 tensor cores; use tf32, bf16, fp8")
    );
    assert!(case(&["--tp", "8", "--pp", "8", "--global-batch", "0"]).contains("global batch must be at least 1"));
    assert!(case(&["--tp", "8", "--pp", "8", "--seq-len", "0"]).contains("sequence length must be at least 1"));
    assert!(
        case(&["--tp", "8", "--pp", "8", "--global-batch", "100"])
            .contains("global batch divisible by micro-batch x dp")
    );
    let (code, _, err) = run(&["step", "--model", "llama3-400b", "--system", "hgx-h100", "--gpus", "8"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown model `llama3-400b`; did you mean"), "{err}");
    let (code, _, err) = run(&["step", "--model", "llama3-8b", "--system", "hgx-h100", "--gpus", "24", "--tp", "3"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err, @"error: invalid plan: heads divisible by tp: 32 heads over tp 3");
}
