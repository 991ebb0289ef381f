//! The gate's report: one self-contained HTML page (no script, no external
//! font, image or style; charts inlined as SVG; a Content-Security-Policy
//! that forbids loading anything) with the verdict, every area's summary and
//! details, the candidate's changelog and the charts; and the same page
//! printed to PDF by a headless Chromium ([`pdf`]).
//!
//! Every text passes through the caller's redactor before it is escaped, so
//! a secret that reached a check's details still cannot reach the file.

mod markdown;
pub mod pdf;

use std::path::{Path, PathBuf};

use minijinja::{context, AutoEscape, Environment};
use serde::Serialize;
use shipdeck_charts::{Chart, Datum};

use crate::error::ReadinessError;
use crate::model::{Area, CheckStatus, ReadinessRun, Verdict};

const TEMPLATE: &str = include_str!("report.html");
/// The most detail lines per area a report prints (the run keeps them
/// bounded too; this keeps a PDF a readable length).
const MAX_LINES: usize = 200;

/// What the report shows besides the run.
pub struct ReportInput<'a> {
    pub run: &'a ReadinessRun,
    pub workspace: &'a str,
    /// Benchmarks over releases, coverage trend, parity heat map… in order.
    pub charts: &'a [Chart],
    /// Shipdeck's version, for the footer.
    pub generator: &'a str,
    /// When the report was made, already formatted (`2026-12-04 20:31 UTC`).
    pub generated_at: &'a str,
}

#[derive(Serialize)]
struct Row {
    area: &'static str,
    status: &'static str,
    summary: String,
    command: String,
    level: String,
    lines: Vec<String>,
    more: usize,
    error: Option<String>,
    hint: Option<String>,
}

#[derive(Serialize)]
struct ChartView {
    title: String,
    svg: String,
    unit: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

fn status_name(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "fail",
        CheckStatus::Skipped => "skipped",
    }
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
    }
}

fn rows(run: &ReadinessRun, redact: &dyn Fn(&str) -> String) -> Vec<Row> {
    run.report
        .checks
        .iter()
        .map(|c| {
            let details = run.details.iter().find(|d| d.area == c.area);
            let lines = details.map(|d| d.lines.as_slice()).unwrap_or_default();
            let error = details.and_then(|d| d.error.as_ref());
            Row {
                area: Area::as_str(c.area),
                status: status_name(c.status),
                summary: redact(&c.summary),
                command: redact(&c.command),
                level: details.map(|d| d.level.clone()).unwrap_or_default(),
                lines: lines.iter().take(MAX_LINES).map(|l| redact(l)).collect(),
                more: lines.len().saturating_sub(MAX_LINES),
                error: error.map(|e| format!("{}: {}", e.code, redact(&e.message))),
                hint: error.and_then(|e| e.hint.as_deref()).map(redact),
            }
        })
        .collect()
}

fn chart_views(charts: &[Chart], redact: &dyn Fn(&str) -> String) -> Vec<ChartView> {
    charts
        .iter()
        .map(|c| ChartView {
            title: redact(&c.title),
            // plotters escapes every text it draws; the SVG is our own
            // drawing, so it goes in as markup (labels redacted first).
            svg: redact(strip_xml_declaration(&c.svg)),
            unit: c.unit.clone(),
            columns: c.columns.iter().map(|s| redact(s)).collect(),
            rows: c
                .rows
                .iter()
                .map(|r| {
                    let values = r
                        .values
                        .iter()
                        .map(|v| redact(&format_value(v.as_ref())))
                        .collect();
                    (redact(&r.label), values)
                })
                .collect(),
        })
        .collect()
}

fn strip_xml_declaration(svg: &str) -> &str {
    let s = svg.trim_start();
    match s.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(s, |(_, body)| body.trim_start()),
        None => s,
    }
}

fn format_value(v: Option<&Datum>) -> String {
    match v {
        Some(Datum::Number(v)) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(Datum::Number(v)) => format!("{v:.2}"),
        Some(Datum::Text(t)) => t.clone(),
        None => "—".into(),
    }
}

/// The report as one HTML document. `redact` is applied to every text
/// taken from the run, the changelog and the charts.
pub fn html(input: &ReportInput<'_>, redact: &dyn Fn(&str) -> String) -> String {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)
        .expect("the report template parses");
    let report = &input.run.report;
    let counts = CheckStatus::ALL.map(|s| {
        (
            status_name(s),
            report.checks.iter().filter(|c| c.status == s).count(),
        )
    });
    let changelog = input
        .run
        .changelog
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(|c| markdown::to_safe_html(&redact(c)));
    let ctx = context! {
        workspace => redact(input.workspace),
        verdict => verdict_name(report.verdict),
        version => report.candidate.version.as_deref().map(redact),
        commit => report.candidate.commit.clone(),
        short_commit => report.candidate.commit.chars().take(12).collect::<String>(),
        duration_ms => input.run.duration_ms,
        counts => counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(" · "),
        rows => rows(input.run, redact),
        changelog => changelog.map(minijinja::Value::from_safe_string),
        charts => chart_views(input.charts, redact)
            .into_iter()
            .map(|c| context! {
                title => c.title,
                svg => minijinja::Value::from_safe_string(c.svg),
                unit => c.unit,
                columns => c.columns,
                rows => c.rows,
            })
            .collect::<Vec<_>>(),
        generator => input.generator,
        generated_at => input.generated_at,
    };
    env.get_template("report.html")
        .and_then(|t| t.render(ctx))
        .expect("the report template renders its own context")
}

/// The file a report goes to: its folder must exist; a folder, or a path
/// through a missing folder, is refused before any work is done.
pub fn target_path(file: &Path) -> Result<PathBuf, ReadinessError> {
    let refuse = |message: &str| ReadinessError::ReportPath {
        path: file.display().to_string(),
        message: message.into(),
    };
    if file.as_os_str().is_empty() || file.is_dir() {
        return Err(refuse("is a folder, not a file"));
    }
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => Err(refuse("its folder does not exist")),
        _ => Ok(file.to_path_buf()),
    }
}

#[cfg(test)]
mod tests;
