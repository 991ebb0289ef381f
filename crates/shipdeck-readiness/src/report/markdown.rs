//! The candidate's changelog in the report. It is Markdown written by
//! commit authors: rendered with pulldown-cmark, with raw HTML (block and
//! inline) turned into escaped text and links kept only when they are
//! http(s) or in-page, so nothing in it can run or load.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

pub(super) fn to_safe_html(markdown: &str) -> String {
    let events =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|e| match e {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            // An image would be a request when the page opens: show its text.
            Event::Start(Tag::Image { dest_url, .. }) => Event::Text(format!("[image: {dest_url}] ").into()),
            Event::End(pulldown_cmark::TagEnd::Image) => Event::Text("".into()),
            other => other,
        });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('#') {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn raw_html_in_a_changelog_becomes_text() {
        let out = to_safe_html(
            "## 1.2.0\n\n<script>alert(1)</script>\n\n- fix <img src=x onerror=alert(1)> parser\n",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(out.contains("<h2>1.2.0</h2>"), "{out}");
    }

    #[test]
    fn links_keep_http_targets_and_lose_javascript_ones() {
        let out = to_safe_html(
            "[pr](https://forge.example/pr/1) [x](javascript:alert(1)) ![logo](https://cdn.example/l.png)",
        );
        assert!(out.contains("href=\"https://forge.example/pr/1\""), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("<img"), "images are not loaded: {out}");
    }
}
