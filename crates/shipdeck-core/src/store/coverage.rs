//! Coverage history: a row per `coverage report` run with the commit it
//! measured, its areas against their thresholds and its reports' totals.
//! Sizes are bounded: so many tags, areas, reports and runs per workspace.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::{now_ms, q, Store};
use crate::coverage::{AreaResult, Counts, CoverageReport, ReportSummary};
use crate::error::Result;

/// Runs kept per workspace; older ones are dropped as new ones come.
pub const MAX_COVERAGE_RUNS: i64 = 5_000;
const MAX_TAGS: usize = 20;
const MAX_AREAS: usize = 200;
const MAX_REPORTS: usize = 500;
const MAX_TEXT: usize = 1_024;

/// The commit a run measured.
#[derive(Debug, Clone, Default)]
pub struct CommitContext {
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    /// Release tags pointing at the commit.
    pub tags: Vec<String>,
}

/// What a run leaves: its commit and its report without the line map.
#[derive(Debug, Clone)]
pub struct NewCoverageRun {
    pub ctx: CommitContext,
    pub passed: bool,
    /// Covered and total lines of every report's files, merged.
    pub lines: (u64, u64),
    pub areas: Vec<AreaResult>,
    pub reports: Vec<ReportSummary>,
}

impl NewCoverageRun {
    pub fn of(ctx: CommitContext, report: &CoverageReport) -> NewCoverageRun {
        let lines = report
            .files
            .values()
            .map(|f| f.line_counts())
            .fold((0u64, 0u64), |(c, t), (fc, ft)| (c + fc, t + ft));
        NewCoverageRun {
            ctx,
            passed: report.passed,
            lines,
            areas: report.areas.iter().take(MAX_AREAS).cloned().collect(),
            reports: report.reports.iter().take(MAX_REPORTS).cloned().collect(),
        }
    }
}

/// One stored `coverage report` run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CoverageRun {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub tags: Vec<String>,
    /// Every area passed.
    pub passed: bool,
    /// Every report's files, merged line by line.
    pub lines: Counts,
    pub areas: Vec<CoverageAreaPoint>,
    pub reports: Vec<CoverageReportPoint>,
}

/// An area of a stored run.
#[derive(Debug, Clone, PartialEq, Serialize, TS, sqlx::FromRow)]
pub struct CoverageAreaPoint {
    #[serde(skip)]
    #[ts(skip)]
    pub run_id: i64,
    pub name: String,
    pub lines_covered: i64,
    pub lines_total: i64,
    pub lines_pct: f64,
    pub threshold: f64,
    pub passed: bool,
}

/// A report of a stored run, its totals as its tool states them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CoverageReportPoint {
    pub path: String,
    pub format: String,
    pub lines: Counts,
    pub branches: Option<Counts>,
}

/// run_id, path, format, lines covered, total, branches covered, total.
type ReportRow = (i64, String, String, i64, i64, Option<i64>, Option<i64>);
/// id, at, commit_sha, branch, tags, passed, lines covered, total.
type RunRow = (i64, i64, Option<String>, Option<String>, String, bool, i64, i64);

fn bounded(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

fn counts(covered: i64, total: i64) -> Counts {
    Counts::new(covered.max(0) as u64, total.max(0) as u64)
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Saves a run and drops the workspace's runs beyond [`MAX_COVERAGE_RUNS`].
    pub async fn coverage_run_save(&self, workspace_id: &str, run: &NewCoverageRun) -> Result<i64> {
        let (ctx, (covered, total)) = (&run.ctx, run.lines);
        let tags: Vec<String> = ctx.tags.iter().take(MAX_TAGS).map(|t| bounded(t)).collect();
        let mut tx = self.db().await?.begin().await?;
        let (id,): (i64,) = q(
            "INSERT INTO coverage_runs (workspace_id, at, commit_sha, branch, tags, passed, lines_covered, lines_total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .bind(ctx.commit_sha.as_deref().map(bounded))
        .bind(ctx.branch.as_deref().map(bounded))
        .bind(serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into()))
        .bind(run.passed)
        .bind(int(covered))
        .bind(int(total))
        .fetch_one(&mut tx)
        .await?;
        for a in run.areas.iter().take(MAX_AREAS) {
            q(
                "INSERT INTO coverage_run_areas (run_id, name, lines_covered, lines_total, lines_pct, threshold, passed)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (run_id, name) DO UPDATE SET lines_covered = excluded.lines_covered,
                     lines_total = excluded.lines_total, lines_pct = excluded.lines_pct,
                     threshold = excluded.threshold, passed = excluded.passed",
            )
            .bind(id)
            .bind(bounded(&a.name))
            .bind(int(a.lines_covered))
            .bind(int(a.lines_total))
            .bind(a.lines_pct)
            .bind(a.threshold)
            .bind(a.passed)
            .execute(&mut tx)
            .await?;
        }
        for (i, r) in run.reports.iter().take(MAX_REPORTS).enumerate() {
            q(
                "INSERT INTO coverage_run_reports (run_id, ord, path, format, lines_covered, lines_total, branches_covered, branches_total)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(bounded(&r.path))
            .bind(r.format)
            .bind(int(r.lines.covered))
            .bind(int(r.lines.total))
            .bind(r.branches.map(|b| int(b.covered)))
            .bind(r.branches.map(|b| int(b.total)))
            .execute(&mut tx)
            .await?;
        }
        q("DELETE FROM coverage_runs WHERE workspace_id = $1 AND id NOT IN
             (SELECT id FROM coverage_runs WHERE workspace_id = $2 ORDER BY at DESC, id DESC LIMIT $3)")
        .bind(workspace_id)
        .bind(workspace_id)
        .bind(MAX_COVERAGE_RUNS)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The newest `limit` runs, newest first.
    pub async fn coverage_runs(&self, workspace_id: &str, limit: i64) -> Result<Vec<CoverageRun>> {
        let pool = self.db().await?;
        let runs: Vec<RunRow> = q(
            "SELECT id, at, commit_sha, branch, tags, passed, lines_covered, lines_total
             FROM coverage_runs WHERE workspace_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
        let Some(oldest) = runs.last().map(|r| r.0) else {
            return Ok(Vec::new());
        };
        let newest = runs.iter().map(|r| r.0).max().unwrap_or(oldest);
        let oldest = runs.iter().map(|r| r.0).min().unwrap_or(oldest);
        let areas: Vec<CoverageAreaPoint> = q(
            "SELECT a.run_id, a.name, a.lines_covered, a.lines_total, a.lines_pct, a.threshold, a.passed
             FROM coverage_run_areas a JOIN coverage_runs r ON r.id = a.run_id
             WHERE r.workspace_id = $1 AND a.run_id BETWEEN $2 AND $3 ORDER BY a.run_id, a.name",
        )
        .bind(workspace_id)
        .bind(oldest)
        .bind(newest)
        .fetch_all(pool)
        .await?;
        let reports: Vec<ReportRow> = q(
            "SELECT p.run_id, p.path, p.format, p.lines_covered, p.lines_total, p.branches_covered, p.branches_total
             FROM coverage_run_reports p JOIN coverage_runs r ON r.id = p.run_id
             WHERE r.workspace_id = $1 AND p.run_id BETWEEN $2 AND $3 ORDER BY p.run_id, p.ord",
        )
        .bind(workspace_id)
        .bind(oldest)
        .bind(newest)
        .fetch_all(pool)
        .await?;
        let mut areas_of: HashMap<i64, Vec<CoverageAreaPoint>> = HashMap::new();
        for a in areas {
            areas_of.entry(a.run_id).or_default().push(a);
        }
        let mut reports_of: HashMap<i64, Vec<CoverageReportPoint>> = HashMap::new();
        for (run_id, path, format, lc, lt, bc, bt) in reports {
            reports_of.entry(run_id).or_default().push(CoverageReportPoint {
                path,
                format,
                lines: counts(lc, lt),
                branches: bc.zip(bt).map(|(c, t)| counts(c, t)),
            });
        }
        Ok(runs
            .into_iter()
            .map(
                |(id, at, commit_sha, branch, tags, passed, covered, total)| CoverageRun {
                    id,
                    at,
                    commit_sha,
                    branch,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    passed,
                    lines: counts(covered, total),
                    areas: areas_of.remove(&id).unwrap_or_default(),
                    reports: reports_of.remove(&id).unwrap_or_default(),
                },
            )
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{report, ReportOptions};
    use crate::jobs::Progress;

    /// A real report of a workspace whose lcov file says `hits` for a.py.
    fn measured(hits: &[u64]) -> (tempfile::TempDir, CoverageReport) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.py"), "x\n".repeat(hits.len())).unwrap();
        let mut lcov = String::from("TN:\nSF:a.py\n");
        for (i, h) in hits.iter().enumerate() {
            lcov.push_str(&format!("DA:{},{h}\n", i + 1));
        }
        let covered = hits.iter().filter(|h| **h > 0).count();
        lcov.push_str(&format!(
            "LH:{covered}\nLF:{}\nBRH:1\nBRF:2\nend_of_record\n",
            hits.len()
        ));
        std::fs::write(dir.path().join("lcov.info"), lcov).unwrap();
        let progress = Progress::detached(crate::jobs::CancellationToken::new());
        let r = report(dir.path(), &ReportOptions::default(), &progress).unwrap();
        (dir, r)
    }

    #[tokio::test]
    async fn a_run_keeps_its_commit_areas_and_reports_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        store.upsert_workspace("w", "/w", "w", false).await.unwrap();
        store.upsert_workspace("other", "/o", "o", false).await.unwrap();
        let (_a, low) = measured(&[1, 0, 0, 0]);
        let (_b, high) = measured(&[1, 1, 1, 0]);
        let ctx = CommitContext {
            commit_sha: Some("abc".into()),
            branch: Some("main".into()),
            tags: (0..30).map(|i| format!("v1.{i}.0")).collect(),
        };
        store
            .coverage_run_save("w", &NewCoverageRun::of(ctx.clone(), &low))
            .await
            .unwrap();
        store
            .coverage_run_save("other", &NewCoverageRun::of(ctx, &high))
            .await
            .unwrap();
        let second = store
            .coverage_run_save("w", &NewCoverageRun::of(CommitContext::default(), &high))
            .await
            .unwrap();
        let runs = store.coverage_runs("w", 10).await.unwrap();
        assert_eq!(runs.len(), 2, "the other workspace's run is not listed");
        assert_eq!(runs[0].id, second, "newest first");
        assert_eq!(runs[0].lines, Counts::new(3, 4));
        assert!(runs[0].passed);
        let old = &runs[1];
        assert!(!old.passed, "25 % is under the backend's 70");
        assert_eq!(old.commit_sha.as_deref(), Some("abc"));
        assert_eq!(old.tags.len(), MAX_TAGS, "tags are capped");
        let backend = old.areas.iter().find(|a| a.name == "backend").unwrap();
        assert_eq!((backend.lines_covered, backend.lines_total), (1, 4));
        assert_eq!(
            (backend.lines_pct, backend.threshold, backend.passed),
            (25.0, 70.0, false)
        );
        assert_eq!(old.areas.len(), 2, "backend and frontend");
        assert_eq!(old.reports.len(), 1);
        assert_eq!(old.reports[0].path, "lcov.info");
        assert_eq!(old.reports[0].format, "lcov");
        assert_eq!(old.reports[0].branches, Some(Counts::new(1, 2)));
    }

    #[tokio::test]
    async fn runs_beyond_the_limit_are_dropped_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        store.upsert_workspace("w", "/w", "w", false).await.unwrap();
        let (_a, r) = measured(&[1, 0]);
        let first = store
            .coverage_run_save("w", &NewCoverageRun::of(CommitContext::default(), &r))
            .await
            .unwrap();
        // Pretend the limit was reached: every later run pushes one out.
        q(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
             INSERT INTO coverage_runs (workspace_id, at, tags, passed, lines_covered, lines_total)
             SELECT 'w', 1 + i, '[]', 1, 0, 0 FROM n",
        )
        .bind(MAX_COVERAGE_RUNS - 1)
        .execute(store.db().await.unwrap())
        .await
        .unwrap();
        store
            .coverage_run_save("w", &NewCoverageRun::of(CommitContext::default(), &r))
            .await
            .unwrap();
        let runs = store.coverage_runs("w", MAX_COVERAGE_RUNS + 10).await.unwrap();
        assert_eq!(runs.len() as i64, MAX_COVERAGE_RUNS);
        assert!(runs.iter().any(|x| x.id == first), "a newer run is kept");
        assert!(runs.iter().all(|x| x.at != 2), "the oldest run is dropped");
    }
}
