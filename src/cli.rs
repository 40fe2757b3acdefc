//! Command-line arguments: clap derive structs only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Simulate AI training clusters and what they cost.
///
/// With no command, runs the flagship scenario (`run scenarios/azure-gb300.toml`: a 139-rack
/// GB300 NVL72 supercomputer sized to its "200 exaflops" headline) and writes its report.
#[derive(Debug, Parser)]
#[command(name = "rackscale", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// Seed of every random stream, over the flagship scenario's (with no command).
    #[arg(long)]
    pub seed: Option<u64>,
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
    /// Also write the result as JSON and CSV files into this directory (`run`: the report
    /// directory, default reports/SCENARIO/).
    #[arg(long, global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Extra catalog file: adds entries, or replaces built-in ones with the same id.
    /// Repeatable; later files win.
    #[arg(long = "catalog", global = true, value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
    /// Largest input file read (scenario, trace, weather, catalog, JSON), in bytes with
    /// K/M/G suffixes (powers of 1024).
    #[arg(long, global = true, value_name = "SIZE", default_value = "1G")]
    pub max_input: String,
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
    /// A Markdown table (`claim`: the worked answer; `run`: summary.md).
    Md,
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
    /// Run every stage of one or more scenarios and write a report directory (HTML with charts,
    /// summary.md, results.json, CSV and SVG). Several scenarios make one comparison report.
    Run(RunArgs),
    /// Judge a vendor's claim against the catalog and the models, with the derivation shown.
    Claim(ClaimArgs),
    /// Run a scenario over the cartesian product of varied keys, one row per point, shardable
    /// (`--shard I/N`) and resumable; writes DIR/sweep.csv and DIR/sweep.json.
    Sweep(SweepArgs),
    /// Merge the directories of a sharded sweep into the one the unsharded sweep writes (--out DIR).
    Merge {
        /// Shard directories.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
    /// Validate a scenario file and summarise it at nameplate.
    Check {
        /// Scenario file.
        scenario: PathBuf,
        /// Seed of every random stream (overrides the scenario's).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Cost of a collective over message sizes, in nccl-tests' terms (algbw, busbw).
    Collective(CollectiveArgs),
    /// One training step of a model on a system with a parallelism plan: time, MFU, memory.
    Step(StepArgs),
    /// Search parallelism plans; size a cluster for a token budget and deadline.
    Plan(PlanArgs),
    /// Measure kernels on this machine, fit the efficiency model, validate it, write a profile.
    Calibrate(CalibrateArgs),
    /// Run a scenario's cluster through time: job mix, scheduling, failures, checkpoints, stragglers.
    Simulate(SimulateArgs),
    /// Facility power, PUE, water, energy cost and carbon hour by hour for a site's weather.
    Facility(FacilityArgs),
    /// Cost of owning against renting and training as a service, with P10/P50/P90 ranges.
    Tco(TcoArgs),
    /// Compare predictions with the published measurements shipped in data/.
    Validate {
        /// Which tables.
        #[arg(long, value_enum, default_value_t = ValidateWhat::All)]
        what: ValidateWhat,
    },
}

/// `simulate` arguments.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Scenario file with a `[simulation]` table.
    pub scenario: PathBuf,
    /// Seed of every random stream (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated days (overrides `simulation.days`).
    #[arg(long)]
    pub days: Option<f64>,
    /// Job trace CSV to replay (overrides `simulation.trace.path`).
    #[arg(long, value_name = "CSV")]
    pub trace: Option<PathBuf>,
    /// Run N replications in parallel, each with its own random streams and its own draw of the
    /// uncertain inputs, and report every summary metric as P10/P50/P90.
    #[arg(long, value_name = "N")]
    pub replications: Option<usize>,
    /// No progress bar on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// `claim` arguments: the sentence and the context it leaves unsaid.
#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// The claim, as the vendor wrote it: "over 200 exaflops of AI compute".
    pub text: String,
    /// System the claim is about (see `rackscale catalog list --kind system`).
    #[arg(long)]
    pub system: Option<String>,
    /// GPUs in the cluster.
    #[arg(long, conflicts_with = "racks")]
    pub gpus: Option<u64>,
    /// Racks in the cluster.
    #[arg(long)]
    pub racks: Option<u64>,
    /// Site (facility claims; default: every site with a climate).
    #[arg(long)]
    pub site: Option<String>,
    /// Cooling design (facility claims; default liquid).
    #[arg(long, value_enum)]
    pub cooling: Option<CoolingArg>,
    /// UPS mode (facility claims; default: both).
    #[arg(long, value_enum)]
    pub ups: Option<UpsArg>,
    /// Precision the figure is at (compute claims; default: every precision, dense and sparse).
    #[arg(long, value_enum)]
    pub precision: Option<PeakPrecisionArg>,
    /// Reference training job's model (default llama3-405b; speed claims llama3-70b).
    #[arg(long)]
    pub model: Option<String>,
}

/// A precision of the catalog's peaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeakPrecisionArg {
    /// 4-bit floating point.
    Fp4,
    /// 8-bit floating point.
    Fp8,
    /// bfloat16 / fp16.
    Bf16,
    /// TensorFloat-32.
    Tf32,
    /// Double precision.
    Fp64,
}

impl ClaimArgs {
    /// The flags as the claim's context.
    pub fn context(&self) -> rackscale::claim::Context {
        use rackscale::catalog::Precision;
        use rackscale::model::facility::{Cooling, Ups};
        rackscale::claim::Context {
            system: self.system.clone(),
            gpus: self.gpus,
            racks: self.racks,
            site: self.site.clone(),
            cooling: self.cooling.map(|c| match c {
                CoolingArg::Liquid => Cooling::Liquid,
                CoolingArg::Air => Cooling::Air,
                CoolingArg::Hybrid => Cooling::Hybrid,
            }),
            ups: self.ups.map(|u| match u {
                UpsArg::DoubleConversion => Ups::DoubleConversion,
                UpsArg::Eco => Ups::Eco,
            }),
            precision: self.precision.map(|p| match p {
                PeakPrecisionArg::Fp4 => Precision::Fp4,
                PeakPrecisionArg::Fp8 => Precision::Fp8,
                PeakPrecisionArg::Bf16 => Precision::Bf16,
                PeakPrecisionArg::Tf32 => Precision::Tf32,
                PeakPrecisionArg::Fp64 => Precision::Fp64,
            }),
            model: self.model.clone(),
        }
    }
}

/// `sweep` arguments.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// A key and its values: `cluster.racks=64,139` or `tco.horizon_years=3:7:5` (LO:HI:STEPS).
    /// Repeatable: the points are the product, the first key slowest.
    #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    /// Runs per point with derived seeds, reported as P10/P50/P90 (default 1: the answers'
    /// own P10-P90 bands).
    #[arg(long, value_name = "N")]
    pub replications: Option<usize>,
    /// Run only the points with index % N == I (I from 0): `--shard 2/8`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress bar on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// `run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files; two or more are compared side by side.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Seed of every random stream (overrides each scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// `facility` arguments. Flags override the scenario's `[facility]`.
#[derive(Debug, Args)]
pub struct FacilityArgs {
    /// Scenario file: its cluster gives the IT load, its `[facility]` the site and design.
    pub scenario: Option<PathBuf>,
    /// Site id (see `rackscale catalog list --kind site`).
    #[arg(long)]
    pub site: Option<String>,
    /// IT capacity of the hall, MW (default: the scenario cluster's nameplate power).
    #[arg(long, value_name = "MW", allow_negative_numbers = true)]
    pub it_load_mw: Option<f64>,
    /// Share of the IT capacity drawn, every hour (default 1, or the scenario's utilization).
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub load_factor: Option<f64>,
    /// Cooling design.
    #[arg(long, value_enum)]
    pub cooling: Option<CoolingArg>,
    /// Coolant supply at the rack inlet, °C (liquid, 15-45; default 35), or chilled-water supply
    /// (air and hybrid, 5-25; default 15).
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    pub supply_temp_c: Option<f64>,
    /// UPS topology.
    #[arg(long, value_enum)]
    pub ups: Option<UpsArg>,
    /// Installed UPS and distribution capacity per unit of IT capacity: 1 (N), 1.33 (4N/3, the
    /// default), 2 (2N).
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub redundancy: Option<f64>,
    /// No evaporative cooling: dry coolers and chillers only (zero-water design).
    #[arg(long)]
    pub zero_water: bool,
    /// Hourly weather CSV (month, day, hour, dry_bulb_c and wet_bulb_c, rh_pct or dew_point_c)
    /// instead of the site's typical year.
    #[arg(long, value_name = "CSV")]
    pub weather: Option<PathBuf>,
    /// Hourly IT power CSV with an `it_power_mw` column (e.g. `simulate --out`'s *-series.csv)
    /// instead of a constant load factor.
    #[arg(long, value_name = "CSV")]
    pub it_series: Option<PathBuf>,
    /// Electricity price, USD/kWh (default: the site's tariff).
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub price: Option<f64>,
}

/// `tco` arguments.
#[derive(Debug, Args)]
pub struct TcoArgs {
    /// Scenario file with a `[tco]` table.
    pub scenario: PathBuf,
    /// Seed of the Monte Carlo draws (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Monte Carlo draws (overrides `tco.samples`).
    #[arg(long, allow_negative_numbers = true)]
    pub samples: Option<i64>,
    /// `simulate --format json` output of the same scenario: its utilization and goodput replace
    /// the assumed ones.
    #[arg(long, value_name = "JSON")]
    pub sim: Option<PathBuf>,
}

/// Cooling designs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CoolingArg {
    /// Direct-to-chip liquid on facility water, the rest by air.
    Liquid,
    /// All air: CRAHs on chilled water.
    Air,
    /// Liquid-cooled racks with liquid-to-air heat exchangers in an air-cooled hall.
    Hybrid,
}

/// UPS topologies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpsArg {
    /// Online double conversion.
    DoubleConversion,
    /// Eco mode (bypass in normal operation).
    Eco,
}

/// `calibrate` arguments.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Device: auto (CUDA if present, else CPU), cpu, cuda or cuda:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// A small grid: under a minute on 2 cores.
    #[arg(long)]
    pub quick: bool,
    /// Re-measure on this machine and compare with an existing profile.
    #[arg(long, value_name = "PROFILE", conflicts_with = "transfer")]
    pub validate: Option<PathBuf>,
    /// Turn an existing profile into a scaled prior for another accelerator (needs --to).
    #[arg(long, value_name = "PROFILE", requires = "to")]
    pub transfer: Option<PathBuf>,
    /// Accelerator id the transferred profile is for.
    #[arg(long, value_name = "ID")]
    pub to: Option<String>,
}

/// Validation tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateWhat {
    /// Every table.
    All,
    /// nccl-tests collectives.
    Collectives,
    /// Published training runs.
    Training,
    /// Published flow-collision and adaptive-routing measurements on fat-trees.
    Contention,
}

/// What `step` and `plan` share: the job and where it runs.
#[derive(Debug, Args)]
pub struct JobArgs {
    /// Model id (see `catalog list --kind model`).
    #[arg(long)]
    pub model: String,
    /// System id.
    #[arg(long)]
    pub system: String,
    /// GPUs.
    #[arg(long)]
    pub gpus: u64,
    /// Sequences per step (default: 1,024).
    #[arg(long)]
    pub global_batch: Option<u32>,
    /// Tokens per sequence (default: the model's training context).
    #[arg(long)]
    pub seq_len: Option<u32>,
    /// Numeric recipe: bf16, fp8 (per tensor), mxfp8 or nvfp4.
    #[arg(long, value_enum, default_value_t = PrecisionArg::Bf16)]
    pub precision: PrecisionArg,
    /// LoRA fine-tuning with adapters of this rank (base weights frozen).
    #[arg(long)]
    pub lora_rank: Option<u32>,
    /// Scale-out fabric id (default: the system's usual one).
    #[arg(long)]
    pub fabric: Option<String>,
    /// Efficiency profile (JSON or TOML) from `rackscale calibrate` instead of the default.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
    /// Tokens to train on: adds time-to-train.
    #[arg(long)]
    pub tokens: Option<f64>,
    /// Share of wall-clock time spent making progress (failures, restarts, checkpoints).
    #[arg(long, default_value_t = 1.0)]
    pub goodput: f64,
}

/// `step` arguments.
#[derive(Debug, Args)]
pub struct StepArgs {
    /// The job.
    #[command(flatten)]
    pub job: JobArgs,
    /// Tensor parallel degree.
    #[arg(long, default_value_t = 1)]
    pub tp: u32,
    /// Pipeline stages.
    #[arg(long, default_value_t = 1)]
    pub pp: u32,
    /// Virtual stages per pipeline stage (interleaved 1F1B).
    #[arg(long, default_value_t = 1)]
    pub vp: u32,
    /// Context parallel degree.
    #[arg(long, default_value_t = 1)]
    pub cp: u32,
    /// Expert parallel degree.
    #[arg(long, default_value_t = 1)]
    pub ep: u32,
    /// Data parallel degree (default: GPUs / (tp x pp x cp)).
    #[arg(long)]
    pub dp: Option<u32>,
    /// Sequences per micro-batch.
    #[arg(long, default_value_t = 1)]
    pub micro_batch: u32,
    /// Activation recomputation.
    #[arg(long, value_enum, default_value_t = RecomputeArg::Selective)]
    pub recompute: RecomputeArg,
    /// ZeRO stage: 0 none, 1 optimizer states (distributed optimizer), 2 + gradients, 3 + weights.
    #[arg(long, default_value_t = 1)]
    pub zero: u8,
    /// Turn off sequence parallelism.
    #[arg(long)]
    pub no_sequence_parallel: bool,
    /// Software stack: modern (flash attention, TP overlap, prefetching ZeRO-3) or
    /// megatron-2021 (unfused attention, no TP overlap, ZeRO-3 on the critical path).
    #[arg(long, value_enum, default_value_t = StackArg::Modern)]
    pub stack: StackArg,
    /// Let TP groups span scale-up domains.
    #[arg(long)]
    pub allow_tp_across_domains: bool,
}

/// `plan` arguments.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The job.
    #[command(flatten)]
    pub job: JobArgs,
    /// How many plans to show.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Size the cluster: the fewest GPUs (up to --gpus) that train --tokens within this many days.
    #[arg(long, requires = "tokens")]
    pub deadline_days: Option<f64>,
}

/// Precisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    /// bfloat16 GEMMs.
    Bf16,
    /// FP8 with one scale per tensor (the Hopper recipe; `fp8-cs` is accepted).
    #[value(alias = "fp8-cs")]
    Fp8,
    /// FP8 with a scale per 32 elements (Blackwell's block-scaled GEMMs).
    Mxfp8,
    /// NVIDIA's NVFP4 recipe: FP4 GEMMs with a scale per 16 elements, ~15% of layers in BF16 (`fp4` is accepted).
    #[value(alias = "fp4")]
    Nvfp4,
}

/// Software stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StackArg {
    /// Megatron-Core / Transformer Engine / FSDP.
    Modern,
    /// Megatron-LM and DeepSpeed as of 2021.
    #[value(name = "megatron-2021")]
    Megatron2021,
}

/// Recompute modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecomputeArg {
    /// Keep every activation.
    None,
    /// Recompute attention only.
    Selective,
    /// Recompute whole layers.
    Full,
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

// One mapping per command-line enum onto the library's, checked by the compiler.

impl From<FormatArg> for rackscale::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => rackscale::report::Format::Table,
            FormatArg::Csv => rackscale::report::Format::Csv,
            FormatArg::Json => rackscale::report::Format::Json,
            FormatArg::Md => rackscale::report::Format::Md,
        }
    }
}

impl From<PrecisionArg> for rackscale::model::training::Recipe {
    fn from(p: PrecisionArg) -> Self {
        match p {
            PrecisionArg::Bf16 => rackscale::model::training::Recipe::Bf16,
            PrecisionArg::Fp8 => rackscale::model::training::Recipe::Fp8,
            PrecisionArg::Mxfp8 => rackscale::model::training::Recipe::Mxfp8,
            PrecisionArg::Nvfp4 => rackscale::model::training::Recipe::Nvfp4,
        }
    }
}

impl From<StackArg> for rackscale::model::training::Stack {
    fn from(s: StackArg) -> Self {
        match s {
            StackArg::Modern => rackscale::model::training::Stack::Modern,
            StackArg::Megatron2021 => rackscale::model::training::Stack::Megatron2021,
        }
    }
}

impl From<RecomputeArg> for rackscale::model::training::Recompute {
    fn from(r: RecomputeArg) -> Self {
        match r {
            RecomputeArg::None => rackscale::model::training::Recompute::None,
            RecomputeArg::Selective => rackscale::model::training::Recompute::Selective,
            RecomputeArg::Full => rackscale::model::training::Recompute::Full,
        }
    }
}

impl From<OpArg> for rackscale::model::collective::Op {
    fn from(o: OpArg) -> Self {
        match o {
            OpArg::AllReduce => rackscale::model::collective::Op::AllReduce,
            OpArg::ReduceScatter => rackscale::model::collective::Op::ReduceScatter,
            OpArg::AllGather => rackscale::model::collective::Op::AllGather,
            OpArg::AllToAll => rackscale::model::collective::Op::AllToAll,
            OpArg::Broadcast => rackscale::model::collective::Op::Broadcast,
            OpArg::SendRecv => rackscale::model::collective::Op::SendRecv,
        }
    }
}

impl From<AlgorithmArg> for rackscale::model::collective::Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Ring => rackscale::model::collective::Algorithm::Ring,
            AlgorithmArg::Tree => rackscale::model::collective::Algorithm::Tree,
            AlgorithmArg::Nvls => rackscale::model::collective::Algorithm::Nvls,
            AlgorithmArg::Sharp => rackscale::model::collective::Algorithm::Sharp,
            AlgorithmArg::Hierarchical => rackscale::model::collective::Algorithm::Hierarchical,
            AlgorithmArg::Direct => rackscale::model::collective::Algorithm::Direct,
        }
    }
}

impl From<KindArg> for rackscale::catalog::Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Gpu => rackscale::catalog::Kind::Gpu,
            KindArg::System => rackscale::catalog::Kind::System,
            KindArg::Fabric => rackscale::catalog::Kind::Fabric,
            KindArg::Site => rackscale::catalog::Kind::Site,
            KindArg::Electricity => rackscale::catalog::Kind::Electricity,
            KindArg::Offer => rackscale::catalog::Kind::Offer,
            KindArg::Model => rackscale::catalog::Kind::Model,
        }
    }
}

impl FacilityArgs {
    /// The flags as the facility pipeline's inputs.
    pub fn inputs(&self) -> rackscale::pipeline::facility::Inputs {
        let a = self;
        use rackscale::model::facility::{Cooling, Ups};
        rackscale::pipeline::facility::Inputs {
            site: a.site.clone(),
            it_load_mw: a.it_load_mw,
            load_factor: a.load_factor,
            cooling: a.cooling.map(|c| match c {
                CoolingArg::Liquid => Cooling::Liquid,
                CoolingArg::Air => Cooling::Air,
                CoolingArg::Hybrid => Cooling::Hybrid,
            }),
            supply_temp_c: a.supply_temp_c,
            ups: a.ups.map(|u| match u {
                UpsArg::DoubleConversion => Ups::DoubleConversion,
                UpsArg::Eco => Ups::Eco,
            }),
            redundancy: a.redundancy,
            zero_water: a.zero_water,
            weather: a.weather.clone(),
            it_series: a.it_series.clone(),
            price: a.price,
        }
    }
}

impl JobArgs {
    /// The flags as the training pipeline's job.
    pub fn job(&self) -> rackscale::pipeline::training::Job {
        let j = self;
        rackscale::pipeline::training::Job {
            model: j.model.clone(),
            system: j.system.clone(),
            gpus: j.gpus,
            fabric: j.fabric.clone(),
            global_batch: j.global_batch.unwrap_or(rackscale::pipeline::training::DEFAULT_GLOBAL_BATCH),
            seq_len: j.seq_len,
            precision: rackscale::model::training::Recipe::from(j.precision),
            lora_rank: j.lora_rank,
            tokens: j.tokens,
            goodput: j.goodput,
        }
    }
}
