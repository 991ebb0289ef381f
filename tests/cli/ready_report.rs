//! `shipdeck ready --report`: the HTML report is one self-contained file
//! (inline SVG charts, nothing loaded, no secret) and the PDF is the same
//! page printed by Chromium.

use std::net::TcpListener;

use crate::ready_artifacts::Demo;
use crate::util::{assert_code, text};

const PASSWORD: &str = "pw-Zq81xVv0";

/// The demo (registries on local servers), with its database behind a URL
/// whose password must never reach a report: no server listens there, so
/// the check fails with the URL in the error, which the redactor masks.
fn demo() -> (Demo, String) {
    let mut demo = Demo::new();
    demo.configure(
        "url = \"sqlite://data/orbit.db\"",
        "url = \"env:ORBIT_DB_URL\"",
        "chore: the database from the environment",
    );
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    (
        demo,
        format!("postgres://orbit:{PASSWORD}@127.0.0.1:{closed}/orbit"),
    )
}

fn ready(demo: &Demo, url: &str, args: &[&str]) -> std::process::Output {
    demo.env
        .cmd()
        .env("HOME", &demo.home)
        .env("CARGO_HOME", demo.home.join(".cargo"))
        .env("ORBIT_DB_URL", url)
        .args(["-C", demo.repo.root_str(), "ready"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_html_report_is_self_contained_with_inline_charts_and_no_secret() {
    let (demo, url) = demo();
    let file = demo.env.path("readiness.html");
    let out = ready(&demo, &url, &["--report", file.to_str().unwrap()]);
    // The database is unreachable: migrations fail, which the demo's
    // [readiness.checks] turns into a warning.
    assert_code(&out, 0);
    let page =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("no report ({e}): {}", text(&out.stderr)));
    assert!(page.contains("class=\"verdict warn\""), "the verdict");
    for area in ["releases", "migrations", "environments", "docs"] {
        assert!(page.contains(&format!("id=\"area-{area}\"")), "{area}");
    }
    assert!(page.contains("<svg"), "the parity heat map is inline SVG");
    assert!(
        page.contains("<h2>Changelog</h2>") && page.contains("<h3>"),
        "the candidate's changelog"
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
        !page.contains(PASSWORD),
        "the database password reached the report"
    );
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!all.contains(PASSWORD), "{all}");
}

#[test]
fn the_pdf_report_is_the_same_page_printed() {
    let (demo, url) = demo();
    let file = demo.env.path("readiness.pdf");
    let out = ready(&demo, &url, &["--report", file.to_str().unwrap()]);
    assert_code(&out, 0);
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("no PDF ({e}): {}", text(&out.stderr)));
    assert!(bytes.starts_with(b"%PDF-"));
    let pdf_text = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let pdf_text = text(&pdf_text.stdout);
    assert!(pdf_text.contains("Release readiness — orbit"), "{pdf_text}");
    assert!(pdf_text.contains("migrations"), "{pdf_text}");
    assert!(!pdf_text.contains(PASSWORD), "{pdf_text}");
}

#[test]
fn a_report_into_a_missing_folder_is_a_typed_error() {
    let (demo, url) = demo();
    let file = demo.env.path("nowhere/readiness.html");
    let out = ready(&demo, &url, &["--json", "--report", file.to_str().unwrap()]);
    assert_code(&out, 1);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert_eq!(v["code"], "readiness.report_path", "{v}");
}
