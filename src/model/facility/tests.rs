use super::climate::{Normals, Weather};
use super::*;
use crate::data::facility_defaults;
use approx::assert_relative_eq;
use proptest::prelude::*;

fn design(cooling: Cooling) -> Design {
    let d = facility_defaults();
    Design {
        capacity_kw: 10_000.0,
        cooling,
        liquid_capture: d.liquid.capture.value,
        supply_c: if cooling == Cooling::Liquid { d.liquid.supply_c.value } else { d.air.chw_supply_c.value },
        air_chw_c: d.air.chw_supply_c.value,
        evaporative: true,
        ups: Ups::DoubleConversion,
        params: d.params(),
    }
}

fn temperate() -> Weather {
    Weather::typical_year(&Normals::from_humidity(
        [-0.6, 1.2, 6.8, 12.6, 19.2, 24.9, 27.7, 26.8, 23.1, 16.3, 8.8, 2.3],
        [-8.2, -6.7, -1.8, 3.2, 8.8, 14.7, 18.2, 17.9, 13.6, 7.1, 0.6, -5.0],
        [75.0; 12],
    ))
}

fn run(d: &Design, w: &Weather, load: f64) -> Totals {
    d.run(w, |_| d.capacity_kw * load).totals(&w.month)
}

#[test]
fn chiller_matches_its_rating_and_the_held_out_points() {
    let p = facility_defaults().params();
    // Fitted: the AHRI point.
    assert_relative_eq!(p.chiller_cop(6.67, 29.44), 7.5, max_relative = 1e-9);
    // Held out: about 1-2% better per °F colder condenser water.
    let per_f = p.chiller_cop(6.67, 29.44 - 5.0 / 9.0) / 7.5 - 1.0;
    assert!((0.01..=0.02).contains(&per_f), "{per_f}");
    // Held out: VSD centrifugals reach about COP 14 at low condenser temperatures (60-65 °F).
    let low = p.chiller_cop(6.67, 15.6);
    assert!((11.0..=15.0).contains(&low), "{low}");
}

#[test]
fn liquid_pumps_match_the_worked_example() {
    // One 136 kW rack, 25% PG, 10 K, 250 kPa, η 0.6: about 1.4 kW (1.0% of IT).
    let p = facility_defaults().params();
    let kw = pump_kw(&p, 136.0, 10.0, 250.0);
    assert_relative_eq!(kw, 1.43, max_relative = 0.03);
}

#[test]
fn pue_rises_at_low_load() {
    let w = temperate();
    for c in [Cooling::Liquid, Cooling::Air, Cooling::Hybrid] {
        let d = design(c);
        let lo = run(&d, &w, 0.3).annual_pue;
        let hi = run(&d, &w, 0.9).annual_pue;
        assert!(lo > hi, "{c:?}: {lo} at 30% vs {hi} at 90%");
    }
}

#[test]
fn energy_balances_and_pue_is_at_least_one_every_hour() {
    let w = temperate();
    for c in [Cooling::Liquid, Cooling::Air, Cooling::Hybrid] {
        let d = design(c);
        let y = d.run(&w, |h| d.capacity_kw * (0.2 + 0.8 * ((h % 97) as f64 / 96.0)));
        for x in &y.hours {
            assert!(x.pue() >= 1.0, "{x:?}");
        }
        let t = y.totals(&w.month);
        let parts = t.it_energy_mwh + t.electrical_mwh + t.cooling_mwh + t.misc_mwh;
        assert_relative_eq!(t.facility_energy_mwh, parts, max_relative = 1e-12);
        let sum: f64 = y.hours.iter().map(Hour::total_kw).sum::<f64>() / 1e3;
        assert_relative_eq!(t.facility_energy_mwh, sum, max_relative = 1e-12);
        assert_eq!(
            t.cooling_mode_hours.dry + t.cooling_mode_hours.evaporative + t.cooling_mode_hours.chiller,
            w.len() as u32
        );
    }
}

#[test]
fn liquid_beats_air_and_zero_water_uses_none() {
    let w = temperate();
    let liquid = run(&design(Cooling::Liquid), &w, 0.8);
    let air = run(&design(Cooling::Air), &w, 0.8);
    assert!(liquid.annual_pue < air.annual_pue, "{} vs {}", liquid.annual_pue, air.annual_pue);
    let mut dry = design(Cooling::Liquid);
    dry.evaporative = false;
    let dry = run(&dry, &w, 0.8);
    assert_eq!(dry.wue_l_per_kwh, 0.0);
    assert_eq!(dry.cooling_mode_hours.evaporative, 0);
    assert!(dry.annual_pue >= liquid.annual_pue);
}

#[test]
fn eco_mode_ups_loses_less() {
    let w = temperate();
    let mut eco = design(Cooling::Liquid);
    eco.ups = Ups::Eco;
    assert!(run(&eco, &w, 0.8).partial_pue_electrical < run(&design(Cooling::Liquid), &w, 0.8).partial_pue_electrical);
}

fn any_cooling() -> impl Strategy<Value = Cooling> {
    prop_oneof![Just(Cooling::Liquid), Just(Cooling::Air), Just(Cooling::Hybrid)]
}

proptest! {
    /// A hotter hour (dry and wet bulb no lower) never needs less cooling power or water.
    #[test]
    fn hotter_never_cools_for_less(
        c in any_cooling(),
        evap in any::<bool>(),
        load in 0.05f64..1.0,
        db in -30.0f64..50.0,
        depression in 0.0f64..25.0,
        d_db in 0.0f64..10.0,
        d_wb in 0.0f64..10.0,
        supply in 15.0f64..45.0,
    ) {
        let mut d = design(c);
        d.evaporative = evap;
        if c == Cooling::Liquid { d.supply_c = supply; }
        let wb = db - depression;
        let it = load * d.capacity_kw;
        let (cold, _) = d.hour(it, db, wb);
        let wb2 = (wb + d_wb).min(db + d_db);
        let (hot, _) = d.hour(it, db + d_db, wb2.max(wb));
        prop_assert!(hot.cooling_kw() >= cold.cooling_kw() - 1e-9, "{cold:?} -> {hot:?}");
        prop_assert!(hot.water_l >= cold.water_l - 1e-9, "{cold:?} -> {hot:?}");
        prop_assert!(hot.pue() >= 1.0 && cold.pue() >= 1.0);
    }

    /// More IT load never costs less overhead in absolute terms. (PUE itself need not fall
    /// monotonically: fan and I²R losses grow faster than the load near full rating.)
    #[test]
    fn overhead_grows_with_load(c in any_cooling(), a in 0.01f64..1.0, b in 0.01f64..1.0, db in -20.0f64..45.0) {
        let d = design(c);
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let wb = db - 5.0;
        let (x, _) = d.hour(lo * d.capacity_kw, db, wb);
        let (y, _) = d.hour(hi * d.capacity_kw, db, wb);
        prop_assert!(y.total_kw() - y.it_kw >= x.total_kw() - x.it_kw - 1e-9);
        prop_assert!(x.pue() >= 1.0 && y.pue() >= 1.0);
    }
}
