//! `bundle`: the build output `bundle analyze` reads (`[bundle] dir`, else
//! found), held to `[bundle.budgets]`. A route over its budget fails; a
//! budget that matches no route (or anything else the analysis could not
//! read) warns; without budgets the sizes pass as information. No build
//! output skips (decided by the caller, which sees `bundle.not_found`).

use shipdeck_bundle::{pretty_bytes, BudgetResult, BundleReport, RouteSize};

use super::{bounded, count, named};
use crate::{AreaOutcome, CheckStatus};

/// The summary names the routes with the largest First Load JS.
fn largest(report: &BundleReport) -> Vec<String> {
    let mut routes: Vec<&RouteSize> = report.routes.iter().collect();
    routes.sort_by_key(|r| std::cmp::Reverse(r.first_load_js_gzip_bytes));
    routes
        .iter()
        .map(|r| format!("{} {}", r.route, pretty_bytes(r.first_load_js_gzip_bytes)))
        .collect()
}

fn budget_line(b: &BudgetResult) -> String {
    format!(
        "{} {} ({}): {} {} budget {} ({})",
        b.route,
        b.metric,
        b.compression,
        pretty_bytes(b.actual_bytes),
        if b.passed { "≤" } else { ">" },
        pretty_bytes(b.limit_bytes),
        b.budget
    )
}

/// The command that shows what this check judged.
pub const COMMAND: &str = "shipdeck bundle analyze";

/// The check's outcome, every line one line of bounded length, secrets
/// the redactor knows removed.
pub fn judge(report: &BundleReport) -> AreaOutcome {
    super::clean(outcome(report))
}

fn outcome(report: &BundleReport) -> AreaOutcome {
    let over: Vec<&BudgetResult> = report.budgets.iter().filter(|b| !b.passed).collect();
    let build = format!(
        "{} build in {}, {}",
        report.framework,
        report.dir,
        count(report.routes.len(), "route", "routes")
    );
    let (status, summary) = if !over.is_empty() {
        let names: Vec<String> = over
            .iter()
            .map(|b| {
                format!(
                    "{} {} > {}",
                    b.route,
                    pretty_bytes(b.actual_bytes),
                    pretty_bytes(b.limit_bytes)
                )
            })
            .collect();
        (
            CheckStatus::Fail,
            format!(
                "{} over budget: {}",
                count(over.len(), "route", "routes"),
                named(&names)
            ),
        )
    } else if !report.warnings.is_empty() {
        (
            CheckStatus::Warn,
            format!("{build}: {}", count(report.warnings.len(), "warning", "warnings")),
        )
    } else if report.budgets.is_empty() {
        (
            CheckStatus::Pass,
            format!(
                "{build}, no budget set (First Load JS gzip: {})",
                named(&largest(report))
            ),
        )
    } else {
        let held: Vec<String> = report
            .budgets
            .iter()
            .map(|b| {
                format!(
                    "{} {} ≤ {}",
                    b.route,
                    pretty_bytes(b.actual_bytes),
                    pretty_bytes(b.limit_bytes)
                )
            })
            .collect();
        (
            CheckStatus::Pass,
            format!("{build}, every budget held: {}", named(&held)),
        )
    };
    let mut outcome = AreaOutcome::new(status, summary);
    let mut lines: Vec<String> = over.iter().map(|b| budget_line(b)).collect();
    lines.extend(report.budgets.iter().filter(|b| b.passed).map(budget_line));
    lines.extend(report.warnings.iter().cloned());
    outcome.lines = bounded(lines);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_bundle::Shared;

    fn route(name: &str, gzip: u64) -> RouteSize {
        RouteSize {
            route: name.into(),
            router: "entry".into(),
            first_load_js_bytes: gzip * 3,
            first_load_js_gzip_bytes: gzip,
            size_bytes: gzip,
            size_gzip_bytes: gzip / 2,
            chunks: vec![],
            packages: vec![],
            kind: None,
            prerendered: vec![],
        }
    }

    fn budget(route: &str, limit: u64, actual: u64) -> BudgetResult {
        BudgetResult {
            budget: route.into(),
            route: route.into(),
            metric: "first_load_js".into(),
            compression: "gzip".into(),
            limit_bytes: limit,
            actual_bytes: actual,
            passed: actual <= limit,
        }
    }

    fn report(budgets: Vec<BudgetResult>) -> BundleReport {
        BundleReport {
            framework: "vite".into(),
            version: None,
            routes: vec![route("index.html", 1_530), route("admin.html", 2_400)],
            shared: Shared::default(),
            dir: "web/dist".into(),
            chunks: vec![],
            packages: vec![],
            duplicates: vec![],
            passed: budgets.iter().all(|b| b.passed),
            budgets,
            warnings: vec![],
            base: None,
        }
    }

    #[test]
    fn a_route_over_budget_fails_naming_route_and_figures() {
        let o = judge(&report(vec![
            budget("index.html", 1_000, 1_530),
            budget("admin.html", 5_000, 2_400),
        ]));
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(o.summary, "1 route over budget: index.html 1.53 kB > 1 kB");
        assert_eq!(
            o.lines[0],
            "index.html first_load_js (gzip): 1.53 kB > budget 1 kB (index.html)"
        );
    }

    #[test]
    fn budgets_held_pass() {
        let o = judge(&report(vec![budget("index.html", 20_000, 1_530)]));
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(
            o.summary,
            "vite build in web/dist, 2 routes, every budget held: index.html 1.53 kB ≤ 20 kB"
        );
    }

    #[test]
    fn no_budget_passes_with_the_largest_routes_as_information() {
        let o = judge(&report(vec![]));
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(
            o.summary,
            "vite build in web/dist, 2 routes, no budget set (First Load JS gzip: admin.html 2.4 kB, index.html 1.53 kB)"
        );
    }

    #[test]
    fn a_budget_matching_no_route_warns() {
        let mut r = report(vec![budget("index.html", 20_000, 1_530)]);
        r.warnings.push("budget \"/blog/**\" matches no route".into());
        let o = judge(&r);
        assert_eq!(o.status, CheckStatus::Warn);
        assert_eq!(o.lines.last().unwrap(), "budget \"/blog/**\" matches no route");
    }
}
