//! The workspace scan: statistics over the whole history reachable from
//! HEAD, including commits per week for the Overview chart. It is a job: it
//! reports progress and stops at the next checkpoint when cancelled.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use git2::{Repository, Sort};
use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::tags::head_commit;
use crate::error::Result;
use crate::jobs::Progress;

/// Weeks shown on the Overview chart.
pub const WEEKS: usize = 26;
/// How often (in commits) the walk checks for cancel.
const CHECK_EVERY: u64 = 512;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WeekCount {
    /// Monday of the week, `YYYY-MM-DD` (UTC).
    pub week_start: String,
    pub commits: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TypeCount {
    /// Conventional Commit type (`feat`, `fix`, …) or `other`.
    pub kind: String,
    pub commits: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuthorCount {
    pub name: String,
    pub commits: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HistoryStats {
    /// HEAD when scanned; the stats describe the history behind it.
    pub head: Option<String>,
    pub commits: u64,
    pub merges: u64,
    pub authors: u64,
    pub first_commit_at: Option<i64>,
    pub last_commit_at: Option<i64>,
    /// The last [`WEEKS`] weeks, oldest first, ending with the current week.
    pub weekly: Vec<WeekCount>,
    /// By Conventional Commit type, most frequent first.
    pub types: Vec<TypeCount>,
    /// The five most frequent authors (by name).
    pub top_authors: Vec<AuthorCount>,
    pub scanned_at: i64,
}

fn monday(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

fn commit_type(summary: &str) -> &str {
    // Only the type token is needed for statistics.
    static TYPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Za-z]+)(?:\([^)]*\))?!?:\s").unwrap());
    TYPE.captures(summary)
        .and_then(|c| c.get(1))
        .map_or("other", |m| m.as_str())
}

/// Scans the history behind HEAD. `now` fixes the chart's window.
pub fn scan_history(repo: &Repository, progress: &Progress, now: DateTime<Utc>) -> Result<HistoryStats> {
    let this_week = monday(now.date_naive());
    let first_week = this_week - Duration::weeks(WEEKS as i64 - 1);
    let mut weekly = vec![0u32; WEEKS];
    let mut types: HashMap<String, u64> = HashMap::new();
    let mut authors: HashMap<String, (String, u64)> = HashMap::new();
    let (mut commits, mut merges) = (0u64, 0u64);
    let (mut first, mut last): (Option<i64>, Option<i64>) = (None, None);

    let head = head_commit(repo)?;
    if let Some(head) = head {
        let mut walk = repo.revwalk()?;
        walk.set_sorting(Sort::NONE)?;
        walk.push(head)?;
        for oid in walk {
            let commit = repo.find_commit(oid?)?;
            commits += 1;
            if commit.parent_count() > 1 {
                merges += 1;
            }
            let secs = commit.time().seconds();
            first = Some(first.map_or(secs, |f| f.min(secs)));
            last = Some(last.map_or(secs, |l| l.max(secs)));
            if let Some(t) = Utc.timestamp_opt(secs, 0).single() {
                let week = monday(t.date_naive());
                if week >= first_week && week <= this_week {
                    weekly[((week - first_week).num_weeks()) as usize] += 1;
                }
            }
            let kind = commit_type(commit.summary().unwrap_or("")).to_ascii_lowercase();
            *types.entry(kind).or_default() += 1;
            let author = commit.author();
            let key = author.email().unwrap_or("").to_ascii_lowercase();
            let name = author.name().unwrap_or("unknown").to_string();
            authors.entry(key).or_insert_with(|| (name, 0)).1 += 1;

            if commits % CHECK_EVERY == 0 {
                progress.checkpoint()?;
            }
            progress.report(commits, None, format!("{commits} commits read"));
        }
    }
    progress.report(commits, Some(commits), format!("{commits} commits read"));

    let mut types: Vec<TypeCount> = types
        .into_iter()
        .map(|(kind, commits)| TypeCount { kind, commits })
        .collect();
    types.sort_by(|a, b| b.commits.cmp(&a.commits).then(a.kind.cmp(&b.kind)));
    let author_count = authors.len() as u64;
    let mut top: Vec<AuthorCount> = authors
        .into_values()
        .map(|(name, commits)| AuthorCount { name, commits })
        .collect();
    top.sort_by(|a, b| b.commits.cmp(&a.commits).then(a.name.cmp(&b.name)));
    top.truncate(5);

    Ok(HistoryStats {
        head: head.map(|h| h.to_string()),
        commits,
        merges,
        authors: author_count,
        first_commit_at: first.map(|s| s * 1000),
        last_commit_at: last.map(|s| s * 1000),
        weekly: weekly
            .into_iter()
            .enumerate()
            .map(|(i, commits)| WeekCount {
                week_start: (first_week + Duration::weeks(i as i64))
                    .format("%Y-%m-%d")
                    .to_string(),
                commits,
            })
            .collect(),
        types,
        top_authors: top,
        scanned_at: now.timestamp_millis(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let wed = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(monday(wed), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(monday(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).day(), 23);
    }

    #[test]
    fn commit_types() {
        assert_eq!(commit_type("feat(api): add x"), "feat");
        assert_eq!(commit_type("fix!: y"), "fix");
        assert_eq!(commit_type("Merge branch 'x'"), "other");
        assert_eq!(commit_type("feat:no space"), "other");
    }
}
