//! The pipelines behind the commands: one module per command, each taking a
//! typed request and returning a typed result from [`crate::results`].
//! None prints, reads flags or writes files; the command line (`src/app.rs`)
//! builds the requests and emits the results.
//!
//! - [`training`]: a model on a cluster (`step`, `plan`): [`training::Setup`];
//! - [`validate`]: predictions against the published measurements (`validate`);
//! - [`facility`]: a hall hour by hour (`facility`);
//! - [`tco`]: options priced over the horizon (`tco`).

pub mod check;
pub mod facility;
pub mod simulate;
pub mod tco;
pub mod training;
pub mod validate;

use crate::catalog::Catalog;
use crate::data;
use crate::model::cluster;
use crate::scenario::Scenario;
use crate::topology::{FabricOptions, Topology};

/// A scenario cluster's IT power model: its nodes at the catalog's rack
/// power, its scale-out switches at the fabric's switch power, and storage.
pub fn cluster_power(s: &Scenario, catalog: &Catalog) -> anyhow::Result<crate::model::power::ClusterPower> {
    let system = catalog.systems.get(s.cluster.system.as_str())?;
    let gpu = catalog.gpus.get(system.accelerator.get_ref())?;
    let fabric = FabricOptions { fabric: Some(s.cluster.fabric.to_string()), ..FabricOptions::default() };
    let inv = Topology::build(catalog, system.id.get_ref(), u64::from(s.cluster.gpus), &fabric)?.inventory();
    let out = catalog.fabrics.get(s.cluster.fabric.as_str())?;
    let switches = (inv.fabric.leaf_switches + inv.fabric.spine_switches + inv.fabric.core_switches) as f64;
    let switches_w = switches * out.switch_power_w.as_ref().map_or(0.0, |w| w.value);
    Ok(cluster::power_model(system, gpu, s.cluster.nodes, s.cluster.gpu_power_cap, switches_w, data::power_params()))
}
