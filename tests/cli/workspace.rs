use crate::util::{assert_code, text, Env, Repo};

fn sample(env: &Env) -> Repo {
    let mut r = Repo::init(&env.path("app"));
    r.write("Cargo.toml", "[package]\nname = \"app\"\n");
    r.write("web/package.json", "{}");
    r.write("web/yarn.lock", "");
    r.write(
        "migrations/20240101000000_init.sql",
        "CREATE TABLE t (id INTEGER);\n",
    );
    r.commit("feat: initial");
    r.tag("v1.0.0");
    r.write("src.txt", "a");
    r.commit("fix: one");
    r.write("src.txt", "b");
    r.commit("feat(api): two");
    r
}

#[test]
fn info_json_has_the_documented_keys_and_values() {
    let env = Env::new();
    let r = sample(&env);
    let head = r.repo.head().unwrap().peel_to_commit().unwrap().id().to_string();
    let v = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(v["root"], r.root_str());
    assert_eq!(v["branch"], "main");
    assert_eq!(v["head"], head);
    assert_eq!(v["dirty"], false);
    assert_eq!(v["last_tag"], "v1.0.0");
    assert_eq!(v["commits_since_tag"], 2);
    assert_eq!(v["ecosystems"], serde_json::json!(["cargo", "yarn"]));
    assert_eq!(v["migration_folders"][0]["path"], "migrations");
    assert_eq!(v["head_commit"]["subject"], "feat(api): two");
    assert_eq!(v["config"]["present"], false);
}

#[test]
fn global_flags_work_after_the_subcommand() {
    let env = Env::new();
    let r = sample(&env);
    let v = env.json(&["workspace", "info", "--json", "-C", r.root_str()], 0);
    assert_eq!(v["branch"], "main");
}

#[test]
fn dirty_files_are_counted_untracked_included_ignored_excluded() {
    let env = Env::new();
    let r = sample(&env);
    r.write(".gitignore", "target/\n");
    r.write("src.txt", "changed");
    r.write("target/out.bin", "x");
    let v = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(v["dirty"], true);
    assert_eq!(v["dirty_files"], 2, "src.txt and .gitignore");
}

#[test]
fn detached_head_has_no_branch() {
    let env = Env::new();
    let r = sample(&env);
    let first = r.repo.revparse_single("v1.0.0^{commit}").unwrap().id();
    r.repo.set_head_detached(first).unwrap();
    let v = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(v["branch"], serde_json::Value::Null);
    assert_eq!(v["detached"], true);
    assert_eq!(v["commits_since_tag"], 0);
    let human = env.run(&["-C", r.root_str(), "workspace", "info"]);
    assert!(text(&human.stdout).contains(&format!("detached at {}", &first.to_string()[..7])));
}

#[test]
fn repository_without_commits_has_null_head() {
    let env = Env::new();
    let r = Repo::init(&env.path("empty"));
    let v = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(v["head"], serde_json::Value::Null);
    assert_eq!(v["branch"], "main");
    assert_eq!(v["commits_since_tag"], 0);
    assert_eq!(v["last_tag"], serde_json::Value::Null);
}

#[test]
fn newest_reachable_version_tag_wins_over_a_higher_unreachable_one() {
    let env = Env::new();
    let mut r = sample(&env);
    // v9.9.9 on a branch that HEAD does not contain.
    let main = r.repo.head().unwrap().peel_to_commit().unwrap().id();
    r.write("x.txt", "side");
    r.commit("feat: side");
    r.tag("v9.9.9");
    let main = r.repo.find_object(main, None).unwrap();
    r.repo.reset(&main, git2::ResetType::Hard, None).unwrap();
    r.tag("v1.1.0");
    let v = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(v["last_tag"], "v1.1.0");
    assert_eq!(v["commits_since_tag"], 0);
}

#[test]
fn invalid_config_is_reported_with_line_and_hint_but_info_still_works() {
    let env = Env::new();
    let r = sample(&env);
    r.write(
        "shipdeck.toml",
        "[workspace]\nname = \"x\"\nrelease_brnch = \"main\"\n",
    );
    let v = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(v["config"]["valid"], false);
    assert_eq!(v["config"]["error"]["code"], "config.invalid");
    assert!(
        v["config"]["error"]["message"].as_str().unwrap().contains(":3:"),
        "{v}"
    );
    assert!(v["config"]["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("release_branch"));
}

#[test]
fn a_broken_config_fails_the_commands_that_need_it_with_config_invalid() {
    let env = Env::new();
    let r = sample(&env);
    // A typo on line 3: nothing may fall back to the defaults.
    r.write(
        "shipdeck.toml",
        "[workspace]\nname = \"x\"\nrelease_brnch = \"main\"\n",
    );
    let commands: [&[&str]; 5] = [
        &["release", "plan", "--json"],
        &["advisor", "run", "--json"],
        &["env", "parity", "--json"],
        &["env", "doctor", "--json"],
        &["migrate", "status", "--json"],
    ];
    for args in commands {
        let mut full = vec!["-C", r.root_str()];
        full.extend_from_slice(args);
        let v = env.json(&full, 1);
        assert_eq!(v["code"], "config.invalid", "{args:?}: {v}");
        let message = v["message"].as_str().unwrap();
        assert!(message.contains("shipdeck.toml:3:"), "{args:?}: {message}");
        assert!(v["hint"].as_str().unwrap().contains("release_branch"), "{v}");
    }
    // The workspace itself still opens, showing the same error.
    let info = env.json(&["-C", r.root_str(), "workspace", "info", "--json"], 0);
    assert_eq!(info["config"]["error"]["code"], "config.invalid");
}

#[test]
fn scan_is_recorded_in_activity_and_charted() {
    let env = Env::new();
    let r = sample(&env);
    let stats = env.json(&["-C", r.root_str(), "workspace", "scan", "--json"], 0);
    assert_eq!(stats["commits"], 3);
    let weekly = stats["weekly"].as_array().unwrap();
    assert_eq!(weekly.len(), 26);
    assert_eq!(
        weekly.iter().map(|w| w["commits"].as_u64().unwrap()).sum::<u64>(),
        3
    );
    let types: Vec<_> = stats["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types, ["feat", "fix"]);

    let activity = env.json(&["-C", r.root_str(), "activity", "--json"], 0);
    let job = &activity["jobs"][0];
    assert_eq!(job["kind"], "workspace_scan");
    assert_eq!(job["outcome"], "succeeded");
    assert_eq!(job["summary"], "3 commits by 1 author");

    let svg = env.path("chart.svg");
    let out = env.run(&[
        "-C",
        r.root_str(),
        "workspace",
        "chart",
        "--theme",
        "dark",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_code(&out, 0);
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("#60A5FA"));
}

#[test]
fn chart_before_any_scan_is_a_clear_user_error() {
    let env = Env::new();
    let r = sample(&env);
    let out = env.run(&["-C", r.root_str(), "workspace", "chart"]);
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("run `shipdeck workspace scan` first"));
}

#[test]
fn info_into_a_closed_pipe_ends_quietly() {
    // Regression: `shipdeck … | head` panicked on the broken pipe.
    let env = Env::new();
    let r = sample(&env);
    let mut child = env
        .cmd()
        .args(["-C", r.root_str(), "workspace", "info", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
}
