//! Heading anchors the way GitHub renders them, so `#anchors` written for
//! GitHub resolve here too.

use std::collections::{HashMap, HashSet};

/// The slug of one heading's text: lower-cased, punctuation removed
/// (letters, digits, `-`, `_` and spaces stay), each space turned into `-`.
pub fn slug(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Every anchor of a page's headings, in order: a repeated heading gets
/// `-1`, `-2`… after its first use (skipping suffixes already taken).
pub fn anchors<'a>(headings: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = HashSet::new();
    for h in headings {
        let base = slug(h);
        let mut candidate = base.clone();
        if let Some(n) = seen.get(&base).copied() {
            let mut i = n;
            loop {
                candidate = format!("{base}-{i}");
                i += 1;
                if !out.contains(&candidate) {
                    break;
                }
            }
            seen.insert(base.clone(), i);
        } else {
            seen.insert(base.clone(), 1);
        }
        out.insert(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_follows_github_rules() {
        assert_eq!(slug("Getting Started"), "getting-started");
        assert_eq!(slug("What's new? (v2.0)"), "whats-new-v20");
        assert_eq!(slug("snake_case and kebab-case"), "snake_case-and-kebab-case");
        assert_eq!(slug("  Trim me  "), "trim-me");
        assert_eq!(slug("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(slug("a  b"), "a--b");
    }

    #[test]
    fn duplicate_headings_are_suffixed_in_order() {
        let a = anchors(["Usage", "Usage", "Usage"]);
        assert!(a.contains("usage") && a.contains("usage-1") && a.contains("usage-2"));
        assert!(!a.contains("usage-3"));
    }

    #[test]
    fn suffix_skips_an_anchor_a_heading_already_has() {
        let a = anchors(["Usage 1", "Usage", "Usage"]);
        assert!(a.contains("usage-1") && a.contains("usage") && a.contains("usage-2"));
        assert_eq!(a.len(), 3);
    }
}
