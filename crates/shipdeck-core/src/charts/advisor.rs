//! Advisor charts from stored runs: the slowest statements' mean time and
//! calls over time, the cache hit ratio trend, and table sizes.

use plotters::prelude::*;

use super::{bar_panel, draw_err, time_mesh, time_span, to_time, Chart, Theme, HEIGHT, WIDTH};
use crate::error::Result;
use crate::store::AdvisorRun;

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
    let (lo, hi) = time_span(runs.iter().map(|r| r.at));
    let series = |value: fn(&crate::advisor::QueryMetric) -> f64| -> Vec<(String, Vec<(i64, f64)>)> {
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
            let text = ("sans-serif", 11).into_font().color(&p.text);
            let mut chart = ChartBuilder::on(area)
                .margin(8)
                .x_label_area_size(22)
                .y_label_area_size(60)
                .build_cartesian_2d(to_time(lo)..to_time(hi), 0.0..max * 1.1)
                .map_err(draw_err)?;
            time_mesh(&mut chart, &p, 4, desc)?;
            for (i, (label, pts)) in data.iter().enumerate() {
                let colour = SERIES[i % SERIES.len()];
                let pts: Vec<_> = pts.iter().map(|(t, v)| (to_time(*t), *v)).collect();
                chart
                    .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
                    .map_err(draw_err)?
                    .label(label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 14, y)], colour.stroke_width(2))
                    });
                chart
                    .draw_series(pts.iter().map(|&pt| Circle::new(pt, 3, colour.filled())))
                    .map_err(draw_err)?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .label_font(text)
                .border_style(p.axis)
                .background_style(TRANSPARENT)
                .draw()
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: format!(
            "Slowest statements: mean time and calls over {} run(s)",
            runs.len()
        ),
        svg,
        width: WIDTH,
        height,
    })
}

fn cache_hit(runs: &[AdvisorRun], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let mut pts: Vec<(i64, f64)> = runs
        .iter()
        .filter_map(|r| Some((r.at, r.metrics.cache_hit_pct?)))
        .collect();
    pts.sort_by_key(|x| x.0);
    let (lo, hi) = time_span(pts.iter().map(|x| x.0));
    let floor = pts.iter().map(|x| x.1).fold(100.0f64, f64::min).min(98.0).floor() - 1.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(22)
            .y_label_area_size(60)
            .build_cartesian_2d(to_time(lo)..to_time(hi), floor.max(0.0)..100.5)
            .map_err(draw_err)?;
        time_mesh(&mut chart, &p, 5, "cache hit %")?;
        // The 99 % line PgHero warns below.
        let warn = RGBColor(0xd9, 0x77, 0x06);
        chart
            .draw_series(LineSeries::new(
                vec![(to_time(lo), 99.0), (to_time(hi), 99.0)],
                warn.stroke_width(1),
            ))
            .map_err(draw_err)?;
        let pts: Vec<_> = pts.iter().map(|(t, v)| (to_time(*t), *v)).collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(pts.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        title: "Cache hit ratio over time (99 % line: the warning threshold)".into(),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
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
    Ok(Chart {
        title: format!("Table sizes in {unit} (data and indexes), latest run"),
        svg,
        width: WIDTH,
        height: HEIGHT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisor::{Metrics, QueryMetric, TableMetric};

    fn run(at: i64, mean: f64, hit: Option<f64>) -> AdvisorRun {
        AdvisorRun {
            id: at,
            at,
            duration_ms: 10,
            findings: 1,
            checks: vec![],
            notices: vec![],
            metrics: Metrics {
                cache_hit_pct: hit,
                queries: vec![QueryMetric {
                    id: "abc".into(),
                    query: "SELECT 1".into(),
                    calls: 100.0,
                    mean_ms: mean,
                    total_ms: mean * 100.0,
                }],
                tables: vec![TableMetric {
                    table: "orders".into(),
                    bytes: 4.0 * 1024.0 * 1024.0,
                    rows: 50_000.0,
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
        let no_cache = [run(1, 1.0, None)];
        assert_eq!(charts(&no_cache, Theme::Light).unwrap().len(), 2);
    }
}
