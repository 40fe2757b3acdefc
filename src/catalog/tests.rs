use super::*;

fn user(text: &str) -> Result<Catalog, CatalogError> {
    Catalog::load(&[("mine.toml".to_owned(), text.to_owned())])
}

fn problems(err: CatalogError) -> String {
    match err {
        CatalogError::Invalid(files) => files.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other}"),
    }
}

const ACCELERATORS: [&str; 12] =
    ["gb300", "b300", "gb200", "b200", "h200", "h100", "a100", "mi300x", "mi325x", "mi355x", "gaudi3", "gaudi2"];
const SYSTEMS: [&str; 11] = [
    "gb300-nvl72",
    "gb200-nvl72",
    "hgx-h100",
    "hgx-h200",
    "hgx-b200",
    "hgx-b300",
    "mi300x-8",
    "mi325x-8",
    "mi355x-8",
    "gaudi3-8",
    "gaudi2-8",
];

#[test]
fn builtin_has_every_required_entry_with_sources() {
    let c = Catalog::builtin().unwrap();
    for id in ACCELERATORS {
        let g = c.gpus.get(id).unwrap();
        assert!(!g.source.as_str().is_empty() && !g.date.as_str().is_empty(), "{id}");
    }
    for id in SYSTEMS {
        c.systems.get(id).unwrap();
    }
    for id in
        ["nvlink4-nvswitch", "nvlink5-nvswitch", "ib-ndr", "ib-xdr", "spectrum-x", "roce-tomahawk5", "gaudi3-roce"]
    {
        c.fabrics.get(id).unwrap();
    }
    assert!(!c.sites.is_empty() && !c.tariffs.is_empty() && !c.offers.is_empty());
}

#[test]
fn builtin_figures_agree_with_vendor_rack_totals() {
    let c = Catalog::builtin().unwrap();
    let sys = c.systems.get("gb300-nvl72").unwrap();
    assert_eq!(sys.gpus_per_rack(), 72);
    let (lo, hi) = sys.rack_power_kw.range();
    assert!(lo >= 132.0 && hi <= 140.0, "GB300 NVL72 rack is about 132-140 kW");
    let ndr = c.fabrics.get("quantum-2").unwrap();
    assert_eq!((ndr.port_gbps.value, ndr.switch_radix.map(Count::get)), (400.0, Some(64)));
    let xdr = c.fabrics.get("ib-xdr").unwrap();
    assert_eq!((xdr.port_gbps.value, xdr.switch_radix.map(Count::get)), (800.0, Some(144)));
}

#[test]
fn lookups_accept_aliases_and_any_case() {
    let c = Catalog::builtin().unwrap();
    assert_eq!(c.gpus.get("H100-SXM").unwrap().id.get_ref(), "h100");
    assert_eq!(c.systems.get("DGX-H100").unwrap().id.get_ref(), "hgx-h100");
}

#[test]
fn unknown_id_suggests_similar() {
    let c = Catalog::builtin().unwrap();
    let err = c.systems.get("gb30").unwrap_err().to_string();
    assert_eq!(err, "unknown system `gb30`; did you mean `gb300-nvl72`?");
}

#[test]
fn user_file_overrides_and_adds() {
    let c = user(
        r#"
[[offer]]
id = "aws-p5-48xlarge-on-demand"
provider = "AWS"
sku = "p5.48xlarge"
accelerator = "h100"
gpus_per_instance = 8
region = "us-east-1"
pricing = "reserved-3y"
usd_per_gpu_hour = 2.5
source = "our negotiated contract"
date = "2026-11"

[[electricity]]
id = "our-ppa"
region = "our campus"
usd_per_kwh = { value = 0.045, low = 0.04, high = 0.05 }
period = "2027-2031"
source = "PPA term sheet"
date = "2026-10"
"#,
    )
    .unwrap();
    assert_eq!(c.offers.get("aws-p5-48xlarge-on-demand").unwrap().usd_per_gpu_hour.value, 2.5);
    assert!(c.tariffs.get("our-ppa").unwrap().usd_per_kwh.is_estimate());
    assert_eq!(c.gpus.len(), Catalog::builtin().unwrap().gpus.len());
}

#[test]
fn user_file_errors_point_into_it() {
    let err = problems(
        user(
            r#"[[system]]
id = "my-rack"
name = "x"
vendor = "x"
accelerator = "h10"
gpus_per_node = 8
nodes_per_rack = 4
gpus_per_domain = 8
cpu = "x"
cpus_per_node = 2
nic = "x"
nics_per_node = 8
nic_gbps = 400
node_power_kw = 10
rack_power_kw = 40
scaleup_fabric = "nvlink4-nvswitch"
scaleout_fabric = "nvlink4-nvswitch"
cooling = "air"
source = "spec sheet"
date = "2026-01"
"#,
        )
        .unwrap_err(),
    );
    assert!(err.contains("mine.toml:5:15: unknown gpu `h10`"), "{err}");
    assert!(err.contains("did you mean `h100`?"), "{err}");
    assert!(
        err.contains("mine.toml:17:19: fabric `nvlink4-nvswitch` is scale-up, expected a scale-out fabric"),
        "{err}"
    );
}

#[test]
fn negative_and_incoherent_figures_are_rejected() {
    let base = |power: &str| {
        format!(
            "[[electricity]]\nid = \"x\"\nregion = \"x\"\nusd_per_kwh = {power}\nperiod = \"2025\"\nsource = \"s\"\ndate = \"2025\"\n"
        )
    };
    let err = problems(user(&base("-0.1")).unwrap_err());
    assert!(err.contains("mine.toml:4:15: expected a value of zero or more, found -0.1"), "{err}");
    let err = problems(user(&base("{ value = 0.1, low = 0.2, high = 0.3 }")).unwrap_err());
    assert!(err.contains("range must hold the value"), "{err}");
}

#[test]
fn missing_source_or_bad_date_is_rejected() {
    let err = problems(
        user("[[electricity]]\nid = \"x\"\nregion = \"x\"\nusd_per_kwh = 0.1\nperiod = \"p\"\nsource = \"\"\ndate = \"2025\"\n")
            .unwrap_err(),
    );
    assert!(err.contains("mine.toml:6:10: expected a source"), "{err}");
    let err = problems(
        user("[[electricity]]\nid = \"x\"\nregion = \"x\"\nusd_per_kwh = 0.1\nperiod = \"p\"\nsource = \"s\"\ndate = \"May 2025\"\n")
            .unwrap_err(),
    );
    assert!(err.contains("expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found `May 2025`"), "{err}");
}

#[test]
fn duplicate_ids_in_one_file_and_bad_ids_are_rejected() {
    let entry = "[[electricity]]\nid = \"Dup\"\nregion = \"x\"\nusd_per_kwh = 0.1\nperiod = \"p\"\nsource = \"s\"\ndate = \"2025\"\n";
    let err = problems(user(entry).unwrap_err());
    assert!(err.contains("invalid electricity tariff id `Dup`"), "{err}");
    let twice = entry.replace("Dup", "dup").repeat(2);
    let err = problems(user(&twice).unwrap_err());
    assert!(err.contains("mine.toml:9:6: duplicate electricity tariff id `dup`"), "{err}");
}

#[test]
fn rows_are_sorted_and_filtered() {
    let c = Catalog::builtin().unwrap();
    let gpus = c.rows(Some(Kind::Gpu));
    assert_eq!(gpus.len(), 12);
    let ids: Vec<&str> = gpus.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    assert_eq!(c.rows(Some(Kind::System)).len(), 12, "the issue's 11 systems plus hgx-a100 for validation");
    assert_eq!(c.rows(None).len(), Kind::ALL.iter().map(|&k| c.rows(Some(k)).len()).sum::<usize>());
}

const H100_OVERRIDE: &str = r#"
[[system]]
id = "hgx-h100"
name = "Our H100 nodes"
vendor = "NVIDIA"
accelerator = "h100"
gpus_per_node = 8
nodes_per_rack = 2
gpus_per_domain = 8
cpu = "2x Xeon"
cpus_per_node = 2
nic = "CX-7"
nics_per_node = 8
nic_gbps = 400
node_power_kw = 10.2
rack_power_kw = 20.4
scaleup_fabric = "nvlink4-nvswitch"
scaleout_fabric = "ib-ndr"
cooling = "air"
source = "our hall"
date = "2026-11"
"#;

#[test]
fn override_without_aliases_keeps_the_old_ones() {
    let c = user(H100_OVERRIDE).unwrap();
    let s = c.systems.get("dgx-h100").unwrap();
    assert_eq!(s.nodes_per_rack.get(), 2);
}

#[test]
fn an_id_wins_over_another_entrys_alias() {
    // `gb300` is an alias of the system gb300-nvl72; a user system with that id must be reachable.
    let text = H100_OVERRIDE.replace("id = \"hgx-h100\"", "id = \"gb300\"");
    let c = user(&text).unwrap();
    assert_eq!(c.systems.get("gb300").unwrap().name, "Our H100 nodes");
    assert_eq!(c.systems.get("nvl72-gb300").unwrap().id.get_ref(), "gb300-nvl72");
}

#[test]
fn errors_caused_by_an_override_say_where_it_is() {
    let text = r#"
[[fabric]]
id = "ib-xdr"
name = "mislabelled"
vendor = "x"
tier = "scale-up"
technology = "infiniband"
port_gbps = 800
source = "s"
date = "2026"
"#;
    let err = problems(user(text).unwrap_err());
    assert!(err.contains("fabric `ib-xdr` is scale-up, expected a scale-out fabric"), "{err}");
    assert!(err.contains("help: `ib-xdr` is defined at mine.toml:3:6"), "{err}");
}

#[test]
fn huge_counts_do_not_overflow() {
    let text = H100_OVERRIDE
        .replace("gpus_per_node = 8", "gpus_per_node = 65536")
        .replace("nodes_per_rack = 2", "nodes_per_rack = 65536");
    let err = problems(user(&text).unwrap_err());
    assert!(err.contains("within a 4294967296-GPU rack"), "{err}");
}

#[test]
fn suggestions_search_aliases_too() {
    let c = Catalog::builtin().unwrap();
    match c.show("blackwel-ultra").unwrap_err() {
        CatalogError::NoSuchEntry { suggestions, .. } => assert_eq!(suggestions[0], "gb300"),
        other => panic!("{other}"),
    }
    assert_eq!(c.matches("gb300"), vec![(Kind::Gpu, "gb300".to_owned()), (Kind::System, "gb300-nvl72".to_owned())]);
}
