//! Abstract multi-dimensional topologies in the shape of ASTRA-sim's
//! analytical network backend, so results can be compared side by side:
//!
//! ```yaml
//! topology: [ Ring, Switch ]      # per dimension: Ring, Switch or FullyConnected
//! npus_count: [ 8, 4 ]            # NPUs per dimension
//! bandwidth: [ 50.0, 25.0 ]       # GB/s per link, read as 2^30 B/s like ASTRA-sim
//! latency: [ 500.0, 500.0 ]       # ns per link
//! ```
//!
//! Lists may be written inline (`[a, b]`) or as block sequences (`- a` lines).
//! Only this subset of YAML is read; anything else is an error with its line
//! and column.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::collective::{Level, LevelKind, LinkClass};
use crate::suggest;
use crate::units::{BytesPerSec, Seconds};

/// ASTRA-sim reads `bandwidth` in GB/s as 2^30 bytes per second.
const GIB: f64 = (1u64 << 30) as f64;

/// One dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    /// Shape.
    pub kind: LevelKind,
    /// NPUs in this dimension.
    pub npus: u32,
    /// Link bandwidth, one direction.
    pub bandwidth: BytesPerSec,
    /// Link latency.
    pub latency: Seconds,
}

/// A parsed topology file.
#[derive(Debug, Clone, PartialEq)]
pub struct AstraTopology {
    /// Dimensions, innermost first.
    pub dims: Vec<Dim>,
}

impl AstraTopology {
    /// NPUs in total (checked at parse time to fit in 32 bits).
    pub fn npus(&self) -> u64 {
        self.dims.iter().map(|d| u64::from(d.npus)).product()
    }

    /// The levels a collective over every NPU sees. Dimensions are plain
    /// links: no in-network reduction, the network latency class beyond the
    /// first dimension.
    pub fn levels(&self) -> Vec<Level> {
        self.dims
            .iter()
            .filter(|d| d.npus > 1)
            .enumerate()
            .map(|(i, d)| {
                let class = if i == 0 { LinkClass::ScaleUp } else { LinkClass::Network };
                Level::new(d.kind, d.npus, d.bandwidth, d.latency, class)
            })
            .collect()
    }

    /// Parses the YAML subset; `path` names the file in messages.
    pub fn parse(path: &str, text: &str) -> Result<AstraTopology, Diagnostics> {
        let fail = |items: Vec<Diagnostic>| Diagnostics::new(path, text, items);
        let entries = read_entries(text).map_err(|d| fail(vec![d]))?;
        let mut problems = Vec::new();
        let find = |key: &str| entries.iter().find(|e| e.key == key);
        for (i, e) in entries.iter().enumerate() {
            if entries[..i].iter().any(|f| f.key == e.key) {
                problems.push(Diagnostic::at(e.key_span.clone(), format!("`{}` is given twice", e.key)));
            }
            if !KEYS.contains(&e.key.as_str()) {
                let help = suggest::did_you_mean(&suggest::similar(&e.key, KEYS))
                    .unwrap_or_else(|| format!("the keys are {}", KEYS.join(", ")));
                problems.push(Diagnostic::at(e.key_span.clone(), format!("unknown key `{}`", e.key)).with_help(help));
            }
        }
        let lists: Vec<Option<&Entry>> = KEYS.iter().map(|k| find(k)).collect();
        for (k, e) in KEYS.iter().zip(&lists) {
            if e.is_none() {
                problems.push(Diagnostic::whole_file(format!("missing `{k}`")).with_help(TEMPLATE_HELP));
            }
        }
        let [Some(kinds), Some(npus), Some(bw), Some(lat)] = lists[..] else {
            return Err(fail(problems));
        };
        let n = kinds.items.len();
        for e in [npus, bw, lat] {
            if e.items.len() != n {
                problems.push(Diagnostic::at(
                    e.key_span.clone(),
                    format!("`{}` has {} entries but `topology` has {n}", e.key, e.items.len()),
                ));
            }
        }
        if n == 0 {
            problems.push(Diagnostic::at(kinds.key_span.clone(), "`topology` lists no dimension"));
        }
        let dims: Vec<Option<Dim>> = (0..n.min(npus.items.len()).min(bw.items.len()).min(lat.items.len()))
            .map(|i| dim(&kinds.items[i], &npus.items[i], &bw.items[i], &lat.items[i], &mut problems))
            .collect();
        let dims: Vec<Dim> = dims.into_iter().flatten().collect();
        let total = dims.iter().try_fold(1u64, |acc, d| acc.checked_mul(u64::from(d.npus)));
        if total.is_none_or(|t| t > u64::from(u32::MAX)) {
            problems
                .push(Diagnostic::at(npus.key_span.clone(), "`npus_count` multiplies to more than 4,294,967,295 NPUs"));
        }
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        Ok(AstraTopology { dims })
    }
}

/// Slowest link accepted \[GB/s\]: below it times overflow to infinity.
const MIN_BANDWIDTH_GB: f64 = 1e-6;

const KEYS: [&str; 4] = ["topology", "npus_count", "bandwidth", "latency"];
const TEMPLATE_HELP: &str = "an ASTRA-sim network file has `topology: [Ring]`, `npus_count: [8]`, `bandwidth: [50.0]` (GB/s), `latency: [500.0]` (ns)";

fn dim(kind: &Item, npus: &Item, bw: &Item, lat: &Item, problems: &mut Vec<Diagnostic>) -> Option<Dim> {
    let kind = match kind.text.as_str() {
        "Ring" => Some(LevelKind::Ring),
        "Switch" => Some(LevelKind::Switch),
        "FullyConnected" => Some(LevelKind::FullyConnected),
        other => {
            let help = suggest::did_you_mean(&suggest::similar(other, ["Ring", "Switch", "FullyConnected"]))
                .unwrap_or_else(|| "use Ring, Switch or FullyConnected".into());
            problems
                .push(Diagnostic::at(kind.span.clone(), format!("unknown topology kind `{other}`")).with_help(help));
            None
        }
    };
    let npus = match npus.text.parse::<u32>() {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            problems.push(Diagnostic::at(
                npus.span.clone(),
                format!("`npus_count` entry `{}` is not a whole number of 1 or more", npus.text),
            ));
            None
        }
    };
    let bandwidth = positive(bw, "bandwidth", "GB/s", problems).map(|g| BytesPerSec(g * GIB));
    let bandwidth = bandwidth.filter(|b| {
        let ok = b.get() >= MIN_BANDWIDTH_GB * GIB;
        if !ok {
            problems.push(Diagnostic::at(
                bw.span.clone(),
                format!("`bandwidth` entry `{}` is below {MIN_BANDWIDTH_GB} GB/s", bw.text),
            ));
        }
        ok
    });
    let latency = match lat.text.parse::<f64>() {
        Ok(ns) if ns >= 0.0 && ns.is_finite() => Some(Seconds(ns / 1e9)),
        _ => {
            let msg = format!("`latency` entry `{}` is not a number of nanoseconds of 0 or more", lat.text);
            problems.push(Diagnostic::at(lat.span.clone(), msg));
            None
        }
    };
    Some(Dim { kind: kind?, npus: npus?, bandwidth: bandwidth?, latency: latency? })
}

fn positive(item: &Item, key: &str, unit: &str, problems: &mut Vec<Diagnostic>) -> Option<f64> {
    match item.text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Some(x),
        _ => {
            problems.push(Diagnostic::at(
                item.span.clone(),
                format!("`{key}` entry `{}` must be a number above zero ({unit})", item.text),
            ));
            None
        }
    }
}

/// A `key:` with its list items, each with a byte span.
#[derive(Debug)]
struct Entry {
    key: String,
    key_span: std::ops::Range<usize>,
    items: Vec<Item>,
}

#[derive(Debug)]
struct Item {
    text: String,
    span: std::ops::Range<usize>,
}

/// Reads `key: [a, b]`, `key: a` and `key:` followed by `- a` lines.
fn read_entries(text: &str) -> Result<Vec<Entry>, Diagnostic> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.split('#').next().unwrap_or("").trim_end();
        let body = line.trim_start();
        if body.is_empty() || body == "---" {
            continue;
        }
        let indent = line.len() - body.len();
        if let Some(item) = body.strip_prefix('-') {
            let Some(last) = entries.last_mut() else {
                return Err(Diagnostic::at(start + indent..start + line.len(), "a list item before any key"));
            };
            let lead = item.len() - item.trim_start().len();
            let at = start + indent + 1 + lead;
            last.items.push(Item { text: item.trim().to_owned(), span: at..at + item.trim().len() });
            continue;
        }
        let Some((key, value)) = body.split_once(':') else {
            return Err(
                Diagnostic::at(start + indent..start + line.len(), "expected `key: [values]`").with_help(TEMPLATE_HELP)
            );
        };
        let key_at = start + indent;
        let value_at = key_at + key.len() + 1;
        let items = inline_items(value, value_at)?;
        entries.push(Entry { key: key.trim().to_owned(), key_span: key_at..key_at + key.trim().len(), items });
    }
    Ok(entries)
}

fn inline_items(value: &str, at: usize) -> Result<Vec<Item>, Diagnostic> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let lead = value.len() - value.trim_start().len();
    let Some(inner) = trimmed.strip_prefix('[') else {
        return Ok(vec![Item { text: trimmed.to_owned(), span: at + lead..at + lead + trimmed.len() }]);
    };
    let Some(inner) = inner.strip_suffix(']') else {
        return Err(Diagnostic::at(at + lead..at + lead + trimmed.len(), "unclosed list, expected `]`"));
    };
    let mut items = Vec::new();
    let mut pos = at + lead + 1;
    for part in inner.split(',') {
        let t = part.trim();
        let skip = part.len() - part.trim_start().len();
        if !t.is_empty() {
            items.push(Item { text: t.to_owned(), span: pos + skip..pos + skip + t.len() });
        }
        pos += part.len() + 1;
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inline_and_block_lists() {
        let t = AstraTopology::parse(
            "t.yml",
            "# 2D\ntopology: [ Ring, Switch ]\nnpus_count: [ 8, 4 ]\nbandwidth:\n  - 50.0\n  - 25.0\nlatency: [500.0, 500.0]\n",
        )
        .unwrap();
        assert_eq!(t.npus(), 32);
        assert_eq!(t.dims[1].kind, LevelKind::Switch);
        assert_eq!(t.dims[0].bandwidth, BytesPerSec(50.0 * GIB));
        assert_eq!(t.dims[1].latency, Seconds(500e-9));
    }

    #[test]
    fn errors_point_at_values() {
        let e = AstraTopology::parse(
            "t.yml",
            "topology: [ Ring, Torus ]\nnpus_count: [ 8, 0 ]\nbandwidth: [ 50.0, -1 ]\nlatency: [ 5, 5 ]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("t.yml:1:19: unknown topology kind `Torus`"), "{e}");
        assert!(e.contains("t.yml:2:18: `npus_count` entry `0` is not a whole number of 1 or more"), "{e}");
        assert!(e.contains("t.yml:3:20: `bandwidth` entry `-1` must be a number above zero (GB/s)"), "{e}");
    }

    #[test]
    fn unknown_and_missing_keys() {
        let e = AstraTopology::parse("t.yml", "topologies: [Ring]\nnpus_count: [8]\n").unwrap_err().to_string();
        assert!(e.contains("unknown key `topologies`"), "{e}");
        assert!(e.contains("did you mean `topology`?"), "{e}");
        assert!(e.contains("missing `bandwidth`"), "{e}");
    }

    #[test]
    fn degenerate_files() {
        let big = "topology: [Ring, Ring, Ring]\nnpus_count: [4294967295, 4294967295, 2]\nbandwidth: [1, 1, 1]\nlatency: [1, 1, 1]\n";
        assert!(AstraTopology::parse("t.yml", big).unwrap_err().to_string().contains("multiplies to more than"));
        let slow = "topology: [Ring]\nnpus_count: [8]\nbandwidth: [1e-320]\nlatency: [1]\n";
        assert!(AstraTopology::parse("t.yml", slow).unwrap_err().to_string().contains("is below"));
        let twice = "topology: [Ring]\nnpus_count: [8]\nbandwidth: [1]\nlatency: [1]\nlatency: [2]\n";
        assert!(AstraTopology::parse("t.yml", twice).unwrap_err().to_string().contains("`latency` is given twice"));
        let unit = AstraTopology::parse(
            "t.yml",
            "topology: [Switch, Switch]\nnpus_count: [8, 1]\nbandwidth: [1, 1]\nlatency: [1, 1]\n",
        )
        .unwrap();
        assert_eq!(unit.levels().len(), 1, "a 1-NPU dimension adds no level");
    }

    #[test]
    fn mismatched_lengths() {
        let e = AstraTopology::parse(
            "t.yml",
            "topology: [Ring, Ring]\nnpus_count: [8]\nbandwidth: [1, 1]\nlatency: [1, 1]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`npus_count` has 1 entries but `topology` has 2"), "{e}");
    }
}
