//! Command-line arguments: clap derive structs only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Simulate AI training clusters and what they cost.
///
/// With no command, summarises the flagship scenario (a 64-rack GB300 NVL72
/// cluster) at nameplate.
#[derive(Debug, Parser)]
#[command(name = "rackscale", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Output format on stdout.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Also write the result as JSON and CSV files into this directory.
    #[arg(long, global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Seed of every random stream (overrides the scenario's).
    #[arg(long, global = true)]
    pub seed: Option<u64>,
    /// Extra catalog file: adds entries, or replaces built-in ones with the same id.
    /// Repeatable; later files win.
    #[arg(long = "catalog", global = true, value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned columns.
    Table,
    /// CSV with a header row.
    Csv,
    /// Pretty JSON.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List and show hardware, fabrics, sites, tariffs and cloud offers, with sources.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Write a commented scenario template.
    Init {
        /// Where to write it.
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Validate a scenario file and summarise it at nameplate.
    Check {
        /// Scenario file.
        scenario: PathBuf,
    },
}

/// `catalog` subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List entries, one row each.
    List {
        /// Only this kind.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
    },
    /// Show every field of one entry, by id or alias.
    Show {
        /// Entry id or alias, e.g. gb300-nvl72.
        id: String,
    },
}

/// Catalog entry kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Accelerators.
    #[value(alias = "accelerator")]
    Gpu,
    /// Node and rack designs.
    System,
    /// Scale-up and scale-out fabrics.
    Fabric,
    /// Data-centre sites.
    Site,
    /// Electricity tariffs.
    #[value(alias = "tariff")]
    Electricity,
    /// Cloud offers.
    Offer,
}
