//! SQLite: the workspace's queries planned with EXPLAIN QUERY PLAN, and a
//! finding accepted into a migration that `migrate up` applies.

use super::{of_check, AdvisorWs};
use crate::migrate::{Kind, TestDb};
use crate::util::assert_code;

#[test]
fn sqlite_findings_come_from_the_workspace_queries_and_become_migrations() {
    let db = TestDb::new(Kind::Sqlite);
    std::fs::File::create(db.sqlite_file()).unwrap();
    let mut rows = String::from(
        "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE releases (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects (id),
                                version TEXT NOT NULL, released_at TEXT NOT NULL);
         INSERT INTO projects (name) VALUES ('orbit');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO releases (project_id, version, released_at) SELECT 1, 'v' || i, '2026-01-01' FROM n;",
    );
    rows.push_str("ANALYZE;");
    db.exec(&rows);
    let ws = AdvisorWs::new(&db.url, "");
    ws.repo.write(
        "queries/reports.sql",
        "-- Releases of a project, newest first.\nSELECT version FROM releases WHERE project_id = ? ORDER BY released_at DESC;\n",
    );
    let report = ws.json(&["advisor", "run"], 0);
    assert_eq!(report["engine"], "sqlite");
    let findings = report["findings"].as_array().unwrap();
    let fk = of_check(findings, "foreign_key_without_index");
    assert_eq!(fk.len(), 1, "{findings:#?}");
    assert_eq!(fk[0]["table"], "releases");
    assert_eq!(fk[0]["columns"], serde_json::json!(["project_id"]));
    assert!(
        findings.iter().any(|f| f["evidence"]["query"]
            .as_str()
            .is_some_and(|q| q.contains("ORDER BY released_at"))),
        "a finding on the workspace query: {findings:#?}"
    );

    let key = fk[0]["key"].as_str().unwrap();
    let accepted = ws.json(&["advisor", "accept", key], 0);
    let sql = std::fs::read_to_string(ws.root().join(accepted["file"].as_str().unwrap())).unwrap();
    assert!(
        !sql.contains("no-transaction"),
        "SQLite builds indexes in a transaction: {sql}"
    );
    assert!(
        sql.contains("CREATE INDEX IF NOT EXISTS releases_project_id_idx ON releases (project_id);"),
        "{sql}"
    );
    assert_code(&ws.run(&["migrate", "up"]), 0);
    let after = ws.findings(&["--check", "foreign_key_without_index"]);
    assert!(after.is_empty(), "{after:#?}");
}
