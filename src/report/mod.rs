//! Output: one [`Exporter`] per format over one [`Report`] trait that every
//! result implements. Reports read only [`crate::results`].

pub mod charts;
pub mod claim;
pub mod run;
pub mod sweep;
mod validation;
mod views;

use serde::Serialize;
use std::io::{self, Write};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// Pretty-printed JSON.
    Json,
    /// A Markdown table (for a ticket or an e-mail).
    Md,
}

impl Format {
    /// File extension for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Table => "txt",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Md => "md",
        }
    }
}

/// What every report is: serializable data whose numbers can be checked
/// before anything is printed.
pub trait Finite {
    /// Where the first NaN or infinite number sits (`summary.goodput`), if any.
    fn non_finite(&self) -> Option<String>;
}

impl<T: Serialize> Finite for T {
    fn non_finite(&self) -> Option<String> {
        // TOML keeps NaN and infinities as numbers, where JSON turns them into null.
        toml::Value::try_from(self).ok().and_then(|v| first_non_finite(&v, ""))
    }
}

fn first_non_finite(v: &toml::Value, at: &str) -> Option<String> {
    let join = |k: &str| if at.is_empty() { k.to_owned() } else { format!("{at}.{k}") };
    match v {
        toml::Value::Float(x) if !x.is_finite() => {
            Some(if at.is_empty() { "(value)".to_owned() } else { at.to_owned() })
        }
        toml::Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| first_non_finite(x, &format!("{at}[{i}]"))),
        toml::Value::Table(t) => t.iter().find_map(|(k, x)| first_non_finite(x, &join(k))),
        _ => None,
    }
}

/// A number about to be printed is not finite: a bug, never the user's input
/// (inputs are range-checked), so an internal error (exit 2).
#[derive(Debug, thiserror::Error)]
#[error(
    "internal error: the result holds a number that is not finite at `{0}`; nothing was printed (please report it with the command line)"
)]
pub struct NonFinite(pub String);

/// A result as rows and as JSON.
pub trait Report: Finite {
    /// Column headers of the tabular form.
    fn columns(&self) -> Vec<&'static str>;
    /// Rows of the tabular form (full text, for CSV).
    fn rows(&self) -> Vec<Vec<String>>;
    /// Columns the terminal table may shorten to keep lines readable.
    fn long_columns(&self) -> &'static [&'static str] {
        &[]
    }
    /// The structured form.
    fn json(&self) -> serde_json::Value;
    /// Lines printed under the terminal table (warnings, notes).
    fn footer(&self) -> Vec<String> {
        Vec::new()
    }
    /// Warnings: in the table's footer, and on stderr for CSV and JSON.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Writes a report in one format.
pub trait Exporter {
    /// Writes `report` to `out`.
    fn export(&self, report: &dyn Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The exporter for a format.
pub fn exporter(format: Format) -> Box<dyn Exporter> {
    match format {
        Format::Table => Box::new(TableExporter { max_cell: 60 }),
        Format::Csv => Box::new(CsvExporter),
        Format::Json => Box::new(JsonExporter),
        Format::Md => Box::new(MarkdownExporter),
    }
}

/// Renders a report to a string in one format.
pub fn render(report: &dyn Report, format: Format) -> io::Result<String> {
    if let Some(at) = report.non_finite() {
        return Err(io::Error::other(NonFinite(at)));
    }
    let mut buf = Vec::new();
    exporter(format).export(report, &mut buf)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Aligned columns; long free-text cells are shortened with an ellipsis.
pub struct TableExporter {
    /// Widest a long column may be, in characters.
    pub max_cell: usize,
}

impl Exporter for TableExporter {
    fn export(&self, report: &dyn Report, out: &mut dyn Write) -> io::Result<()> {
        let columns = report.columns();
        let shorten: Vec<bool> = columns.iter().map(|c| report.long_columns().contains(c)).collect();
        let rows: Vec<Vec<String>> = report
            .rows()
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip(&shorten)
                    .map(|(c, &s)| if s { ellipsize(&c, self.max_cell) } else { group_thousands(&c) })
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
        write_row(out, &header, &widths)?;
        for r in &rows {
            write_row(out, r, &widths)?;
        }
        for line in report.footer() {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

fn write_row(out: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let last = cells.len().saturating_sub(1);
    let mut line = String::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        if i == last {
            line.push_str(c);
        } else {
            line.push_str(&format!("{c:<w$}  "));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// A cell that is one number of five or more integer digits, grouped by
/// thousands for reading (`7095146` -> `7,095,146`); any other cell as is.
/// Terminal tables only: CSV and JSON keep plain numbers.
fn group_thousands(cell: &str) -> String {
    let (sign, rest) = cell.strip_prefix('-').map_or(("", cell), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if int.len() < 5 || !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return cell.to_owned();
    }
    let mut out = String::with_capacity(cell.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// CSV with a header row; every cell in full.
pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn export(&self, report: &dyn Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(report.columns())?;
        for r in report.rows() {
            w.write_record(&r)?;
        }
        w.flush()
    }
}

/// A Markdown table, every cell in full (pipes escaped), then the footer lines.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn export(&self, report: &dyn Report, out: &mut dyn Write) -> io::Result<()> {
        let cell = |c: &str| c.replace('|', "\\|").replace('\n', " ");
        let cols = report.columns();
        writeln!(out, "| {} |", cols.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "))?;
        writeln!(out, "|{}|", cols.iter().map(|_| "---").collect::<Vec<_>>().join("|"))?;
        for r in report.rows() {
            writeln!(out, "| {} |", r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "))?;
        }
        let footer = report.footer();
        if !footer.is_empty() {
            writeln!(out)?;
            for f in footer {
                writeln!(out, "{f}")?;
            }
        }
        Ok(())
    }
}

/// Pretty JSON with a trailing newline.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn export(&self, report: &dyn Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &report.json())?;
        writeln!(out)
    }
}

/// `--out`: every job and the hourly series as CSV, beside the summary.
pub fn sim_tables(name: &str, r: &crate::sim::SimResult) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut jobs = String::from(
        "job_id,kind,gpus,submit_s,start_s,end_s,state,gpu_hours,restarts,lost_gpu_hours,queue_delay_s,fabric_share,fabric_share_min,contention_gpu_hours,bottleneck\n",
    );
    let opt = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_default();
    for j in &r.jobs {
        let state = serde_json::to_value(j.state).map_err(io::Error::other)?.as_str().unwrap_or_default().to_owned();
        jobs.push_str(&format!(
            "{},{},{},{:.3},{},{},{},{:.3},{},{:.3},{},{},{},{:.3},{}\n",
            j.id,
            j.kind,
            j.gpus,
            j.submit_s,
            opt(j.start_s),
            opt(j.end_s),
            state,
            j.gpu_hours,
            j.restarts,
            j.lost_gpu_hours,
            opt(j.queue_delay_s),
            j.fabric_share.map(|v| format!("{v:.4}")).unwrap_or_default(),
            j.fabric_share_min.map(|v| format!("{v:.4}")).unwrap_or_default(),
            j.contention_gpu_hours,
            j.bottleneck.as_deref().map(|b| format!("\"{b}\"")).unwrap_or_default()
        ));
    }
    let mut series = String::from("hour,allocated_gpus,down_gpus,node_failures,it_power_mw\n");
    let s = &r.series;
    for h in 0..s.allocated_gpus.len() {
        let mw = s.it_power_mw.get(h).copied().unwrap_or(0.0);
        series.push_str(&format!("{h},{},{},{},{mw:.4}\n", s.allocated_gpus[h], s.down_gpus[h], s.failures[h]));
    }
    Ok([("jobs", jobs), ("series", series)]
        .into_iter()
        .map(|(stem, text)| (format!("{}-{stem}.csv", crate::report::file_stem(name)), text.into_bytes()))
        .collect())
}

/// A name safe as a file name.
pub fn file_stem(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Two;
    impl Report for Two {
        fn columns(&self) -> Vec<&'static str> {
            vec!["id", "note"]
        }
        fn rows(&self) -> Vec<Vec<String>> {
            vec![vec!["a".into(), "x, \"quoted\"".into()], vec!["longer".into(), "y".repeat(80)]]
        }
        fn long_columns(&self) -> &'static [&'static str] {
            &["note"]
        }
        fn json(&self) -> serde_json::Value {
            serde_json::json!([{"id": "a"}])
        }
    }

    #[test]
    fn table_aligns_and_shortens() {
        let s = render(&Two, Format::Table).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "ID      NOTE");
        assert_eq!(lines[1], "a       x, \"quoted\"");
        assert!(lines[2].ends_with('…') && lines[2].chars().count() == 8 + 60);
    }

    #[test]
    fn long_numbers_are_grouped_in_tables_only() {
        assert_eq!(group_thousands("7095146"), "7,095,146");
        assert_eq!(group_thousands("-12345.5"), "-12,345.5");
        assert_eq!(group_thousands("4608"), "4608");
        assert_eq!(group_thousands("17179869184"), "17,179,869,184");
        assert_eq!(group_thousands("1e308"), "1e308");
        assert_eq!(group_thousands("12345 (estimate)"), "12345 (estimate)");
        assert_eq!(group_thousands("N00123"), "N00123");
    }

    #[test]
    fn csv_quotes_and_keeps_full_text() {
        let s = render(&Two, Format::Csv).unwrap();
        assert!(s.starts_with("id,note\na,\"x, \"\"quoted\"\"\"\n"));
        assert!(s.contains(&"y".repeat(80)));
    }

    #[derive(Serialize)]
    struct Nan {
        summary: Vec<(String, f64)>,
    }
    impl Report for Nan {
        fn columns(&self) -> Vec<&'static str> {
            vec!["x"]
        }
        fn rows(&self) -> Vec<Vec<String>> {
            Vec::new()
        }
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }

    #[test]
    fn a_non_finite_number_is_never_printed() {
        let bad = Nan { summary: vec![("a".into(), 1.0), ("b".into(), f64::NAN)] };
        for f in [Format::Table, Format::Csv, Format::Json] {
            let e = render(&bad, f).unwrap_err();
            assert!(e.to_string().contains("summary[1][1]"), "{e}");
        }
        assert!(render(&Nan { summary: vec![("a".into(), 1.0)] }, Format::Json).is_ok());
    }

    #[test]
    fn json_is_pretty_with_newline() {
        assert_eq!(render(&Two, Format::Json).unwrap(), "[\n  {\n    \"id\": \"a\"\n  }\n]\n");
    }
}
