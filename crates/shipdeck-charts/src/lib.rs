//! Charts rendered by the core with plotters, as SVG the UI shows inline.
//! Every chart is drawn for a theme (the UI asks again when the OS theme
//! changes) and comes with its data so the UI can show it as a table.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use shipdeck_types::Coded;
use ts_rs::TS;

pub mod advisor;
mod axis;
mod bench;
pub mod coverage;
mod data;
pub mod environments;
pub mod legend;
pub mod treemap;

pub use axis::TimeAxis;
pub use bench::{bench_over_time, concurrency_curve, percentile_curve};
pub use coverage::{coverage_over_time, CoveragePoint};
use data::{num, row, timestamp};
pub use data::{Chart, ChartId, ChartKind, ChartRow, Datum};
pub use environments::{environment_history, parity_heatmap};
pub use treemap::{human_bytes, treemap, TreeGroup};

/// A chart that could not be drawn, or a theme that does not exist.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("invalid theme: {0:?}: use light or dark")]
    InvalidTheme(String),
    #[error("internal error: chart rendering failed: {0}")]
    Render(String),
}

impl Coded for ChartError {
    /// The codes the core gave these failures before charts had a crate.
    fn code(&self) -> &'static str {
        match self {
            ChartError::InvalidTheme(_) => "input.invalid",
            ChartError::Render(_) => "internal",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ChartError::InvalidTheme(_) => None,
            ChartError::Render(_) => {
                Some("This is a bug in Shipdeck. The log file in the data folder has details.".into())
            }
        }
    }

    fn is_user_error(&self) -> bool {
        matches!(self, ChartError::InvalidTheme(_))
    }
}

pub type Result<T, E = ChartError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl std::str::FromStr for Theme {
    type Err = ChartError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            other => Err(ChartError::InvalidTheme(other.to_string())),
        }
    }
}

/// The theme's colours for text, grid, axes and the main series.
pub struct Palette {
    text: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
    bar: RGBColor,
}

impl Theme {
    pub fn palette(self) -> Palette {
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

const WIDTH: u32 = 640;
const HEIGHT: u32 = 260;

fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Render(format!("{e:?}"))
}

/// A week's start (`YYYY-MM-DD`) and its commits.
#[derive(Debug, Clone)]
pub struct WeekCount {
    pub week_start: String,
    pub commits: u32,
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
    Ok(Chart::drawn(
        ChartId::CommitsPerWeek,
        format!("Commits per week, last {} weeks", weeks.len()),
        svg,
        HEIGHT,
        ChartKind::Bars,
        "commits",
    )
    .table(
        &["commits"],
        weeks
            .iter()
            .map(|w| row(&w.week_start, [num(w.commits as f64)]))
            .collect(),
    ))
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

/// Releases in a month (`YYYY-MM`).
#[derive(Debug, Clone)]
pub struct MonthCount {
    pub month: String,
    pub releases: u32,
}

/// Releases per month, and commits per release (version, commits).
#[derive(Debug, Clone)]
pub struct Cadence {
    pub per_month: Vec<MonthCount>,
    pub per_release: Vec<(String, u32)>,
}

/// Release cadence: releases per month over a year (top) and commits per
/// release for the latest releases (bottom).
pub fn release_cadence(cadence: &Cadence, theme: Theme) -> Result<Chart> {
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
    Ok(Chart::drawn(
        ChartId::ReleaseCadence,
        "Release cadence: releases per month and commits per release".into(),
        svg,
        height,
        ChartKind::Bars,
        "count",
    )
    .table(
        &["releases", "commits"],
        cadence
            .per_month
            .iter()
            .map(|m| row(&m.month, [num(m.releases as f64), None]))
            .chain(
                cadence
                    .per_release
                    .iter()
                    .map(|(v, c)| row(v, [None, num(*c as f64)])),
            )
            .collect(),
    ))
}

/// An applied migration: its version and name, and how long it ran.
#[derive(Debug, Clone)]
pub struct MigrationTime {
    pub version: i64,
    pub name: String,
    pub execution_ms: f64,
}

/// A bar's label for a migration: the version, and as much of the name
/// as fits under a bar (migrations often all run the same day, so dates
/// would not tell the bars apart).
fn migration_label(m: &MigrationTime, room: usize) -> String {
    let name: String = m.name.chars().take(room.saturating_sub(1)).collect();
    if name.is_empty() {
        m.version.to_string()
    } else if name.chars().count() < m.name.chars().count() {
        format!("{} {name}…", m.version)
    } else {
        format!("{} {name}", m.version)
    }
}

/// How long each applied migration took, in the order they were applied
/// (bars in milliseconds, labelled with their version and name).
pub fn migration_durations(database: &str, applied: &[MigrationTime], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let n = applied.len().max(1) as u32;
    let max = applied
        .iter()
        .map(|a| a.execution_ms)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let every = applied.len().div_ceil(8).max(1);
    // Characters of the name that fit under the labelled bars.
    let room = (WIDTH as usize / applied.len().div_ceil(every).max(1) / 7).saturating_sub(4);
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
                    .map(|a| migration_label(a, room))
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(applied.iter().enumerate().map(|(i, a)| {
                let x = i as u32;
                Rectangle::new(
                    [
                        (SegmentValue::Exact(x), 0.0),
                        (SegmentValue::Exact(x + 1), a.execution_ms),
                    ],
                    p.bar.filled(),
                )
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::MigrationDurations,
        format!("Migration durations on {database} ({} applied)", applied.len()),
        svg,
        HEIGHT,
        ChartKind::Bars,
        "ms",
    )
    .table(
        &["ms"],
        applied
            .iter()
            .map(|m| row(format!("{} {}", m.version, m.name), [num(m.execution_ms)]))
            .collect(),
    ))
}

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

/// A chart over time (epoch milliseconds) with an f64 value axis.
type TimeChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<
        plotters::coord::combinators::WithKeyPoints<plotters::coord::types::RangedCoordi64>,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// The grid, axes and labels every over-time chart shares: horizontal
/// grid lines only, the time axis's ticks and labels, `labels` ticks on
/// the value axis.
fn time_mesh<DB: DrawingBackend>(
    chart: &mut TimeChart<'_, DB>,
    axis: &TimeAxis,
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
        .x_label_formatter(&|t| axis.label(*t))
        .y_labels(labels)
        .y_desc(y_desc)
        .draw()
        .map_err(draw_err)
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
        // The data comes with it: a row per week, zeros included.
        assert_eq!((chart.kind, chart.unit.as_str()), (ChartKind::Bars, "commits"));
        assert_eq!(chart.rows.len(), 4);
        assert_eq!(chart.rows[2], row("2026-06-15", [num(7.0)]));
        let json = serde_json::to_value(&chart).unwrap();
        assert_eq!(json["rows"][0]["values"][0], 3.0, "a plain JSON number");
        assert_eq!(json["kind"], "bars");
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
    fn migration_bars_are_labelled_by_version_and_name_not_by_the_day_they_ran() {
        // All three ran the same day: dates would label every bar alike.
        let applied: Vec<MigrationTime> = [
            (1, "create_users"),
            (2, "add_orders"),
            (20260101, "index_orders_by_customer_and_date"),
        ]
        .iter()
        .map(|(version, name)| MigrationTime {
            version: *version,
            name: name.to_string(),
            execution_ms: 12.5,
        })
        .collect();
        let chart = migration_durations("app", &applied, Theme::Light).unwrap();
        let texts = crate::legend::tests::texts(&chart.svg);
        assert!(texts.contains(&"1 create_users".to_string()), "{texts:?}");
        assert!(texts.contains(&"2 add_orders".to_string()), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("20260101 index_orders")),
            "{texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t.starts_with("2026-")),
            "no dates: {texts:?}"
        );
        assert_eq!(chart.title, "Migration durations on app (3 applied)");
        let labels: Vec<&str> = chart.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1 create_users",
                "2 add_orders",
                "20260101 index_orders_by_customer_and_date"
            ]
        );
        // Many migrations: every label still fits (shortened names end in …).
        let many: Vec<MigrationTime> = (1..=40)
            .map(|v| MigrationTime {
                version: v,
                name: format!("a_rather_long_migration_name_{v}"),
                execution_ms: v as f64,
            })
            .collect();
        let texts = crate::legend::tests::texts(&migration_durations("app", &many, Theme::Dark).unwrap().svg);
        assert!(
            texts.iter().any(|t| t.starts_with("1 ") && t.ends_with('…')),
            "{texts:?}"
        );
    }

    #[test]
    fn empty_history_still_renders() {
        assert!(commits_per_week(&[], Theme::Dark).unwrap().svg.contains("</svg>"));
    }
}
