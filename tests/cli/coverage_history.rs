//! `shipdeck coverage history`: every `coverage report` run recorded with
//! its commit, branch and release tags, listed newest first, filtered by
//! area, and drawn as an area's trend chart.

use crate::util::{text, Env, Repo};

fn lcov(file: &str, covered: u32, total: u32) -> String {
    let mut s = format!("SF:{file}\n");
    for l in 1..=total {
        s += &format!("DA:{l},{}\n", u32::from(l <= covered));
    }
    s + &format!("LF:{total}\nLH:{covered}\nend_of_record\n")
}

#[test]
fn history_lists_each_report_run_newest_first_with_its_commit_and_tags() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("src/main.rs", "fn main() {}\n");
    let first = repo.commit("init");
    repo.tag("v1.0.0");
    let ws = repo.root_str().to_string();
    let v = env.json(&["-C", &ws, "coverage", "history", "--json"], 0);
    assert_eq!(v["runs"], serde_json::json!([]), "nothing recorded yet");

    repo.write("lcov.info", &lcov("src/main.rs", 6, 10));
    env.json(&["-C", &ws, "coverage", "report", "--json"], 1);
    repo.write("src/lib.rs", "\n");
    let second = repo.commit("more");
    repo.write("lcov.info", &lcov("src/main.rs", 8, 10));
    env.json(&["-C", &ws, "coverage", "report", "--json"], 0);

    let v = env.json(&["-C", &ws, "coverage", "history", "--json"], 0);
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["commit_sha"], second.as_str(), "newest first");
    assert_eq!(runs[0]["passed"], true);
    assert_eq!(runs[0]["tags"], serde_json::json!([]));
    assert_eq!(runs[1]["commit_sha"], first.as_str());
    assert_eq!(runs[1]["tags"], serde_json::json!(["v1.0.0"]));
    assert_eq!(runs[1]["passed"], false);
    assert_eq!(
        runs[1]["lines"],
        serde_json::json!({"covered": 6, "total": 10, "pct": 60.0})
    );
    let backend = runs[1]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "backend")
        .unwrap();
    assert_eq!(backend["lines_covered"], 6);
    assert_eq!(backend["lines_total"], 10);
    assert_eq!(backend["threshold"], 70.0);
    assert_eq!(backend["passed"], false);
    assert_eq!(runs[1]["reports"][0]["path"], "lcov.info");
    assert_eq!(runs[1]["reports"][0]["format"], "lcov");

    // --area keeps that area alone; an unknown one lists nothing.
    let v = env.json(
        &["-C", &ws, "coverage", "history", "--area", "backend", "--json"],
        0,
    );
    let areas = &v["runs"][0]["areas"];
    assert_eq!(areas.as_array().unwrap().len(), 1);
    assert_eq!(areas[0]["lines_pct"], 80.0);
    let v = env.json(&["-C", &ws, "coverage", "history", "--area", "nope", "--json"], 0);
    assert_eq!(v["runs"], serde_json::json!([]));

    // The text table names the commit, the tag and the failing area.
    let out = env.run(&["-C", &ws, "coverage", "history"]);
    let shown = text(&out.stdout);
    assert!(
        shown.contains(&first[..7]) && shown.contains("[v1.0.0]"),
        "{shown}"
    );
    assert!(shown.contains("backend 60.00% FAIL"), "{shown}");
}

#[test]
fn history_svg_draws_the_area_trend_with_threshold_and_tags() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("src/main.rs", "fn main() {}\n");
    repo.commit("init");
    repo.tag("v2.0.0");
    repo.write("lcov.info", &lcov("src/main.rs", 9, 10));
    let ws = repo.root_str().to_string();
    env.json(&["-C", &ws, "coverage", "report", "--json"], 0);
    let svg = env.path("backend.svg");
    let svg_str = svg.to_str().unwrap();
    env.json(
        &[
            "-C", &ws, "coverage", "history", "--area", "backend", "--svg", svg_str, "--json",
        ],
        0,
    );
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg"), "{}", &drawn[..80.min(drawn.len())]);
    assert!(drawn.contains("v2.0.0"), "the release tag is annotated");
    assert!(drawn.contains("threshold"), "the threshold is in the legend");

    // A read that fails records nothing.
    repo.write("broken/coverage.xml", "<coverage><packages></coverage>");
    let e = env.json(&["-C", &ws, "coverage", "report", "--json"], 1);
    assert_eq!(e["code"], "coverage.bad_report");
    let v = env.json(&["-C", &ws, "coverage", "history", "--json"], 0);
    assert_eq!(v["runs"].as_array().unwrap().len(), 1, "{v}");

    // --svg needs --area; an area never measured is an input error.
    let e = env.json(&["-C", &ws, "coverage", "history", "--svg", svg_str, "--json"], 1);
    assert_eq!(e["code"], "cli.usage");
    let e = env.json(
        &[
            "-C", &ws, "coverage", "history", "--area", "nope", "--svg", svg_str, "--json",
        ],
        1,
    );
    assert_eq!(e["code"], "input.invalid");
}
