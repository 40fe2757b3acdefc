//! Vendor sentences into figures: a number with its SI prefix and unit,
//! its qualifier (`over`, `up to`, `about`, `+`), the precision and sparsity
//! words, the scope (`per GPU`, `per rack`) and the catalog subject it names.
//! What is not understood is an error pointing at it, never a guess.

use crate::catalog::{Catalog, Precision};
use serde::Serialize;

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// FLOP/s.
    Compute,
    /// PUE or WUE.
    Facility,
    /// Watts per GPU, rack or site.
    Power,
    /// Training a model in a time, or models of a size.
    Time,
    /// N times faster than another system.
    Speed,
    /// USD per GPU-hour, or a share cheaper.
    Cost,
}

impl Kind {
    /// Every kind, with what it checks, for messages.
    pub const HELP: &'static str = "compute (\"200 exaflops\", \"1.44 EF per rack\"), facility (\"a PUE of 1.08\", \"WUE 0.3 L/kWh\"), \
power (\"700 W+ per GPU\", \"132 kW per rack\", \"a 1 GW campus\"), time (\"train a 1.8T-parameter model on 15T tokens in 90 days\"), \
speed (\"4x faster than H100\"), cost (\"$2/GPU-hour\")";

    /// Name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Compute => "compute",
            Self::Facility => "facility",
            Self::Power => "power",
            Self::Time => "time",
            Self::Speed => "speed",
            Self::Cost => "cost",
        }
    }
}

/// How the figure bounds the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// As stated, within its rounding.
    Exactly,
    /// `over`, `more than`, `at least`, `N+`: a lower bound.
    AtLeast,
    /// `under`, `less than`, `below`: an upper bound.
    AtMost,
    /// `up to`: the best case.
    UpTo,
    /// `about`, `approximately`, `nearly`: within 10%.
    About,
}

/// Where the figure applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One accelerator.
    Gpu,
    /// One rack.
    Rack,
    /// One system: a server or chassis (HGX, DGX) or a rack-scale system's domain (NVL72).
    Node,
    /// A whole cluster (the default for compute).
    Cluster,
    /// A site or campus.
    Site,
}

/// A unit the parser knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// FLOP/s.
    Flops,
    /// Watts.
    Watts,
    /// Facility energy over IT energy.
    Pue,
    /// Litres of water per kWh of IT energy.
    Wue,
    /// US dollars per GPU-hour.
    UsdPerGpuHour,
    /// Percent.
    Percent,
    /// A multiple (`4x`).
    Times,
    /// Days.
    Days,
    /// Model parameters.
    Params,
    /// Training tokens.
    Tokens,
}

impl Unit {
    /// Unit text for derivations.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Flops => "FLOP/s",
            Self::Watts => "W",
            Self::Pue => "",
            Self::Wue => "L/kWh",
            Self::UsdPerGpuHour => "USD/GPU-h",
            Self::Percent => "%",
            Self::Times => "x",
            Self::Days => "days",
            Self::Params => "parameters",
            Self::Tokens => "tokens",
        }
    }
}

/// A number as stated, in base units, with the interval its rounding covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    /// Value in base units (FLOP/s, W, days, ...).
    pub value: f64,
    /// Unit.
    pub unit: Unit,
    /// The lowest value the stated figure covers.
    pub low: f64,
    /// The highest.
    pub high: f64,
    /// As written: `200 exaflops`.
    pub text: String,
    /// How the rounding was read: `a whole number with trailing zeros: +/-2.5%`.
    pub rounding: String,
    /// Byte range in the sentence.
    #[serde(skip)]
    pub span: (usize, usize),
}

/// A sentence, understood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed {
    /// What it claims.
    pub kind: Kind,
    /// The figure it stakes, if any.
    pub figure: Option<Quantity>,
    /// How the figure bounds the truth.
    pub qualifier: Qualifier,
    /// Precision named (`fp4`), if any.
    pub precision: Option<Precision>,
    /// `sparse` or `dense` named, if either.
    pub sparse: Option<bool>,
    /// Where the figure applies.
    pub scope: Scope,
    /// Catalog system named, if any.
    pub system: Option<String>,
    /// Catalog accelerator named (or the named system's), if any.
    pub gpu: Option<String>,
    /// The system or accelerator compared against (`than H100`), if any.
    pub versus: Option<String>,
    /// Other figures in the sentence: parameters, tokens, days.
    pub extra: Vec<Quantity>,
    /// A GPU count the sentence states (`4,608 GPUs`).
    pub gpus: Option<u64>,
    /// A rack count it states (`64 racks`).
    pub racks: Option<u64>,
}

/// Why a sentence was not understood: what, where, and what is.
#[derive(Debug, Clone, PartialEq)]
pub struct NotUnderstood {
    /// The sentence.
    pub text: String,
    /// Byte range of the part not understood.
    pub span: (usize, usize),
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for NotUnderstood {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b) = self.span;
        let pad = self.text[..a].chars().count();
        let len = self.text[a..b].chars().count().max(1);
        writeln!(f, "cannot read the claim: {}", self.message)?;
        writeln!(f, "  {}", self.text)?;
        writeln!(f, "  {}{}", " ".repeat(pad), "^".repeat(len))?;
        write!(f, "claims understood: {}", Kind::HELP)
    }
}

impl std::error::Error for NotUnderstood {}

/// A word of the sentence with its byte range, lowercased.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    start: usize,
    end: usize,
}

/// Splits into words: runs of letters, digits and `.,$%+-/~×` kept together
/// as a number with its unit glued on (`700w+`, `$2/gpu-hour`).
fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let keep = c.is_alphanumeric() || "._,$%+-/~×'’".contains(c);
        if keep {
            if cur.is_empty() {
                start = i;
            }
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(Word { text: std::mem::take(&mut cur), start, end: i });
        }
    }
    if !cur.is_empty() {
        out.push(Word { text: cur, start, end: s.len() });
    }
    // Trailing sentence punctuation is not part of a word.
    for w in &mut out {
        while w.text.ends_with(['.', ',']) {
            w.text.pop();
            w.end -= 1;
        }
    }
    out.retain(|w| !w.text.is_empty());
    // Numbers written as words: `four megawatts`, `a gigawatt`.
    const WORDS: [(&str, &str); 12] = [
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("ten", "10"),
        ("twelve", "12"),
        ("twice", "2x"),
    ];
    for w in &mut out {
        if let Some((_, d)) = WORDS.iter().find(|(x, _)| w.text == *x) {
            w.text = (*d).to_owned();
        }
    }
    // A unit word with no number: `a gigawatt`, `the first gigawatt cluster`.
    let mut k = 0;
    while k < out.len() {
        let standalone = ["gigawatt", "megawatt", "exaflop", "zettaflop"].contains(&out[k].text.as_str());
        let numbered = k > 0 && out[k - 1].text.starts_with(|c: char| c.is_ascii_digit());
        if standalone && !numbered {
            let w = Word { text: "1".to_owned(), start: out[k].start, end: out[k].start };
            out.insert(k, w);
            k += 1;
        }
        k += 1;
    }
    out
}

/// The leading number of a word: `1,440` -> 1440, `92.1ef` -> (92.1, "ef"),
/// `$2` -> 2; with the digits after the point, for rounding.
fn number(w: &str) -> Option<(f64, String, String)> {
    let t = w.trim_start_matches(['$', '~']);
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',').collect();
    let digits = digits.trim_end_matches(['.', ',']).to_owned();
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // A comma is a thousands separator only in groups of three.
    let parts: Vec<&str> = digits.split(',').collect();
    if parts.len() > 1 && parts[1..].iter().any(|p| p.split('.').next().map_or(0, str::len) != 3) {
        return None;
    }
    let plain = digits.replace(',', "");
    let value: f64 = plain.parse().ok()?;
    let rest = t[digits.len()..].to_owned();
    Some((value, plain, rest))
}

/// The interval a stated number covers, and how it was read.
fn rounding(value: f64, plain: &str, about: bool) -> (f64, f64, String) {
    if about {
        return (value * 0.9, value * 1.1, "about: +/-10%".to_owned());
    }
    if let Some((_, frac)) = plain.split_once('.') {
        let half = 0.5 * 10f64.powi(-(frac.len() as i32));
        return (value - half, value + half, format!("stated to {} decimal(s): +/-{half}", frac.len()));
    }
    if plain.len() > 1 && plain.ends_with('0') {
        return (value * 0.975, value * 1.025, "a whole number with trailing zeros: +/-2.5%".to_owned());
    }
    (value - 0.5, value + 0.5, "a whole number: +/-0.5".to_owned())
}

/// Unit words: (word, unit, factor to base units).
const UNITS: &[(&str, Unit, f64)] = &[
    ("zettaflops", Unit::Flops, 1e21),
    ("zettaflop", Unit::Flops, 1e21),
    ("zflops", Unit::Flops, 1e21),
    ("zf", Unit::Flops, 1e21),
    ("exaflops", Unit::Flops, 1e18),
    ("exaflop", Unit::Flops, 1e18),
    ("exaflop/s", Unit::Flops, 1e18),
    ("eflops", Unit::Flops, 1e18),
    ("eflop/s", Unit::Flops, 1e18),
    ("eflop", Unit::Flops, 1e18),
    ("ef", Unit::Flops, 1e18),
    ("petaflops", Unit::Flops, 1e15),
    ("petaflop", Unit::Flops, 1e15),
    ("petaflop/s", Unit::Flops, 1e15),
    ("pflops", Unit::Flops, 1e15),
    ("pflop/s", Unit::Flops, 1e15),
    ("pf", Unit::Flops, 1e15),
    ("teraflops", Unit::Flops, 1e12),
    ("teraflop", Unit::Flops, 1e12),
    ("tflops", Unit::Flops, 1e12),
    ("tflop/s", Unit::Flops, 1e12),
    ("tf", Unit::Flops, 1e12),
    ("flops", Unit::Flops, 1.0),
    ("gw", Unit::Watts, 1e9),
    ("gigawatt", Unit::Watts, 1e9),
    ("gigawatts", Unit::Watts, 1e9),
    ("mw", Unit::Watts, 1e6),
    ("megawatt", Unit::Watts, 1e6),
    ("megawatts", Unit::Watts, 1e6),
    ("kw", Unit::Watts, 1e3),
    ("kilowatt", Unit::Watts, 1e3),
    ("kilowatts", Unit::Watts, 1e3),
    ("w", Unit::Watts, 1.0),
    ("watt", Unit::Watts, 1.0),
    ("watts", Unit::Watts, 1.0),
    ("%", Unit::Percent, 1.0),
    ("percent", Unit::Percent, 1.0),
    ("x", Unit::Times, 1.0),
    ("×", Unit::Times, 1.0),
    ("times", Unit::Times, 1.0),
    ("day", Unit::Days, 1.0),
    ("days", Unit::Days, 1.0),
    ("week", Unit::Days, 7.0),
    ("weeks", Unit::Days, 7.0),
    ("month", Unit::Days, 30.44),
    ("months", Unit::Days, 30.44),
    ("hours", Unit::Days, 1.0 / 24.0),
    ("hour", Unit::Days, 1.0 / 24.0),
    ("minutes", Unit::Days, 1.0 / 1440.0),
    ("minute", Unit::Days, 1.0 / 1440.0),
    ("l/kwh", Unit::Wue, 1.0),
];

/// Scale words before a parameter or token count.
const SCALES: &[(&str, f64)] =
    &[("trillion", 1e12), ("t", 1e12), ("billion", 1e9), ("b", 1e9), ("million", 1e6), ("m", 1e6)];

/// Reads one sentence against the catalog's names.
pub fn parse(text: &str, catalog: &Catalog) -> Result<Parsed, NotUnderstood> {
    let ws = words(text);
    let err = |span: (usize, usize), message: String| NotUnderstood { text: text.to_owned(), span, message };
    if ws.is_empty() {
        return Err(err((0, text.len()), "the claim is empty".to_owned()));
    }
    let has = |w: &str| ws.iter().any(|x| x.text == w);
    let has_prefix = |w: &str| ws.iter().any(|x| x.text.starts_with(w));
    let mut quantities: Vec<(Quantity, usize)> = Vec::new();
    let (mut gpus, mut racks) = (None, None);
    let mut unknown: Option<((usize, usize), String)> = None;
    let names = subject_spans(text, catalog);
    let mut i = 0;
    while i < ws.len() {
        let w = &ws[i];
        // Digits inside a catalog name (`Gaudi 3`, `GB300`) are the name, not a figure.
        if names.iter().any(|(a, b, _, _)| w.start >= *a && w.end <= *b) && !w.text.starts_with('$') {
            i += 1;
            continue;
        }
        let Some((mut value, plain, glued)) = number(&w.text) else {
            // `trillion-parameter` with no digits.
            if let Some(scale) = w.text.strip_suffix("-parameter").and_then(|s| SCALES.iter().find(|x| x.0 == s)) {
                let (v, lo, hi) = (scale.1, scale.1, scale.1 * 10.0);
                quantities.push((
                    Quantity {
                        value: v,
                        unit: Unit::Params,
                        low: lo,
                        high: hi,
                        text: w.text.clone(),
                        rounding: "an order of magnitude".to_owned(),
                        span: (w.start, w.end),
                    },
                    i,
                ));
            }
            i += 1;
            continue;
        };
        let dollar = w.text.starts_with('$');
        let about = i > 0
            && ["about", "approximately", "around", "nearly", "almost", "roughly", "~"]
                .contains(&ws[i - 1].text.as_str())
            || i > 1 && ws[i - 2].text == "region" && ws[i - 1].text == "of"
            || w.text.starts_with('~');
        let (lo, hi, how) = rounding(value, &plain, about);
        let (mut lo, mut hi) = (lo, hi);
        let mut end = w.end;
        let mut unit = None;
        let mut factor = 1.0;
        let mut plus = false;
        // The unit: glued on (`700w+`, `1.44ef`, `4x`) or the next word.
        let mut candidates: Vec<(String, bool)> = Vec::new();
        let glued = glued.trim_start_matches('-').to_owned();
        if !glued.is_empty() {
            candidates.push((glued.clone(), false));
        }
        if let Some(next) = ws.get(i + 1) {
            candidates.push((next.text.clone(), true));
        }
        let mut used_next = false;
        for (cand, is_next) in candidates {
            if dollar {
                break;
            }
            let c = cand.trim_end_matches('+');
            if cand.ends_with('+') {
                plus = true;
            }
            // A scale word before parameters or tokens: `1.8 trillion parameters`, `15t tokens`.
            let c_scale = c.split(['-', '/']).next().unwrap_or(c);
            if let Some(&(_, s)) = SCALES.iter().find(|x| x.0 == c_scale) {
                let after = if is_next { ws.get(i + 2) } else { ws.get(i + 1) };
                let joined = c.split_once('-').map(|x| x.1);
                let what = joined.or(after.map(|a| a.text.as_str())).unwrap_or("");
                if what.starts_with("param") {
                    unit = Some(Unit::Params);
                } else if what.starts_with("token") {
                    unit = Some(Unit::Tokens);
                } else if c_scale.len() > 1 || !is_next {
                    // `1.8 trillion` alone, or `175b` glued: a count of parameters.
                    unit = Some(Unit::Params);
                }
                if unit.is_some() {
                    factor = s;
                    used_next = is_next;
                    if let Some(a) = after.filter(|_| joined.is_none()) {
                        end = a.end;
                    }
                    break;
                }
            }
            if let Some(&(_, u, f)) = UNITS.iter().find(|x| x.0 == c) {
                unit = Some(u);
                factor = f;
                used_next = is_next;
                break;
            }
            if !is_next {
                // Glued text that is no unit (`92.1xyz`, `80gb`): context if the sentence has a
                // figure elsewhere, else an error (below).
                unknown.get_or_insert(((w.start, w.end), format!("`{glued}` is not a unit rackscale knows")));
                break;
            }
        }
        if unit.is_none() && !glued.is_empty() && unknown.is_some() && !dollar {
            i += 1;
            continue;
        }
        if used_next {
            end = end.max(ws[i + 1].end);
        }
        if dollar {
            unit = Some(Unit::UsdPerGpuHour);
        }
        // A bare number after `pue` or `wue` (within three words).
        let near = |k: &str| {
            ws[i.saturating_sub(5)..i].iter().any(|x| x.text == k) || ws.get(i + 1).is_some_and(|x| x.text == k)
        };
        if unit.is_none() && near("pue") {
            unit = Some(Unit::Pue);
        } else if unit.is_none() && near("wue") {
            unit = Some(Unit::Wue);
        }
        let Some(unit) = unit else {
            // Years (`by 2027`) and counts of things (`4,608 GPUs`) are context, not figures.
            let next = ws.get(i + 1).map(|x| x.text.as_str()).unwrap_or("");
            if is_count_word(next) && value.fract() == 0.0 && value >= 1.0 {
                if next.starts_with("rack") {
                    racks = Some(value as u64);
                } else {
                    gpus = Some(value as u64);
                }
                i += 2;
                continue;
            }
            if (1990.0..=2100.0).contains(&value) && plain.len() == 4 {
                i += 1;
                continue;
            }
            // A count of something (`8 power shelves`, `3,072 A100 GPUs`): context when the
            // sentence has a figure elsewhere, else an error pointing at it.
            if let Some(k) = (i + 1..(i + 4).min(ws.len())).find(|&k| ws[k].text.trim_end_matches(',') == "gpus") {
                let _ = k;
                gpus.get_or_insert(value as u64);
            }
            let end = ws.get(i + 1).filter(|n| n.text.chars().all(char::is_alphabetic)).map_or(w.end, |n| n.end);
            unknown.get_or_insert((
                (w.start, end),
                format!("`{}` has no unit rackscale can read (exaflops, W, PUE, x, days, $ ...)", &text[w.start..end]),
            ));
            i += 1;
            continue;
        };
        value *= factor;
        lo *= factor;
        hi *= factor;
        if !(value.is_finite() && value <= 1e30) {
            return Err(err(
                (w.start, end),
                format!("`{}` is beyond any cluster (over 1e30 in its unit)", &text[w.start..end]),
            ));
        }
        quantities.push((
            Quantity {
                value,
                unit,
                low: lo.min(hi),
                high: hi.max(lo),
                text: text[w.start..end].to_owned(),
                rounding: how,
                span: (w.start, end),
            },
            i,
        ));
        let _ = plus;
        i += if used_next { 2 } else { 1 };
    }
    // The claim's figure: the first of the units that define a kind.
    let main = quantities
        .iter()
        .position(|(q, _)| {
            matches!(
                q.unit,
                Unit::Flops | Unit::Watts | Unit::Pue | Unit::Wue | Unit::UsdPerGpuHour | Unit::Times | Unit::Percent
            )
        })
        // A time claim's figure is its days.
        .or_else(|| quantities.iter().position(|(q, _)| q.unit == Unit::Days));
    if let (None, Some((span, message))) = (main, unknown) {
        return Err(err(span, message));
    }
    let speed_words = has("faster") || has("speedup") || has("performance") || has("speed") || has("higher");
    let kind = match main.map(|k| quantities[k].0.unit) {
        Some(Unit::Flops) => Kind::Compute,
        Some(Unit::Watts) => Kind::Power,
        Some(Unit::Pue | Unit::Wue) => Kind::Facility,
        Some(Unit::UsdPerGpuHour) => Kind::Cost,
        Some(Unit::Percent) if has("tco") || has("cheaper") || has("cost") || has("lower") => Kind::Cost,
        Some(Unit::Times)
            if speed_words
                || has("than")
                || has("vs")
                || has("versus")
                || has("compared")
                || has("against")
                || has("increase")
                || has("reduce") =>
        {
            Kind::Speed
        }
        Some(Unit::Percent) if has("faster") => Kind::Speed,
        Some(Unit::Times | Unit::Percent) => {
            let (q, _) = &quantities[main.unwrap_or(0)];
            return Err(err(
                q.span,
                format!("`{}` is a ratio, but of what? (`faster than H100`, `lower TCO`)", q.text),
            ));
        }
        _ if quantities.iter().any(|(q, _)| matches!(q.unit, Unit::Params | Unit::Tokens | Unit::Days)) => Kind::Time,
        _ if has("pue") => Kind::Facility,
        _ if has_prefix("exaflop") || has_prefix("zettaflop") || has("exascale") || has("zettascale") => Kind::Compute,
        _ => Kind::Time,
    };
    let figure = main.map(|k| quantities[k].0.clone());
    let at = main.map(|k| quantities[k].1);
    let extra: Vec<Quantity> =
        quantities.iter().enumerate().filter(|(k, _)| Some(*k) != main).map(|(_, (q, _))| q.clone()).collect();
    // Qualifier: the words before the figure, or `+` after it.
    let qualifier = match at {
        Some(k) => {
            let before = |n: usize| -> String {
                ws[k.saturating_sub(n)..k].iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
            };
            let b2 = before(2);
            let b1 = before(1);
            let fig = &ws[k].text;
            let next_plus = ws.get(k + 1).is_some_and(|w| w.text.ends_with('+'));
            if b2.ends_with("up to") || b2.ends_with("as much as") {
                Qualifier::UpTo
            } else if b2.ends_with("at least")
                || b2.ends_with("more than")
                || ["over", "above", "exceeding", "beyond"].contains(&b1.as_str())
                || fig.ends_with('+')
                || next_plus
            {
                Qualifier::AtLeast
            } else if b2.ends_with("less than")
                || b2.ends_with("no more than")
                || ["under", "below", "within"].contains(&b1.as_str())
            {
                Qualifier::AtMost
            } else if ["about", "approximately", "around", "nearly", "almost", "roughly", "~"].contains(&b1.as_str())
                || b2.ends_with("region of")
                || fig.starts_with('~')
            {
                Qualifier::About
            } else {
                Qualifier::Exactly
            }
        }
        None => Qualifier::Exactly,
    };
    // Precision and sparsity words.
    let precision = ws.iter().find_map(|w| {
        let t = w.text.trim_start_matches("nv").trim_start_matches("mx");
        match t {
            "fp4" | "fp4/fp6" => Some(Precision::Fp4),
            "fp8" | "fp8/fp6" => Some(Precision::Fp8),
            "bf16" | "fp16" | "bf16/fp16" => Some(Precision::Bf16),
            "tf32" => Some(Precision::Tf32),
            "fp64" => Some(Precision::Fp64),
            _ => None,
        }
    });
    let sparse = if has("sparse") || has("sparsity") || has("sparse,") {
        Some(true)
    } else if has("dense") {
        Some(false)
    } else {
        None
    };
    let joined = |a: &str, b: &str| ws.windows(2).any(|p| p[0].text == a && p[1].text.starts_with(b));
    let only_gpu_named = names.iter().all(|n| !n.3) && !names.is_empty();
    let scope = if gpus.is_some() || racks.is_some() {
        Scope::Cluster
    } else if joined("per", "gpu")
        || joined("per", "accelerator")
        || joined("per", "chip")
        || joined("each", "gpu")
        || has("gpus") && kind == Kind::Power
        || joined("per", "gpu-hour") && kind != Kind::Cost
    {
        Scope::Gpu
    } else if joined("per", "rack")
        || joined("a", "rack")
        || joined("each", "rack")
        || has("rack")
        || has("racks") && kind == Kind::Power
    {
        Scope::Rack
    } else if has("campus") || has("site") || joined("data", "center") || has("datacenter") {
        Scope::Site
    } else if kind == Kind::Power && figure.as_ref().is_some_and(|f| f.value < 5_000.0) {
        // A few kW and less is an accelerator's power.
        Scope::Gpu
    } else if has("chassis") || has("node") || has("server") || has("baseboard") || has("vm") || has("instance") {
        Scope::Node
    } else if kind == Kind::Compute && (only_gpu_named || figure.as_ref().is_some_and(|f| f.value < 1e17)) {
        // An accelerator named alone, or a figure under 100 PF: one GPU's.
        Scope::Gpu
    } else if kind == Kind::Compute && names.iter().any(|n| n.3) {
        // A rack-scale system named alone: one of it.
        Scope::Node
    } else if kind == Kind::Power && figure.as_ref().is_some_and(|f| f.value < 1e6) {
        // Tens to hundreds of kW: a rack's.
        Scope::Rack
    } else {
        Scope::Cluster
    };
    // Subject: the longest catalog name in the sentence; `than X` / `vs X` is the comparison.
    let subjects: Vec<(usize, String, bool)> = names.iter().map(|(a, _, id, sys)| (*a, id.clone(), *sys)).collect();
    let versus_at = ["than", "vs", "vs.", "versus", "over", "against", "compared", "relative"]
        .iter()
        .filter_map(|k| ws.iter().find(|w| w.text == *k && kind == Kind::Speed).map(|w| w.start))
        .min();
    let (mut mine, mut other) = (Vec::new(), Vec::new());
    for s in subjects {
        if versus_at.is_some_and(|v| s.0 > v) { other.push(s) } else { mine.push(s) }
    }
    let system = mine.iter().find(|s| s.2).map(|s| s.1.clone());
    let gpu =
        mine.iter().find(|s| !s.2).map(|s| s.1.clone()).or_else(|| {
            system.as_ref().and_then(|id| catalog.systems.find(id)).map(|s| s.accelerator.get_ref().clone())
        });
    let versus = other.first().map(|s| s.1.clone());
    Ok(Parsed { kind, figure, qualifier, precision, sparse, scope, system, gpu, versus, extra, gpus, racks })
}

/// Catalog names in the sentence: (start, end, id, is a system), longest
/// first where names overlap (`gb300-nvl72` over `gb300`), in byte offsets of `text`.
fn subject_spans(text: &str, catalog: &Catalog) -> Vec<(usize, usize, String, bool)> {
    // Lowercase ASCII keeps byte offsets; anything else becomes a separator.
    let slug: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else if c.is_ascii() {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut found: Vec<(usize, usize, String, bool)> = Vec::new();
    for (name, id, is_system) in
        catalog.systems.names().map(|(n, id)| (n, id, true)).chain(catalog.gpus.names().map(|(n, id)| (n, id, false)))
    {
        let mut from = 0;
        while let Some(p) = slug[from..].find(name) {
            let s = from + p;
            let e = s + name.len();
            let ok_before = s == 0 || !slug.as_bytes()[s - 1].is_ascii_alphanumeric();
            let ok_after = e == slug.len() || !slug.as_bytes()[e].is_ascii_alphanumeric();
            if ok_before && ok_after {
                found.push((s, e, id.to_owned(), is_system));
            }
            from = s + 1;
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then((b.1 - b.0).cmp(&(a.1 - a.0))));
    let mut out: Vec<(usize, usize, String, bool)> = Vec::new();
    let mut covered = 0;
    for f in found {
        if f.0 >= covered {
            covered = f.1;
            out.push(f);
        }
    }
    out
}

/// Words that make a number a count of things rather than a figure.
fn is_count_word(w: &str) -> bool {
    let w = w.trim_end_matches(['s', ',']);
    [
        "gpu",
        "accelerator",
        "chip",
        "rack",
        "node",
        "server",
        "superchip",
        "blackwell",
        "h100",
        "gb200",
        "gb300",
        "mi300x",
        "mi355x",
        "b200",
        "b300",
        "h200",
    ]
    .contains(&w)
}

/// Formats a quantity as the parser reads it back: `92.1 exaflops`.
pub fn format(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Flops => format!("{} exaflops", value / 1e18),
        Unit::Watts => format!("{} W", value),
        Unit::Pue => format!("PUE {value}"),
        Unit::Wue => format!("WUE {value} L/kWh"),
        Unit::UsdPerGpuHour => format!("${value}/GPU-hour"),
        Unit::Percent => format!("{value}% lower TCO"),
        Unit::Times => format!("{value}x faster"),
        Unit::Days => format!("{value} days"),
        Unit::Params => format!("{} billion parameters", value / 1e9),
        Unit::Tokens => format!("{} trillion tokens", value / 1e12),
    }
}

#[cfg(test)]
mod tests;
