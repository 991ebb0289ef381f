//! Commits as the release logic sees them. Each message is parsed with
//! `git-conventional`; on top of it:
//!
//! * the header's type always decides the commit. A squash-merge body
//!   listing the squashed commits (`* fix: …` lines) does not make them
//!   separate commits (release-please and git-cliff read the header only);
//!   the lines are kept in `listed` for `release.squash_bullets = true`;
//! * release-please's multi-change form counts: a paragraph of the body that
//!   starts with a further Conventional-Commit header (`fix(utils): …`)
//!   is one more change in the same commit;
//! * `Revert "…"` / `revert: …` with `This reverts commit <sha>` names the
//!   commit it cancels, and the type of what it reverts;
//! * a `Release-As: x.y.z` footer (any case) asks for that version;
//! * the pull request is the header's trailing `(#123)`; without one,
//!   `Closes`/`Fixes`/`Refs #123` lines are the references for links.
//!
//! Merge commits carry no entries of their own: the commits they merge are
//! in the history walk anyway.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Bumped whenever parsing changes what a message means: cached commits
/// parsed by another format are parsed again.
pub const PARSE_FORMAT: u32 = 3;

/// One logical change (a commit in the multi-change form holds several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Entry {
    /// Conventional Commit type, lower case; `None` for a message that is
    /// not a Conventional Commit.
    pub kind: Option<String>,
    pub scope: Option<String>,
    pub breaking: bool,
    /// The `BREAKING CHANGE:` text, or the subject for a `!` commit.
    pub breaking_note: Option<String>,
    pub subject: String,
    /// Pull request / issue numbers referenced.
    pub refs: Vec<u64>,
    /// For a revert: the type of the reverted change, when its header is
    /// quoted (`Revert "chore: …"`).
    #[serde(default)]
    pub reverted_kind: Option<String>,
}

/// A commit with its parsed message; cached in the store by sha.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedCommit {
    pub sha: String,
    pub author: String,
    /// Commit time, epoch milliseconds.
    pub time: i64,
    pub merge: bool,
    /// The header's change, then any further changes in the footer form.
    pub entries: Vec<Entry>,
    /// `* type: …` lines of a squash-merge body (counted only with
    /// `release.squash_bullets = true`).
    #[serde(default)]
    pub listed: Vec<Entry>,
    /// The sha (or prefix) of the commit this one reverts.
    pub reverts: Option<String>,
    pub release_as: Option<String>,
    /// Files the commit changed (against its first parent); computed only
    /// when packages are attributed by path.
    #[serde(default)]
    pub paths: Option<Vec<String>>,
    /// Parent shas; `None` in entries cached by an older Shipdeck (they are
    /// parsed again).
    #[serde(default)]
    pub parents: Option<Vec<String>>,
    /// `PARSE_FORMAT` at parse time (0: cached by an older Shipdeck).
    #[serde(default)]
    pub format: u32,
}

/// What one message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub entries: Vec<Entry>,
    pub listed: Vec<Entry>,
    pub reverts: Option<String>,
    pub release_as: Option<String>,
}

static SQUASH_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[*-]\s+([A-Za-z]+(?:\([^)]*\))?!?: .+)$").unwrap());
/// git's revert subject, with the PR number GitHub appends after the quote.
static REVERT_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^Revert "(.+)"((?:\s*\(#\d+\))*)\s*$"#).unwrap());
static REVERTS_SHA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)this reverts commit ([0-9a-f]{7,40})").unwrap());
static RELEASE_AS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?im)^release-as:\s*v?(\S+)\s*$").unwrap());
static SUBJECT_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(#(\d+)\)").unwrap());
static FOOTER_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|refs?|see)\b[: ]+((?:#\d+[, ]*)+)").unwrap()
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#(\d+)").unwrap());
static BREAKING_FOOTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^BREAKING[ -]CHANGE:\s*(.+)$").unwrap());

/// Types that start a further change in the multi-change form. Only these:
/// a body paragraph opening with `Note:` or `Refs:` is prose or a trailer.
const CHANGE_TYPES: &[&str] = &[
    "feat",
    "feature",
    "fix",
    "perf",
    "deps",
    "revert",
    "security",
    "deprecate",
    "refactor",
    "docs",
    "test",
    "build",
    "ci",
    "style",
    "chore",
];

/// Case-insensitive substring test, without allocating.
fn contains_ci(haystack: &str, needle: &str) -> bool {
    let n = needle.len();
    haystack
        .as_bytes()
        .windows(n)
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The references of a change: the pull request named at the end of its
/// header (`(#123)`, the number GitHub appends to a squash merge) — one,
/// even when an earlier number was carried along in the title — else the
/// issues its footer closes.
fn refs_of(header: &str, message: &str) -> Vec<u64> {
    // Most messages reference nothing: skip the regexes then.
    if !message.contains('#') && !header.contains('#') {
        return Vec::new();
    }
    if let Some(pr) = SUBJECT_REF
        .captures_iter(header)
        .last()
        .and_then(|c| c[1].parse().ok())
    {
        return vec![pr];
    }
    let mut refs: Vec<u64> = Vec::new();
    for line in FOOTER_REF.captures_iter(message) {
        refs.extend(
            NUMBER
                .captures_iter(&line[1])
                .filter_map(|c| c[1].parse::<u64>().ok()),
        );
    }
    refs.sort_unstable();
    refs.dedup();
    refs
}

/// Removes `(#123)` from a subject (it becomes a link).
fn clean_subject(s: &str) -> String {
    if !s.contains("(#") {
        return s.trim().to_string();
    }
    let cleaned = SUBJECT_REF.replace_all(s, "");
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a single header line (`type(scope)!: subject`).
fn parse_header(header: &str) -> Option<Entry> {
    let c = git_conventional::Commit::parse(header.trim()).ok()?;
    Some(Entry {
        kind: Some(c.type_().as_str().to_ascii_lowercase()),
        scope: c.scope().map(|s| s.as_str().to_string()),
        breaking: c.breaking(),
        breaking_note: c.breaking().then(|| clean_subject(c.description())),
        subject: clean_subject(c.description()),
        refs: refs_of(header, ""),
        reverted_kind: None,
    })
}

/// Further changes in release-please's multi-change form: paragraphs of the
/// body whose first line is a Conventional-Commit header of a known type.
fn footer_changes(body: &str, pr_refs: &[u64]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut previous_blank = true;
    for line in body.lines() {
        let starts_paragraph = previous_blank;
        previous_blank = line.trim().is_empty();
        // Indented lines belong to the paragraph above; bullets are the
        // squash list.
        if !starts_paragraph || line.starts_with(char::is_whitespace) {
            continue;
        }
        let Some(kind) = line.split([':', '(', '!']).next() else {
            continue;
        };
        if !CHANGE_TYPES.contains(&kind) {
            continue;
        }
        if let Some(mut e) = parse_header(line) {
            if e.refs.is_empty() {
                e.refs = pr_refs.to_vec();
            }
            out.push(e);
        }
    }
    out
}

/// `* type: …` lines of a squash body, each lending the PR number of the
/// header; a `BREAKING CHANGE` footer goes to the first.
fn squash_bullets(header: &str, body: &str, message: &str) -> Vec<Entry> {
    let listed: Vec<Entry> = body
        .lines()
        .filter(|l| matches!(l.trim_start().as_bytes().first(), Some(b'*' | b'-')))
        .filter_map(|l| SQUASH_LINE.captures(l))
        .filter_map(|c| parse_header(&c[1]))
        .collect();
    if listed.is_empty() {
        return listed;
    }
    let pr_refs = refs_of(header, message);
    let notes = breaking_notes(message);
    listed
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            if !pr_refs.is_empty() {
                e.refs = pr_refs.clone();
            }
            if i == 0 && !notes.is_empty() {
                e.breaking = true;
                e.breaking_note = Some(notes.join(" "));
            }
            e
        })
        .collect()
}

fn breaking_notes(message: &str) -> Vec<String> {
    BREAKING_FOOTER
        .captures_iter(message)
        .map(|c| c[1].trim().to_string())
        .collect()
}

/// The header's own change (type, scope, breaking, subject, references).
fn header_entry(header: &str, message: &str) -> Entry {
    match git_conventional::Commit::parse(message) {
        Ok(c) => Entry {
            kind: Some(c.type_().as_str().to_ascii_lowercase()),
            scope: c.scope().map(|s| s.as_str().to_string()),
            breaking: c.breaking(),
            breaking_note: c
                .breaking_description()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty()),
            subject: clean_subject(c.description()),
            refs: refs_of(header, message),
            reverted_kind: None,
        },
        // A conventional header over a body the strict parser rejects
        // (a footer-like line mid-body, trailing junk): keep the header and
        // still honour breaking-change footers.
        Err(_) => match parse_header(header) {
            Some(mut e) => {
                let notes = breaking_notes(message);
                if !notes.is_empty() {
                    e.breaking = true;
                    e.breaking_note = Some(notes.join(" "));
                }
                e.refs = refs_of(header, message);
                e
            }
            None => Entry {
                kind: None,
                scope: None,
                breaking: false,
                breaking_note: None,
                subject: clean_subject(header),
                refs: refs_of(header, message),
                reverted_kind: None,
            },
        },
    }
}

/// Parses a whole message into its changes, the commit it reverts and a
/// requested version.
pub fn parse_message(message: &str) -> Message {
    let message = message.trim();
    let header = message.lines().next().unwrap_or("").trim();
    let body = message.split_once('\n').map_or("", |(_, b)| b);
    let release_as = contains_ci(message, "release-as")
        .then(|| RELEASE_AS.captures(message).map(|c| c[1].to_string()))
        .flatten();
    let reverts = contains_ci(message, "reverts commit")
        .then(|| REVERTS_SHA.captures(message).map(|c| c[1].to_ascii_lowercase()))
        .flatten();

    // `Revert "feat: x (#12)" (#34)` (git's own revert subject): the
    // reverted header's PR is not this commit's.
    if let Some(c) = REVERT_SUBJECT.captures(header) {
        let inner = &c[1];
        let parsed = parse_header(inner);
        let entry = Entry {
            kind: Some("revert".into()),
            scope: None,
            breaking: false,
            breaking_note: None,
            subject: parsed
                .as_ref()
                .map_or_else(|| clean_subject(inner), |e| e.subject.clone()),
            refs: refs_of(&c[2], message),
            reverted_kind: parsed.and_then(|e| e.kind),
        };
        return Message {
            entries: vec![entry],
            listed: Vec::new(),
            reverts,
            release_as,
        };
    }

    let first = header_entry(header, message);
    let mut entries = footer_changes(body, &first.refs);
    entries.insert(0, first);
    Message {
        entries,
        listed: squash_bullets(header, body, message),
        reverts,
        release_as,
    }
}

/// What a commit holds before its message is parsed: read on one thread
/// (libgit2), parsed on any.
pub struct RawCommit {
    pub sha: String,
    pub author: String,
    pub time: i64,
    pub message: String,
    pub parents: Vec<git2::Oid>,
}

impl RawCommit {
    pub fn read(commit: &git2::Commit<'_>) -> RawCommit {
        RawCommit {
            sha: commit.id().to_string(),
            author: commit.author().name().unwrap_or("unknown").to_string(),
            time: commit.time().seconds() * 1000,
            message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            parents: commit.parent_ids().collect(),
        }
    }

    /// Parses the message; `with_parents` keeps the parent shas (the plan's
    /// cache needs them, a full changelog does not).
    pub fn parse(self, with_parents: bool) -> ParsedCommit {
        let merge = self.parents.len() > 1;
        let m = if merge {
            Message {
                entries: Vec::new(),
                listed: Vec::new(),
                reverts: None,
                release_as: None,
            }
        } else {
            parse_message(&self.message)
        };
        ParsedCommit {
            sha: self.sha,
            author: self.author,
            time: self.time,
            merge,
            entries: m.entries,
            listed: m.listed,
            reverts: m.reverts,
            release_as: m.release_as,
            paths: None,
            parents: with_parents.then(|| self.parents.iter().map(|p| p.to_string()).collect()),
            format: PARSE_FORMAT,
        }
    }
}

/// Reads and parses one commit.
pub fn parse_commit(commit: &git2::Commit<'_>) -> ParsedCommit {
    RawCommit::read(commit).parse(true)
}

/// Parses many commits on every core (order kept), without parent shas.
pub fn parse_all(raw: Vec<RawCommit>) -> Vec<ParsedCommit> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if threads < 2 || raw.len() < 2048 {
        return raw.into_iter().map(|r| r.parse(false)).collect();
    }
    let chunk = raw.len().div_ceil(threads);
    let mut chunks: Vec<Vec<RawCommit>> = Vec::new();
    let mut rest = raw;
    while rest.len() > chunk {
        let tail = rest.split_off(chunk);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || c.into_iter().map(|r| r.parse(false)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("parser thread"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(msg: &str) -> Entry {
        let mut e = parse_message(msg).entries;
        assert_eq!(e.len(), 1, "{e:?}");
        e.remove(0)
    }

    #[test]
    fn type_scope_and_bang() {
        let e = one("feat(api)!: drop v0 routes (#12)");
        assert_eq!(e.kind.as_deref(), Some("feat"));
        assert_eq!(e.scope.as_deref(), Some("api"));
        assert!(e.breaking);
        assert_eq!(e.subject, "drop v0 routes");
        assert_eq!(e.refs, [12]);
        let e = one("fix!: no scope");
        assert!(e.breaking && e.scope.is_none());
    }

    #[test]
    fn breaking_footers_both_spellings_and_multi_paragraph_bodies() {
        let e = one("feat(db): new schema\n\nFirst paragraph.\n\nSecond paragraph\nspans lines.\n\nBREAKING CHANGE: tables renamed\nCloses #7");
        assert!(e.breaking);
        assert_eq!(e.breaking_note.as_deref(), Some("tables renamed"));
        assert_eq!(e.refs, [7]);
        let e = one("feat: x\n\nBREAKING-CHANGE: y changed");
        assert!(e.breaking);
        assert_eq!(e.breaking_note.as_deref(), Some("y changed"));
    }

    #[test]
    fn uppercase_types_are_normalised() {
        assert_eq!(one("FEAT: shout").kind.as_deref(), Some("feat"));
    }

    #[test]
    fn non_conventional_is_kept_as_other() {
        let e = one("Update README.md");
        assert_eq!(e.kind, None);
        assert_eq!(e.subject, "Update README.md");
    }

    #[test]
    fn squash_body_bullets_do_not_replace_the_title_type() {
        let m = parse_message(
            "feat(api): bulk endpoints (#1868)\n\n* fix(api): cap bulk size at 500\n\n* chore: tidy\n\n* docs: describe bulk endpoints\n",
        );
        assert_eq!(m.entries.len(), 1, "{:?}", m.entries);
        assert_eq!(m.entries[0].kind.as_deref(), Some("feat"));
        assert_eq!(m.entries[0].refs, [1868]);
        // Kept for `release.squash_bullets = true`, each with the PR number.
        let kinds: Vec<_> = m.listed.iter().map(|e| e.kind.clone().unwrap()).collect();
        assert_eq!(kinds, ["fix", "chore", "docs"]);
        assert!(m.listed.iter().all(|e| e.refs == [1868]));
    }

    #[test]
    fn multi_change_footer_form_adds_changes() {
        let m = parse_message(
            "feat: adds v4 UUID to crypto\n\nThis adds support for v4 UUIDs.\n\nfix(utils): unicode no longer throws\n  Source-Link: x\n\nfeat(utils): update encode\n\nRefs: #4\nNote: prose, not a change\n",
        );
        let kinds: Vec<_> = m
            .entries
            .iter()
            .map(|e| (e.kind.clone().unwrap(), e.scope.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("feat".to_string(), None),
                ("fix".to_string(), Some("utils".to_string())),
                ("feat".to_string(), Some("utils".to_string()))
            ]
        );
    }

    #[test]
    fn pr_refs_are_not_doubled() {
        // A title that carried an earlier PR number along.
        let e = one("fix: keep order (#1267) (#1490)");
        assert_eq!(
            (e.subject.as_str(), e.refs.as_slice()),
            ("keep order", &[1490][..])
        );
        // A revert's quoted header names the reverted PR, not this one.
        let e = one("Revert \"feat: add x (#1267)\" (#1490)\n\nThis reverts commit abcdef1.");
        assert_eq!(
            (e.kind.as_deref(), e.subject.as_str(), e.refs.as_slice()),
            (Some("revert"), "add x", &[1490][..])
        );
        assert_eq!(e.reverted_kind.as_deref(), Some("feat"));
        // Footer references when the title names no PR.
        assert_eq!(one("fix: x\n\nCloses #7, #9").refs, [7, 9]);
    }

    #[test]
    fn revert_names_the_reverted_commit() {
        let Message {
            entries: e, reverts, ..
        } = parse_message(
            "Revert \"feat(web): add dark mode toggle\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n",
        );
        assert_eq!(e[0].kind.as_deref(), Some("revert"));
        assert_eq!(e[0].subject, "add dark mode toggle");
        assert_eq!(
            reverts.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        let Message {
            entries: e, reverts, ..
        } = parse_message("revert: add x\n\nThis reverts commit abcdef1.");
        assert_eq!(e[0].kind.as_deref(), Some("revert"));
        assert_eq!(reverts.as_deref(), Some("abcdef1"));
    }

    #[test]
    fn release_as_footer_any_case() {
        assert_eq!(
            parse_message("chore: prep\n\nRelease-As: 2.0.0")
                .release_as
                .as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            parse_message("chore: prep\n\nrelease-as: v3.1.0\n")
                .release_as
                .as_deref(),
            Some("3.1.0")
        );
    }

    #[test]
    fn malformed_body_keeps_the_header_and_breaking_footer() {
        let e = one("feat: thing\nno blank line after subject\n\nBREAKING CHANGE: gone");
        assert_eq!(e.kind.as_deref(), Some("feat"));
        assert!(e.breaking);
    }
}
