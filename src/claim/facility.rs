//! Facility claims: PUE and WUE from the facility model over sites,
//! designs, UPS modes and loads, and the conditions under which they hold.

use super::*;

pub(super) fn facility(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure: a facility claim needs a PUE (`a PUE of 1.08`)") };
    let water = f.unit == Unit::Wue;
    if !water && !(1.0..=5.0).contains(&f.value) {
        return (
            DOES_NOT_HOLD,
            vec![format!("a PUE is at least 1 (facility energy over IT energy); {} is not one", f.text)],
            None,
        );
    }
    let sites: Vec<&crate::catalog::Site> = match j.cx.site.as_ref() {
        Some(id) => match j.catalog.sites.find(id) {
            Some(s) if s.climate.is_some() => vec![s],
            Some(_) => return cannot(format!("site `{id}` has no climate table")),
            None => return cannot(format!("no site `{id}` in the catalog")),
        },
        None => j.catalog.sites.iter().filter(|s| s.climate.is_some()).collect(),
    };
    let said = j.text.to_lowercase();
    let coolings: Vec<Cooling> = match j.cx.cooling {
        Some(c) => vec![c],
        None if said.contains("liquid") => vec![Cooling::Liquid],
        None if said.contains("air-cooled") || said.contains("air cooling") || said.contains("air-cooling") => {
            vec![Cooling::Air]
        }
        None if said.contains("hybrid") => vec![Cooling::Hybrid],
        None => vec![Cooling::Liquid, Cooling::Hybrid, Cooling::Air],
    };
    let upses: Vec<Ups> = match j.cx.ups {
        Some(u) => vec![u],
        None if said.contains("eco") => vec![Ups::Eco],
        None => vec![Ups::DoubleConversion, Ups::Eco],
    };
    let loads = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    // (site, cooling, ups, load, metric)
    let mut rows: Vec<(String, Cooling, Ups, f64, f64)> = Vec::new();
    for site in &sites {
        let base = crate::pipeline::facility::Inputs { site: Some(site.id.get_ref().clone()), ..Default::default() };
        let Ok((weather, _)) = crate::pipeline::facility::weather(&base, None, Some(site)) else { continue };
        for &cooling in &coolings {
            for &ups in &upses {
                let a = crate::pipeline::facility::Inputs { cooling: Some(cooling), ups: Some(ups), ..base.clone() };
                let Ok(design) = crate::pipeline::facility::design(&a, None, j.catalog, 10_000.0) else { continue };
                for &lf in &loads {
                    let t = design.run(&weather, |_| 10_000.0 * lf).totals(&weather.month);
                    rows.push((
                        site.id.get_ref().clone(),
                        cooling,
                        ups,
                        lf,
                        if water { t.wue_l_per_kwh } else { t.annual_pue },
                    ));
                }
            }
        }
    }
    if rows.is_empty() {
        return cannot("no site with a climate to run the facility model on");
    }
    let metric = if water { "WUE" } else { "PUE" };
    let ok = |v: f64| match p.qualifier {
        Qualifier::AtLeast => v >= f.low,
        Qualifier::About => v >= f.low && v <= f.high,
        _ => v <= f.high,
    };
    let best = rows.iter().map(|r| r.4).fold(f64::INFINITY, f64::min);
    let worst = rows.iter().map(|r| r.4).fold(f64::NEG_INFINITY, f64::max);
    j.step(
        format!(
            "annual {metric}, {} cooling, {} site(s), {} UPS, load 30-100%",
            coolings.iter().map(|c| c.name()).collect::<Vec<_>>().join("/"),
            sites.len(),
            upses.iter().map(|u| u.name()).collect::<Vec<_>>().join(" or ")
        ),
        format!("{best:.3}-{worst:.3}"),
        if water { "L/kWh" } else { "" },
        "facility model hour by hour on each site's typical year (data/facility.toml; checked against published fleet PUEs, see README)",
    );
    let holding: Vec<&(String, Cooling, Ups, f64, f64)> = rows.iter().filter(|r| ok(r.4)).collect();
    j.step("cases where it holds", format!("{} of {}", holding.len(), rows.len()), "", "the runs above");
    if holding.len() == rows.len() {
        return (HOLDS, vec![format!("at every site, design, UPS mode and load from 30% tried")], None);
    }
    if holding.is_empty() {
        return (
            DOES_NOT_HOLD,
            vec![format!(
                "the best case is {best:.3}; the claim covers {} {}",
                if p.qualifier == Qualifier::AtLeast { "from" } else { "up to" },
                sig(if p.qualifier == Qualifier::AtLeast { f.low } else { f.high })
            )],
            None,
        );
    }
    // Conditions: per design and UPS mode, the lowest load from which it holds, and where.
    let mut conds = Vec::new();
    for &cooling in &coolings {
        for &ups in &upses {
            let these: Vec<&&(String, Cooling, Ups, f64, f64)> =
                holding.iter().filter(|r| r.1 == cooling && r.2 == ups).collect();
            if these.is_empty() {
                continue;
            }
            let mut at: Vec<String> = these.iter().map(|r| r.0.clone()).collect();
            at.sort();
            at.dedup();
            let min_load = these.iter().map(|r| r.3).fold(f64::INFINITY, f64::min);
            conds.push(format!(
                "{} cooling with {} UPS from {:.0}% load{}",
                cooling.name(),
                ups_words(ups),
                min_load * 100.0,
                if at.len() == sites.len() {
                    if sites.len() > 1 { " (at every site)".to_owned() } else { String::new() }
                } else {
                    format!(" at {}", at.join(", "))
                }
            ));
        }
    }
    (HOLDS_ONLY_IF, conds, None)
}

fn ups_words(u: Ups) -> &'static str {
    match u {
        Ups::Eco => "an eco-mode",
        Ups::DoubleConversion => "a double-conversion",
    }
}
