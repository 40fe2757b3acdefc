//! `tco`: the shipped scenarios, JSON shape, determinism and bad input.

use super::run;

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

const CIO: &str = "../../scenarios/cio-own-vs-rent-gb300.toml";

#[test]
fn json_has_every_option_with_ordered_percentiles() {
    let v = json(&["tco", CIO, "--samples", "500", "--format", "json"]);
    let options = v["options"].as_array().unwrap();
    let kinds: Vec<&str> = options.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["own", "own", "on_demand", "reserved_3y", "taas", "on_demand"]);
    for o in options {
        for metric in ["total_usd", "usd_per_gpu_hour", "usd_per_useful_gpu_hour", "usd_per_million_tokens"] {
            let p = &o[metric];
            let (a, b, c) = (p["p10"].as_f64().unwrap(), p["p50"].as_f64().unwrap(), p["p90"].as_f64().unwrap());
            assert!(a <= b && b <= c && a > 0.0, "{metric}: {p}");
        }
    }
    assert!(!v["tornado"].as_array().unwrap().is_empty());
    assert_eq!(v["break_even"].as_array().unwrap().len(), 4);
    // Owning a busy cluster costs less per GPU-hour than renting it on demand.
    let p50 = |k: usize, m: &str| options[k][m]["p50"].as_f64().unwrap();
    assert!(p50(0, "usd_per_gpu_hour") < p50(2, "usd_per_gpu_hour"));
    // Moving in year 3 costs the rented options something (re-engineering, overlap).
    assert!(p50(2, "lock_in_usd") > 0.0 && p50(0, "lock_in_usd") == 0.0);
    // The split copies 10 PB out of Azure once: about 10,000 TB x 1,000 GB x 0.087 USD.
    let copy = p50(5, "lock_in_usd");
    assert!((copy / (10_000.0 * 1e3 * 0.087) - 1.0).abs() < 0.02, "{copy}");
    // Its price sits between its two clouds'.
    assert!(p50(5, "usd_per_gpu_hour") < p50(2, "usd_per_gpu_hour"));
}

#[test]
fn same_seed_same_bytes_whatever_the_threads() {
    let go = |threads: &str, seed: &str| {
        let out = super::rackscale()
            .env("RAYON_NUM_THREADS", threads)
            .args(["tco", CIO, "--samples", "800", "--seed", seed, "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = go("1", "42");
    assert_eq!(one, go("2", "42"));
    assert_eq!(one, go("8", "42"));
    assert_ne!(one, go("2", "43"));
}

#[test]
fn provider_margin_uses_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path().join("sim.json");
    std::fs::write(&sim, r#"{"summary": {"utilization": 0.5, "goodput": 0.9}}"#).unwrap();
    let s = "../../scenarios/taas-provider-margin.toml";
    let v = json(&["tco", s, "--samples", "300", "--sim", sim.to_str().unwrap(), "--format", "json"]);
    assert!(v["notes"][0].as_str().unwrap().contains("utilization 0.500 and goodput 0.900 from the simulation"));
    let taas = v["options"].as_array().unwrap().iter().find(|o| o["kind"] == "taas").unwrap();
    assert!(taas["margin_usd_per_useful_gpu_hour"]["p50"].is_number());
    let busy = json(&["tco", s, "--samples", "300", "--format", "json"]);
    // At half the utilization, owning's useful GPU-hour costs more.
    let own = |v: &serde_json::Value| v["options"][0]["usd_per_useful_gpu_hour"]["p50"].as_f64().unwrap();
    assert!(own(&v) > own(&busy));
}

fn scenario_with(tco: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let text =
        format!("[cluster]\nsystem = \"hgx-h100\"\nnodes = 8\n\n[facility]\nsite = \"ashburn-va\"\n\n[tco]\n{tco}\n");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap().to_owned();
    (dir, p)
}

#[test]
fn bad_input_names_the_field() {
    let own = "[[tco.option]]\nkind = \"own\"\n";
    let cases: &[(&str, &str)] = &[
        ("horizon_years = 0\n[[tco.option]]\nkind = \"own\"\n", "`tco.horizon_years` is 0"),
        ("wacc = { low = 0.1, high = 0.05 }\n[[tco.option]]\nkind = \"own\"\n", "low 0.1 above high 0.05"),
        ("[[tco.option]]\nkind = \"on_demand\"\nusd_per_gpu_hour = -2\n", "`tco.option.usd_per_gpu_hour` is -2"),
        ("[[tco.option]]\nkind = \"on_demand\"\noffer = \"lambda-h100\"\n", "unknown cloud offer `lambda-h100`"),
        ("[[tco.option]]\nkind = \"rent\"\n", "`tco.option.kind` is `rent`"),
        ("currency = \"EUR\"\n[[tco.option]]\nkind = \"own\"\n", "no exchange rate"),
        ("[[tco.option]]\nkind = \"on_demand\"\n", "has no price"),
        ("utilization = { low = 0.2, high = 1.4 }\n[[tco.option]]\nkind = \"own\"\n", "accepted: 0.01 to 1"),
        (
            "goodput = { low = 0.5, high = 0.9, dist = \"lognormal\" }\n[[tco.option]]\nkind = \"own\"\n",
            "tail would pass its upper bound",
        ),
        (
            "[[tco.option]]\nkind = \"reserved_3y\"\noffer = \"lambda-h100-8x-on-demand\"\n",
            "not as a `reserved_3y` option",
        ),
        (
            "[[tco.option]]\nkind = \"on_demand\"\n[[tco.option.split]]\nusd_per_gpu_hour = 3\nshare = 0.5\n[[tco.option.split]]\nusd_per_gpu_hour = 4\nshare = 0.3\n",
            "shares add up to 0.8",
        ),
    ];
    for (tco, needle) in cases {
        let (_dir, path) = scenario_with(tco);
        let (code, out, err) = run(&["tco", &path]);
        assert_eq!(code, 1, "{tco}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(needle), "{tco}: {err}");
        assert!(err.contains("s.toml:"), "{tco}: {err}");
    }
    let (_dir, path) = scenario_with("[[tco.option]]\nkind = \"on_demand\"\noffer = \"lambda-h100\"\n");
    let (_, _, err) = run(&["tco", &path]);
    assert!(err.contains("lambda-h100-8x-on-demand"), "suggestion: {err}");
    let (_dir, path) = scenario_with(own);
    let (code, _, err) = run(&["tco", &path, "--samples", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("--samples is 0"), "{err}");
    let moved =
        "move_in_year = 2\n[[tco.option]]\nkind = \"on_demand\"\nprovider = \"Nowhere\"\nusd_per_gpu_hour = 3\n";
    let (_dir, path) = scenario_with(moved);
    let (code, _, err) = run(&["tco", &path]);
    assert_eq!(code, 1);
    assert!(err.contains("no egress prices for provider `Nowhere`") && err.contains("AWS"), "{err}");
}
