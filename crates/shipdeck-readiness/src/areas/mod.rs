//! How the gate judges what the tree holds and what the build made:
//! `secrets`, `vulnerabilities`, `dependencies`, `coverage`, `bundle`,
//! `docs`. Each function takes its area's own report (gathered by the API
//! layer with the options the area's command uses) and returns the
//! outcome; the rules are in docs/readiness.md, "Artifact checks".

pub mod bundle;
pub mod coverage;
pub mod dependencies;
pub mod docs;
pub mod secrets;
pub mod vulnerabilities;

/// At most this many finding lines per area; the rest are counted.
pub const MAX_LINES: usize = 50;
/// At most this many findings named in a one-line summary.
const SUMMARY_NAMES: usize = 3;

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
    fn summaries_name_three_then_an_ellipsis() {
        let names: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(named(&names), "a, b, c, …");
        assert_eq!(named(&names[..2]), "a, b");
        assert_eq!(count(1, "page", "pages"), "1 page");
        assert_eq!(count(2, "page", "pages"), "2 pages");
    }
}
