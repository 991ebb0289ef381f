//! The gate's public shapes. `ReadinessReport` is what `ready --json`
//! prints, exactly: `{verdict, candidate: {version, commit}, checks: [{area,
//! status, summary, command}]}`.

use serde::{Deserialize, Serialize};
use shipdeck_types::ErrorPayload;
use ts_rs::TS;

/// The areas the gate asks, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ReadinessArea")]
pub enum Area {
    Releases,
    Migrations,
    Advisor,
    Environments,
    Benchmarks,
    Secrets,
    Vulnerabilities,
    Dependencies,
    Coverage,
    Bundle,
    Docs,
}

impl Area {
    pub const ALL: [Area; 11] = [
        Area::Releases,
        Area::Migrations,
        Area::Advisor,
        Area::Environments,
        Area::Benchmarks,
        Area::Secrets,
        Area::Vulnerabilities,
        Area::Dependencies,
        Area::Coverage,
        Area::Bundle,
        Area::Docs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Releases => "releases",
            Area::Migrations => "migrations",
            Area::Advisor => "advisor",
            Area::Environments => "environments",
            Area::Benchmarks => "benchmarks",
            Area::Secrets => "secrets",
            Area::Vulnerabilities => "vulnerabilities",
            Area::Dependencies => "dependencies",
            Area::Coverage => "coverage",
            Area::Bundle => "bundle",
            Area::Docs => "docs",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One check's answer. `skipped`: the area is not configured or has no
/// data yet; the summary says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ReadinessStatus")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    Skipped,
}

impl CheckStatus {
    pub const ALL: [CheckStatus; 4] = [
        CheckStatus::Pass,
        CheckStatus::Warn,
        CheckStatus::Fail,
        CheckStatus::Skipped,
    ];
}

/// The gate's answer: `fail` if any check fails, else `warn` if any warns,
/// else `pass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ReadinessVerdict")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn of(checks: &[Check]) -> Verdict {
        if checks.iter().any(|c| c.status == CheckStatus::Fail) {
            Verdict::Fail
        } else if checks.iter().any(|c| c.status == CheckStatus::Warn) {
            Verdict::Warn
        } else {
            Verdict::Pass
        }
    }
}

/// The release candidate at HEAD: the next version from the release plan
/// (`null` when there is nothing to release) and the commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "ReleaseCandidate")]
pub struct Candidate {
    pub version: Option<String>,
    pub commit: String,
}

/// One area's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "ReadinessCheck")]
pub struct Check {
    pub area: Area,
    pub status: CheckStatus,
    /// One line.
    pub summary: String,
    /// The command that shows the details (`shipdeck migrate status`, …).
    pub command: String,
}

/// What `shipdeck ready --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadinessReport {
    pub verdict: Verdict,
    pub candidate: Candidate,
    pub checks: Vec<Check>,
}

/// What one area's check found, before `[readiness.checks]` weighs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaOutcome {
    pub status: CheckStatus,
    /// One line.
    pub summary: String,
    /// The details: one finding per line, bounded.
    pub lines: Vec<String>,
}

impl AreaOutcome {
    pub fn new(status: CheckStatus, summary: impl Into<String>) -> AreaOutcome {
        AreaOutcome {
            status,
            summary: summary.into(),
            lines: Vec::new(),
        }
    }

    /// The area is not configured or has no data yet; `reason` says which.
    pub fn skipped(reason: impl Into<String>) -> AreaOutcome {
        AreaOutcome::new(CheckStatus::Skipped, reason)
    }
}

/// What the gate found in one area beyond its one-line summary: the
/// report's and the view's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "ReadinessAreaDetails")]
pub struct AreaDetails {
    pub area: Area,
    /// How `[readiness.checks]` weighs this area: `required`, `warn` or `off`.
    pub level: String,
    /// One finding per line (a pending migration, a stale page, …), bounded.
    pub lines: Vec<String>,
    /// The typed error when the check itself failed (a database
    /// unreachable): the check is then `fail` with its message.
    pub error: Option<ErrorPayload>,
}

/// One gate run, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadinessRun {
    pub id: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub duration_ms: i64,
    pub report: ReadinessReport,
    pub details: Vec<AreaDetails>,
    /// The changelog section the candidate would be released with
    /// (Markdown, every package's), when there is something to release.
    pub changelog: Option<String>,
}

/// One row of the gate's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadinessHistoryEntry {
    pub id: i64,
    pub at: i64,
    pub candidate: Candidate,
    pub verdict: Verdict,
    pub statuses: Vec<AreaStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "ReadinessAreaStatus")]
pub struct AreaStatus {
    pub area: Area,
    pub status: CheckStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(area: Area, status: CheckStatus) -> Check {
        Check {
            area,
            status,
            summary: String::new(),
            command: String::new(),
        }
    }

    #[test]
    fn verdict_is_the_worst_check_and_skipped_counts_as_nothing() {
        use CheckStatus::*;
        assert_eq!(Verdict::of(&[check(Area::Docs, Skipped)]), Verdict::Pass);
        assert_eq!(
            Verdict::of(&[check(Area::Docs, Pass), check(Area::Bundle, Warn)]),
            Verdict::Warn
        );
        assert_eq!(
            Verdict::of(&[
                check(Area::Docs, Warn),
                check(Area::Bundle, Fail),
                check(Area::Coverage, Pass)
            ]),
            Verdict::Fail
        );
    }

    #[test]
    fn area_names_round_trip() {
        for a in Area::ALL {
            assert_eq!(Area::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }
}
