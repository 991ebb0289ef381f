//! Charts rendered by the core with plotters, as SVG the UI shows inline.
//! Every chart is drawn for a theme (the UI asks again when the OS theme
//! changes) and comes with its data so the UI can show it as a table.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::workspace::WeekCount;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl std::str::FromStr for Theme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            other => Err(Error::InvalidInput {
                field: "theme",
                reason: format!("{other:?}: use light or dark"),
            }),
        }
    }
}

struct Palette {
    text: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
    bar: RGBColor,
}

impl Theme {
    fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                text: RGBColor(0x33, 0x41, 0x55),
                grid: RGBColor(0xe2, 0xe8, 0xf0),
                axis: RGBColor(0x94, 0xa3, 0xb8),
                bar: RGBColor(0x25, 0x63, 0xeb),
            },
            Theme::Dark => Palette {
                text: RGBColor(0xcb, 0xd5, 0xe1),
                grid: RGBColor(0x33, 0x41, 0x55),
                axis: RGBColor(0x64, 0x74, 0x8b),
                bar: RGBColor(0x60, 0xa5, 0xfa),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Chart {
    pub title: String,
    /// A standalone SVG document (transparent background).
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 260;

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Internal(format!("chart rendering failed: {e:?}"))
}

/// Bars of commits per week, labelled every fourth week.
pub fn commits_per_week(weeks: &[WeekCount], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    // A segmented range is inclusive: 0..n-1 gives exactly n bars.
    let n = weeks.len().max(1) as u32;
    let max = weeks.iter().map(|w| w.commits).max().unwrap_or(0).max(4);
    let y_top = max + max.div_ceil(8);
    let label = |i: usize| {
        weeks
            .get(i)
            .and_then(|w| chrono::NaiveDate::parse_from_str(&w.week_start, "%Y-%m-%d").ok())
            .map(|d| d.format("%b %-d").to_string())
            .unwrap_or_default()
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let text = ("sans-serif", 12).into_font().color(&p.text);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(36)
            .build_cartesian_2d((0u32..n - 1).into_segmented(), 0u32..y_top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(text.clone())
            .x_labels(n as usize)
            .y_labels(5)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) if i % 4 == 0 => label(*i as usize),
                _ => String::new(),
            })
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(
                Histogram::vertical(&chart).style(p.bar.filled()).margin(3).data(
                    weeks
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| w.commits > 0)
                        .map(|(i, w)| (i as u32, w.commits)),
                ),
            )
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!("Commits per week, last {} weeks", weeks.len()),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

/// One bar panel: labelled bars, every `every`-th label shown.
fn bar_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    p: &Palette,
    caption: &str,
    bars: &[(String, u32)],
    every: usize,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = bars.len().max(1) as u32;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(2);
    let text = ("sans-serif", 11).into_font().color(&p.text);
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .caption(caption, ("sans-serif", 13).into_font().color(&p.text))
        .x_label_area_size(22)
        .y_label_area_size(34)
        .build_cartesian_2d((0u32..n - 1).into_segmented(), 0u32..(max + max.div_ceil(8)))
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(p.grid)
        .light_line_style(TRANSPARENT)
        .axis_style(p.axis)
        .label_style(text)
        .x_labels(n as usize)
        .y_labels(4)
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(every.max(1)) => {
                bars.get(*i as usize).map(|b| b.0.clone()).unwrap_or_default()
            }
            _ => String::new(),
        })
        .draw()
        .map_err(draw_err)?;
    chart
        .draw_series(
            Histogram::vertical(&chart).style(p.bar.filled()).margin(2).data(
                bars.iter()
                    .enumerate()
                    .filter(|(_, b)| b.1 > 0)
                    .map(|(i, b)| (i as u32, b.1)),
            ),
        )
        .map_err(draw_err)?;
    Ok(())
}

/// Release cadence: releases per month over a year (top) and commits per
/// release for the latest releases (bottom).
pub fn release_cadence(cadence: &crate::releases::history::Cadence, theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let height = 360;
    let months: Vec<(String, u32)> = cadence
        .per_month
        .iter()
        .map(|m| {
            let label = chrono::NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d")
                .map(|d| d.format("%b").to_string())
                .unwrap_or_else(|_| m.month.clone());
            (label, m.releases)
        })
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let (top, bottom) = root.split_vertically(height / 2);
        bar_panel(&top, &p, "Releases per month", &months, 1)?;
        let every = cadence.per_release.len().div_ceil(10).max(1);
        bar_panel(&bottom, &p, "Commits per release", &cadence.per_release, every)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: "Release cadence: releases per month and commits per release".into(),
        svg,
        width: WIDTH,
        height,
    })
}

/// How long each applied migration took, in the order they were applied
/// (bars in milliseconds, labelled with the date they ran).
pub fn migration_durations(status: &crate::migrations::run::MigrationStatus, theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let mut applied: Vec<_> = status
        .migrations
        .iter()
        .filter(|m| m.applied)
        .filter_map(|m| {
            Some((
                m.applied_at.clone().unwrap_or_default(),
                m.version,
                m.execution_ms?,
            ))
        })
        .collect();
    applied.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let n = applied.len().max(1) as u32;
    let max = applied.iter().map(|a| a.2).fold(0.0_f64, f64::max).max(1.0);
    let every = applied.len().div_ceil(8).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(48)
            .build_cartesian_2d((0u32..n - 1).into_segmented(), 0.0..max * 1.12)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(text)
            .x_labels(n as usize)
            .y_labels(5)
            .y_desc("ms")
            .y_label_formatter(&|v| {
                if max < 10.0 {
                    format!("{v:.1}")
                } else {
                    format!("{v:.0}")
                }
            })
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(every) => applied
                    .get(*i as usize)
                    .map(|a| a.0.get(..10).unwrap_or("").to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(applied.iter().enumerate().map(|(i, a)| {
                let x = i as u32;
                Rectangle::new(
                    [(SegmentValue::Exact(x), 0.0), (SegmentValue::Exact(x + 1), a.2)],
                    p.bar.filled(),
                )
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!(
            "Migration durations on {} ({} applied)",
            status.database,
            applied.len()
        ),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

/// Colour of a parity cell: the same in both themes, so the view's legend
/// matches.
fn cell_colour(state: crate::environments::CellState) -> RGBColor {
    use crate::environments::CellState;
    match state {
        CellState::Same => RGBColor(0x16, 0xa3, 0x4a),
        CellState::Differs => RGBColor(0xf5, 0x9e, 0x0b),
        CellState::Missing => RGBColor(0xdc, 0x26, 0x26),
        CellState::Empty => RGBColor(0x94, 0xa3, 0xb8),
    }
}

/// Keys shown in the heat map at most; problems first.
const HEATMAP_ROWS: usize = 40;

/// Keys × environments, a cell per key and environment coloured by its
/// state (same, differs, missing, empty). Keys with a problem come first;
/// at most [`HEATMAP_ROWS`] rows.
pub fn parity_heatmap(report: &crate::environments::ParityReport, theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let mut keys: Vec<&crate::environments::KeyParity> = report.keys.iter().collect();
    keys.sort_by_key(|k| (k.same_across, k.key.clone()));
    let hidden = keys.len().saturating_sub(HEATMAP_ROWS);
    keys.truncate(HEATMAP_ROWS);
    let envs = &report.environments;
    let (cols, rows) = (envs.len().max(1) as u32, keys.len().max(1) as u32);
    let height = (rows * 16 + 70).max(140);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(24)
            .y_label_area_size(200)
            .build_cartesian_2d(
                (0u32..cols - 1).into_segmented(),
                (0u32..rows - 1).into_segmented(),
            )
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(p.axis)
            .label_style(text)
            .x_labels(cols as usize)
            .y_labels(rows as usize)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => envs.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| match y {
                // Row 0 at the top.
                SegmentValue::CenterOf(i) => keys
                    .get((rows - 1 - *i) as usize)
                    .map(|k| k.key.chars().take(30).collect())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(draw_err)?;
        let cells = keys.iter().enumerate().flat_map(|(r, k)| {
            let y = rows - 1 - r as u32;
            envs.iter().enumerate().filter_map(move |(c, env)| {
                let cell = k.cells.get(env)?;
                let x = c as u32;
                Some(Rectangle::new(
                    [
                        (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                        (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                    ],
                    cell_colour(cell.state).filled(),
                ))
            })
        });
        chart.draw_series(cells).map_err(draw_err)?;
        // Cell borders, so neighbouring cells of one colour stay apart.
        let grid_colour = p.grid;
        let grid = keys.iter().enumerate().flat_map(|(r, _)| {
            let y = rows - 1 - r as u32;
            (0..envs.len() as u32).map(move |x| {
                Rectangle::new(
                    [
                        (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                        (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                    ],
                    ShapeStyle::from(&grid_colour).stroke_width(2),
                )
            })
        });
        chart.draw_series(grid).map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    let shown = keys.len();
    Ok(Chart {
        title: if hidden > 0 {
            format!("Parity of {shown} keys (problems first; {hidden} more in the table)")
        } else {
            format!("Parity of {shown} keys across {} environments", envs.len())
        },
        svg,
        width: WIDTH,
        height,
    })
}

/// Parity score (0–100 %) of every recorded parity run, and every recorded
/// health poll as a dot per environment (green healthy, red not).
pub fn environment_history(
    parity: &[crate::store::EnvRun],
    health: &[crate::store::EnvRun],
    theme: Theme,
) -> Result<Chart> {
    let p = theme.palette();
    let to_time = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    let times: Vec<i64> = parity.iter().chain(health).map(|r| r.at).collect();
    let (lo, hi) = match (times.iter().min(), times.iter().max()) {
        (Some(&lo), Some(&hi)) if hi > lo => (lo, hi),
        (Some(&t), _) => (t - 60_000, t + 60_000),
        _ => {
            let now = chrono::Utc::now().timestamp_millis();
            (now - 3_600_000, now)
        }
    };
    let mut envs: Vec<String> = Vec::new();
    let mut dots = Vec::new();
    for run in health {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&run.detail) else {
            continue;
        };
        for (env, v) in map {
            if !envs.contains(&env) {
                envs.push(env.clone());
            }
            let ok = matches!(v["status"].as_str(), Some("pass" | "warn"));
            dots.push((run.at, env, ok));
        }
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let (top, bottom) = root.split_vertically(HEIGHT * 3 / 5);
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let range = to_time(lo)..to_time(hi);
        let mut score = ChartBuilder::on(&top)
            .margin(8)
            .x_label_area_size(0)
            .y_label_area_size(90)
            .build_cartesian_2d(range.clone(), 0.0..100.0)
            .map_err(draw_err)?;
        score
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(text.clone())
            .y_labels(5)
            .y_desc("parity %")
            .draw()
            .map_err(draw_err)?;
        let mut points: Vec<_> = parity
            .iter()
            .filter_map(|r| Some((to_time(r.at), r.score?)))
            .collect();
        points.sort_by_key(|a| a.0);
        score
            .draw_series(LineSeries::new(points.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        score
            .draw_series(points.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        let rows = envs.len().max(1) as u32;
        let mut status = ChartBuilder::on(&bottom)
            .margin(8)
            .x_label_area_size(22)
            .y_label_area_size(90)
            .build_cartesian_2d(range, (0u32..rows - 1).into_segmented())
            .map_err(draw_err)?;
        status
            .configure_mesh()
            .disable_mesh()
            .axis_style(p.axis)
            .label_style(text)
            .x_labels(4)
            .x_label_formatter(&|t| t.format("%b %-d %H:%M").to_string())
            .y_labels(rows as usize)
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) => envs.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(draw_err)?;
        let green = RGBColor(0x16, 0xa3, 0x4a);
        let red = RGBColor(0xdc, 0x26, 0x26);
        status
            .draw_series(dots.iter().filter_map(|(at, env, ok)| {
                let row = envs.iter().position(|e| e == env)? as u32;
                Some(Circle::new(
                    (to_time(*at), SegmentValue::CenterOf(row)),
                    4,
                    if *ok { green } else { red }.filled(),
                ))
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!(
            "Parity score ({} run{}) and health ({} poll{}) over time",
            parity.len(),
            if parity.len() == 1 { "" } else { "s" },
            health.len(),
            if health.len() == 1 { "" } else { "s" },
        ),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

/// One metric over time (a point per run), with a dashed vertical line and
/// the tag name at every run measured on a release tag.
pub fn bench_over_time(
    metric: &str,
    unit: &str,
    points: &[(i64, f64, Vec<String>)],
    theme: Theme,
) -> Result<Chart> {
    let p = theme.palette();
    let to_time = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    let (lo, hi) = match (points.first(), points.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (a.0, b.0),
        (Some(a), _) => (a.0 - 60_000, a.0 + 60_000),
        _ => {
            let now = chrono::Utc::now().timestamp_millis();
            (now - 3_600_000, now)
        }
    };
    let span = (hi - lo).max(1);
    let (lo, hi) = (lo - span / 20, hi + span / 20);
    let max = points.iter().map(|x| x.1).fold(0.0_f64, f64::max).max(1e-9);
    let tag_colour = RGBColor(0x7c, 0x3a, 0xed);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_top(22)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(to_time(lo)..to_time(hi), 0.0..max * 1.15)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(text.clone())
            .x_labels(5)
            .x_label_formatter(&|t| t.format("%b %-d %H:%M").to_string())
            .y_labels(5)
            .y_desc(unit)
            .draw()
            .map_err(draw_err)?;
        for (at, _, tags) in points.iter().filter(|x| !x.2.is_empty()) {
            let t = to_time(*at);
            chart
                .draw_series(DashedLineSeries::new(
                    [(t, 0.0), (t, max * 1.15)],
                    4,
                    3,
                    tag_colour.stroke_width(1),
                ))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    tags.join(", "),
                    (t, max * 1.13),
                    ("sans-serif", 11).into_font().color(&tag_colour),
                )))
                .map_err(draw_err)?;
        }
        let line: Vec<_> = points.iter().map(|(at, v, _)| (to_time(*at), *v)).collect();
        chart
            .draw_series(LineSeries::new(line.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(line.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!(
            "{metric} ({unit}) over {} run{}",
            points.len(),
            if points.len() == 1 { "" } else { "s" }
        ),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

/// The latency distribution of one measurement, HDR-style: latency at
/// each percentile, with the x axis stretched towards the tail (50, 90,
/// 99, 99.9 % are equally far apart).
pub fn percentile_curve(metric: &str, unit: &str, samples: &[f64], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    // x = -log10(1 - p): 0 at p = 0, 1 at 90 %, 2 at 99 %, 3 at 99.9 %.
    let points: Vec<(f64, f64)> = sorted
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let q = (i as f64 + 0.5) / n as f64;
            (-(1.0 - q).log10(), *v)
        })
        .collect();
    let x_max = points.last().map(|p| p.0).unwrap_or(1.0).max(1.0);
    let y_max = sorted.last().copied().unwrap_or(1.0).max(1e-9);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(26)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max * 1.1)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(text)
            .x_desc("percentile")
            .y_desc(unit)
            .x_label_formatter(&|x| {
                let pct = 100.0 * (1.0 - 10f64.powf(-x));
                if pct >= 99.0 {
                    format!("{pct:.1}")
                } else {
                    format!("{pct:.0}")
                }
            })
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(points, p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!("{metric}: latency by percentile ({n} samples)"),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

/// A concurrency sweep: throughput (line, left axis) and p99 latency
/// (dashed, right axis) at each connection count.
pub fn concurrency_curve(scenario: &str, points: &[(usize, f64, f64)], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let x_max = points.iter().map(|x| x.0).max().unwrap_or(1).max(2) as f64;
    let rps_max = points.iter().map(|x| x.1).fold(0.0_f64, f64::max).max(1.0);
    let p99_max = points.iter().map(|x| x.2).fold(0.0_f64, f64::max).max(1e-3);
    let latency_colour = RGBColor(0xea, 0x58, 0x0c);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(56)
            .right_y_label_area_size(56)
            .build_cartesian_2d((1.0..x_max).log_scale(), 0.0..rps_max * 1.15)
            .map_err(draw_err)?
            .set_secondary_coord((1.0..x_max).log_scale(), 0.0..p99_max * 1.15);
        chart
            .configure_mesh()
            .bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(text.clone())
            .x_desc("connections")
            .y_desc("req/s")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()
            .map_err(draw_err)?;
        chart
            .configure_secondary_axes()
            .axis_style(p.axis)
            .label_style(text)
            .y_desc("p99 ms")
            .draw()
            .map_err(draw_err)?;
        let rps: Vec<(f64, f64)> = points.iter().map(|x| (x.0 as f64, x.1)).collect();
        let p99: Vec<(f64, f64)> = points.iter().map(|x| (x.0 as f64, x.2)).collect();
        chart
            .draw_series(LineSeries::new(rps.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(rps.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        chart
            .draw_secondary_series(DashedLineSeries::new(p99, 5, 3, latency_colour.stroke_width(2)))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!("{scenario}: throughput (solid) and p99 (dashed) by connections"),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(counts: &[u32]) -> Vec<WeekCount> {
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| WeekCount {
                week_start: (chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
                    + chrono::Duration::weeks(i as i64))
                .to_string(),
                commits: *c,
            })
            .collect()
    }

    #[test]
    fn renders_one_bar_per_nonzero_week() {
        let chart = commits_per_week(&weeks(&[3, 0, 7, 1]), Theme::Light).unwrap();
        assert!(chart.svg.starts_with("<svg"), "{}", &chart.svg[..80]);
        // One filled rect per week with commits, in the bar colour.
        assert_eq!(chart.svg.matches("fill=\"#2563EB\"").count(), 3, "{}", chart.svg);
        assert!(chart.svg.contains("Jun 1"));
    }

    #[test]
    fn themes_differ() {
        let w = weeks(&[1, 2]);
        let light = commits_per_week(&w, Theme::Light).unwrap().svg;
        let dark = commits_per_week(&w, Theme::Dark).unwrap().svg;
        assert_ne!(light, dark);
        assert!(dark.contains("#60A5FA"));
    }

    #[test]
    fn cadence_chart_has_both_panels() {
        use crate::releases::history::{Cadence, MonthCount};
        let c = Cadence {
            per_month: vec![
                MonthCount {
                    month: "2026-10".into(),
                    releases: 2,
                },
                MonthCount {
                    month: "2026-11".into(),
                    releases: 1,
                },
            ],
            per_release: vec![("1.0.0".into(), 12), ("1.1.0".into(), 4)],
        };
        let chart = release_cadence(&c, Theme::Light).unwrap();
        assert!(chart.svg.contains("Releases per month") && chart.svg.contains("Commits per release"));
        assert_eq!(chart.svg.matches("fill=\"#2563EB\"").count(), 4);
        assert!(chart.svg.contains("1.1.0") && chart.svg.contains("Oct"));
    }

    #[test]
    fn empty_history_still_renders() {
        assert!(commits_per_week(&[], Theme::Dark).unwrap().svg.contains("</svg>"));
    }

    fn report(states: &[(&str, [crate::environments::CellState; 2])]) -> crate::environments::ParityReport {
        use crate::environments::{Cell, CellState, KeyParity, KeyStatus, ParityReport, ValueKind};
        let envs = ["dev".to_string(), "prod".to_string()];
        ParityReport {
            environments: envs.to_vec(),
            keys: states
                .iter()
                .map(|(key, cells)| KeyParity {
                    key: key.to_string(),
                    secret: false,
                    same_across: cells.iter().all(|c| *c == CellState::Same),
                    status: envs
                        .iter()
                        .zip(cells)
                        .map(|(e, c)| {
                            (
                                e.clone(),
                                if *c == CellState::Missing {
                                    KeyStatus::Missing
                                } else {
                                    KeyStatus::Present
                                },
                            )
                        })
                        .collect(),
                    cells: envs
                        .iter()
                        .zip(cells)
                        .map(|(e, c)| {
                            (
                                e.clone(),
                                Cell {
                                    state: *c,
                                    kind: ValueKind::String,
                                    fingerprint: None,
                                    file: None,
                                    line: None,
                                },
                            )
                        })
                        .collect(),
                })
                .collect(),
            findings: Vec::new(),
            score: 50.0,
            files: Vec::new(),
        }
    }

    #[test]
    fn the_heat_map_colours_each_cell_by_its_state_problems_first() {
        use crate::environments::CellState::*;
        let r = report(&[
            ("APP_NAME", [Same, Same]),
            ("LOG_LEVEL", [Same, Missing]),
            ("PORT", [Differs, Differs]),
        ]);
        let svg = parity_heatmap(&r, Theme::Light).unwrap().svg;
        assert_eq!(svg.matches("fill=\"#16A34A\"").count(), 3, "same cells");
        assert_eq!(svg.matches("fill=\"#DC2626\"").count(), 1, "missing cells");
        assert_eq!(svg.matches("fill=\"#F59E0B\"").count(), 2, "differing cells");
        // At most HEATMAP_ROWS rows; the title says how many more the table has.
        let many: Vec<String> = (0..45).map(|i| format!("KEY_{i:02}")).collect();
        let rows: Vec<(&str, [crate::environments::CellState; 2])> =
            many.iter().map(|k| (k.as_str(), [Same, Differs])).collect();
        let chart = parity_heatmap(&report(&rows), Theme::Light).unwrap();
        assert_eq!(chart.svg.matches("fill=\"#F59E0B\"").count(), HEATMAP_ROWS);
        assert!(chart.title.contains("5 more in the table"), "{}", chart.title);
    }

    #[test]
    fn the_history_chart_draws_a_dot_per_health_poll_and_environment() {
        let run = |at: i64, kind: &str, score: Option<f64>, detail: &str| crate::store::EnvRun {
            id: at,
            at,
            kind: kind.into(),
            score,
            errors: 0,
            warnings: 0,
            detail: detail.into(),
        };
        let parity = [
            run(1_000, "parity", Some(40.0), "{}"),
            run(61_000, "parity", Some(80.0), "{}"),
        ];
        let health = [run(
            2_000,
            "health",
            None,
            r#"{"dev": {"status": "pass"}, "prod": {"status": "unreachable"}}"#,
        )];
        let chart = environment_history(&parity, &health, Theme::Light).unwrap();
        assert_eq!(
            chart.svg.matches("fill=\"#16A34A\"").count(),
            1,
            "one healthy dot"
        );
        assert_eq!(
            chart.svg.matches("fill=\"#DC2626\"").count(),
            1,
            "one failing dot"
        );
        assert!(
            chart.title.contains("2 runs") && chart.title.contains("1 poll)"),
            "{}",
            chart.title
        );
    }

    #[test]
    fn release_tags_annotate_the_runs_measured_on_them() {
        let points = vec![
            (1_000, 12.0, vec![]),
            (61_000, 11.0, vec!["v1.4.0".to_string()]),
            (121_000, 14.0, vec![]),
        ];
        let chart = bench_over_time("GET /health: latency", "ms", &points, Theme::Light).unwrap();
        assert!(chart.svg.contains("v1.4.0"), "the tag is written on the chart");
        assert!(chart.svg.contains("#7C3AED"), "in the annotation colour");
        assert_eq!(chart.svg.matches("<circle").count(), 3, "a point per run");
        assert!(chart.title.contains("3 runs"));
    }

    #[test]
    fn the_percentile_curve_reaches_the_tail() {
        let samples: Vec<f64> = (1..=1000).map(|i| i as f64 / 10.0).collect();
        let chart = percentile_curve("api: latency", "ms", &samples, Theme::Light).unwrap();
        assert!(chart.title.contains("1000 samples"));
        // Tick labels run out to the 99.9th percentile.
        assert!(
            chart.svg.contains(">99.9<") || chart.svg.contains("99.9"),
            "{}",
            &chart.svg[..400]
        );
    }

    #[test]
    fn the_concurrency_curve_draws_both_axes() {
        let points = [
            (1, 1000.0, 1.0),
            (2, 1900.0, 1.2),
            (4, 3500.0, 1.6),
            (8, 3600.0, 4.0),
        ];
        let chart = concurrency_curve("health", &points, Theme::Light).unwrap();
        assert!(chart.svg.contains("req/s") && chart.svg.contains("p99 ms"));
        assert_eq!(chart.svg.matches("<circle").count(), 4);
        assert!(chart.svg.contains("#EA580C"), "the p99 line");
    }
}
