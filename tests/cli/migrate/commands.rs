//! Every command on SQLite (and the ones whose SQL differs on PostgreSQL and
//! MariaDB on those): status, up, down, dry runs, create, baseline, errors.

use super::{error_code, three_migrations, Kind, Ws};
use crate::util::{assert_code, text};

#[test]
fn status_json_has_the_documented_shape() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.migration("4_seed.sql", "INSERT INTO users VALUES (2, 'b@example.com');\n");
    let s = ws.status();
    assert_eq!(s["database"], "main");
    assert_eq!(s["engine"], "sqlite");
    let rows = s["migrations"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let keys = [
        "version",
        "description",
        "reversible",
        "applied",
        "applied_at",
        "execution_ms",
        "checksum",
        "dirty",
    ];
    for k in keys {
        assert!(rows[0].get(k).is_some(), "missing {k}: {}", rows[0]);
    }
    assert_eq!(rows[2]["description"], "index owner");
    assert_eq!(rows[0]["reversible"], true);
    assert_eq!(rows[3]["reversible"], false);
    assert_eq!(rows[0]["applied"], false);
    assert!(rows[0]["applied_at"].is_null() && rows[0]["execution_ms"].is_null());
    assert_eq!(rows[0]["checksum"], "ok");
    // Status is read-only: the database file was not even created.
    assert!(!ws.db.sqlite_file().exists());
    // Nor does it need Shipdeck's own store: a command that reads nothing
    // recorded never opens it.
    assert!(
        !ws.env.data.path().join("shipdeck.db").exists(),
        "status opened the store"
    );

    ws.json(&["up"], 0);
    let s = ws.status();
    let row = &s["migrations"][0];
    assert_eq!(row["applied"], true);
    assert!(row["applied_at"].as_str().unwrap().ends_with('Z'), "{row}");
    assert!(row["execution_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn up_applies_in_order_records_the_run_and_the_audit_entry() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    let r = ws.json(&["up"], 0);
    let versions: Vec<i64> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3]);
    assert!(ws.db.has_table("projects"));
    assert_eq!(ws.db.rows(), [(1, true), (2, true), (3, true)]);
    // Nothing left: a second run is a no-op.
    assert!(ws.json(&["up"], 0)["steps"].as_array().unwrap().is_empty());

    let audit = ws.audit();
    let entry = audit
        .iter()
        .find(|e| e["action"] == "migrate.up")
        .expect("an audit entry");
    assert_eq!(entry["actor"], "dba");
    let detail: serde_json::Value = serde_json::from_str(entry["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["database"], "main");
    assert_eq!(detail["outcome"], "ok");
    assert_eq!(detail["versions"], serde_json::json!([1, 2, 3]));
    let history = ws.json(&["history"], 0);
    assert_eq!(history[0]["action"], "up");
    assert_eq!(history[0]["outcome"], "ok");
}

#[test]
fn up_to_a_version_stops_there() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.json(&["up", "--to", "2"], 0);
    assert_eq!(ws.applied(), [1, 2]);
    let (code, _) = error_code(&ws, &["up", "--to", "9"]);
    assert_eq!(code, "migrations.unknown_version");
}

#[test]
fn dry_runs_print_the_sql_and_change_nothing_on_postgres() {
    let ws = Ws::new(Kind::Postgres);
    three_migrations(&ws);
    let out = ws.run(&["up", "--dry-run"]);
    assert_code(&out, 0);
    let script = text(&out.stdout);
    let users = script.find("CREATE TABLE users").expect("users in the script");
    let index = script
        .find("CREATE INDEX projects_owner")
        .expect("index in the script");
    assert!(users < index, "in order:\n{script}");
    assert!(
        script.contains("-- 1 users (up, in a transaction)\nBEGIN;\n"),
        "{script}"
    );
    assert!(
        !ws.db.has_table("_sqlx_migrations"),
        "a dry run must not even create the table"
    );
    assert!(!ws.db.has_table("users"));

    ws.json(&["up"], 0);
    let out = ws.run(&["down", "--to", "0", "--dry-run"]);
    assert_code(&out, 0);
    let script = text(&out.stdout);
    assert!(
        script.find("DROP INDEX projects_owner").unwrap() < script.find("DROP TABLE users").unwrap(),
        "{script}"
    );
    assert_eq!(ws.applied(), [1, 2, 3], "dry run rolled something back");
    assert!(ws.db.has_table("users"));
    let json = ws.json(&["down", "--dry-run"], 0);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["steps"][0]["version"], 3);
}

#[test]
fn down_by_steps_and_to_a_version_that_stays_applied() {
    let ws = Ws::new(Kind::Postgres);
    three_migrations(&ws);
    ws.migration(
        "4_seed.up.sql",
        "INSERT INTO users VALUES (2, 'b@example.com');\n",
    );
    ws.migration("4_seed.down.sql", "DELETE FROM users WHERE id = 2;\n");
    ws.json(&["up"], 0);
    let r = ws.json(&["down"], 0);
    assert_eq!(r["steps"].as_array().unwrap().len(), 1, "one step by default");
    assert_eq!(ws.applied(), [1, 2, 3]);
    ws.json(&["down", "--steps", "2"], 0);
    assert_eq!(ws.applied(), [1]);
    assert!(!ws.db.has_table("projects"));
    ws.json(&["up"], 0);
    // --to 2 leaves 2 applied.
    let r = ws.json(&["down", "--to", "2"], 0);
    let versions: Vec<i64> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [4, 3]);
    assert_eq!(ws.applied(), [1, 2]);
    ws.json(&["down", "--to", "0"], 0);
    assert!(ws.applied().is_empty());
    assert!(!ws.db.has_table("users"));
}

#[test]
fn rolling_back_an_irreversible_migration_is_refused_before_anything_runs() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.migration("4_backfill.sql", "UPDATE users SET email = lower(email);\n");
    ws.migration("5_tags.up.sql", "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
    ws.migration("5_tags.down.sql", "DROP TABLE tags;\n");
    ws.json(&["up"], 0);
    let (code, message) = error_code(&ws, &["down", "--steps", "2"]);
    assert_eq!(code, "migrations.irreversible");
    assert!(message.contains('4') && message.contains("backfill"), "{message}");
    assert_eq!(ws.applied(), [1, 2, 3, 4, 5], "5 must not have been rolled back");
    assert!(ws.db.has_table("tags"));
    // One step is fine: 5 is reversible.
    ws.json(&["down"], 0);
    assert_eq!(ws.applied(), [1, 2, 3, 4]);
}

#[test]
fn create_writes_the_next_version_from_a_template() {
    let ws = Ws::new(Kind::Postgres);
    let c = ws.json(&["create", "add", "users", "email", "--reversible"], 0);
    let files: Vec<&str> = c["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(
        files[0].starts_with("db/migrations/") && files[0].ends_with("_add_users_email.up.sql"),
        "{files:?}"
    );
    let version = c["version"].as_i64().unwrap();
    assert!(version > 20_260_000_000_000, "a UTC timestamp: {version}");
    let up = std::fs::read_to_string(ws.root().join(files[0])).unwrap();
    assert!(up.contains("PostgreSQL"), "{up}");
    let s = ws.status();
    assert_eq!(s["migrations"][0]["version"], version);
    assert_eq!(s["migrations"][0]["reversible"], true);
    // A second create in the same second gets a later version.
    let c2 = ws.json(&["create", "seed"], 0);
    assert!(c2["version"].as_i64().unwrap() > version);
    let (code, _) = error_code(&ws, &["create", "ünïcode"]);
    assert_eq!(code, "migrations.invalid_name");
}

#[test]
fn baseline_adopts_a_database_built_without_shipdeck() {
    let ws = Ws::new(Kind::Mariadb);
    three_migrations(&ws);
    // The schema of 1 and 2 exists already, built by hand.
    ws.db
        .exec("CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL)");
    ws.db
        .exec("CREATE TABLE projects (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL)");
    let r = ws.json(&["baseline", "2"], 0);
    assert_eq!(r["versions"], serde_json::json!([1, 2]));
    assert_eq!(ws.applied(), [1, 2]);
    let up = ws.json(&["up"], 0);
    assert_eq!(up["steps"][0]["version"], 3);
    assert_eq!(
        ws.db.scalar("SELECT COUNT(*) FROM users"),
        0,
        "1 must not have run"
    );
    assert!(ws.audit().iter().any(|e| e["action"] == "migrate.baseline"));
}

#[test]
fn unknown_database_and_unset_url_are_clear_errors() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    let (code, message) = error_code(&ws, &["status", "--database", "nope"]);
    assert_eq!(code, "migrations.unknown_database");
    assert!(message.contains("main"), "{message}");
    let out = ws
        .env
        .cmd()
        .args(["-C", ws.root().to_str().unwrap(), "migrate", "status", "--json"])
        .env_remove("APP_DB_URL")
        .output()
        .unwrap();
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "migrations.url_unavailable");
    assert!(v["hint"].as_str().unwrap().contains("APP_DB_URL"));
}

#[test]
fn database_url_overrides_the_configured_one_and_stays_secret() {
    let ws = Ws::new(Kind::Postgres);
    three_migrations(&ws);
    // A password in the URL (trust auth ignores it) must never be shown or stored.
    let url = ws.db.url.replacen("postgres@", "postgres:hunter2secret@", 1);
    let out = ws.run(&["up", "--database-url", &url, "--json"]);
    assert_code(&out, 0);
    let status = ws.run(&["status", "--database-url", &url]);
    assert_code(&status, 0);
    let shown = text(&status.stdout);
    assert!(shown.contains("postgres:***@"), "{shown}");
    assert!(!shown.contains("hunter2secret"));
    let audit = serde_json::to_string(&ws.audit()).unwrap();
    assert!(
        audit.contains("migrate.up") && !audit.contains("hunter2secret"),
        "{audit}"
    );
    for f in std::fs::read_dir(ws.env.data.path())
        .unwrap()
        .flatten()
        .filter(|f| f.path().is_file())
    {
        let bytes = std::fs::read(f.path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("hunter2secret"),
            "{} holds the password",
            f.path().display()
        );
    }
}

#[test]
fn lint_reports_rule_line_and_fix_and_fails_on_errors() {
    let ws = Ws::new(Kind::Postgres);
    ws.migration(
        "1_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    );
    ws.migration(
        "2_index_email.sql",
        "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n\nCREATE INDEX users_email ON users (email);\n",
    );
    let out = ws.run(&["lint", "--json"]);
    assert_code(&out, 1);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["files"], 2);
    let hit = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "require-concurrent-index-creation")
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(hit["version"], 2);
    assert_eq!(hit["line"], 4);
    assert_eq!(hit["severity"], "error");
    assert!(hit["fix"].as_str().unwrap().contains("CONCURRENTLY"), "{hit}");

    // The safe rewrite passes: exit 0.
    ws.migration(
        "2_index_email.sql",
        "-- shipdeck:no-transaction\nSET lock_timeout = '2s';\nSET statement_timeout = '30s';\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);\n",
    );
    let r = ws.json(&["lint"], 0);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error"),
        "{r:#}"
    );

    // The catalogue: every rule with its engines.
    let rules = ws.json(&["lint", "--rules"], 0);
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 25, "{}", rules.len());
    let cic = rules
        .iter()
        .find(|r| r["id"] == "require-concurrent-index-creation")
        .unwrap();
    assert_eq!(cic["engines"], serde_json::json!(["postgres"]));
}

#[test]
fn a_failing_down_hints_at_down_not_up() {
    let ws = Ws::new(Kind::Sqlite);
    ws.migration("1_users.up.sql", "CREATE TABLE users (id INTEGER);\n");
    ws.migration("1_users.down.sql", "DROP TABLE no_such_table;\n");
    assert_code(&ws.run(&["up"]), 0);
    let v = ws.json(&["down"], 1);
    assert_eq!(v["code"], "migrations.failed");
    let hint = v["hint"].as_str().unwrap();
    assert!(hint.contains("`shipdeck migrate down`"), "{hint}");
    assert!(!hint.contains("migrate up"), "{hint}");
    assert!(v["message"].as_str().unwrap().contains("rollback"), "{v}");
    assert_eq!(ws.applied(), [1], "the rollback left the migration applied");
}

/// The app once counted pending migrations itself; the status now carries
/// the count and each row's state, and both match what `up` would run.
#[test]
fn status_counts_pending_as_up_plans_them() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.migration("4_seed.sql", "INSERT INTO users VALUES (2, 'b@example.com');\n");
    ws.json(&["up", "--to", "2"], 0);
    std::fs::remove_file(ws.root().join("db/migrations/1_users.up.sql")).unwrap();
    std::fs::remove_file(ws.root().join("db/migrations/1_users.down.sql")).unwrap();
    let s = ws.status();
    let pending: Vec<bool> = s["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["pending"].as_bool().unwrap())
        .collect();
    assert_eq!(pending, [false, false, true, true]);
    assert_eq!(
        s["counts"],
        serde_json::json!({
            "applied": 2, "pending": 2, "dirty": 0, "changed": 0, "missing_file": 1,
            "can_apply": true, "can_roll_back": true
        })
    );
    let plan = ws.json(&["up", "--dry-run", "--ignore-missing"], 0);
    assert_eq!(plan["steps"].as_array().unwrap().len(), 2);
    let out = ws.run(&["status"]);
    assert_code(&out, 0);
    assert!(
        text(&out.stdout).contains("2 applied, 2 pending"),
        "{}",
        text(&out.stdout)
    );
}
