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
