use super::{package, plan_json, released_repo};
use crate::util::{Env, Repo};

#[test]
fn plan_json_has_the_documented_shape() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat(api): add search (#12)");
    let plan = plan_json(&env, &r, &[]);
    let p = &plan["packages"][0];
    for key in [
        "name",
        "path",
        "current_version",
        "next_version",
        "bump",
        "reasons",
        "commits",
        "changelog",
    ] {
        assert!(p.get(key).is_some(), "missing {key} in {p}");
    }
    assert_eq!(p["name"], "app");
    assert_eq!(
        (
            p["current_version"].as_str(),
            p["next_version"].as_str(),
            p["bump"].as_str()
        ),
        (Some("1.0.0"), Some("1.1.0"), Some("minor"))
    );
    let c = &p["commits"][0];
    for key in ["sha", "type", "scope", "breaking", "subject"] {
        assert!(c.get(key).is_some(), "missing {key} in {c}");
    }
    assert_eq!(
        (c["type"].as_str(), c["scope"].as_str(), c["subject"].as_str()),
        (Some("feat"), Some("api"), Some("add search"))
    );
    assert!(p["changelog"].as_str().unwrap().starts_with("## [1.1.0] - "));
    assert!(p["reasons"][0]
        .as_str()
        .unwrap()
        .contains("feat(api): add search"));
}

#[test]
fn each_bump_rule() {
    for (message, bump, next) in [
        ("fix: a bug", "patch", Some("1.0.1")),
        ("perf: faster", "patch", Some("1.0.1")),
        ("feat: thing", "minor", Some("1.1.0")),
        ("feat!: breaking thing", "major", Some("2.0.0")),
        ("refactor(core)!: breaking refactor", "major", Some("2.0.0")),
        (
            "fix: x\n\nBREAKING CHANGE: the API changed",
            "major",
            Some("2.0.0"),
        ),
        (
            "fix: x\n\nBREAKING-CHANGE: the API changed",
            "major",
            Some("2.0.0"),
        ),
        ("docs: only docs", "patch", Some("1.0.1")),
        ("chore: only chores", "patch", Some("1.0.1")),
        ("Update README", "none", None),
    ] {
        let env = Env::new();
        let mut r = released_repo(&env);
        r.change("src/lib.rs", message);
        let p = package(&env, &r, &[]);
        assert_eq!(p["bump"], bump, "{message}");
        assert_eq!(p["next_version"].as_str(), next, "{message}");
    }
}

#[test]
fn hidden_types_alone_release_a_patch_as_release_please_does() {
    for message in [
        "chore: tidy",
        "build: new toolchain",
        "test: more cases",
        "refactor: split module",
        "chore(deps): bump serde",
    ] {
        let env = Env::new();
        let mut r = released_repo(&env);
        r.change("src/lib.rs", message);
        let p = package(&env, &r, &[]);
        assert_eq!(
            (p["bump"].as_str(), p["next_version"].as_str()),
            (Some("patch"), Some("1.0.1")),
            "{message}: {p}"
        );
        assert!(p["reasons"].to_string().contains("release-please"), "{p}");
        assert!(p["changelog"]
            .as_str()
            .unwrap()
            .contains("No user-facing changes."));
    }
    // Non-conventional commits alone still make no release.
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "Update README");
    assert_eq!(package(&env, &r, &[])["next_version"], serde_json::Value::Null);
}

#[test]
fn when_no_releasable_skip_waits_for_a_releasable_commit() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.write("shipdeck.toml", "[release]\nwhen_no_releasable = \"skip\"\n");
    r.commit("chore: add config");
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["bump"].as_str(), p["next_version"].as_str()),
        (Some("none"), None)
    );
    assert!(p["reasons"].to_string().contains("when_no_releasable"));
    assert_eq!(p["commits"][0]["type"], "chore");
}

#[test]
fn pre_1_0_policies() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("zero"));
    r.write("VERSION", "0.3.0\n");
    r.commit("feat: start");
    r.tag("v0.3.0");
    r.change("a.txt", "feat!: reshape everything");
    assert_eq!(
        package(&env, &r, &[])["next_version"],
        "1.0.0",
        "release-please default"
    );
    r.write(
        "shipdeck.toml",
        "[release]\nbreaking_pre_1_0 = \"minor\"\nfeature_pre_1_0 = \"patch\"\n",
    );
    r.commit("chore: policy");
    assert_eq!(package(&env, &r, &[])["next_version"], "0.4.0");
    r.write("shipdeck.toml", "[release]\nfeature_pre_1_0 = \"patch\"\n");
    r.commit("chore: policy");
    let env2 = Env::new();
    let mut z = Repo::init(&env2.path("zero2"));
    z.write("shipdeck.toml", "[release]\nfeature_pre_1_0 = \"patch\"\n");
    z.write("VERSION", "0.3.0\n");
    z.commit("feat: start");
    z.tag("v0.3.0");
    z.change("a.txt", "feat: small");
    assert_eq!(package(&env2, &z, &[])["next_version"], "0.3.1");
}

#[test]
fn revert_in_range_cancels_the_reverted_commit() {
    let env = Env::new();
    let mut r = released_repo(&env);
    let feat = r.change("src/lib.rs", "feat: risky");
    r.change(
        "src/lib.rs",
        &format!("Revert \"feat: risky\"\n\nThis reverts commit {feat}.\n"),
    );
    let p = package(&env, &r, &[]);
    assert_eq!(p["bump"], "none", "{p}");
    let commits = p["commits"].as_array().unwrap();
    assert!(commits.iter().all(|c| c["reverted"] == true));
    // Reverting something already released is itself a patch.
    let env = Env::new();
    let mut r = released_repo(&env);
    let old = r
        .repo
        .revparse_single("v1.0.0")
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id();
    r.change(
        "src/lib.rs",
        &format!("Revert \"feat: first\"\n\nThis reverts commit {old}.\n"),
    );
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["bump"].as_str(), p["commits"][0]["type"].as_str()),
        (Some("patch"), Some("revert"))
    );
}

fn entry_lines(p: &serde_json::Value) -> Vec<String> {
    p["changelog"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("- "))
        .map(str::to_string)
        .collect()
}

#[test]
fn squash_merge_bullets_do_not_replace_the_title_type() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change(
        "src/lib.rs",
        "feat: bulk endpoints (#1868)\n\n* fix: cap bulk size\n\n* chore: tidy up\n",
    );
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["bump"].as_str(), p["next_version"].as_str()),
        (Some("minor"), Some("1.1.0")),
        "{p}"
    );
    assert_eq!(p["commits"].as_array().unwrap().len(), 1);
    assert_eq!(p["commits"][0]["type"], "feat");
    let lines = entry_lines(&p);
    assert_eq!(lines.len(), 1, "one entry per commit: {lines:?}");
    assert!(lines[0].starts_with("- bulk endpoints (#1868)"), "{lines:?}");

    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: cap bulk size (#1870)\n\n* feat: a new flag\n");
    r.change("src/lib.rs", "docs: explain caps (#1871)");
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["bump"].as_str(), p["next_version"].as_str()),
        (Some("patch"), Some("1.0.1")),
        "{p}"
    );
    assert_eq!(entry_lines(&p).len(), 1, "the docs commit is hidden");
}

#[test]
fn squash_bullets_are_commits_when_asked_and_merges_are_ignored() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.write("shipdeck.toml", "[release]\nsquash_bullets = true\n");
    r.change("src/lib.rs", "feat(api): bulk endpoints (#73)\n\n* fix(api): cap bulk size\n\n* feat(api)!: new bulk format\n\n* docs: describe it\n");
    let p = package(&env, &r, &[]);
    let kinds: Vec<&str> = p["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["fix", "feat", "docs"]);
    assert_eq!(p["bump"], "major", "the listed breaking commit counts");
    assert!(p["changelog"].as_str().unwrap().contains("(#73)"));

    // A merge commit adds nothing of its own.
    let head = r.repo.head().unwrap().peel_to_commit().unwrap();
    let sig = git2::Signature::now("M", "m@example.com").unwrap();
    let tree = head.tree().unwrap();
    r.repo
        .commit(
            Some("HEAD"),
            &sig,
            &sig,
            "Merge branch 'x'",
            &tree,
            &[&head, &head],
        )
        .unwrap();
    assert_eq!(package(&env, &r, &[])["commits"].as_array().unwrap().len(), 3);
}

#[test]
fn release_as_footer_and_manual_override() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: small\n\nRelease-As: 3.0.0");
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["next_version"].as_str(), p["bump"].as_str()),
        (Some("3.0.0"), Some("major"))
    );
    assert!(p["reasons"][0].as_str().unwrap().starts_with("Release-As: 3.0.0"));

    let v = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "plan",
            "--version",
            "2.5.0",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "cli.usage", "--version needs --reason");
    let p = package(
        &env,
        &r,
        &["--version", "2.5.0", "--reason", "align with the mobile app"],
    );
    assert_eq!(p["next_version"], "2.5.0");
    assert_eq!(p["override_reason"], "align with the mobile app");
    let bad = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "plan",
            "--version",
            "two",
            "--reason",
            "x",
            "--json",
        ],
        1,
    );
    assert_eq!(bad["code"], "release.invalid_version");
}

#[test]
fn detached_head_plans_without_changing_anything() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: one");
    let head = r.repo.head().unwrap().peel_to_commit().unwrap().id();
    r.repo.set_head_detached(head).unwrap();
    let before = std::fs::read(r.root.join(".git/HEAD")).unwrap();
    let p = package(&env, &r, &[]);
    assert_eq!(p["next_version"], "1.0.1");
    assert_eq!(std::fs::read(r.root.join(".git/HEAD")).unwrap(), before);
    assert!(r.repo.statuses(None).unwrap().is_empty());
}

#[test]
fn a_folder_without_config_is_one_package_named_after_it() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("plainproj"));
    r.change("notes.txt", "feat: hello");
    r.tag("v0.2.0");
    r.change("notes.txt", "fix: typo");
    let p = package(&env, &r, &[]);
    assert_eq!(
        (
            p["name"].as_str(),
            p["current_version"].as_str(),
            p["next_version"].as_str()
        ),
        (Some("plainproj"), Some("0.2.0"), Some("0.2.1"))
    );
}

#[test]
fn monorepo_commits_are_attributed_by_path() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("mono"));
    r.write(
        "shipdeck.toml",
        "[[packages]]\nname = \"api\"\npath = \"api\"\nversion_files = [\"api/VERSION\"]\n\n[[packages]]\nname = \"web\"\npath = \"web\"\nversion_files = [\"web/VERSION\"]\n",
    );
    r.write("api/VERSION", "1.0.0\n");
    r.write("web/VERSION", "2.0.0\n");
    r.commit("chore: start");
    r.tag("api-v1.0.0");
    r.tag("web-v2.0.0");
    r.change("api/src.txt", "feat: api feature");
    r.change("web/app.txt", "fix: web fix");
    r.change("README.md", "docs: root only");
    let plan = plan_json(&env, &r, &[]);
    let by_name = |n: &str| {
        plan["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .unwrap()
            .clone()
    };
    let api = by_name("api");
    let web = by_name("web");
    assert_eq!(
        (api["next_version"].as_str(), web["next_version"].as_str()),
        (Some("1.1.0"), Some("2.0.1"))
    );
    assert_eq!(api["commits"].as_array().unwrap().len(), 1);
    assert_eq!(web["commits"][0]["subject"], "web fix");
    assert_eq!(
        api["changelog"]
            .as_str()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .split(" - ")
            .next(),
        Some("## [1.1.0]")
    );
    let only = plan_json(&env, &r, &["--package", "web"]);
    assert_eq!(only["packages"].as_array().unwrap().len(), 1);
    let v = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "plan",
            "--package",
            "nope",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "release.unknown_package");
}

#[test]
fn prereleases_continue_and_graduate() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat: big");
    assert_eq!(
        package(&env, &r, &["--prerelease", "rc"])["next_version"],
        "1.1.0-rc.1"
    );
    r.tag("v1.1.0-rc.1");
    r.change("src/lib.rs", "fix: in rc");
    let p = package(&env, &r, &["--prerelease", "rc"]);
    assert_eq!(
        (p["next_version"].as_str(), p["bump"].as_str()),
        (Some("1.1.0-rc.2"), Some("prerelease"))
    );
    r.tag("v1.1.0-rc.2");
    assert_eq!(
        package(&env, &r, &[])["next_version"],
        "1.1.0",
        "graduates without new commits"
    );
    r.write(
        "shipdeck.toml",
        "[release]\nprerelease = \"rc\"\nwhen_no_releasable = \"skip\"\n",
    );
    r.commit("chore: stay in rc");
    assert_eq!(
        package(&env, &r, &[])["next_version"],
        serde_json::Value::Null,
        "with skip, a chore does not bump rc"
    );
    assert_eq!(package(&env, &r, &["--stable"])["next_version"], "1.1.0");
}

#[test]
fn changelog_command_prints_without_writing() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "feat: second");
    r.tag("v1.1.0");
    r.change("src/lib.rs", "fix: third");
    let all = env.run(&["-C", r.root_str(), "release", "changelog", "--all"]);
    crate::util::assert_code(&all, 0);
    let text = crate::util::text(&all.stdout);
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("## "))
        .map(|l| l.split(" - ").next().unwrap())
        .collect();
    assert_eq!(headings, ["## [Unreleased]", "## [1.1.0]", "## [1.0.0]"]);
    let range = env.run(&[
        "-C",
        r.root_str(),
        "release",
        "changelog",
        "--from",
        "v1.0.0",
        "--to",
        "v1.1.0",
    ]);
    let text = crate::util::text(&range.stdout);
    assert!(
        text.starts_with("## [1.1.0]") && text.contains("second") && !text.contains("third"),
        "{text}"
    );
    assert!(!r.root.join("CHANGELOG.md").exists());
}
