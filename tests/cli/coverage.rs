//! `shipdeck coverage report` and `coverage patch` end to end: the exact
//! JSON shapes, exit 0 when every area meets its threshold (or the patch
//! `--fail-under`) and 1 when not, `--file`, and malformed reports and
//! missing refs as typed errors.

use crate::util::{assert_code, text, Env, Repo};

fn lcov(file: &str, covered: u32, total: u32) -> String {
    let mut s = format!("SF:{file}\n");
    for l in 1..=total {
        s += &format!("DA:{l},{}\n", u32::from(l <= covered));
    }
    s + &format!("BRDA:1,0,0,1\nBRDA:1,0,1,0\nBRF:2\nBRH:1\nLF:{total}\nLH:{covered}\nend_of_record\n")
}

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn report_prints_the_contract_shape_and_exits_by_threshold() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(".gitignore", "coverage/\n");
    repo.write("src/main.rs", "fn main() {}\n");
    repo.commit("init");
    // Ignored by git, still found.
    repo.write("coverage/lcov.info", &lcov("../src/main.rs", 7, 10));
    let v = env.json(&["-C", repo.root_str(), "coverage", "report", "--json"], 0);
    for k in ["reports", "areas", "passed"] {
        assert!(v.get(k).is_some(), "{k} missing: {v}");
    }
    assert_eq!(v["passed"], true);
    let r = &v["reports"][0];
    for k in ["path", "format", "lines", "branches"] {
        assert!(keys(r).contains(&k), "{k} missing: {r}");
    }
    assert_eq!(r["path"], "coverage/lcov.info");
    assert_eq!(r["format"], "lcov");
    assert_eq!(
        r["lines"],
        serde_json::json!({"covered": 7, "total": 10, "pct": 70.0})
    );
    assert_eq!(
        r["branches"],
        serde_json::json!({"covered": 1, "total": 2, "pct": 50.0})
    );
    let names: Vec<_> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["backend", "frontend"]);
    let backend = &v["areas"][0];
    for k in ["name", "globs", "lines_pct", "threshold", "passed"] {
        assert!(keys(backend).contains(&k), "{k} missing: {backend}");
    }
    assert_eq!(
        (backend["lines_pct"].as_f64(), backend["threshold"].as_f64()),
        (Some(70.0), Some(70.0))
    );
    assert_eq!(backend["passed"], true);

    // A stricter configured area fails: exit 1, in JSON and as text.
    repo.write(
        "shipdeck.toml",
        "[coverage.areas.core]\nglobs = [\"src/**\"]\nthreshold = 75\n",
    );
    let v = env.json(&["-C", repo.root_str(), "coverage", "report", "--json"], 1);
    assert_eq!(v["passed"], false);
    assert_eq!(v["areas"][0]["name"], "core");
    assert_eq!(v["areas"][0]["passed"], false);
    let out = env.run(&["-C", repo.root_str(), "coverage", "report"]);
    assert_code(&out, 1);
    let shown = text(&out.stdout);
    assert!(
        shown.contains("coverage/lcov.info") && shown.contains("FAIL"),
        "{shown}"
    );
}

#[test]
fn file_flag_and_malformed_reports() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("a.py", "x = 1\n");
    repo.commit("init");
    repo.write("good.lcov", &lcov("a.py", 1, 1));
    repo.write("broken/coverage.xml", "<coverage><packages></coverage>");
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "coverage",
            "report",
            "--file",
            "good.lcov",
            "--json",
        ],
        0,
    );
    assert_eq!(v["reports"].as_array().unwrap().len(), 1);
    assert_eq!(v["reports"][0]["path"], "good.lcov");
    let e = env.json(&["-C", repo.root_str(), "coverage", "report", "--json"], 1);
    assert_eq!(e["code"], "coverage.bad_report");
    assert!(
        e["message"].as_str().unwrap().starts_with("broken/coverage.xml:"),
        "{e}"
    );
    let e = env.json(
        &[
            "-C",
            repo.root_str(),
            "coverage",
            "report",
            "--file",
            "../x.lcov",
            "--json",
        ],
        1,
    );
    assert_eq!(e["code"], "coverage.bad_path");
}

#[test]
fn patch_prints_the_contract_shape_and_exits_by_fail_under() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("src/lib.py", "a = 1\n");
    repo.commit("init");
    repo.tag("v1");
    repo.write("src/lib.py", "a = 1\nb = 2\nc = 3\n# note\n");
    repo.commit("change");
    // Lines 2 and 3 are measured (3 never ran); the comment is not.
    repo.write(
        "cov/lcov.info",
        "SF:../src/lib.py\nDA:1,1\nDA:2,4\nDA:3,0\nend_of_record\n",
    );
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "-C",
            repo.root_str(),
            "coverage",
            "patch",
            "--base",
            "v1",
            "--json",
        ];
        a.extend_from_slice(extra);
        a
    };
    let v = env.json(&args(&[]), 0);
    for k in ["patch", "files"] {
        assert!(v.get(k).is_some(), "{k} missing: {v}");
    }
    assert_eq!(
        v["patch"],
        serde_json::json!({"covered": 1, "total": 2, "pct": 50.0})
    );
    let f = &v["files"][0];
    for k in ["path", "covered", "total", "uncovered_lines"] {
        assert!(keys(f).contains(&k), "{k} missing: {f}");
    }
    assert_eq!(f["path"], "src/lib.py");
    assert_eq!(f["uncovered_lines"], serde_json::json!([3]));
    assert_eq!(v["changed_lines"], 3);

    let v = env.json(&args(&["--fail-under", "50"]), 0);
    assert_eq!(v["passed"], true);
    let v = env.json(&args(&["--fail-under", "50.01"]), 1);
    assert_eq!(v["passed"], false);
    let out = env.run(&[
        "-C",
        repo.root_str(),
        "coverage",
        "patch",
        "--base",
        "v1",
        "--fail-under",
        "75",
    ]);
    assert_code(&out, 1);
    let shown = text(&out.stdout);
    assert!(shown.contains("src/lib.py") && shown.contains("under"), "{shown}");

    let e = env.json(
        &[
            "-C",
            repo.root_str(),
            "coverage",
            "patch",
            "--base",
            "nope",
            "--json",
        ],
        1,
    );
    assert_eq!(e["code"], "coverage.bad_ref");
    assert!(e["hint"].as_str().is_some_and(|h| !h.is_empty()), "{e}");
    let out = env.run(&[
        "-C",
        repo.root_str(),
        "coverage",
        "patch",
        "--base",
        "v1",
        "--fail-under",
        "101",
    ]);
    assert_code(&out, 1);
    assert!(
        text(&out.stderr).contains("not a percentage"),
        "{}",
        text(&out.stderr)
    );
}
