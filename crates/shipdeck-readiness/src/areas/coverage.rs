//! `coverage`: the reports `coverage report` finds, merged, against each
//! `[coverage.areas]` threshold (or the two default areas). An area under
//! its threshold fails; an area the reports measure no line of is listed
//! but not judged; reports that measure no area at all warn; no report
//! skips.

use shipdeck_coverage::{AreaResult, CoverageReport};

use super::{bounded, count, named};
use crate::{AreaOutcome, CheckStatus};

fn figure(a: &AreaResult) -> String {
    format!("{} {:.1}%", a.name, a.lines_pct)
}

fn line(a: &AreaResult) -> String {
    if a.lines_total == 0 {
        return format!("{}: no line measured (threshold {}%)", a.name, a.threshold);
    }
    format!(
        "{}: {:.1}% of {} lines, threshold {}% — {}",
        a.name,
        a.lines_pct,
        a.lines_total,
        a.threshold,
        if a.passed { "met" } else { "under" }
    )
}

/// The command that shows what this check judged.
pub const COMMAND: &str = "shipdeck coverage report";

/// The check's outcome, every line one line of bounded length, secrets
/// the redactor knows removed.
pub fn judge(report: &CoverageReport) -> AreaOutcome {
    super::clean(outcome(report))
}

fn outcome(report: &CoverageReport) -> AreaOutcome {
    if report.reports.is_empty() {
        return AreaOutcome::skipped("no coverage report found");
    }
    let measured: Vec<&AreaResult> = report.areas.iter().filter(|a| a.lines_total > 0).collect();
    let under: Vec<&AreaResult> = measured.iter().copied().filter(|a| !a.passed).collect();
    let reports = count(report.reports.len(), "report", "reports");
    let (status, summary) = if !under.is_empty() {
        let names: Vec<String> = under
            .iter()
            .map(|a| format!("{} < {}%", figure(a), a.threshold))
            .collect();
        (
            CheckStatus::Fail,
            format!(
                "{} under threshold: {}",
                count(under.len(), "area", "areas"),
                named(&names)
            ),
        )
    } else if measured.is_empty() {
        (
            CheckStatus::Warn,
            format!("{reports} found but they measure no file of any coverage area"),
        )
    } else {
        let names: Vec<String> = measured
            .iter()
            .map(|a| format!("{} ≥ {}%", figure(a), a.threshold))
            .collect();
        (
            CheckStatus::Pass,
            format!("every threshold met: {}", named(&names)),
        )
    };
    let mut outcome = AreaOutcome::new(status, summary);
    outcome.lines = bounded(
        report
            .areas
            .iter()
            .map(line)
            .chain(
                report
                    .skipped
                    .iter()
                    .map(|s| format!("{}: not read: {}", s.path, s.reason)),
            )
            .collect(),
    );
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_coverage::{Counts, ReportSummary};

    fn area(name: &str, covered: u64, total: u64, threshold: f64) -> AreaResult {
        let pct = if total == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / total as f64
        };
        AreaResult {
            name: name.into(),
            globs: vec![],
            lines_pct: pct,
            threshold,
            passed: total == 0 || pct >= threshold,
            lines_covered: covered,
            lines_total: total,
        }
    }

    fn report(areas: Vec<AreaResult>) -> CoverageReport {
        CoverageReport {
            reports: vec![ReportSummary {
                path: "coverage/lcov.info".into(),
                format: "lcov",
                lines: Counts::new(1, 1),
                branches: None,
                files: 1,
            }],
            passed: areas.iter().all(|a| a.passed),
            areas,
            skipped: vec![],
            files: Default::default(),
        }
    }

    #[test]
    fn no_report_is_skipped() {
        let mut r = report(vec![]);
        r.reports.clear();
        let o = judge(&r);
        assert_eq!(o.status, CheckStatus::Skipped);
        assert_eq!(o.summary, "no coverage report found");
    }

    #[test]
    fn every_measured_area_met_passes_and_unmeasured_ones_are_listed() {
        let o = judge(&report(vec![
            area("core", 86, 100, 80.0),
            area("frontend", 0, 0, 50.0),
        ]));
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(o.summary, "every threshold met: core 86.0% ≥ 80%");
        assert_eq!(o.lines[1], "frontend: no line measured (threshold 50%)");
    }

    #[test]
    fn an_area_under_its_threshold_fails_naming_pct_and_threshold() {
        let o = judge(&report(vec![
            area("api", 62, 100, 70.0),
            area("core", 90, 100, 80.0),
        ]));
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(o.summary, "1 area under threshold: api 62.0% < 70%");
        assert_eq!(o.lines[0], "api: 62.0% of 100 lines, threshold 70% — under");
    }

    #[test]
    fn reports_measuring_no_area_warn() {
        let o = judge(&report(vec![area("backend", 0, 0, 70.0)]));
        assert_eq!(o.status, CheckStatus::Warn);
    }
}
