use shipdeck_charts::{Chart, ChartId, ChartKind, ChartRow, Datum};
use shipdeck_types::ErrorPayload;

use super::{html, pdf, ReportInput};
use crate::model::*;

const SECRET: &str = "AKIAIOSFODNN7EXAMPLE";

fn run() -> ReadinessRun {
    let check = |area, status, summary: &str| Check {
        area,
        status,
        summary: summary.into(),
        command: format!("shipdeck {}", Area::as_str(area)),
    };
    let checks = vec![
        check(
            Area::Releases,
            CheckStatus::Pass,
            "1.4.0: 12 commits, changelog renders",
        ),
        check(Area::Migrations, CheckStatus::Fail, "database main unreachable"),
        check(
            Area::Secrets,
            CheckStatus::Fail,
            &format!("1 secret in config/prod.env: {SECRET}"),
        ),
        check(
            Area::Docs,
            CheckStatus::Warn,
            "<script>alert('stale')</script> 1 stale page",
        ),
        check(Area::Bundle, CheckStatus::Skipped, "no build output found"),
    ];
    ReadinessRun {
        id: 7,
        at: 1_764_800_000_000,
        duration_ms: 842,
        report: ReadinessReport {
            verdict: Verdict::of(&checks),
            candidate: Candidate {
                version: Some("1.4.0".into()),
                commit: "0123456789abcdef0123456789abcdef01234567".into(),
            },
            checks,
        },
        details: vec![
            AreaDetails {
                area: Area::Migrations,
                level: "required".into(),
                lines: vec![],
                error: Some(ErrorPayload {
                    code: "migrations.connect".into(),
                    message: "cannot connect to 127.0.0.1:1".into(),
                    hint: Some("Start the database or fix [databases.main] url.".into()),
                }),
            },
            AreaDetails {
                area: Area::Docs,
                level: "warn".into(),
                lines: (0..250)
                    .map(|i| format!("docs/page{i}.md is stale <b>"))
                    .collect(),
                error: None,
            },
        ],
        changelog: Some("## 1.4.0\n\n### Added\n\n- export <img src=x onerror=alert(1)> reports\n".into()),
    }
}

fn chart() -> Chart {
    Chart {
        id: ChartId::CoverageOverTime,
        title: "Coverage: backend <b>".into(),
        svg: "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>v1.3.0</text></svg>".into(),
        width: 10,
        height: 10,
        kind: ChartKind::Lines,
        unit: "%".into(),
        columns: vec!["lines".into()],
        rows: vec![ChartRow {
            label: "v1.3.0".into(),
            values: vec![Some(Datum::Number(81.25))],
        }],
    }
}

fn redact(s: &str) -> String {
    s.replace(SECRET, "***")
}

fn render(charts: &[Chart]) -> String {
    let run = run();
    html(
        &ReportInput {
            run: &run,
            workspace: "orbit",
            charts,
            generator: "0.1.0",
            generated_at: "2026-12-04 20:00 UTC",
        },
        &redact,
    )
}

#[test]
fn the_report_has_the_verdict_every_check_and_the_hint() {
    let page = render(&[chart()]);
    assert!(page.contains("class=\"verdict fail\""), "verdict banner");
    for area in ["releases", "migrations", "secrets", "docs", "bundle"] {
        assert!(page.contains(&format!("id=\"area-{area}\"")), "{area} section");
    }
    assert!(
        page.contains("Start the database or fix [databases.main] url."),
        "hint shown"
    );
    assert!(page.contains("… and 50 more"), "details bounded at 200 lines");
    assert!(page.contains("<h3>Added</h3>"), "changelog rendered");
}

#[test]
fn the_report_is_self_contained_and_runs_nothing() {
    let page = render(&[chart()]);
    assert!(
        page.contains("Content-Security-Policy"),
        "a policy forbids loading"
    );
    assert!(page.contains("<svg"), "the chart is inline SVG");
    assert!(
        !page.contains("<?xml"),
        "the SVG's XML declaration is dropped inside HTML"
    );
    let lower = page.to_ascii_lowercase();
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "url(",
        "src=\"http",
    ] {
        assert!(!lower.contains(banned), "{banned} in the report");
    }
    assert!(
        page.contains("&lt;script&gt;"),
        "a summary's markup is shown as text"
    );
}

#[test]
fn the_report_passes_every_text_through_the_redactor() {
    let page = render(&[chart()]);
    assert!(!page.contains(SECRET));
    assert!(page.contains("prod.env: ***"), "the rest of the summary stays");
}

#[test]
fn a_report_without_charts_says_so() {
    let page = render(&[]);
    assert!(page.contains("No chart:"));
}

#[test]
fn the_pdf_report_is_printed_by_chromium_with_the_verdict_and_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.pdf");
    pdf::render(&render(&[chart()]), &out)
        .expect("Chromium prints the report (scripts/setup.sh installs it)");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let text = std::process::Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Release readiness — orbit"), "{text}");
    assert!(text.contains("1.4.0"), "{text}");
    assert!(text.to_ascii_lowercase().contains("fail"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn a_missing_renderer_is_a_typed_error_with_a_hint() {
    use shipdeck_types::Coded;
    let empty = tempfile::tempdir().unwrap();
    let named = pdf::find_renderer(Some("/nonexistent/chromium".into()), None).unwrap_err();
    let on_path = pdf::find_renderer(None, Some(empty.path().into())).unwrap_err();
    for err in [named, on_path] {
        assert_eq!(err.code(), "readiness.no_pdf_renderer");
        assert!(err.hint().unwrap().contains("Chromium"), "{err}");
    }
}
