//! What `docs check` answers. Field names are a public contract (the
//! `--json` output): add fields, never rename them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::history::CommitInfo;

/// How a page names a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "DocRefKind")]
pub enum RefKind {
    Link,
    CodeSpan,
}

/// Why a link is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "BrokenReason")]
pub enum Reason {
    MissingFile,
    MissingAnchor,
    HttpStatus,
    Unreachable,
}

/// A path of the workspace a page refers to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "DocReference")]
pub struct Reference {
    /// As written in the page.
    pub target: String,
    pub kind: RefKind,
    /// Commits that touched it after the page's own last commit (or its review).
    pub changed_since_doc: usize,
    /// The path it resolves to, relative to the workspace.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BrokenLink {
    pub line: usize,
    /// As written in the page.
    pub target: String,
    pub reason: Reason,
    /// What was wrong, in words.
    pub detail: String,
}

/// The diff stat of the commits that made a page stale, counted in the
/// paths it references: what its update has to cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct SuggestedUpdate {
    /// The referenced paths those commits changed.
    pub files: Vec<String>,
    pub files_changed: usize,
    pub insertions: usize,
    pub deletions: usize,
}

/// A recorded review of a page: fresh until a referenced path changes after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "DocReview")]
pub struct Review {
    /// HEAD when it was reviewed.
    pub commit: String,
    /// RFC 3339.
    pub reviewed_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocResult {
    /// Relative to the workspace.
    pub path: String,
    /// The page's last commit (RFC 3339), `null` when it has none.
    pub last_changed: Option<String>,
    pub stale: bool,
    pub references: Vec<Reference>,
    pub broken_links: Vec<BrokenLink>,
    /// The commits that made it stale, newest first (at most 50).
    pub stale_commits: Vec<CommitInfo>,
    pub suggested_update: Option<SuggestedUpdate>,
    pub reviewed: Option<Review>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, TS)]
#[ts(rename = "DocsSummary")]
pub struct Summary {
    pub docs: usize,
    pub stale: usize,
    pub broken_links: usize,
}

/// A page that was not read, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "DocsSkipped")]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// `docs check`'s answer: stale pages first, then by path.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocsReport {
    pub docs: Vec<DocResult>,
    pub summary: Summary,
    /// Nothing `fail_on` names was found.
    pub passed: bool,
    pub skipped: Vec<Skipped>,
}
