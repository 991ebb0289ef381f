//! Charts. Drawing lives in the `shipdeck-charts` crate, which knows no
//! area; this module hands it each area's records as plain series, under
//! the names and signatures the API has always called.

pub use shipdeck_charts::{human_bytes, legend, Chart, ChartError, ChartId, Datum, Palette, Theme, TimeAxis};

use crate::environments::{CellState, ParityReport};
use crate::error::{Error, Result};
use crate::migrations::run::MigrationStatus;
use crate::releases::history::Cadence;
use crate::store::EnvRun;
use crate::workspace::WeekCount;

/// A drawn chart, its error carried as the charts crate's own.
fn drawn(chart: std::result::Result<Chart, ChartError>) -> Result<Chart> {
    chart.map_err(Error::area)
}

/// Bars of commits per week, labelled every fourth week.
pub fn commits_per_week(weeks: &[WeekCount], theme: Theme) -> Result<Chart> {
    let weeks: Vec<_> = weeks
        .iter()
        .map(|w| shipdeck_charts::WeekCount {
            week_start: w.week_start.clone(),
            commits: w.commits,
        })
        .collect();
    drawn(shipdeck_charts::commits_per_week(&weeks, theme))
}

/// Releases per month over a year, and commits per release.
pub fn release_cadence(cadence: &Cadence, theme: Theme) -> Result<Chart> {
    let cadence = shipdeck_charts::Cadence {
        per_month: cadence
            .per_month
            .iter()
            .map(|m| shipdeck_charts::MonthCount {
                month: m.month.clone(),
                releases: m.releases,
            })
            .collect(),
        per_release: cadence.per_release.clone(),
    };
    drawn(shipdeck_charts::release_cadence(&cadence, theme))
}

/// How long each applied migration took, in the order they were applied,
/// each bar named by its migration.
pub fn migration_durations(status: &MigrationStatus, theme: Theme) -> Result<Chart> {
    let mut applied: Vec<_> = status
        .migrations
        .iter()
        .filter(|m| m.applied)
        .filter_map(|m| {
            Some((
                m.applied_at.clone().unwrap_or_default(),
                m.version,
                m.execution_ms?,
                m,
            ))
        })
        .collect();
    applied.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let applied: Vec<_> = applied
        .into_iter()
        .map(|(_, version, execution_ms, m)| shipdeck_charts::MigrationTime {
            version,
            name: m.description.clone(),
            execution_ms,
        })
        .collect();
    drawn(shipdeck_charts::migration_durations(
        &status.database,
        &applied,
        theme,
    ))
}

/// One metric over time, annotated with the release tags runs were measured on.
pub fn bench_over_time(
    metric: &str,
    unit: &str,
    points: &[(i64, f64, Vec<String>)],
    theme: Theme,
) -> Result<Chart> {
    drawn(shipdeck_charts::bench_over_time(metric, unit, points, theme))
}

/// Latency by percentile of one measurement.
pub fn percentile_curve(metric: &str, unit: &str, samples: &[f64], theme: Theme) -> Result<Chart> {
    drawn(shipdeck_charts::percentile_curve(metric, unit, samples, theme))
}

/// Throughput and p99 latency by connection count.
pub fn concurrency_curve(scenario: &str, points: &[(usize, f64, f64)], theme: Theme) -> Result<Chart> {
    drawn(shipdeck_charts::concurrency_curve(scenario, points, theme))
}

/// Keys × environments, coloured by parity state.
pub fn parity_heatmap(report: &ParityReport, theme: Theme) -> Result<Chart> {
    use shipdeck_charts::environments as c;
    let state = |s: CellState| match s {
        CellState::Same => c::CellState::Same,
        CellState::Differs => c::CellState::Differs,
        CellState::Missing => c::CellState::Missing,
        CellState::Empty => c::CellState::Empty,
    };
    let grid = c::ParityGrid {
        environments: report.environments.clone(),
        keys: report
            .keys
            .iter()
            .map(|k| c::KeyRow {
                key: k.key.clone(),
                same_across: k.same_across,
                cells: report
                    .environments
                    .iter()
                    .map(|env| k.cells.get(env).map(|cell| state(cell.state)))
                    .collect(),
            })
            .collect(),
    };
    drawn(shipdeck_charts::parity_heatmap(&grid, theme))
}

/// Parity score of every parity run and every health poll per environment
/// (healthy when its status is `pass` or `warn`).
pub fn environment_history(parity: &[EnvRun], health: &[EnvRun], theme: Theme) -> Result<Chart> {
    let scores: Vec<(i64, Option<f64>)> = parity.iter().map(|r| (r.at, r.score)).collect();
    let polls: Vec<_> = health
        .iter()
        .map(|run| shipdeck_charts::environments::HealthPoll {
            at: run.at,
            environments: match serde_json::from_str(&run.detail) {
                Ok(serde_json::Value::Object(map)) => map
                    .into_iter()
                    .map(|(env, v)| {
                        let ok = matches!(v["status"].as_str(), Some("pass" | "warn"));
                        (env, ok)
                    })
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    drawn(shipdeck_charts::environment_history(&scores, &polls, theme))
}

pub mod advisor {
    //! Advisor charts from stored runs.
    use shipdeck_charts::advisor as c;

    use super::{Chart, Theme};
    use crate::error::Result;
    use crate::store::AdvisorRun;

    fn runs(runs: &[AdvisorRun]) -> Vec<c::AdvisorRun> {
        runs.iter()
            .map(|r| c::AdvisorRun {
                at: r.at,
                metrics: c::Metrics {
                    cache_hit_pct: r.metrics.cache_hit_pct,
                    queries: r
                        .metrics
                        .queries
                        .iter()
                        .map(|q| c::QueryMetric {
                            id: q.id.clone(),
                            calls: q.calls,
                            mean_ms: q.mean_ms,
                        })
                        .collect(),
                    tables: r
                        .metrics
                        .tables
                        .iter()
                        .map(|t| c::TableMetric {
                            table: t.table.clone(),
                            bytes: t.bytes,
                        })
                        .collect(),
                },
            })
            .collect()
    }

    /// The charts there is data for (none before the first run).
    pub fn charts(advisor_runs: &[AdvisorRun], theme: Theme) -> Result<Vec<Chart>> {
        c::charts(&runs(advisor_runs), theme).map_err(crate::Error::area)
    }

    /// The statements the charts follow: label (q1…q5) and statement id.
    pub fn followed_queries(advisor_runs: &[AdvisorRun]) -> Vec<(String, String)> {
        c::followed_queries(&runs(advisor_runs))
    }
}

/// One bundle figure over the stored runs (kB), tags marked; the bench
/// trend drawing under the Bundle area's id.
pub fn bundle_over_time(label: &str, points: &[(i64, f64, Vec<String>)], theme: Theme) -> Result<Chart> {
    let mut c = drawn(shipdeck_charts::bench_over_time(label, "kB", points, theme))?;
    c.id = ChartId::BundleOverTime;
    Ok(c)
}

/// A build's treemap: a box per output file, split into the packages
/// inside it, sizes beside.
pub fn bundle_treemap(report: &crate::bundle::BundleReport, theme: Theme) -> Result<Chart> {
    let groups: Vec<_> = report
        .chunks
        .iter()
        .map(|c| shipdeck_charts::TreeGroup {
            label: c.path.clone(),
            bytes: c.bytes,
            children: c.packages.iter().map(|p| (p.name.clone(), p.bytes)).collect(),
        })
        .collect();
    let tool = match &report.version {
        Some(v) => format!("{} {v}", report.framework),
        None => report.framework.clone(),
    };
    let title = format!("{tool} build in {}", report.dir);
    drawn(shipdeck_charts::treemap(&groups, &title, theme))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(at: i64, kind: &str, score: Option<f64>, detail: &str) -> EnvRun {
        EnvRun {
            id: at,
            at,
            kind: kind.into(),
            score,
            errors: 0,
            warnings: 0,
            detail: detail.into(),
        }
    }

    #[test]
    fn health_details_become_a_dot_per_environment() {
        let parity = [
            run(1_000, "parity", Some(40.0), "{}"),
            run(61_000, "parity", Some(80.0), "{}"),
        ];
        let health = [
            run(
                2_000,
                "health",
                None,
                r#"{"dev": {"status": "pass"}, "prod": {"status": "unreachable"}}"#,
            ),
            run(3_000, "health", None, "not json"),
        ];
        let chart = environment_history(&parity, &health, Theme::Light).unwrap();
        // A dot each, and the legend's healthy and unhealthy dots.
        assert_eq!(
            chart.svg.matches("fill=\"#16A34A\"").count(),
            2,
            "one healthy dot"
        );
        assert_eq!(
            chart.svg.matches("fill=\"#DC2626\"").count(),
            2,
            "one failing dot"
        );
        assert!(
            chart.title.contains("2 runs") && chart.title.contains("2 polls)"),
            "{}",
            chart.title
        );
    }

    #[test]
    fn an_unknown_theme_keeps_its_input_code() {
        let e = Error::area("purple".parse::<Theme>().unwrap_err());
        assert_eq!(e.code(), "input.invalid");
        assert!(e.is_user_error());
        assert_eq!(e.to_string(), "invalid theme: \"purple\": use light or dark");
    }
}
