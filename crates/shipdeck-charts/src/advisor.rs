//! Advisor charts from stored runs: the slowest statements' mean time and
//! calls over time, the cache hit ratio trend, and table sizes.

use plotters::prelude::*;

use super::legend::{legend, Entry, Mark};
use super::{
    bar_panel, draw_err, num, row, time_mesh, timestamp, Chart, ChartId, ChartKind, Result, Theme, TimeAxis,
    HEIGHT, WIDTH,
};

/// A statement's figures in one run.
#[derive(Debug, Clone)]
pub struct QueryMetric {
    pub id: String,
    pub calls: f64,
    pub mean_ms: f64,
}

/// A table's size (data and indexes) in one run.
#[derive(Debug, Clone)]
pub struct TableMetric {
    pub table: String,
    pub bytes: f64,
}

/// What one advisor run measured: statements by total time, tables by size.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub cache_hit_pct: Option<f64>,
    pub queries: Vec<QueryMetric>,
    pub tables: Vec<TableMetric>,
}

/// One stored advisor run, newest first in a list.
#[derive(Debug, Clone)]
pub struct AdvisorRun {
    /// Epoch milliseconds.
    pub at: i64,
    pub metrics: Metrics,
}

/// Series colours, distinguishable in both themes.
const SERIES: [RGBColor; 5] = [
    RGBColor(0x25, 0x63, 0xeb),
    RGBColor(0xd9, 0x77, 0x06),
    RGBColor(0x16, 0xa3, 0x4a),
    RGBColor(0xdc, 0x26, 0x26),
    RGBColor(0x93, 0x33, 0xea),
];

/// The charts there is data for (none before the first run).
pub fn charts(runs: &[AdvisorRun], theme: Theme) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    if runs.iter().any(|r| !r.metrics.queries.is_empty()) {
        out.push(slow_queries(runs, theme)?);
    }
    if runs.iter().any(|r| r.metrics.cache_hit_pct.is_some()) {
        out.push(cache_hit(runs, theme)?);
    }
    if let Some(latest) = runs.first().filter(|r| !r.metrics.tables.is_empty()) {
        out.push(table_sizes(latest, theme)?);
    }
    Ok(out)
}

/// The statements to follow: the newest run's top five by total time,
/// labelled q1…q5 (the UI lists their text beside the chart).
pub fn followed_queries(runs: &[AdvisorRun]) -> Vec<(String, String)> {
    runs.iter()
        .find(|r| !r.metrics.queries.is_empty())
        .map(|r| {
            r.metrics
                .queries
                .iter()
                .take(SERIES.len())
                .enumerate()
                .map(|(i, q)| (format!("q{}", i + 1), q.id.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn slow_queries(runs: &[AdvisorRun], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let height = 340;
    let followed = followed_queries(runs);
    let axis = TimeAxis::new(runs.iter().map(|r| r.at), 0.0, 5);
    let series = |value: fn(&QueryMetric) -> f64| -> Vec<(String, Vec<(i64, f64)>)> {
        followed
            .iter()
            .map(|(label, id)| {
                let mut pts: Vec<(i64, f64)> = runs
                    .iter()
                    .filter_map(|r| Some((r.at, value(r.metrics.queries.iter().find(|q| &q.id == id)?))))
                    .collect();
                pts.sort_by_key(|x| x.0);
                (label.clone(), pts)
            })
            .collect()
    };
    let mean = series(|q| q.mean_ms);
    let calls = series(|q| q.calls);
    let (columns, rows) = query_table(runs, &followed);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let (top, bottom) = root.split_vertically(height / 2);
        for (area, data, desc) in [(&top, &mean, "mean ms"), (&bottom, &calls, "calls")] {
            let max = data
                .iter()
                .flat_map(|(_, pts)| pts.iter().map(|x| x.1))
                .fold(0.0f64, f64::max)
                .max(1.0);
            let mut chart = ChartBuilder::on(area)
                .margin(8)
                .margin_top(24)
                .x_label_area_size(22)
                .y_label_area_size(60)
                .build_cartesian_2d(axis.range(), 0.0..max * 1.1)
                .map_err(draw_err)?;
            time_mesh(&mut chart, &axis, &p, 4, desc)?;
            for (i, (_, pts)) in data.iter().enumerate() {
                let colour = SERIES[i % SERIES.len()];
                chart
                    .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
                    .map_err(draw_err)?;
                chart
                    .draw_series(pts.iter().map(|&pt| Circle::new(pt, 3, colour.filled())))
                    .map_err(draw_err)?;
            }
            let entries: Vec<Entry> = data
                .iter()
                .enumerate()
                .map(|(i, (label, _))| Entry::new(label, SERIES[i % SERIES.len()], Mark::Line))
                .collect();
            legend(area, &p, (76, 8), &entries)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::SlowStatements,
        format!(
            "Slowest statements: mean time and calls over {} run(s)",
            runs.len()
        ),
        svg,
        height,
        ChartKind::Lines,
        "ms",
    )
    .table(&columns.iter().map(String::as_str).collect::<Vec<_>>(), rows))
}

/// The followed statements' table: a row per run (oldest first), their
/// mean time and calls side by side.
fn query_table(runs: &[AdvisorRun], followed: &[(String, String)]) -> (Vec<String>, Vec<super::ChartRow>) {
    let columns: Vec<String> = followed
        .iter()
        .flat_map(|(label, _)| [format!("{label} mean ms"), format!("{label} calls")])
        .collect();
    let mut ordered: Vec<&AdvisorRun> = runs.iter().collect();
    ordered.sort_by_key(|r| r.at);
    let rows = ordered
        .iter()
        .map(|r| {
            let values = followed.iter().flat_map(|(_, id)| {
                let q = r.metrics.queries.iter().find(|q| &q.id == id);
                [q.and_then(|q| num(q.mean_ms)), q.and_then(|q| num(q.calls))]
            });
            row(timestamp(r.at), values)
        })
        .collect();
    (columns, rows)
}

fn cache_hit(runs: &[AdvisorRun], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let mut pts: Vec<(i64, f64)> = runs
        .iter()
        .filter_map(|r| Some((r.at, r.metrics.cache_hit_pct?)))
        .collect();
    pts.sort_by_key(|x| x.0);
    let axis = TimeAxis::new(pts.iter().map(|x| x.0), 0.0, 5);
    let floor = pts.iter().map(|x| x.1).fold(100.0f64, f64::min).min(98.0).floor() - 1.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(22)
            .y_label_area_size(60)
            .build_cartesian_2d(axis.range(), floor.max(0.0)..100.5)
            .map_err(draw_err)?;
        time_mesh(&mut chart, &axis, &p, 5, "cache hit %")?;
        // The 99 % line PgHero warns below.
        let warn = RGBColor(0xd9, 0x77, 0x06);
        chart
            .draw_series(LineSeries::new(
                vec![(axis.lo, 99.0), (axis.hi, 99.0)],
                warn.stroke_width(1),
            ))
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(pts.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(pts.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::CacheHit,
        "Cache hit ratio over time (99 % line: the warning threshold)".into(),
        svg,
        HEIGHT,
        ChartKind::Lines,
        "%",
    )
    .table(
        &["cache hit %"],
        pts.iter().map(|(at, v)| row(timestamp(*at), [num(*v)])).collect(),
    ))
}

fn table_sizes(run: &AdvisorRun, theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let tables: Vec<_> = run.metrics.tables.iter().take(12).collect();
    let max = tables.iter().map(|t| t.bytes).fold(0.0f64, f64::max);
    let (unit, div) = if max >= 1024.0 * 1024.0 * 100.0 {
        ("MiB", 1024.0 * 1024.0)
    } else {
        ("KiB", 1024.0)
    };
    let bars: Vec<(String, u32)> = tables
        .iter()
        .map(|t| {
            let name = t.table.rsplit('.').next().unwrap_or(&t.table);
            let short: String = name.chars().take(12).collect();
            (short, (t.bytes / div).round() as u32)
        })
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        // Every other label when they would run into each other; the
        // table beside the chart names every bar.
        let every = if bars.len() > 6 { 2 } else { 1 };
        bar_panel(&root, &p, &format!("Largest tables ({unit})"), &bars, every)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::TableSizes,
        format!("Table sizes in {unit} (data and indexes), latest run"),
        svg,
        HEIGHT,
        ChartKind::Bars,
        unit,
    )
    .table(
        &["size"],
        tables
            .iter()
            .map(|t| row(&t.table, [num(t.bytes / div)]))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(at: i64, mean: f64, hit: Option<f64>) -> AdvisorRun {
        AdvisorRun {
            at,
            metrics: Metrics {
                cache_hit_pct: hit,
                queries: vec![QueryMetric {
                    id: "abc".into(),
                    calls: 100.0,
                    mean_ms: mean,
                }],
                tables: vec![TableMetric {
                    table: "orders".into(),
                    bytes: 4.0 * 1024.0 * 1024.0,
                }],
            },
        }
    }

    #[test]
    fn charts_are_drawn_only_for_data_that_exists() {
        assert!(charts(&[], Theme::Light).unwrap().is_empty());
        let runs = [run(2_000_000, 30.0, Some(97.0)), run(1_000_000, 40.0, None)];
        let c = charts(&runs, Theme::Dark).unwrap();
        assert_eq!(c.len(), 3);
        assert!(c[0].svg.contains("q1"), "the legend names the series");
        assert!(c[2].svg.contains("orders"));
        assert!(c[2].title.contains("KiB"));
        assert_eq!(c[0].columns, ["q1 mean ms", "q1 calls"]);
        assert_eq!(c[0].rows[0].values, [num(40.0), num(100.0)], "oldest run first");
        assert_eq!(
            (c[2].rows[0].label.as_str(), c[2].rows[0].values[0].clone()),
            ("orders", num(4096.0))
        );
        let ids: Vec<ChartId> = c.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            [ChartId::SlowStatements, ChartId::CacheHit, ChartId::TableSizes]
        );
        assert_eq!(c[2].unit, "KiB", "the table's unit, not parsed from the title");
        let no_cache = [run(1, 1.0, None)];
        let ids: Vec<ChartId> = charts(&no_cache, Theme::Light)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, [ChartId::SlowStatements, ChartId::TableSizes]);
    }
}
