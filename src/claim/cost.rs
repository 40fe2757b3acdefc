//! Cost claims against the catalog's offers.

use super::*;

pub(super) fn cost(j: &mut Judge<'_>) -> Outcome {
    let p = j.p;
    let Some(f) = p.figure.clone() else { return cannot("no figure") };
    if f.unit == Unit::Percent {
        return cannot(
            "a relative cost needs both sides' costs: write a scenario with both options and run `rackscale tco`",
        );
    }
    let Some(gpu) = j.gpu() else { return cannot("no accelerator named; give --system ID") };
    let offers: Vec<&crate::catalog::Offer> =
        j.catalog.offers.iter().filter(|o| o.accelerator.get_ref() == gpu.id.get_ref()).collect();
    if offers.is_empty() {
        return cannot(format!("the catalog has no price for {}", gpu.id.get_ref()));
    }
    let said = j.text.to_lowercase();
    if (said.contains("instance") || said.contains("per hour") || said.contains("an hour")) && !said.contains("gpu") {
        // A price per instance-hour: each offer's GPU-hour price times its GPUs.
        let per: Vec<(String, f64)> = offers
            .iter()
            .map(|o| (o.id.get_ref().clone(), o.usd_per_gpu_hour.value * f64::from(o.gpus_per_instance.get())))
            .collect();
        j.step(
            format!("{} instance prices in the catalog", gpu.id.get_ref()),
            per.iter().map(|(id, v)| format!("{id} {v:.2}")).collect::<Vec<_>>().join(", "),
            "USD/instance-h",
            "catalog offers: USD per GPU-hour x GPUs per instance",
        );
        let hits: Vec<&(String, f64)> = per.iter().filter(|x| meets(p.qualifier, &f, x.1)).collect();
        return if hits.is_empty() {
            (DOES_NOT_HOLD, vec!["no catalog offer is priced at that per instance-hour".to_owned()], None)
        } else {
            (HOLDS, vec![format!("as {}", hits.iter().map(|x| x.0.clone()).collect::<Vec<_>>().join(", "))], None)
        };
    }
    let lo = offers.iter().map(|o| o.usd_per_gpu_hour.value).fold(f64::INFINITY, f64::min);
    let hi = offers.iter().map(|o| o.usd_per_gpu_hour.value).fold(f64::NEG_INFINITY, f64::max);
    j.step(
        format!("{} prices in the catalog ({} offers)", gpu.id.get_ref(), offers.len()),
        format!("{lo:.2}-{hi:.2}"),
        "USD/GPU-h",
        offers
            .iter()
            .map(|o| format!("{} {}", o.id.get_ref(), o.usd_per_gpu_hour.value))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let any = offers.iter().any(|o| meets(p.qualifier, &f, o.usd_per_gpu_hour.value));
    if offers.iter().all(|o| meets(p.qualifier, &f, o.usd_per_gpu_hour.value)) {
        (HOLDS, Vec::new(), None)
    } else if any || (f.low <= hi && f.high >= lo && p.qualifier == Qualifier::Exactly) {
        let names: Vec<String> = offers
            .iter()
            .filter(|o| meets(p.qualifier, &f, o.usd_per_gpu_hour.value))
            .map(|o| o.id.get_ref().clone())
            .collect();
        (
            HOLDS_ONLY_IF,
            vec![format!(
                "only at {}",
                if names.is_empty() { "prices inside the catalog's range".to_owned() } else { names.join(", ") }
            )],
            None,
        )
    } else {
        (DOES_NOT_HOLD, vec![format!("the catalog's prices are USD {lo:.2}-{hi:.2} per GPU-hour")], None)
    }
}
