//! `shipdeck activity`: the jobs list and the audit log with its filters
//! (user, area, dates, every workspace) and its CSV output, against entries
//! two OS users wrote into one data folder.

use std::process::{Output, Stdio};

use crate::util::{assert_code, text, Env, Repo};

const BLUEPRINT: &str = "description = \"A note\"\n[[variables]]\nname = \"name\"\nprompt = \"Name\"\n";

/// A workspace with a blueprint, so `blueprint new` writes an audit entry.
fn workspace(env: &Env) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("blueprints/note/blueprint.toml", BLUEPRINT);
    repo.write("blueprints/note/files/notes/{{ name }}.txt", "{{ name }}\n");
    repo.commit("init");
    repo
}

fn run_as(env: &Env, user: &str, args: &[&str]) -> Output {
    env.cmd()
        .env("USER", user)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// alice generates a file in the workspace; bob creates a demo (no workspace).
fn two_users(env: &Env) -> Repo {
    let repo = workspace(env);
    let made = run_as(
        env,
        "alice",
        &[
            "-C",
            repo.root_str(),
            "blueprint",
            "new",
            "note",
            "--set",
            "name=first",
            "--json",
        ],
    );
    assert_code(&made, 0);
    let demo = env.path("demo");
    let made = run_as(env, "bob", &["demo", "create", demo.to_str().unwrap(), "--json"]);
    assert_code(&made, 0);
    repo
}

fn audit(env: &Env, repo: &Repo, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["-C", repo.root_str(), "activity", "--audit", "--json"];
    args.extend_from_slice(extra);
    let v = env.json(&args, 0);
    v["audit"].as_array().unwrap().clone()
}

fn actions(entries: &[serde_json::Value]) -> Vec<&str> {
    entries.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

#[test]
fn audit_filters_by_user_area_and_date_across_workspaces() {
    let env = Env::new();
    let repo = two_users(&env);
    // This workspace: alice's entry only, with who, where and what.
    let here = audit(&env, &repo, &[]);
    assert_eq!(actions(&here), ["blueprint.create"]);
    let e = &here[0];
    assert_eq!(e["user"], "alice");
    assert_eq!(e["actor"], "alice");
    assert_eq!(e["area"], "blueprints");
    assert!(e["host"].as_str().is_some_and(|h| !h.is_empty()), "{e}");
    for k in ["id", "at", "workspace_id", "detail", "target", "outcome"] {
        assert!(e.get(k).is_some(), "{k} missing: {e}");
    }
    // Every workspace: both, newest first.
    assert_eq!(
        actions(&audit(&env, &repo, &["--all"])),
        ["demo.create", "blueprint.create"]
    );
    assert_eq!(
        actions(&audit(&env, &repo, &["--all", "--user", "bob"])),
        ["demo.create"]
    );
    assert_eq!(
        actions(&audit(&env, &repo, &["--all", "--area", "blueprints"])),
        ["blueprint.create"]
    );
    assert!(audit(&env, &repo, &["--all", "--user", "bob", "--area", "blueprints"]).is_empty());
    assert!(audit(&env, &repo, &["--user", "bob"]).is_empty());
    // Dates: a window around today holds both; one that ended before has none.
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let window = ["--all", "--since", &today, "--until", &today];
    assert_eq!(audit(&env, &repo, &window).len(), 2);
    let past = [
        "--all",
        "--since",
        "2020-01-01",
        "--until",
        "2020-01-02T00:00:00Z",
    ];
    assert!(audit(&env, &repo, &past).is_empty());
    let hostile = ["--all", "--user", "alice' OR '1'='1"];
    assert!(audit(&env, &repo, &hostile).is_empty());
}

#[test]
fn audit_csv_has_the_export_columns_and_parses() {
    let env = Env::new();
    let repo = two_users(&env);
    let out = env.run(&["-C", repo.root_str(), "activity", "--audit", "--all", "--csv"]);
    assert_code(&out, 0);
    let csv_text = text(&out.stdout);
    let mut lines = csv_text.lines();
    assert_eq!(
        lines.next(),
        Some("id,at,user,host,workspace,area,action,target,outcome,detail")
    );
    // The detail is JSON with commas and quotes: the CSV quotes it, so each
    // row still has ten cells once parsed.
    let rows = parse_csv(&csv_text);
    assert_eq!(rows.len(), 3, "{csv_text}");
    assert!(rows.iter().all(|r| r.len() == 10), "{rows:?}");
    assert_eq!(
        (rows[1][2].as_str(), rows[1][5].as_str(), rows[1][6].as_str()),
        ("bob", "demo", "demo.create")
    );
    assert_eq!(
        (rows[2][2].as_str(), rows[2][6].as_str()),
        ("alice", "blueprint.create")
    );
    assert!(rows[2][1].ends_with('Z'), "RFC 3339 UTC: {}", rows[2][1]);
    let detail: serde_json::Value = serde_json::from_str(&rows[2][9]).unwrap();
    assert_eq!(detail["blueprint"], "note");
    // CSV and JSON are two outputs of one list: not both.
    let both = env.run(&["-C", repo.root_str(), "activity", "--audit", "--csv", "--json"]);
    assert_code(&both, 1);
}

#[test]
fn a_bad_date_is_a_usage_error_with_a_hint() {
    let env = Env::new();
    let repo = workspace(&env);
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "activity",
            "--audit",
            "--since",
            "last tuesday",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "activity.bad_date");
    assert!(v["hint"].as_str().unwrap().contains("YYYY-MM-DD"), "{v}");
    let out = env.run(&[
        "-C",
        repo.root_str(),
        "activity",
        "--audit",
        "--until",
        "2026-02-30",
    ]);
    assert_code(&out, 1);
    assert!(
        text(&out.stderr).contains("error[activity.bad_date]"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn jobs_list_is_per_workspace_unless_all() {
    let env = Env::new();
    let repo = workspace(&env);
    let other = Repo::init(&env.path("other"));
    assert_code(
        &env.run(&["-C", repo.root_str(), "workspace", "scan", "--json"]),
        0,
    );
    let here = env.json(&["-C", repo.root_str(), "activity", "--json"], 0);
    let jobs = here["jobs"].as_array().unwrap();
    assert!(!jobs.is_empty(), "{here}");
    let ws = jobs[0]["workspace_id"].clone();
    assert!(jobs.iter().all(|j| j["workspace_id"] == ws), "{here}");
    let there = env.json(&["-C", other.root.to_str().unwrap(), "activity", "--json"], 0);
    assert!(
        there["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["workspace_id"] != ws),
        "{there}"
    );
    let all = env.json(
        &["-C", other.root.to_str().unwrap(), "activity", "--all", "--json"],
        0,
    );
    assert!(
        all["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["workspace_id"] == ws),
        "{all}"
    );
}

/// RFC 4180, enough for these rows: quoted cells with "" and newlines.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}
