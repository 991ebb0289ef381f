//! Our plan against git-cliff's `--bumped-version` on the same histories:
//! equal where the rules agree, and different exactly where docs/releases.md
//! says they differ.

use std::path::PathBuf;
use std::process::Command;

use super::{package, released_repo};
use crate::util::{Env, Repo};

fn git_cliff() -> PathBuf {
    let tools = std::env::var_os("SHIPDECK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/shipdeck-tools"));
    let bin = tools.join("venv/bin/git-cliff");
    assert!(
        bin.is_file(),
        "git-cliff is not installed at {} (run `make setup`)",
        bin.display()
    );
    bin
}

/// git-cliff's next version without the `v`.
fn cliff(r: &Repo) -> String {
    let out = Command::new(git_cliff())
        .arg("--bumped-version")
        .current_dir(&r.root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_start_matches('v')
        .to_string()
}

fn ours(env: &Env, r: &Repo) -> Option<String> {
    package(env, r, &[])["next_version"].as_str().map(str::to_string)
}

#[test]
fn both_agree_on_features_fixes_and_breaking_changes() {
    for message in [
        "feat: x",
        "fix: y",
        "perf: z",
        "feat(api)!: w",
        "fix: v\n\nBREAKING CHANGE: gone",
    ] {
        let env = Env::new();
        let mut r = released_repo(&env);
        r.change("src/lib.rs", message);
        assert_eq!(ours(&env, &r).as_deref(), Some(cliff(&r).as_str()), "{message}");
    }
}

#[test]
fn both_agree_on_the_demo_workspace() {
    let env = Env::new();
    let dir = env.path("orbit");
    env.json(
        &["demo", "create", dir.to_str().unwrap(), "--seed", "3", "--json"],
        0,
    );
    let r = Repo {
        repo: git2::Repository::open(&dir).unwrap(),
        root: dir.canonicalize().unwrap(),
        clock: 0,
    };
    assert_eq!(ours(&env, &r).as_deref(), Some(cliff(&r).as_str()));
}

#[test]
fn both_agree_on_chores_only() {
    // Both (and release-please) release a patch for chores alone.
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "chore: tidy");
    assert_eq!(cliff(&r), "1.0.1");
    assert_eq!(ours(&env, &r).as_deref(), Some("1.0.1"));
}

#[test]
fn documented_difference_revert_in_range() {
    // A feature and its revert cancel out for us; git-cliff counts both.
    let env = Env::new();
    let mut r = released_repo(&env);
    let feat = r.change("src/lib.rs", "feat: risky");
    r.change(
        "src/lib.rs",
        &format!("Revert \"feat: risky\"\n\nThis reverts commit {feat}.\n"),
    );
    assert_eq!(cliff(&r), "1.1.0");
    assert_eq!(ours(&env, &r), None);
}
