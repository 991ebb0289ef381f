//! Each area's rules: the facts the API layer gathered for the area, in,
//! and the area's outcome (`pass`, `warn`, `fail`, `skipped`), out. Pure,
//! so every rule is tested here; docs/readiness.md lists them per area.

pub mod advisor;
pub mod benchmarks;
pub mod bundle;
pub mod coverage;
pub mod dependencies;
pub mod docs;
pub mod environments;
pub mod migrations;
pub mod releases;
pub mod secrets;
pub mod vulnerabilities;

/// At most this many finding lines per area; the rest are counted.
pub const MAX_LINES: usize = 50;
/// At most this many findings named in a one-line summary.
const SUMMARY_NAMES: usize = 3;

/// The longest summary or line, in characters; longer ones are cut.
pub const MAX_LINE_CHARS: usize = 400;

/// One line of at most [`MAX_LINE_CHARS`]: control characters (a file
/// name may hold a newline) shown as `?`, secrets the redactor knows and
/// the home folder removed.
pub(crate) fn one_line(s: &str) -> String {
    let redacted = shipdeck_base::secrets::redact(s);
    let mut out: String = redacted
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(MAX_LINE_CHARS)
        .collect();
    if redacted.chars().count() > MAX_LINE_CHARS {
        out.pop();
        out.push('…');
    }
    out
}

pub(crate) fn clean(mut o: crate::AreaOutcome) -> crate::AreaOutcome {
    o.summary = one_line(&o.summary);
    o.lines = o.lines.iter().map(|l| one_line(l)).collect();
    o
}

/// `lines` cut to [`MAX_LINES`], the last saying how many were left out.
pub(crate) fn bounded(mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_LINES {
        let more = lines.len() - (MAX_LINES - 1);
        lines.truncate(MAX_LINES - 1);
        lines.push(format!("… and {more} more"));
    }
    lines
}

/// `n thing` or `n things`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first few of `names`, comma-separated, `…` when there are more.
pub(crate) fn named(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(SUMMARY_NAMES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SUMMARY_NAMES {
        s.push_str(", …");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_the_rest_counted() {
        let lines: Vec<String> = (0..120).map(|i| i.to_string()).collect();
        let b = bounded(lines);
        assert_eq!(b.len(), MAX_LINES);
        assert_eq!(b.last().unwrap(), "… and 71 more");
        assert_eq!(bounded(vec!["a".into()]), vec!["a".to_string()]);
    }

    #[test]
    fn a_line_from_hostile_names_stays_one_bounded_line() {
        assert_eq!(one_line("a\nb\tc"), "a?b?c");
        let long = "x".repeat(MAX_LINE_CHARS + 10);
        let cut = one_line(&long);
        assert_eq!(cut.chars().count(), MAX_LINE_CHARS);
        assert!(cut.ends_with('…'));
        let o = clean(crate::AreaOutcome {
            status: crate::CheckStatus::Fail,
            summary: "1 secret in the tree: a\nb.env:3".into(),
            lines: vec!["a\rb".into()],
        });
        assert_eq!(o.summary, "1 secret in the tree: a?b.env:3");
        assert_eq!(o.lines, vec!["a?b".to_string()]);
    }

    #[test]
    fn summaries_name_three_then_an_ellipsis() {
        let names: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(named(&names), "a, b, c, …");
        assert_eq!(named(&names[..2]), "a, b");
        assert_eq!(count(1, "page", "pages"), "1 page");
        assert_eq!(count(2, "page", "pages"), "2 pages");
    }
}
