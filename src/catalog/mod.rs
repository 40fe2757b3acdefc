//! The hardware, fabric, site, tariff and cloud-offer catalog.
//!
//! ```text
//!  data/catalog/*.toml ──► parse (spans) ──► merge by id ──► cross-check ──► Catalog
//!  --catalog FILE ...  ──►   (user files override or add entries by id)
//! ```
//!
//! The built-in files are compiled into the binary, so `rackscale` works from
//! any directory; `data/` stays their single source. Every entry cites its
//! `source` and `date`; numbers with a range are estimates.

mod entries;
mod fields;
mod figure;
mod load;
#[cfg(test)]
mod tests;

pub use entries::{
    Accelerator, AttentionKind, Cooling, Fabric, FabricTier, FfnType, Model, Offer, PowerRating, Precision, Pricing,
    Routing, Site, SiteClimate, System, Tariff,
};
pub use fields::{Count, Source, SourceDate};
pub use figure::{Figure, fmt_num, sig, sig3};
pub use load::BUILTIN_FILES;

use crate::diag::Diagnostics;
use crate::suggest;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The kinds of catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Accelerators (`--kind gpu`).
    Gpu,
    /// Node and rack designs.
    System,
    /// Scale-up and scale-out fabrics.
    Fabric,
    /// Data-centre sites.
    Site,
    /// Electricity tariffs.
    Electricity,
    /// Cloud offers.
    Offer,
    /// Transformer models.
    Model,
}

impl Kind {
    /// All kinds in listing order.
    pub const ALL: [Kind; 7] =
        [Self::Gpu, Self::System, Self::Fabric, Self::Site, Self::Electricity, Self::Offer, Self::Model];

    /// Name as on the command line and in output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gpu => "gpu",
            Self::System => "system",
            Self::Fabric => "fabric",
            Self::Site => "site",
            Self::Electricity => "electricity",
            Self::Offer => "offer",
            Self::Model => "model",
        }
    }
}

impl Kind {
    /// Name in prose: `unknown electricity tariff`.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Electricity => "electricity tariff",
            Self::Offer => "cloud offer",
            other => other.name(),
        }
    }
}

/// Displays as prose (`electricity tariff`); [`Kind::name`] is the flag value.
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// Errors of loading or querying the catalog.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// A catalog file could not be read. Fatal: bad input.
    #[error(transparent)]
    Read(#[from] crate::fsutil::ReadError),
    /// Catalog files have syntax, type, value or reference problems. Fatal: bad input.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostics>),
    /// No entry of any kind has that id or alias. Fatal: bad input.
    #[error("no catalog entry has id or alias `{query}`{}", help_suffix(.suggestions))]
    NoSuchEntry {
        /// What was asked for.
        query: String,
        /// Similar ids.
        suggestions: Vec<String>,
    },
    /// No entry of this kind has that id or alias. Fatal: bad input.
    #[error("unknown {kind} `{query}`{}", help_suffix(.suggestions))]
    Unknown {
        /// Kind looked in.
        kind: Kind,
        /// What was asked for.
        query: String,
        /// Similar ids.
        suggestions: Vec<String>,
    },
}

/// Up to three ids whose id or alias is similar to `query`, best first.
fn similar_ids<'a>(query: &str, names: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let names: Vec<(&str, &str)> = names.collect();
    let mut ids: Vec<String> = Vec::new();
    for name in suggest::similar_all(query, names.iter().map(|(n, _)| *n)) {
        let id = names.iter().find(|(n, _)| *n == name).map_or(name.as_str(), |(_, id)| id);
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    }
    ids.truncate(3);
    ids
}

fn render_all(files: &[Diagnostics]) -> String {
    files.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

fn help_suffix(suggestions: &[String]) -> String {
    suggest::did_you_mean(suggestions).map_or_else(String::new, |s| format!("; {s}"))
}

/// Behaviour shared by every entry kind.
pub trait Entry: Serialize {
    /// The kind.
    const KIND: Kind;
    /// Primary id.
    fn id(&self) -> &str;
    /// Other accepted names.
    fn aliases(&self) -> &[String];
    /// Display name.
    fn title(&self) -> String;
    /// Maker or provider.
    fn maker(&self) -> &str;
    /// The headline figures, one line.
    fn summary(&self) -> String;
    /// Citation.
    fn source(&self) -> &str;
    /// Date of the citation.
    fn date(&self) -> &str;
    /// Whether any figure of the entry is an estimate.
    fn has_estimate(&self) -> bool;
}

/// Entries of one kind, by id, with their aliases.
#[derive(Debug, Clone)]
pub struct Table<E> {
    entries: BTreeMap<String, E>,
    aliases: BTreeMap<String, String>,
}

impl<E> Default for Table<E> {
    fn default() -> Self {
        Self { entries: BTreeMap::new(), aliases: BTreeMap::new() }
    }
}

impl<E: Entry> Table<E> {
    /// The entry with this id or alias (case-insensitive).
    pub fn get(&self, query: &str) -> Result<&E, CatalogError> {
        self.find(query).ok_or_else(|| CatalogError::Unknown {
            kind: E::KIND,
            query: query.to_owned(),
            suggestions: self.similar(query),
        })
    }
}

impl<E> Table<E> {
    /// The entry with this id or alias, if any.
    pub fn find(&self, query: &str) -> Option<&E> {
        let q = query.to_lowercase();
        self.entries.get(&q).or_else(|| self.aliases.get(&q).and_then(|id| self.entries.get(id)))
    }

    /// Ids similar to `query`, for "did you mean", judged on ids and aliases alike.
    pub fn similar(&self, query: &str) -> Vec<String> {
        similar_ids(query, self.names())
    }

    /// Every name that resolves, with the id it resolves to.
    pub fn names(&self) -> impl Iterator<Item = (&str, &str)> {
        let ids = self.entries.keys().map(|k| (k.as_str(), k.as_str()));
        ids.chain(self.aliases.iter().map(|(a, id)| (a.as_str(), id.as_str())))
    }

    /// Entries in id order.
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.entries.values()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The merged catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Accelerators.
    pub gpus: Table<Accelerator>,
    /// Systems.
    pub systems: Table<System>,
    /// Fabrics.
    pub fabrics: Table<Fabric>,
    /// Sites.
    pub sites: Table<Site>,
    /// Electricity tariffs.
    pub tariffs: Table<Tariff>,
    /// Cloud offers.
    pub offers: Table<Offer>,
    /// Transformer models.
    pub models: Table<Model>,
}

fn row<E: Entry>(e: &E) -> CatalogRow {
    CatalogRow {
        id: e.id().to_owned(),
        kind: E::KIND.name().to_owned(),
        name: e.title(),
        vendor: e.maker().to_owned(),
        summary: e.summary(),
        estimate: e.has_estimate(),
        source: e.source().to_owned(),
        date: e.date().to_owned(),
    }
}

impl Catalog {
    /// Listing rows of one kind, or of every kind, in kind then id order.
    pub fn rows(&self, kind: Option<Kind>) -> Vec<CatalogRow> {
        let wanted = |k: Kind| kind.is_none_or(|w| w == k);
        let mut rows = Vec::new();
        for k in Kind::ALL.into_iter().filter(|&k| wanted(k)) {
            match k {
                Kind::Gpu => rows.extend(self.gpus.iter().map(row)),
                Kind::System => rows.extend(self.systems.iter().map(row)),
                Kind::Fabric => rows.extend(self.fabrics.iter().map(row)),
                Kind::Site => rows.extend(self.sites.iter().map(row)),
                Kind::Electricity => rows.extend(self.tariffs.iter().map(row)),
                Kind::Offer => rows.extend(self.offers.iter().map(row)),
                Kind::Model => rows.extend(self.models.iter().map(row)),
            }
        }
        rows
    }

    /// The entry with this id or alias in any kind, as plain JSON, with its kind.
    pub fn show(&self, query: &str) -> Result<(Kind, serde_json::Value), CatalogError> {
        fn json<E: Entry>(e: &E) -> (Kind, serde_json::Value) {
            let mut v = serde_json::to_value(e).expect("catalog entries serialize");
            if let serde_json::Value::Object(map) = &mut v {
                map.retain(|_, field| !field.is_null());
            }
            (E::KIND, v)
        }
        let hit = None
            .or_else(|| self.gpus.find(query).map(json))
            .or_else(|| self.systems.find(query).map(json))
            .or_else(|| self.fabrics.find(query).map(json))
            .or_else(|| self.sites.find(query).map(json))
            .or_else(|| self.tariffs.find(query).map(json))
            .or_else(|| self.offers.find(query).map(json))
            .or_else(|| self.models.find(query).map(json));
        hit.ok_or_else(|| CatalogError::NoSuchEntry { query: query.to_owned(), suggestions: self.similar_any(query) })
    }

    fn similar_any(&self, query: &str) -> Vec<String> {
        let names = self.gpus.names().chain(self.systems.names()).chain(self.fabrics.names());
        let names = names.chain(self.sites.names()).chain(self.tariffs.names()).chain(self.offers.names());
        let names = names.chain(self.models.names());
        similar_ids(query, names)
    }

    /// Every kind in which `query` names an entry, with that entry's id.
    pub fn matches(&self, query: &str) -> Vec<(Kind, String)> {
        fn hit<E: Entry>(t: &Table<E>, q: &str) -> Option<(Kind, String)> {
            t.find(q).map(|e| (E::KIND, e.id().to_owned()))
        }
        [
            hit(&self.gpus, query),
            hit(&self.systems, query),
            hit(&self.fabrics, query),
            hit(&self.sites, query),
            hit(&self.tariffs, query),
            hit(&self.offers, query),
            hit(&self.models, query),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// One row of `catalog list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogRow {
    /// Id.
    pub id: String,
    /// Kind: gpu, system, fabric, site, electricity, offer.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Maker or provider.
    pub vendor: String,
    /// Headline figures.
    pub summary: String,
    /// Whether any figure is an estimate.
    pub estimate: bool,
    /// Citation.
    pub source: String,
    /// Date of the citation.
    pub date: String,
}
