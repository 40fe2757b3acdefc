//! `sweep` and `merge`: a scenario run at every point of the cartesian
//! product of varied keys, each point through the same pipeline as `run`
//! (without the report), one row per point. Points are sharded by index
//! (`--shard I/N` takes those with `index % N == I`); each finished point is
//! its own file, so a killed shard loses only what was in flight and a rerun
//! skips what is done; `merge` checks that shards belong to one sweep and
//! writes what the unsharded run writes, byte for byte.

use crate::catalog::Catalog;
use crate::error::UsageError;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// One varied key and its values, as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// Dotted scenario key: `cluster.racks`, `tco.option[0].usd_per_gpu_hour`.
    pub key: String,
    /// Its values.
    pub values: Vec<toml::Value>,
}

/// What identifies a sweep: the scenario (by a hash of its text), the axes,
/// replications and metrics. Shards of one sweep have equal manifests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Scenario name.
    pub scenario: String,
    /// FNV-1a hash of the scenario file's text, hex.
    pub scenario_hash: String,
    /// Seed.
    pub seed: u64,
    /// The axes, slowest first.
    pub axes: Vec<Axis>,
    /// Runs per point (1: the answers' own bands; more: P10/P50/P90 over the runs).
    pub replications: usize,
    /// Points in the whole sweep.
    pub points: usize,
    /// Metrics reported per point.
    pub metrics: Vec<String>,
}

/// One metric at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Value3 {
    /// 10th percentile (or the band's low end).
    pub p10: f64,
    /// Median (the value).
    pub p50: f64,
    /// 90th percentile (or the band's high end).
    pub p90: f64,
}

/// One point's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointRow {
    /// Index in the sweep.
    pub index: usize,
    /// The value of each axis, in order.
    pub inputs: Vec<toml::Value>,
    /// Each metric, in the manifest's order (absent where the scenario has no such stage).
    pub metrics: Vec<Option<Value3>>,
    /// Why the point could not run, if it could not (a plan that does not fit, a value out of range).
    pub error: Option<String>,
}

/// Metrics a point reports: the `run` answers that carry a number.
pub const METRICS: [&str; 8] = ["headline", "sustained", "days", "network", "cost", "pue", "own_vs_rent", "failures"];

/// Parses `KEY=V1,V2,...` or `KEY=LO:HI:STEPS`.
pub fn axis(spec: &str) -> Result<Axis, UsageError> {
    let Some((key, vals)) = spec.split_once('=') else {
        return Err(UsageError(format!("--vary `{spec}`: give KEY=V1,V2,... or KEY=LO:HI:STEPS")));
    };
    let key = key.trim().to_owned();
    let parts: Vec<&str> = vals.split(':').collect();
    let values = if parts.len() == 3 && !vals.contains(',') {
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
        let (Some(lo), Some(hi), Ok(steps)) = (num(parts[0]), num(parts[1]), parts[2].trim().parse::<usize>()) else {
            return Err(UsageError(format!("--vary `{spec}`: LO:HI:STEPS takes two numbers and a count")));
        };
        if !(2..=100_000).contains(&steps) {
            return Err(UsageError(format!("--vary `{spec}`: give 2 to 100,000 steps")));
        }
        let ints = lo.fract() == 0.0 && hi.fract() == 0.0 && ((hi - lo) / (steps - 1) as f64).fract() == 0.0;
        (0..steps)
            .map(|k| {
                let x = lo + (hi - lo) * k as f64 / (steps - 1) as f64;
                if ints { toml::Value::Integer(x.round() as i64) } else { toml::Value::Float(x) }
            })
            .collect()
    } else {
        vals.split(',')
            .map(|v| {
                let v = v.trim();
                // A number or a boolean as such; anything else a string.
                toml::from_str::<toml::Table>(&format!("x = {v}"))
                    .ok()
                    .and_then(|t| t.get("x").cloned())
                    .unwrap_or_else(|| toml::Value::String(v.to_owned()))
            })
            .collect::<Vec<_>>()
    };
    if values.is_empty() || values.iter().any(|v| v.as_str().is_some_and(str::is_empty)) {
        return Err(UsageError(format!("--vary `{spec}`: an empty value")));
    }
    Ok(Axis { key, values })
}

/// The FNV-1a hash of a text, as 16 hex digits.
pub fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Every dotted key of a TOML table (`tco.option[0].kind`), for suggestions.
fn keys(t: &toml::Table, at: &str, out: &mut Vec<String>) {
    for (k, v) in t {
        let here = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
        match v {
            toml::Value::Table(inner) => keys(inner, &here, out),
            toml::Value::Array(a) if a.iter().all(toml::Value::is_table) && !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    if let toml::Value::Table(inner) = x {
                        keys(inner, &format!("{here}[{i}]"), out);
                    }
                }
            }
            _ => out.push(here),
        }
    }
}

/// The value slot a dotted key names, if the scenario has it.
fn slot<'a>(t: &'a mut toml::Table, key: &str) -> Option<&'a mut toml::Value> {
    let mut parts = key.split('.').peekable();
    let mut table = t;
    while let Some(part) = parts.next() {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.strip_suffix(']')?.parse::<usize>().ok()),
            None => (part, None),
        };
        let v = table.get_mut(name)?;
        let v = match index {
            Some(i) => v.as_array_mut()?.get_mut(i)?,
            None => v,
        };
        if parts.peek().is_none() {
            return (!v.is_table()).then_some(v);
        }
        table = v.as_table_mut()?;
    }
    None
}

/// Checks that every axis names a value the scenario sets; an unknown key
/// names the keys that exist, nearest first.
pub fn check_axes(text: &str, shown: &str, axes: &[Axis]) -> Result<(), UsageError> {
    let mut t: toml::Table =
        toml::from_str(text).map_err(|e| UsageError(format!("{shown}: not a TOML scenario: {}", e.message())))?;
    let mut all = Vec::new();
    keys(&t, "", &mut all);
    for a in axes {
        if slot(&mut t, &a.key).is_none() {
            let near = crate::suggest::similar(&a.key, all.iter().map(String::as_str));
            let hint = crate::suggest::did_you_mean(&near).unwrap_or_default();
            return Err(UsageError(format!(
                "--vary `{}`: {shown} sets no such value. {hint}\nkeys it sets: {}",
                a.key,
                all.join(", ")
            )));
        }
    }
    if axes.is_empty() {
        return Err(UsageError("give at least one --vary KEY=VALUES".to_owned()));
    }
    Ok(())
}

/// The number of points of the axes' product.
pub fn count(axes: &[Axis]) -> usize {
    axes.iter().map(|a| a.values.len()).product()
}

/// The inputs of point `index`: the first axis slowest.
pub fn inputs(axes: &[Axis], index: usize) -> Vec<toml::Value> {
    let mut rest = index;
    let mut out = vec![toml::Value::Boolean(false); axes.len()];
    for (k, a) in axes.iter().enumerate().rev() {
        out[k] = a.values[rest % a.values.len()].clone();
        rest /= a.values.len();
    }
    out
}

/// Runs point `index` of the sweep: the scenario with the point's values
/// set, validated, through `run`'s stages; an invalid point is a row with
/// its reason.
pub fn point(m: &Manifest, text: &str, shown: &str, catalog: &Catalog, index: usize) -> PointRow {
    let values = inputs(&m.axes, index);
    let row = |metrics: Vec<Option<Value3>>, error: Option<String>| PointRow {
        index,
        inputs: values.clone(),
        metrics,
        error,
    };
    let mut t: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return row(Vec::new(), Some(e.message().to_owned())),
    };
    for (a, v) in m.axes.iter().zip(&values) {
        if let Some(s) = slot(&mut t, &a.key) {
            *s = v.clone();
        }
    }
    let patched = toml::to_string(&t).unwrap_or_default();
    let scenario = match Scenario::parse(shown, &patched, catalog) {
        Ok(s) => s,
        Err(e) => return row(Vec::new(), Some(diagnosis(&e.to_string(), shown))),
    };
    let mut runs: Vec<Vec<Option<f64>>> = Vec::new();
    let mut bands: Vec<Option<Value3>> = Vec::new();
    for k in 0..m.replications.max(1) {
        let mut s = scenario.clone();
        if m.replications > 1 {
            s.seed = super::simulate::replication_seed(scenario.seed, k as u64);
        }
        let req = super::run::Request { scenario: &s, shown, catalog };
        let out = match super::run::run(&req, None, &mut |_, _| {}) {
            Ok(o) => o,
            Err(e) => return row(Vec::new(), Some(first_line(&format!("{e:#}")))),
        };
        let get = |key: &str| out.report.answers.iter().find(|a| a.key == key);
        runs.push(m.metrics.iter().map(|key| get(key).and_then(|a| a.value)).collect());
        if k == 0 {
            bands = m
                .metrics
                .iter()
                .map(|key| {
                    get(key).and_then(|a| {
                        let v = a.value?;
                        Some(Value3 { p10: a.low.unwrap_or(v), p50: v, p90: a.high.unwrap_or(v) })
                    })
                })
                .collect();
        }
    }
    if m.replications <= 1 {
        return row(bands, None);
    }
    let metrics = (0..m.metrics.len())
        .map(|i| {
            let mut v: Vec<f64> = runs.iter().filter_map(|r| r[i]).collect();
            if v.is_empty() {
                return None;
            }
            v.sort_by(f64::total_cmp);
            let n = v.len();
            let at = |q: f64| v[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
            Some(Value3 { p10: at(0.1), p50: at(0.5), p90: at(0.9) })
        })
        .collect();
    row(metrics, None)
}

/// A scenario error's messages without their locations (which point into
/// the patched text, not the user's file).
fn diagnosis(s: &str, shown: &str) -> String {
    let msgs: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with(shown) && l.contains(": "))
        .filter_map(|l| l.split_once(": ").map(|x| x.1))
        .collect();
    if msgs.is_empty() { first_line(s) } else { msgs.join("; ") }
}

fn first_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).take(3).collect::<Vec<_>>().join(" ")
}

/// The sweep's table: one row per point, the inputs then each metric's
/// P10, P50 and P90.
pub fn csv(m: &Manifest, rows: &[PointRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["point".to_owned()];
    header.extend(m.axes.iter().map(|a| a.key.clone()));
    for k in &m.metrics {
        header.extend(["p10", "p50", "p90"].iter().map(|p| format!("{k}_{p}")));
    }
    header.push("error".to_owned());
    let _ = w.write_record(&header);
    for r in rows {
        let mut rec: Vec<String> = vec![r.index.to_string()];
        rec.extend(r.inputs.iter().map(|v| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
        for i in 0..m.metrics.len() {
            match r.metrics.get(i).cloned().flatten() {
                Some(v) => rec.extend([v.p10, v.p50, v.p90].iter().map(|x| crate::catalog::fmt_num(*x))),
                None => rec.extend([String::new(), String::new(), String::new()]),
            }
        }
        rec.push(r.error.clone().unwrap_or_default());
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The sweep as JSON: the manifest and every row.
pub fn json(m: &Manifest, rows: &[PointRow]) -> String {
    let v = serde_json::json!({ "manifest": m, "points": rows });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_and_points() {
        let a = axis("cluster.racks=16:64:4").unwrap();
        assert_eq!(a.values, [16, 32, 48, 64].map(toml::Value::Integer));
        let b = axis("workload.utilization=0.5:0.9:3").unwrap();
        assert_eq!(b.values.len(), 3);
        assert!((b.values[1].as_float().unwrap() - 0.7).abs() < 1e-12);
        let c = axis("facility.site=lulea-se, phoenix-az").unwrap();
        assert_eq!(c.values[1], toml::Value::String("phoenix-az".into()));
        let axes = [a, c];
        assert_eq!(count(&axes), 8);
        // The first axis is the slowest.
        assert_eq!(inputs(&axes, 1), vec![toml::Value::Integer(16), toml::Value::String("phoenix-az".into())]);
        assert_eq!(inputs(&axes, 2)[0], toml::Value::Integer(32));
        assert_ne!(hash("a"), hash("b"));
    }
}
