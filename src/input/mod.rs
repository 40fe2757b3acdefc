//! Readers of input files other than scenarios and catalogs: job traces
//! and hourly weather or IT-power series. Each parses text already read
//! (through [`crate::fsutil::read_text`]) and reports problems with file,
//! line and column.

pub mod trace;
pub mod weather;
