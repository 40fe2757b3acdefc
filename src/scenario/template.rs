//! The commented scenario template that `rackscale init` writes.

/// A scenario with every field, each explained. It validates as written.
pub const TEMPLATE: &str = include_str!("template.toml");
