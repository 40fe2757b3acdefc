//! Parsing catalog files, merging them by id, and checking cross-references.

use super::entries::{Accelerator, AttentionKind, Fabric, FabricTier, Model, Offer, Site, System, Tariff};
use super::figure::{Figure, fmt_num};
use super::{Catalog, CatalogError, Entry, Kind, Table};
use crate::diag::{Diagnostic, Diagnostics};
use crate::suggest;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// The built-in catalog files, compiled in: `(path, text)`.
pub const BUILTIN_FILES: [(&str, &str); 6] = [
    ("data/catalog/accelerators.toml", include_str!("../../data/catalog/accelerators.toml")),
    ("data/catalog/systems.toml", include_str!("../../data/catalog/systems.toml")),
    ("data/catalog/fabrics.toml", include_str!("../../data/catalog/fabrics.toml")),
    ("data/catalog/sites.toml", include_str!("../../data/catalog/sites.toml")),
    ("data/catalog/offers.toml", include_str!("../../data/catalog/offers.toml")),
    ("data/models/models.toml", include_str!("../../data/models/models.toml")),
];

/// One catalog file: any mix of entry kinds, as arrays of tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    gpu: Vec<Accelerator>,
    #[serde(default)]
    system: Vec<System>,
    #[serde(default)]
    fabric: Vec<Fabric>,
    #[serde(default)]
    site: Vec<Site>,
    #[serde(default)]
    electricity: Vec<Tariff>,
    #[serde(default)]
    offer: Vec<Offer>,
    #[serde(default)]
    model: Vec<Model>,
}

/// Which file an entry came from: its index in the loader's file list.
type Origin = usize;

/// Accumulates files and entries, then checks the whole.
struct Loader {
    files: Vec<(String, String)>,
    problems: Vec<Vec<Diagnostic>>,
    gpus: Table<(Origin, Accelerator)>,
    systems: Table<(Origin, System)>,
    fabrics: Table<(Origin, Fabric)>,
    sites: Table<(Origin, Site)>,
    tariffs: Table<(Origin, Tariff)>,
    offers: Table<(Origin, Offer)>,
    models: Table<(Origin, Model)>,
}

impl Catalog {
    /// The built-in catalog only.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        Self::load(&[])
    }

    /// The built-in catalog with user files applied in order: an entry whose id
    /// exists replaces it, a new id adds one. `files` are `(path, text)`.
    pub fn load(user_files: &[(String, String)]) -> Result<Catalog, CatalogError> {
        let mut loader = Loader::new();
        for (path, text) in BUILTIN_FILES {
            loader.add_file(path, text, false);
        }
        for (path, text) in user_files {
            loader.add_file(path, text, true);
        }
        loader.cross_check();
        loader.finish()
    }

    /// Reads user catalog files from disk and loads them over the built-in one.
    pub fn load_paths(paths: &[std::path::PathBuf]) -> Result<Catalog, CatalogError> {
        let mut files = Vec::new();
        for p in paths {
            let path = p.display().to_string();
            let text = crate::fsutil::read_text(p, "catalog file")?;
            files.push((path, text));
        }
        Self::load(&files)
    }
}

impl Loader {
    fn new() -> Self {
        Self {
            files: Vec::new(),
            problems: Vec::new(),
            gpus: Table::default(),
            systems: Table::default(),
            fabrics: Table::default(),
            sites: Table::default(),
            tariffs: Table::default(),
            offers: Table::default(),
            models: Table::default(),
        }
    }

    fn add_file(&mut self, path: &str, text: &str, overrides: bool) {
        let origin = self.files.len();
        self.files.push((path.to_owned(), text.to_owned()));
        self.problems.push(Vec::new());
        let file: CatalogFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => return self.problems[origin].push(Diagnostic::from_toml(&e)),
        };
        let problems = &mut self.problems[origin];
        insert_all(&mut self.gpus, file.gpu, origin, overrides, problems);
        insert_all(&mut self.systems, file.system, origin, overrides, problems);
        insert_all(&mut self.fabrics, file.fabric, origin, overrides, problems);
        insert_all(&mut self.sites, file.site, origin, overrides, problems);
        insert_all(&mut self.tariffs, file.electricity, origin, overrides, problems);
        insert_all(&mut self.offers, file.offer, origin, overrides, problems);
        insert_all(&mut self.models, file.model, origin, overrides, problems);
    }

    /// Every reference names an existing entry; every value is coherent.
    fn cross_check(&mut self) {
        let mut found: Vec<(Origin, Diagnostic)> = Vec::new();
        for (o, s) in self.systems.entries.values() {
            found.extend(check_ref(&self.gpus, &s.accelerator).map(|d| (*o, d)));
            found.extend(check_ref(&self.fabrics, &s.scaleup_fabric).map(|d| (*o, d)));
            found.extend(check_ref(&self.fabrics, &s.scaleout_fabric).map(|d| (*o, d)));
            found.extend(
                check_tier(&self.fabrics, &s.scaleup_fabric, FabricTier::ScaleUp, &self.files).map(|d| (*o, d)),
            );
            found.extend(
                check_tier(&self.fabrics, &s.scaleout_fabric, FabricTier::ScaleOut, &self.files).map(|d| (*o, d)),
            );
            found.extend(check_domain(s).map(|d| (*o, d)));
            let ranged = [
                ("nic_gbps", &s.nic_gbps, 1e6),
                ("node_power_kw", &s.node_power_kw, 1e4),
                ("rack_power_kw", &s.rack_power_kw, 1e5),
            ];
            found.extend(check_ranges(&s.id, "system", ranged).into_iter().map(|d| (*o, d)));
        }
        for (o, g) in self.gpus.entries.values() {
            let mut ranged = vec![
                ("bf16_tflops", &g.bf16_tflops, MAX_TFLOPS),
                ("hbm_gb", &g.hbm_gb, 1e5),
                ("hbm_tb_per_s", &g.hbm_tb_per_s, 1e3),
                ("power_w", &g.power_w, 1e5),
                ("scaleup_gb_per_s", &g.scaleup_gb_per_s, 1e6),
                ("nic_gbps", &g.nic_gbps, 1e6),
            ];
            for (name, f) in [
                ("fp64_tflops", &g.fp64_tflops),
                ("tf32_tflops", &g.tf32_tflops),
                ("fp8_tflops", &g.fp8_tflops),
                ("fp4_tflops", &g.fp4_tflops),
                ("fp4_sparse_tflops", &g.fp4_sparse_tflops),
            ] {
                if let Some(f) = f {
                    ranged.push((name, f, MAX_TFLOPS));
                }
            }
            if let Some(f) = &g.sparse_speedup {
                ranged.push(("sparse_speedup", f, 16.0));
            }
            found.extend(check_ranges(&g.id, "gpu", ranged).into_iter().map(|d| (*o, d)));
        }
        for (o, f) in self.fabrics.entries.values() {
            found
                .extend(check_ranges(&f.id, "fabric", [("port_gbps", &f.port_gbps, 1e6)]).into_iter().map(|d| (*o, d)));
            if let Some(e) = &f.adaptive_efficiency {
                found.extend(
                    check_ranges(&f.id, "fabric", [("adaptive_efficiency", e, 1.0)]).into_iter().map(|d| (*o, d)),
                );
                // Below a half, adaptive routing would do worse than hashing flows at random (about 63%).
                let (low, _) = e.range();
                if low < 0.5 && e.value > 0.0 {
                    let msg =
                        format!("fabric `{}`: `adaptive_efficiency` {} is below 0.5", f.id.get_ref(), fmt_num(low));
                    let help =
                        "give the share of a bundle's capacity adaptive routing fills, 0.5 to 1 (published: 0.77-0.98)";
                    found.push((*o, Diagnostic::at(f.id.span(), msg).with_help(help)));
                }
            }
        }
        for (o, s) in self.sites.entries.values() {
            found.extend(check_ref(&self.tariffs, &s.tariff).map(|d| (*o, d)));
            found.extend(check_coordinates(s).into_iter().map(|d| (*o, d)));
        }
        for (o, m) in self.models.entries.values() {
            found.extend(check_model(m).into_iter().map(|d| (*o, d)));
        }
        for (o, offer) in self.offers.entries.values() {
            found.extend(check_ref(&self.gpus, &offer.accelerator).map(|d| (*o, d)));
        }
        for (o, d) in found {
            self.problems[o].push(d);
        }
    }

    fn finish(self) -> Result<Catalog, CatalogError> {
        let bad: Vec<Diagnostics> = self
            .files
            .into_iter()
            .zip(self.problems)
            .filter(|(_, p)| !p.is_empty())
            .map(|((path, text), p)| Diagnostics::new(path, text, p))
            .collect();
        if !bad.is_empty() {
            return Err(CatalogError::Invalid(bad));
        }
        Ok(Catalog {
            gpus: strip(self.gpus),
            systems: strip(self.systems),
            fabrics: strip(self.fabrics),
            sites: strip(self.sites),
            tariffs: strip(self.tariffs),
            offers: strip(self.offers),
            models: strip(self.models),
        })
    }
}

/// Drops the origin once the catalog is known to be valid.
fn strip<E>(t: Table<(Origin, E)>) -> Table<E> {
    Table { entries: t.entries.into_iter().map(|(k, (_, e))| (k, e)).collect(), aliases: t.aliases }
}

/// Adds entries of one kind from one file. Ids are lowercase; an id repeated
/// within the built-in data or within one user file is an error, while a user
/// file may replace a built-in (or earlier user) entry.
fn insert_all<E: SpannedId + Entry>(
    table: &mut Table<(Origin, E)>,
    entries: Vec<E>,
    origin: Origin,
    overrides: bool,
    problems: &mut Vec<Diagnostic>,
) {
    for e in entries {
        let (id, span) = (e.id().to_owned(), e.id_span());
        if id != id.to_lowercase() || id.is_empty() || id.contains(char::is_whitespace) {
            problems.push(
                Diagnostic::at(span, format!("invalid {} id `{id}`", E::KIND))
                    .with_help(format!("ids are lowercase with no spaces: `{}`", id.to_lowercase().replace(' ', "-"))),
            );
            continue;
        }
        if let Some((prev, _)) = table.entries.get(&id) {
            if !overrides || *prev == origin {
                problems.push(
                    Diagnostic::at(span, format!("duplicate {} id `{id}`", E::KIND))
                        .with_help("each id may appear once per file; rename one entry"),
                );
                continue;
            }
            // An override that names no aliases keeps the old ones.
            if !e.aliases().is_empty() {
                table.aliases.retain(|_, target| *target != id);
            }
        }
        for alias in e.aliases() {
            let a = alias.to_lowercase();
            let clash = table.entries.contains_key(&a) && a != id || table.aliases.get(&a).is_some_and(|t| *t != id);
            if clash {
                problems.push(Diagnostic::at(
                    span.clone(),
                    format!("alias `{alias}` of {} `{id}` is already taken", E::KIND),
                ));
            } else {
                table.aliases.insert(a, id.clone());
            }
        }
        table.entries.insert(id, (origin, e));
    }
}

/// Access to an entry's id span, for diagnostics.
trait SpannedId {
    fn id_span(&self) -> Range<usize>;
}

fn check_ref<E: Entry>(table: &Table<(Origin, E)>, r: &Spanned<String>) -> Option<Diagnostic> {
    if table.find(r.get_ref()).is_some() {
        return None;
    }
    let help = suggest::did_you_mean(&table.similar(r.get_ref()))
        .unwrap_or_else(|| format!("see `rackscale catalog list --kind {}`", E::KIND.name()));
    Some(Diagnostic::at(r.span(), format!("unknown {} `{}`", E::KIND, r.get_ref())).with_help(help))
}

fn check_tier(
    fabrics: &Table<(Origin, Fabric)>,
    r: &Spanned<String>,
    want: FabricTier,
    files: &[(String, String)],
) -> Option<Diagnostic> {
    let (origin, f) = fabrics.find(r.get_ref())?;
    if f.tier == want {
        return None;
    }
    let (path, text) = &files[*origin];
    let (line, col) = crate::diag::line_col(text, f.id.span().start);
    Some(
        Diagnostic::at(r.span(), format!("fabric `{}` is {}, expected a {} fabric", r.get_ref(), f.tier, want))
            .with_help(format!("`{}` is defined at {path}:{line}:{col}", f.id.get_ref())),
    )
}

/// Highest dense peak accepted for one accelerator \[TFLOP/s\] (an exaFLOP/s per chip).
const MAX_TFLOPS: f64 = 1e6;

/// Every figure a model divides by is above zero, and each below a ceiling
/// no real part reaches: a zero bandwidth or peak would make step times
/// infinite, a 1e308 one would make them vanish.
fn check_ranges<'a>(
    id: &Spanned<String>,
    kind: &str,
    figures: impl IntoIterator<Item = (&'a str, &'a Figure, f64)>,
) -> Vec<Diagnostic> {
    figures
        .into_iter()
        .filter_map(|(name, f, max)| {
            let (_, high) = f.range();
            if f.value > 0.0 && high <= max {
                return None;
            }
            let what = if f.value > 0.0 {
                format!("above the ceiling {}", fmt_num(max))
            } else {
                "it must be above 0".to_owned()
            };
            Some(
                Diagnostic::at(
                    id.span(),
                    format!("{kind} `{}`: `{name}` is {}, but {what}", id.get_ref(), fmt_num(high.max(f.value))),
                )
                .with_help(format!("give `{name}` a value above 0 and at most {}", fmt_num(max))),
            )
        })
        .collect()
}

fn check_domain(s: &System) -> Option<Diagnostic> {
    let (node, dom, rack) = (s.gpus_per_node.get(), s.gpus_per_domain.get(), s.gpus_per_rack());
    let dom = u64::from(dom);
    let node = u64::from(node);
    (dom % node != 0 || dom > rack).then(|| {
        Diagnostic::at(
            s.id.span(),
            format!("system `{}` has {dom} GPUs per domain, which is not a whole number of {node}-GPU nodes within a {rack}-GPU rack", s.id.get_ref()),
        )
    })
}

/// Heads divide hidden and kv heads divide heads; MoE and MLA fields come together.
fn check_model(m: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let id = m.id.get_ref();
    let at = || m.id.span();
    let (h, a) = (m.hidden.get(), m.heads.get());
    if m.attention == AttentionKind::Gqa && m.head_dim.is_none() && h % a != 0 {
        out.push(Diagnostic::at(at(), format!("model `{id}`: hidden {h} is not divisible by {a} heads")));
    }
    if let Some(kv) = m.kv_heads.filter(|kv| a % kv.get() != 0) {
        out.push(Diagnostic::at(at(), format!("model `{id}`: {a} heads are not divisible by {kv} kv heads")));
    }
    let moe = [m.experts.is_some(), m.top_k.is_some(), m.expert_ffn.is_some()];
    if moe.iter().any(|&x| x) && !moe.iter().all(|&x| x) {
        out.push(
            Diagnostic::at(at(), format!("model `{id}` is partly MoE"))
                .with_help("a MoE model needs `experts`, `top_k` and `expert_ffn`"),
        );
    }
    if let (Some(e), Some(k)) = (m.experts, m.top_k)
        && k > e
    {
        out.push(Diagnostic::at(at(), format!("model `{id}`: top_k {k} exceeds {e} experts")));
    }
    let mla = [m.q_lora_rank, m.kv_lora_rank, m.qk_nope_head_dim, m.qk_rope_head_dim, m.v_head_dim];
    if m.attention == AttentionKind::Mla && mla.iter().any(Option::is_none) {
        out.push(
            Diagnostic::at(at(), format!("model `{id}` uses MLA without all its dimensions"))
                .with_help("MLA needs q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim"),
        );
    }
    out
}

fn check_coordinates(s: &Site) -> Vec<Diagnostic> {
    let mut out = check_climate(s);
    if !(-90.0..=90.0).contains(s.latitude_deg.get_ref()) {
        out.push(Diagnostic::at(
            s.latitude_deg.span(),
            format!("latitude {} is outside -90..90 degrees", s.latitude_deg.get_ref()),
        ));
    }
    if !(-180.0..=180.0).contains(s.longitude_deg.get_ref()) {
        out.push(Diagnostic::at(
            s.longitude_deg.span(),
            format!("longitude {} is outside -180..180 degrees", s.longitude_deg.get_ref()),
        ));
    }
    out
}

/// A site's climate table: plausible numbers, one humidity measure.
fn check_climate(s: &Site) -> Vec<Diagnostic> {
    let Some(c) = &s.climate else { return Vec::new() };
    let span = c.span();
    let c = c.get_ref();
    let mut out = Vec::new();
    let mut bad = |msg: String, help: &str| out.push(Diagnostic::at(span.clone(), msg).with_help(help.to_owned()));
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    for m in 0..12 {
        let (hi, lo) = (c.tmax_c[m], c.tmin_c[m]);
        if !(-70.0..=60.0).contains(&hi) || !(-70.0..=60.0).contains(&lo) || lo > hi {
            bad(
                format!("climate of `{}` in {}: tmin_c {lo} and tmax_c {hi} are not a day's range", s.id(), MONTHS[m]),
                "temperatures are in °C between -70 and 60, and the minimum is below the maximum",
            );
        }
        if let Some(rh) = c.rh_pct.map(|r| r[m]).filter(|r| !(0.0..=100.0).contains(r) || r.is_nan()) {
            bad(
                format!("climate of `{}` in {}: rh_pct {rh} is not a relative humidity", s.id(), MONTHS[m]),
                "give 0-100 (%)",
            );
        }
        if let Some(td) = c.dew_point_c.map(|d| d[m]).filter(|&d| d.is_nan() || d > hi) {
            bad(
                format!("climate of `{}` in {}: dew point {td} is above the mean maximum {hi}", s.id(), MONTHS[m]),
                "the dew point never exceeds the dry bulb",
            );
        }
    }
    if c.dew_point_c.is_some() == c.rh_pct.is_some() {
        bad(
            format!("climate of `{}` needs exactly one of `dew_point_c` and `rh_pct`", s.id()),
            "give the monthly mean dew point (°C) or the monthly mean relative humidity (%)",
        );
    }
    out
}

fn any_estimate<'a>(figs: impl IntoIterator<Item = &'a Figure>) -> bool {
    figs.into_iter().any(Figure::is_estimate)
}

/// Implements the common part of [`Entry`] for an entry type.
macro_rules! entry_common {
    ($t:ty) => {
        impl SpannedId for $t {
            fn id_span(&self) -> Range<usize> {
                self.id.span()
            }
        }
    };
}

entry_common!(Accelerator);
entry_common!(System);
entry_common!(Fabric);
entry_common!(Site);
entry_common!(Tariff);
entry_common!(Offer);
entry_common!(Model);

/// The accessors every entry type has in the same shape.
macro_rules! entry_fields {
    () => {
        fn id(&self) -> &str {
            self.id.get_ref()
        }
        fn aliases(&self) -> &[String] {
            &self.aliases
        }
        fn source(&self) -> &str {
            self.source.as_str()
        }
        fn date(&self) -> &str {
            self.date.as_str()
        }
    };
}

impl Entry for Accelerator {
    const KIND: Kind = Kind::Gpu;
    entry_fields!();
    fn title(&self) -> String {
        self.name.clone()
    }
    fn maker(&self) -> &str {
        &self.vendor
    }
    fn summary(&self) -> String {
        let best = [&self.fp4_tflops, &self.fp8_tflops].into_iter().flatten().next();
        let low_precision = match (best, &self.fp4_tflops) {
            (Some(f), Some(_)) => format!(", fp4 {} TF", fmt_num(f.value)),
            (Some(f), None) => format!(", fp8 {} TF", fmt_num(f.value)),
            _ => String::new(),
        };
        format!(
            "bf16 {} TF{low_precision} dense, {} GB @ {} TB/s, {} W",
            fmt_num(self.bf16_tflops.value),
            fmt_num(self.hbm_gb.value),
            fmt_num(self.hbm_tb_per_s.value),
            fmt_num(self.power_w.value)
        )
    }
    fn has_estimate(&self) -> bool {
        let optional = [
            &self.fp64_tflops,
            &self.tf32_tflops,
            &self.fp8_tflops,
            &self.fp4_tflops,
            &self.sparse_speedup,
            &self.fp4_sparse_tflops,
        ];
        any_estimate(optional.into_iter().flatten())
            || any_estimate([
                &self.bf16_tflops,
                &self.hbm_gb,
                &self.hbm_tb_per_s,
                &self.power_w,
                &self.scaleup_gb_per_s,
                &self.nic_gbps,
            ])
    }
}

impl Entry for System {
    const KIND: Kind = Kind::System;
    entry_fields!();
    fn title(&self) -> String {
        self.name.clone()
    }
    fn maker(&self) -> &str {
        &self.vendor
    }
    fn summary(&self) -> String {
        let cooling = match self.cooling {
            super::Cooling::Liquid => "liquid",
            super::Cooling::Air => "air",
            super::Cooling::Immersion => "immersion",
        };
        format!(
            "{} x {}, domain {}, {} kW/rack, {cooling}",
            self.gpus_per_rack(),
            self.accelerator.get_ref(),
            self.gpus_per_domain,
            fmt_num(self.rack_power_kw.value)
        )
    }
    fn has_estimate(&self) -> bool {
        any_estimate([&self.nic_gbps, &self.node_power_kw, &self.rack_power_kw])
    }
}

impl Entry for Fabric {
    const KIND: Kind = Kind::Fabric;
    entry_fields!();
    fn title(&self) -> String {
        self.name.clone()
    }
    fn maker(&self) -> &str {
        &self.vendor
    }
    fn summary(&self) -> String {
        let radix = self.switch_radix.map_or_else(|| "no switch".to_owned(), |r| format!("radix {r}"));
        format!("{} {}, {} Gb/s ports, {radix}", self.tier, self.technology, fmt_num(self.port_gbps.value))
    }
    fn has_estimate(&self) -> bool {
        let optional =
            [&self.switch_latency_ns, &self.switch_power_w, &self.switch_price_usd, &self.adaptive_efficiency];
        self.port_gbps.is_estimate() || any_estimate(optional.into_iter().flatten())
    }
}

impl Entry for Site {
    const KIND: Kind = Kind::Site;
    entry_fields!();
    fn title(&self) -> String {
        self.name.clone()
    }
    fn maker(&self) -> &str {
        &self.country
    }
    fn summary(&self) -> String {
        format!(
            "{:.2}, {:.2}; tariff {}",
            self.latitude_deg.get_ref(),
            self.longitude_deg.get_ref(),
            self.tariff.get_ref()
        )
    }
    fn has_estimate(&self) -> bool {
        false
    }
}

impl Entry for Tariff {
    const KIND: Kind = Kind::Electricity;
    entry_fields!();
    fn title(&self) -> String {
        self.region.clone()
    }
    fn maker(&self) -> &str {
        ""
    }
    fn summary(&self) -> String {
        let carbon =
            self.gco2_per_kwh.as_ref().map_or_else(String::new, |c| format!(", {} gCO2e/kWh", fmt_num(c.value)));
        format!("{} USD/kWh{carbon} ({})", fmt_num(self.usd_per_kwh.value), self.period)
    }
    fn has_estimate(&self) -> bool {
        self.usd_per_kwh.is_estimate() || self.gco2_per_kwh.as_ref().is_some_and(Figure::is_estimate)
    }
}

impl Entry for Offer {
    const KIND: Kind = Kind::Offer;
    entry_fields!();
    fn title(&self) -> String {
        format!("{} {}", self.provider, self.sku)
    }
    fn maker(&self) -> &str {
        &self.provider
    }
    fn summary(&self) -> String {
        let pricing =
            serde_json::to_value(self.pricing).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        format!(
            "{} x {}, {pricing}, {} USD/GPU-h, {}",
            self.gpus_per_instance,
            self.accelerator.get_ref(),
            fmt_num(self.usd_per_gpu_hour.value),
            self.region
        )
    }
    fn has_estimate(&self) -> bool {
        self.usd_per_gpu_hour.is_estimate()
    }
}

impl Entry for Model {
    const KIND: Kind = Kind::Model;
    entry_fields!();
    fn title(&self) -> String {
        self.name.clone()
    }
    fn maker(&self) -> &str {
        ""
    }
    fn summary(&self) -> String {
        let moe = match (self.experts, self.top_k) {
            (Some(e), Some(k)) => format!(", MoE {e} experts top-{k}"),
            _ => String::new(),
        };
        format!("{} layers, hidden {}, {} heads{moe}, seq {}", self.layers, self.hidden, self.heads, self.seq_len)
    }
    fn has_estimate(&self) -> bool {
        false
    }
}
