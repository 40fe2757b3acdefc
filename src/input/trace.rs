//! Job traces in the common schema of public GPU-cluster logs:
//! `job_id, submit_time_s, gpus` and either `duration_s`, `run_time_s` or
//! `start_time_s, end_time_s` (other columns are ignored).
//!
//! Rows that used no GPU (`gpus = 0`) or never ran in the trace (no end
//! time) are counted and skipped, not replayed; every other problem is an
//! error naming the file, line and column.

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::InvalidFile;
use crate::sim::{JobSpec, Percentiles};
use std::ops::Range;

/// A parsed trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Replayable jobs, in file order, submit times shifted so the first is 0.
    pub jobs: Vec<JobSpec>,
    /// Rows read.
    pub rows: usize,
    /// Rows with `gpus = 0` (CPU-only).
    pub cpu_only: usize,
    /// Rows without an end or duration (never ran in the trace).
    pub never_ran: usize,
    /// The trace's own queueing delays (`start - submit`), if it has starts.
    pub queue_delay_s: Option<Percentiles>,
    /// Largest job \[GPUs\] and its line, to check against the cluster.
    pub largest: Option<(u32, usize, Range<usize>)>,
}

/// Parses `source` read from `path`.
pub fn parse(path: &str, source: &str) -> Result<Trace, InvalidFile> {
    let fail = |items: Vec<Diagnostic>| InvalidFile(Box::new(Diagnostics::new(path, source, items)));
    let mut lines = line_spans(source);
    let Some(header) = lines.next() else {
        return Err(fail(vec![Diagnostic::whole_file("the trace is empty; expected a header row")]));
    };
    let names: Vec<&str> = fields(source, header.clone()).map(|(s, _)| s.trim()).collect();
    let col = |name: &str| names.iter().position(|&n| n == name);
    let expect = "a header with job_id, submit_time_s, gpus and duration_s, run_time_s or start_time_s and end_time_s";
    let mut missing = Vec::new();
    for need in ["job_id", "submit_time_s", "gpus"] {
        if col(need).is_none() {
            missing.push(need);
        }
    }
    let (start, end, duration) =
        (col("start_time_s"), col("end_time_s"), col("duration_s").or_else(|| col("run_time_s")));
    if duration.is_none() && (start.is_none() || end.is_none()) {
        missing.push("duration_s (or start_time_s and end_time_s)");
    }
    if !missing.is_empty() {
        return Err(fail(vec![
            Diagnostic::at(header, format!("the trace has no column {}", missing.join(", "))).with_help(expect),
        ]));
    }
    let (id_c, submit_c, gpus_c) =
        (col("job_id").unwrap_or(0), col("submit_time_s").unwrap_or(0), col("gpus").unwrap_or(0));
    let mut problems = Vec::new();
    // One allocation of the right size: a trace of millions of rows must not double its peak.
    let capacity = source.bytes().filter(|&b| b == b'\n').count();
    let mut t = Trace {
        jobs: Vec::with_capacity(capacity),
        rows: 0,
        cpu_only: 0,
        never_ran: 0,
        queue_delay_s: None,
        largest: None,
    };
    let mut delays = Vec::new();
    for line in lines {
        if source[line.clone()].trim().is_empty() {
            continue;
        }
        t.rows += 1;
        let cells: Vec<(&str, Range<usize>)> = fields(source, line.clone()).collect();
        if cells.len() < names.len() {
            problems.push(Diagnostic::at(
                line,
                format!("this row has {} fields, but the header has {}", cells.len(), names.len()),
            ));
            continue;
        }
        let mut num = |c: usize, name: &str, optional: bool| -> Option<Option<f64>> {
            let (text, span) = &cells[c];
            let text = text.trim();
            if text.is_empty() && optional {
                return Some(None);
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(Some(v)),
                Ok(v) => {
                    problems.push(Diagnostic::at(
                        span.clone(),
                        format!("`{name}` is {v}, but it must be a number of 0 or more"),
                    ));
                    None
                }
                Err(_) => {
                    problems.push(
                        Diagnostic::at(span.clone(), format!("`{name}` is `{text}`, but it must be a number"))
                            .with_help("times are seconds from the trace's start"),
                    );
                    None
                }
            }
        };
        let submit = num(submit_c, "submit_time_s", false);
        let gpus = num(gpus_c, "gpus", false);
        let start_v = start.map(|c| num(c, "start_time_s", true));
        let end_v = end.map(|c| num(c, "end_time_s", true));
        let dur_v = duration.map(|c| num(c, "duration_s", true));
        let (Some(Some(submit)), Some(Some(gpus))) = (submit, gpus) else { continue };
        let (start_v, end_v, dur_v) =
            (start_v.flatten().flatten(), end_v.flatten().flatten(), dur_v.flatten().flatten());
        if gpus.fract() != 0.0 || gpus < 0.0 {
            problems.push(Diagnostic::at(
                cells[gpus_c].1.clone(),
                format!("`gpus` is {gpus}, but it must be a whole number of 0 or more"),
            ));
            continue;
        }
        if gpus > f64::from(u32::MAX) {
            problems.push(Diagnostic::at(
                cells[gpus_c].1.clone(),
                format!("`gpus` is {gpus:e}, more than the {} GPUs a job may ask for", u32::MAX),
            ));
            continue;
        }
        let gpus = gpus as u32;
        if gpus == 0 {
            t.cpu_only += 1;
            continue;
        }
        let work = match (dur_v, start_v, end_v) {
            (Some(d), _, _) => d,
            (None, Some(s), Some(e)) if e >= s => e - s,
            (None, Some(_), Some(_)) => {
                problems
                    .push(Diagnostic::at(cells[end.unwrap_or(0)].1.clone(), "`end_time_s` is before `start_time_s`"));
                continue;
            }
            _ => {
                t.never_ran += 1;
                continue;
            }
        };
        if let Some(s) = start_v {
            if s < submit {
                problems.push(Diagnostic::at(
                    cells[start.unwrap_or(0)].1.clone(),
                    "`start_time_s` is before `submit_time_s`",
                ));
                continue;
            }
            delays.push(s - submit);
        }
        if t.largest.as_ref().is_none_or(|l| gpus > l.0) {
            t.largest = Some((gpus, t.rows, cells[gpus_c].1.clone()));
        }
        t.jobs.push(JobSpec {
            id: cells[id_c].0.trim().into(),
            kind: "trace",
            submit_s: submit,
            gpus,
            work_s: work.max(1.0),
            checkpoint_bytes: 0.0,
            priority: 0,
            tp_gpus: 0,
        });
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let origin = t.jobs.iter().map(|j| j.submit_s).fold(f64::INFINITY, f64::min);
    if origin.is_finite() {
        for j in &mut t.jobs {
            j.submit_s -= origin;
        }
    }
    t.queue_delay_s = (!delays.is_empty()).then(|| crate::sim::stats::percentiles(delays));
    Ok(t)
}

/// Byte spans of lines, without their line ends.
pub(crate) fn line_spans(source: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    source.split_inclusive('\n').map(move |l| {
        let start = at;
        at += l.len();
        let body = l.trim_end_matches(['\n', '\r']);
        start..start + body.len()
    })
}

/// Comma-separated fields of a line with their byte spans (no quoting: the
/// common schema has none).
pub(crate) fn fields(source: &str, line: Range<usize>) -> impl Iterator<Item = (&str, Range<usize>)> {
    let mut at = line.start;
    source[line.clone()].split(',').map(move |f| {
        let span = at..at + f.len();
        at += f.len() + 1;
        (f, span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        parse("t.csv", src).unwrap_err().to_string()
    }

    #[test]
    fn reads_start_end_and_duration_schemas() {
        let t = parse(
            "t.csv",
            "job_id,submit_time_s,start_time_s,end_time_s,gpus\na,10,12,112,8\nb,20,,,1\nc,30,30,40,0\n",
        )
        .unwrap();
        assert_eq!((t.rows, t.jobs.len(), t.never_ran, t.cpu_only), (3, 1, 1, 1));
        assert_eq!((t.jobs[0].submit_s, t.jobs[0].work_s, t.jobs[0].gpus), (0.0, 100.0, 8));
        assert_eq!(t.queue_delay_s.unwrap().p50, 2.0);
        let t = parse("t.csv", "job_id,submit_time_s,run_time_s,gpus\na,0,50,2\n").unwrap();
        assert_eq!(t.jobs[0].work_s, 50.0);
    }

    #[test]
    fn missing_columns_are_named() {
        let e = err("job_id,submit_time_s,end_time_s\na,1,2\n");
        assert!(e.contains("t.csv:1:1") && e.contains("gpus") && e.contains("duration_s"), "{e}");
    }

    #[test]
    fn bad_values_point_at_line_and_column() {
        let e = err("job_id,submit_time_s,duration_s,gpus\na,0,5,1\nb,-3,5,1\nc,x,5,1\n");
        assert!(e.contains("t.csv:3:3") && e.contains("-3"), "{e}");
        assert!(e.contains("t.csv:4:3") && e.contains("`x`"), "{e}");
        let e = err("job_id,submit_time_s,duration_s,gpus\na,0,5\n");
        assert!(e.contains("t.csv:2:1") && e.contains("3 fields"), "{e}");
    }
}
