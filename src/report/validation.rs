//! The `validate` tables: collectives per system and scope, training per
//! generation and class, both as one JSON document.

use super::Report;
use crate::catalog::sig3;
use crate::results::{TrainingValidationReport, ValidationReport};
use serde_json::Value;
use std::collections::BTreeMap;

/// A share as a percentage, `-` where there is none.
fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// A signed share as a percentage, `-` where there is none.
fn signed(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{:+.1}%", v * 100.0))
}

impl Report for ValidationReport {
    fn columns(&self) -> Vec<&'static str> {
        vec![
            "system",
            "scope",
            "check >= 64 MiB",
            "median |error|",
            "max |error|",
            "median error",
            "check < 64 MiB",
            "median |error| ",
            "fit rows",
        ]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.systems
            .iter()
            .map(|g| {
                vec![
                    g.system.clone(),
                    g.scope.clone(),
                    g.large_rows.to_string(),
                    pct(g.large_median_abs_error),
                    pct(g.large_max_abs_error),
                    signed(g.large_median_error),
                    g.small_rows.to_string(),
                    pct(g.small_median_abs_error),
                    g.fit_rows.to_string(),
                ]
            })
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        let mut lines = vec![
            "bus bandwidth as nccl-tests reports it; errors on check rows only; error = (predicted - measured) / \
             measured: positive means the model is too fast"
                .to_owned(),
            self.fit_rule.clone(),
        ];
        lines.extend(self.summary.iter().map(|s| {
            format!(
                "all {} rows {}: {} rows, median |error| {:.1}%, max {:.1}%",
                s.role,
                s.sizes,
                s.rows,
                s.median_abs_error * 100.0,
                s.max_abs_error * 100.0
            )
        }));
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.skipped {
            *reasons.entry(r.reason.split(';').next().unwrap_or(&r.reason)).or_default() += 1;
        }
        for (why, n) in reasons {
            lines.push(format!("not compared ({n} rows): {why}"));
        }
        lines.push("every row with its prediction and source: --format json".to_owned());
        lines
    }
}

impl Report for crate::results::ValidationAll {
    fn columns(&self) -> Vec<&'static str> {
        self.training.columns()
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.training.rows()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Report for TrainingValidationReport {
    fn columns(&self) -> Vec<&'static str> {
        vec!["generation", "class", "check rows", "median |error|", "max |error|", "median error", "fit rows"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.groups
            .iter()
            .map(|g| {
                vec![
                    g.generation.clone(),
                    g.class.clone(),
                    g.check_rows.to_string(),
                    pct(g.median_abs_error),
                    pct(g.max_abs_error),
                    signed(g.median_error),
                    g.fit_rows.to_string(),
                ]
            })
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        let mut lines = vec![
            "errors on check rows only; error = (predicted - published) / published of the published throughput \
             (tokens/s per GPU, TFLOP/s or 1 / step time): positive means the model is too fast"
                .to_owned(),
            self.fit_rule.clone(),
            format!("fit rows ({}): {}", self.fit_rows.len(), self.fit_rows.join(" ")),
            format!(
                "P10-P90 bands: {:.0}% of check rows fall inside the band the other check rows give them",
                self.band_coverage * 100.0
            ),
            "every row with its prediction: --format json".to_owned(),
        ];
        lines.extend(self.summary.iter().map(|s| {
            format!(
                "all {} rows: {}, median |error| {:.1}%, max {:.1}%",
                s.role,
                s.rows,
                s.median_abs_error * 100.0,
                s.max_abs_error * 100.0
            )
        }));
        lines
    }
}

impl Report for crate::pipeline::validate::ContentionValidation {
    fn columns(&self) -> Vec<&'static str> {
        vec!["id", "role", "routing", "setup", "measured", "model", "error", "what", "source"]
    }
    fn long_columns(&self) -> &'static [&'static str] {
        &["setup", "what", "source"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                let measured = match r.measured_range {
                    Some((lo, hi)) => format!("{}-{}", sig3(lo), sig3(hi)),
                    None => sig3(r.measured),
                };
                vec![
                    r.id.clone(),
                    r.role.clone(),
                    r.routing.clone(),
                    r.setup.clone(),
                    measured,
                    sig3(r.model),
                    format!("{:+.0}%", 100.0 * r.error),
                    r.what.clone(),
                    r.source.clone(),
                ]
            })
            .collect()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        let mut lines = vec![
            "share of line rate: mean connection rate / line rate over random patterns (max-min fair flows); \
             error = (model - measured) / measured, 0 inside a published range"
                .to_owned(),
        ];
        for f in &self.fitted {
            lines.push(format!(
                "fit: {} adaptive_efficiency {} reproduces row {} (catalog: {})",
                f.fabric,
                sig3(f.fitted),
                f.row,
                sig3(f.catalog)
            ));
        }
        for (routing, e, n) in &self.check_error {
            lines.push(format!("check rows, {routing}: mean |error| {:.0}% over {n} rows", 100.0 * e));
        }
        for s in &self.skipped {
            lines.push(format!("not compared: {} ({}): {}", s.id, s.what, s.reason));
        }
        lines
    }
}
