//! Predictions against the published measurements shipped in `data/`.

mod band;
mod training;

pub use band::{Band, Bands};
pub use training::*;

use crate::catalog::Catalog;
use crate::data::{self, MeasuredCollective};
use crate::model::collective::{self, Algorithm, CollectiveParams, Op};
use crate::results::{CollectiveValidationRow, ErrorSummary, ValidationReport};
use crate::sizes::parse_size;
use crate::topology::{FabricOptions, Topology};
use crate::units::Bytes;

/// Messages at or above this size are held to the tighter tolerance.
pub const LARGE_MESSAGE: u64 = 64 << 20;
/// Tolerance on busbw for messages of 64 MiB and more.
pub const LARGE_TOLERANCE: f64 = 0.10;
/// Tolerance on busbw below 64 MiB.
pub const SMALL_TOLERANCE: f64 = 0.25;

/// Every shipped collective measurement, predicted.
pub fn collectives(catalog: &Catalog, params: &CollectiveParams) -> anyhow::Result<ValidationReport> {
    let v = data::collective_validation();
    let rows = v.row.iter().map(|m| predict(catalog, params, &v.system, m)).collect::<anyhow::Result<Vec<_>>>()?;
    let summary = [(true, true), (true, false), (false, true), (false, false)]
        .into_iter()
        .filter_map(|(fit, large)| summarise(&rows, fit, large))
        .collect();
    Ok(ValidationReport { source: v.source, date: v.date, system: v.system, rows, summary })
}

fn predict(
    catalog: &Catalog,
    params: &CollectiveParams,
    system: &str,
    m: &MeasuredCollective,
) -> anyhow::Result<CollectiveValidationRow> {
    let op: Op = serde_json::from_value(serde_json::Value::String(m.op.clone()))?;
    let force: Option<Algorithm> =
        m.algorithm.as_ref().map(|a| serde_json::from_value(serde_json::Value::String(a.clone()))).transpose()?;
    let bytes = parse_size(&m.size)?;
    let topo = Topology::build(catalog, system, m.gpus, &FabricOptions::default())?;
    let levels = topo.group(m.gpus)?;
    let e = collective::estimate(op, Bytes(bytes as f64), &levels, params, force)
        .ok_or_else(|| anyhow::anyhow!("row {}: no algorithm applies", m.id))?;
    let predicted = bytes as f64 / e.time.get() * op.bus_factor(m.gpus) / 1e9;
    Ok(CollectiveValidationRow {
        id: m.id.clone(),
        gpus: m.gpus,
        op: m.op.clone(),
        size_bytes: bytes,
        measured_busbw_gb_per_s: m.busbw_gb_per_s,
        predicted_busbw_gb_per_s: predicted,
        error: (predicted - m.busbw_gb_per_s) / m.busbw_gb_per_s,
        predicted_algorithm: format!("{}/{}", e.algorithm, e.protocol),
        measured_algorithm: m.measured_algorithm.clone(),
        role: if m.fit { "fit".into() } else { "check".into() },
        tolerance: if bytes >= LARGE_MESSAGE { LARGE_TOLERANCE } else { SMALL_TOLERANCE },
    })
}

fn summarise(rows: &[CollectiveValidationRow], fit: bool, large: bool) -> Option<ErrorSummary> {
    let mut errs: Vec<f64> = rows
        .iter()
        .filter(|r| (r.role == "fit") == fit && (r.size_bytes >= LARGE_MESSAGE) == large)
        .map(|r| r.error.abs())
        .collect();
    if errs.is_empty() {
        return None;
    }
    errs.sort_by(f64::total_cmp);
    let median = if errs.len() % 2 == 1 {
        errs[errs.len() / 2]
    } else {
        (errs[errs.len() / 2 - 1] + errs[errs.len() / 2]) / 2.0
    };
    Some(ErrorSummary {
        role: if fit { "fit" } else { "check" }.into(),
        sizes: if large { ">= 64 MiB" } else { "< 64 MiB" }.into(),
        rows: errs.len(),
        median_abs_error: median,
        max_abs_error: errs[errs.len() - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_within_tolerance() {
        let report = collectives(&Catalog::builtin().unwrap(), &data::collective_params()).unwrap();
        for r in &report.rows {
            assert!(
                r.error.abs() <= r.tolerance,
                "{} ({} GPUs, {} B): predicted {:.1} vs measured {:.1} GB/s ({:+.1}%)",
                r.id,
                r.gpus,
                r.size_bytes,
                r.predicted_busbw_gb_per_s,
                r.measured_busbw_gb_per_s,
                r.error * 100.0
            );
        }
        assert!(report.rows.iter().any(|r| r.role == "check" && r.size_bytes >= LARGE_MESSAGE));
    }
}
