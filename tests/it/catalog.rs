use crate::run;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect()
}

#[test]
fn lists_the_twelve_accelerators_with_sources() {
    let v = json(&["catalog", "list", "--kind", "gpu", "--format", "json"]);
    let mut got = ids(&v);
    got.sort_unstable();
    let mut want = vec![
        "gb300", "b300", "gb200", "b200", "h200", "h100", "a100", "mi300x", "mi325x", "mi355x", "gaudi3", "gaudi2",
    ];
    want.sort_unstable();
    assert_eq!(got, want);
    for row in v.as_array().unwrap() {
        assert_eq!(row["kind"], "gpu");
        assert!(row["source"].as_str().is_some_and(|s| s.len() > 10), "{row}");
        assert!(row["date"].as_str().is_some_and(|s| s.len() >= 4), "{row}");
    }
}

#[test]
fn lists_the_eleven_systems_and_a100() {
    let v = json(&["catalog", "list", "--kind", "system", "--format", "json"]);
    let mut got = ids(&v);
    got.sort_unstable();
    assert_eq!(
        got,
        vec![
            "gaudi2-8",
            "gaudi3-8",
            "gb200-nvl72",
            "gb300-nvl72",
            "hgx-a100",
            "hgx-b200",
            "hgx-b300",
            "hgx-h100",
            "hgx-h200",
            "mi300x-8",
            "mi325x-8",
            "mi355x-8"
        ]
    );
}

#[test]
fn fabric_listing_as_table() {
    let (code, out, _) = run(&["catalog", "list", "--kind", "fabric"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn list_as_csv_keeps_full_sources() {
    let (code, out, _) = run(&["catalog", "list", "--kind", "electricity", "--format", "csv"]);
    assert_eq!(code, 0);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), ["id", "kind", "name", "summary", "estimate", "date", "source"]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| r[0] == *"us-virginia" && r[6].contains("EIA Electric Power Annual")));
}

#[test]
fn show_by_alias_gives_every_field() {
    let (code, out, _) = run(&["catalog", "show", "quantum-x800"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn show_as_json_keeps_estimate_ranges() {
    let v = json(&["catalog", "show", "gb300-nvl72", "--format", "json"]);
    assert_eq!(v["kind"], "system");
    assert_eq!(v["entry"]["rack_power_kw"]["low"], 132.0);
    assert_eq!(v["entry"]["rack_power_kw"]["high"], 140.0);
    assert_eq!(v["entry"]["node_power_kw"], 7.5);
}

#[test]
fn user_catalog_adds_entries() {
    let v = json(&["--catalog", "good/my-catalog.toml", "catalog", "list", "--kind", "site", "--format", "json"]);
    assert!(ids(&v).contains(&"our-campus"));
}

#[test]
fn user_catalog_overrides_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("override.toml");
    let text = r#"
[[offer]]
id = "lambda-h100-8x-on-demand"
provider = "Lambda"
sku = "8x H100 SXM"
accelerator = "h100"
gpus_per_instance = 8
region = "US"
pricing = "reserved-1y"
usd_per_gpu_hour = 2.99
source = "our quote"
date = "2026-11"
"#;
    std::fs::write(&file, text).unwrap();
    let v =
        json(&["--catalog", file.to_str().unwrap(), "catalog", "show", "lambda-h100-8x-on-demand", "--format", "json"]);
    assert_eq!(v["entry"]["usd_per_gpu_hour"], 2.99);
    assert_eq!(v["entry"]["source"], "our quote");
}

#[test]
fn out_dir_gets_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["catalog", "list", "--kind", "gpu", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("catalog.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 12);
    assert!(std::fs::read_to_string(dir.path().join("catalog.csv")).unwrap().starts_with("id,kind,"));
}
