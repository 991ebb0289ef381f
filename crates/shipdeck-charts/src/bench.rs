//! Charts of the Benchmarks area: a metric over time annotated with
//! release tags, latency by percentile, and concurrency curves.

use plotters::prelude::*;

use super::legend::{legend, Entry, Mark};
use super::{
    draw_err, num, row, time_mesh, timestamp, Chart, ChartId, ChartKind, Datum, Result, Theme, Themed,
    TimeAxis, HEIGHT, WIDTH,
};

/// One metric over time (a point per run), with a dashed vertical line and
/// the tag name at every run measured on a release tag.
pub fn bench_over_time(
    metric: &str,
    unit: &str,
    points: &[(i64, f64, Vec<String>)],
    theme: Theme,
) -> Result<Chart> {
    let p = theme.palette();
    let axis = TimeAxis::new(points.iter().map(|x| x.0), 0.05, 5);
    let max = points.iter().map(|x| x.1).fold(0.0_f64, f64::max).max(1e-9);
    let tag_colour = RGBColor(0x7c, 0x3a, 0xed);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_top(22)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(axis.range(), 0.0..max * 1.15)
            .map_err(draw_err)?;
        time_mesh(&mut chart, &axis, &p, 5, unit)?;
        for (at, _, tags) in points.iter().filter(|x| !x.2.is_empty()) {
            let t = *at;
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
        let line: Vec<_> = points.iter().map(|(at, v, _)| (*at, *v)).collect();
        chart
            .draw_series(LineSeries::new(line.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(line.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::BenchOverTime,
        format!(
            "{metric} ({unit}) over {} run{}",
            points.len(),
            if points.len() == 1 { "" } else { "s" }
        ),
        svg,
        HEIGHT,
        ChartKind::Lines,
        unit,
    )
    .table(
        &[metric, "tags"],
        points
            .iter()
            .map(|(at, v, tags)| {
                row(
                    timestamp(*at),
                    [num(*v), (!tags.is_empty()).then(|| Datum::Text(tags.join(", ")))],
                )
            })
            .collect(),
    ))
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
            .themed(&p, text)
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
    Ok(Chart::drawn(
        ChartId::BenchPercentiles,
        format!("{metric}: latency by percentile ({n} samples)"),
        svg,
        HEIGHT,
        ChartKind::Curve,
        unit,
    )
    .table(
        &["latency"],
        [50.0, 90.0, 99.0, 99.9, 100.0]
            .iter()
            .filter(|_| n > 0)
            .map(|pct: &f64| {
                let i = ((pct / 100.0 * n as f64).ceil() as usize).clamp(1, n) - 1;
                row(format!("p{pct}"), [num(sorted[i])])
            })
            .collect(),
    ))
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
            .themed(&p, text.clone())
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
        let entries = [
            Entry::new("req/s", p.bar, Mark::Line),
            Entry::new("p99", latency_colour, Mark::Dashed),
        ];
        legend(&root, &p, (76, 14), &entries)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::BenchConcurrency,
        format!("{scenario}: throughput (solid) and p99 (dashed) by connections"),
        svg,
        HEIGHT,
        ChartKind::Curve,
        "req/s",
    )
    .table(
        &["req/s", "p99 ms"],
        points
            .iter()
            .map(|(c, rps, p99)| row(c.to_string(), [num(*rps), num(*p99)]))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legend::tests::texts;

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
        assert_eq!(chart.rows.len(), 3);
        assert_eq!(chart.rows[1].label, "1970-01-01 00:01:01");
        assert_eq!(
            chart.rows[1].values,
            [num(11.0), Some(Datum::Text("v1.4.0".into()))]
        );
    }

    #[test]
    fn runs_within_one_minute_get_distinct_time_labels() {
        // Four runs on Nov 25 between 21:16:05 and 21:16:50 UTC: the axis
        // once read "Nov 25 21:16" four times.
        let t0 = 1_795_641_360_000;
        let points: Vec<_> = [5, 20, 35, 50]
            .iter()
            .map(|s| (t0 + s * 1_000, 10.0 + *s as f64 / 10.0, vec![]))
            .collect();
        let svg = bench_over_time("GET /: latency", "ms", &points, Theme::Light)
            .unwrap()
            .svg;
        let times: Vec<String> = texts(&svg).into_iter().filter(|t| t.contains(':')).collect();
        assert!(times.len() >= 3, "{times:?}");
        let mut unique = times.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), times.len(), "repeated tick labels: {times:?}");
        assert!(!times.iter().any(|t| t == "Nov 25 21:16"), "{times:?}");
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
        assert!(
            texts(&chart.svg).iter().any(|t| t == "p99"),
            "the legend names the dashed line"
        );
    }
}
