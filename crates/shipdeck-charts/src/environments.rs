//! Charts of the Environments area: the parity heat map and parity and
//! health over time.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::legend::{legend, Entry, Mark};
use super::{
    draw_err, num, row, timestamp, Chart, ChartId, ChartKind, Datum, Result, Theme, Themed, TimeAxis, HEIGHT,
    WIDTH,
};

/// A key's value in one environment, compared with the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    Same,
    Differs,
    Missing,
    Empty,
}

/// One key: its cells in the order of [`ParityGrid::environments`]
/// (`None` where the comparison has no cell).
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub key: String,
    pub same_across: bool,
    pub cells: Vec<Option<CellState>>,
}

/// Keys × environments.
#[derive(Debug, Clone)]
pub struct ParityGrid {
    pub environments: Vec<String>,
    pub keys: Vec<KeyRow>,
}

/// One health poll: each environment, healthy or not.
#[derive(Debug, Clone)]
pub struct HealthPoll {
    pub at: i64,
    pub environments: Vec<(String, bool)>,
}

/// The states in legend order, with their names.
const STATES: [(CellState, &str); 4] = [
    (CellState::Same, "same"),
    (CellState::Differs, "differs"),
    (CellState::Missing, "missing"),
    (CellState::Empty, "empty"),
];

/// Height of the legend row under a chart.
const LEGEND_ROW: u32 = 22;

/// Colour of a parity cell: the same in both themes.
fn cell_colour(state: CellState) -> RGBColor {
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
pub fn parity_heatmap(report: &ParityGrid, theme: Theme) -> Result<Chart> {
    let p = theme.palette();
    let mut keys: Vec<&KeyRow> = report.keys.iter().collect();
    keys.sort_by_key(|k| (k.same_across, k.key.clone()));
    let hidden = keys.len().saturating_sub(HEATMAP_ROWS);
    keys.truncate(HEATMAP_ROWS);
    let envs = &report.environments;
    let (cols, rows) = (envs.len().max(1) as u32, keys.len().max(1) as u32);
    let height = (rows * 16 + 70).max(140) + LEGEND_ROW;
    let mut svg = String::new();
    {
        let page = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let (root, foot) = page.split_vertically(height - LEGEND_ROW);
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
            (0..envs.len())
                .filter_map(move |c| Some(cell(c as u32, y, cell_colour((*k.cells.get(c)?)?).filled())))
        });
        chart.draw_series(cells).map_err(draw_err)?;
        // Cell borders, so neighbouring cells of one colour stay apart.
        let border = ShapeStyle::from(&p.grid).stroke_width(2);
        let grid = (0..keys.len() as u32)
            .flat_map(|r| (0..envs.len() as u32).map(move |x| cell(x, rows - 1 - r, border)));
        chart.draw_series(grid).map_err(draw_err)?;
        let entries = STATES.map(|(state, name)| Entry::new(name, cell_colour(state), Mark::Swatch));
        legend(&foot, &p, (208, 4), &entries)?;
        page.present().map_err(draw_err)?;
    }
    let shown = keys.len();
    Ok(Chart::drawn(
        ChartId::ParityHeatmap,
        if hidden > 0 {
            format!("Parity of {shown} keys (problems first; {hidden} more in the table)")
        } else {
            format!("Parity of {shown} keys across {} environments", envs.len())
        },
        svg,
        height,
        ChartKind::HeatMap,
        "",
    )
    .table(
        &envs.iter().map(String::as_str).collect::<Vec<_>>(),
        heat_rows(&keys),
    ))
}

/// One heat map cell, in segment coordinates.
fn cell(x: u32, y: u32, style: ShapeStyle) -> Rectangle<(SegmentValue<u32>, SegmentValue<u32>)> {
    Rectangle::new(
        [
            (SegmentValue::Exact(x), SegmentValue::Exact(y)),
            (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
        ],
        style,
    )
}

/// The heat map's table: a row per key shown, each cell's state by name.
fn heat_rows(keys: &[&KeyRow]) -> Vec<super::ChartRow> {
    let name = |s: CellState| STATES.iter().find(|x| x.0 == s).map(|x| Datum::Text(x.1.into()));
    keys.iter()
        .map(|k| row(&k.key, k.cells.iter().map(|c| c.and_then(name))))
        .collect()
}

const HEALTHY: RGBColor = RGBColor(0x16, 0xa3, 0x4a);
const UNHEALTHY: RGBColor = RGBColor(0xdc, 0x26, 0x26);

/// The health panel: a row per environment, a dot per poll.
fn health_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    p: &super::Palette,
    axis: &TimeAxis,
    envs: &[String],
    dots: &[(i64, String, bool)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let rows = envs.len().max(1) as u32;
    let mut status = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(22)
        .y_label_area_size(90)
        .build_cartesian_2d(axis.range(), (0u32..rows - 1).into_segmented())
        .map_err(draw_err)?;
    status
        .configure_mesh()
        .disable_mesh()
        .axis_style(p.axis)
        .label_style(("sans-serif", 11).into_font().color(&p.text))
        .x_label_formatter(&|t| axis.label(*t))
        .y_labels(rows as usize)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) => envs.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(draw_err)?;
    status
        .draw_series(dots.iter().filter_map(|(at, env, ok)| {
            let row = envs.iter().position(|e| e == env)? as u32;
            let colour = if *ok { HEALTHY } else { UNHEALTHY };
            Some(Circle::new(
                (*at, SegmentValue::CenterOf(row)),
                4,
                colour.filled(),
            ))
        }))
        .map_err(draw_err)?;
    Ok(())
}

/// Parity score (0–100 %) of every recorded parity run, and every recorded
/// health poll as a dot per environment (green healthy, red not).
/// `parity` holds each parity run's time and score.
pub fn environment_history(
    parity: &[(i64, Option<f64>)],
    health: &[HealthPoll],
    theme: Theme,
) -> Result<Chart> {
    let p = theme.palette();
    let axis = TimeAxis::new(
        parity.iter().map(|r| r.0).chain(health.iter().map(|h| h.at)),
        0.0,
        5,
    );
    let mut envs: Vec<String> = Vec::new();
    let mut dots = Vec::new();
    for poll in health {
        for (env, ok) in &poll.environments {
            if !envs.contains(env) {
                envs.push(env.clone());
            }
            dots.push((poll.at, env.clone(), *ok));
        }
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let (top, bottom) = root.split_vertically(HEIGHT * 3 / 5);
        let text = ("sans-serif", 11).into_font().color(&p.text);
        let mut score = ChartBuilder::on(&top)
            .margin(8)
            .margin_top(22)
            .x_label_area_size(0)
            .y_label_area_size(90)
            .build_cartesian_2d(axis.range(), 0.0..100.0)
            .map_err(draw_err)?;
        score
            .configure_mesh()
            .disable_x_mesh()
            .themed(&p, text)
            .y_labels(5)
            .y_desc("parity %")
            .draw()
            .map_err(draw_err)?;
        let mut points: Vec<_> = parity.iter().filter_map(|r| Some((r.0, r.1?))).collect();
        points.sort_by_key(|a| a.0);
        score
            .draw_series(LineSeries::new(points.clone(), p.bar.stroke_width(2)))
            .map_err(draw_err)?;
        score
            .draw_series(points.iter().map(|&pt| Circle::new(pt, 3, p.bar.filled())))
            .map_err(draw_err)?;
        health_panel(&bottom, &p, &axis, &envs, &dots)?;
        let entries = [
            Entry::new("parity %", p.bar, Mark::Line),
            Entry::new("healthy", HEALTHY, Mark::Dot),
            Entry::new("unhealthy", UNHEALTHY, Mark::Dot),
        ];
        legend(&top, &p, (100, 6), &entries)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Chart::drawn(
        ChartId::EnvironmentHistory,
        format!(
            "Parity score ({} run{}) and health ({} poll{}) over time",
            parity.len(),
            if parity.len() == 1 { "" } else { "s" },
            health.len(),
            if health.len() == 1 { "" } else { "s" },
        ),
        svg,
        HEIGHT,
        ChartKind::Lines,
        "%",
    )
    .table(
        &["parity %", "healthy", "unhealthy"],
        history_rows(parity, health),
    ))
}

/// The history's table: a row per parity run (its score) and per health
/// poll (the environments healthy and not), in time order.
fn history_rows(parity: &[(i64, Option<f64>)], health: &[HealthPoll]) -> Vec<super::ChartRow> {
    let names = |poll: &HealthPoll, ok: bool| {
        let envs: Vec<&str> = poll
            .environments
            .iter()
            .filter(|e| e.1 == ok)
            .map(|e| e.0.as_str())
            .collect();
        (!envs.is_empty()).then(|| Datum::Text(envs.join(", ")))
    };
    let mut rows: Vec<(i64, super::ChartRow)> = parity
        .iter()
        .map(|(at, score)| (*at, row(timestamp(*at), [score.and_then(num), None, None])))
        .chain(health.iter().map(|h| {
            (
                h.at,
                row(timestamp(h.at), [None, names(h, true), names(h, false)]),
            )
        }))
        .collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legend::tests::{rects, texts};
    use crate::legend::SWATCH;

    fn report(states: &[(&str, [CellState; 2])]) -> ParityGrid {
        ParityGrid {
            environments: vec!["dev".to_string(), "prod".to_string()],
            keys: states
                .iter()
                .map(|(key, cells)| KeyRow {
                    key: key.to_string(),
                    same_across: cells.iter().all(|c| *c == CellState::Same),
                    cells: cells.iter().map(|c| Some(*c)).collect(),
                })
                .collect(),
        }
    }

    /// Cells of the grid: rects bigger than a legend swatch.
    fn cells(svg: &str, fill: &str) -> usize {
        rects(svg)
            .iter()
            .filter(|r| r.4 == fill && (r.2, r.3) != (SWATCH, SWATCH))
            .count()
    }

    #[test]
    fn the_heat_map_colours_each_cell_by_its_state_problems_first() {
        use CellState::*;
        let r = report(&[
            ("APP_NAME", [Same, Same]),
            ("LOG_LEVEL", [Same, Missing]),
            ("PORT", [Differs, Differs]),
        ]);
        let svg = parity_heatmap(&r, Theme::Light).unwrap().svg;
        assert_eq!(cells(&svg, "#16A34A"), 3, "same cells");
        assert_eq!(cells(&svg, "#DC2626"), 1, "missing cells");
        assert_eq!(cells(&svg, "#F59E0B"), 2, "differing cells");
        let chart = parity_heatmap(&r, Theme::Light).unwrap();
        assert_eq!(chart.columns, ["dev", "prod"]);
        assert_eq!(chart.rows[0].label, "LOG_LEVEL", "problems first");
        assert_eq!(
            chart.rows[0].values,
            [
                Some(Datum::Text("same".into())),
                Some(Datum::Text("missing".into()))
            ]
        );
        // At most HEATMAP_ROWS rows; the title says how many more the table has.
        let many: Vec<String> = (0..45).map(|i| format!("KEY_{i:02}")).collect();
        let rows: Vec<(&str, [CellState; 2])> = many.iter().map(|k| (k.as_str(), [Same, Differs])).collect();
        let chart = parity_heatmap(&report(&rows), Theme::Light).unwrap();
        assert_eq!(cells(&chart.svg, "#F59E0B"), HEATMAP_ROWS);
        assert!(chart.title.contains("5 more in the table"), "{}", chart.title);
    }

    #[test]
    fn the_heat_map_legend_draws_every_state_with_one_swatch_size() {
        // The "empty" swatch once came out several times larger than the others.
        let svg = parity_heatmap(
            &report(&[("A", [CellState::Same, CellState::Empty])]),
            Theme::Dark,
        )
        .unwrap()
        .svg;
        for (state, name) in STATES {
            let RGBColor(r, g, b) = cell_colour(state);
            let fill = format!("#{r:02X}{g:02X}{b:02X}");
            let swatches: Vec<_> = rects(&svg)
                .into_iter()
                .filter(|x| x.4 == fill && x.2 <= SWATCH * 2)
                .collect();
            assert_eq!(swatches.len(), 1, "{name}: {swatches:?}");
            assert_eq!((swatches[0].2, swatches[0].3), (SWATCH, SWATCH), "{name}");
            assert!(texts(&svg).iter().any(|t| t == name), "{name} is labelled");
        }
    }

    #[test]
    fn the_history_chart_draws_a_dot_per_health_poll_and_environment() {
        let parity = [(1_000, Some(40.0)), (61_000, Some(80.0))];
        let health = [HealthPoll {
            at: 2_000,
            environments: vec![("dev".into(), true), ("prod".into(), false)],
        }];
        let chart = environment_history(&parity, &health, Theme::Light).unwrap();
        // One dot each, plus the legend's healthy and unhealthy dots.
        assert_eq!(
            chart.svg.matches("fill=\"#16A34A\"").count(),
            2,
            "one healthy dot"
        );
        assert_eq!(
            chart.svg.matches("fill=\"#DC2626\"").count(),
            2,
            "one failing dot"
        );
        assert!(texts(&chart.svg).iter().any(|t| t == "unhealthy"));
        assert!(
            chart.title.contains("2 runs") && chart.title.contains("1 poll)"),
            "{}",
            chart.title
        );
    }
}
