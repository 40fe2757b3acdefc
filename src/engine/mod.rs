//! The generic discrete-event core. It knows nothing about GPUs.
//!
//! - [`time`]: integer-nanosecond [`time::SimTime`], so equal times are exact;
//! - [`queue`]: an [`queue::EventQueue`] ordered by (time, insertion sequence);
//! - [`rng`]: named random streams derived from one seed.
//!
//! A simulation owns a closed `enum Event` and matches it exhaustively, so the
//! compiler catches an unhandled event (see `crate::sim`).

pub mod queue;
pub mod rng;
pub mod time;
