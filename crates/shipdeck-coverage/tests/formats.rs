//! Each format's totals against what the producing tool itself reports.

mod common;

use std::process::Command;

use common::{cargo_llvm_cov, coverage_py, run, write};
use serde_json::Value;

const CALC: &str = "def classify(n):
    if n < 0:
        return \"neg\"
    elif n == 0:
        return \"zero\"
    for i in range(3):
        if i > n:
            break
    return \"pos\"


def unused(x):
    if x:
        return x * 2
    return 0
";

const MAIN: &str = "from pkg.calc import classify

print(classify(5))
print(classify(-1))
";

/// Runs a small Python project under coverage.py (branch measurement) and
/// writes its JSON, XML and lcov reports beside it.
fn python_project(root: &std::path::Path) -> Value {
    write(root, "app/pkg/__init__.py", "");
    write(root, "app/pkg/calc.py", CALC);
    write(root, "app/main.py", MAIN);
    let cov = coverage_py();
    let app = root.join("app");
    let go = |args: &[&str]| {
        let out = Command::new(&cov).args(args).current_dir(&app).output().unwrap();
        assert!(
            out.status.success(),
            "coverage {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    go(&["run", "--branch", "main.py"]);
    go(&["json"]);
    go(&["xml"]);
    go(&["lcov", "-o", "lcov.info"]);
    let json = std::fs::read_to_string(app.join("coverage.json")).unwrap();
    serde_json::from_str::<Value>(&json).unwrap()["totals"].clone()
}

#[test]
fn coverage_py_totals_in_all_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let totals = python_project(dir.path());
    let r = run(dir.path(), &[]).unwrap();
    let formats: Vec<_> = r.reports.iter().map(|x| (x.path.as_str(), x.format)).collect();
    assert_eq!(
        formats,
        [
            ("app/coverage.json", "coverage.py"),
            ("app/coverage.xml", "cobertura"),
            ("app/lcov.info", "lcov")
        ]
    );
    for x in &r.reports {
        assert_eq!(
            x.lines.covered,
            totals["covered_lines"].as_u64().unwrap(),
            "{}",
            x.path
        );
        assert_eq!(
            x.lines.total,
            totals["num_statements"].as_u64().unwrap(),
            "{}",
            x.path
        );
        let b = x.branches.expect("branch data");
        assert_eq!(
            b.covered,
            totals["covered_branches"].as_u64().unwrap(),
            "{}",
            x.path
        );
        assert_eq!(b.total, totals["num_branches"].as_u64().unwrap(), "{}", x.path);
        assert_eq!(x.files, 3, "{}: paths resolve to the app's files", x.path);
    }
    // The three reports of the same run merge into the same line map.
    let calc = &r.files["app/pkg/calc.py"];
    assert_eq!(calc.lines.get(&5), Some(&0));
    assert!(calc.lines[&2] > 0);
    assert!(!r.files.contains_key(".coverage"));
    assert_eq!(r.areas[0].name, "backend");
    let covered = totals["covered_lines"].as_u64().unwrap();
    assert_eq!(
        (r.areas[0].lines_covered, r.areas[0].lines_total),
        (covered, totals["num_statements"].as_u64().unwrap())
    );
}

#[test]
fn coverage_py_without_branches_has_null_branches() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.py", "x = 1\nif x:\n    y = 2\n");
    let cov = coverage_py();
    for args in [
        &["run", "m.py"][..],
        &["json"],
        &["xml"],
        &["lcov", "-o", "lcov.info"],
    ] {
        let ok = Command::new(&cov)
            .args(args)
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let r = run(dir.path(), &[]).unwrap();
    assert_eq!(r.reports.len(), 3);
    for x in &r.reports {
        assert_eq!((x.lines.covered, x.lines.total), (3, 3), "{}", x.path);
        assert_eq!(x.branches, None, "{}", x.path);
    }
}

#[test]
fn lcov_with_branch_records() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", "");
    write(
        dir.path(),
        "lcov.info",
        "TN:\nSF:src/lib.rs\nFN:1,f\nDA:1,4\nDA:2,0\nDA:3,1\nBRDA:1,0,0,3\nBRDA:1,0,1,-\nBRDA:3,1,0,0\nBRF:3\nBRH:1\nLF:3\nLH:2\nend_of_record\n",
    );
    let r = run(dir.path(), &[]).unwrap();
    let x = &r.reports[0];
    assert_eq!((x.format, x.lines.covered, x.lines.total), ("lcov", 2, 3));
    let b = x.branches.unwrap();
    assert_eq!((b.covered, b.total, b.pct), (1, 3, 33.33));
    assert_eq!(r.files["src/lib.rs"].branches.len(), 3);
}

#[test]
fn istanbul_final_and_summary_from_a_real_run() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/istanbul");
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("coverage-summary.json")).unwrap())
            .unwrap();
    for name in ["coverage-final.json", "coverage-summary.json"] {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).unwrap();
    }
    let r = run(dir.path(), &[]).unwrap();
    let formats: Vec<_> = r.reports.iter().map(|x| x.format).collect();
    assert_eq!(formats, ["istanbul", "istanbul-summary"]);
    let total = &summary["total"];
    for x in &r.reports {
        assert_eq!(
            x.lines.covered,
            total["lines"]["covered"].as_u64().unwrap(),
            "{}",
            x.path
        );
        assert_eq!(
            x.lines.total,
            total["lines"]["total"].as_u64().unwrap(),
            "{}",
            x.path
        );
        let b = x.branches.unwrap();
        assert_eq!(
            b.covered,
            total["branches"]["covered"].as_u64().unwrap(),
            "{}",
            x.path
        );
        assert_eq!(
            b.total,
            total["branches"]["total"].as_u64().unwrap(),
            "{}",
            x.path
        );
    }
}

#[test]
fn llvm_cov_totals() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/llvm-cov.json");
    std::fs::copy(&fixture, dir.path().join("llvm-cov.json")).unwrap();
    write(dir.path(), "src/lib.rs", "");
    let r = run(dir.path(), &[]).unwrap();
    let x = &r.reports[0];
    assert_eq!((x.format, x.lines.covered, x.lines.total), ("llvm-cov", 18, 24));
    assert_eq!(x.branches, None);
    assert_eq!(r.files["src/lib.rs"].line_counts(), (18, 24));
}

const RUST_CALC: &str = "pub fn classify(n: i64) -> &'static str {
    if n < 0 {
        \"negative\"
    } else if n == 0 {
        \"zero\"
    } else {
        \"positive\"
    }
}

pub fn unused(a: i64, b: i64) -> i64 {
    let s = a + b;
    s * 2
}

#[cfg(test)]
mod tests {
    #[test]
    fn positive() {
        assert_eq!(super::classify(3), \"positive\");
    }
}
";

/// A small crate measured by cargo-llvm-cov itself, in its JSON and lcov
/// exports: each report's lines equal the tool's own totals.
#[test]
fn cargo_llvm_cov_totals_from_a_real_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"calc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    write(root, "src/lib.rs", RUST_CALC);
    let tool = cargo_llvm_cov();
    for args in [
        &["llvm-cov", "--json", "--output-path", "cov.json"][..],
        &["llvm-cov", "--lcov", "--output-path", "lcov.info"],
    ] {
        let out = Command::new(&tool)
            .args(args)
            .arg("--quiet")
            .current_dir(root)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let json: Value = serde_json::from_slice(&std::fs::read(root.join("cov.json")).unwrap()).unwrap();
    let lines = &json["data"][0]["totals"]["lines"];
    let (covered, count) = (
        lines["covered"].as_u64().unwrap(),
        lines["count"].as_u64().unwrap(),
    );
    assert!(covered > 0 && covered < count, "a partly covered crate: {lines}");
    for (file, format) in [("cov.json", "llvm-cov"), ("lcov.info", "lcov")] {
        let r = run(root, &[file]).unwrap();
        let x = &r.reports[0];
        assert_eq!(x.format, format);
        assert_eq!((x.lines.covered, x.lines.total), (covered, count), "{file}");
        assert_eq!(r.files["src/lib.rs"].line_counts(), (covered, count), "{file}");
        // No branch measured (its lcov says `BRF:0`): no branch data.
        assert_eq!(x.branches, None, "{file}");
    }
}

#[test]
fn format_is_decided_by_content() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "coverage.json",
        "TN:\nSF:a.py\nDA:1,1\nLF:1\nLH:1\nend_of_record\n",
    );
    let r = run(dir.path(), &[]).unwrap();
    assert_eq!(r.reports[0].format, "lcov");
}

/// The fast path for the common records and the general one read the same
/// line and branch maps: CRLF endings, spaces, checksums, named blocks,
/// repeated and out-of-order lines, a line's branches split apart.
#[test]
fn lcov_fast_and_general_records_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let plain = "SF:a.c\nFN:1,f\nFNDA:3,f\nDA:1,3\nDA:2,0\nDA:4,7\nBRDA:2,0,0,-\nBRDA:2,0,1,-\nBRDA:4,0,0,5\nBRDA:4,0,1,0\nBRDA:4,1,0,2\nend_of_record\n";
    let odd = "SF:a.c\r\nFN:1,f\r\nFNDA:3,f\r\nDA:4,5\r\nDA: 1 , 3\r\nDA:2,0,abcdef\r\nBRDA:4,0,0,5\r\nBRDA:2,0,0,-\r\nDA:4,2\r\nBRDA:4,blk,1,0\r\nBRDA:2,0,1,-\r\nBRDA: 4,1,0,2\r\nend_of_record\r\n";
    write(dir.path(), "plain.lcov", plain);
    write(dir.path(), "odd.lcov", odd);
    let a = run(dir.path(), &["plain.lcov"]).unwrap();
    let b = run(dir.path(), &["odd.lcov"]).unwrap();
    assert_eq!(a.files["a.c"], b.files["a.c"]);
    assert_eq!(
        a.files["a.c"].lines.values().copied().collect::<Vec<_>>(),
        [3, 0, 7]
    );
    assert_eq!(a.files["a.c"].branches.len(), 5);
    assert_eq!(a.files["a.c"].branches[&(4, 2)], 2);
    assert_eq!(a.reports[0].lines, b.reports[0].lines);
    assert_eq!(a.reports[0].branches, b.reports[0].branches);
    // A malformed count is still an error naming the line.
    write(dir.path(), "bad.lcov", "SF:a.c\nDA:1,x\nend_of_record\n");
    let e = run(dir.path(), &["bad.lcov"]).unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
}
