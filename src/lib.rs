//! rackscale: simulate AI training clusters and what they cost.
//!
//! Peak figures ("200 exaflops", "PUE 1.08") say what a cluster could do;
//! rackscale models what it does once fabrics, failures, facilities and
//! finance are counted. Data flows one way:
//!
//! ```text
//!  scenario.toml ──► scenario ──► model ──► engine + sim ──► results ──► report
//!  data/ catalog ──►  (spans)     (pure)     (discrete      (plain     (table,
//!  --catalog FILE                            events)        data)       csv, json)
//! ```
//!
//! - [`catalog`]: sourced hardware, fabric, site, tariff and cloud-offer data;
//! - [`scenario`]: scenario files parsed with spans and validated against the catalog;
//! - [`model`]: pure analytics over validated inputs;
//! - [`pipeline`]: one module per command, each a typed request in and a
//!   typed result out (nothing printed, no flags read);
//! - [`input`]: readers of the other input files (job traces, weather, IT series);
//! - [`engine`]: the generic discrete-event core (for now, its named RNG streams);
//! - [`report`]: one exporter per output format;
//! - [`units`], [`ids`]: quantities and identifiers with types.
#![warn(missing_docs)]

pub mod calibrate;
pub mod catalog;
pub mod claim;
pub mod data;
pub mod diag;
pub mod engine;
pub mod error;
pub mod fsutil;
pub mod ids;
pub mod input;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod results;
pub mod scenario;
pub mod sim;
pub mod sizes;
pub mod suggest;
pub mod topology;
pub mod units;
