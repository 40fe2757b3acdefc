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
    /// Cost of a collective over message sizes, in nccl-tests' terms (algbw, busbw).
    Collective(CollectiveArgs),
    /// Compare predictions with the published measurements shipped in data/.
    Validate,
}

/// `collective` arguments.
#[derive(Debug, Args)]
pub struct CollectiveArgs {
    /// System id (see `catalog list --kind system`); not with --topology.
    #[arg(long, required_unless_present = "topology", conflicts_with = "topology")]
    pub system: Option<String>,
    /// GPUs in the collective: up to one scale-up domain, or whole domains.
    #[arg(long)]
    pub gpus: Option<u64>,
    /// Operation.
    #[arg(long, value_enum, default_value_t = OpArg::AllReduce)]
    pub op: OpArg,
    /// Message sizes: 32K:16G (doubling), 1M,4M, or one size; K/M/G/T are powers of 1024.
    #[arg(long, default_value = "32K:16G")]
    pub sizes: String,
    /// Force an algorithm instead of the tuner's pick.
    #[arg(long, value_enum)]
    pub algorithm: Option<AlgorithmArg>,
    /// Scale-out fabric id (default: the system's usual one).
    #[arg(long)]
    pub fabric: Option<String>,
    /// Fabric planes (default: as many as the NIC needs).
    #[arg(long)]
    pub planes: Option<u32>,
    /// Leaf down:up oversubscription (1 = non-blocking).
    #[arg(long, default_value_t = 1.0)]
    pub oversubscription: f64,
    /// Spine down:up oversubscription (three-tier trees).
    #[arg(long, default_value_t = 1.0)]
    pub spine_oversubscription: f64,
    /// Fat-tree tiers (default: the fewest that fit).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub tiers: Option<u8>,
    /// ASTRA-sim analytical network file (topology, npus_count, bandwidth, latency).
    #[arg(long, value_name = "FILE.yml")]
    pub topology: Option<PathBuf>,
}

/// Collective operations, named as in nccl-tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OpArg {
    /// all_reduce.
    #[value(name = "all_reduce", alias = "allreduce")]
    AllReduce,
    /// reduce_scatter.
    #[value(name = "reduce_scatter", alias = "reducescatter")]
    ReduceScatter,
    /// all_gather.
    #[value(name = "all_gather", alias = "allgather")]
    AllGather,
    /// all_to_all.
    #[value(name = "all_to_all", alias = "alltoall")]
    AllToAll,
    /// broadcast.
    #[value(name = "broadcast")]
    Broadcast,
    /// sendrecv (each rank to the next).
    #[value(name = "sendrecv", alias = "send_recv")]
    SendRecv,
}

/// Collective algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    /// Flat ring.
    Ring,
    /// Double binary tree across domains.
    Tree,
    /// NVLink SHARP inside the domain.
    Nvls,
    /// InfiniBand SHARP across domains.
    Sharp,
    /// Inside the domain, then across it.
    Hierarchical,
    /// Point-to-point (all-to-all, sendrecv).
    Direct,
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
    /// Transformer models.
    Model,
}
