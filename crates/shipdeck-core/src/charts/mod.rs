//! Charts rendered by the core with plotters, as SVG the UI shows inline.
//! Every chart is drawn for a theme (the UI asks again when the OS theme
//! changes) and comes with its data so the UI can show it as a table.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::workspace::WeekCount;

pub mod advisor;
mod bench;
mod environments;

pub use bench::{bench_over_time, concurrency_curve, percentile_curve};
pub use environments::{environment_history, parity_heatmap};

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
            .themed(&p, text.clone())
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
        .themed(p, text)
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
            .themed(&p, text)
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

/// Unix milliseconds as a chart time.
/// The theme's look for a chart's grid, axes and labels.
trait Themed<'b> {
    fn themed<T: IntoTextStyle<'b>>(&mut self, p: &Palette, labels: T) -> &mut Self;
}

impl<'b, X: Ranged, Y: Ranged, DB: DrawingBackend> Themed<'b>
    for plotters::chart::MeshStyle<'_, 'b, X, Y, DB>
{
    fn themed<T: IntoTextStyle<'b>>(&mut self, p: &Palette, labels: T) -> &mut Self {
        self.bold_line_style(p.grid)
            .light_line_style(TRANSPARENT)
            .axis_style(p.axis)
            .label_style(labels)
    }
}

/// A chart over time with an f64 value axis.
type TimeChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<RangedDateTime<chrono::DateTime<chrono::Utc>>, plotters::coord::types::RangedCoordf64>,
>;

/// The grid, axes and labels every over-time chart shares: horizontal
/// grid lines only, dates as `Nov 25 14:02`, `labels` ticks on each axis.
fn time_mesh<DB: DrawingBackend>(
    chart: &mut TimeChart<'_, DB>,
    p: &Palette,
    labels: usize,
    y_desc: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_mesh()
        .disable_x_mesh()
        .themed(p, ("sans-serif", 11).into_font().color(&p.text))
        .x_labels(labels)
        .x_label_formatter(&|t| t.format("%b %-d %H:%M").to_string())
        .y_labels(labels)
        .y_desc(y_desc)
        .draw()
        .map_err(draw_err)
}

fn to_time(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The time axis of a chart over recorded runs: the first to the last run,
/// a minute either side of a single run, the last hour without any.
fn time_span(times: impl Iterator<Item = i64>) -> (i64, i64) {
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if lo < hi {
        (lo, hi)
    } else if lo != i64::MAX {
        (lo - 60_000, lo + 60_000)
    } else {
        let now = chrono::Utc::now().timestamp_millis();
        (now - 3_600_000, now)
    }
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
}
