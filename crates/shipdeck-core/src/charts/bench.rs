//! Charts of the Benchmarks area: a metric over time annotated with
//! release tags, latency by percentile, and concurrency curves.

use plotters::prelude::*;

use super::{draw_err, time_mesh, time_span, to_time, Chart, Theme, Themed, HEIGHT, WIDTH};
use crate::error::Result;

/// One metric over time (a point per run), with a dashed vertical line and
/// the tag name at every run measured on a release tag.
pub fn bench_over_time(
    metric: &str,
    unit: &str,
    points: &[(i64, f64, Vec<String>)],
    theme: Theme,
) -> Result<Chart> {
    let p = theme.palette();
    let (lo, hi) = time_span(points.iter().map(|x| x.0));
    let span = (hi - lo).max(1);
    let (lo, hi) = (lo - span / 20, hi + span / 20);
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
            .build_cartesian_2d(to_time(lo)..to_time(hi), 0.0..max * 1.15)
            .map_err(draw_err)?;
        time_mesh(&mut chart, &p, 5, unit)?;
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
