//! The anchors of a PEP 503 simple page.
//!
//! Hand-written rather than with an HTML parser: PEP 503 pages are a flat
//! list of `<a href=…>filename</a>` with optional `data-*` attributes, and
//! the only facts read are the file name and whether `data-yanked` is there.

pub struct Anchor {
    pub filename: String,
    pub yanked: bool,
}

pub fn anchors(html: &str) -> Vec<Anchor> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<a").map(|i| pos + i) {
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</a>").map(|i| tag_end + i) else {
            break;
        };
        let tag = &lower[start..tag_end];
        let text = html[tag_end + 1..close].trim();
        let filename = if text.is_empty() {
            href_name(&html[start..tag_end])
        } else {
            unescape(text)
        };
        if !filename.is_empty() {
            out.push(Anchor {
                filename,
                yanked: tag.contains("data-yanked"),
            });
        }
        pos = close + 4;
    }
    out
}

fn href_name(tag: &str) -> String {
    let Some(i) = tag.find("href=") else {
        return String::new();
    };
    let rest = tag[i + 5..].trim_start_matches(['"', '\'']);
    let end = rest.find(['"', '\'', '#', '?', ' ']).unwrap_or(rest.len());
    rest[..end].rsplit('/').next().unwrap_or("").to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_yanked_marks() {
        let html = r#"<html><body><a href="https://f/six-1.0.tar.gz#sha256=1" data-requires-python="&gt;=3">six-1.0.tar.gz</a>
<A HREF="/x/six-1.1.tar.gz" data-yanked="">six-1.1.tar.gz</A><a href="/x/six-1.2.zip"></a></body></html>"#;
        let a = anchors(html);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].filename, "six-1.0.tar.gz");
        assert!(!a[0].yanked && a[1].yanked);
        assert_eq!(a[2].filename, "six-1.2.zip");
    }
}
