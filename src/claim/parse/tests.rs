//! The parser on vendor sentences, what it refuses, and round trips.
use super::*;
use proptest::prelude::*;

fn cat() -> Catalog {
    crate::catalog::Catalog::builtin().unwrap()
}

fn p(s: &str) -> Parsed {
    parse(s, &cat()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn vendor_figures_parse() {
    let x = p("over 200 exaflops of AI compute");
    assert_eq!((x.kind, x.qualifier, x.scope), (Kind::Compute, Qualifier::AtLeast, Scope::Cluster));
    let f = x.figure.unwrap();
    assert_eq!(f.value, 200e18);
    assert!((f.low - 195e18).abs() < 1e9 && (f.high - 205e18).abs() < 1e9);
    assert_eq!(p("92.1 EFLOPS of FP4").precision, Some(Precision::Fp4));
    assert_eq!(p("1.44 EF per rack").scope, Scope::Rack);
    let z = p("2.4 zettaFLOPS").figure.unwrap();
    assert!((z.value - 2.4e21).abs() < 1e6 && (z.low - 2.35e21).abs() < 1e9);
    let w = p("Blackwell Ultra GPUs draw 700W+");
    assert_eq!((w.kind, w.qualifier, w.scope), (Kind::Power, Qualifier::AtLeast, Scope::Gpu));
    assert_eq!(w.gpu.as_deref(), Some("gb300"));
    assert_eq!(p("132 kW per rack").figure.unwrap().value, 132e3);
    assert_eq!(p("a 1 GW campus").scope, Scope::Site);
    let pue = p("liquid cooling achieves a PUE of 1.08");
    assert_eq!(pue.kind, Kind::Facility);
    assert_eq!(pue.figure.unwrap().high, 1.085);
    assert_eq!(p("$2/GPU-hour").kind, Kind::Cost);
    assert_eq!(p("30% lower TCO").kind, Kind::Cost);
    let s = p("4x faster training than H100");
    assert_eq!((s.kind, s.versus.as_deref()), (Kind::Speed, Some("h100")));
    assert_eq!(p("54 days").kind, Kind::Time);
    assert_eq!(p("up to 30 PFLOPS").qualifier, Qualifier::UpTo);
    assert!(parse("about 1.1", &cat()).is_err(), "a bare number has no kind of its own");
    let t = p("train a 1.8 trillion parameter model on 15T tokens in 90 days");
    assert_eq!(t.kind, Kind::Time);
    assert!(t.extra.iter().any(|q| q.unit == Unit::Params && q.value == 1.8e12));
    assert!(t.extra.iter().any(|q| q.unit == Unit::Tokens && q.value == 15e12));
    assert_eq!(t.figure.as_ref().map(|q| (q.unit, q.value)), Some((Unit::Days, 90.0)));
    let sys = p("GB300 NVL72 delivers 1.44 exaflops");
    assert_eq!((sys.system.as_deref(), sys.gpu.as_deref()), (Some("gb300-nvl72"), Some("gb300")));
    let counted = p("4,608 GPUs at 92.1 exaflops");
    assert_eq!((counted.figure.unwrap().value, counted.gpus), (92.1e18, Some(4608)));
    assert_eq!(p("64 racks deliver 92.1 exaflops").racks, Some(64));
    assert_eq!(p("by 2027, 200 exaflops").figure.unwrap().value, 200e18);
}

#[test]
fn what_is_not_understood_is_pointed_at() {
    let c = cat();
    let huge = format!("{} exaflops", "9".repeat(400));
    for (s, part) in [
        ("92.1 zorkflops", "92.1 zorkflops"),
        ("42 bananas", "42 bananas"),
        ("3x", "3x"),
        ("", ""),
        (huge.as_str(), huge.as_str()),
    ] {
        let e = parse(s, &c).unwrap_err();
        assert_eq!(&s[e.span.0..e.span.1], part, "{s}: {e}");
        assert!(e.to_string().contains("claims understood: compute"), "{e}");
    }
}

proptest! {
    #[test]
    fn formatted_quantities_parse_back(v in 1u32..100_000, d in 0u32..3) {
        let value = f64::from(v) / 10f64.powi(d as i32);
        for unit in [Unit::Flops, Unit::Watts, Unit::Pue, Unit::UsdPerGpuHour, Unit::Times, Unit::Days] {
            let base = match unit { Unit::Flops => value * 1e18, _ => value };
            let text = format(base, unit);
            let q = parse(&text, &cat()).unwrap_or_else(|e| panic!("{text}: {e}")).figure.unwrap();
            prop_assert_eq!(q.unit, unit);
            prop_assert!((q.value - base).abs() <= base.abs() * 1e-12, "{} -> {}", text, q.value);
            prop_assert!(q.low <= q.value && q.value <= q.high);
        }
    }

    #[test]
    fn any_sentence_is_read_or_refused_never_a_panic(
        words in prop::collection::vec(prop::sample::select(vec![
            "over", "up", "to", "about", "200", "1.08", "92.1", "4,608", "700w+", "$2/gpu-hour", "exaflops", "EF", "pf",
            "kW", "MW", "gigawatt", "PUE", "WUE", "l/kwh", "x", "faster", "than", "H100", "GB300", "NVL72", "Gaudi",
            "3", "MI355X", "per", "GPU", "rack", "campus", "fp4", "sparse", "dense", "days", "trillion", "parameter",
            "15T", "tokens", "175B", "%", "lower", "TCO", "é", "ß", "🚀", "1e308", "9999999999999999999999", "", "-", ".",
        ]), 0..12)
    ) {
        let text = words.join(" ");
        let c = cat();
        if let Ok(p) = parse(&text, &c) {
            let r = crate::claim::judge(&text, p, &c, &crate::claim::Context::default());
            prop_assert!(crate::report::Finite::non_finite(&r).is_none(), "{}: {:?}", text, r);
        }
    }

    #[test]
    fn prefixes_convert_both_ways(v in 1u32..10_000) {
        let v = f64::from(v);
        let pf = parse(&format!("{v} petaflops"), &cat()).unwrap().figure.unwrap().value;
        let ef = parse(&format!("{} exaflops", v / 1000.0), &cat()).unwrap().figure.unwrap().value;
        prop_assert!((pf - ef).abs() <= pf * 1e-12);
        let kw = parse(&format!("{v} kW"), &cat()).unwrap().figure.unwrap().value;
        let w = parse(&format!("{} W", v * 1000.0), &cat()).unwrap().figure.unwrap().value;
        prop_assert!((kw - w).abs() <= kw * 1e-12);
    }
}
