//! `simulate`: shipped scenarios, determinism, traces and bad input.

use super::{fixtures, run};

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

#[test]
fn llama3_54_days_reports_interruptions_and_ettr() {
    let v = json(&["simulate", "../../scenarios/llama3-405b-16k-h100-54d.toml", "--format", "json"]);
    let s = &v["summary"];
    for key in ["interruptions", "mtti_hours", "ettr", "goodput", "utilization", "jobs_completed"] {
        assert!(!s[key].is_null(), "summary.{key} missing: {s}");
    }
    for p in ["p50", "p90", "p99"] {
        assert!(s["queue_delay_s"][p].is_number());
    }
    // 2,048 nodes x 54 days x 6.5 / 1,000 node-days = 719 expected failures.
    let n = s["interruptions"].as_f64().unwrap();
    assert!((n - 719.0).abs() < 4.0 * 719f64.sqrt(), "{n}");
    let ettr = s["ettr"].as_f64().unwrap();
    assert!(ettr > 0.7 && ettr < 0.97, "{ettr}");
}

#[test]
fn same_seed_is_byte_identical_whatever_the_thread_count() {
    let args = ["simulate", "../../scenarios/gb300-100k-gpu-year.toml", "--days", "10", "--format", "json"];
    let go = |threads: &str| {
        let out = super::rackscale().env("RAYON_NUM_THREADS", threads).args(args).output().unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = go("1");
    assert_eq!(one, go("2"));
    assert_eq!(one, go("8"));
    let (_, other, _) = run(&[
        "simulate",
        "../../scenarios/gb300-100k-gpu-year.toml",
        "--days",
        "10",
        "--seed",
        "9",
        "--format",
        "json",
    ]);
    assert_ne!(String::from_utf8(one).unwrap(), other);
}

#[test]
fn small_cluster_table_csv_and_out_files() {
    let (code, out, err) = run(&["simulate", "good/sim-small.toml"]);
    assert_eq!(code, 0, "{err}");
    for row in ["job interruptions (failure-caused)", "ettr (largest job)", "queueing delay p50 / p90 / p99"] {
        assert!(out.contains(row), "{out}");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, _, err) = run(&["simulate", "good/sim-small.toml", "--out", d, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let jobs = std::fs::read_to_string(dir.path().join("sim-small-jobs.csv")).unwrap();
    assert_eq!(jobs.lines().count(), 1 + 301 - count_after_horizon());
    assert!(dir.path().join("sim-small-series.csv").exists());
    assert!(dir.path().join("sim-small-simulation.json").exists());
}

/// Mix jobs due after day 20 (one every hour on average: about 300 - 480 fit).
fn count_after_horizon() -> usize {
    let v = json(&["simulate", "good/sim-small.toml", "--format", "json"]);
    v["summary"]["jobs_after_horizon"].as_u64().unwrap() as usize
}

#[test]
fn trace_replay_compares_queueing_with_the_trace() {
    let v = json(&["simulate", "good/trace-replay.toml", "--format", "json"]);
    let t = &v["trace"];
    assert_eq!((t["rows"].as_u64(), t["replayed"].as_u64()), (Some(5), Some(3)));
    assert_eq!((t["cpu_only"].as_u64(), t["never_ran"].as_u64()), (Some(1), Some(1)));
    assert_eq!(t["trace_queue_delay_s"]["p99"].as_f64(), Some(400.0));
    // 8 + 16 + 1 GPUs fit 32 at once: no queueing in the replay.
    assert_eq!(t["simulated_queue_delay_s"]["p99"].as_f64(), Some(0.0));
    assert_eq!(v["summary"]["jobs_completed"].as_u64(), Some(3));
}

fn fails(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 1, "stdout: {out}\nstderr: {err}");
    assert!(out.is_empty());
    err
}

#[test]
fn bad_traces_name_file_line_and_column() {
    let e = fails(&["simulate", "good/trace-replay.toml", "--trace", "bad/trace_missing_column.csv"]);
    assert!(e.contains("bad/trace_missing_column.csv:1:1") && e.contains("gpus"), "{e}");
    let e = fails(&["simulate", "good/trace-replay.toml", "--trace", "bad/trace_bad_values.csv"]);
    assert!(e.contains("trace_bad_values.csv:3:3") && e.contains("trace_bad_values.csv:4:3"), "{e}");
    let e = fails(&["simulate", "good/trace-replay.toml", "--trace", "bad/trace_too_large.csv"]);
    assert!(e.contains("trace_too_large.csv:3:") && e.contains("4096 GPUs"), "{e}");
    let e = fails(&["simulate", "good/trace-replay.toml", "--trace", "bad/no_such.csv"]);
    assert!(e.contains("no_such.csv"), "{e}");
}

#[test]
fn bad_simulation_input_is_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let e = fails(&["simulate", "bad/sim_negative_hazard.toml", "--out", d]);
    assert!(
        e.contains("sim_negative_hazard.toml:9:") && e.contains("is -2") && e.contains("accepted: 0 to 1000"),
        "{e}"
    );
    let e = fails(&["simulate", "bad/sim_too_big.toml"]);
    assert!(e.contains("sim_too_big.toml:5:8") && e.contains("sim_too_big.toml:7:8"), "{e}");
    let e = fails(&["simulate", "good/tiny.toml"]);
    assert!(e.contains("no [simulation] table"), "{e}");
    let e = fails(&["simulate", "good/sim-small.toml", "--days=-3", "--out", d]);
    assert!(e.contains("--days"), "{e}");
    assert_eq!(std::fs::read_dir(fixtures().join(d)).unwrap().count(), 0);
}

#[test]
fn fabric_contention_is_reported_and_costs_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(super::fixtures().join("good/sim-contention.toml")).unwrap();
    let variant = |name: &str, from: &str, to: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text.replace(from, to)).unwrap();
        json(&["simulate", p.to_str().unwrap(), "--format", "json"])
    };
    // Static ECMP: ring flows of jobs spread over leaf groups collide on leaf uplinks.
    let ecmp = variant("ecmp.toml", "fabric = \"ib-xdr\"", "fabric = \"ib-xdr\"\nrouting = \"ecmp\"");
    let s = &ecmp["summary"];
    let share = s["fabric_share_mean"].as_f64().expect("fabric share with contention on");
    let p10 = s["fabric_share_p10"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0 && p10 > 0.0 && p10 < 1.0, "{share} {p10}");
    assert!(s["contention_gpu_hours"].as_f64().unwrap() > 0.0);
    assert!(s["fabric_jobs"].as_u64().unwrap() > 0);
    let slowest = s["slowest_fabric_jobs"].as_array().unwrap();
    assert!(!slowest.is_empty() && slowest[0]["bottleneck"].as_str().unwrap().contains("leaf"), "{slowest:?}");
    // The catalog's routing for XDR (adaptive) on its non-blocking tree: rings run at line rate.
    let adaptive = json(&["simulate", "good/sim-contention.toml", "--format", "json"]);
    assert_eq!(adaptive["summary"]["fabric_share_mean"].as_f64(), Some(1.0));
    assert_eq!(adaptive["summary"]["contention_gpu_hours"].as_f64(), Some(0.0));
    let off = variant("off.toml", "contention = true", "contention = false");
    assert!(off["summary"]["fabric_share_mean"].is_null());
    let done = |v: &serde_json::Value| v["summary"]["jobs_completed"].as_u64().unwrap();
    assert!(done(&ecmp) < done(&off), "contention must cost completions: {} vs {}", done(&ecmp), done(&off));
    assert_eq!(done(&adaptive), done(&off));
    // An oversubscribed tree is built and named; the routing comes from the scenario.
    let os = variant(
        "os.toml",
        "fabric = \"ib-xdr\"",
        "fabric = \"ib-xdr\"\nrouting = \"d-mod-k\"\nleaf_oversubscription = 3",
    );
    assert_eq!(os["network"]["tree"], "2-tier fat-tree, 3:1 at the leaves");
    assert_eq!(os["network"]["routing"], "d-mod-k");
    assert_eq!(os["network"]["routing_from"], "scenario");
    assert!(os["summary"]["fabric_share_mean"].as_f64().unwrap() < 1.0);
}

#[test]
fn replications_report_p10_p50_p90_identically_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    // The flagship with its failure rate left to the built-in default: the published fleets' span.
    let text = std::fs::read_to_string(fixtures().join("../../scenarios/azure-gb300.toml")).unwrap();
    let text: String =
        text.lines().filter(|l| !l.starts_with("node_failures_per_1000_node_days")).collect::<Vec<_>>().join("\n");
    let file = dir.path().join("fleet.toml");
    std::fs::write(&file, text).unwrap();
    let args = ["simulate", file.to_str().unwrap(), "--replications", "12", "--days", "40", "--format", "json"];
    let go = |threads: &str| {
        let out = super::rackscale().env("RAYON_NUM_THREADS", threads).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let one = go("1");
    assert_eq!(one, go("4"), "replications depend on the thread count");
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["replications"], 12);
    let u = &v["uncertain"][0];
    assert_eq!(u["name"], "simulation.reliability.node_failures_per_1000_node_days");
    assert!(u["source"].as_str().unwrap().contains("RSC-2"), "{u}");
    let (p10, p90) = (u["p10"].as_f64().unwrap(), u["p90"].as_f64().unwrap());
    assert!(p10 >= 2.34 && p90 <= 6.5 && p90 > p10 + 1.0, "the draws span the fleets: {u}");
    for m in v["summary"].as_array().unwrap() {
        let (a, b, c) = (m["p10"].as_f64().unwrap(), m["p50"].as_f64().unwrap(), m["p90"].as_f64().unwrap());
        assert!(a <= b && b <= c, "{m}");
    }
    let failures = v["summary"].as_array().unwrap().iter().find(|m| m["metric"] == "node_failures").unwrap();
    assert!(failures["p90"].as_f64().unwrap() > 1.5 * failures["p10"].as_f64().unwrap(), "{failures}");
}

#[test]
fn a_failure_rate_may_be_a_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixtures().join("good/sim-small.toml")).unwrap();
    let ranged = text.replace(
        "node_failures_per_1000_node_days = 30",
        "node_failures_per_1000_node_days = { low = 10, mode = 20, high = 50 }",
    );
    assert_ne!(ranged, text);
    let file = dir.path().join("ranged.toml");
    std::fs::write(&file, &ranged).unwrap();
    let v = json(&["simulate", file.to_str().unwrap(), "--replications", "8", "--format", "json"]);
    assert!(v["uncertain"][0]["source"].as_str().unwrap().contains("the scenario's"));
    // Other inputs may be ranges too, each drawn per replication.
    let more = ranged
        .replace("[simulation.reliability]", "[simulation.reliability]\nrestart_minutes = { low = 3, high = 30 }");
    std::fs::write(&file, &more).unwrap();
    let v = json(&["simulate", file.to_str().unwrap(), "--replications", "8", "--format", "json"]);
    let names: Vec<&str> = v["uncertain"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["simulation.reliability.node_failures_per_1000_node_days", "simulation.reliability.restart_minutes"]
    );
    let r = &v["uncertain"][1];
    assert!(
        r["p10"].as_f64().unwrap() >= 3.0
            && r["p90"].as_f64().unwrap() <= 30.0
            && r["p90"].as_f64() > r["p10"].as_f64(),
        "{r}"
    );
    // A single run takes the range's median.
    let _ = json(&["simulate", file.to_str().unwrap(), "--format", "json"]);
    let bad = text
        .replace("node_failures_per_1000_node_days = 30", "node_failures_per_1000_node_days = { low = 50, high = 10 }");
    std::fs::write(&file, bad).unwrap();
    let (code, _, err) = run(&["simulate", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("low 50 above high 10"), "{err}");
    let (code, _, err) = run(&["simulate", "good/sim-small.toml", "--replications", "0"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn every_ranged_input_is_drawn_per_replication() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixtures().join("good/sim-small.toml")).unwrap();
    let ranged = text
        .replace(
            "[simulation.reliability]\nnode_failures_per_1000_node_days = 30\nrepair_hours = 24",
            "[simulation.reliability]\nnode_failures_per_1000_node_days = { low = 10, high = 40 }\n\
             repair_hours = { low = 12, high = 48 }\nrestart_minutes = { low = 3, high = 30 }\n\
             weibull_shape = { low = 0.7, high = 1.3 }\nlemon_nodes = 1\nlemon_factor = { low = 5, high = 20 }\n\
             domain_failures_per_1000_domain_days = { low = 0, high = 2 }\ndomain_repair_hours = { low = 10, high = 40 }\n\
             leaf_failures_per_1000_switch_days = { low = 0, high = 1 }\nleaf_repair_hours = { low = 2, high = 8 }\n\
             spine_failures_per_1000_switch_days = { low = 0, high = 1 }\nspine_repair_hours = { low = 2, high = 8 }",
        )
        .replace(
            "[simulation.stragglers]\nrank_jitter = 0.02",
            "[simulation.stragglers]\nrank_jitter = { low = 0.01, high = 0.05 }\n\
             slow_episodes_per_1000_node_days = { low = 1, high = 5 }\nslow_factor = { low = 0.3, high = 0.8 }\n\
             slow_detect_hours = { low = 0.5, high = 4 }\n\n[simulation.checkpoint]\n\
             storage_gb_per_s = { low = 50, mode = 200, high = 400 }\nbytes_per_param = { low = 12, high = 18 }\n\
             interval_minutes = { low = 20, high = 90 }\n\n[simulation.network]\ncomm_share = { low = 0.1, high = 0.3 }",
        )
        .replace("mean_interarrival_s = 3600", "mean_interarrival_s = { low = 2400, high = 4800 }")
        .replace(
            "median_hours = 4\nsigma = 1.0",
            "median_hours = { low = 2, high = 8 }\nsigma = { low = 0.8, high = 1.5 }\nburst_mean = { low = 1, high = 3 }\n\
             high_priority_share = { low = 0, high = 0.2 }",
        );
    let file = dir.path().join("all-ranged.toml");
    std::fs::write(&file, &ranged).unwrap();
    let v = json(&["simulate", file.to_str().unwrap(), "--replications", "6", "--format", "json"]);
    let names: Vec<&str> = v["uncertain"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 24, "{names:?}");
    for u in v["uncertain"].as_array().unwrap() {
        assert!(u["p90"].as_f64().unwrap() > u["p10"].as_f64().unwrap(), "{u}: not drawn");
    }
    // Every ranged input names a field replications can set.
    let catalog = rackscale::catalog::Catalog::builtin().unwrap();
    let s = rackscale::scenario::Scenario::parse("all-ranged.toml", &ranged, &catalog).unwrap();
    let mut cfg = s.simulation.unwrap();
    for (key, _) in cfg.uncertain.clone() {
        assert!(cfg.set_input(&key, 1.0), "{key}");
    }
}
