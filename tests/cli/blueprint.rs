//! `shipdeck blueprint list` and `blueprint new` end to end: the exact
//! JSON shape, dry-run diffs, refusals that write nothing, and the audit
//! entry of a generation.

use crate::util::{assert_code, text, Env, Repo};

const MANIFEST: &str = r#"
description = "A service module"
checklist = "docs/features/{{ name | kebab_case }}.md"

[[variables]]
name = "name"
prompt = "Name"

[[variables]]
name = "tier"
prompt = "Tier"
default = "web"
choices = ["web", "worker"]
"#;

fn repo(env: &Env) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("blueprints/service/blueprint.toml", MANIFEST);
    repo.write(
        "blueprints/service/files/services/{{ name | snake_case }}.txt",
        "{{ name | pascal_case }} ({{ tier }})\n",
    );
    repo.write(
        "blueprints/service/files/docs/features/{{ name | kebab_case }}.md",
        "# {{ name }}\n- [ ] done\n",
    );
    repo.commit("init");
    repo
}

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn list_prints_the_contract_shape_with_workspace_and_shipped_blueprints() {
    let env = Env::new();
    let repo = repo(&env);
    let v = env.json(&["-C", repo.root_str(), "blueprint", "list", "--json"], 0);
    let all = v["blueprints"].as_array().unwrap();
    let names: Vec<_> = all.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["api-endpoint", "frontend-component", "service"]);
    let service = &all[2];
    for k in ["name", "description", "variables"] {
        assert!(keys(service).contains(&k), "{k} missing: {service}");
    }
    assert_eq!(service["source"], "workspace");
    assert_eq!(all[0]["source"], "builtin");
    let tier = &service["variables"][1];
    for k in ["name", "prompt", "default", "choices"] {
        assert!(keys(tier).contains(&k), "{k} missing: {tier}");
    }
    assert_eq!(tier["default"], "web");
    assert_eq!(tier["choices"], serde_json::json!(["web", "worker"]));
    assert_eq!(service["variables"][0]["default"], serde_json::Value::Null);
}

#[test]
fn new_dry_run_prints_a_diff_and_writes_nothing() {
    let env = Env::new();
    let repo = repo(&env);
    let args = [
        "-C",
        repo.root_str(),
        "blueprint",
        "new",
        "service",
        "--set",
        "name=Order Sync",
        "--dry-run",
    ];
    let out = env.run(&args);
    assert_code(&out, 0);
    let diff = text(&out.stdout);
    assert!(diff.contains("+++ b/services/order_sync.txt\n"), "{diff}");
    assert!(diff.contains("+++ b/docs/features/order-sync.md\n"), "{diff}");
    assert!(diff.contains("+OrderSync (web)\n"), "{diff}");
    assert!(!env.path("ws/services").exists());
    assert!(!env.path("ws/docs").exists());
}

#[test]
fn new_writes_every_file_and_records_an_audit_entry() {
    let env = Env::new();
    let repo = repo(&env);
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "blueprint",
            "new",
            "service",
            "--set",
            "name=Order Sync",
            "--set",
            "tier=worker",
            "--json",
        ],
        0,
    );
    assert_eq!(v["written"], true);
    assert_eq!(v["checklist"], "docs/features/order-sync.md");
    let made = std::fs::read_to_string(env.path("ws/services/order_sync.txt")).unwrap();
    assert_eq!(made, "OrderSync (worker)\n");
    assert!(env.path("ws/docs/features/order-sync.md").is_file());
    let audit = env.json(&["-C", repo.root_str(), "activity", "--audit", "--json"], 0);
    let entries: Vec<_> = audit["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "blueprint.create")
        .collect();
    assert_eq!(entries.len(), 1, "{audit}");
    assert!(
        entries[0].to_string().contains("services/order_sync.txt"),
        "{}",
        entries[0]
    );
}

#[test]
fn new_refuses_an_existing_file_and_writes_none_of_the_others() {
    let env = Env::new();
    let repo = repo(&env);
    repo.write("services/order_sync.txt", "mine\n");
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "blueprint",
            "new",
            "service",
            "--set",
            "name=Order Sync",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "blueprints.exists", "{v}");
    assert!(
        !env.path("ws/docs").exists(),
        "the checklist page was not written"
    );
    assert_eq!(
        std::fs::read_to_string(env.path("ws/services/order_sync.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn new_refuses_a_value_outside_choices_with_the_allowed_ones() {
    let env = Env::new();
    let repo = repo(&env);
    let out = env.run(&[
        "-C",
        repo.root_str(),
        "blueprint",
        "new",
        "service",
        "--set",
        "name=A",
        "--set",
        "tier=gpu",
    ]);
    assert_code(&out, 1);
    let err = text(&out.stderr);
    assert!(err.contains("error[blueprints.bad_value]"), "{err}");
    assert!(err.contains("hint: Allowed: web, worker."), "{err}");
    assert!(!env.path("ws/services").exists());
}

#[test]
fn a_missing_variable_is_an_error_without_a_terminal() {
    let env = Env::new();
    let repo = repo(&env);
    let v = env.json(
        &["-C", repo.root_str(), "blueprint", "new", "service", "--json"],
        1,
    );
    assert_eq!(v["code"], "blueprints.missing_variable", "{v}");
    assert_eq!(v["hint"], "Give it with --set name=VALUE.");
    // Piped stdin is no terminal: no question, the same error.
    let out = env.run_with_stdin(
        &["-C", repo.root_str(), "blueprint", "new", "service"],
        "Order Sync\n",
    );
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("blueprints.missing_variable"));
    assert!(!env.path("ws/services").exists());
}

#[test]
fn a_missing_variable_is_asked_for_on_a_terminal_until_allowed() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "blueprints/note/blueprint.toml",
        "description = \"d\"\n[[variables]]\nname = \"name\"\nprompt = \"Note name\"\npattern = \"[A-Za-z ]+\"\n",
    );
    repo.write(
        "blueprints/note/files/{{ name | kebab_case }}.txt",
        "{{ name | snake_case }}\n",
    );
    repo.commit("init");
    // `script` gives the command a real pseudo-terminal fed from our stdin.
    let command = format!(
        "{} -C {} blueprint new note",
        env!("CARGO_BIN_EXE_shipdeck"),
        repo.root_str()
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("SHIPDECK_DATA_DIR", env.data.path())
        .envs(env.store.as_ref().map(|db| ("SHIPDECK_STORE_URL", &db.url)))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the command on a terminal");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"1 bad\nOrder Sync\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{shown}{}", text(&out.stderr));
    assert!(shown.contains("Note name: "), "{shown}");
    assert!(shown.contains("does not match the pattern"), "{shown}");
    assert!(shown.contains("Allowed: values matching [A-Za-z ]+."), "{shown}");
    let made = std::fs::read_to_string(env.path("ws/order-sync.txt")).unwrap();
    assert_eq!(made, "order_sync\n");
}
