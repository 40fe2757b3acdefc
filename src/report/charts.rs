//! Charts as self-contained SVG (plotters' SVG backend: text stays text, no
//! font file or system library is read). Three shapes cover the report:
//! lines over a numeric axis, bars over categories (with P10-P90 whiskers)
//! and ranges over categories (the tornado). Each chart carries its title,
//! axis labels with units, a legend and a one-line caption inside the SVG,
//! so a chart copied out of the report still says what it shows.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Width and height of every chart \[px\].
pub const SIZE: (u32, u32) = (900, 440);

/// Series colours, colour-blind safe (Okabe-Ito), in order.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
];

/// The `i`th series colour.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

const FONT: &str = "sans-serif";

/// What every chart says about itself.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Title.
    pub title: String,
    /// x axis label with its unit.
    pub x_label: String,
    /// y axis label with its unit.
    pub y_label: String,
    /// One line under the chart: the scenario and the assumptions that drive it.
    pub caption: String,
}

/// Lines over a numeric x axis.
#[derive(Debug, Clone)]
pub struct Lines {
    /// Labels and caption.
    pub frame: Frame,
    /// Named series of (x, y) points.
    pub series: Vec<(String, Vec<(f64, f64)>)>,
    /// x on a log2 scale, ticks as sizes (`1M`, `1G`).
    pub log2_x_bytes: bool,
    /// Horizontal reference lines (name, y).
    pub hlines: Vec<(String, f64)>,
    /// Vertical reference lines (name, x, palette index: the series it belongs to).
    pub vlines: Vec<(String, f64, usize)>,
    /// Start the y axis at zero.
    pub y_from_zero: bool,
    /// Names of the integer x positions (`Jan`, `Feb`, ...), if the axis is categorical.
    pub x_names: Vec<String>,
    /// Where the legend goes: the corner the curves leave empty.
    pub legend: SeriesLabelPosition,
    /// Per series: its palette index and whether it is dashed (empty: series `i` in colour `i`, solid).
    pub styles: Vec<(usize, bool)>,
}

/// One bar: its value and an optional (low, high) whisker; `None` leaves a gap.
pub type Bar = Option<(f64, Option<(f64, f64)>)>;

/// Bars over categories: one group per category, one bar per series, each
/// a value with an optional (low, high) whisker.
#[derive(Debug, Clone)]
pub struct Bars {
    /// Labels and caption (`x_label` names the categories, `y_label` the values).
    pub frame: Frame,
    /// Category names.
    pub categories: Vec<String>,
    /// Named series: one value (and whisker) per category.
    pub series: Vec<(String, Vec<Bar>)>,
    /// Write each bar's value above it.
    pub value_labels: bool,
}

/// Ranges over categories, drawn across a base value (the tornado).
#[derive(Debug, Clone)]
pub struct Ranges {
    /// Labels and caption (`x_label` names the values).
    pub frame: Frame,
    /// Category name, value with the input low, value with the input high.
    pub rows: Vec<(String, f64, f64)>,
    /// The value at every input's median.
    pub base: f64,
    /// Names of the two ends (`input at P10`, `input at P90`).
    pub ends: (String, String),
}

type Result<T> = std::result::Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart: {e:?}")
}

/// A chart's drawing area less the caption line, and the caption drawn.
fn framed<'a>(root: &DrawingArea<SVGBackend<'a>, Shift>, caption: &str) -> Result<DrawingArea<SVGBackend<'a>, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    let (main, foot) = root.split_vertically(SIZE.1 - 26);
    let caption = shorten(caption, 150);
    foot.draw(&Text::new(caption, (12, 6), (FONT, 13).into_font().color(&RGBColor(80, 80, 80)))).map_err(err)?;
    Ok(main)
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n - 1).collect();
    t.push('…');
    t
}

/// Padding around `lo..hi` so lines do not sit on the frame.
fn padded(lo: f64, hi: f64, from_zero: bool) -> (f64, f64) {
    let (lo, hi) = if from_zero { (lo.min(0.0), hi.max(0.0)) } else { (lo, hi) };
    if hi > lo {
        let pad = (hi - lo) * 0.06;
        (if from_zero && lo >= 0.0 { lo } else { lo - pad }, hi + pad)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    }
}

/// Tick text with as many decimals as ticks `span` apart need (1.062,
/// 1.064, ... on a PUE axis; 0, 500, 1000 on a bandwidth axis).
pub fn tick_in(v: f64, span: f64) -> String {
    let a = v.abs();
    if a >= 1e4 || span <= 0.0 || !span.is_finite() {
        return tick(v);
    }
    let step = span / 10.0;
    let decimals = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".to_owned() } else { s }
}

/// Tick text: at most four significant digits, thousands as `k`.
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".to_owned()
    } else if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

/// `1M`, `256M`, `4G`: a byte count in binary units.
fn bytes_tick(v: f64) -> String {
    let v = v.round();
    for (unit, scale) in [("G", 1u64 << 30), ("M", 1 << 20), ("K", 1 << 10)] {
        let s = scale as f64;
        if v >= s {
            return format!("{}{unit}", trim(v / s));
        }
    }
    format!("{v}")
}

/// Draws lines.
pub fn lines(c: &Lines) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let main = framed(&root, &c.frame.caption)?;
        let xs = c.series.iter().flat_map(|s| s.1.iter().map(|p| p.0)).chain(c.vlines.iter().map(|v| v.1));

        let ys = c.series.iter().flat_map(|s| s.1.iter().map(|p| p.1)).chain(c.hlines.iter().map(|h| h.1));
        let (x0, x1) = bounds(xs);
        let (y0, y1) = bounds(ys);
        let (y0, y1) = padded(y0, y1, c.y_from_zero);
        let mut b = ChartBuilder::on(&main);
        b.caption(&c.frame.title, (FONT, 20)).margin(12).margin_right(24).x_label_area_size(46).y_label_area_size(72);
        // A byte axis is drawn as log2(bytes), ticked on whole powers of two.
        let log = c.log2_x_bytes;
        let tx = move |x: f64| if log { x.max(1.0).log2() } else { x };
        let (x0, x1) =
            if log { (x0.max(1.0).log2().floor(), x1.max(2.0).log2().ceil()) } else { padded(x0, x1, false) };
        let mut chart = b.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
        let (xspan, yspan) = (x1 - x0, y1 - y0);
        let names = c.x_names.clone();
        let whole = |v: &f64| (v - v.round()).abs() < 1e-9;
        let xfmt = move |v: &f64| {
            if log {
                if whole(v) { bytes_tick(v.round().exp2()) } else { String::new() }
            } else if names.is_empty() {
                tick_in(*v, xspan)
            } else if whole(v) && v.round() >= 1.0 {
                names.get(v.round() as usize - 1).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let mut mesh = chart.configure_mesh();
        if log {
            mesh.x_labels(((x1 - x0) as usize / 2 + 1).max(2));
        } else if !c.x_names.is_empty() {
            mesh.x_labels(c.x_names.len() * 2 + 2);
        }
        mesh.x_desc(&c.frame.x_label)
            .y_desc(&c.frame.y_label)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&|v| tick_in(*v, yspan))
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (i, (name, pts)) in c.series.iter().enumerate() {
            series(&mut chart, c, i, name, pts.iter().map(|p| (tx(p.0), p.1)).collect())?;
        }
        let n = c.series.len();
        for (k, (name, y)) in c.hlines.iter().enumerate() {
            let col = colour(n + k);
            chart
                .draw_series(DashedLineSeries::new(vec![(x0, *y), (x1, *y)], 8, 5, col.stroke_width(2)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], col.stroke_width(3)));
        }
        for (name, x, i) in &c.vlines {
            let col = colour(*i);
            chart
                .draw_series(DashedLineSeries::new(vec![(tx(*x), y0), (tx(*x), y1)], 8, 5, col.stroke_width(2)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], col.stroke_width(3)));
        }
        legend(&mut chart, c.legend.clone())?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Draws series `i` of `c` in its style, with its legend entry.
fn series<'a>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    c: &Lines,
    i: usize,
    name: &str,
    pts: Vec<(f64, f64)>,
) -> Result<()> {
    let (k, dashed) = c.styles.get(i).copied().unwrap_or((i, false));
    let col = colour(k);
    let width = if pts.len() > 400 { 1 } else { 2 };
    let anno = if dashed {
        chart.draw_series(DashedLineSeries::new(pts, 7, 4, col.stroke_width(width))).map_err(err)?
    } else {
        chart.draw_series(LineSeries::new(pts, col.stroke_width(width))).map_err(err)?
    };
    anno.label(name).legend(move |(x, y)| {
        let (a, b) = if dashed { ((0, 7), (11, 18)) } else { ((0, 9), (9, 18)) };
        EmptyElement::at((x, y))
            + PathElement::new(vec![(a.0, 0), (a.1, 0)], col.stroke_width(3))
            + PathElement::new(vec![(b.0, 0), (b.1, 0)], col.stroke_width(3))
    });
    Ok(())
}

fn legend<'a, X: plotters::coord::ranged1d::Ranged, Y: plotters::coord::ranged1d::Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    at: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(at)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .draw()
        .map_err(err)
}

fn bounds(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        v.filter(|x| x.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// Draws grouped bars with whiskers; categories along x.
pub fn bars(c: &Bars) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let main = framed(&root, &c.frame.caption)?;
        let values = c.series.iter().flat_map(|s| s.1.iter().flatten()).flat_map(|(v, w)| {
            let (lo, hi) = w.unwrap_or((*v, *v));
            [*v, lo, hi]
        });
        let (y0, y1) = bounds(values);
        let (y0, y1) = padded(y0, y1, true);
        let n = c.categories.len().max(1);
        let groups = c.series.len().max(1);
        let mut chart = ChartBuilder::on(&main)
            .caption(&c.frame.title, (FONT, 20))
            .margin(12)
            .margin_right(24)
            .x_label_area_size(46)
            .y_label_area_size(72)
            .build_cartesian_2d(0f64..n as f64, y0..y1)
            .map_err(err)?;
        let cats = c.categories.clone();
        let label = move |v: &f64| {
            let i = v.floor();
            if (v - i - 0.5).abs() < 1e-6 { cats.get(i as usize).cloned().unwrap_or_default() } else { String::new() }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n * 2 + 1)
            .x_label_formatter(&label)
            .x_desc(&c.frame.x_label)
            .y_desc(&c.frame.y_label)
            .y_label_formatter(&|v| tick_in(*v, y1 - y0))
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let width = 0.8 / groups as f64;
        for (g, (name, vals)) in c.series.iter().enumerate() {
            let col = colour(g);
            let mut rects = Vec::new();
            let mut whiskers = Vec::new();
            let mut labels = Vec::new();
            for (i, v) in vals.iter().enumerate() {
                let Some((v, w)) = v else { continue };
                let x0 = i as f64 + 0.1 + width * g as f64;
                rects.push(Rectangle::new([(x0, 0.0), (x0 + width * 0.92, *v)], col.filled()));
                if c.value_labels {
                    let top = w.map_or(*v, |w| w.1.max(*v));
                    labels.push(Text::new(
                        tick_in(*v, (y1 - y0) / 10.0),
                        (x0 + width * 0.1, top + (y1 - y0) * 0.035),
                        (FONT, 13).into_font(),
                    ));
                }
                if let Some((lo, hi)) = w {
                    let xm = x0 + width * 0.46;
                    let q = width * 0.2;
                    let black = RGBColor(30, 30, 30).stroke_width(2);
                    whiskers.push(PathElement::new(vec![(xm, *lo), (xm, *hi)], black));
                    whiskers.push(PathElement::new(vec![(xm - q, *lo), (xm + q, *lo)], black));
                    whiskers.push(PathElement::new(vec![(xm - q, *hi), (xm + q, *hi)], black));
                }
            }
            chart
                .draw_series(rects)
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], col.filled()));
            chart.draw_series(whiskers).map_err(err)?;
            chart.draw_series(labels).map_err(err)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Draws the tornado: one horizontal range per row, largest first, across the base.
pub fn ranges(c: &Ranges) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let main = framed(&root, &c.frame.caption)?;
        let (x0, x1) = bounds(c.rows.iter().flat_map(|r| [r.1, r.2]).chain([c.base]));
        let (x0, x1) = padded(x0, x1, false);
        let n = c.rows.len().max(1);
        let longest = c.rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10);
        let mut chart = ChartBuilder::on(&main)
            .caption(&c.frame.title, (FONT, 20))
            .margin(12)
            .margin_right(24)
            .x_label_area_size(46)
            .y_label_area_size((longest as u32 * 7 + 16).clamp(80, 300))
            .build_cartesian_2d(x0..x1, 0f64..n as f64)
            .map_err(err)?;
        let names: Vec<String> = c.rows.iter().map(|r| r.0.clone()).collect();
        let label = move |v: &f64| {
            let i = v.floor();
            // Largest swing on top.
            if (v - i - 0.5).abs() < 1e-6 {
                names.get(n - 1 - i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n * 2 + 1)
            .y_label_formatter(&label)
            .x_label_formatter(&|v| tick_in(*v, x1 - x0))
            .x_desc(&c.frame.x_label)
            .y_desc(&c.frame.y_label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let (lo_col, hi_col) = (colour(0), colour(1));
        let mut lows = Vec::new();
        let mut highs = Vec::new();
        for (k, (_, lo, hi)) in c.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            lows.push(Rectangle::new([(c.base.min(*lo), y + 0.2), (c.base.max(*lo), y + 0.8)], lo_col.filled()));
            highs.push(Rectangle::new(
                [(c.base.min(*hi), y + 0.2), (c.base.max(*hi), y + 0.8)],
                hi_col.mix(0.8).filled(),
            ));
        }
        chart
            .draw_series(lows)
            .map_err(err)?
            .label(&c.ends.0)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], lo_col.filled()));
        chart
            .draw_series(highs)
            .map_err(err)?
            .label(&c.ends.1)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], hi_col.filled()));
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(c.base, 0.0), (c.base, n as f64)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        // The smallest swings sit at the bottom, leaving its corner free.
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font((FONT, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame { title: "t".into(), x_label: "x [s]".into(), y_label: "y [W]".into(), caption: "c".into() }
    }

    #[test]
    fn every_shape_draws_text_and_paths() {
        let l = Lines {
            frame: frame(),
            series: vec![("a".into(), vec![(1.0, 2.0), (2.0, 3.0)])],
            log2_x_bytes: false,
            hlines: vec![("claim".into(), 2.5)],
            vlines: vec![],
            y_from_zero: false,
            x_names: vec![],
            legend: SeriesLabelPosition::UpperRight,
            styles: vec![],
        };
        let b = Bars {
            frame: frame(),
            categories: vec!["one".into(), "two".into()],
            series: vec![("s".into(), vec![Some((1.0, Some((0.5, 1.5)))), None])],
            value_labels: true,
        };
        let r = Ranges {
            frame: frame(),
            rows: vec![("price".into(), 1.0, 3.0)],
            base: 2.0,
            ends: ("lo".into(), "hi".into()),
        };
        for svg in [lines(&l).unwrap(), bars(&b).unwrap(), ranges(&r).unwrap()] {
            assert!(svg.starts_with("<svg"), "{svg}");
            assert!(
                svg.contains("<text") && (svg.contains("<path") || svg.contains("<polyline") || svg.contains("<rect"))
            );
            assert!(!svg.contains("NaN"));
        }
    }

    #[test]
    fn ticks_read_well() {
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(1.08), "1.08");
        assert_eq!(tick(12_500.0), "12.5k");
        assert_eq!(tick(2_000_000.0), "2M");
        assert_eq!(tick_in(1.0625, 0.02), "1.062");
        assert_eq!(tick_in(500.0, 1000.0), "500");
        assert_eq!(tick_in(-0.0001, 1.0), "0");
        assert_eq!(bytes_tick(1048576.0), "1M");
        assert_eq!(bytes_tick(8.0 * 1073741824.0), "8G");
    }
}
