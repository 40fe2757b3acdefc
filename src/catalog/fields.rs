//! Field types that validate themselves while they are parsed, so an error's
//! caret lands on the bad value (a zero count, an empty source, a bad date).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A whole number of one or more (GPUs per node, switch radix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u32")]
pub struct Count(u32);

impl Count {
    /// The count.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for Count {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        match u32::try_from(n) {
            Ok(n) if n >= 1 => Ok(Self(n)),
            _ => Err(format!("expected a whole number of 1 or more, found {n}")),
        }
    }
}

impl From<Count> for u32 {
    fn from(c: Count) -> u32 {
        c.0
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a number comes from: a non-empty citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Source(String);

impl Source {
    /// The citation.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Source {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.trim().is_empty() {
            Err("expected a source (a document, URL or dataset the numbers come from), found an empty string".into())
        } else {
            Ok(Self(s))
        }
    }
}

impl From<Source> for String {
    fn from(s: Source) -> String {
        s.0
    }
}

/// When a source was published or read: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceDate(String);

impl SourceDate {
    /// The date as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SourceDate {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if is_date(&s) {
            Ok(Self(s))
        } else {
            Err(format!("expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found `{s}`"))
        }
    }
}

impl From<SourceDate> for String {
    fn from(d: SourceDate) -> String {
        d.0
    }
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let in_range = |p: &str, hi: u32| p.parse::<u32>().is_ok_and(|v| (1..=hi).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => digits(y, 4) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_rejects_zero_and_negative() {
        assert!(Count::try_from(0).is_err());
        assert!(Count::try_from(-3).is_err());
        assert_eq!(Count::try_from(72).map(Count::get), Ok(72));
    }

    #[test]
    fn dates() {
        for ok in ["2025", "2025-10", "2025-10-28"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in ["25", "2025-13", "2025/10", "2025-10-28-1", "Oct 2025", ""] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn empty_source_rejected() {
        assert!(Source::try_from("  ".to_owned()).is_err());
    }
}
