//! Charts of the Environments area: the parity heat map and parity and
//! health over time.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::{draw_err, time_span, to_time, Chart, Theme, Themed, HEIGHT, WIDTH};
use crate::error::Result;

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
    let (lo, hi) = time_span(parity.iter().chain(health).map(|r| r.at));
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
            .themed(&p, text.clone())
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
