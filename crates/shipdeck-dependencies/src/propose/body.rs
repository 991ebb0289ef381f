//! The pull request's body: a table of the bumps (security updates first,
//! with their advisories), then each package's upstream release notes,
//! neutralized and bounded. Upstream text is hostile input: it must not
//! mention people, point at this repository's issues, inject HTML, or
//! outgrow the forge's body limit.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::notes::Notes;
use crate::update::Bump;
use crate::{Class, Ecosystem};

/// The largest excerpt of one release's notes.
pub const MAX_EXCERPT: usize = 4 << 10;
/// The largest body (GitHub refuses bodies over 65 536 characters).
pub const MAX_BODY: usize = 60 << 10;

const FOOTER: &str = "\n---\n<sub>Proposed by Shipdeck (`shipdeck deps propose`); the release notes are quoted from the upstream repositories.</sub>\n";

/// Security updates first, then by name and manifest.
pub fn sort_bumps(bumps: &mut [Bump]) {
    bumps.sort_by(|a, b| {
        (a.advisories.is_empty(), &a.name, &a.manifest).cmp(&(b.advisories.is_empty(), &b.name, &b.manifest))
    });
}

/// The body for `bumps` (sorted) with the notes found per package.
pub fn render(bumps: &[Bump], notes: &BTreeMap<(Ecosystem, String), Notes>) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "| Package | From | To | Class | Manifest |\n|---|---|---|---|---|"
    );
    for b in bumps {
        let security = if b.advisories.is_empty() {
            String::new()
        } else {
            let ids: Vec<String> = b.advisories.iter().map(|a| cell(a)).collect();
            format!(" (security: {})", ids.join(", "))
        };
        let _ = writeln!(
            body,
            "| **{}**{security} | {} | {} | {} | {} |",
            cell(&b.name),
            cell(&b.from),
            cell(&b.to),
            class_name(b.class),
            cell(&b.manifest)
        );
    }
    if !bumps.is_empty() {
        body.push_str("\n## Release notes\n");
    }
    let budget = MAX_BODY.saturating_sub(FOOTER.len());
    let mut left_out = 0;
    for (i, b) in bumps.iter().enumerate() {
        let found = notes.get(&(b.ecosystem, b.name.clone()));
        let section = section(b, found);
        if body.len() + section.len() <= budget {
            body.push_str(&section);
            continue;
        }
        let link = link_only(b, found);
        if body.len() + link.len() + 80 <= budget {
            body.push_str(&link);
        } else {
            left_out = bumps.len() - i;
            break;
        }
    }
    if left_out > 0 {
        let _ = write!(
            body,
            "\n_Release notes of {left_out} more packages left out (size limit)._\n"
        );
    }
    body.push_str(FOOTER);
    body
}

fn class_name(c: Class) -> &'static str {
    match c {
        Class::Patch => "patch",
        Class::Minor => "minor",
        Class::Major => "major",
    }
}

fn heading(b: &Bump) -> String {
    format!("\n### {} {} → {}\n\n", cell(&b.name), cell(&b.from), cell(&b.to))
}

fn section(b: &Bump, found: Option<&Notes>) -> String {
    let Some(n) = found.filter(|n| !n.releases.is_empty()) else {
        return link_only(b, found);
    };
    let mut s = heading(b);
    for r in &n.releases {
        let title = if r.title.trim().is_empty() {
            &r.tag
        } else {
            &r.title
        };
        let title = cell(title);
        match r
            .url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        {
            Some(u) => {
                let _ = writeln!(s, "#### [{title}]({})\n", u.replace(['(', ')', ' '], ""));
            }
            None => {
                let _ = writeln!(s, "#### {title}\n");
            }
        }
        let _ = writeln!(s, "{}\n", quote(&neutralize(&r.body, MAX_EXCERPT)));
    }
    if let Some(page) = &n.page {
        let _ = writeln!(s, "All releases: {page}");
    }
    s
}

fn link_only(b: &Bump, found: Option<&Notes>) -> String {
    match found.and_then(|n| n.page.as_deref()) {
        Some(page) => format!("{}Release notes: {page}\n", heading(b)),
        None => format!("{}No release notes found.\n", heading(b)),
    }
}

/// One table cell or heading word: no pipes, no line breaks, no HTML, no
/// mentions.
fn cell(s: &str) -> String {
    let one_line: String = s
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    neutralize(&one_line, 400).replace('|', "\\|")
}

/// Upstream text made inert and at most `limit` bytes (cut on a
/// character boundary): control characters dropped, `<` escaped (no HTML),
/// and a zero-width space after `@` and `#` where they would start a
/// mention or an issue reference (as Dependabot and Renovate do).
pub fn neutralize(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit));
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut piece = String::new();
        match c {
            '\r' => continue,
            c if c.is_control() && c != '\n' && c != '\t' => continue,
            '<' => piece.push_str("&lt;"),
            '@' | '#' => {
                piece.push(c);
                let starts_word = !prev.is_some_and(|p| p.is_alphanumeric() || p == '&');
                let next = chars.peek().copied();
                let target = match c {
                    '@' => next.is_some_and(|n| n.is_ascii_alphanumeric()),
                    _ => next.is_some_and(|n| n.is_ascii_digit()),
                };
                if starts_word && target {
                    piece.push('\u{200B}');
                }
            }
            c => piece.push(c),
        }
        if out.len() + piece.len() > limit.saturating_sub(ELLIPSIS.len()) {
            out.push_str(ELLIPSIS);
            break;
        }
        out.push_str(&piece);
        prev = Some(c);
    }
    out
}

const ELLIPSIS: &str = " …";

/// Every line as a block quote, so upstream headings and code fences stay
/// inside the excerpt.
fn quote(s: &str) -> String {
    s.trim()
        .lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_text_is_made_inert() {
        let t = neutralize(
            "Thanks @alice! Fixes #12 <script>x</script> mail a@b.c, C# 1",
            1000,
        );
        assert!(t.contains("@\u{200B}alice"), "{t}");
        assert!(t.contains("#\u{200B}12"), "{t}");
        assert!(t.contains("&lt;script>"), "{t}");
        assert!(t.contains("a@b.c") && t.contains("C# 1"), "{t}");
        let long = "é".repeat(5000);
        let cut = neutralize(&long, MAX_EXCERPT);
        assert!(cut.len() <= MAX_EXCERPT && cut.ends_with('…'));
        assert!(neutralize(&"<".repeat(5000), 100).len() <= 100);
    }

    #[test]
    fn the_body_stays_under_the_forge_limit() {
        use super::super::notes::Note;
        let bumps: Vec<Bump> = (0..40)
            .map(|i| Bump {
                ecosystem: Ecosystem::Npm,
                name: format!("pkg{i:02}"),
                manifest: "package.json".into(),
                from: "1.0.0".into(),
                to: "2.0.0".into(),
                class: Class::Major,
                requirement_from: "^1".into(),
                requirement_to: "^2".into(),
                advisories: if i == 39 { vec!["GHSA-1".into()] } else { vec![] },
                group: None,
            })
            .collect();
        let mut bumps = bumps;
        sort_bumps(&mut bumps);
        assert_eq!(bumps[0].name, "pkg39", "security first");
        let notes: BTreeMap<_, _> = bumps
            .iter()
            .map(|b| {
                let releases = (0..10)
                    .map(|r| Note {
                        tag: format!("v1.{r}.0"),
                        title: String::new(),
                        body: "y".repeat(10_000),
                        url: None,
                    })
                    .collect();
                let page = Some(format!("https://github.com/o/{}/releases", b.name));
                ((b.ecosystem, b.name.clone()), Notes { releases, page })
            })
            .collect();
        let body = render(&bumps, &notes);
        assert!(body.len() <= MAX_BODY, "{}", body.len());
        assert!(body.contains("| **pkg00** | 1.0.0 | 2.0.0 | major | package.json |"));
        assert!(
            body.contains("Release notes: https://github.com/o/"),
            "links once full"
        );
        assert!(body.ends_with("</sub>\n"));
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
