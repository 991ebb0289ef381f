//! `vulnerabilities`: every locked dependency matched against OSV as
//! `security vulns` does. A high or critical advisory fails; any other
//! (medium, low, none, or no rating) warns; no lockfile skips.

use std::collections::BTreeSet;

use shipdeck_security::vulns::{VulnSeverity, Vulnerability, VulnsReport};

use super::{bounded, count, named};
use crate::{AreaOutcome, CheckStatus};

fn severity(v: &Vulnerability) -> &'static str {
    match v.severity {
        Some(VulnSeverity::Critical) => "critical",
        Some(VulnSeverity::High) => "high",
        Some(VulnSeverity::Medium) => "medium",
        Some(VulnSeverity::Low) => "low",
        Some(VulnSeverity::None) => "none",
        None => "unrated",
    }
}

fn blocking(v: &Vulnerability) -> bool {
    matches!(v.severity, Some(VulnSeverity::High | VulnSeverity::Critical))
}

fn line(v: &Vulnerability) -> String {
    let fix = v
        .upgrade_to
        .as_deref()
        .map_or_else(|| "no fixed version".to_string(), |u| format!("upgrade to {u}"));
    format!(
        "{} {} ({}): {} {} — {fix}",
        v.package,
        v.version,
        v.lockfile,
        v.id,
        severity(v)
    )
}

/// The command that shows what this check judged.
pub const COMMAND: &str = "shipdeck security vulns";

/// The check's outcome, every line one line of bounded length, secrets
/// the redactor knows removed.
pub fn judge(report: &VulnsReport) -> AreaOutcome {
    super::clean(outcome(report))
}

fn outcome(report: &VulnsReport) -> AreaOutcome {
    if report.lockfiles.is_empty() {
        return AreaOutcome::skipped("no lockfile to check");
    }
    let mut vulns: Vec<&Vulnerability> = report.vulnerabilities.iter().collect();
    if vulns.is_empty() {
        return AreaOutcome::new(
            CheckStatus::Pass,
            format!(
                "no known vulnerabilities in {} ({})",
                count(
                    report.packages_scanned as usize,
                    "locked package",
                    "locked packages"
                ),
                count(report.lockfiles.len(), "lockfile", "lockfiles")
            ),
        );
    }
    // Worst first, then by package.
    vulns.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| (&a.package, &a.version, &a.id).cmp(&(&b.package, &b.version, &b.id)))
    });
    let blockers: Vec<&&Vulnerability> = vulns.iter().filter(|v| blocking(v)).collect();
    let shown = |list: &[&&Vulnerability]| -> Vec<String> {
        let mut seen = BTreeSet::new();
        list.iter()
            .filter(|v| seen.insert((&v.package, &v.version)))
            .map(|v| format!("{} {} ({})", v.package, v.version, v.id))
            .collect()
    };
    let (status, summary) = if blockers.is_empty() {
        let all: Vec<&&Vulnerability> = vulns.iter().collect();
        (
            CheckStatus::Warn,
            format!(
                "{} below high: {}",
                count(vulns.len(), "vulnerability", "vulnerabilities"),
                named(&shown(&all))
            ),
        )
    } else {
        (
            CheckStatus::Fail,
            format!(
                "{} high or critical: {}",
                count(blockers.len(), "vulnerability", "vulnerabilities"),
                named(&shown(&blockers))
            ),
        )
    };
    let mut outcome = AreaOutcome::new(status, summary);
    outcome.lines = bounded(vulns.iter().map(|v| line(v)).collect());
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_security::vulns::Ecosystem;

    fn vuln(package: &str, id: &str, severity: Option<VulnSeverity>) -> Vulnerability {
        Vulnerability {
            ecosystem: Ecosystem::Npm,
            package: package.into(),
            version: "1.0.0".into(),
            id: id.into(),
            aliases: vec![],
            severity,
            score: None,
            cvss: None,
            fixed: vec!["1.0.1".into()],
            upgrade_to: Some("1.0.1".into()),
            lockfile: "web/package-lock.json".into(),
            via: vec![package.into()],
            summary: None,
            url: None,
        }
    }

    fn report(vulnerabilities: Vec<Vulnerability>) -> VulnsReport {
        VulnsReport {
            vulnerabilities,
            packages_scanned: 12,
            lockfiles: vec!["web/package-lock.json".into()],
        }
    }

    #[test]
    fn no_lockfile_is_skipped_and_a_clean_lock_passes() {
        assert_eq!(judge(&VulnsReport::default()).status, CheckStatus::Skipped);
        let o = judge(&report(vec![]));
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(
            o.summary,
            "no known vulnerabilities in 12 locked packages (1 lockfile)"
        );
    }

    #[test]
    fn high_or_critical_fails_and_names_them_worst_first() {
        let o = judge(&report(vec![
            vuln("ms", "GHSA-low", Some(VulnSeverity::Low)),
            vuln("lodash", "GHSA-high", Some(VulnSeverity::High)),
            vuln("qs", "GHSA-crit", Some(VulnSeverity::Critical)),
        ]));
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(
            o.summary,
            "2 vulnerabilities high or critical: qs 1.0.0 (GHSA-crit), lodash 1.0.0 (GHSA-high)"
        );
        assert_eq!(o.lines.len(), 3);
        assert_eq!(
            o.lines[0],
            "qs 1.0.0 (web/package-lock.json): GHSA-crit critical — upgrade to 1.0.1"
        );
    }

    #[test]
    fn medium_low_and_unrated_warn() {
        for s in [Some(VulnSeverity::Medium), Some(VulnSeverity::Low), None] {
            let o = judge(&report(vec![vuln("ms", "GHSA-x", s)]));
            assert_eq!(o.status, CheckStatus::Warn, "{s:?}");
            assert_eq!(o.summary, "1 vulnerability below high: ms 1.0.0 (GHSA-x)");
        }
    }
}
