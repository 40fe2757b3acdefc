//! The flow model's routing against published measurements of flow
//! collisions and adaptive routing (`data/validation/contention.toml`).

use crate::catalog::{Catalog, Routing};
use crate::engine::rng::RngStreams;
use crate::model::contention::{Flow, max_min_fair};
use crate::topology::fattree::{FatTree, FatTreeSpec};
use crate::topology::{FabricOptions, Topology};
use crate::units::{BytesPerSec, Seconds};
use anyhow::{Context, bail};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

const DATA: &str = include_str!("../../../data/validation/contention.toml");

/// Random patterns per row when the row does not say.
const PATTERNS: u32 = 4;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    row: Vec<Measured>,
}

/// One published figure and the setup it was measured on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Measured {
    id: String,
    source: String,
    date: String,
    what: String,
    measured: f64,
    measured_low: Option<f64>,
    measured_high: Option<f64>,
    role: String,
    note: Option<String>,
    skip: Option<String>,
    routing: Option<Routing>,
    traffic: Option<String>,
    qps: Option<u32>,
    patterns: Option<u32>,
    endpoints: Option<u64>,
    radix: Option<u32>,
    rails: Option<u32>,
    system: Option<String>,
    gpus: Option<u64>,
    fabric: Option<String>,
}

/// One row next to the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentionRow {
    /// Row id.
    pub id: String,
    /// `fit` or `check`.
    pub role: String,
    /// What was measured.
    pub what: String,
    /// The setup as modelled, in words.
    pub setup: String,
    /// Routing modelled.
    pub routing: String,
    /// Published figure (share of line rate).
    pub measured: f64,
    /// Its range where the source gives one.
    pub measured_range: Option<(f64, f64)>,
    /// The model's figure.
    pub model: f64,
    /// (model - measured) / measured; 0 inside a published range.
    pub error: f64,
    /// Citation.
    pub source: String,
    /// Date of the source.
    pub date: String,
    /// Caveats.
    pub note: Option<String>,
}

/// A kept row that is not compared, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentionSkipped {
    /// Row id.
    pub id: String,
    /// What was measured.
    pub what: String,
    /// Why it is not compared.
    pub reason: String,
    /// Citation.
    pub source: String,
    /// Date of the source.
    pub date: String,
}

/// `validate --what contention`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentionValidation {
    /// Compared rows.
    pub rows: Vec<ContentionRow>,
    /// Rows kept but not compared.
    pub skipped: Vec<ContentionSkipped>,
    /// Adaptive-routing efficiency that makes each fit row match, by fabric.
    pub fitted: Vec<FittedEfficiency>,
    /// Mean |error| over check rows, by routing.
    pub check_error: Vec<(String, f64, usize)>,
}

/// An efficiency fitted to a row, and what the catalog holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedEfficiency {
    /// Fabric id.
    pub fabric: String,
    /// Row it is fitted to.
    pub row: String,
    /// The value that reproduces the row.
    pub fitted: f64,
    /// The catalog's value.
    pub catalog: f64,
}

/// Every row of the shipped table, modelled.
pub fn contention(catalog: &Catalog) -> anyhow::Result<ContentionValidation> {
    let file: File = toml::from_str(DATA).context("data/validation/contention.toml")?;
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut fitted = Vec::new();
    for m in &file.row {
        if let Some(reason) = &m.skip {
            skipped.push(ContentionSkipped {
                id: m.id.clone(),
                what: m.what.clone(),
                reason: reason.clone(),
                source: m.source.clone(),
                date: m.date.clone(),
            });
            continue;
        }
        let (tree, setup) = setup(catalog, m)?;
        let model = share(&tree, m)?;
        let range = m.measured_low.zip(m.measured_high);
        let error = match range {
            Some((lo, hi)) if (lo..=hi).contains(&model) => 0.0,
            _ => (model - m.measured) / m.measured,
        };
        if m.role == "fit" {
            let fabric = m.fabric.clone().context("a fit row names its fabric")?;
            let value = fit_efficiency(&tree, m)?;
            let catalog_value = catalog.fabrics.get(&fabric)?.adaptive_efficiency();
            fitted.push(FittedEfficiency { fabric, row: m.id.clone(), fitted: value, catalog: catalog_value });
        }
        rows.push(ContentionRow {
            id: m.id.clone(),
            role: m.role.clone(),
            what: m.what.clone(),
            setup,
            routing: tree.spec.routing.to_string(),
            measured: m.measured,
            measured_range: range,
            model,
            error,
            source: m.source.clone(),
            date: m.date.clone(),
            note: m.note.clone(),
        });
    }
    let mut check_error = Vec::new();
    for routing in ["ecmp", "d-mod-k", "adaptive"] {
        let e: Vec<f64> =
            rows.iter().filter(|r| r.role == "check" && r.routing == routing).map(|r| r.error.abs()).collect();
        if !e.is_empty() {
            check_error.push((routing.to_owned(), e.iter().sum::<f64>() / e.len() as f64, e.len()));
        }
    }
    Ok(ContentionValidation { rows, skipped, fitted, check_error })
}

/// The row's fat-tree, and its description.
fn setup(catalog: &Catalog, m: &Measured) -> anyhow::Result<(FatTree, String)> {
    let routing = m.routing.with_context(|| format!("row {} gives no routing", m.id))?;
    if let Some(system) = &m.system {
        let gpus = m.gpus.with_context(|| format!("row {} gives a system without gpus", m.id))?;
        let opt = FabricOptions { fabric: m.fabric.clone(), routing: Some(routing), ..FabricOptions::default() };
        let t = Topology::build(catalog, system, gpus, &opt)?;
        let words = format!("{gpus} x {system} on {}, {} tiers", t.fabric, t.tree.tiers);
        return Ok((t.tree, words));
    }
    let (Some(endpoints), Some(radix)) = (m.endpoints, m.radix) else {
        bail!("row {} gives neither a system nor endpoints and radix", m.id)
    };
    let rails = m.rails.unwrap_or(1);
    let tree = FatTree::build(FatTreeSpec {
        endpoints,
        radix,
        port_bw: BytesPerSec(1.0),
        planes: 1,
        leaf_oversubscription: 1.0,
        spine_oversubscription: 1.0,
        tiers: None,
        switch_latency: Seconds(0.0),
        rails,
        routing,
        adaptive_efficiency: 1.0,
    })?;
    let words = format!("{endpoints} hosts, {radix}-port switches, {} tiers, {rails} rail(s)", tree.tiers);
    Ok((tree, words))
}

/// The model's mean connection rate over line rate, over the row's patterns.
fn share(tree: &FatTree, m: &Measured) -> anyhow::Result<f64> {
    let patterns = m.patterns.unwrap_or(PATTERNS).max(1);
    let qps = m.qps.unwrap_or(1).max(1);
    let caps = tree.link_capacities();
    let port = tree.spec.port_bw.get();
    let mut rng = RngStreams::new(42).stream(&format!("contention-{}", m.id));
    let mut total = 0.0;
    for _ in 0..patterns {
        let pairs = connections(tree, m, &mut rng)?;
        let mut flows = Vec::with_capacity(pairs.len() * qps as usize);
        for &(a, b) in &pairs {
            for q in 0..qps {
                flows.push(Flow { links: tree.route(a, b, u64::from(q)), demand: None });
            }
        }
        let rates = max_min_fair(&caps, &flows);
        let per: f64 = rates
            .chunks(qps as usize)
            .map(|c| (f64::from(qps) * c.iter().copied().fold(f64::INFINITY, f64::min) / port).min(1.0))
            .sum();
        total += per / pairs.len().max(1) as f64;
    }
    Ok(total / f64::from(patterns))
}

/// The connections of one random pattern: (sender, receiver) endpoints.
fn connections(tree: &FatTree, m: &Measured, rng: &mut impl rand::Rng) -> anyhow::Result<Vec<(u64, u64)>> {
    let n = tree.spec.endpoints;
    match m.traffic.as_deref() {
        Some("pairs") => {
            let mut hosts: Vec<u64> = (0..n).collect();
            hosts.shuffle(rng);
            Ok(hosts.chunks_exact(2).flat_map(|p| [(p[0], p[1]), (p[1], p[0])]).collect())
        }
        Some("rings") => {
            let rails = u64::from(tree.spec.rails.max(1));
            let mut domains: Vec<u64> = (0..n / rails).collect();
            domains.shuffle(rng);
            let d = domains.len();
            Ok((0..rails)
                .flat_map(|r| {
                    let domains = &domains;
                    (0..d).map(move |i| (domains[i] * rails + r, domains[(i + 1) % d] * rails + r))
                })
                .collect())
        }
        other => bail!("row {}: traffic {other:?} is not `pairs` or `rings`", m.id),
    }
}

/// The adaptive-routing efficiency at which the model matches a row:
/// bisection on the efficiency (the model's share rises with it).
fn fit_efficiency(tree: &FatTree, m: &Measured) -> anyhow::Result<f64> {
    if tree.spec.routing != Routing::Adaptive {
        bail!("row {} is a fit row but not adaptive routing", m.id);
    }
    let (mut lo, mut hi) = (0.5, 1.0);
    for _ in 0..16 {
        let mid = 0.5 * (lo + hi);
        let mut t = tree.clone();
        t.spec.adaptive_efficiency = mid;
        if share(&t, m)? < m.measured {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // Each try draws the same patterns (seeded by the row id), so the bisection sees one function.
    Ok(0.5 * (lo + hi))
}
