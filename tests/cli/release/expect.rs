//! `release cut --expect TOKEN`: the cut confirms exactly the dry run the
//! user saw, or changes nothing.

use super::released_repo;
use crate::util::{assert_code, text, Env, Repo};

fn cut(env: &Env, r: &Repo, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["-C", r.root_str(), "release", "cut", "--json"];
    args.extend_from_slice(extra);
    env.json(&args, code)
}

fn token(shown: &serde_json::Value) -> String {
    shown["expect"]
        .as_str()
        .expect("a dry run has a token")
        .to_string()
}

/// Everything a refused cut must leave as it was.
fn state(r: &Repo) -> (String, Vec<String>, Vec<(String, String)>) {
    let tags = r
        .repo
        .tag_names(None)
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let files = ["Cargo.toml", "package.json", "CHANGELOG.md"]
        .iter()
        .map(|f| {
            let body = std::fs::read_to_string(r.root.join(f)).unwrap_or_default();
            (f.to_string(), body)
        })
        .collect();
    (r.head(), tags, files)
}

#[test]
fn a_dry_run_gives_a_stable_token_and_cutting_with_it_cuts_what_it_showed() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: one");
    let shown = cut(&env, &r, &["--dry-run"], 0);
    let expect = token(&shown);
    assert_eq!(expect.len(), 32, "{expect}");
    assert!(expect.chars().all(|c| c.is_ascii_hexdigit()), "{expect}");
    assert_eq!(
        token(&cut(&env, &r, &["--dry-run"], 0)),
        expect,
        "nothing moved: the same plan, the same token"
    );
    let human = env.run(&["-C", r.root_str(), "release", "cut", "--dry-run"]);
    assert_code(&human, 0);
    assert!(text(&human.stdout).contains(&format!("--expect {expect}")));

    let out = cut(&env, &r, &["--expect", &expect], 0);
    assert_eq!(out["releases"][0]["tag"], "v1.0.1");
    assert_eq!(out["expect"], expect.as_str(), "the cut reports the plan it cut");
    assert_eq!(r.head(), out["commit"].as_str().unwrap());
    assert!(r.repo.find_reference("refs/tags/v1.0.1").is_ok());
}

#[test]
fn a_cut_is_refused_after_a_new_commit_and_nothing_changes() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: one");
    let expect = token(&cut(&env, &r, &["--dry-run"], 0));

    // A fix lands between the dry run and the confirmation: the tag would
    // be the same (v1.0.1) but the changelog would not.
    r.change("src/lib.rs", "fix: two");
    let before = state(&r);
    let v = cut(&env, &r, &["--expect", &expect], 1);
    assert_eq!(v["code"], "release.plan_changed", "{v}");
    assert!(v["message"].as_str().unwrap().contains("v1.0.1"), "{v}");
    assert!(v["hint"].as_str().unwrap().contains("--dry-run"), "{v}");
    assert_eq!(state(&r), before, "no commit, no tag, no file written");
    assert!(r.repo.statuses(None).unwrap().is_empty(), "the tree is clean");

    // The same refusal without --json: exit 1 and the coded error.
    let out = env.run(&["-C", r.root_str(), "release", "cut", "--expect", &expect]);
    assert_code(&out, 1);
    assert!(
        text(&out.stderr).contains("release.plan_changed"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(state(&r), before);

    // Preview again, confirm that one.
    let again = token(&cut(&env, &r, &["--dry-run"], 0));
    assert_ne!(again, expect);
    let out = cut(&env, &r, &["--expect", &again], 0);
    assert_eq!(out["releases"][0]["tag"], "v1.0.1");
    assert!(out["files"][0]["diff"].as_str().unwrap().contains("two"));
}

#[test]
fn a_token_from_another_selection_is_refused() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat: search");
    let rc = token(&cut(&env, &r, &["--dry-run", "--prerelease", "rc"], 0));
    let stable = token(&cut(&env, &r, &["--dry-run"], 0));
    assert_ne!(rc, stable);
    let before = state(&r);
    let v = cut(&env, &r, &["--expect", &rc], 1);
    assert_eq!(v["code"], "release.plan_changed", "{v}");
    assert_eq!(state(&r), before);
    let v = cut(&env, &r, &["--expect", "not-a-token"], 1);
    assert_eq!(v["code"], "release.plan_changed", "{v}");
    assert_eq!(state(&r), before);
    let out = cut(&env, &r, &["--prerelease", "rc", "--expect", &rc], 0);
    assert_eq!(out["releases"][0]["tag"], "v1.1.0-rc.1");
}
