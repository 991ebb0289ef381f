//! Merging, areas and thresholds.

mod common;

use std::collections::BTreeMap;

use common::{run, run_areas, write};
use shipdeck_base::config::CoverageArea;

fn lcov(file: &str, hits: &[(u32, u64)]) -> String {
    let mut s = format!("SF:{file}\n");
    for (l, h) in hits {
        s += &format!("DA:{l},{h}\n");
    }
    let lh = hits.iter().filter(|(_, h)| *h > 0).count();
    s + &format!("LF:{}\nLH:{lh}\nend_of_record\n", hits.len())
}

/// `covered` of 10 lines covered in `file`.
fn ten(covered: u64) -> Vec<(u32, u64)> {
    (1..=10)
        .map(|l| (l, u64::from(u64::from(l) <= covered)))
        .collect()
}

#[test]
fn two_reports_of_one_file_merge_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.py", "");
    write(
        dir.path(),
        "unit/lcov.info",
        &lcov("../src/a.py", &[(1, 1), (2, 0), (3, 0), (4, 0)]),
    );
    write(
        dir.path(),
        "e2e/lcov.info",
        &lcov("src/a.py", &[(1, 0), (2, 0), (3, 2), (4, 0)]),
    );
    let r = run(dir.path(), &[]).unwrap();
    assert_eq!(r.reports.len(), 2);
    assert_eq!((r.reports[0].lines.covered, r.reports[1].lines.covered), (1, 1));
    let a = &r.files["src/a.py"];
    assert_eq!(a.lines.values().copied().collect::<Vec<_>>(), [1, 0, 2, 0]);
    let backend = &r.areas[0];
    assert_eq!(
        (backend.lines_covered, backend.lines_total, backend.lines_pct),
        (2, 4, 50.0)
    );
    assert!(!backend.passed && !r.passed);
}

#[test]
fn default_areas_split_by_file_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = lcov("server/app.go", &ten(7));
    text += &lcov("web/src/App.svelte", &ten(4));
    write(dir.path(), "lcov.info", &text);
    let r = run(dir.path(), &[]).unwrap();
    let got: Vec<_> = r
        .areas
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.lines_covered,
                a.lines_total,
                a.threshold,
                a.passed,
            )
        })
        .collect();
    assert_eq!(
        got,
        [("backend", 7, 10, 70.0, true), ("frontend", 4, 10, 50.0, false)]
    );
    assert!(!r.passed);
}

#[test]
fn threshold_is_an_exact_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = lcov("a/x.py", &ten(7));
    text += &lcov(
        "b/x.py",
        &(1..=3).map(|l| (l, u64::from(l <= 2))).collect::<Vec<_>>(),
    );
    write(dir.path(), "lcov.info", &text);
    let area = |glob: &str, threshold| CoverageArea {
        globs: vec![glob.into()],
        threshold,
    };
    let areas = BTreeMap::from([
        ("a".to_string(), area("a/**", 70.0)),
        ("b".to_string(), area("b/**", 66.67)),
        ("c".to_string(), area("c/**", 100.0)),
    ]);
    let r = run_areas(dir.path(), &[], areas).unwrap();
    let got: Vec<_> = r
        .areas
        .iter()
        .map(|a| (a.name.as_str(), a.lines_pct, a.passed))
        .collect();
    // 7/10 meets 70; 2/3 shows as 66.67 but is under 66.67; an empty area passes.
    assert_eq!(got, [("a", 70.0, true), ("b", 66.67, false), ("c", 100.0, true)]);
    assert!(!r.passed);
}

#[test]
fn a_bad_glob_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let areas = BTreeMap::from([(
        "x".to_string(),
        CoverageArea {
            globs: vec!["a/[".into()],
            threshold: 1.0,
        },
    )]);
    let e = run_areas(dir.path(), &[], areas).unwrap_err();
    assert_eq!(e.payload().code, "coverage.bad_config");
}
