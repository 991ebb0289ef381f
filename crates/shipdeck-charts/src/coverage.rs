//! The Coverage area's chart: an area's line coverage per run, with its
//! threshold drawn and the runs measured on release tags annotated.

use plotters::prelude::*;

use super::legend::{legend, Entry, Mark};
use super::{
    draw_err, num, row, time_mesh, Chart, ChartId, ChartKind, Datum, Result, Theme, TimeAxis, HEIGHT, WIDTH,
};

/// One run of an area.
#[derive(Debug, Clone, PartialEq)]
pub struct CoveragePoint {
    /// The run's name in the table (two runs can share a second).
    pub label: String,
    /// Unix milliseconds.
    pub at: i64,
    /// Line coverage, 0–100.
    pub pct: f64,
    /// The area's threshold at that run.
    pub threshold: f64,
    /// Release tags pointing at the run's commit.
    pub tags: Vec<String>,
}

const TAG: RGBColor = RGBColor(0x7c, 0x3a, 0xed);
const THRESHOLD: RGBColor = RGBColor(0xdc, 0x26, 0x26);

/// Line coverage of `area` over its runs (oldest first): a point per run
/// (red when under the threshold), the threshold as a dashed line stepping
/// where it changed, and a dashed vertical line with the tag names at
/// every run on a release tag.
pub fn coverage_over_time(area: &str, points: &[CoveragePoint], theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let axis = TimeAxis::new(points.iter().map(|x| x.at), 0.05, 5);
    let (lo, hi) = (0.0, 112.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_top(22)
            .margin_right(40)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(axis.range(), lo..hi)
            .map_err(draw_err)?;
        time_mesh(&mut chart, &axis, &p, 6, "lines %")?;
        for x in points.iter().filter(|x| !x.tags.is_empty()) {
            chart
                .draw_series(DashedLineSeries::new(
                    [(x.at, lo), (x.at, 100.0)],
                    4,
                    3,
                    TAG.stroke_width(1),
                ))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    x.tags.join(", "),
                    (x.at, 108.0),
                    ("sans-serif", 11).into_font().color(&TAG),
                )))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                threshold_steps(points, &axis),
                6,
                4,
                THRESHOLD.stroke_width(1),
            ))
            .map_err(draw_err)?;
        let line: Vec<_> = points.iter().map(|x| (x.at, x.pct)).collect();
        chart
            .draw_series(LineSeries::new(line, p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(points.iter().map(|x| {
                let colour = if x.pct >= x.threshold { p.bar } else { THRESHOLD };
                Circle::new((x.at, x.pct), 3, colour.filled())
            }))
            .map_err(draw_err)?;
        legend(
            &root,
            &p,
            (70, 4),
            &[
                Entry::new("lines %", p.bar, Mark::Line),
                Entry::new("threshold", THRESHOLD, Mark::Dashed),
                Entry::new("release tag", TAG, Mark::Dashed),
            ],
        )?;
        root.present().map_err(draw_err)?;
    }
    Ok(chart(area, points, svg))
}

/// The threshold across the axis: flat, stepping at the run it changed.
fn threshold_steps(points: &[CoveragePoint], axis: &TimeAxis) -> Vec<(i64, f64)> {
    let Some(first) = points.first() else {
        return Vec::new();
    };
    let mut steps = vec![(axis.lo, first.threshold)];
    for w in points.windows(2) {
        if w[0].threshold != w[1].threshold {
            steps.push((w[1].at, w[0].threshold));
            steps.push((w[1].at, w[1].threshold));
        }
    }
    steps.push((axis.hi, points.last().map_or(first.threshold, |x| x.threshold)));
    steps
}

fn chart(area: &str, points: &[CoveragePoint], svg: String) -> Chart {
    Chart::drawn(
        ChartId::CoverageOverTime,
        format!(
            "{area}: line coverage over {} run{}",
            points.len(),
            if points.len() == 1 { "" } else { "s" }
        ),
        svg,
        HEIGHT,
        ChartKind::Lines,
        "%",
    )
    .table(
        &["lines", "threshold", "tags"],
        points
            .iter()
            .map(|x| {
                row(
                    x.label.clone(),
                    [
                        num(x.pct),
                        num(x.threshold),
                        (!x.tags.is_empty()).then(|| Datum::Text(x.tags.join(", "))),
                    ],
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at: i64, pct: f64, threshold: f64, tags: &[&str]) -> CoveragePoint {
        CoveragePoint {
            label: format!("#{at}"),
            at,
            pct,
            threshold,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn the_threshold_is_drawn_and_release_tags_annotate_their_runs() {
        let points = [
            point(1_000, 64.0, 70.0, &[]),
            point(61_000, 72.5, 70.0, &["v2.0.0"]),
            point(121_000, 75.0, 75.0, &[]),
        ];
        let chart = coverage_over_time("backend", &points, Theme::Light).unwrap();
        assert_eq!(chart.id, ChartId::CoverageOverTime);
        assert!(chart.svg.contains("v2.0.0"), "the tag is written on the chart");
        assert!(chart.svg.contains("#7C3AED"), "in the annotation colour");
        assert!(
            chart.svg.contains("#DC2626"),
            "the threshold line and the failing run"
        );
        assert_eq!(chart.svg.matches("<circle").count(), 3, "a point per run");
        assert!(chart.title.starts_with("backend: line coverage over 3 runs"));
        assert_eq!(
            chart.rows[1].values,
            [num(72.5), num(70.0), Some(Datum::Text("v2.0.0".into()))]
        );
    }

    #[test]
    fn the_threshold_steps_where_it_changed() {
        let points = [point(0, 50.0, 70.0, &[]), point(10, 60.0, 80.0, &[])];
        let axis = TimeAxis::new(points.iter().map(|x| x.at), 0.05, 5);
        let steps = threshold_steps(&points, &axis);
        let ys: Vec<f64> = steps.iter().map(|s| s.1).collect();
        assert_eq!(ys, [70.0, 70.0, 80.0, 80.0]);
        assert_eq!(steps[1].0, 10);
        assert!(threshold_steps(&[], &axis).is_empty());
    }
}
