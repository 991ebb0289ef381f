//! A treemap of a build: one box per output file, split into its packages,
//! areas by bytes (squarified, so boxes stay close to square), and beside
//! it the largest files and packages with their sizes.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::data::{num, row, Chart, ChartId, ChartKind, Datum};
use crate::{draw_err, Result, Theme};

/// One box and the boxes inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeGroup {
    pub label: String,
    pub bytes: u64,
    /// (label, bytes); their sum may be under `bytes` (the rest is drawn
    /// as the group's own colour).
    pub children: Vec<(String, u64)>,
}

const W: u32 = 960;
const H: u32 = 540;
/// The treemap's width; the list beside it takes the rest.
const MAP_W: f64 = 660.0;
/// Entries in the list beside.
const LISTED: usize = 24;

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The worst aspect ratio of a row of `areas` laid along a side `side` long.
fn worst(areas: &[f64], side: f64) -> f64 {
    let s: f64 = areas.iter().sum();
    let (mx, mn) = areas
        .iter()
        .fold((0f64, f64::MAX), |(a, b), v| (a.max(*v), b.min(*v)));
    if s <= 0.0 || mn <= 0.0 {
        return f64::MAX;
    }
    let s2 = s * s;
    let w2 = side * side;
    (w2 * mx / s2).max(s2 / (w2 * mn))
}

/// Lays `row` (areas) along the shorter side of `r`; the rest of `r`.
fn lay_row(row: &[f64], r: Rect, out: &mut Vec<Rect>) -> Rect {
    let s: f64 = row.iter().sum();
    if r.w >= r.h {
        let cw = if r.h > 0.0 { s / r.h } else { 0.0 };
        let mut y = r.y;
        for a in row {
            let h = if cw > 0.0 { a / cw } else { 0.0 };
            out.push(Rect { x: r.x, y, w: cw, h });
            y += h;
        }
        Rect {
            x: r.x + cw,
            y: r.y,
            w: (r.w - cw).max(0.0),
            h: r.h,
        }
    } else {
        let rh = if r.w > 0.0 { s / r.w } else { 0.0 };
        let mut x = r.x;
        for a in row {
            let w = if rh > 0.0 { a / rh } else { 0.0 };
            out.push(Rect { x, y: r.y, w, h: rh });
            x += w;
        }
        Rect {
            x: r.x,
            y: r.y + rh,
            w: r.w,
            h: (r.h - rh).max(0.0),
        }
    }
}

/// Squarified treemap (Bruls, Huizing, van Wijk) of `values`, sorted
/// largest first, in `r`: a rectangle per value, in order. Written here as
/// it is a few lines over the drawing library's primitives.
pub fn squarify(values: &[u64], r: Rect) -> Vec<Rect> {
    let total: f64 = values.iter().map(|v| *v as f64).sum();
    if total <= 0.0 {
        return values
            .iter()
            .map(|_| Rect {
                x: r.x,
                y: r.y,
                w: 0.0,
                h: 0.0,
            })
            .collect();
    }
    let scale = r.w * r.h / total;
    let areas: Vec<f64> = values.iter().map(|v| *v as f64 * scale).collect();
    let mut out = Vec::with_capacity(areas.len());
    let mut rest = r;
    let mut row: Vec<f64> = Vec::new();
    for a in areas {
        let side = rest.w.min(rest.h);
        let mut with = row.clone();
        with.push(a);
        if row.is_empty() || worst(&with, side) <= worst(&row, side) {
            row = with;
        } else {
            rest = lay_row(&row, rest, &mut out);
            row = vec![a];
        }
    }
    if !row.is_empty() {
        lay_row(&row, rest, &mut out);
    }
    out
}

/// Sizes as the JavaScript tools print them (1000-based).
pub fn human_bytes(b: u64) -> String {
    match b {
        0..1_000 => format!("{b} B"),
        1_000..1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        _ => format!("{:.2} MB", b as f64 / 1e6),
    }
}

const HUES: [(u8, u8, u8); 8] = [
    (0x25, 0x63, 0xeb),
    (0x16, 0xa3, 0x4a),
    (0xd9, 0x77, 0x06),
    (0xdb, 0x27, 0x77),
    (0x79, 0x3a, 0xed),
    (0x08, 0x91, 0xb2),
    (0xdc, 0x26, 0x26),
    (0x65, 0xa3, 0x0d),
];

/// Groups largest first, children largest first, empty ones dropped.
fn sorted(groups: &[TreeGroup]) -> Vec<TreeGroup> {
    let mut gs: Vec<TreeGroup> = groups.iter().filter(|g| g.bytes > 0).cloned().collect();
    gs.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.label.cmp(&b.label)));
    for g in &mut gs {
        g.children.retain(|c| c.1 > 0);
        g.children
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let inside: u64 = g.children.iter().map(|c| c.1).sum();
        if inside < g.bytes && !g.children.is_empty() {
            g.children.push((String::new(), g.bytes - inside));
        }
    }
    gs
}

/// The treemap of `groups` (output files and the packages in them).
pub fn treemap(groups: &[TreeGroup], title: &str, theme: Theme) -> Result<Chart> {
    let gs = sorted(groups);
    let p = theme.palette();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let font = |size: u32| ("sans-serif", size).into_font().color(&p.text);
        let outer = squarify(
            &gs.iter().map(|g| g.bytes).collect::<Vec<_>>(),
            Rect {
                x: 4.0,
                y: 4.0,
                w: MAP_W - 8.0,
                h: f64::from(H) - 8.0,
            },
        );
        for (i, (g, r)) in gs.iter().zip(&outer).enumerate() {
            let (cr, cg, cb) = HUES[i % HUES.len()];
            let inner = Rect {
                x: r.x + 2.0,
                y: r.y + 16.0,
                w: (r.w - 4.0).max(0.0),
                h: (r.h - 18.0).max(0.0),
            };
            let kids = squarify(&g.children.iter().map(|c| c.1).collect::<Vec<_>>(), inner);
            draw_rect(&root, *r, RGBColor(cr, cg, cb).mix(0.35).filled())?;
            for ((label, bytes), k) in g.children.iter().zip(&kids) {
                let alpha = if label.is_empty() { 0.15 } else { 0.7 };
                draw_rect(&root, *k, RGBColor(cr, cg, cb).mix(alpha).filled())?;
                draw_rect(&root, *k, WHITE.mix(0.6).stroke_width(1))?;
                if !label.is_empty() && k.w > 60.0 && k.h > 14.0 {
                    label_in(&root, *k, &format!("{label} {}", human_bytes(*bytes)), font(10))?;
                }
            }
            draw_rect(&root, *r, p.text.mix(0.8).stroke_width(1))?;
            if r.w > 50.0 && r.h > 14.0 {
                label_in(
                    &root,
                    *r,
                    &format!("{} {}", g.label, human_bytes(g.bytes)),
                    font(11),
                )?;
            }
        }
        legend(&root, &gs, title, &p.text)?;
        root.present().map_err(draw_err)?;
    }
    let mut rows = Vec::new();
    for g in &gs {
        rows.push(row(
            g.label.clone(),
            [num(g.bytes as f64), Some(Datum::Text(String::new()))],
        ));
        for (label, bytes) in g.children.iter().filter(|c| !c.0.is_empty()) {
            // A package is in many files: the row names the file too, so
            // every row's label is distinct.
            rows.push(row(
                format!("{} › {label}", g.label),
                [num(*bytes as f64), Some(Datum::Text(g.label.clone()))],
            ));
        }
    }
    let mut c = Chart::drawn(
        ChartId::BundleTreemap,
        title.to_string(),
        svg,
        H,
        ChartKind::Treemap,
        "bytes",
    )
    .table(&["bytes", "in"], rows);
    c.width = W;
    Ok(c)
}

fn draw_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    r: Rect,
    style: ShapeStyle,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (x0, y0) = (r.x.round() as i32, r.y.round() as i32);
    let (x1, y1) = ((r.x + r.w).round() as i32, (r.y + r.h).round() as i32);
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
        .map_err(draw_err)
}

/// A label at the top left of `r`, cut to its width.
fn label_in<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    r: Rect,
    text: &str,
    style: TextStyle,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let fits = ((r.w - 6.0) / 6.0).max(0.0) as usize;
    let shown: String = if text.chars().count() > fits {
        text.chars()
            .take(fits.saturating_sub(1))
            .chain(std::iter::once('…'))
            .collect()
    } else {
        text.to_string()
    };
    let style = style.pos(Pos::new(HPos::Left, VPos::Top));
    area.draw(&Text::new(shown, (r.x as i32 + 3, r.y as i32 + 2), style))
        .map_err(draw_err)
}

/// The list beside the map: the largest files, each with its largest packages.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    gs: &[TreeGroup],
    title: &str,
    text: &RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let x = MAP_W as i32 + 8;
    let mut y = 8;
    let style = |size: u32| {
        ("sans-serif", size)
            .into_font()
            .color(text)
            .pos(Pos::new(HPos::Left, VPos::Top))
    };
    area.draw(&Text::new(title.to_string(), (x, y), style(13)))
        .map_err(draw_err)?;
    y += 22;
    let mut listed = 0;
    for (i, g) in gs.iter().enumerate() {
        if listed >= LISTED {
            break;
        }
        let (r, gr, b) = HUES[i % HUES.len()];
        area.draw(&Rectangle::new(
            [(x, y + 2), (x + 9, y + 11)],
            RGBColor(r, gr, b).filled(),
        ))
        .map_err(draw_err)?;
        let line = format!("{}  {}", cut(&g.label, 30), human_bytes(g.bytes));
        area.draw(&Text::new(line, (x + 14, y), style(11)))
            .map_err(draw_err)?;
        y += 16;
        listed += 1;
        for (label, bytes) in g.children.iter().filter(|c| !c.0.is_empty()).take(3) {
            let line = format!("{}  {}", cut(label, 28), human_bytes(*bytes));
            area.draw(&Text::new(line, (x + 24, y), style(10)))
                .map_err(draw_err)?;
            y += 14;
            listed += 1;
        }
    }
    Ok(())
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let tail: String = s
        .chars()
        .rev()
        .take(n - 1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squarified_boxes_tile_the_area_in_proportion() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 600.0,
            h: 400.0,
        };
        let vals = [6, 6, 4, 3, 2, 2, 1];
        let out = squarify(&vals, r);
        assert_eq!(out.len(), vals.len());
        let total: f64 = out.iter().map(|b| b.w * b.h).sum();
        assert!((total - 240_000.0).abs() < 1e-6, "{total}");
        for (v, b) in vals.iter().zip(&out) {
            let want = *v as f64 / 24.0 * 240_000.0;
            assert!((b.w * b.h - want).abs() < 1e-6);
            assert!(b.x >= -1e-9 && b.y >= -1e-9 && b.x + b.w <= 600.0 + 1e-6 && b.y + b.h <= 400.0 + 1e-6);
        }
    }

    #[test]
    fn the_svg_names_files_and_packages_with_sizes() {
        let gs = vec![
            TreeGroup {
                label: "assets/vendor.js".into(),
                bytes: 80_000,
                children: vec![("lodash".into(), 60_000), ("(app)".into(), 10_000)],
            },
            TreeGroup {
                label: "assets/main.js".into(),
                bytes: 20_000,
                children: vec![],
            },
        ];
        let c = treemap(&gs, "vite build", Theme::Light).unwrap();
        assert!(c.svg.starts_with("<svg"), "{}", &c.svg[..40]);
        for s in [
            "assets/vendor.js",
            "lodash",
            "60.0 kB",
            "assets/main.js",
            "20.0 kB",
        ] {
            assert!(c.svg.contains(s), "{s} missing");
        }
        assert_eq!(c.rows.len(), 4);
    }
}
