//! IT power of a cluster as a function of how busy it is: accelerators
//! between idle and their training draw, the rest of each node (CPUs,
//! memory, NICs, fans, power-shelf losses) between its idle and busy draw,
//! scale-out switches and storage always on.
//!
//! A node's nameplate is the catalog's (an NVL72 compute tray's share of the
//! rack, switch trays included); its accelerators' part is their rating (or
//! power cap) and the host is the remainder. The training draw of an
//! accelerator is a share of its rating fitted to MLPerf power logs
//! (`data/power.toml`).

/// Shares of nameplate drawn idle and under training load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerParams {
    /// Accelerator draw while training, as a share of its rating or cap.
    pub gpu_train_share: f64,
    /// Accelerator draw while idle, as a share of its rating.
    pub gpu_idle_share: f64,
    /// Host draw (everything in the node but the accelerators) while training.
    pub host_busy_share: f64,
    /// Host draw while the accelerators idle.
    pub host_idle_share: f64,
    /// Storage as a share of the compute nodes' nameplate.
    pub storage_share: f64,
}

/// A cluster's IT power model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterPower {
    /// Nodes.
    pub nodes: f64,
    /// Accelerators per node.
    pub gpus_per_node: f64,
    /// Accelerator rating, or its cap \[W\].
    pub gpu_w: f64,
    /// Node nameplate less its accelerators' ratings \[W\].
    pub host_w: f64,
    /// Scale-out switches, always on \[W\].
    pub switches_w: f64,
    /// Shares.
    pub params: PowerParams,
}

impl ClusterPower {
    /// A node's nameplate \[W\].
    pub fn node_nameplate_w(&self) -> f64 {
        self.gpus_per_node * self.gpu_w + self.host_w
    }

    /// A node's draw \[W\] with its accelerators busy (`busy`) or idle.
    pub fn node_w(&self, busy: bool) -> f64 {
        let p = &self.params;
        let (g, h) = if busy { (p.gpu_train_share, p.host_busy_share) } else { (p.gpu_idle_share, p.host_idle_share) };
        self.gpus_per_node * self.gpu_w * g + self.host_w * h
    }

    /// Storage \[W\].
    pub fn storage_w(&self) -> f64 {
        self.params.storage_share * self.nodes * self.node_nameplate_w()
    }

    /// What the hall must be built for \[W\]: every node at nameplate,
    /// switches and storage.
    pub fn nameplate_w(&self) -> f64 {
        self.nodes * self.node_nameplate_w() + self.switches_w + self.storage_w()
    }

    /// Draw \[W\] with a share `busy` (0-1) of the nodes training and the
    /// rest idle (none down).
    pub fn at(&self, busy: f64) -> f64 {
        let b = busy.clamp(0.0, 1.0);
        self.nodes * (b * self.node_w(true) + (1.0 - b) * self.node_w(false)) + self.switches_w + self.storage_w()
    }

    /// Draw per GPU \[W\]: (busy, idle), and the fixed part \[W\] (switches, storage).
    pub fn per_gpu(&self) -> (f64, f64, f64) {
        let n = self.gpus_per_node.max(1.0);
        (self.node_w(true) / n, self.node_w(false) / n, self.switches_w + self.storage_w())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hgx_h100(p: PowerParams) -> ClusterPower {
        ClusterPower { nodes: 1.0, gpus_per_node: 8.0, gpu_w: 700.0, host_w: 4600.0, switches_w: 0.0, params: p }
    }

    #[test]
    fn draw_rises_from_idle_to_training_below_nameplate() {
        let p = crate::data::power_params();
        let c = hgx_h100(p);
        assert!(c.at(0.0) < c.at(0.5) && c.at(0.5) < c.at(1.0) && c.at(1.0) < c.nameplate_w());
        let (busy, idle, fixed) = c.per_gpu();
        assert!((8.0 * busy - c.node_w(true)).abs() < 1e-9 && idle < busy && fixed > 0.0);
    }
}
