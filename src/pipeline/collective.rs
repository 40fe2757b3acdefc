//! `collective`: one collective over a group of GPUs, swept over message
//! sizes, as nccl-tests reports it.

use crate::error::UsageError;
use crate::model::collective::{self, Algorithm, CollectiveParams, Level, Op};
use crate::results::{CollectiveRow, CollectiveSweep};
use crate::units::Bytes;

/// `op` on the group `levels` of `n` ranks at every size, by the fastest
/// algorithm or the forced one; an algorithm that cannot run it, or a time
/// that is not finite, is bad input naming what can.
pub fn sweep(
    op: Op,
    sizes: &[u64],
    levels: &[Level],
    n: u64,
    params: &CollectiveParams,
    force: Option<Algorithm>,
) -> Result<CollectiveSweep, UsageError> {
    let mut rows = Vec::with_capacity(sizes.len());
    for &size in sizes {
        let e = collective::estimate(op, Bytes(size as f64), levels, params, force).ok_or_else(|| {
            let alg = force.map_or_else(|| "any algorithm".to_owned(), |f| format!("algorithm `{f}`"));
            UsageError(format!("{alg} cannot run {op} on this group; {}", applicable(op, levels, params)))
        })?;
        if !e.time.get().is_finite() || e.time.get() <= 0.0 {
            return Err(UsageError(format!(
                "a {size}-byte {op} takes no finite time on this topology; check its bandwidths"
            )));
        }
        let algbw = size as f64 / e.time.get() / 1e9;
        rows.push(CollectiveRow {
            size_bytes: size,
            time_s: e.time.get(),
            algbw_gb_per_s: algbw,
            busbw_gb_per_s: algbw * op.bus_factor(n),
            algorithm: e.algorithm.to_string(),
            protocol: e.protocol.to_string(),
        });
    }
    Ok(CollectiveSweep { rows })
}

/// The algorithms that can run `op` on these levels, for an error message.
fn applicable(op: Op, levels: &[Level], params: &CollectiveParams) -> String {
    let ok: Vec<String> = Algorithm::ALL
        .iter()
        .filter(|&&a| collective::estimate(op, Bytes(1e6), levels, params, Some(a)).is_some())
        .map(ToString::to_string)
        .collect();
    format!("applicable: {}", ok.join(", "))
}
