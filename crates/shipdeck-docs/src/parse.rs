//! One Markdown page read with a CommonMark parser: its headings (for
//! anchors), its links and images, and its inline code spans, each with its
//! line. `<!-- shipdeck:ignore-next-link -->` drops the next link or code span.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The comment that opts the next link (or path-like code span) out.
pub const IGNORE_NEXT: &str = "shipdeck:ignore-next-link";

/// At most this many links, images and code spans are read from one page.
pub const MAX_ITEMS: usize = 10_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// Heading texts, in order.
    pub headings: Vec<String>,
    /// Anchors set in HTML: `id` and `name` attributes (`<a name="x">`).
    pub html_anchors: Vec<String>,
    /// Link destinations as written, with their 1-based line.
    pub links: Vec<(usize, String)>,
    /// Image sources as written, with their 1-based line.
    pub images: Vec<(usize, String)>,
    /// Inline code spans, with their 1-based line.
    pub code_spans: Vec<(usize, String)>,
}

/// Parses `text`; never fails (the parser accepts any input).
pub fn parse(text: &str) -> Page {
    let lines = LineIndex::new(text);
    let mut page = Page::default();
    let mut heading: Option<String> = None;
    let mut skip_next = false;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        if page.links.len() + page.images.len() + page.code_spans.len() >= MAX_ITEMS {
            break;
        }
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => page.headings.extend(heading.take()),
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            // The guards consume a pending ignore comment: the link or
            // code span it drops falls through to `_`.
            Event::Start(Tag::Link { dest_url, .. }) if !std::mem::take(&mut skip_next) => {
                page.links.push((lines.line(range.start), dest_url.to_string()));
            }
            Event::Start(Tag::Image { dest_url, .. }) if !std::mem::take(&mut skip_next) => {
                page.images.push((lines.line(range.start), dest_url.to_string()));
            }
            Event::Code(t) if !std::mem::take(&mut skip_next) => {
                page.code_spans.push((lines.line(range.start), t.to_string()));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.contains(IGNORE_NEXT) {
                    skip_next = true;
                } else if page.html_anchors.len() < MAX_ITEMS {
                    html_anchors(&h, &mut page.html_anchors);
                }
            }
            _ => {}
        }
    }
    page
}

/// The `id` and `name` attributes of the tags in an HTML fragment, read
/// with an XML reader: it stops quietly at what is not well-formed, which
/// only means an anchor there is not seen.
fn html_anchors(html: &str, out: &mut Vec<String>) {
    use quick_xml::events::Event as Xml;
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = false;
    for _ in 0..64 {
        match reader.read_event() {
            Ok(Xml::Start(t) | Xml::Empty(t)) => {
                for a in t.attributes().flatten() {
                    if matches!(a.key.into_inner(), "id" | "name") {
                        out.push(a.value.to_string());
                    }
                }
            }
            Ok(Xml::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Byte offset → 1-based line number.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_code_spans_and_headings_with_lines() {
        let p = parse("# Title `x`\n\nSee [a](docs/a.md) and ![i](img.png).\n\nRun `src/main.rs`.\n");
        assert_eq!(p.headings, vec!["Title x"]);
        assert_eq!(p.links, vec![(3, "docs/a.md".into())]);
        assert_eq!(p.images, vec![(3, "img.png".into())]);
        assert_eq!(p.code_spans, vec![(5, "src/main.rs".into())]);
    }

    #[test]
    fn reference_links_resolve_to_their_definition() {
        let p = parse("Read [the guide][g].\n\n[g]: guide.md#setup\n");
        assert_eq!(p.links, vec![(1, "guide.md#setup".into())]);
    }

    #[test]
    fn ignore_comment_drops_only_the_next_link() {
        let p = parse("<!-- shipdeck:ignore-next-link -->\n[a](gone.md) [b](b.md)\n");
        assert_eq!(p.links, vec![(2, "b.md".into())]);
    }

    #[test]
    fn html_anchors_are_read_and_broken_html_is_passed_over() {
        let p = parse(
            "<a name=\"legacy\"></a>\n\n# T <span id=\"inline\">x</span>\n\n<div id=\"x\" <<< broken\n",
        );
        assert_eq!(p.html_anchors, vec!["legacy", "inline"]);
    }

    #[test]
    fn links_in_code_blocks_are_not_links() {
        let p = parse("```\n[a](gone.md)\n```\n");
        assert!(p.links.is_empty() && p.code_spans.is_empty());
    }
}
