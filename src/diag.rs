//! Problems found in an input file, pointed at by byte span and rendered with
//! file, line, column and a caret under the bad value:
//!
//! ```text
//! scenario.toml:4:10: unknown system `gb30` at `cluster.system`
//!   |
//! 4 | system = "gb30"
//!   |          ^^^^^^
//!   = help: did you mean `gb300-nvl72`?
//! ```

use std::fmt;
use std::ops::Range;

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Byte range of the offending text, if known.
    pub span: Option<Range<usize>>,
    /// What is wrong, naming the item: lowercase, no trailing period.
    pub message: String,
    /// What would be right, if we can say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `span`.
    pub fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        Self { span: Some(span), message: message.into(), help: None }
    }

    /// A problem with no position (a missing table, say).
    pub fn whole_file(message: impl Into<String>) -> Self {
        Self { span: None, message: message.into(), help: None }
    }

    /// Adds a hint of what would be right.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// From a TOML syntax or type error, which carries its own span.
    pub fn from_toml(err: &toml::de::Error) -> Self {
        let message = plain_types(err.message().trim_end().trim_end_matches('.'));
        let help = toml_help(&message);
        Self { span: err.span(), message, help }
    }
}

/// Says `a whole number` where serde says `i64`.
fn plain_types(message: &str) -> String {
    let mut m = message.to_owned();
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected u32", "expected a whole number of 0 or more"),
        ("expected f64", "expected a number"),
        ("expected a string", "expected a string in quotes"),
    ] {
        m = m.replace(rust, plain);
    }
    m
}

/// `unknown field `x`, expected one of `a`, `b``: the field and the choices.
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let choices = rest.split('`').skip(1).step_by(2).collect();
    Some((field, choices))
}

/// Suggestions for common TOML mistakes, keyed on the parser's message.
fn toml_help(message: &str) -> Option<String> {
    if let Some((field, choices)) = unknown_field(message) {
        let similar = crate::suggest::similar(field, choices);
        Some(crate::suggest::did_you_mean(&similar).unwrap_or_else(|| {
            "remove the field or fix its spelling; `rackscale init` writes a template with every field".into()
        }))
    } else if message.starts_with("missing field") {
        Some("add the field; `rackscale init` writes a template with every field".into())
    } else if message.starts_with("invalid type") {
        Some("check the value's type: numbers unquoted, ids and names in quotes".into())
    } else {
        None
    }
}

/// All problems found in one file, with the text needed to show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The file as named on the command line.
    pub path: String,
    /// The file's text.
    pub source: String,
    /// The problems, in file order.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Problems of `path`, sorted by position so the report reads top-down.
    pub fn new(path: impl Into<String>, source: impl Into<String>, mut items: Vec<Diagnostic>) -> Self {
        items.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        Self { path: path.into(), source: source.into(), items }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.source, offset)
    }

    fn render_one(&self, f: &mut fmt::Formatter<'_>, d: &Diagnostic) -> fmt::Result {
        let Some(span) = &d.span else {
            writeln!(f, "{}: {}", self.path, d.message)?;
            return render_help(f, d, 1);
        };
        let (line, col) = self.line_col(span.start);
        writeln!(f, "{}:{}:{}: {}", self.path, line, col, d.message)?;
        let text = self.source.lines().nth(line - 1).unwrap_or("");
        let gutter = line.to_string().len();
        let spanned = self.source.get(span.clone()).map_or(1, |t| t.chars().count());
        let width = caret_width(text, col, spanned);
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{line} | {text}")?;
        writeln!(f, "{:gutter$} | {:pad$}{}", "", "", "^".repeat(width), pad = col - 1)?;
        render_help(f, d, gutter)
    }
}

fn render_help(f: &mut fmt::Formatter<'_>, d: &Diagnostic, gutter: usize) -> fmt::Result {
    match &d.help {
        Some(help) => writeln!(f, "{:gutter$} = help: {help}", ""),
        None => Ok(()),
    }
}

/// 1-based line and column (in characters) of a byte offset in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Carets under the span (its length in characters), clipped to the end of
/// its first line, at least one.
fn caret_width(line: &str, col: usize, span_chars: usize) -> usize {
    let rest = line.chars().count().saturating_sub(col - 1);
    span_chars.min(rest).max(1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.items.len();
        let noun = if n == 1 { "problem" } else { "problems" };
        writeln!(f, "{} has {n} {noun}", self.path)?;
        for d in &self.items {
            writeln!(f)?;
            self.render_one(f, d)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_caret() {
        let src = "[cluster]\nsystem = \"gb30\"\n";
        let d = Diagnostic::at(19..25, "unknown system `gb30`").with_help("did you mean `gb300-nvl72`?");
        let out = Diagnostics::new("s.toml", src, vec![d]).to_string();
        assert_eq!(
            out,
            "s.toml has 1 problem\n\ns.toml:2:10: unknown system `gb30`\n  |\n2 | system = \"gb30\"\n  |          ^^^^^^\n  = help: did you mean `gb300-nvl72`?\n"
        );
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let ds = Diagnostics::new("x", "a = \"é\"\nb = 1", vec![]);
        assert_eq!(ds.line_col(0), (1, 1));
        assert_eq!(ds.line_col(9), (2, 1));
        assert_eq!(ds.line_col(7), (1, 7));
    }

    #[test]
    fn unknown_field_suggests_the_close_one() {
        let help = toml_help("unknown field `systme`, expected one of `system`, `racks`, `nodes`");
        assert_eq!(help.as_deref(), Some("did you mean `system`?"));
        assert!(toml_help("unknown field `zzz`, expected `system`").unwrap().starts_with("remove the field"));
    }

    #[test]
    fn carets_count_characters() {
        let src = "system = \"ééé\" # note\n";
        let out = Diagnostics::new("s", src, vec![Diagnostic::at(9..17, "bad")]).to_string();
        assert!(out.contains("  |          ^^^^^\n"), "{out}");
    }

    #[test]
    fn sorts_by_position() {
        let ds = Diagnostics::new("x", "abc", vec![Diagnostic::at(2..3, "b"), Diagnostic::at(0..1, "a")]);
        assert_eq!(ds.items[0].message, "a");
    }
}
