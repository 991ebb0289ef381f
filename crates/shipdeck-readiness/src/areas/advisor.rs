//! `advisor`: the newest stored advisor run of each database. A critical
//! finding (not dismissed) fails, a warning-level finding warns, info-level
//! findings alone pass (they are clean-ups, not risks).

use crate::gate::count;
use crate::model::{AreaOutcome, CheckStatus};

/// One database's newest run: its findings per severity, dismissed ones
/// left out. `None`: the advisor never ran on it.
#[derive(Debug, Clone, Default)]
pub struct AdvisorFacts {
    pub database: String,
    pub latest: Option<SeverityCounts>,
    /// The critical findings' messages.
    pub critical_lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: usize,
    pub warning: usize,
    pub info: usize,
}

pub fn judge(dbs: &[AdvisorFacts]) -> AreaOutcome {
    let ran: Vec<(&AdvisorFacts, SeverityCounts)> = dbs.iter().filter_map(|d| Some((d, d.latest?))).collect();
    if ran.is_empty() {
        return AreaOutcome::skipped("no advisor run yet: shipdeck advisor run");
    }
    let mut lines: Vec<String> = dbs
        .iter()
        .filter(|d| d.latest.is_none())
        .map(|d| format!("{}: no advisor run yet", d.database))
        .collect();
    let critical: usize = ran.iter().map(|(_, c)| c.critical).sum();
    let warning: usize = ran.iter().map(|(_, c)| c.warning).sum();
    let info: usize = ran.iter().map(|(_, c)| c.info).sum();
    for (d, c) in &ran {
        lines.push(format!(
            "{}: {} critical, {} warning, {} info",
            d.database, c.critical, c.warning, c.info
        ));
        lines.extend(
            d.critical_lines
                .iter()
                .map(|l| format!("{}: critical: {l}", d.database)),
        );
    }
    let names = ran
        .iter()
        .map(|(d, _)| d.database.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (status, summary) = if critical > 0 {
        (
            CheckStatus::Fail,
            format!("{} on {names}", count(critical, "critical finding")),
        )
    } else if warning > 0 {
        (
            CheckStatus::Warn,
            format!("{} on {names}, none critical", count(warning, "warning")),
        )
    } else if info > 0 {
        (
            CheckStatus::Pass,
            format!("{} on {names}, nothing at risk", count(info, "info finding")),
        )
    } else {
        (CheckStatus::Pass, format!("no findings on {names}"))
    };
    let mut o = AreaOutcome::new(status, summary);
    o.lines = lines;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(latest: Option<SeverityCounts>) -> AdvisorFacts {
        AdvisorFacts {
            database: "main".into(),
            latest,
            critical_lines: vec![],
        }
    }

    #[test]
    fn no_run_is_skipped_with_the_command() {
        let o = judge(&[facts(None)]);
        assert_eq!(o.status, CheckStatus::Skipped);
        assert!(o.summary.contains("shipdeck advisor run"));
    }

    #[test]
    fn severity_decides() {
        let c = |critical, warning, info| {
            judge(&[facts(Some(SeverityCounts {
                critical,
                warning,
                info,
            }))])
            .status
        };
        assert_eq!(c(1, 0, 0), CheckStatus::Fail);
        assert_eq!(c(0, 2, 1), CheckStatus::Warn);
        assert_eq!(c(0, 0, 3), CheckStatus::Pass);
        assert_eq!(c(0, 0, 0), CheckStatus::Pass);
    }
}
