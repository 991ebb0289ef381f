//! `shipdeck ready`: the release readiness gate over real workspaces — the
//! demo, SQLite migrations (pending, irreversible, linted, drifted), a
//! PostgreSQL advisor run, live health servers on 127.0.0.1, imported
//! benchmark runs — and the exact JSON contract.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::Output;

use crate::util::{assert_code, text, Env, Repo};

/// A workspace with a SQLite database whose migrations live in `migrations/`.
fn workspace(env: &Env, extra_config: &str) -> Repo {
    let mut repo = Repo::init(&env.path("app"));
    repo.write(
        "shipdeck.toml",
        &format!("[workspace]\nname = \"app\"\n\n[databases.main]\nurl = \"sqlite://data/app.db\"\nmigrations = \"migrations\"\n{extra_config}"),
    );
    repo.write(".gitignore", "data/\n");
    std::fs::create_dir_all(repo.root.join("data")).unwrap();
    repo.write(
        "migrations/20260101000000_create_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n",
    );
    repo.write(
        "migrations/20260101000000_create_users.down.sql",
        "DROP TABLE users;\n",
    );
    repo.commit("feat: users");
    repo
}

fn ready(env: &Env, repo: &Repo) -> (Output, serde_json::Value) {
    let out = env.run(&["-C", repo.root_str(), "ready", "--json"]);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", text(&out.stdout), text(&out.stderr)));
    (out, v)
}

fn check<'a>(v: &'a serde_json::Value, area: &str) -> &'a serde_json::Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"] == area)
        .unwrap_or_else(|| panic!("no {area} check: {v:#}"))
}

fn status<'a>(v: &'a serde_json::Value, area: &str) -> &'a str {
    check(v, area)["status"].as_str().unwrap()
}

fn summary<'a>(v: &'a serde_json::Value, area: &str) -> &'a str {
    check(v, area)["summary"].as_str().unwrap()
}

fn keys(v: &serde_json::Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn migrate_up(env: &Env, repo: &Repo) {
    assert_code(&env.run(&["-C", repo.root_str(), "migrations", "up"]), 0);
}

/// The verdict decides the exit code: 1 on `fail` only.
fn assert_exit_matches(out: &Output, v: &serde_json::Value) {
    let code = if v["verdict"] == "fail" { 1 } else { 0 };
    assert_code(out, code);
}

#[test]
fn the_demo_gate_judges_every_operations_area_without_an_error() {
    // The demo with its registries on local servers (no network in tests).
    let demo = crate::ready_artifacts::Demo::new();
    let (out, v, _) = demo.ready();
    assert_exit_matches(&out, &v);
    // The JSON contract, exactly.
    assert_eq!(keys(&v), BTreeSet::from(["verdict", "candidate", "checks"]));
    assert_eq!(keys(&v["candidate"]), BTreeSet::from(["version", "commit"]));
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 11);
    for c in checks {
        assert_eq!(keys(c), BTreeSet::from(["area", "status", "summary", "command"]));
        assert!(c["command"].as_str().unwrap().starts_with("shipdeck "), "{c}");
        assert!(!c["summary"].as_str().unwrap().contains("timed out"), "{c}");
    }
    assert_eq!(v["candidate"]["version"], "1.5.0", "{v:#}");
    assert_eq!(v["candidate"]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(status(&v, "releases"), "pass", "{v:#}");
    // The demo's deliberate mistakes only warn ([readiness.checks] in its shipdeck.toml).
    assert_eq!(status(&v, "migrations"), "warn", "{v:#}");
    assert!(summary(&v, "migrations").contains("pending on main"), "{v:#}");
    assert_eq!(status(&v, "environments"), "warn", "{v:#}");
    assert_eq!(status(&v, "advisor"), "skipped");
    assert_eq!(summary(&v, "advisor"), "no advisor run yet: shipdeck advisor run");
    assert_eq!(status(&v, "benchmarks"), "skipped");
    assert_eq!(
        check(&v, "migrations")["command"],
        "shipdeck migrations status --database main"
    );
    assert_ne!(v["verdict"], "fail", "{v:#}");

    // The table: a row per area, then the verdict.
    let out = demo
        .env
        .cmd()
        .env("HOME", &demo.home)
        .env("CARGO_HOME", demo.home.join(".cargo"))
        .args(["-C", demo.repo.root_str(), "ready"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let table = text(&out.stdout);
    assert!(
        table.contains("releases") && table.contains("shipdeck releases plan"),
        "{table}"
    );
    assert!(table.contains("verdict: warn"), "{table}");
}

#[test]
fn pending_migrations_warn_when_reversible_and_fail_when_irreversible() {
    let env = Env::new();
    let mut repo = workspace(&env, "");
    migrate_up(&env, &repo);
    let (out, v) = ready(&env, &repo);
    assert_exit_matches(&out, &v);
    assert_eq!(status(&v, "migrations"), "pass", "{v:#}");

    repo.write(
        "migrations/20260102000000_add_name.up.sql",
        "ALTER TABLE users ADD COLUMN name TEXT;\n",
    );
    repo.write(
        "migrations/20260102000000_add_name.down.sql",
        "ALTER TABLE users DROP COLUMN name;\n",
    );
    repo.commit("feat: names");
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "migrations"), "warn", "{v:#}");
    assert_eq!(summary(&v, "migrations"), "1 pending on main");
    assert_exit_matches(&out, &v);
    assert_code(&out, 0);

    repo.write(
        "migrations/20260103000000_audit.sql",
        "CREATE TABLE audit (at TEXT);\n",
    );
    repo.commit("feat: audit");
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "migrations"), "fail", "{v:#}");
    assert!(summary(&v, "migrations").contains("irreversible"), "{v:#}");
    assert_eq!(v["verdict"], "fail");
    assert_code(&out, 1);
}

#[test]
fn a_lint_error_fails_migrations() {
    let env = Env::new();
    let mut repo = workspace(&env, "");
    migrate_up(&env, &repo);
    repo.write(
        "migrations/20260102000000_rename.up.sql",
        "ALTER TABLE users RENAME COLUMN email TO mail;\n",
    );
    repo.write(
        "migrations/20260102000000_rename.down.sql",
        "ALTER TABLE users RENAME COLUMN mail TO email;\n",
    );
    repo.commit("feat: rename");
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "migrations"), "fail", "{v:#}");
    assert!(summary(&v, "migrations").contains("lint error"), "{v:#}");
    assert_code(&out, 1);
}

#[test]
fn checksum_drift_fails_migrations() {
    let env = Env::new();
    let mut repo = workspace(&env, "");
    migrate_up(&env, &repo);
    repo.write(
        "migrations/20260101000000_create_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, extra TEXT);\n",
    );
    repo.commit("fix: users");
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "migrations"), "fail", "{v:#}");
    assert!(
        summary(&v, "migrations").contains("changed after applying"),
        "{v:#}"
    );
    assert_code(&out, 1);
}

#[test]
fn readiness_checks_warn_and_off_weigh_the_areas() {
    let env = Env::new();
    let mut repo = workspace(
        &env,
        "\n[readiness.checks]\nmigrations = \"warn\"\nbenchmarks = \"off\"\n",
    );
    repo.write(
        "migrations/20260102000000_audit.sql",
        "CREATE TABLE audit (at TEXT);\n",
    );
    repo.commit("feat: audit");
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "migrations"), "warn", "{v:#}");
    assert!(summary(&v, "migrations").contains("irreversible"), "{v:#}");
    assert_eq!(status(&v, "benchmarks"), "skipped");
    assert_eq!(summary(&v, "benchmarks"), "turned off in [readiness.checks]");
    assert_ne!(v["verdict"], "fail");
    assert_code(&out, 0);
}

#[test]
fn an_unknown_area_in_readiness_checks_is_a_typed_error() {
    let env = Env::new();
    let repo = workspace(&env, "\n[readiness.checks]\nmigration = \"warn\"\n");
    let out = env.run(&["-C", repo.root_str(), "ready", "--json"]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "readiness.bad_config", "{v:#}");
    assert!(v["message"].as_str().unwrap().contains("migrations"), "{v:#}");
    assert!(v["hint"].is_string());
}

#[test]
fn an_unreachable_database_fails_its_area_with_the_message_and_hint() {
    let env = Env::new();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut repo = Repo::init(&env.path("app"));
    repo.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"env:APP_DB_URL\"\nmigrations = \"migrations\"\n",
    );
    repo.write("migrations/20260101000000_a.sql", "CREATE TABLE a (id int);\n");
    repo.commit("feat: a");
    let url = format!("postgres://app:s3cr3t-pw@127.0.0.1:{closed}/app");
    let run = |json: bool| {
        let mut args = vec!["-C", repo.root_str(), "ready"];
        if json {
            args.push("--json");
        }
        env.cmd()
            .args(&args)
            .env("APP_DB_URL", &url)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(true);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status(&v, "migrations"), "fail", "{v:#}");
    assert!(
        summary(&v, "migrations").contains("database unreachable"),
        "{v:#}"
    );
    let out = run(false);
    assert_code(&out, 1);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("  migrations: Check that the server runs"),
        "the hint is shown: {all}"
    );
    assert!(!all.contains("s3cr3t-pw"), "{all}");
}

/// A health endpoint on 127.0.0.1 that reports `version`, until dropped.
fn health_server(
    version: &'static str,
) -> (
    u16,
    std::thread::JoinHandle<()>,
    std::sync::Arc<tiny_http::Server>,
) {
    let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let s = server.clone();
    let handle = std::thread::spawn(move || {
        for req in s.incoming_requests() {
            let body = format!("{{\"status\":\"UP\",\"version\":\"{version}\"}}");
            let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
            let _ = req.respond(tiny_http::Response::from_string(body).with_header(header));
        }
    });
    (port, handle, server)
}

fn env_workspace(env: &Env, staging: u16, production: u16) -> Repo {
    let mut repo = Repo::init(&env.path("app"));
    repo.write(
        "shipdeck.toml",
        &format!(
            "[environments.staging]\nfiles = [\".env.staging\"]\nhealth_url = \"http://127.0.0.1:{staging}/health\"\nhealth_timeout = \"2s\"\n\n\
             [environments.production]\nfiles = [\".env.production\"]\nhealth_url = \"http://127.0.0.1:{production}/health\"\nhealth_timeout = \"2s\"\n"
        ),
    );
    repo.write(".env.staging", "PORT=8080\n");
    repo.write(".env.production", "PORT=8080\n");
    repo.commit("feat: environments");
    repo
}

#[test]
fn environments_warn_on_version_drift_and_fail_when_one_is_down() {
    let env = Env::new();
    let (a, _ta, sa) = health_server("1.2.0");
    let (b, _tb, sb) = health_server("1.2.0");
    let repo = env_workspace(&env, a, b);
    let (_, v) = ready(&env, &repo);
    assert_eq!(status(&v, "environments"), "pass", "{v:#}");
    sb.unblock();
    drop(sb);

    let (c, _tc, sc) = health_server("1.1.0");
    let env2 = Env::new();
    let repo2 = env_workspace(&env2, a, c);
    let (out, v) = ready(&env2, &repo2);
    assert_eq!(status(&v, "environments"), "warn", "{v:#}");
    assert!(summary(&v, "environments").contains("version drift"), "{v:#}");
    assert_exit_matches(&out, &v);

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env3 = Env::new();
    let repo3 = env_workspace(&env3, a, closed);
    let (out, v) = ready(&env3, &repo3);
    assert_eq!(status(&v, "environments"), "fail", "{v:#}");
    assert!(summary(&v, "environments").contains("production down"), "{v:#}");
    assert_code(&out, 1);
    sa.unblock();
    sc.unblock();
}

/// A hyperfine export whose one command took `times` seconds.
fn hyperfine(times: &[f64]) -> String {
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    serde_json::json!({ "results": [{
        "command": "build", "mean": mean, "stddev": 0.001, "median": mean,
        "user": 0.0, "system": 0.0, "min": 0.0, "max": 1.0, "times": times, "exit_codes": vec![0; times.len()]
    }]})
    .to_string()
}

#[test]
fn a_benchmark_regression_since_the_last_release_fails() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("app"));
    repo.write("src/a.txt", "a\n");
    repo.commit("feat: a");
    repo.tag("v1.0.0");
    let root = repo.root_str().to_string();
    let import = |name: &str, times: &[f64]| {
        std::fs::write(env.path(name), hyperfine(times)).unwrap();
        let file = env.path(name);
        assert_code(
            &env.run(&["-C", &root, "bench", "import", file.to_str().unwrap()]),
            0,
        );
    };
    let base: Vec<f64> = (0..30)
        .map(|i| 1.0 + 0.01 * ((i * 7 % 11) as f64 - 5.0) / 5.0)
        .collect();
    import("base.json", &base);
    let (_, v) = ready(&env, &repo);
    assert_eq!(status(&v, "benchmarks"), "pass", "{v:#}");

    repo.change("src/a.txt", "perf: oops");
    let slower: Vec<f64> = base.iter().map(|t| t * 1.25).collect();
    import("slow.json", &slower);
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "benchmarks"), "fail", "{v:#}");
    assert!(
        summary(&v, "benchmarks").contains("regression against v1.0.0"),
        "{v:#}"
    );
    assert_eq!(v["verdict"], "fail");
    assert_code(&out, 1);
}

#[test]
fn a_critical_advisor_finding_fails_the_gate() {
    let db = shipdeck_testkit::postgres::server().database("ready_adv");
    db.exec(
        "CREATE TABLE invoices (id serial PRIMARY KEY, amount int);
         SELECT setval('invoices_id_seq', 2000000000);",
    );
    let env = Env::new();
    let mut repo = Repo::init(&env.path("app"));
    repo.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"env:APP_DB_URL\"\nmigrations = \"db/migrations\"\n",
    );
    repo.write("db/migrations/.keep", "");
    repo.commit("feat: db");
    let run = |args: &[&str]| {
        env.cmd()
            .arg("-C")
            .arg(repo.root_str())
            .args(args)
            .env("APP_DB_URL", &db.url)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["ready", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status(&v, "advisor"), "skipped", "{v:#}");
    run(&["advisor", "run", "--json"]);
    let out = run(&["ready", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status(&v, "advisor"), "fail", "{v:#}");
    assert!(summary(&v, "advisor").contains("critical"), "{v:#}");
    assert_code(&out, 1);
}

#[test]
fn a_dirty_tree_is_a_release_refusal() {
    let env = Env::new();
    let repo = workspace(&env, "");
    migrate_up(&env, &repo);
    repo.write("notes.txt", "not committed\n");
    let (out, v) = ready(&env, &repo);
    assert_eq!(status(&v, "releases"), "fail", "{v:#}");
    assert!(summary(&v, "releases").contains("notes.txt"), "{v:#}");
    assert_code(&out, 1);
}
