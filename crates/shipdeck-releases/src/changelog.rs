//! Changelog sections in Keep a Changelog form:
//!
//! ```text
//! ## [1.5.0](https://github.com/o/r/compare/v1.4.2...v1.5.0) - 2026-11-25
//!
//! ### ⚠ Breaking changes
//!
//! - **api:** the /v0 routes are removed ([8b4c930](…/commit/8b4c930…))
//!
//! ### Added
//!
//! - **api:** bulk endpoints ([#73](…/pull/73)) ([fbfc555](…))
//! ```
//!
//! Breaking changes come first, then groups in Keep a Changelog's order. The
//! compare link sits in the heading, so a section is self-contained: the
//! preview is exactly what is written, and writing only prepends.

use super::forge::Forge;
use super::policy::group_rank;
use super::PlannedCommit;

pub const HEADER: &str =
    "# Changelog\n\nAll notable changes to this project are documented in this file.\n\n\
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n\
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n";

/// What a section is about: a version (with its tag and the previous tag
/// for the compare link) or the unreleased changes.
pub struct SectionHead<'a> {
    pub title: &'a str,
    pub tag: Option<&'a str>,
    pub previous_tag: Option<&'a str>,
    pub date: &'a str,
}

fn entry_line(c: &PlannedCommit, text: &str, forge: Option<&Forge>) -> String {
    let mut line = String::from("- ");
    if let Some(scope) = &c.scope {
        line.push_str(&format!("**{scope}:** "));
    }
    line.push_str(text);
    for r in &c.refs {
        match forge {
            Some(f) => line.push_str(&format!(" ([#{r}]({}))", f.ref_url(*r))),
            None => line.push_str(&format!(" (#{r})")),
        }
    }
    match forge {
        Some(f) => line.push_str(&format!(" ([{}]({}))", c.short_sha, f.commit_url(&c.sha))),
        None => line.push_str(&format!(" ({})", c.short_sha)),
    }
    line
}

/// One line per distinct change: the same change landed twice (a
/// cherry-pick, a re-landed PR) is listed once, with every reference.
fn distinct<'c>(commits: &[&'c PlannedCommit]) -> Vec<std::borrow::Cow<'c, PlannedCommit>> {
    use std::borrow::Cow;
    use std::collections::HashMap;
    let mut out: Vec<Cow<'c, PlannedCommit>> = Vec::with_capacity(commits.len());
    let mut seen: HashMap<(&str, Option<&str>, &str, bool, bool), usize> = HashMap::new();
    for c in commits {
        let key = (
            c.group.as_str(),
            c.scope.as_deref(),
            c.subject.as_str(),
            c.breaking,
            c.hidden,
        );
        match seen.get(&key) {
            Some(&i) => {
                let missing: Vec<u64> = c
                    .refs
                    .iter()
                    .filter(|r| !out[i].refs.contains(r))
                    .copied()
                    .collect();
                if !missing.is_empty() {
                    out[i].to_mut().refs.extend(missing);
                }
            }
            None => {
                seen.insert(key, out.len());
                out.push(Cow::Borrowed(*c));
            }
        }
    }
    out
}

/// Renders one section. Hidden and reverted commits are left out.
pub fn render(head: &SectionHead<'_>, commits: &[PlannedCommit], forge: Option<&Forge>) -> String {
    let heading = match (forge, head.tag) {
        (Some(f), Some(tag)) => {
            let url = match head.previous_tag {
                Some(prev) => f.compare_url(prev, tag),
                None => f.tag_url(tag),
            };
            format!("## [{}]({url}) - {}", head.title, head.date)
        }
        _ => format!("## [{}] - {}", head.title, head.date),
    };
    let mut out = format!("{heading}\n");
    let live: Vec<&PlannedCommit> = commits.iter().filter(|c| !c.reverted).collect();
    let shown = distinct(&live);

    let breaking: Vec<String> = shown
        .iter()
        .filter(|c| c.breaking)
        .map(|c| entry_line(c, c.breaking_note.as_deref().unwrap_or(&c.subject), forge))
        .collect();
    if !breaking.is_empty() {
        out.push_str(&format!("\n### ⚠ Breaking changes\n\n{}\n", breaking.join("\n")));
    }

    let mut groups: Vec<&str> = shown
        .iter()
        .filter(|c| !c.hidden)
        .map(|c| c.group.as_str())
        .collect();
    groups.sort_by_key(|g| (group_rank(g), g.to_string()));
    groups.dedup();
    for group in groups {
        let lines: Vec<String> = shown
            .iter()
            .filter(|c| !c.hidden && c.group == group)
            .map(|c| entry_line(c, &c.subject, forge))
            .collect();
        out.push_str(&format!("\n### {group}\n\n{}\n", lines.join("\n")));
    }
    if shown.iter().all(|c| c.hidden && !c.breaking) {
        out.push_str("\nNo user-facing changes.\n");
    }
    out
}

/// Inserts `section` above the newest release in `existing` (below an
/// `## [Unreleased]` section if there is one), leaving every other byte as
/// it was. A missing file gets the Keep a Changelog header first.
pub fn prepend(existing: Option<&str>, section: &str) -> String {
    let Some(text) = existing.filter(|t| !t.trim().is_empty()) else {
        return format!("{HEADER}\n{section}");
    };
    let mut offset = 0;
    let mut insert_at = None;
    for line in text.split_inclusive('\n') {
        if line.starts_with("## ") && !line.to_ascii_lowercase().contains("unreleased") {
            insert_at = Some(offset);
            break;
        }
        offset += line.len();
    }
    match insert_at {
        Some(at) => format!("{}{section}\n{}", &text[..at], &text[at..]),
        None => {
            let sep = if text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{text}{sep}{section}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Bump;

    fn commit(kind: &str, scope: Option<&str>, subject: &str, group: &str, hidden: bool) -> PlannedCommit {
        PlannedCommit {
            sha: "fbfc5550000000000000000000000000000000aa".into(),
            short_sha: "fbfc555".into(),
            kind: kind.into(),
            scope: scope.map(Into::into),
            breaking: false,
            breaking_note: None,
            subject: subject.into(),
            author: "A".into(),
            time: 0,
            refs: vec![],
            ref_urls: vec![],
            commit_url: None,
            group: group.into(),
            group_rank: group_rank(group),
            hidden,
            bump: Bump::None,
            decisive: false,
            reverted: false,
        }
    }

    #[test]
    fn sections_breaking_first_then_groups_in_order() {
        let mut breaking = commit("feat", Some("api"), "stabilise the v1 API", "Added", false);
        breaking.breaking = true;
        breaking.breaking_note = Some("the /v0 routes are removed".into());
        let mut pr = commit("feat", Some("api"), "bulk endpoints", "Added", false);
        pr.refs = vec![73];
        let commits = vec![
            commit("fix", None, "handle empty results", "Fixed", false),
            breaking,
            pr,
            commit("chore", None, "bump deps", "Chores", true),
        ];
        let forge = Forge::detect("git@github.com:acme/orbit.git", &Default::default())
            .unwrap()
            .unwrap();
        let head = SectionHead {
            title: "2.0.0",
            tag: Some("v2.0.0"),
            previous_tag: Some("v1.4.2"),
            date: "2026-11-25",
        };
        let out = render(&head, &commits, Some(&forge));
        let expected = "## [2.0.0](https://github.com/acme/orbit/compare/v1.4.2...v2.0.0) - 2026-11-25\n\
\n### ⚠ Breaking changes\n\n- **api:** the /v0 routes are removed ([fbfc555](https://github.com/acme/orbit/commit/fbfc5550000000000000000000000000000000aa))\n\
\n### Added\n\n- **api:** stabilise the v1 API ([fbfc555](https://github.com/acme/orbit/commit/fbfc5550000000000000000000000000000000aa))\n\
- **api:** bulk endpoints ([#73](https://github.com/acme/orbit/pull/73)) ([fbfc555](https://github.com/acme/orbit/commit/fbfc5550000000000000000000000000000000aa))\n\
\n### Fixed\n\n- handle empty results ([fbfc555](https://github.com/acme/orbit/commit/fbfc5550000000000000000000000000000000aa))\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn without_a_forge_links_are_plain() {
        let head = SectionHead {
            title: "0.1.0",
            tag: Some("v0.1.0"),
            previous_tag: None,
            date: "2026-01-01",
        };
        let out = render(&head, &[commit("feat", None, "first", "Added", false)], None);
        assert_eq!(out, "## [0.1.0] - 2026-01-01\n\n### Added\n\n- first (fbfc555)\n");
    }

    #[test]
    fn prepend_keeps_older_entries_byte_for_byte() {
        let old = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- notes\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- x\n";
        let out = prepend(Some(old), "## [1.1.0] - 2026-01-01\n\n### Fixed\n\n- y\n");
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- notes\n\n## [1.1.0] - 2026-01-01\n\n### Fixed\n\n- y\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- x\n"
        );
        assert!(out.ends_with(&old[old.find("## [1.0.0]").unwrap()..]));
        let fresh = prepend(None, "## [0.1.0] - 2026-01-01\n");
        assert!(fresh.starts_with(HEADER) && fresh.ends_with("## [0.1.0] - 2026-01-01\n"));
        assert_eq!(
            prepend(Some("# Changelog\n"), "## [0.1.0]\n"),
            "# Changelog\n\n## [0.1.0]\n"
        );
    }
}
