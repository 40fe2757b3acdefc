//! `run`: every stage of a scenario into one report directory; the flagship
//! scenarios' key figures as golden files; the report as a browser sees it.

use crate::run;
use serde_json::{Value, json};

/// Runs scenarios into a fresh directory; returns it and the parsed `results.json`.
fn run_into(scenarios: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
    args.extend(scenarios);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    (dir, out, v)
}

fn round(x: &Value) -> Value {
    // Four significant digits: what a reader compares, not the last bit of a float.
    match x.as_f64() {
        Some(f) => json!(format!("{f:.3e}").parse::<f64>().unwrap()),
        _ => x.clone(),
    }
}

/// The headline numbers a reader of the report takes away.
fn key_figures(v: &Value) -> Value {
    let answers: serde_json::Map<String, Value> = v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["key"].as_str().unwrap().starts_with("claim_"))
        .map(|a| {
            (a["key"].as_str().unwrap().to_owned(), json!([round(&a["value"]), round(&a["low"]), round(&a["high"])]))
        })
        .collect();
    let claims: Vec<Value> = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({"claim": c["claim"], "verdict": c["verdict"], "conditions": c["conditions"]}))
        .collect();
    let tco = &v["tco"];
    let options: Vec<Value> = tco["options"]
        .as_array()
        .map(|o| o.iter().map(|o| json!({"name": o["name"], "npv_usd_p50": round(&o["npv_usd"]["p50"])})).collect())
        .unwrap_or_default();
    json!({
        "gpus": v["nameplate"]["gpus"],
        "racks": v["nameplate"]["racks"],
        "answers": answers,
        "plan": v["step"]["plan"],
        "mfu": round(&v["step"]["mfu"]),
        "unvalidated": v["step"]["unvalidated"],
        "simulated_goodput": round(&v["simulation"]["summary"]["goodput"]),
        "simulated_utilization": round(&v["simulation"]["summary"]["utilization"]),
        "training_run_state": v["simulation"]["training_run"]["state"],
        "annual_pue": round(&v["facility"]["annual_pue"]),
        "pue_claim": v["facility"]["pue_claim"]["verdict"],
        "tco_options": options,
        "claims": claims,
    })
}

#[test]
fn flagship_scenarios_key_figures() {
    for name in [
        "azure-gb300",
        "gpt6-2027",
        "alternatives-mi355x",
        "alternatives-gaudi3",
        "cio-own-vs-rent-gb300",
        "taas-provider-margin",
    ] {
        let (_dir, _, v) = run_into(&[&format!("../../scenarios/{name}.toml")]);
        insta::assert_json_snapshot!(format!("run-{name}"), key_figures(&v));
    }
}

#[test]
fn report_directory_has_every_stage_table_and_chart() {
    let (_dir, out, v) = run_into(&["../../scenarios/azure-gb300.toml"]);
    for key in ["nameplate", "step", "simulation", "facility", "tco", "answers", "assumptions", "seed", "version"] {
        assert!(!v[key].is_null(), "results.json has no `{key}`");
    }
    // The stages feed each other: the facility runs on the simulated IT power, the TCO on the
    // simulated utilization and the facility's PUE.
    assert!(v["facility"]["load_from"].as_str().unwrap().starts_with("the simulation's hourly IT power"));
    let notes = v["tco"]["notes"].to_string();
    assert!(
        notes.contains("from the simulation") && notes.contains("from the facility model on the simulation"),
        "{notes}"
    );
    let sim_util = v["simulation"]["summary"]["utilization"].as_f64().unwrap();
    assert!(notes.contains(&format!("utilization {sim_util:.3}")), "{notes}");
    for file in [
        "report.html",
        "summary.md",
        "results.json",
        "answers.csv",
        "assumptions.csv",
        "tco.csv",
        "facility-hourly.csv",
        "simulation-jobs.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let charts = [
        "step-breakdown",
        "collective-busbw",
        "sim-utilization",
        "sim-failures",
        "sim-queueing",
        "facility-pue-hourly",
        "facility-pue-monthly",
        "facility-energy",
        "tco-options",
        "tco-tornado",
        "tco-break-even",
    ];
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for c in charts {
        let svg = std::fs::read_to_string(out.join(format!("{c}.svg"))).unwrap_or_else(|_| panic!("{c}.svg missing"));
        assert!(svg.starts_with("<svg") && svg.contains("<text"), "{c}");
        assert!(html.contains(&format!("id=\"chart-{c}\"")), "{c} not in the report");
    }
    self_contained(&html);
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.starts_with("# azure-gb300\n") && md.contains("- **headline compute**: 200.2 EF"), "{md}");
    // Every catalog value used, with its source; estimates marked.
    let a = v["assumptions"].as_array().unwrap();
    assert!(a.iter().any(|x| x["entry"] == "gb300"
        && x["field"] == "fp4_sparse_tflops"
        && !x["source"].as_str().unwrap().is_empty()));
    assert!(a.iter().any(|x| x["estimate"] == true));
}

/// No script, no fetched resource, no number that is not one.
fn self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "http://", "https://"] {
        let allowed =
            bad == "http://" && lower.matches(bad).count() == lower.matches("http://www.w3.org/2000/svg").count();
        assert!(!lower.contains(bad) || allowed, "the report references `{bad}`");
    }
    for word in ["NaN", "inf ", "undefined"] {
        assert!(!html.contains(word), "the report shows `{word}`");
    }
}

#[test]
fn several_scenarios_make_one_comparison() {
    let (_dir, out, v) = run_into(&[
        "../../scenarios/azure-gb300.toml",
        "../../scenarios/alternatives-mi355x.toml",
        "../../scenarios/alternatives-gaudi3.toml",
    ]);
    let s = v["scenarios"].as_array().unwrap();
    assert_eq!(
        s.iter().map(|x| x["scenario"].as_str().unwrap()).collect::<Vec<_>>(),
        ["azure-gb300", "alternatives-mi355x", "alternatives-gaudi3"]
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<th>azure-gb300</th><th>alternatives-mi355x</th><th>alternatives-gaudi3</th>"));
    // One series per scenario in the shared charts, one tornado each.
    let svg = std::fs::read_to_string(out.join("facility-energy.svg")).unwrap();
    for name in ["azure-gb300", "alternatives-mi355x", "alternatives-gaudi3"] {
        assert!(svg.contains(name), "{name} not in the energy chart");
        assert!(out.join(format!("tco-tornado-{name}.svg")).is_file());
        assert!(out.join(format!("{name}-answers.csv")).is_file());
    }
    self_contained(&html);
}

#[test]
fn same_seed_same_bytes_and_seed_is_used() {
    let a = run_into(&["../../scenarios/alternatives-gaudi3.toml"]);
    let b = run_into(&["../../scenarios/alternatives-gaudi3.toml"]);
    for f in ["results.json", "report.html", "summary.md", "sim-utilization.svg"] {
        assert_eq!(std::fs::read(a.1.join(f)).unwrap(), std::fs::read(b.1.join(f)).unwrap(), "{f} differs");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let (code, _, err) = run(&[
        "run",
        "../../scenarios/alternatives-gaudi3.toml",
        "--quiet",
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(v["seed"], 7);
}

#[test]
fn a_failed_run_leaves_the_earlier_report_intact() {
    let (_dir, out, _) = run_into(&["../../scenarios/alternatives-gaudi3.toml"]);
    let before = std::fs::read(out.join("results.json")).unwrap();
    // The second scenario is bad: nothing is written, the earlier report stays whole.
    let (code, _, err) =
        run(&["run", "../../scenarios/alternatives-gaudi3.toml", "bad/malformed.toml", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "report")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_scenarios_of_one_name_are_refused() {
    let (code, _, err) = run(&["run", "../../scenarios/azure-gb300.toml", "../../scenarios/azure-gb300.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("two scenarios are named `azure-gb300`"), "{err}");
}

/// Headless Chromium renders the flagship report: every chart is an SVG with
/// paths and text, nothing references the network, no NaN/inf/undefined.
/// `.ci/run` installs Chromium and sets `RACKSCALE_CHROMIUM`; there this test
/// must run. Elsewhere it runs when `chromium` is on the PATH.
#[test]
fn chromium_renders_the_flagship_report() {
    let browser = std::env::var("RACKSCALE_CHROMIUM").ok().or_else(|| {
        std::process::Command::new("chromium")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| "chromium".to_owned())
    });
    let Some(browser) = browser else {
        eprintln!("chromium not found: skipping the browser check (CI sets RACKSCALE_CHROMIUM)");
        return;
    };
    let (_dir, out, _) = run_into(&["../../scenarios/azure-gb300.toml"]);
    let page = format!("file://{}", out.join("report.html").display());
    let profile = tempfile::tempdir().unwrap();
    let chrome = |extra: &[&str]| {
        let o = std::process::Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-sync",
                "--disable-extensions",
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&page)
            .output()
            .expect("chromium runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let dom = chrome(&["--dump-dom"]);
    check_dom(&dom);
    let shot = out.join("shot.png");
    chrome(&["--window-size=1200,3000", &format!("--screenshot={}", shot.display())]);
    assert!(std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false), "no screenshot");
}

fn check_dom(dom: &str) {
    assert!(dom.contains("<h2>The answers</h2>"), "the page did not load");
    let svgs: Vec<&str> = dom.split("<svg").skip(1).map(|s| s.split("</svg>").next().unwrap()).collect();
    assert!(svgs.len() >= 11, "{} charts", svgs.len());
    for svg in &svgs {
        assert!(svg.contains("<path") || svg.contains("<polyline") || svg.contains("<rect"), "a chart draws nothing");
        let texts: Vec<&str> =
            svg.split("<text").skip(1).map(|t| t.split('>').nth(1).unwrap_or("").split('<').next().unwrap()).collect();
        assert!(texts.iter().filter(|t| !t.trim().is_empty()).count() >= 5, "a chart has almost no text");
    }
    self_contained(dom);
    let text = dom.replace(|c: char| !c.is_alphanumeric(), " ");
    for word in ["NaN", "inf", "Infinity", "undefined"] {
        assert!(!text.split_whitespace().any(|w| w == word), "the page shows `{word}`");
    }
}

#[test]
fn dom_check_catches_what_it_should() {
    // The browser check's own test, on the report's source (what the DOM dump holds, give or
    // take the browser's normalising): the page passes, and each defect it looks for fails it.
    let (_dir, out, _) = run_into(&["../../scenarios/azure-gb300.toml"]);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_dom(&page);
    let broken = [
        page.replacen("<td>", "<td>NaN ", 1),
        page.replacen("<body>", "<body><img src=\"https://example.com/x.png\">", 1),
        page.replacen("<figure", "<figure><svg></svg></figure><figure", 1),
    ];
    for bad in broken {
        assert!(std::panic::catch_unwind(|| check_dom(&bad)).is_err());
    }
}
