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
pub mod claim;
pub mod collective;
pub mod facility;
pub mod run;
pub mod simulate;
pub mod sweep;
pub mod tco;
pub mod training;
pub mod validate;

use crate::catalog::{Accelerator, Catalog, Fabric, System};
use crate::data;
use crate::model::cluster;
use crate::model::power::ClusterPower;
use crate::scenario::Scenario;
use crate::topology::{FabricOptions, Inventory, Topology};

/// A validated scenario's cluster, looked up in the catalog and built once:
/// what every pipeline over a scenario starts from (one topology, not one
/// per stage).
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    /// The system.
    pub system: &'a System,
    /// Its accelerator.
    pub gpu: &'a Accelerator,
    /// The scale-out fabric.
    pub fabric: &'a Fabric,
    /// The cluster's scale-up domains and fat-tree.
    pub topology: Topology,
    /// What that is made of.
    pub inventory: Inventory,
    /// Its IT power model: nodes at the catalog's rack power, scale-out
    /// switches at the fabric's switch power, and storage.
    pub power: ClusterPower,
}

/// Resolves a validated scenario's cluster against the catalog.
pub fn resolve<'a>(s: &Scenario, catalog: &'a Catalog) -> anyhow::Result<Resolved<'a>> {
    let system = catalog.systems.get(s.cluster.system.as_str())?;
    let gpu = catalog.gpus.get(system.accelerator.get_ref())?;
    let fabric = catalog.fabrics.get(s.cluster.fabric.as_str())?;
    let options = FabricOptions {
        fabric: Some(s.cluster.fabric.to_string()),
        routing: s.cluster.routing,
        leaf_oversubscription: s.cluster.leaf_oversubscription,
        ..FabricOptions::default()
    };
    let topology = Topology::build(catalog, system.id.get_ref(), u64::from(s.cluster.gpus), &options)?;
    let inventory = topology.inventory();
    let f = &inventory.fabric;
    let switches = (f.leaf_switches + f.spine_switches + f.core_switches) as f64;
    let switches_w = switches * fabric.switch_power_w.as_ref().map_or(0.0, |w| w.value);
    let power =
        cluster::power_model(system, gpu, s.cluster.nodes, s.cluster.gpu_power_cap, switches_w, data::power_params());
    Ok(Resolved { system, gpu, fabric, topology, inventory, power })
}

/// A scenario cluster's IT power model (see [`Resolved::power`]).
pub fn cluster_power(s: &Scenario, catalog: &Catalog) -> anyhow::Result<ClusterPower> {
    Ok(resolve(s, catalog)?.power)
}
