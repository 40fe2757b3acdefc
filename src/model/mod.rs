//! Pure analytics: functions of plain data, no I/O, no randomness, no clock.

pub mod cluster;
pub mod collective;
pub mod contention;
pub mod facility;
pub mod power;
pub mod tco;
pub mod training;
