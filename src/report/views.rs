//! How each result reads as rows.

use super::Report;
use crate::catalog::fmt_num;
use crate::results::{CatalogList, EntryDetail, ScenarioSummary};
use serde_json::Value;

impl Report for CatalogList {
    fn columns(&self) -> Vec<&'static str> {
        vec!["id", "kind", "name", "summary", "estimate", "date", "source"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|r| {
                let est = if r.estimate { "yes" } else { "" };
                vec![
                    r.id.clone(),
                    r.kind.clone(),
                    r.name.clone(),
                    r.summary.clone(),
                    est.into(),
                    r.date.clone(),
                    r.source.clone(),
                ]
            })
            .collect()
    }
    fn long_columns(&self) -> &'static [&'static str] {
        &["name", "source"]
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Report for EntryDetail {
    fn columns(&self) -> Vec<&'static str> {
        vec!["field", "value"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![vec!["kind".to_owned(), self.kind.clone()]];
        if let Value::Object(map) = &self.entry {
            rows.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| vec![k.clone(), cell(v)]));
        }
        rows
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// One JSON value as a cell: figures as `value (estimate low-high; note)`.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), fmt_num),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Object(m) => {
            let num = |k: &str| m.get(k).and_then(Value::as_f64).map(fmt_num);
            let mut s = num("value").unwrap_or_default();
            if let (Some(lo), Some(hi)) = (num("low"), num("high")) {
                s.push_str(&format!(" (estimate {lo}-{hi}"));
                if let Some(note) = m.get("note").and_then(Value::as_str) {
                    s.push_str(&format!("; {note}"));
                }
                s.push(')');
            }
            s
        }
    }
}

impl Report for ScenarioSummary {
    fn columns(&self) -> Vec<&'static str> {
        vec!["metric", "value", "unit"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let mut r = Rows::default();
        r.push("scenario", &self.scenario, "");
        r.push("seed", self.seed, "");
        r.push("system", &self.system, "");
        r.push("accelerator", &self.accelerator, "");
        r.push("gpus", self.gpus, "");
        r.push("nodes", self.nodes, "");
        r.push("racks", self.racks, "");
        r.push("scale-up domains", self.scaleup_domains, "");
        r.push("scale-out fabric", &self.fabric, "");
        for p in &self.peaks {
            r.push(format!("peak {} dense", p.precision), sig(p.dense_eflops), "EFLOP/s");
            if let Some(s) = p.sparse_eflops {
                r.push(format!("peak {} sparse (vendor headline)", p.precision), sig(s), "EFLOP/s");
            }
        }
        r.push("hbm", sig(self.hbm_tb), "TB");
        let range = format!("{} ({}-{})", sig(self.it_power_mw), sig(self.it_power_mw_low), sig(self.it_power_mw_high));
        r.push("it power at nameplate", range, "MW");
        r.opt("site", self.site.as_ref(), "");
        r.opt("pue (fixed)", self.pue, "");
        r.opt("facility power at nameplate", self.facility_power_mw.map(sig), "MW");
        r.opt("electricity price", self.electricity_usd_per_kwh, "USD/kWh");
        r.opt("energy bill upper bound", self.energy_usd_per_year_upper_bound.map(|x| format!("{:.0}", x)), "USD/year");
        r.push("utilization", self.utilization, "");
        r.0
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        self.warnings.iter().map(|w| format!("warning: {w}")).collect()
    }
}

/// Four significant figures, without exponent for everyday magnitudes.
fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return fmt_num(x);
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

#[derive(Default)]
struct Rows(Vec<Vec<String>>);

impl Rows {
    fn push(&mut self, metric: impl Into<String>, value: impl ToString, unit: &str) {
        self.0.push(vec![metric.into(), value.to_string(), unit.to_owned()]);
    }
    fn opt(&mut self, metric: &str, value: Option<impl ToString>, unit: &str) {
        if let Some(v) = value {
            self.push(metric, v, unit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_figures() {
        assert_eq!(sig(4.976), "4.976");
        assert_eq!(sig(69.12), "69.12");
        assert_eq!(sig(1326.9), "1327");
        assert_eq!(sig(0.30672), "0.3067");
    }

    #[test]
    fn figure_cells() {
        let v = serde_json::json!({"value": 135.0, "low": 132.0, "high": 140.0, "note": "range"});
        assert_eq!(cell(&v), "135 (estimate 132-140; range)");
        assert_eq!(cell(&serde_json::json!({"value": 8.0})), "8");
        assert_eq!(cell(&serde_json::json!(["a", "b"])), "a, b");
    }
}
