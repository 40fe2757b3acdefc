//! `claim`: a vendor's sentence read, checked for range and judged.

use crate::catalog::Catalog;
use crate::claim::{self, ClaimReport, Context};
use crate::error::UsageError;

/// Reads and judges `text` in the context `cx`. A sentence that is not
/// understood, or a context out of range, is bad input (exit 1).
pub fn check(text: &str, cx: &Context, catalog: &Catalog) -> anyhow::Result<ClaimReport> {
    if text.chars().count() > 2_000 {
        return Err(UsageError("the claim is over 2,000 characters; give one sentence".to_owned()).into());
    }
    if let Some(n) = cx.gpus.filter(|n| !(1..=10_000_000).contains(n)) {
        return Err(UsageError(format!("--gpus {n}: give 1 to 10,000,000 GPUs")).into());
    }
    if let Some(n) = cx.racks.filter(|n| !(1..=200_000).contains(n)) {
        return Err(UsageError(format!("--racks {n}: give 1 to 200,000 racks")).into());
    }
    if let Some(id) = &cx.system {
        catalog.systems.get(id)?;
    }
    if let Some(id) = &cx.site {
        catalog.sites.get(id)?;
    }
    if let Some(m) = &cx.model {
        catalog.models.get(m)?;
    }
    let parsed = claim::parse::parse(text, catalog).map_err(|e| UsageError(e.to_string()))?;
    Ok(claim::judge(text, parsed, catalog, cx))
}
