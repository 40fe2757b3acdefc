//! Readers of input files other than scenarios and catalogs: job traces
//! and hourly weather or IT-power series. Each parses text already read
//! (through [`crate::fsutil::read_text`]) and reports problems with file,
//! line and column.

pub mod profile;
pub mod trace;
pub mod weather;

use crate::error::UsageError;

/// The summary `simulate --format json` writes, as the TCO reads it:
/// utilization and goodput (each a share from 0 to 1) and the queueing
/// P50/P90 where present. `shown` names the file in messages.
pub fn sim_summary(text: &str, shown: &str) -> Result<Simulated, UsageError> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| UsageError(format!("{shown}: not the JSON `simulate --format json` writes: {e}")))?;
    let get = |k: &str| v["summary"][k].as_f64();
    let (Some(utilization), Some(goodput)) = (get("utilization"), get("goodput")) else {
        return Err(UsageError(format!(
            "{shown}: no summary.utilization and summary.goodput; give `simulate SCENARIO --format json` output"
        )));
    };
    for (name, x) in [("utilization", utilization), ("goodput", goodput)] {
        if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
            return Err(UsageError(format!(
                "{shown}: summary.{name} is {}; a share from 0 to 1 is expected (is this `simulate --format json` output?)",
                crate::catalog::fmt_num(x)
            )));
        }
    }
    let q = |k: &str| v["summary"]["queue_delay_s"][k].as_f64().filter(|x| x.is_finite() && *x >= 0.0);
    Ok(Simulated { utilization, goodput, queue_s: q("p50").zip(q("p90")) })
}

/// What a simulation said, for the TCO: its utilization and goodput, and
/// customers' queueing (P50, P90) \[s\] where it gave them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Simulated {
    /// Allocated share of up GPU-hours.
    pub utilization: f64,
    /// Useful share of allocated GPU-hours.
    pub goodput: f64,
    /// Queueing delay P50 and P90 \[s\].
    pub queue_s: Option<(f64, f64)>,
}
