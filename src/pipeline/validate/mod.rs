//! Predictions against the published measurements shipped in `data/`.

mod contention;
mod training;

pub use crate::model::band::{Band, Bands};
pub use contention::*;
pub use training::*;

use crate::catalog::Catalog;
use crate::data::{self, MeasuredCollective};
use crate::model::collective::{self, Algorithm, CollectiveParams, Op};
use crate::results::{CollectiveValidationRow, ErrorSummary, SkippedRow, SystemError, ValidationReport};
use crate::sizes::parse_size;
use crate::topology::{FabricOptions, Topology};
use crate::units::Bytes;
use std::collections::BTreeMap;

/// Messages at or above this size are held to the tighter tolerance.
pub const LARGE_MESSAGE: u64 = 64 << 20;
/// Tolerance on busbw for messages of 64 MiB and more.
pub const LARGE_TOLERANCE: f64 = 0.10;
/// Tolerance on busbw below 64 MiB.
pub const SMALL_TOLERANCE: f64 = 0.20;

/// The newer collective rows the per-fabric values are fitted to: one
/// (system, source) per fabric; every other row of every system is a check
/// row. Each fitted fabric is then checked on other systems and sources:
/// NVLink 5 fitted on one GB200 NVL72 sweep (GCP A4X) is checked on GB300,
/// B200 and B300 and on GB200 racks of CoreWeave, Azure and OCI.
pub const COLLECTIVE_FIT_SETS: [(&str, &str); 3] = [
    // NVLink 5 in the rack (4-72 GPUs, all four ops) and RoCE across racks.
    ("gb200-nvl72", "gpu-tpu-pedia gpu/a4x/04-nccl-test"),
    // Infinity Fabric of MI300X.
    ("mi300x-8", "ROCm/rocm-blogs"),
    // Infinity Fabric of MI355X and its RoCE all-to-all.
    ("mi355x-8", "oracle-quickstart/oci-gpu-quickstarts amd/MI355X"),
];

/// The split, in words.
pub fn collective_fit_rule() -> String {
    let sets: Vec<String> = COLLECTIVE_FIT_SETS.iter().map(|(sys, src)| format!("{sys} from {src}")).collect();
    format!(
        "fit rows: the 8x H200 rows marked fit in collectives.toml, and per fabric one system and source ({}); \
         every other row is a check row",
        sets.join("; ")
    )
}

/// Whether the parameters were fitted to this row.
pub fn collective_is_fit(m: &MeasuredCollective) -> bool {
    m.fit || COLLECTIVE_FIT_SETS.iter().any(|(sys, src)| m.system == *sys && m.source.contains(src))
}

/// Every shipped collective measurement, predicted.
pub fn collectives(catalog: &Catalog, params: &CollectiveParams) -> anyhow::Result<ValidationReport> {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for m in data::collective_validation() {
        match predict(catalog, params, &m)? {
            Ok(r) => rows.push(r),
            Err(reason) => skipped.push(SkippedRow { id: m.id.clone(), system: m.system.clone(), reason }),
        }
    }
    let summary = [(true, true), (true, false), (false, true), (false, false)]
        .into_iter()
        .filter_map(|(fit, large)| summarise(&rows, fit, large))
        .collect();
    let systems = by_system(&rows);
    Ok(ValidationReport { fit_rule: collective_fit_rule(), rows, skipped, summary, systems })
}

/// GPUs per scale-up domain in the measurement: as stated, or one node's
/// worth where only part of an 8-GPU node ran per node.
fn in_domain(m: &MeasuredCollective, sys_node: u32, sys_domain: u32) -> u64 {
    if let Some(d) = m.gpus_per_domain {
        return d;
    }
    match m.gpus_per_node {
        Some(g) if g < sys_node && sys_node == sys_domain && m.gpus > u64::from(g) => u64::from(g),
        _ => u64::from(sys_domain),
    }
}

/// A row's prediction, or why it is not compared (outer error: the data is broken).
pub fn predict(
    catalog: &Catalog,
    params: &CollectiveParams,
    m: &MeasuredCollective,
) -> anyhow::Result<Result<CollectiveValidationRow, String>> {
    if let Some(why) = &m.skip {
        return Ok(Err(why.clone()));
    }
    if m.fabric.as_deref() == Some("none-matching") {
        return Ok(Err("its NICs (count, speed or transport) match no catalog system and fabric".into()));
    }
    let op: Op = serde_json::from_value(serde_json::Value::String(m.op.clone()))
        .map_err(|e| anyhow::anyhow!("row {}: op `{}`: {e}", m.id, m.op))?;
    let force: Option<Algorithm> = m
        .algorithm
        .as_ref()
        .map(|a| serde_json::from_value(serde_json::Value::String(a.clone())))
        .transpose()
        .map_err(|e| anyhow::anyhow!("row {}: algorithm: {e}", m.id))?;
    let bytes = parse_size(&m.size)?;
    let sys = catalog.systems.get(&m.system)?;
    let domain = sys.gpus_per_domain.get();
    let per = in_domain(m, sys.gpus_per_node.get(), domain);
    let spread = per < u64::from(domain) && per < m.gpus;
    let cluster = if spread { m.gpus / per.max(1) * u64::from(domain) } else { m.gpus };
    let opt = FabricOptions { fabric: m.fabric.clone(), ..FabricOptions::default() };
    let topo = Topology::build(catalog, &m.system, cluster.max(m.gpus), &opt)?;
    let levels = match if spread { topo.group_spread(m.gpus, per) } else { topo.group(m.gpus) } {
        Ok(l) => l,
        Err(e) => return Ok(Err(format!("placement: {e}"))),
    };
    let p = params.for_fabrics(&topo.scaleup_fabric, &topo.fabric);
    let Some(e) = collective::estimate(op, Bytes(bytes as f64), &levels, &p, force) else {
        return Ok(Err(format!("no modelled algorithm runs {op} on this group")));
    };
    let predicted = bytes as f64 / e.time.get() * op.bus_factor(m.gpus) / 1e9;
    let scope = if levels.len() > 1 { topo.fabric.clone() } else { "scale-up".to_owned() };
    Ok(Ok(CollectiveValidationRow {
        id: m.id.clone(),
        system: m.system.clone(),
        scope,
        gpus: m.gpus,
        gpus_per_domain: per.min(m.gpus),
        op: m.op.clone(),
        size_bytes: bytes,
        measured_busbw_gb_per_s: m.busbw_gb_per_s,
        predicted_busbw_gb_per_s: predicted,
        error: (predicted - m.busbw_gb_per_s) / m.busbw_gb_per_s,
        predicted_algorithm: format!("{}/{}", e.algorithm, e.protocol),
        measured_algorithm: m.measured_algorithm.clone(),
        role: if collective_is_fit(m) { "fit".into() } else { "check".into() },
        tolerance: if bytes >= LARGE_MESSAGE { LARGE_TOLERANCE } else { SMALL_TOLERANCE },
        confidence: m.confidence.clone(),
        source: m.source.clone(),
    }))
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

fn by_system(rows: &[CollectiveValidationRow]) -> Vec<SystemError> {
    let mut groups: BTreeMap<(&str, &str), Vec<&CollectiveValidationRow>> = BTreeMap::new();
    for r in rows {
        groups.entry((&r.system, &r.scope)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|((system, scope), g)| {
            let errs = |large: bool| -> Vec<f64> {
                g.iter()
                    .filter(|r| r.role == "check" && (r.size_bytes >= LARGE_MESSAGE) == large)
                    .map(|r| r.error)
                    .collect()
            };
            let (mut large, small) = (errs(true), errs(false));
            let mut large_abs: Vec<f64> = large.iter().map(|e| e.abs()).collect();
            let mut small_abs: Vec<f64> = small.iter().map(|e| e.abs()).collect();
            SystemError {
                system: system.to_owned(),
                scope: scope.to_owned(),
                large_rows: large.len(),
                large_median_abs_error: median(&mut large_abs),
                large_max_abs_error: large_abs.last().copied(),
                large_median_error: median(&mut large),
                small_rows: small.len(),
                small_median_abs_error: median(&mut small_abs),
                fit_rows: g.iter().filter(|r| r.role == "fit").count(),
            }
        })
        .collect()
}

fn summarise(rows: &[CollectiveValidationRow], fit: bool, large: bool) -> Option<ErrorSummary> {
    let mut errs: Vec<f64> = rows
        .iter()
        .filter(|r| (r.role == "fit") == fit && (r.size_bytes >= LARGE_MESSAGE) == large)
        .map(|r| r.error.abs())
        .collect();
    let med = median(&mut errs)?;
    Some(ErrorSummary {
        role: if fit { "fit" } else { "check" }.into(),
        sizes: if large { ">= 64 MiB" } else { "< 64 MiB" }.into(),
        rows: errs.len(),
        median_abs_error: med,
        max_abs_error: errs[errs.len() - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ValidationReport {
        collectives(&Catalog::builtin().unwrap(), &data::collective_params()).unwrap()
    }

    #[test]
    fn the_reference_node_stays_within_tolerance() {
        // The 8x H200 rows the reference values were fitted on: every row
        // within twice its tolerance, and the large check rows within 5% median.
        let r = report();
        let h200: Vec<_> = r.rows.iter().filter(|r| r.id.starts_with('C')).collect();
        assert!(h200.len() >= 30);
        for row in &h200 {
            assert!(row.error.abs() <= 2.0 * row.tolerance, "{} {:+.1}%", row.id, row.error * 100.0);
        }
        let g = r.systems.iter().find(|g| g.system == "hgx-h200" && g.scope == "scale-up").unwrap();
        assert!(g.large_median_abs_error.unwrap() <= 0.05, "{g:?}");
    }

    #[test]
    fn check_rows_of_newer_systems_meet_the_target_but_one_known_miss() {
        // Target: busbw within 10% median at >= 64 MiB on check rows, per
        // system and scope. Known miss: GB200 over Quantum-X800 at 1,440 GPUs
        // (the model has no mechanism for the halving of busbw from 2 to 20 racks).
        let r = report();
        let over: Vec<_> = r
            .systems
            .iter()
            .filter(|g| g.large_rows >= 3 && g.large_median_abs_error.is_some_and(|e| e > LARGE_TOLERANCE))
            .collect();
        assert!(over.len() <= 1, "{over:#?}");
        let large = r.summary.iter().find(|s| s.role == "check" && s.sizes == ">= 64 MiB").unwrap();
        assert!(large.rows >= 250 && large.median_abs_error <= 0.07, "{large:?}");
    }

    #[test]
    fn the_split_is_a_rule_and_every_system_has_check_rows() {
        let r = report();
        for g in r.systems.iter().filter(|g| g.fit_rows > 0) {
            assert!(COLLECTIVE_FIT_SETS.iter().any(|(s, _)| *s == g.system) || g.system == "hgx-h200", "{g:?}");
        }
        let systems: std::collections::BTreeSet<&str> = r.rows.iter().map(|r| r.system.as_str()).collect();
        for s in systems {
            assert!(r.rows.iter().any(|r| r.system == s && r.role == "check"), "{s} has no check rows");
        }
        assert_eq!(r.skipped.len(), 60, "rows not compared changed: {:?}", r.skipped);
    }

    #[test]
    fn a_spread_group_crosses_the_fabric() {
        let catalog = Catalog::builtin().unwrap();
        let topo = Topology::build(&catalog, "gb300-nvl72", 144, &FabricOptions::default()).unwrap();
        let spread = topo.group_spread(8, 4).unwrap();
        assert_eq!(spread.len(), 2);
        assert_eq!((spread[0].size, spread[1].size), (4, 2));
        assert_eq!(topo.group_spread(8, 72).unwrap().len(), 1);
        assert!(topo.group_spread(12, 8).is_err());
    }
}
