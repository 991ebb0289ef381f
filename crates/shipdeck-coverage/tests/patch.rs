//! Patch coverage against diff-cover, run in the same test on the same
//! repository and the same coverage.py data: a branch that modifies,
//! adds, renames (with and without changes) and deletes files, changes a
//! binary one and a file no report names, while the base branch moves on
//! after the fork (so only the merge-base diff agrees).
#![allow(clippy::too_many_lines)] // a scenario reads best as one test

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{coverage_py, diff_cover, run_tool, Git};
use serde_json::Value;
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_coverage::{patch, PatchOptions, PatchReport};

const OLD_NAME: &str = "def greet(name):
    text = \"hello \" + name
    return text


def shout(name):
    text = greet(name).upper()
    return text + \"!\"


def unused():
    value = 1
    return value
";

const NEW_NAME: &str = "def greet(name):
    text = \"hi \" + name
    return text


def shout(name):
    text = greet(name).upper()
    return text + \"!\"


def unused():
    value = 1
    other = 2
    return value + other
";

const APP_BASE: &str = "def add(a, b):
    return a + b


def sub(a, b):
    return a - b
";

const APP_HEAD: &str = "def add(a, b):
    # the sum, named
    total = a + b
    return total


def sub(a, b):
    return a - b


def mul(a, b):
    product = a * b
    return product


def div(a, b):
    if b == 0:
        raise ZeroDivisionError(\"b\")
    return a / b
";

const EXTRA: &str = "import os


def where():
    return os.getcwd()


def never():
    x = 1
    y = 2
    return x + y
";

/// The repository: `base` forks at the first commit and moves on; HEAD
/// carries the branch's changes.
fn scenario(root: &Path) -> Git {
    let mut git = Git::init(root);
    git.write("app.py", APP_BASE);
    git.write("old_name.py", OLD_NAME);
    git.write("gone.py", "def gone():\n    return 0\n");
    git.write("util.py", "def helper():\n    return 1\n");
    git.write("README.md", "# demo\n");
    git.write("same.py", OLD_NAME);
    std::fs::write(root.join("blob.bin"), [0u8, 1, 2, 3, 0, 255]).unwrap();
    git.commit("base");
    git.branch("base");
    git.write("app.py", APP_HEAD);
    std::fs::rename(root.join("old_name.py"), root.join("new_name.py")).unwrap();
    git.write("new_name.py", NEW_NAME);
    git.remove("gone.py");
    std::fs::rename(root.join("same.py"), root.join("moved.py")).unwrap();
    std::fs::write(root.join("blob.bin"), [0u8, 9, 9, 9, 0, 254, 1]).unwrap();
    git.write("extra.py", EXTRA);
    git.write("README.md", "# demo\n\nMore words.\n");
    git.write(
        "run1.py",
        "import app\nimport new_name\nimport util\n\napp.add(1, 2)\nnew_name.shout(\"x\")\n",
    );
    git.write(
        "run2.py",
        "import app\nimport extra\n\napp.div(4, 2)\napp.sub(1, 1)\nextra.where()\n",
    );
    git.commit("feature");
    // After the fork the base changes a file HEAD never touched: a two-dot
    // diff would count util.py, the merge-base diff must not.
    git.commit_on(
        "base",
        "util.py",
        "def helper():\n    return 2\n\n\ndef more():\n    return 3\n",
    );
    git
}

fn run_patch(root: &Path, base: &str, files: &[&str]) -> PatchReport {
    let opts = PatchOptions {
        base: base.into(),
        files: files.iter().map(PathBuf::from).collect(),
        fail_under: None,
    };
    patch(root, &opts, &Progress::detached(CancellationToken::new())).unwrap()
}

/// coverage.py's data for `scripts` run in turn (appending), and its
/// `kind` report (`xml` or `lcov`) written to `out`.
fn produce(root: &Path, data: &str, scripts: &[&str], kind: &str, out: &str) {
    let cov = coverage_py();
    for s in scripts {
        run_tool(
            root,
            &cov,
            &["run", "--append", &format!("--data-file={data}"), s],
        );
    }
    run_tool(root, &cov, &[kind, &format!("--data-file={data}"), "-o", out]);
}

/// diff-cover's JSON report for `reports` against `base`, committed
/// changes only.
fn peer(root: &Path, base: &str, reports: &[&str]) -> Value {
    let mut args: Vec<&str> = reports.to_vec();
    let compare = format!("--compare-branch={base}");
    args.extend([
        compare.as_str(),
        "--ignore-staged",
        "--ignore-unstaged",
        "--format",
        "json:diff-cover.json",
    ]);
    run_tool(root, &diff_cover(), &args);
    let text = std::fs::read_to_string(root.join("diff-cover.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Shipdeck's figures equal diff-cover's: the totals, and per file the
/// measured and uncovered lines.
fn assert_same(ours: &PatchReport, theirs: &Value) {
    assert_eq!(
        ours.patch.total,
        theirs["total_num_lines"].as_u64().unwrap(),
        "measured lines; diff-cover: {theirs:#}\nours: {ours:#?}"
    );
    assert_eq!(
        ours.patch.total - ours.patch.covered,
        theirs["total_num_violations"].as_u64().unwrap(),
        "uncovered lines; diff-cover: {theirs:#}\nours: {ours:#?}"
    );
    let peer_files: BTreeMap<String, (Vec<u32>, Vec<u32>)> = theirs["src_stats"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, s)| {
            let lines = |k: &str| -> Vec<u32> {
                s[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|v| u32::try_from(v.as_u64().unwrap()).unwrap())
                    .collect()
            };
            (p.clone(), (lines("covered_lines"), lines("violation_lines")))
        })
        .collect();
    let our_files: BTreeMap<String, (u64, Vec<u32>)> = ours
        .files
        .iter()
        .map(|f| (f.path.clone(), (f.covered, f.uncovered_lines.clone())))
        .collect();
    assert_eq!(
        our_files.keys().collect::<Vec<_>>(),
        peer_files.keys().collect::<Vec<_>>(),
        "files"
    );
    for (path, (covered, violations)) in &peer_files {
        let (c, u) = &our_files[path];
        assert_eq!(*c, covered.len() as u64, "{path}: covered lines {covered:?}");
        assert_eq!(u, violations, "{path}: uncovered lines");
    }
}

#[test]
fn patch_coverage_equals_diff_cover_on_cobertura_and_lcov() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    scenario(&root);
    produce(&root, ".cov-all", &["run1.py", "run2.py"], "xml", "coverage.xml");
    produce(&root, ".cov-all", &[], "lcov", "coverage.lcov");

    let ours = run_patch(&root, "base", &["coverage.xml"]);
    assert_same(&ours, &peer(&root, "base", &["coverage.xml"]));
    let paths: Vec<&str> = ours.files.iter().map(|f| f.path.as_str()).collect();
    // Renamed, new and modified files are measured; deleted, binary and
    // unreported ones are not, nor util.py, which the report covers but
    // only the base changed after the fork.
    assert!(ours.reports[0].files >= 6, "util.py is in the report: {ours:?}");
    assert_eq!(paths, ["app.py", "extra.py", "new_name.py", "run1.py", "run2.py"]);
    let app = &ours.files[0];
    // mul's body and div's raise are the uncovered changes.
    assert_eq!(app.uncovered_lines, [12, 13, 18]);
    assert_eq!((app.covered, app.total), (6, 9));
    // Renamed with three lines changed: only those three count.
    let renamed = &ours.files[2];
    assert_eq!(renamed.uncovered_lines, [13, 14]);
    assert_eq!((renamed.covered, renamed.total), (1, 3));
    assert!(ours.changed_lines > ours.patch.total, "{ours:?}");
    assert!(ours.passed);

    // The same run through coverage.py's lcov output.
    let lcov = run_patch(&root, "base", &["coverage.lcov"]);
    assert_same(&lcov, &peer(&root, "base", &["coverage.lcov"]));
    assert_eq!(lcov.patch, ours.patch);
}

#[test]
fn several_reports_measure_the_union_and_miss_the_intersection() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    scenario(&root);
    produce(&root, ".cov1", &["run1.py"], "xml", "cov1.xml");
    produce(&root, ".cov2", &["run2.py"], "xml", "cov2.xml");
    let both = run_patch(&root, "base", &["cov1.xml", "cov2.xml"]);
    assert_same(&both, &peer(&root, "base", &["cov1.xml", "cov2.xml"]));
    let one = run_patch(&root, "base", &["cov1.xml"]);
    assert!(both.patch.covered > one.patch.covered, "{both:?} vs {one:?}");

    // Hand-written lcov where a line is measured by one report only and a
    // file is named by one report only; diff-cover is the judge.
    // Stale entries for the deleted file, the binary one and the one moved
    // unchanged: none has a changed line, so none is measured.
    let a =
        "SF:app.py\nDA:3,0\nDA:4,0\nDA:12,0\nend_of_record\nSF:extra.py\nDA:9,0\nDA:10,4\nend_of_record\n\
             SF:gone.py\nDA:1,0\nDA:2,0\nend_of_record\nSF:blob.bin\nDA:1,0\nend_of_record\n\
             SF:moved.py\nDA:1,0\nDA:2,0\nDA:3,0\nend_of_record\n";
    let b = "SF:app.py\nDA:4,0\nDA:12,3\nDA:13,0\nend_of_record\n";
    common::write(&root, "a.lcov", a);
    common::write(&root, "b.lcov", b);
    let ours = run_patch(&root, "base", &["a.lcov", "b.lcov"]);
    assert_same(&ours, &peer(&root, "base", &["a.lcov", "b.lcov"]));
    // Lines 3 and 13 are uncovered in one report and not listed in the
    // other, which names the file: not in the intersection.
    assert_eq!(ours.files[0].uncovered_lines, [4]);
    assert_eq!(ours.files[0].total, 4);
    assert_eq!(ours.files[1].uncovered_lines, [9]);
    assert_eq!(ours.files.len(), 2, "{ours:?}");
}

#[test]
fn bad_refs_and_missing_repositories_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let mut git = scenario(&root);
    common::write(&root, "a.lcov", "SF:app.py\nDA:3,1\nend_of_record\n");
    let opts = |base: &str| PatchOptions {
        base: base.into(),
        files: vec![PathBuf::from("a.lcov")],
        fail_under: Some(90.0),
    };
    let progress = Progress::detached(CancellationToken::new());
    let code = |r: shipdeck_base::error::Result<PatchReport>| r.unwrap_err().code().to_string();
    assert_eq!(
        code(patch(&root, &opts("no-such-branch"), &progress)),
        "coverage.bad_ref"
    );
    let e = patch(&root, &opts("no-such-branch"), &progress).unwrap_err();
    assert!(e.hint().is_some_and(|h| h.contains("branch")), "{e:?}");

    // Unrelated history: no merge base.
    let tree = {
        let blob = git.repo.blob(b"x\n").unwrap();
        let mut tb = git.repo.treebuilder(None).unwrap();
        tb.insert("x", blob, 0o100_644).unwrap();
        tb.write().unwrap()
    };
    git.commit_tree("refs/heads/orphan", tree, "orphan");
    assert_eq!(code(patch(&root, &opts("orphan"), &progress)), "coverage.bad_ref");

    let plain = dir.path().join("plain");
    common::write(&plain, "a.lcov", "SF:app.py\nDA:3,1\nend_of_record\n");
    assert_eq!(
        code(patch(&plain, &opts("main"), &progress)),
        "coverage.no_repository"
    );

    // --fail-under: 1 of 1 measured line covered passes 90.
    let ok = patch(&root, &opts("base"), &progress).unwrap();
    assert_eq!((ok.patch.covered, ok.patch.total, ok.passed), (1, 1, true));
    common::write(&root, "a.lcov", "SF:app.py\nDA:3,1\nDA:4,0\nend_of_record\n");
    let under = patch(&root, &opts("base"), &progress).unwrap();
    assert_eq!((under.patch.pct, under.passed), (50.0, false));

    // Cancelled before it starts: the cancel error, no report.
    let token = CancellationToken::new();
    token.cancel();
    let cancelled = patch(&root, &opts("base"), &Progress::detached(token)).unwrap_err();
    assert_eq!(cancelled.code(), "job.cancelled");
}

#[test]
fn hostile_report_paths_and_a_workspace_below_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let mut git = Git::init(&root);
    git.write("svc/a.py", "x = 1\n");
    git.write("other/a.py", "x = 1\n");
    git.commit("base");
    git.branch("base");
    git.write("svc/a.py", "x = 1\ny = 2\nz = 3\n");
    git.write("other/a.py", "x = 1\ny = 2\n");
    git.commit("change");
    let ws = root.join("svc");
    // Paths that leave the workspace are never matched, whatever they
    // name; the workspace is the repository's `svc` folder.
    let hostile = format!(
        "SF:../other/a.py\nDA:2,0\nend_of_record\nSF:/etc/passwd\nDA:1,0\nend_of_record\n\
         SF:{}\nDA:2,0\nend_of_record\nSF:a.py\nDA:2,1\nDA:3,0\nend_of_record\n",
        root.join("other/a.py").display()
    );
    common::write(&ws, "cov.lcov", &hostile);
    let r = run_patch(&ws, "base", &["cov.lcov"]);
    assert_eq!(r.files.len(), 1, "{r:?}");
    assert_eq!(r.files[0].path, "a.py");
    assert_eq!((r.files[0].covered, r.files[0].total), (1, 2));
    assert_eq!(r.files[0].uncovered_lines, [3]);
    assert_eq!(
        r.changed_lines, 2,
        "changes outside the workspace are not counted"
    );
}
