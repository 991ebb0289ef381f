use super::{package, released_repo};
use crate::util::{assert_code, text, Env, Repo};

fn cut(env: &Env, r: &Repo, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["-C", r.root_str(), "release", "cut", "--json"];
    args.extend_from_slice(extra);
    env.json(&args, code)
}

#[test]
fn cut_bumps_writes_the_changelog_commits_and_tags() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat(api): search (#5)");
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- first\n",
    );
    r.commit("docs: changelog");
    let planned = package(&env, &r, &[])["changelog"].as_str().unwrap().to_string();
    let out = cut(&env, &r, &[], 0);
    assert_eq!(out["releases"][0]["tag"], "v1.1.0");
    assert_eq!(r.head(), out["commit"].as_str().unwrap());

    let head = r.repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.summary(), Some("chore(release): 1.1.0"));
    let tag = r.repo.revparse_single("v1.1.0").unwrap();
    assert!(tag.as_tag().is_some(), "annotated");
    assert_eq!(tag.peel_to_commit().unwrap().id(), head.id());

    assert_eq!(
        std::fs::read_to_string(r.root.join("Cargo.toml")).unwrap(),
        "[package]\nname = \"app\"\nversion = \"1.1.0\" # the version\nedition = \"2021\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(r.root.join("package.json")).unwrap(),
        "{\n  \"name\": \"app\",\n  \"version\": \"1.1.0\"\n}\n"
    );
    let changelog = std::fs::read_to_string(r.root.join("CHANGELOG.md")).unwrap();
    assert_eq!(
        changelog,
        format!("# Changelog\n\n{planned}\n## [1.0.0] - 2025-01-01\n\n### Added\n\n- first\n"),
        "the preview is exactly what is written"
    );
    assert!(r.repo.statuses(None).unwrap().is_empty(), "clean after the cut");
    let after = package(&env, &r, &[]);
    assert_eq!(
        (after["current_version"].as_str(), after["bump"].as_str()),
        (Some("1.1.0"), Some("none"))
    );
}

#[test]
fn dry_run_changes_nothing_and_shows_diffs() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: one");
    let head = r.head();
    let out = cut(&env, &r, &["--dry-run"], 0);
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["commit"], serde_json::Value::Null);
    let files: Vec<&str> = out["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["CHANGELOG.md", "Cargo.toml", "package.json"]);
    assert!(out["files"][1]["diff"]
        .as_str()
        .unwrap()
        .contains("+version = \"1.0.1\" # the version"));
    assert_eq!(r.head(), head);
    assert!(r.repo.find_reference("refs/tags/v1.0.1").is_err());
    assert!(!r.root.join("CHANGELOG.md").exists());
}

#[test]
fn refuses_dirty_tree_detached_head_wrong_branch_and_existing_tag() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: one");
    r.write("src/lib.rs", "uncommitted");
    assert_eq!(cut(&env, &r, &[], 1)["code"], "release.dirty_tree");
    r.repo
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();

    let head = r.repo.head().unwrap().peel_to_commit().unwrap().id();
    r.repo.set_head_detached(head).unwrap();
    assert_eq!(cut(&env, &r, &[], 1)["code"], "release.detached_head");
    r.repo.set_head("refs/heads/main").unwrap();

    r.write("shipdeck.toml", "[workspace]\nrelease_branch = \"release\"\n");
    r.commit("chore: config");
    let v = cut(&env, &r, &[], 1);
    assert_eq!(v["code"], "release.wrong_branch");
    assert!(v["message"].as_str().unwrap().contains("HEAD is on main"));
    r.write("shipdeck.toml", "");
    r.commit("chore: config");

    r.tag("v1.0.1");
    let v = cut(&env, &r, &["--version", "1.0.1", "--reason", "retry"], 1);
    assert_eq!(v["code"], "release.tag_exists");
    assert!(v["hint"].is_string());
    let v = cut(&env, &Repo::init(&env.path("empty")), &[], 1);
    assert_eq!(v["code"], "release.nothing_to_release");
}

#[test]
fn a_failure_midway_puts_everything_back() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat: x");
    let head = r.head();
    let cargo = std::fs::read(r.root.join("Cargo.toml")).unwrap();
    let index = std::fs::read(r.root.join(".git/index")).unwrap();
    // A stale lock on the tag ref makes tag creation fail after the files
    // were written and the release commit made.
    std::fs::create_dir_all(r.root.join(".git/refs/tags")).unwrap();
    std::fs::write(r.root.join(".git/refs/tags/v1.1.0.lock"), "").unwrap();
    let v = cut(&env, &r, &[], 1);
    assert_eq!(v["code"], "release.rolled_back", "{v}");
    assert_eq!(r.head(), head, "branch moved back");
    assert_eq!(std::fs::read(r.root.join("Cargo.toml")).unwrap(), cargo);
    assert!(!r.root.join("CHANGELOG.md").exists(), "new file removed");
    assert_eq!(std::fs::read(r.root.join(".git/index")).unwrap(), index);
    assert!(r.repo.find_reference("refs/tags/v1.1.0").is_err());
    std::fs::remove_file(r.root.join(".git/refs/tags/v1.1.0.lock")).unwrap();
    assert!(r.repo.statuses(None).unwrap().is_empty());
    // And the same cut then succeeds.
    assert_eq!(cut(&env, &r, &[], 0)["releases"][0]["tag"], "v1.1.0");
}

#[test]
fn cargo_workspace_inheritance_and_lockfile_in_one_cut() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("ws"));
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nversion = \"0.9.0\"\n",
    );
    r.write(
        "crates/core/Cargo.toml",
        "[package]\nname = \"core\"\nversion.workspace = true\n",
    );
    r.write("crates/cli/Cargo.toml", "[package]\nname = \"cli\"\nversion.workspace = true\n\n[dependencies]\ncore = { path = \"../core\", version = \"0.9.0\" }\n");
    r.write("Cargo.lock", "version = 4\n\n[[package]]\nname = \"cli\"\nversion = \"0.9.0\"\n\n[[package]]\nname = \"core\"\nversion = \"0.9.0\"\n");
    r.commit("feat: start");
    r.tag("v0.9.0");
    r.change("crates/core/src.txt", "feat!: stable API");
    let out = cut(&env, &r, &[], 0);
    assert_eq!(out["releases"][0]["version"], "1.0.0");
    let read = |p: &str| std::fs::read_to_string(r.root.join(p)).unwrap();
    assert!(read("Cargo.toml").contains("version = \"1.0.0\""));
    assert_eq!(
        read("crates/core/Cargo.toml"),
        "[package]\nname = \"core\"\nversion.workspace = true\n"
    );
    assert!(read("crates/cli/Cargo.toml").contains("core = { path = \"../core\", version = \"1.0.0\" }"));
    assert_eq!(read("Cargo.lock").matches("version = \"1.0.0\"").count(), 2);
    assert!(read("CHANGELOG.md").contains("### ⚠ Breaking changes"));
}

#[test]
fn no_git_identity_is_refused_before_anything_is_written() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: x");
    let mut cfg = r
        .repo
        .config()
        .unwrap()
        .open_level(git2::ConfigLevel::Local)
        .unwrap();
    cfg.remove("user.name").unwrap();
    cfg.remove("user.email").unwrap();
    let home = env.path("empty-home");
    std::fs::create_dir_all(&home).unwrap();
    let out = env
        .cmd()
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .args(["-C", r.root_str(), "release", "cut", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "release.no_identity", "{v}");
    assert!(v["hint"].as_str().unwrap().contains("git config user.name"));
    assert!(!r.root.join("CHANGELOG.md").exists());
}

#[test]
fn manual_override_is_recorded_with_its_reason() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: small");
    cut(
        &env,
        &r,
        &["--version", "2.0.0", "--reason", "marketing launch"],
        0,
    );
    let message = r
        .repo
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .message()
        .unwrap()
        .to_string();
    assert!(message.contains("set by hand: marketing launch"), "{message}");
    let history = env.json(&["-C", r.root_str(), "release", "history", "--json"], 0);
    let cut_event = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "cut")
        .unwrap()
        .clone();
    assert_eq!(
        (cut_event["tag"].as_str(), cut_event["reason"].as_str()),
        (Some("v2.0.0"), Some("marketing launch"))
    );
    assert_eq!(history["releases"][0]["tag"], "v2.0.0");
    assert_eq!(history["releases"][0]["commits"], 2);
    let audit = text(&env.run(&["-C", r.root_str(), "activity", "--json"]).stdout);
    assert!(audit.contains("release_cut"));
}

#[test]
fn unpushed_rollback_deletes_the_tag_and_moves_back() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat: y");
    let before = r.head();
    cut(&env, &r, &[], 0);
    let dry = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "1.1.0",
            "--reason",
            "bad",
            "--dry-run",
            "--json",
        ],
        0,
    );
    assert_eq!(dry["pushed"], false);
    assert!(
        r.repo.find_reference("refs/tags/v1.1.0").is_ok(),
        "dry run changed nothing"
    );
    let done = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "1.1.0",
            "--reason",
            "bad",
            "--json",
        ],
        0,
    );
    assert_eq!(done["steps"].as_array().unwrap().len(), 2);
    assert_eq!(r.head(), before);
    assert!(r.repo.find_reference("refs/tags/v1.1.0").is_err());
    assert!(std::fs::read_to_string(r.root.join("Cargo.toml"))
        .unwrap()
        .contains("\"1.0.0\""));
    let missing = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "9.9.9",
            "--reason",
            "x",
            "--json",
        ],
        1,
    );
    assert_eq!(missing["code"], "release.not_found");
    let out = env.run(&["-C", r.root_str(), "release", "rollback", "1.0.0"]);
    assert_code(&out, 1);
}

#[test]
fn a_confirmed_cut_refuses_when_head_moved_since_the_plan() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: one");
    let shown = cut(&env, &r, &["--dry-run"], 0);
    let head = shown["head"].as_str().unwrap().to_string();
    assert_eq!(head, r.head());
    assert_eq!(shown["releases"][0]["tag"], "v1.0.1");

    // A feature lands between the dry run and the confirmation.
    r.change("src/lib.rs", "feat: two");
    let moved = r.head();
    let v = cut(&env, &r, &["--expect-head", &head, "--expect-tag", "v1.0.1"], 1);
    assert_eq!(v["code"], "release.plan_changed", "{v}");
    assert!(v["hint"].is_string());
    assert_eq!(r.head(), moved, "nothing was committed");
    assert!(r.repo.find_reference("refs/tags/v1.0.1").is_err());
    assert!(r.repo.find_reference("refs/tags/v1.1.0").is_err());

    // HEAD as shown but other tags planned (the dry run was a patch).
    let v = cut(&env, &r, &["--expect-head", &moved, "--expect-tag", "v1.0.1"], 1);
    assert_eq!(v["code"], "release.plan_changed", "{v}");
    assert!(v["message"].as_str().unwrap().contains("v1.1.0"), "{v}");

    // The plan that is on screen now is cut.
    let out = cut(&env, &r, &["--expect-head", &moved, "--expect-tag", "v1.1.0"], 0);
    assert_eq!(out["releases"][0]["tag"], "v1.1.0");
    assert_eq!(out["head"], moved.as_str());
}
