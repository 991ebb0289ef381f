//! `docs`: every page `docs check` reads, without external links (the
//! gate does not wait on the network for them). Stale pages and broken
//! links are judged by `[docs] fail_on`: a kind it names fails, the other
//! warns (by default both fail). No page skips.

use shipdeck_docs::{DocResult, DocsReport, FailOn};

use super::{bounded, count, named};
use crate::{AreaOutcome, CheckStatus};

fn stale_line(d: &DocResult) -> String {
    let changed: Vec<String> = d
        .references
        .iter()
        .filter(|r| r.changed_since_doc > 0)
        .map(|r| format!("{} ({})", r.path, r.changed_since_doc))
        .collect();
    format!("{}: stale, changed since: {}", d.path, named(&changed))
}

/// The command that shows what this check judged.
pub const COMMAND: &str = "shipdeck docs check";

/// The check's outcome, every line one line of bounded length, secrets
/// the redactor knows removed.
pub fn judge(report: &DocsReport, fail_on: FailOn) -> AreaOutcome {
    super::clean(outcome(report, fail_on))
}

fn outcome(report: &DocsReport, fail_on: FailOn) -> AreaOutcome {
    if report.summary.docs == 0 {
        return AreaOutcome::skipped("no Markdown page to check");
    }
    let stale: Vec<&DocResult> = report.docs.iter().filter(|d| d.stale).collect();
    let broken: Vec<String> = report
        .docs
        .iter()
        .flat_map(|d| {
            d.broken_links
                .iter()
                .map(move |l| format!("{}:{} {} ({})", d.path, l.line, l.target, l.detail))
        })
        .collect();
    let mut parts = Vec::new();
    if !stale.is_empty() {
        let names: Vec<String> = stale.iter().map(|d| d.path.clone()).collect();
        parts.push(format!(
            "{} stale ({})",
            count(stale.len(), "page", "pages"),
            named(&names)
        ));
    }
    if !broken.is_empty() {
        let names: Vec<String> = broken
            .iter()
            .map(|b| b.split(' ').next().unwrap_or("").to_string())
            .collect();
        parts.push(format!(
            "{} ({})",
            count(broken.len(), "broken link", "broken links"),
            named(&names)
        ));
    }
    let fails = (fail_on.stale && !stale.is_empty()) || (fail_on.broken && !broken.is_empty());
    let status = if fails {
        CheckStatus::Fail
    } else if !parts.is_empty() {
        CheckStatus::Warn
    } else {
        CheckStatus::Pass
    };
    let summary = if parts.is_empty() {
        format!(
            "{} fresh, no broken link",
            count(report.summary.docs, "page", "pages")
        )
    } else {
        parts.join("; ")
    };
    let mut outcome = AreaOutcome::new(status, summary);
    let mut lines: Vec<String> = stale.iter().map(|d| stale_line(d)).collect();
    lines.extend(broken);
    outcome.lines = bounded(lines);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_docs::{BrokenLink, Reason, RefKind, Reference, Summary};

    fn page(path: &str, stale: bool, broken: &[(&str, usize)]) -> DocResult {
        DocResult {
            path: path.into(),
            last_changed: None,
            stale,
            references: vec![Reference {
                target: "src/lib.rs".into(),
                kind: RefKind::CodeSpan,
                changed_since_doc: usize::from(stale) * 3,
                path: "src/lib.rs".into(),
            }],
            broken_links: broken
                .iter()
                .map(|(t, line)| BrokenLink {
                    line: *line,
                    target: (*t).into(),
                    reason: Reason::MissingFile,
                    detail: "no such file".into(),
                })
                .collect(),
            stale_commits: vec![],
            suggested_update: None,
            reviewed: None,
        }
    }

    fn report(docs: Vec<DocResult>) -> DocsReport {
        DocsReport {
            summary: Summary {
                docs: docs.len(),
                stale: docs.iter().filter(|d| d.stale).count(),
                broken_links: docs.iter().map(|d| d.broken_links.len()).sum(),
            },
            passed: true,
            skipped: vec![],
            docs,
        }
    }

    const BOTH: FailOn = FailOn {
        stale: true,
        broken: true,
    };
    const NONE: FailOn = FailOn {
        stale: false,
        broken: false,
    };

    #[test]
    fn no_page_is_skipped_and_fresh_pages_pass() {
        assert_eq!(judge(&report(vec![]), BOTH).status, CheckStatus::Skipped);
        let o = judge(
            &report(vec![page("README.md", false, &[]), page("docs/a.md", false, &[])]),
            BOTH,
        );
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(o.summary, "2 pages fresh, no broken link");
    }

    #[test]
    fn a_stale_page_fails_when_fail_on_names_it_else_warns() {
        let r = report(vec![page("docs/arch.md", true, &[])]);
        let o = judge(&r, BOTH);
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(o.summary, "1 page stale (docs/arch.md)");
        assert_eq!(o.lines[0], "docs/arch.md: stale, changed since: src/lib.rs (3)");
        assert_eq!(judge(&r, NONE).status, CheckStatus::Warn);
        assert_eq!(
            judge(
                &r,
                FailOn {
                    stale: false,
                    broken: true
                }
            )
            .status,
            CheckStatus::Warn
        );
    }

    #[test]
    fn a_broken_link_fails_when_fail_on_names_it_else_warns() {
        let r = report(vec![page("README.md", false, &[("docs/gone.md", 7)])]);
        let o = judge(&r, BOTH);
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(o.summary, "1 broken link (README.md:7)");
        assert_eq!(o.lines[0], "README.md:7 docs/gone.md (no such file)");
        assert_eq!(
            judge(
                &r,
                FailOn {
                    stale: true,
                    broken: false
                }
            )
            .status,
            CheckStatus::Warn
        );
    }
}
