//! Power claims: a GPU's rating, a node's or rack's power (an estimate's
//! range counts), a cluster's IT power.

use super::*;

pub(super) fn power(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure") };
    let sys = j.system();
    match p.scope {
        Scope::Gpu => {
            let Some(gpu) = j.gpu() else { return cannot("no accelerator named; give --system ID") };
            let w = gpu.power_w.value;
            j.step(format!("{} power rating", gpu.name), sig(w), "W", source_of(gpu));
            if meets(p.qualifier, &f, w) {
                let note = if p.qualifier == Qualifier::AtLeast && w > f.high * 1.5 {
                    vec![format!("understated: the rating is {} W, {:.1}x the figure", sig(w), w / f.value)]
                } else {
                    Vec::new()
                };
                (HOLDS, note, None)
            } else {
                (DOES_NOT_HOLD, vec![format!("the catalog rates {} at {} W", gpu.id.get_ref(), sig(w))], None)
            }
        }
        Scope::Rack => {
            let Some(s) = sys else { return cannot("a per-rack claim needs a system: give --system ID") };
            let r = &s.rack_power_kw;
            let (lo, hi) = r.range();
            j.step(
                format!("{} rack power", s.name),
                format!("{} ({}-{})", sig(r.value), sig(lo), sig(hi)),
                "kW",
                format!("catalog `{}`: {} ({})", s.id.get_ref(), s.source.as_str(), s.date.as_str()),
            );
            within(p.qualifier, &f, r.value * 1e3, lo * 1e3, hi * 1e3, "rack")
        }
        Scope::Node => {
            let Some(s) = sys else { return cannot("a per-system claim needs a system: give --system ID") };
            let r = &s.node_power_kw;
            let (lo, hi) = r.range();
            j.step(
                format!("{} node power", s.name),
                format!("{} ({}-{})", sig(r.value), sig(lo), sig(hi)),
                "kW",
                format!("catalog `{}`: {} ({})", s.id.get_ref(), s.source.as_str(), s.date.as_str()),
            );
            within(p.qualifier, &f, r.value * 1e3, lo * 1e3, hi * 1e3, "node")
        }
        Scope::Cluster | Scope::Site => {
            let Some(s) = sys else { return cannot("a cluster or site power claim needs a system: give --system ID") };
            let Some(gpu) = j.gpu() else { return cannot("no accelerator") };
            let rack_kw = s.rack_power_kw.value;
            let per_rack = u64::from(s.gpus_per_node.get()) * u64::from(s.nodes_per_rack.get());
            match j.gpus(Some(s)) {
                Some(n) => {
                    let (_, it, _) = crate::model::cluster::nameplate_power(
                        s,
                        gpu,
                        n.div_ceil(u64::from(s.gpus_per_node.get())) as u32,
                        None,
                    );
                    j.step(
                        format!("IT power at nameplate, {n} GPUs"),
                        sig(it.0 / 1e6),
                        "MW",
                        format!("catalog `{}` rack power {} kW", s.id.get_ref(), sig(rack_kw)),
                    );
                    let facility = it.0 * 1.2;
                    j.step(
                        "facility power at PUE 1.2",
                        sig(facility / 1e6),
                        "MW",
                        "ASSUMED PUE 1.2 (range 1.08-1.4): run `facility` for the site",
                    );
                    if meets(p.qualifier, &f, it.0) || meets(p.qualifier, &f, facility) {
                        (HOLDS, Vec::new(), None)
                    } else {
                        (DOES_NOT_HOLD, vec![format!("{n} GPUs draw {} MW of IT power", sig(it.0 / 1e6))], None)
                    }
                }
                None => {
                    let racks = f.value / 1.2 / (rack_kw * 1e3);
                    j.step(
                        format!("{} racks the figure feeds at PUE 1.2", s.id.get_ref()),
                        format!("{:.0} ({:.0} GPUs)", racks, racks * per_rack as f64),
                        "racks",
                        format!("catalog `{}` rack power {} kW; ASSUMED PUE 1.2", s.id.get_ref(), sig(rack_kw)),
                    );
                    cannot(format!(
                        "a site's power is its design capacity: give --gpus or --racks to check it; {} feeds about {:.0} {} racks",
                        f.text,
                        racks,
                        s.id.get_ref()
                    ))
                }
            }
        }
    }
}

/// A figure against a catalog estimate and its range: at the value, or inside the range
/// (holds: the catalog's sources disagree that much), or outside.
fn within(q: Qualifier, f: &Quantity, v: f64, lo: f64, hi: f64, what: &str) -> Outcome {
    let range = format!("{}-{} kW per {what} (its estimate {} kW)", sig(lo / 1e3), sig(hi / 1e3), sig(v / 1e3));
    // Whether some value of the catalog's range meets the claim.
    let reaches = match q {
        Qualifier::AtLeast => hi >= f.low,
        Qualifier::AtMost => lo <= f.high,
        _ => f.low <= hi && f.high >= lo,
    };
    if meets(q, f, v) {
        (HOLDS, Vec::new(), None)
    } else if f.value >= lo && f.value <= hi {
        (HOLDS, vec![format!("inside the catalog's range of {range}")], None)
    } else if reaches {
        (HOLDS_ONLY_IF, vec![format!("only at the end of the catalog's range of {range}")], None)
    } else {
        (DOES_NOT_HOLD, vec![format!("the catalog gives {range}")], None)
    }
}
