//! `shipdeck docs schema`: the domain model page written from a real
//! database, and `--check` failing CI once the schema moved on.

use std::process::Output;

use crate::migrate::{three_migrations, Kind, Ws};
use crate::util::{assert_code, text};

const PAGE: &str = "docs/domain-model.md";

pub(crate) fn docs(ws: &Ws, args: &[&str]) -> Output {
    let mut full = vec!["-C", ws.root().to_str().unwrap(), "docs", "schema"];
    full.extend_from_slice(args);
    ws.env
        .cmd()
        .args(&full)
        .env("APP_DB_URL", &ws.db.url)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn docs_json(ws: &Ws, args: &[&str], code: i32) -> serde_json::Value {
    let mut full = args.to_vec();
    full.push("--json");
    let out = docs(ws, &full);
    assert_code(&out, code);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

/// A SQLite workspace whose database holds `sql`.
pub(crate) fn sqlite_with(sql: &str) -> Ws {
    let ws = Ws::new(Kind::Sqlite);
    // An empty file is an empty database.
    std::fs::File::create(ws.db.sqlite_file()).unwrap();
    ws.db.exec(sql);
    ws
}

fn page(ws: &Ws) -> String {
    std::fs::read_to_string(ws.root().join(PAGE)).unwrap()
}

/// Migrated with `migrate up` (so `_sqlx_migrations` exists), documented,
/// then altered behind the page's back.
fn check_catches_an_alter(kind: Kind) {
    let ws = Ws::new(kind);
    three_migrations(&ws);
    assert_code(&ws.run(&["up"]), 0);

    let out = docs(&ws, &[]);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), format!("wrote {PAGE} (2 tables)\n"));
    let written = page(&ws);
    assert!(
        written.contains("\n## projects\n") && written.contains("\n## users\n"),
        "{written}"
    );
    assert!(
        !written.contains("_sqlx_migrations"),
        "bookkeeping is not domain: {written}"
    );
    assert!(written.contains("- `projects_owner` (`owner`)"), "{written}");

    let out = docs(&ws, &["--check"]);
    assert_code(&out, 0);
    assert!(
        text(&out.stdout).contains("is up to date (2 tables)"),
        "{}",
        text(&out.stdout)
    );

    ws.db.exec("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)");
    let out = docs(&ws, &["--check"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("  changed  users\n"), "{stdout}");
    assert!(!stdout.contains("projects"), "only the drifted table: {stdout}");
    assert!(
        stdout.contains("+| `nickname` |"),
        "the diff shows the new column: {stdout}"
    );
    assert_eq!(page(&ws), written, "--check writes nothing");

    // Regenerated, CI is green again.
    assert_code(&docs(&ws, &[]), 0);
    assert_code(&docs(&ws, &["--check"]), 0);
    assert!(page(&ws).contains("| `nickname` |"));
}

#[test]
fn check_fails_after_an_alter_on_sqlite() {
    check_catches_an_alter(Kind::Sqlite);
}

#[test]
fn check_fails_after_an_alter_on_postgres() {
    check_catches_an_alter(Kind::Postgres);
}

#[test]
fn check_fails_after_an_alter_on_mariadb() {
    check_catches_an_alter(Kind::Mariadb);
}

#[test]
fn json_carries_the_page_the_diagram_and_the_drift() {
    let ws = sqlite_with(
        "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE members (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams (id));",
    );
    // No page yet: every table is new, and --check fails.
    let v = docs_json(&ws, &["--check"], 1);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["database", "drift", "engine", "markdown", "mermaid", "path", "tables", "written"]
    );
    assert_eq!(v["database"], "main");
    assert_eq!(v["engine"], "sqlite");
    assert_eq!(v["path"], PAGE);
    assert_eq!(v["tables"], 2);
    assert_eq!(v["written"], false);
    assert_eq!(v["drift"]["up_to_date"], false);
    assert_eq!(
        v["drift"]["added_tables"],
        serde_json::json!(["members", "teams"])
    );
    assert_eq!(v["drift"]["removed_tables"], serde_json::json!([]));
    assert_eq!(v["drift"]["changed_tables"], serde_json::json!([]));
    let mermaid = v["mermaid"].as_str().unwrap();
    assert!(mermaid.starts_with("erDiagram\n"), "{mermaid}");
    assert!(
        mermaid.contains("    teams |o--o{ members : \"team_id\"\n"),
        "{mermaid}"
    );
    assert!(v["markdown"].as_str().unwrap().contains(mermaid));
    assert!(!ws.root().join(PAGE).exists(), "--check writes nothing");

    let v = docs_json(&ws, &[], 0);
    assert_eq!(v["written"], true);
    assert_eq!(page(&ws), v["markdown"].as_str().unwrap());
    let v = docs_json(&ws, &["--check"], 0);
    assert_eq!(v["drift"]["up_to_date"], true);
    assert_eq!(v["drift"]["diff"], serde_json::Value::Null);

    ws.db.exec("DROP TABLE members");
    let v = docs_json(&ws, &["--check"], 1);
    assert_eq!(v["drift"]["removed_tables"], serde_json::json!(["members"]));
}

#[test]
fn stdout_prints_the_page_and_the_path_is_configurable() {
    let ws = sqlite_with("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    ws.repo.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"env:APP_DB_URL\"\n\n[docs]\ndomain_model = \"doc/{database}-model.md\"\n",
    );
    let out = docs(&ws, &["--stdout"]);
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("# Domain model: main\n"), "{stdout}");
    assert!(stdout.contains("\n## notes\n"), "{stdout}");
    assert!(!ws.root().join("doc").exists(), "--stdout writes nothing");

    let out = docs(&ws, &[]);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "wrote doc/main-model.md (1 table)\n");
    assert_eq!(
        std::fs::read_to_string(ws.root().join("doc/main-model.md")).unwrap(),
        stdout
    );
}

#[test]
fn a_page_outside_the_workspace_or_an_unknown_database_is_refused() {
    let ws = sqlite_with("CREATE TABLE notes (id INTEGER PRIMARY KEY)");
    let v = docs_json(&ws, &["--database", "nope"], 1);
    assert_eq!(v["code"], "migrations.unknown_database");

    ws.repo.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"env:APP_DB_URL\"\n[docs]\ndomain_model = \"../outside.md\"\n",
    );
    let v = docs_json(&ws, &[], 1);
    assert_eq!(v["code"], "config.path_outside_workspace");
    assert!(
        v["message"].as_str().unwrap().contains("docs.domain_model"),
        "{v}"
    );
    assert!(!ws.root().parent().unwrap().join("outside.md").exists());
}
