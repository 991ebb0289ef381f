//! `shipdeck store …`: a demo workspace's local history copied into a shared
//! PostgreSQL store and seen there; export and import between data folders;
//! two machines (two data folders, two users) sharing one store; several
//! processes writing at once; a killed process's job marked interrupted.
//! They choose their stores themselves, so they run on local data folders
//! whatever `SHIPDECK_TEST_STORE` says.

use std::process::{Child, Output, Stdio};

use serde_json::Value;

use crate::util::{assert_code, text, Env};

fn run_with(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = env.cmd();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.args(args).stdin(Stdio::null()).output().unwrap()
}

fn json_with(env: &Env, vars: &[(&str, &str)], args: &[&str], code: i32) -> Value {
    let out = run_with(env, vars, args);
    assert_code(&out, code);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

/// A demo workspace with a scan recorded; returns its folder.
fn demo_history(env: &Env, vars: &[(&str, &str)], name: &str) -> String {
    let demo = env.path(name);
    let demo = demo.to_str().unwrap().to_string();
    json_with(env, vars, &["demo", "create", &demo, "--json"], 0);
    json_with(env, vars, &["-C", &demo, "workspace", "scan", "--json"], 0);
    json_with(env, vars, &["-C", &demo, "release", "plan", "--json"], 0);
    json_with(env, vars, &["-C", &demo, "activity", "--json"], 0);
    demo
}

fn jobs(v: &Value) -> Vec<(String, i64, String)> {
    let mut jobs: Vec<_> = v["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j["kind"].as_str().unwrap().to_string(),
                j["started_at"].as_i64().unwrap(),
                j["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    jobs.sort();
    jobs
}

fn data_files(env: &Env) -> Vec<String> {
    std::fs::read_dir(env.data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

#[test]
fn migrate_to_copies_a_demo_history_that_the_shared_store_then_shows() {
    let env = Env::local();
    let demo = demo_history(&env, &[], "demo");
    let local = json_with(&env, &[], &["-C", &demo, "activity", "--json", "--all"], 0);
    let local_audit = json_with(
        &env,
        &[],
        &["-C", &demo, "activity", "--audit", "--json", "--all"],
        0,
    );
    assert!(!jobs(&local).is_empty());

    let db = shipdeck_testkit::postgres::server().database("store_cli");
    let out = run_with(&env, &[], &["store", "migrate-to", &db.url, "--json"]);
    assert_code(&out, 0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["tables"]["job_runs"]["copied"], jobs(&local).len());
    assert_eq!(
        report["tables"]["audit_log"]["copied"],
        local_audit["audit"].as_array().unwrap().len()
    );
    assert!(
        report["next"].as_str().unwrap().contains("shipdeck store use"),
        "{report}"
    );
    let password = reqwest_free_password(&db.url);
    if let Some(password) = password {
        assert!(!text(&out.stdout).contains(&password), "{}", text(&out.stdout));
        assert!(!text(&out.stderr).contains(&password), "{}", text(&out.stderr));
    }
    // The settings are unchanged.
    let status = json_with(&env, &[], &["store", "status", "--json"], 0);
    assert_eq!(status["kind"], "local");

    let shared = [("SHIPDECK_STORE_URL", db.url.as_str())];
    let there = json_with(&env, &shared, &["-C", &demo, "activity", "--json", "--all"], 0);
    assert_eq!(jobs(&there), jobs(&local));
    let there_audit = json_with(
        &env,
        &shared,
        &["-C", &demo, "activity", "--audit", "--json", "--all"],
        0,
    );
    assert_eq!(
        there_audit["audit"].as_array().unwrap().len(),
        local_audit["audit"].as_array().unwrap().len()
    );

    // Again: nothing new to copy.
    let again = json_with(&env, &[], &["store", "migrate-to", &db.url, "--json"], 0);
    for (table, count) in again["tables"].as_object().unwrap() {
        assert_eq!(count["copied"], 0, "{table}");
    }
}

/// The password of a `postgres://user:password@…` URL.
fn reqwest_free_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    userinfo
        .split_once(':')
        .map(|(_, p)| p.to_string())
        .filter(|p| !p.is_empty())
}

#[test]
fn migrate_to_without_local_history_is_refused() {
    let env = Env::local();
    let db = shipdeck_testkit::postgres::server().database("store_none");
    let v = json_with(&env, &[], &["store", "migrate-to", &db.url, "--json"], 1);
    assert_eq!(v["code"], "store.no_local_history");
    assert!(data_files(&env).iter().all(|f| f != "shipdeck.db"));
    let v = json_with(
        &env,
        &[],
        &["store", "migrate-to", "mysql://u:pw@127.0.0.1/x", "--json"],
        1,
    );
    assert_eq!(v["code"], "input.invalid");
    assert!(!v.to_string().contains("pw@"), "{v}");
}

#[test]
fn an_export_imports_into_another_data_folder_once() {
    let from = Env::local();
    let demo = demo_history(&from, &[], "demo");
    let file = from.path("history.json");
    let file = file.to_str().unwrap();
    let v = json_with(&from, &[], &["store", "export", "--output", file, "--json"], 0);
    assert!(v["tables"]["job_runs"].as_u64().unwrap() >= 1, "{v}");
    // To stdout, the export is the only output.
    let out = from.run(&["store", "export"]);
    assert_code(&out, 0);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], "shipdeck-store");

    let to = Env::local();
    let v = json_with(&to, &[], &["store", "import", file, "--json"], 0);
    assert!(v["tables"]["job_runs"]["copied"].as_u64().unwrap() >= 1, "{v}");
    let local = json_with(&from, &[], &["-C", &demo, "activity", "--json", "--all"], 0);
    let imported = json_with(&to, &[], &["-C", &demo, "activity", "--json", "--all"], 0);
    assert_eq!(jobs(&imported), jobs(&local));
    let again = json_with(&to, &[], &["store", "import", file, "--json"], 0);
    for (table, count) in again["tables"].as_object().unwrap() {
        assert_eq!(count["copied"], 0, "{table}");
    }

    let bad = to.path("bad.json");
    std::fs::write(
        &bad,
        r#"{"format":"shipdeck-store","version":1,"store_id":"x","schema":1,"tables":{"nope":[]}}"#,
    )
    .unwrap();
    let v = json_with(&to, &[], &["store", "import", bad.to_str().unwrap(), "--json"], 1);
    assert_eq!(v["code"], "store.bad_export");
}

#[test]
fn two_machines_sharing_a_store_see_each_others_jobs_and_audit() {
    let db = shipdeck_testkit::postgres::server().database("store_two");
    let (alice, bob) = (Env::local(), Env::local());
    let as_alice = [("SHIPDECK_STORE_URL", db.url.as_str()), ("USER", "alice")];
    let as_bob = [("SHIPDECK_STORE_URL", db.url.as_str()), ("USER", "bob")];
    let demo_a = demo_history(&alice, &as_alice, "a");
    let demo_b = demo_history(&bob, &as_bob, "b");
    for (env, vars, demo) in [(&alice, &as_alice, &demo_a), (&bob, &as_bob, &demo_b)] {
        let v = json_with(env, vars, &["-C", demo, "activity", "--json", "--all"], 0);
        let users: std::collections::BTreeSet<&str> = v["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|j| j["user"].as_str())
            .collect();
        assert_eq!(users.into_iter().collect::<Vec<_>>(), ["alice", "bob"], "{v}");
        let v = json_with(
            env,
            vars,
            &["-C", demo, "activity", "--audit", "--json", "--all"],
            0,
        );
        let actors: std::collections::BTreeSet<&str> = v["audit"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["user"].as_str())
            .collect();
        assert_eq!(actors.into_iter().collect::<Vec<_>>(), ["alice", "bob"], "{v}");
        assert!(
            data_files(env).iter().all(|f| !f.starts_with("shipdeck.db")),
            "{:?}",
            data_files(env)
        );
    }
}

#[test]
fn processes_writing_at_once_to_a_shared_store_lose_nothing() {
    let db = shipdeck_testkit::postgres::server().database("store_many");
    let env = Env::local();
    let shared = [("SHIPDECK_STORE_URL", db.url.as_str())];
    let demo = env.path("demo");
    let demo = demo.to_str().unwrap();
    json_with(&env, &shared, &["demo", "create", demo, "--json"], 0);
    let children: Vec<Child> = (0..6)
        .map(|_| {
            env.cmd()
                .env("SHIPDECK_STORE_URL", &db.url)
                .args(["-C", demo, "workspace", "scan", "--json"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_code(&out, 0);
    }
    let v = json_with(&env, &shared, &["-C", demo, "activity", "--json", "--all"], 0);
    let scans = jobs(&v)
        .into_iter()
        .filter(|(k, _, o)| k == "workspace_scan" && o == "succeeded")
        .count();
    assert_eq!(scans, 6, "{v}");
}

#[test]
fn a_killed_process_leaves_its_job_interrupted_once() {
    let db = shipdeck_testkit::postgres::server().database("store_kill");
    let env = Env::local();
    let shared = [("SHIPDECK_STORE_URL", db.url.as_str())];
    let repo = crate::util::Repo::init(&env.path("app"));
    // A server that accepts connections and never answers: the load test
    // runs until it is killed.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/", silent.local_addr().unwrap().port());
    let mut child = env
        .cmd()
        .env("SHIPDECK_STORE_URL", &db.url)
        .args([
            "-C",
            repo.root_str(),
            "bench",
            "http",
            &url,
            "-c",
            "1",
            "-d",
            "120s",
            "--json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = |v: &Value| {
        jobs(v)
            .iter()
            .any(|(k, _, o)| k == "bench_http" && o == "running")
    };
    let mut seen = false;
    for _ in 0..300 {
        let v = json_with(
            &env,
            &shared,
            &["-C", repo.root_str(), "activity", "--json", "--all"],
            0,
        );
        if running(&v) {
            seen = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(seen, "the load test never started");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // Several clients notice at once; one marks it, once: they all report
    // the same end.
    let readers: Vec<Child> = (0..4)
        .map(|_| {
            env.cmd()
                .env("SHIPDECK_STORE_URL", &db.url)
                .args(["-C", repo.root_str(), "activity", "--json", "--all"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ends = std::collections::BTreeSet::new();
    for reader in readers {
        let out = reader.wait_with_output().unwrap();
        assert_code(&out, 0);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let job = v["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["kind"] == "bench_http")
            .cloned()
            .unwrap();
        assert_eq!(job["outcome"], "interrupted", "{job}");
        ends.insert(job["finished_at"].as_i64().unwrap());
    }
    assert_eq!(ends.len(), 1, "marked more than once: {ends:?}");
    drop(silent);
}

#[test]
fn store_use_keeps_the_password_in_the_keyring_and_use_local_goes_back() {
    let db = shipdeck_testkit::postgres::server().database("store_use");
    let env = Env::local();
    let v = json_with(&env, &[], &["store", "use", &db.url, "--json"], 0);
    assert_eq!(v["kind"], "shared");
    assert_eq!(v["reachable"], true, "{v}");
    let settings = std::fs::read_to_string(env.data.path().join("settings.toml")).unwrap();
    if let Some(password) = reqwest_free_password(&db.url) {
        assert!(!v.to_string().contains(&password), "{v}");
        assert!(!settings.contains(&password), "{settings}");
    }
    assert!(settings.contains("store_url"), "{settings}");
    let v = json_with(&env, &[], &["store", "status", "--json"], 0);
    assert_eq!(v["kind"], "shared");
    assert!(data_files(&env).iter().all(|f| !f.starts_with("shipdeck.db")));
    let v = json_with(&env, &[], &["store", "use-local", "--json"], 0);
    assert_eq!(v["kind"], "local");
    let v = json_with(
        &env,
        &[],
        &["store", "use", "postgres://u:pw@127.0.0.1:1/x", "--json"],
        1,
    );
    assert_eq!(v["reachable"], false);
    assert_eq!(v["error"]["code"], "store.unreachable");
    assert!(!v.to_string().contains(":pw@"), "{v}");
}
