//! `claim`: the seed story's sentences and real vendor claims
//! (`tests/fixtures/claims.toml`, each with its source and the verdict
//! worked out by hand from the catalog), judged by the command.

use crate::run;
use serde_json::Value;

#[derive(serde::Deserialize)]
struct Fixture {
    claim: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    system: Option<String>,
    gpus: Option<u64>,
    racks: Option<u64>,
    site: Option<String>,
    kind: String,
    expect: String,
    source: String,
    why: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(crate::fixtures().join("claims.toml")).unwrap();
    toml::from_str::<Fixture>(&text).unwrap().claim
}

#[test]
fn vendor_claims_get_their_hand_worked_verdicts() {
    let catalog = rackscale::catalog::Catalog::builtin().unwrap();
    let cases = cases();
    assert!(cases.len() >= 35, "{} claims", cases.len());
    let mut wrong = Vec::new();
    for c in &cases {
        assert!(
            !c.source.is_empty() && !c.why.is_empty(),
            "{}: every claim has its source and hand calculation",
            c.text
        );
        let cx = rackscale::claim::Context {
            system: c.system.clone(),
            gpus: c.gpus,
            racks: c.racks,
            site: c.site.clone(),
            ..Default::default()
        };
        match rackscale::pipeline::claim::check(&c.text, &cx, &catalog) {
            Ok(r) if r.verdict == c.expect && r.parsed.kind.name() == c.kind => {}
            Ok(r) => wrong.push(format!(
                "{:?} ({}): expected {} / {}, got {} / {}: {:?}",
                c.text,
                c.system.as_deref().unwrap_or("-"),
                c.kind,
                c.expect,
                r.parsed.kind.name(),
                r.verdict,
                r.conditions
            )),
            Err(e) => wrong.push(format!("{:?}: expected {}, got an error: {e}", c.text, c.expect)),
        }
    }
    assert!(wrong.is_empty(), "{} of {} claims judged otherwise:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

#[test]
fn the_seed_story_in_json() {
    let verdict = |args: &[&str]| -> Value {
        let mut a = vec!["claim"];
        a.extend(args);
        a.extend(["--format", "json"]);
        let (code, out, err) = run(&a);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let v = verdict(&["over 200 exaflops of AI compute", "--system", "gb300-nvl72"]);
    assert_eq!(v["verdict"], "holds only if");
    assert!(v["conditions"][0].as_str().unwrap().contains("139 gb300-nvl72 racks"), "{v}");
    assert!(v["sustained_ratio"].as_f64().unwrap() < 0.15);
    for step in v["derivation"].as_array().unwrap() {
        for k in ["step", "value", "unit", "source"] {
            assert!(step[k].is_string(), "{step}");
        }
    }
    // With the racks given it adds up only as sparse FP4.
    let v = verdict(&["over 200 exaflops of AI compute", "--system", "gb300-nvl72", "--racks", "139"]);
    assert_eq!(v["verdict"], "holds only if");
    assert_eq!(v["conditions"][0], "only as sparse FP4");
    let v = verdict(&["over 200 exaflops of AI compute", "--system", "gb300-nvl72", "--racks", "64"]);
    assert_eq!(v["verdict"], "does not hold");
    // With a double-conversion UPS it holds at Mount Pleasant only fully loaded (1.085, the claim's rounding edge).
    let v = verdict(&[
        "liquid cooling achieves a PUE of 1.08",
        "--site",
        "mount-pleasant-wi",
        "--ups",
        "double-conversion",
    ]);
    assert_eq!(v["verdict"], "holds only if", "{v}");
    assert_eq!(v["conditions"][0], "liquid cooling with a double-conversion UPS from 100% load", "{v}");
    let v = verdict(&["liquid cooling achieves a PUE of 1.08", "--site", "phoenix-az", "--ups", "double-conversion"]);
    assert_eq!(v["verdict"], "does not hold", "{v}");
    let v = verdict(&["liquid cooling achieves a PUE of 1.08", "--site", "mount-pleasant-wi", "--ups", "eco"]);
    assert_eq!(v["verdict"], "holds only if", "{v}");
    let v = verdict(&["Blackwell Ultra GPUs draw 700 W+"]);
    assert_eq!(v["verdict"], "holds");
    assert_eq!(v["parsed"]["gpu"], "gb300");
    for s in ["the premier cloud for trillion-parameter models", "a GPT-6 training cluster by 2027"] {
        assert_eq!(verdict(&[s, "--system", "gb300-nvl72"])["verdict"], "cannot check", "{s}");
    }
}

#[test]
fn unreadable_claims_exit_1_pointing_at_the_part() {
    for (text, part) in [
        ("92.1 zorkflops", "92.1 zorkflops"),
        ("a PUE of", "no figure"),
        ("42 bananas", "42 bananas"),
        ("3x", "a ratio, but of what"),
        ("", "empty"),
    ] {
        let (code, _, err) = run(&["claim", text]);
        if part == "no figure" {
            // A kind without a figure is judged `cannot check`, not an error.
            assert_eq!(code, 0, "{text}: {err}");
            continue;
        }
        assert_eq!(code, 1, "{text}: {err}");
        assert!(err.contains(part) || err.contains(&format!("  {part}")), "{text}: {err}");
        assert!(err.contains("claims understood: compute"), "{err}");
    }
    let (code, _, err) = run(&["claim", "200 exaflops", "--system", "gb900"]);
    assert_eq!(code, 1);
    assert!(err.contains("gb900"), "{err}");
    let (code, _, err) = run(&["claim", "200 exaflops", "--gpus", "0"]);
    assert_eq!(code, 1, "{err}");
}
