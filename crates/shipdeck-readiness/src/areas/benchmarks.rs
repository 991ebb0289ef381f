//! `benchmarks`: the regression gate (`bench compare`'s statistics) of the
//! newest stored run against the run at, or before, the last release tag.

use crate::gate::count;
use crate::model::{AreaOutcome, CheckStatus};

#[derive(Debug, Clone)]
pub enum BenchFacts {
    /// No stored run at all.
    NoRuns,
    /// No release tag, or no stored run at or before it.
    NoBaseline { reason: String },
    /// The newest run is the baseline itself: nothing new to compare.
    SameRun { reference: String },
    Compared {
        /// The release tag the baseline belongs to.
        base: String,
        metrics: usize,
        /// `metric: +12.3 %` of each regression.
        regressions: Vec<String>,
        /// Metrics whose iterations failed: their times cannot be judged.
        failed: Vec<String>,
    },
}

pub fn judge(f: &BenchFacts) -> AreaOutcome {
    match f {
        BenchFacts::NoRuns => AreaOutcome::skipped("no benchmark run stored: shipdeck benchmarks run"),
        BenchFacts::NoBaseline { reason } => AreaOutcome::skipped(reason.clone()),
        BenchFacts::SameRun { reference } => AreaOutcome::new(
            CheckStatus::Pass,
            format!("no run since {reference}: nothing new to compare"),
        ),
        BenchFacts::Compared {
            base,
            metrics,
            regressions,
            failed,
        } => {
            let mut lines: Vec<String> = regressions.iter().map(|r| format!("regression: {r}")).collect();
            lines.extend(failed.iter().map(|m| format!("failed iterations: {m}")));
            let mut o = if !regressions.is_empty() {
                AreaOutcome::new(
                    CheckStatus::Fail,
                    format!(
                        "{} against {base}: {}",
                        count(regressions.len(), "regression"),
                        regressions.join(", ")
                    ),
                )
            } else if !failed.is_empty() {
                AreaOutcome::new(
                    CheckStatus::Warn,
                    format!(
                        "{} with failed iterations against {base}",
                        count(failed.len(), "metric")
                    ),
                )
            } else {
                AreaOutcome::new(
                    CheckStatus::Pass,
                    format!("{} against {base}, no regression", count(*metrics, "metric")),
                )
            };
            o.lines = lines;
            o
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regression_fails_and_names_the_metric() {
        let o = judge(&BenchFacts::Compared {
            base: "v1.2.0".into(),
            metrics: 3,
            regressions: vec!["GET /: p95 +40.0 %".into()],
            failed: vec![],
        });
        assert_eq!(o.status, CheckStatus::Fail);
        assert!(o.summary.contains("GET /"), "{}", o.summary);
    }

    #[test]
    fn no_regression_passes_and_no_data_is_skipped() {
        let o = judge(&BenchFacts::Compared {
            base: "v1.2.0".into(),
            metrics: 3,
            regressions: vec![],
            failed: vec![],
        });
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(judge(&BenchFacts::NoRuns).status, CheckStatus::Skipped);
        let nb = BenchFacts::NoBaseline {
            reason: "no release tag".into(),
        };
        assert_eq!(judge(&nb).status, CheckStatus::Skipped);
    }

    #[test]
    fn failed_iterations_warn() {
        let o = judge(&BenchFacts::Compared {
            base: "v1".into(),
            metrics: 1,
            regressions: vec![],
            failed: vec!["x".into()],
        });
        assert_eq!(o.status, CheckStatus::Warn);
    }
}
