//! A catalog number: a published value, or an estimate with its range.
//!
//! In a file a figure is written either as a plain number (`power_w = 1400`,
//! a published figure) or as a table (`power_w = { value = 1400, low = 1000,
//! high = 1400, note = "sources disagree" }`, an estimate). A figure with a
//! range is an estimate; its range must hold its value. Figures are never
//! negative: every catalog quantity is a size, a rate, a power or a price.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A value with an optional range; a range marks it as an estimate.
/// Serializes as it is written: a number, or a table for an estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Best value, in the unit the field name gives.
    pub value: f64,
    /// Low end of the range (estimates only).
    pub low: Option<f64>,
    /// High end of the range (estimates only).
    pub high: Option<f64>,
    /// Why this is an estimate, or which sources disagree.
    pub note: Option<String>,
}

impl Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if !self.is_estimate() {
            return s.serialize_f64(self.value);
        }
        let (low, high) = self.range();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &self.value)?;
        m.serialize_entry("low", &low)?;
        m.serialize_entry("high", &high)?;
        if let Some(note) = &self.note {
            m.serialize_entry("note", note)?;
        }
        m.end()
    }
}

impl Figure {
    /// A published figure with no range.
    pub fn exact(value: f64) -> Self {
        Self { value, low: None, high: None, note: None }
    }

    /// Whether this figure is an estimate (has a range).
    pub fn is_estimate(&self) -> bool {
        self.low.is_some() || self.high.is_some()
    }

    /// `(low, high)`, equal to the value where no range is given.
    pub fn range(&self) -> (f64, f64) {
        (self.low.unwrap_or(self.value), self.high.unwrap_or(self.value))
    }

    fn check(self) -> Result<Self, String> {
        let (low, high) = self.range();
        if !self.value.is_finite() || !low.is_finite() || !high.is_finite() {
            return Err("expected a finite number".into());
        }
        if self.value < 0.0 || low < 0.0 {
            return Err(format!(
                "expected a value of zero or more, found {}",
                if self.value < 0.0 { self.value } else { low }
            ));
        }
        if self.low.is_some() != self.high.is_some() {
            return Err("an estimate needs both `low` and `high`".into());
        }
        if !(low <= self.value && self.value <= high) {
            return Err(format!(
                "range must hold the value: expected low <= value <= high, found {low} <= {} <= {high}",
                self.value
            ));
        }
        Ok(self)
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", fmt_num(self.value))?;
        if self.is_estimate() {
            let (lo, hi) = self.range();
            write!(f, " (estimate {}-{})", fmt_num(lo), fmt_num(hi))?;
        }
        Ok(())
    }
}

/// A number without trailing zeros: `1400`, `8`, `1.25`; `1e308` in
/// scientific notation rather than 309 digits.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() || x.abs() >= 1e15 {
        format!("{x:e}")
    } else if x == x.trunc() {
        format!("{x:.0}")
    } else {
        format!("{}", (x * 1e6).round() / 1e6)
    }
}

/// Three significant digits (`4.85`, `52.2`, `1327`).
pub fn sig3(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || x.abs() >= 1e15 {
        return fmt_num(x);
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// Four significant digits (`4.848`, `69.12`, `1327`).
pub fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || x.abs() >= 1e15 {
        return fmt_num(x);
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FigureVisitor)?.check().map_err(de::Error::custom)
    }
}

struct FigureVisitor;

impl<'de> Visitor<'de> for FigureVisitor {
    type Value = Figure;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or a table `{ value = .., low = .., high = .. }` for an estimate")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Figure, E> {
        Ok(Figure::exact(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Figure, E> {
        Ok(Figure::exact(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Figure, E> {
        Ok(Figure::exact(v as f64))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Figure, A::Error> {
        let w = EstimateWire::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Figure { value: w.value, low: Some(w.low), high: Some(w.high), note: w.note })
    }
}

/// The table form of a figure.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EstimateWire {
    value: f64,
    low: f64,
    high: f64,
    note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Holder {
        x: Figure,
    }

    fn parse(s: &str) -> Result<Figure, String> {
        toml::from_str::<Holder>(s).map(|h| h.x).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn plain_number_is_exact() {
        assert_eq!(parse("x = 1400").unwrap(), Figure::exact(1400.0));
        assert_eq!(parse("x = 8.0").unwrap(), Figure::exact(8.0));
        assert!(!parse("x = 8.0").unwrap().is_estimate());
    }

    #[test]
    fn table_is_estimate() {
        let f = parse("x = { value = 135, low = 132, high = 140, note = \"Supermicro range\" }").unwrap();
        assert!(f.is_estimate());
        assert_eq!(f.range(), (132.0, 140.0));
        assert_eq!(f.to_string(), "135 (estimate 132-140)");
    }

    #[test]
    fn serializes_as_written() {
        assert_eq!(serde_json::to_string(&Figure::exact(8.0)).unwrap(), "8.0");
        let f = parse("x = { value = 2, low = 1, high = 3 }").unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"value":2.0,"low":1.0,"high":3.0}"#);
    }

    #[test]
    fn rejects_bad_figures() {
        assert!(parse("x = -5").unwrap_err().contains("zero or more"));
        assert!(parse("x = { value = 5, low = 6, high = 7 }").unwrap_err().contains("range must hold"));
        assert!(parse("x = { value = 5, low = 4, high = 7, unit = \"W\" }").unwrap_err().contains("unknown field"));
        assert!(parse("x = \"big\"").unwrap_err().contains("a number, or a table"));
    }
}
