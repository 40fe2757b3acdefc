//! Pure analytics: functions of plain data, no I/O, no randomness, no clock.

pub mod cluster;
