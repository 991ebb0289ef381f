use crate::util::{assert_code, text, Env};

const UNTIL: &str = "2026-06-01T12:00:00Z";

#[test]
fn demo_is_deterministic_and_complete() {
    let env = Env::new();
    let a = env.path("a");
    let b = env.path("b");
    let sa = env.json(
        &[
            "demo",
            "create",
            a.to_str().unwrap(),
            "--seed",
            "7",
            "--until",
            UNTIL,
            "--json",
        ],
        0,
    );
    let sb = env.json(
        &[
            "demo",
            "create",
            b.to_str().unwrap(),
            "--seed",
            "7",
            "--until",
            UNTIL,
            "--json",
        ],
        0,
    );
    assert_eq!(sa["head"], sb["head"], "same seed, same history");
    let commits = sa["commits"].as_u64().unwrap();
    assert!((280..=320).contains(&commits), "{commits} commits");
    let tags: Vec<String> = serde_json::from_value(sa["tags"].clone()).unwrap();
    assert_eq!(tags.first().unwrap(), "v0.1.0");
    assert_eq!(tags.last().unwrap(), "v1.4.2");
    assert!(sa["migrations"].as_u64().unwrap() >= 10);

    let info = env.json(&["-C", a.to_str().unwrap(), "workspace", "info", "--json"], 0);
    assert_eq!(info["branch"], "main");
    assert_eq!(info["last_tag"], "v1.4.2");
    assert_eq!(
        info["dirty"], false,
        "env files, data/ and the web build are ignored"
    );
    assert_eq!(info["ecosystems"], serde_json::json!(["cargo", "npm"]));
    assert_eq!(info["config"]["valid"], true);
    for env_file in [".env.development", ".env.staging", ".env.production"] {
        assert!(a.join(env_file).is_file(), "{env_file}");
    }

    // The history has what later areas rely on.
    let repo = git2::Repository::open(&a).unwrap();
    let head = repo.head().unwrap().peel_to_tree().unwrap();
    for committed in [
        "coverage/lcov.info",
        "docs/architecture.md",
        "web/package-lock.json",
    ] {
        assert!(
            head.get_path(std::path::Path::new(committed)).is_ok(),
            "{committed}"
        );
    }
    assert!(
        a.join("web/dist/.vite/manifest.json").is_file(),
        "the web app's build output"
    );
    let origin = repo.find_remote("origin").unwrap();
    assert_eq!(origin.url(), Some("https://github.com/shipdeck-demo/orbit.git"));
    assert!(
        origin.pushurl().unwrap().ends_with(".git/demo-origin.git"),
        "pushes stay on this machine"
    );
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let messages: Vec<String> = walk
        .map(|oid| {
            repo.find_commit(oid.unwrap())
                .unwrap()
                .message()
                .unwrap()
                .to_string()
        })
        .collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(has("BREAKING CHANGE:") && has("BREAKING-CHANGE:"));
    assert!(has("!: "), "a `!` breaking commit");
    assert!(has("Revert \"") && has("This reverts commit"));
    assert!(has("Merge branch"));
    assert!(has("* fix(api): cap bulk size"), "a squash-merge body");
    for kind in ["feat", "fix", "perf", "docs", "chore"] {
        assert!(messages.iter().any(|m| m.starts_with(kind)), "{kind}");
    }
}

#[test]
fn demo_refuses_a_folder_with_files_and_keeps_them() {
    let env = Env::new();
    let dir = env.path("busy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = env.run(&["demo", "create", dir.to_str().unwrap()]);
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("error[demo.target_not_empty]"));
    assert!(text(&out.stderr).contains("hint:"));
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    assert!(!dir.join(".git").exists());
}

#[test]
fn demo_rejects_a_bad_date() {
    let env = Env::new();
    let v = env.json(
        &[
            "demo",
            "create",
            env.path("d").to_str().unwrap(),
            "--until",
            "yesterday",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "input.invalid");
}
