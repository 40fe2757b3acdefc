//! Nameplate arithmetic of a cluster: peak compute, memory and power.
//!
//! These are the vendor's numbers multiplied out, the ceiling every later
//! model (fabric, failures, facility) discounts from. Nothing here is
//! sustained performance.

use crate::catalog::{Accelerator, Precision, System};
use crate::units::{Bytes, FlopsPerSec, Watts};

/// Peak compute of a cluster at one precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peak {
    /// Precision.
    pub precision: Precision,
    /// Dense peak.
    pub dense: FlopsPerSec,
    /// Vendor's sparse headline, where one is published.
    pub sparse: Option<FlopsPerSec>,
}

/// Peak compute of `gpus` accelerators at every precision they support.
pub fn peaks(gpu: &Accelerator, gpus: u32) -> Vec<Peak> {
    let n = f64::from(gpus);
    Precision::ALL
        .into_iter()
        .filter_map(|p| {
            let dense = gpu.peak(p)? * n;
            Some(Peak { precision: p, dense, sparse: gpu.peak_sparse(p).map(|s| s * n) })
        })
        .collect()
}

/// Total HBM of `gpus` accelerators.
pub fn hbm(gpu: &Accelerator, gpus: u32) -> Bytes {
    gpu.hbm() * f64::from(gpus)
}

/// IT power of `nodes` nodes at nameplate, as `(low, value, high)` over the
/// catalog's rack-power range: each node draws its share of a rack, less what
/// a per-GPU power cap removes below the accelerator's rating.
pub fn nameplate_power(system: &System, gpu: &Accelerator, nodes: u32, cap: Option<Watts>) -> (Watts, Watts, Watts) {
    let racks = f64::from(nodes) / f64::from(system.nodes_per_rack.get());
    let gpus = f64::from(nodes * system.gpus_per_node.get());
    let saved = cap.map_or(Watts::ZERO, |c| (gpu.power() - c).max(Watts::ZERO) * gpus);
    let (lo, hi) = system.rack_power_kw.range();
    let at = |kw: f64| (Watts::from_kw(kw) * racks - saved).max(Watts::ZERO);
    (at(lo), at(system.rack_power_kw.value), at(hi))
}

/// The IT power model of `nodes` nodes of `system`, with `switches_w` of
/// scale-out switches: each node's nameplate is its share of the catalog's
/// rack power; its accelerators draw at most their rating or `cap`.
pub fn power_model(
    system: &System,
    gpu: &Accelerator,
    nodes: u32,
    cap: Option<Watts>,
    switches_w: f64,
    params: crate::model::power::PowerParams,
) -> crate::model::power::ClusterPower {
    let gpn = f64::from(system.gpus_per_node.get());
    let node_w = system.rack_power_kw.value * 1e3 / f64::from(system.nodes_per_rack.get());
    let rating = gpu.power().0;
    let gpu_w = cap.map_or(rating, |c| c.0.min(rating));
    crate::model::power::ClusterPower {
        nodes: f64::from(nodes),
        gpus_per_node: gpn,
        gpu_w,
        host_w: (node_w - gpn * rating).max(0.0),
        switches_w,
        params,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use approx::assert_relative_eq;

    #[test]
    fn gb300_rack_peaks_match_nvidia_rack_figures() {
        // NVIDIA GB300 NVL72: 1.1 EF FP4 dense (1.08 as 72 x 15 PF), 1.44 EF sparse, 360 PF FP8.
        let cat = Catalog::builtin().unwrap();
        let gpu = cat.gpus.get("gb300").unwrap();
        let p = peaks(gpu, 72);
        let fp4 = p.iter().find(|p| p.precision == Precision::Fp4).unwrap();
        assert_relative_eq!(fp4.dense.eflops(), 1.08, max_relative = 1e-9);
        assert_relative_eq!(fp4.sparse.unwrap().eflops(), 1.44, max_relative = 1e-9);
        let fp8 = p.iter().find(|p| p.precision == Precision::Fp8).unwrap();
        assert_relative_eq!(fp8.dense.pflops(), 360.0, max_relative = 1e-9);
        assert_relative_eq!(hbm(gpu, 72).gb(), 72.0 * 288.0, max_relative = 1e-9);
    }

    #[derive(serde::Deserialize)]
    struct PowerRows {
        row: Vec<PowerRow>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct PowerRow {
        role: String,
        system: String,
        measured_w: f64,
        workload: String,
        cooling: String,
        source: String,
        date: String,
    }

    #[test]
    fn node_training_power_fits_its_row_and_holds_on_the_others() {
        let cat = Catalog::builtin().unwrap();
        let rows: PowerRows = toml::from_str(include_str!("../../data/validation/power.toml")).unwrap();
        let params = crate::data::power_params();
        for r in &rows.row {
            let sys = cat.systems.get(&r.system).unwrap();
            let gpu = cat.gpus.get(sys.accelerator.get_ref()).unwrap();
            let node = power_model(sys, gpu, 1, None, 0.0, params).node_w(true);
            let err = node / r.measured_w - 1.0;
            let tol = if r.role == "fit" { 0.002 } else { 0.10 };
            assert!(
                err.abs() <= tol,
                "{} {}: model {node:.0} W vs {} W ({:+.1}%)",
                r.role,
                r.system,
                r.measured_w,
                100.0 * err
            );
        }
    }

    #[test]
    fn power_scales_with_nodes_and_cap() {
        let cat = Catalog::builtin().unwrap();
        let sys = cat.systems.get("gb300-nvl72").unwrap();
        let gpu = cat.gpus.get("gb300").unwrap();
        let (lo, mid, hi) = nameplate_power(sys, gpu, 18 * 64, None);
        assert_relative_eq!(mid.kw(), 135.0 * 64.0, max_relative = 1e-9);
        assert!(lo <= mid && mid <= hi);
        let (_, capped, _) = nameplate_power(sys, gpu, 18, Some(Watts(1200.0)));
        assert_relative_eq!(capped.kw(), 135.0 - 72.0 * 0.2, max_relative = 1e-9);
    }
}
