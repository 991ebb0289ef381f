//! Releases: from "commits since the last tag" to a published release, and
//! back. `plan` is read-only and works on any HEAD; `cut` writes version
//! files and the changelog, commits and tags atomically; `publish` pushes
//! and creates the forge release; `rollback` undoes a release without
//! rewriting pushed history.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod changelog;
pub mod commits;
pub mod cut;
pub mod error;
pub mod files;
pub mod forge;
pub mod history;
pub mod packages;
mod plan;
pub mod policy;
pub mod publish;
pub mod pulls;
pub mod rollback;
mod sign;
pub mod steps;

use serde::Serialize;
use ts_rs::TS;

pub use error::ReleaseError;
pub use forge::Forge;
pub use plan::{changelog_range, plan, CommitCache, NoCache, PlanRequest, Prerelease};
pub use policy::Bump;

/// A commit (or one entry of a squash commit) since the last release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PlannedCommit {
    pub sha: String,
    pub short_sha: String,
    /// Conventional type, or `other` for a non-conventional message.
    #[serde(rename = "type")]
    pub kind: String,
    pub scope: Option<String>,
    pub breaking: bool,
    pub breaking_note: Option<String>,
    pub subject: String,
    pub author: String,
    /// Epoch milliseconds.
    pub time: i64,
    /// Pull request / issue numbers.
    pub refs: Vec<u64>,
    /// Web links for `refs` and the commit, when the remote is a known forge.
    pub ref_urls: Vec<String>,
    pub commit_url: Option<String>,
    /// Changelog group (`Added`, `Fixed`, … `Other`).
    pub group: String,
    /// The group's place in the changelog: a view lists groups by it, then
    /// by name, as the changelog does.
    pub group_rank: u32,
    /// Left out of the changelog by the type's rule.
    pub hidden: bool,
    /// What this commit asks for on its own.
    pub bump: Bump,
    /// One of the commits that decided the package's bump.
    pub decisive: bool,
    /// Cancelled by a revert within the same range (or is that revert).
    pub reverted: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PackagePlan {
    pub name: String,
    pub path: String,
    pub current_version: Option<String>,
    /// The tag `current_version` came from; `null` when it came from a file.
    pub current_tag: Option<String>,
    /// `null` when nothing is releasable.
    pub next_version: Option<String>,
    pub next_tag: Option<String>,
    pub bump: Bump,
    /// Why: the deciding commits and the policies that applied.
    pub reasons: Vec<String>,
    pub commits: Vec<PlannedCommit>,
    /// The section that `cut` will write, exactly.
    pub changelog: String,
    pub changelog_path: String,
    /// Set when the version was chosen by hand (`--version`), with why.
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReleasePlan {
    pub head: String,
    pub branch: Option<String>,
    pub packages: Vec<PackagePlan>,
    /// Where links point and releases go, when the remote is a known forge.
    pub forge: Option<Forge>,
}
