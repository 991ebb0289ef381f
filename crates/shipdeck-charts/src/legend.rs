//! The legend every chart with more than one colour draws: a row of
//! entries, each a mark of one fixed size and its label, inside the SVG so
//! it always matches the chart's colours.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{draw_err, Palette, Result};

/// Side of every legend swatch, and length of every line mark, in pixels.
pub const SWATCH: i32 = 10;

/// How an entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A filled square: cells and bars.
    Swatch,
    /// A solid line: a series.
    Line,
    /// A dashed line: a secondary series or an annotation.
    Dashed,
    /// A dot: points.
    Dot,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub label: &'a str,
    pub colour: RGBColor,
    pub mark: Mark,
}

impl<'a> Entry<'a> {
    pub fn new(label: &'a str, colour: RGBColor, mark: Mark) -> Self {
        Entry { label, colour, mark }
    }
}

/// Draws `entries` in a row starting at `(x, y)` (the top left of the
/// first mark), in the theme's text colour.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Palette,
    (mut x, y): (i32, i32),
    entries: &[Entry<'_>],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let font = ("sans-serif", 11).into_font().color(&p.text);
    for e in entries {
        let mid = y + SWATCH / 2;
        match e.mark {
            Mark::Swatch => area.draw(&Rectangle::new(
                [(x, y), (x + SWATCH, y + SWATCH)],
                e.colour.filled(),
            )),
            Mark::Line => area.draw(&PathElement::new(
                vec![(x, mid), (x + SWATCH, mid)],
                e.colour.stroke_width(2),
            )),
            Mark::Dashed => area
                .draw(&PathElement::new(
                    vec![(x, mid), (x + SWATCH * 2 / 5, mid)],
                    e.colour.stroke_width(2),
                ))
                .and_then(|_| {
                    area.draw(&PathElement::new(
                        vec![(x + SWATCH * 3 / 5, mid), (x + SWATCH, mid)],
                        e.colour.stroke_width(2),
                    ))
                }),
            Mark::Dot => area.draw(&Circle::new((x + SWATCH / 2, mid), SWATCH / 3, e.colour.filled())),
        }
        .map_err(draw_err)?;
        area.draw(&Text::new(
            e.label.to_string(),
            (x + SWATCH + 4, y - 1),
            font.clone(),
        ))
        .map_err(draw_err)?;
        let (w, _) = area.estimate_text_size(e.label, &font).map_err(draw_err)?;
        x += SWATCH + 4 + w as i32 + 12;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Theme;

    /// The text of every `<text>` element.
    pub(crate) fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split("</text>").next()?.trim().to_string()))
            .collect()
    }

    /// The `<rect>`s of an SVG: (x, y, width, height, fill).
    pub(crate) fn rects(svg: &str) -> Vec<(i32, i32, i32, i32, String)> {
        let attr = |el: &str, name: &str| -> Option<String> {
            let start = el.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(el[start..].split('"').next()?.to_string())
        };
        svg.split("<rect")
            .skip(1)
            .filter_map(|el| {
                let el = el.split("/>").next()?;
                let n = |k| attr(el, k).and_then(|v| v.parse::<f64>().ok()).map(|v| v as i32);
                Some((
                    n("x")?,
                    n("y")?,
                    n("width")?,
                    n("height")?,
                    attr(el, "fill").unwrap_or_default(),
                ))
            })
            .collect()
    }

    #[test]
    fn every_swatch_has_one_size_whatever_its_label() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (400, 40)).into_drawing_area();
            let entries = [
                Entry::new("same", RGBColor(0x16, 0xa3, 0x4a), Mark::Swatch),
                Entry::new("a much longer label", RGBColor(0xf5, 0x9e, 0x0b), Mark::Swatch),
                Entry::new("empty", RGBColor(0x94, 0xa3, 0xb8), Mark::Swatch),
                Entry::new("q1", RGBColor(0x25, 0x63, 0xeb), Mark::Line),
            ];
            legend(&root, &Theme::Light.palette(), (4, 4), &entries).unwrap();
            root.present().unwrap();
        }
        let rects = rects(&svg);
        assert_eq!(rects.len(), 3, "{svg}");
        assert!(rects.iter().all(|r| (r.2, r.3) == (SWATCH, SWATCH)), "{rects:?}");
        assert!(rects.iter().all(|r| r.1 == 4), "one row: {rects:?}");
        assert!(
            rects[0].0 < rects[1].0 && rects[1].0 < rects[2].0,
            "left to right, apart"
        );
        let texts = texts(&svg);
        assert!(
            texts.contains(&"empty".to_string()) && texts.contains(&"q1".to_string()),
            "{texts:?}"
        );
    }
}
