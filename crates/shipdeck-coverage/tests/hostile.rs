//! Reports that try to leave the workspace, are huge or malformed.

mod common;

use common::{run, write};

#[test]
fn paths_escaping_the_workspace_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cov/lcov.info",
        "SF:../../etc/passwd\nDA:1,1\nLF:1\nLH:1\nend_of_record\nSF:/etc/shadow\nDA:1,1\nend_of_record\nSF:../src/ok.py\nDA:1,0\nend_of_record\n",
    );
    write(dir.path(), "src/ok.py", "");
    let r = run(dir.path(), &[]).unwrap();
    assert_eq!(r.files.keys().collect::<Vec<_>>(), ["src/ok.py"]);
    assert_eq!(r.reports[0].files, 1);
}

#[test]
fn a_named_file_outside_the_workspace_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = run(dir.path(), &["../../etc/passwd"]).unwrap_err();
    assert_eq!(e.payload().code, "coverage.bad_path");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("lcov.info")).unwrap();
        let e = run(dir.path(), &["lcov.info"]).unwrap_err();
        assert_eq!(e.payload().code, "coverage.bad_path");
        // Found reports that are symbolic links are not followed either.
        assert!(run(dir.path(), &[]).unwrap().reports.is_empty());
    }
}

#[test]
fn a_huge_sparse_report_is_skipped_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("lcov.info")).unwrap();
    f.set_len(1 << 30).unwrap();
    let r = run(dir.path(), &[]).unwrap();
    assert!(r.reports.is_empty());
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].path, "lcov.info");
    let e = run(dir.path(), &["lcov.info"]).unwrap_err();
    assert_eq!(e.payload().code, "coverage.too_large");
}

#[test]
fn malformed_reports_are_typed_errors_naming_the_file() {
    let cases = [
        (
            "coverage.xml",
            "<coverage lines-valid=\"3\"><packages><package></packages></coverage>",
        ),
        ("cobertura-web.xml", "<report/>"),
        (
            "coverage.json",
            "{\"totals\": {\"covered_lines\": \"x\"}, \"files\": {}}",
        ),
        ("coverage-final.json", "{\"a.js\": {\"statementMap\": 3}}"),
        ("lcov.info", "SF:a.py\nDA:one,1\nend_of_record\n"),
        ("x.lcov", "\u{0}\u{1}binary"),
    ];
    for (name, text) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &format!("sub/{name}"), text);
        let e = run(dir.path(), &[]).unwrap_err();
        let p = e.payload();
        assert_eq!(p.code, "coverage.bad_report", "{name}: {}", p.message);
        assert!(p.message.starts_with(&format!("sub/{name}:")), "{}", p.message);
        assert!(p.hint.is_some());
    }
}

#[test]
fn skipped_folders_and_coverage_data_are_not_reports() {
    let dir = tempfile::tempdir().unwrap();
    let good = "SF:a.py\nDA:1,1\nend_of_record\n";
    for d in ["node_modules/x", "target/cov", ".git", "env"] {
        write(dir.path(), &format!("{d}/lcov.info"), good);
    }
    write(dir.path(), "env/pyvenv.cfg", "home = /usr\n");
    write(dir.path(), ".coverage", "SQLite format 3\0");
    write(dir.path(), "build/lcov.info", good);
    let r = run(dir.path(), &[]).unwrap();
    let paths: Vec<_> = r.reports.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(paths, ["build/lcov.info"]);
}

#[test]
fn many_branches_on_one_line_stay_fast() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("SF:a.py\nDA:1,1\n");
    for i in 0..200_000 {
        text += &format!("BRDA:1,0,{i},{}\n", i % 2);
    }
    write(dir.path(), "lcov.info", &(text + "end_of_record\n"));
    let started = std::time::Instant::now();
    let r = run(dir.path(), &[]).unwrap();
    assert_eq!(r.reports[0].branches.unwrap().total, 200_000);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
