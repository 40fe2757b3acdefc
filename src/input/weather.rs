//! Hourly inputs of the facility model read from CSV: a user's weather year
//! (`--weather`) and an IT power series (`--it-series`, e.g. the
//! `*-series.csv` that `simulate --out` writes).
//!
//! Weather: a header naming `month`, `day`, `hour` (1-24, as TMY files
//! count, or 0-23), `dry_bulb_c` and one of `wet_bulb_c`, `rh_pct` or
//! `dew_point_c`; 8,760 rows, one per hour of a non-leap year in order. Every
//! problem is an error naming the line and column, and the accepted range.

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::InvalidFile;
use crate::input::trace::{fields, line_spans};
use crate::model::facility::climate::{self, HOURS, MONTH_DAYS, Weather};
use std::ops::Range;

/// Parses a weather year from `source`, read from `path`.
pub fn parse_weather(path: &str, source: &str) -> Result<Weather, InvalidFile> {
    let fail = |items: Vec<Diagnostic>| InvalidFile(Box::new(Diagnostics::new(path, source, items)));
    let expect = "a header with month, day, hour, dry_bulb_c and one of wet_bulb_c, rh_pct, dew_point_c";
    let mut lines = line_spans(source).filter(|l| !source[l.clone()].trim().is_empty());
    let Some(header) = lines.next() else {
        return Err(fail(vec![
            Diagnostic::whole_file("the weather file is empty; expected a header row").with_help(expect),
        ]));
    };
    let names: Vec<&str> =
        fields(source, header.clone()).map(|(s, _)| s.trim().trim_start_matches('\u{feff}')).collect();
    let col = |name: &str| names.iter().position(|&n| n == name);
    let mut missing: Vec<&str> =
        ["month", "day", "hour", "dry_bulb_c"].into_iter().filter(|n| col(n).is_none()).collect();
    let humidity = [("wet_bulb_c", Humidity::WetBulb), ("rh_pct", Humidity::Rh), ("dew_point_c", Humidity::DewPoint)]
        .into_iter()
        .find_map(|(n, h)| col(n).map(|c| (c, h)));
    if humidity.is_none() {
        missing.push("wet_bulb_c, rh_pct or dew_point_c");
    }
    let (Some(month_c), Some(day_c), Some(hour_c), Some(db_c), Some((hum_c, hum))) =
        (col("month"), col("day"), col("hour"), col("dry_bulb_c"), humidity)
    else {
        return Err(fail(vec![
            Diagnostic::at(header, format!("the weather file has no column {}", missing.join(", "))).with_help(expect),
        ]));
    };
    let mut w = Weather {
        dry_bulb_c: Vec::with_capacity(HOURS),
        wet_bulb_c: Vec::with_capacity(HOURS),
        rh_pct: Vec::with_capacity(HOURS),
        month: Vec::with_capacity(HOURS),
    };
    let mut problems = Vec::new();
    let mut expected = (1u32, 1u32, 0u32);
    let mut hour_base: Option<u32> = None;
    let mut last_line = header.clone();
    for line in lines {
        last_line = line.clone();
        if problems.len() >= 10 {
            break;
        }
        if w.len() == HOURS {
            problems.push(
                Diagnostic::at(line, format!("more than {HOURS} hours"))
                    .with_help("give one non-leap year: 8,760 rows (drop 29 February)"),
            );
            break;
        }
        let cells: Vec<(&str, Range<usize>)> = fields(source, line.clone()).collect();
        let need = [month_c, day_c, hour_c, db_c, hum_c].into_iter().max().unwrap_or(0);
        if cells.len() <= need {
            problems.push(
                Diagnostic::at(line, format!("this row has {} fields; the header has {}", cells.len(), names.len()))
                    .with_help(expect),
            );
            expected = next_hour(expected);
            continue;
        }
        let number = |c: usize, problems: &mut Vec<Diagnostic>| -> Option<f64> {
            let (text, span) = &cells[c];
            match text.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    problems.push(Diagnostic::at(
                        span.clone(),
                        format!("`{}` is `{}`, but it must be a number", names[c], text.trim()),
                    ));
                    None
                }
            }
        };
        let (Some(m), Some(d), Some(h), Some(db), Some(x)) = (
            number(month_c, &mut problems),
            number(day_c, &mut problems),
            number(hour_c, &mut problems),
            number(db_c, &mut problems),
            number(hum_c, &mut problems),
        ) else {
            // The row still holds its hour: the next one is checked against the hour after it.
            expected = next_hour(expected);
            continue;
        };
        let whole = |x: f64| x.fract() == 0.0 && (0.0..=100.0).contains(&x);
        if let Some(c) = [(m, month_c), (d, day_c), (h, hour_c)].into_iter().find(|(x, _)| !whole(*x)).map(|(_, c)| c) {
            problems.push(
                Diagnostic::at(cells[c].1.clone(), format!("`{}` is `{}`", names[c], cells[c].0.trim()))
                    .with_help("month, day and hour are whole numbers"),
            );
            break;
        }
        let base = *hour_base.get_or_insert(if h == 0.0 { 0 } else { 1 });
        let (em, ed, eh) = expected;
        if (m as i64, d as i64, h as i64 - i64::from(base)) != (i64::from(em), i64::from(ed), i64::from(eh)) {
            let span = cells[month_c].1.start.min(cells[hour_c].1.start)..cells[month_c].1.end.max(cells[hour_c].1.end);
            let message = if base == 1 && h == 0.0 {
                "hour 0 in a file whose hours count 1-24 (its first row is hour 1)".to_owned()
            } else {
                format!(
                    "expected month {em}, day {ed}, hour {} here (hour {} of the year), found {} {} {}",
                    eh + base,
                    w.len() + 1,
                    cells[month_c].0.trim(),
                    cells[day_c].0.trim(),
                    cells[hour_c].0.trim()
                )
            };
            problems.push(Diagnostic::at(span, message).with_help(
                "the file must hold every hour of one non-leap year in order, counted 1-24 or 0-23; an hour is missing or out of place",
            ));
            break;
        }
        let month = (em - 1) as u8;
        expected = next_hour(expected);
        if !(-70.0..=60.0).contains(&db) {
            problems.push(
                Diagnostic::at(cells[db_c].1.clone(), format!("`dry_bulb_c` is {db} °C"))
                    .with_help("accepted range: -70 to 60 °C"),
            );
            continue;
        }
        let (wb, rh) = match hum {
            Humidity::Rh => {
                if !(0.0..=100.0).contains(&x) {
                    problems.push(
                        Diagnostic::at(cells[hum_c].1.clone(), format!("`rh_pct` is {x}"))
                            .with_help("relative humidity is 0-100 (%)"),
                    );
                    continue;
                }
                let td = climate::dew_point(db, x);
                (climate::wet_bulb(db, x, td), x)
            }
            Humidity::DewPoint | Humidity::WetBulb if x < -90.0 => {
                problems.push(
                    Diagnostic::at(cells[hum_c].1.clone(), format!("`{}` is {x} °C", names[hum_c]))
                        .with_help("accepted range: -90 °C up to the dry bulb"),
                );
                continue;
            }
            Humidity::DewPoint => {
                if x > db + 0.05 {
                    problems.push(
                        Diagnostic::at(cells[hum_c].1.clone(), format!("`dew_point_c` {x} is above the dry bulb {db}"))
                            .with_help("the dew point is at most the dry-bulb temperature"),
                    );
                    continue;
                }
                let td = x.min(db);
                let rh = climate::relative_humidity(db, td);
                (climate::wet_bulb(db, rh, td), rh)
            }
            Humidity::WetBulb => {
                if x > db + 0.05 {
                    problems.push(
                        Diagnostic::at(cells[hum_c].1.clone(), format!("`wet_bulb_c` {x} is above the dry bulb {db}"))
                            .with_help("the wet bulb is at most the dry-bulb temperature"),
                    );
                    continue;
                }
                (x.min(db), f64::NAN)
            }
        };
        w.dry_bulb_c.push(db);
        w.wet_bulb_c.push(wb);
        w.rh_pct.push(rh);
        w.month.push(month);
    }
    if problems.is_empty() && w.len() < HOURS {
        let (em, ed, eh) = expected;
        problems.push(
            Diagnostic::at(
                last_line,
                format!(
                    "the file ends after {} hours; month {em}, day {ed}, hour {} and the rest are missing",
                    w.len(),
                    eh + hour_base.unwrap_or(1)
                ),
            )
            .with_help("give one non-leap year: 8,760 rows"),
        );
    }
    if problems.is_empty() { Ok(w) } else { Err(fail(problems)) }
}

#[derive(Clone, Copy)]
enum Humidity {
    WetBulb,
    Rh,
    DewPoint,
}

/// The hour after `(month, day, hour0)` in a non-leap year.
fn next_hour((m, d, h): (u32, u32, u32)) -> (u32, u32, u32) {
    if h < 23 {
        (m, d, h + 1)
    } else if d < MONTH_DAYS[(m - 1) as usize] as u32 {
        (m, d + 1, 0)
    } else {
        (m + 1, 1, 0)
    }
}

/// Parses an hourly IT power series: a header with `it_power_mw` (other
/// columns ignored), one row per hour. Returns kW per hour.
pub fn parse_it_series(path: &str, source: &str) -> Result<Vec<f64>, InvalidFile> {
    let fail = |items: Vec<Diagnostic>| InvalidFile(Box::new(Diagnostics::new(path, source, items)));
    let mut lines = line_spans(source).filter(|l| !source[l.clone()].trim().is_empty());
    let Some(header) = lines.next() else {
        return Err(fail(vec![Diagnostic::whole_file("the IT series is empty; expected a header row")]));
    };
    let Some(c) =
        fields(source, header.clone()).position(|(s, _)| s.trim().trim_start_matches('\u{feff}') == "it_power_mw")
    else {
        return Err(fail(vec![
            Diagnostic::at(header, "the IT series has no column it_power_mw")
                .with_help("give one row per hour with the IT power in MW, as `simulate --out` writes in *-series.csv"),
        ]));
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for line in lines {
        let cells: Vec<(&str, Range<usize>)> = fields(source, line.clone()).collect();
        let Some((text, span)) = cells.get(c) else {
            problems.push(Diagnostic::at(line, "this row has no it_power_mw field"));
            continue;
        };
        match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => out.push(x * 1e3),
            _ => problems.push(
                Diagnostic::at(span.clone(), format!("`it_power_mw` is `{}`", text.trim()))
                    .with_help("IT power is a number of MW, 0 or more"),
            ),
        }
        if problems.len() >= 10 {
            break;
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(Diagnostic::whole_file("the IT series has a header but no hours"));
    }
    if problems.is_empty() { Ok(out) } else { Err(fail(problems)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(mut row: impl FnMut(u32, u32, u32) -> String) -> String {
        let mut s = String::from("month,day,hour,dry_bulb_c,rh_pct\n");
        for (m, &days) in MONTH_DAYS.iter().enumerate() {
            for d in 1..=days as u32 {
                for h in 1..=24 {
                    s.push_str(&row(m as u32 + 1, d, h));
                }
            }
        }
        s
    }

    fn err(src: &str) -> String {
        parse_weather("w.csv", src).unwrap_err().to_string()
    }

    #[test]
    fn reads_a_tmy_style_year() {
        let w =
            parse_weather("w.csv", &year(|m, d, h| format!("{m},{d},{h},{},50\n", 10.0 + f64::from(h) / 4.0))).unwrap();
        assert_eq!(w.len(), HOURS);
        assert_eq!(w.month[HOURS - 1], 11);
        assert!(w.wet_bulb_c.iter().zip(&w.dry_bulb_c).all(|(wb, db)| wb < db));
    }

    #[test]
    fn a_bad_number_is_one_problem_not_a_missing_hour() {
        let mut text = String::from("month,day,hour,dry_bulb_c,rh_pct\n");
        let mut at = (1u32, 1u32, 0u32);
        for i in 0..HOURS {
            let db = if i == 100 { "NaN" } else { "10" };
            text.push_str(&format!("{},{},{},{db},50\n", at.0, at.1, at.2 + 1));
            at = next_hour(at);
        }
        let e = parse_weather("w.csv", &text).unwrap_err().to_string();
        assert!(e.contains("has 1 problem") && e.contains("`dry_bulb_c` is `NaN`"), "{e}");
    }

    #[test]
    fn a_missing_hour_is_named() {
        let src = year(|m, d, h| if (m, d, h) == (3, 5, 7) { String::new() } else { format!("{m},{d},{h},10,50\n") });
        let e = err(&src);
        assert!(e.contains("expected month 3, day 5, hour 7"), "{e}");
        assert!(e.contains("w.csv:"), "{e}");
    }

    #[test]
    fn hour_bases_and_a_stray_hour_zero() {
        let zero_based = year(|m, d, h| format!("{m},{d},{},10,50\n", h - 1));
        assert_eq!(parse_weather("w.csv", &zero_based).unwrap().len(), HOURS);
        let mut stray = String::from("month,day,hour,dry_bulb_c,rh_pct\n");
        for h in 1..=23 {
            stray.push_str(&format!("1,1,{h},10,50\n"));
        }
        stray.push_str("1,2,0,10,50\n");
        assert!(err(&stray).contains("hour 0 in a file whose hours count 1-24"), "{}", err(&stray));
        let bom = year(|m, d, h| format!("{m},{d},{h},10,50\n")).replacen("month", "\u{feff}month", 1);
        assert!(parse_weather("w.csv", &bom).is_ok());
        let frac = "month,day,hour,dry_bulb_c,rh_pct\n1,1,1.5,10,50\n";
        assert!(err(frac).contains("whole numbers"), "{}", err(frac));
    }

    #[test]
    fn a_bad_value_does_not_shift_the_hours_after_it() {
        let src = year(|m, d, h| {
            if (m, d, h) == (7, 1, 12) { format!("{m},{d},{h},30,104\n") } else { format!("{m},{d},{h},10,50\n") }
        });
        let e = err(&src);
        assert!(!e.contains("expected month"), "{e}");
        let cold = "month,day,hour,dry_bulb_c,dew_point_c\n1,1,1,10,-300\n";
        assert!(err(cold).contains("-90 °C"), "{}", err(cold));
    }

    #[test]
    fn impossible_values_are_errors_with_the_range() {
        let src = year(|m, d, h| {
            if (m, d, h) == (7, 1, 12) { format!("{m},{d},{h},30,104\n") } else { format!("{m},{d},{h},10,50\n") }
        });
        let e = err(&src);
        assert!(e.contains("`rh_pct` is 104") && e.contains("0-100"), "{e}");
        let src = "month,day,hour,dry_bulb_c,wet_bulb_c\n1,1,1,10,12\n";
        assert!(err(src).contains("above the dry bulb"), "{}", err(src));
        let short = "month,day,hour,dry_bulb_c,wet_bulb_c\n1,1,1,10,8\n";
        assert!(err(short).contains("ends after 1 hours"), "{}", err(short));
        assert!(err("month,day,hour,dry_bulb_c\n").contains("wet_bulb_c, rh_pct or dew_point_c"));
    }

    #[test]
    fn it_series_reads_the_simulation_columns() {
        let s = parse_it_series("s.csv", "hour,allocated_gpus,it_power_mw\n0,10,1.5\n1,10,2\n").unwrap();
        assert_eq!(s, vec![1500.0, 2000.0]);
        let e = parse_it_series("s.csv", "hour,it_power_mw\n0,-1\n").unwrap_err().to_string();
        assert!(e.contains("0 or more"), "{e}");
    }
}
