//! Pure analytics: functions of plain data, no I/O, no randomness, no clock.

/// P10-P90 bands from validation residuals.
pub mod band;
pub mod cluster;
pub mod collective;
pub mod contention;
pub mod facility;
pub mod power;
pub mod tco;
pub mod training;
