//! `facility`: sites, designs, JSON fields, files and bad input.

use super::{fixtures, run};

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

fn pue(args: &[&str]) -> f64 {
    let mut a = vec!["facility", "--format", "json"];
    a.extend_from_slice(args);
    json(&a)["annual_pue"].as_f64().unwrap()
}

#[test]
fn json_has_the_fields_the_issue_names() {
    let v =
        json(&["facility", "--site", "phoenix-az", "--it-load-mw", "100", "--load-factor", "0.8", "--format", "json"]);
    for key in [
        "annual_pue",
        "peak_hour_pue",
        "wue_l_per_kwh",
        "it_energy_mwh",
        "facility_energy_mwh",
        "energy_cost_usd",
        "carbon_tco2e",
        "partial_pue_electrical",
        "partial_pue_cooling",
    ] {
        assert!(v[key].as_f64().is_some_and(f64::is_finite), "{key}: {v}");
    }
    assert_eq!(v["monthly_pue"].as_array().unwrap().len(), 12);
    let modes = &v["cooling_mode_hours"];
    let hours: u64 = ["dry", "evaporative", "chiller"].iter().map(|k| modes[k].as_u64().unwrap()).sum();
    assert_eq!(hours, 8760);
    // 100 MW x 0.8 x 8,760 h.
    assert!((v["it_energy_mwh"].as_f64().unwrap() - 700_800.0).abs() < 1e-6);
    let (p, f) = (v["annual_pue"].as_f64().unwrap(), v["facility_energy_mwh"].as_f64().unwrap());
    assert!((f / 700_800.0 - p).abs() < 1e-9);
    assert!(v["peak_hour_pue"].as_f64().unwrap() >= p);
}

#[test]
fn hot_dry_sites_use_water_and_cold_ones_do_not() {
    let site = |s: &str| json(&["facility", "--site", s, "--it-load-mw", "50", "--format", "json"]);
    let (phoenix, lulea) = (site("phoenix-az"), site("lulea-se"));
    assert!(phoenix["wue_l_per_kwh"].as_f64().unwrap() > 5.0 * lulea["wue_l_per_kwh"].as_f64().unwrap());
    assert!(phoenix["annual_pue"].as_f64().unwrap() > lulea["annual_pue"].as_f64().unwrap());
    assert_eq!(lulea["cooling_mode_hours"]["dry"], 8760);
}

#[test]
fn designs_rank_as_physics_says() {
    let base = ["--site", "ashburn-va", "--it-load-mw", "20", "--load-factor", "0.7"];
    let with = |extra: &[&str]| pue(&[&base[..], extra].concat());
    let liquid = with(&["--cooling", "liquid"]);
    assert!(liquid < with(&["--cooling", "air"]));
    assert!(with(&["--cooling", "air"]) < with(&["--cooling", "hybrid"]));
    assert!(with(&["--ups", "eco"]) < liquid);
    assert!(with(&["--zero-water"]) >= liquid);
    assert!(with(&["--supply-temp-c", "25"]) > with(&["--supply-temp-c", "45"]));
    assert!(with(&["--redundancy", "2"]) > with(&["--redundancy", "1"]));
    assert!(
        pue(&["--site", "ashburn-va", "--it-load-mw", "20", "--load-factor", "0.3"])
            > pue(&["--site", "ashburn-va", "--it-load-mw", "20", "--load-factor", "0.9"])
    );
}

#[test]
fn scenario_gives_load_site_and_claim() {
    let v = json(&["facility", "../../scenarios/azure-gb300.toml", "--format", "json"]);
    assert_eq!(v["site"], "mount-pleasant-wi");
    // 139 racks at 135 kW (18.77 MW) plus the scale-out switches and storage.
    let mw = v["it_capacity_mw"].as_f64().unwrap();
    assert!(mw > 18.77 && mw < 21.0, "{mw}");
    assert_eq!(v["cooling"], "liquid");
    assert_eq!(v["claimed_pue"], 1.08);
}

#[test]
fn weather_file_and_hourly_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, _, err) = run(&["facility", "--weather", "good/weather-year.csv", "--it-load-mw", "5", "--out", out]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(dir.path().join("facility-weather-hourly.csv")).unwrap();
    assert_eq!(csv.lines().count(), 8761);
    assert!(csv.starts_with("hour,month,dry_bulb_c,wet_bulb_c,it_kw,"));
    assert!(dir.path().join("facility-weather.json").exists());
}

#[test]
fn it_series_from_a_simulation_drives_the_load() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("s.csv");
    let rows: String = (0..48).map(|h| format!("{h},{}\n", if h < 24 { 8.0 } else { 4.0 })).collect();
    std::fs::write(&series, format!("hour,it_power_mw\n{rows}")).unwrap();
    let s = series.to_str().unwrap();
    let (code, out, err) = run(&["facility", "--site", "ashburn-va", "--it-series", s]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the IT series' 48 hours are repeated to fill the year"), "{out}");
    let v = json(&["facility", "--site", "ashburn-va", "--it-series", s, "--format", "json"]);
    // Two days, 8 then 4 MW, repeated over 8,760 hours: 182 whole cycles and one 8 MW day.
    assert_eq!(v["hours"], 8760);
    assert!((v["it_energy_mwh"].as_f64().unwrap() - (182.0 * 288.0 + 24.0 * 8.0)).abs() < 1e-6);
    assert!((v["it_capacity_mw"].as_f64().unwrap() - 8.0).abs() < 1e-9);
    assert!(v["monthly_pue"].as_array().unwrap().iter().all(serde_json::Value::is_number));
    let (code, _, err) = run(&["facility", "--site", "ashburn-va", "--it-series", s, "--it-load-mw", "5"]);
    assert_eq!(code, 1);
    assert!(err.contains("peaks at 8.000 MW, above the hall's IT capacity of 5.000 MW"), "{err}");
    let (code, _, err) = run(&["facility", "--site", "ashburn-va", "--it-series", s, "--load-factor", "0.5"]);
    assert_eq!(code, 1);
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn bad_input_names_the_flag_or_row_and_the_range() {
    let cases: &[(&[&str], &str)] = &[
        (&["--site", "phenix", "--it-load-mw", "10"], "phoenix-az"),
        (&["--site", "ashburn-va", "--it-load-mw", "-5"], "--it-load-mw is -5"),
        (&["--site", "ashburn-va", "--it-load-mw", "5", "--load-factor", "1.5"], "at most 1"),
        (&["--site", "ashburn-va", "--it-load-mw", "5", "--load-factor", "0"], "above 0"),
        (&["--site", "ashburn-va", "--it-load-mw", "5", "--supply-temp-c", "60"], "15-45 °C"),
        (&["--site", "ashburn-va", "--it-load-mw", "5", "--cooling", "air", "--supply-temp-c", "30"], "5-25 °C"),
        (&["--site", "ashburn-va", "--it-load-mw", "5", "--price", "-0.1"], "--price is -0.1"),
        (&["--site", "ashburn-va"], "give the IT load"),
        (&["--it-load-mw", "5"], "--site"),
        (&["--site", "dublin-ie", "--it-load-mw", "5"], "--weather"),
        (&["--weather", "bad/weather-missing-hour.csv", "--it-load-mw", "5"], "expected month 2, day 14, hour 9"),
        (&["--weather", "bad/weather-rh.csv", "--it-load-mw", "5"], "relative humidity is 0-100"),
    ];
    for (args, needle) in cases {
        let mut a = vec!["facility"];
        a.extend_from_slice(args);
        let (code, out, err) = run(&a);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} printed {out}");
    }
    let (_, _, err) = run(&["facility", "--weather", "bad/weather-rh.csv", "--it-load-mw", "5"]);
    assert!(err.contains("bad/weather-rh.csv:"), "{err}");
    assert!(fixtures().join("bad/weather-rh.csv").exists());
}

#[test]
fn scenario_facility_keys_are_checked_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let text = "[cluster]\nsystem = \"gb300-nvl72\"\nracks = 2\n\n[facility]\nsite = \"phoenix-az\"\ncooling = \"water\"\nsupply_temp_c = 60\nups = \"flywheel\"\n";
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = run(&["facility", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("s.toml:7:") && err.contains("`liquid`, `air`, `hybrid`"), "{err}");
    assert!(err.contains("s.toml:8:") && err.contains("coolant at the rack inlet 15-45"), "{err}");
    assert!(err.contains("s.toml:9:") && err.contains("`double-conversion`, `eco`"), "{err}");
    let good = text
        .replace("cooling = \"water\"\nsupply_temp_c = 60\nups = \"flywheel\"\n", "ups = \"eco\"\nzero_water = true\n");
    std::fs::write(&path, good).unwrap();
    let v = json(&["facility", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(v["ups"], "eco");
    assert_eq!(v["evaporative"], false);
    assert_eq!(v["wue_l_per_kwh"], 0.0);
}

#[test]
fn catalog_shows_a_sites_climate_with_its_source() {
    let (code, out, err) = run(&["catalog", "show", "phoenix"]);
    assert_eq!(code, 0, "{err}");
    for field in ["climate.station", "climate.tmax_c", "climate.dew_point_c", "climate.source"] {
        assert!(out.contains(field), "{field}: {out}");
    }
    assert!(out.contains("USA_AZ_Phoenix-Sky.Harbor.Intl.AP.722780_TMY3.stat"), "{out}");
}
