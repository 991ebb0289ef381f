//! MariaDB: the catalog checks through the CLI, and the performance_schema
//! checks reported as notices when it is off.

use super::{of_check, AdvisorWs};
use crate::migrate::{Kind, TestDb};
use crate::util::text;

#[test]
fn mariadb_reports_redundant_indexes_and_tables_without_a_primary_key() {
    let db = TestDb::new(Kind::Mariadb);
    db.exec(
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY AUTO_INCREMENT, region VARCHAR(20), kind VARCHAR(20),
                                INDEX accounts_region (region), INDEX accounts_region_kind (region, kind))",
    );
    db.exec("CREATE TABLE audit_trail (at DATETIME, what TEXT)");
    let ws = AdvisorWs::new(&db.url, "");
    let report = ws.json(&["advisor", "run"], 0);
    assert_eq!(report["engine"], "mysql");
    let findings = report["findings"].as_array().unwrap();
    let dup = of_check(findings, "duplicate_index");
    assert_eq!(dup.len(), 1, "{findings:#?}");
    assert_eq!(dup[0]["index"], "accounts_region");
    assert!(dup[0]["fix_sql"]
        .as_str()
        .unwrap()
        .contains("DROP INDEX accounts_region ON accounts"));
    let no_pk = of_check(findings, "no_primary_key");
    assert_eq!(no_pk.len(), 1);
    assert_eq!(no_pk[0]["table"], "audit_trail");

    let ps_on = db.scalar("SELECT @@performance_schema") == 1;
    let notices = report["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|n| n["check"] == "connection"),
        "root is warned about: {notices:#?}"
    );
    assert_eq!(
        notices
            .iter()
            .any(|n| n["check"] != "connection"
                && n["hint"].as_str().unwrap_or("").contains("performance_schema")),
        !ps_on,
        "{notices:#?}"
    );
}

#[test]
fn explaining_a_table_writing_function_leaves_the_table_unchanged() {
    let db = TestDb::new(Kind::Mariadb);
    db.exec("CREATE TABLE hits (n INT)");
    db.exec("CREATE TABLE t (id INT PRIMARY KEY, a INT)");
    db.exec("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
    // The optimizer evaluates `bump()` to look the key up: EXPLAIN runs it.
    db.exec(
        "CREATE FUNCTION bump() RETURNS INT DETERMINISTIC MODIFIES SQL DATA
         BEGIN INSERT INTO hits VALUES (1); RETURN 1; END",
    );
    let ws = AdvisorWs::new(&db.url, "");
    let out = ws.run(&[
        "advisor",
        "suggest",
        "--query",
        "SELECT * FROM t WHERE id = bump()",
        "--json",
    ]);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM hits"),
        0,
        "EXPLAIN ran the function's INSERT: {}",
        text(&out.stdout)
    );
}
