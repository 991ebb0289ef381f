use super::*;
use crate::util::text;

#[test]
fn a_run_on_the_demo_rolls_back_deploy_database_and_release_and_verifies() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    let port = free_port().to_string();
    std::fs::write(dir.join("scripts/serve.py"), SERVE_PY).unwrap();
    std::fs::write(dir.join("scripts/restart.py"), RESTART_PY).unwrap();
    edit_config(&dir, |t| {
        t.replacen(
            "http://127.0.0.1:8002/health",
            &format!("http://127.0.0.1:{port}/health"),
            1,
        )
        .replacen(
            "rollback = \"sh scripts/rollback.sh {environment} {previous_version}\"",
            &format!("rollback = \"python3 scripts/restart.py {{previous_version}} {port}\""),
            1,
        )
    });
    commit_all(&dir, "chore: rollback rehearsal scripts");
    // The demo's unreleased features (with their migrations) first, then a
    // patch release adding one reversible migration.
    let base = env.json(&["-C", d, "release", "cut", "--json"], 0);
    let previous = base["releases"][0]["version"].as_str().unwrap().to_string();
    assert_eq!(previous, "1.5.0");
    let new = release_with_migration(
        &env,
        &dir,
        "20991231000000_deployments_by_start",
        "CREATE INDEX deployments_by_start ON deployments (started_at);\n",
        Some("DROP INDEX deployments_by_start;\n"),
        "perf(db): index deployments by start",
    );
    assert_eq!(new, "1.5.1");
    migrate_up(&env, &dir);
    assert_eq!(applied(&dir).last(), Some(&20991231000000));
    let _server = HealthServer {
        pidfile: dir.join("data/health.pid"),
    };
    let started = Command::new("python3")
        .args(["scripts/restart.py", &new, &port])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(started.status.success(), "{}", text(&started.stderr));

    let plan = env.json(&["-C", d, "rollback", "plan", "--env", "staging", "--json"], 0);
    assert_eq!(plan["from"], new, "what the health endpoint reports");
    assert_eq!(plan["to"], "1.5.0");
    let db = &plan["steps"][1];
    assert_eq!(db["kind"], "database");
    assert_eq!(db["reversible"], true);
    assert!(db["sql"]
        .as_str()
        .unwrap()
        .contains("DROP INDEX deployments_by_start;"));
    assert!(
        db["description"]
            .as_str()
            .unwrap()
            .contains("recorded when it was released"),
        "{db}"
    );
    assert!(
        db["description"]
            .as_str()
            .unwrap()
            .contains("undo 20991231000000 deployments by start"),
        "{db}"
    );

    let run = env.json(
        &["-C", d, "rollback", "run", "--env", "staging", "--yes", "--json"],
        0,
    );
    assert_eq!(run["completed"], true, "{run}");
    assert_eq!(statuses(&run), vec!["done"; 4]);
    assert!(
        run["steps"][0]["output"]
            .as_str()
            .unwrap()
            .contains("reports 1.5.0"),
        "{run}"
    );
    assert!(run["steps"][3]["output"]
        .as_str()
        .unwrap()
        .contains("staging reports 1.5.0"));

    // The database is at the schema recorded when 1.5.0 was cut.
    let now = applied(&dir);
    assert!(!now.contains(&20991231000000), "{now:?}");
    let migrations = std::fs::read_dir(dir.join("migrations")).unwrap();
    let in_150 = migrations
        .filter_map(|e| e.unwrap().file_name().to_str()?.get(..14)?.parse::<i64>().ok())
        .filter(|v| *v != 20991231000000)
        .max();
    assert_eq!(now.last().copied(), in_150);
    let repo = git2::Repository::open(&dir).unwrap();
    assert!(
        repo.find_reference(&format!("refs/tags/v{new}")).is_err(),
        "the unpushed tag is gone"
    );
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert!(head
        .message()
        .unwrap()
        .starts_with("perf(db): index deployments by start"));

    let audit = env.json(&["-C", d, "activity", "--audit", "--json"], 0);
    let steps: Vec<&serde_json::Value> = audit["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "rollback.step")
        .collect();
    assert_eq!(steps.len(), 4, "{audit}");
    for step in &steps {
        assert_eq!(step["area"], "rollback", "{step}");
        assert_eq!(step["outcome"], "ok", "{step}");
        assert!(step["target"].is_string(), "the environment: {step}");
    }

    // The runbook says when it was last rehearsed; --check sees edits.
    let book = env.json(&["-C", d, "rollback", "runbook", "--write", "--json"], 0);
    assert_eq!(book["written"], true);
    let md = std::fs::read_to_string(dir.join("docs/rollback-procedures.md")).unwrap();
    assert!(
        md.contains("1. Deploy: `python3 scripts/restart.py <PREVIOUS> "),
        "{md}"
    );
    let staging = md
        .split("## staging")
        .nth(1)
        .unwrap()
        .split("## production")
        .next()
        .unwrap();
    assert!(!staging.contains("Last rehearsed: never"), "{staging}");
    assert_code(&env.run(&["-C", d, "rollback", "runbook", "--check"]), 0);
    std::fs::write(
        dir.join("docs/rollback-procedures.md"),
        md.replace("Emergency", "Panic"),
    )
    .unwrap();
    assert_code(&env.run(&["-C", d, "rollback", "runbook", "--check"]), 1);
}

#[test]
fn a_failing_step_stops_the_run_and_says_what_remains() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    edit_config(&dir, |t| {
        t.replace(
            "rollback = \"sh scripts/rollback.sh {environment} {previous_version}\"",
            "rollback = \"sh -c 'echo half-way; exit 3'\"",
        )
    });
    commit_all(&dir, "chore: a rollback that fails");
    let out = env.run(&["-C", d, "rollback", "run", "--env", "production", "--yes"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1. [failed] deploy"), "{stdout}");
    assert!(stdout.contains("half-way"), "{stdout}");
    assert!(
        stdout.contains("done: []; remaining: [database, release, verify]"),
        "{stdout}"
    );
    let run = env.json(
        &[
            "-C",
            d,
            "rollback",
            "run",
            "--env",
            "production",
            "--yes",
            "--json",
        ],
        1,
    );
    assert_eq!(statuses(&run), vec!["failed", "not_run", "not_run", "not_run"]);
    assert_eq!(run["completed"], false);
    let repo = git2::Repository::open(&dir).unwrap();
    assert!(
        repo.find_reference("refs/tags/v1.4.2").is_ok(),
        "the release step never ran"
    );
}

#[test]
fn without_yes_and_without_a_terminal_the_run_is_refused() {
    let env = Env::new();
    let dir = demo(&env);
    let out = env.run(&[
        "-C",
        dir.to_str().unwrap(),
        "rollback",
        "run",
        "--env",
        "staging",
        "--json",
    ]);
    assert_code(&out, 1);
    assert!(text(&out.stdout).contains("pass --yes"), "{}", text(&out.stdout));
}

#[test]
fn a_data_losing_down_migration_needs_allow_data_loss() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    edit_config(&dir, |t| {
        t.replace("verify_timeout = \"1m\"", "verify_timeout = \"1s\"")
            .replacen(
                "rollback = \"sh scripts/rollback.sh {environment} {previous_version}\"",
                "rollback = \"true\"",
                1,
            )
            .replacen("127.0.0.1:8002", &format!("127.0.0.1:{}", free_port()), 1)
    });
    commit_all(&dir, "chore: quick verify");
    release_with_migration(
        &env,
        &dir,
        "20991231000000_probe",
        "CREATE TABLE probe (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE probe;\n"),
        "feat(db): probe table",
    );
    migrate_up(&env, &dir);
    let plan = env.json(&["-C", d, "rollback", "plan", "--env", "staging", "--json"], 0);
    assert_eq!(plan["from"], "1.5.0");
    assert_eq!(plan["steps"][1]["reversible"], false);
    assert!(plan["steps"][1]["description"]
        .as_str()
        .unwrap()
        .contains("DATA LOSS"));
    let refused = env.json(
        &["-C", d, "rollback", "run", "--env", "staging", "--yes", "--json"],
        1,
    );
    assert_eq!(refused["code"], "rollback.data_loss", "{refused}");
    assert!(applied(&dir).contains(&20991231000000), "nothing ran");
    let run = env.json(
        &[
            "-C",
            d,
            "rollback",
            "run",
            "--env",
            "staging",
            "--yes",
            "--allow-data-loss",
            "--json",
        ],
        1,
    );
    assert_eq!(statuses(&run), vec!["done", "done", "done", "failed"], "{run}");
    assert!(!applied(&dir).contains(&20991231000000));
    assert!(run["steps"][3]["output"]
        .as_str()
        .unwrap()
        .contains("did not report 1.4.2"));
}

#[test]
fn a_migration_without_a_down_file_is_named_and_refused() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    release_with_migration(
        &env,
        &dir,
        "20991231000000_backfill",
        "CREATE TABLE backfill (id INTEGER PRIMARY KEY);\n",
        None,
        "feat(db): backfill",
    );
    migrate_up(&env, &dir);
    let plan = env.json(&["-C", d, "rollback", "plan", "--env", "staging", "--json"], 0);
    let db = plan["steps"][1]["description"].as_str().unwrap();
    assert!(
        db.contains("IRREVERSIBLE, no down file: 20991231000000 backfill"),
        "{db}"
    );
    let refused = env.json(
        &[
            "-C",
            d,
            "rollback",
            "run",
            "--env",
            "staging",
            "--yes",
            "--allow-data-loss",
            "--json",
        ],
        1,
    );
    assert_eq!(refused["code"], "rollback.irreversible");
    assert!(refused["hint"].as_str().unwrap().contains("backup"));
}

#[test]
fn a_release_step_that_cannot_run_refuses_the_run_before_the_deploy() {
    let env = Env::new();
    let dir = demo(&env);
    edit_config(&dir, |t| {
        t.replacen(
            "rollback = \"sh scripts/rollback.sh {environment} {previous_version}\"",
            "rollback = \"touch data/deployed\"",
            1,
        )
    });
    // shipdeck.toml is edited and not committed: the release rollback would refuse.
    let refused = env.json(
        &[
            "-C",
            dir.to_str().unwrap(),
            "rollback",
            "run",
            "--env",
            "staging",
            "--yes",
            "--json",
        ],
        1,
    );
    assert_eq!(refused["code"], "release.dirty_tree", "{refused}");
    assert!(!dir.join("data/deployed").exists(), "the deploy never ran");
}
