//! The generic discrete-event core. It knows nothing about GPUs.
//!
//! For now it holds the deterministic random streams every simulation draws
//! from; the event queue and clock arrive with the simulation.

pub mod rng;
