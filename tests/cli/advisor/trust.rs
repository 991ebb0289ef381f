//! What the advisor runs when it plans other people's statements (a
//! read-only session, untrusted functions skipped), hostile statement texts,
//! and the workspace's queries planned on PostgreSQL.

use super::cluster::{self, block_on, TestDb};
use super::{of_check, AdvisorWs};
use crate::migrate::{Kind, TestDb as SharedDb};
use crate::util::{assert_code, text};

fn exec_as(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    block_on(move || async move {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        sqlx::raw_sql(&sql)
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

/// A login role of the cluster, dropped (with what it owns) at the end.
struct LowRole<'a> {
    name: String,
    db: &'a TestDb,
}

impl<'a> LowRole<'a> {
    fn new(db: &'a TestDb) -> LowRole<'a> {
        let name = format!("low_{}", db.name);
        exec_as(
            cluster::admin_url(),
            &format!("CREATE ROLE {name} LOGIN NOSUPERUSER"),
        );
        db.exec(&format!("GRANT CREATE, USAGE ON SCHEMA public TO {name}"));
        LowRole { name, db }
    }

    fn url(&self) -> String {
        self.db
            .url
            .replacen("postgres://postgres@", &format!("postgres://{}@", self.name), 1)
    }

    fn is_superuser(&self) -> bool {
        self.db.scalar(&format!(
            "SELECT count(*) FROM pg_roles WHERE rolname = '{}' AND rolsuper",
            self.name
        )) == 1
    }
}

impl Drop for LowRole<'_> {
    fn drop(&mut self) {
        let (db, name) = (self.db.url.clone(), self.name.clone());
        let _ = std::panic::catch_unwind(move || {
            exec_as(&db, &format!("DROP OWNED BY {name}"));
            exec_as(
                cluster::admin_url(),
                &format!("ALTER ROLE {name} NOSUPERUSER; DROP ROLE {name}"),
            );
        });
    }
}

/// `f()` is IMMUTABLE, so the planner folds it, and it calls a VOLATILE
/// function that makes its owner a superuser (errors swallowed, so the
/// owner's own calls succeed and are recorded).
fn plant_escalation(low: &LowRole) {
    exec_as(
        &low.url(),
        &format!(
            "CREATE TABLE items (id int, v int);
             INSERT INTO items SELECT g, g % 10 FROM generate_series(1, 100) g;
             CREATE FUNCTION escalate() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
             BEGIN
               BEGIN EXECUTE 'ALTER ROLE {role} SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
               RETURN 1;
             END $$;
             CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN escalate(); END $$;",
            role = low.name
        ),
    );
}

#[test]
fn planning_a_low_privilege_roles_function_does_not_make_it_superuser() {
    let db = cluster::database("adv_escalate");
    let low = LowRole::new(&db);
    plant_escalation(&low);
    // The owner's own calls, recorded by pg_stat_statements for everyone.
    exec_as(
        &low.url(),
        "SELECT * FROM items WHERE v = f(); SELECT * FROM items WHERE v = f(); SELECT pg_stat_force_next_flush();",
    );
    assert!(!low.is_superuser());
    let ws = AdvisorWs::new(
        &db.url,
        "\n[advisor.thresholds]\nslow_query_calls = 1\nslow_query_ms = 0\nmissing_index_rows = 1\n",
    );

    // suggest: refused with a clear error.
    let query = "SELECT * FROM items WHERE v = f()";
    let out = ws.run(&["advisor", "suggest", "--query", query, "--json"]);
    assert!(!low.is_superuser(), "advisor suggest made the role a superuser");
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("advisor.untrusted_function"),
        "{}",
        text(&out.stdout)
    );

    // run: the statement from pg_stat_statements is skipped with a notice;
    // the superuser connection is warned about.
    let out = ws.run(&["advisor", "run", "--json"]);
    assert!(!low.is_superuser(), "advisor run made the role a superuser");
    assert_code(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notices = report["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|n| n["message"]
            .as_str()
            .unwrap()
            .contains(&format!("owned by {}", low.name))),
        "{notices:#?}"
    );
    assert!(
        notices.iter().any(|n| n["check"] == "connection"),
        "no superuser warning: {notices:#?}"
    );

    // Asked to plan it anyway: the read-only session still stops it.
    ws.run(&[
        "advisor",
        "suggest",
        "--query",
        query,
        "--allow-untrusted-functions",
    ]);
    ws.json(&["advisor", "run", "--allow-untrusted-functions"], 0);
    assert!(
        !low.is_superuser(),
        "a read-only session let the function change a role"
    );
}

#[test]
fn hypopg_still_verifies_suggestions_in_the_read_only_session() {
    let db = cluster::database("adv_ro_hypo");
    db.exec(
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL);
         INSERT INTO orders (customer_id) SELECT 1 + g % 1000 FROM generate_series(1, 20000) g;
         ANALYZE;",
    );
    let ws = AdvisorWs::new(&db.url, "");
    let s = ws.json(
        &[
            "advisor",
            "suggest",
            "--query",
            "SELECT * FROM orders WHERE customer_id = $1",
        ],
        0,
    );
    assert_eq!(s["verification"], "hypopg", "{s}");
    assert_eq!(s["index"]["columns"], serde_json::json!(["customer_id"]), "{s}");
    assert_eq!(s["index"]["relation"]["name"], "orders", "{s}");
}

#[test]
fn placeholders_in_comments_and_strings_do_not_abort_suggest() {
    let db = cluster::database("adv_placeholders");
    db.exec("CREATE TABLE t (id int PRIMARY KEY, a int); INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;");
    let ws = AdvisorWs::new(&db.url, "");
    for query in [
        "SELECT * FROM t WHERE a = $1 -- $99999999999",
        "SELECT * FROM t WHERE a = $1 /* $99999999999 */",
        "SELECT * FROM t WHERE a = $1 AND '$30000000' <> ''",
    ] {
        let s = ws.json(&["advisor", "suggest", "--query", query], 0);
        assert!(s["cost_before"].is_number(), "{query}: {s}");
    }
    let out = ws.run(&[
        "advisor",
        "suggest",
        "--query",
        "SELECT * FROM t WHERE a = $70000",
        "--json",
    ]);
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("advisor.parse"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_long_non_ascii_table_name_does_not_panic_the_run() {
    let db = SharedDb::new(Kind::Postgres);
    // 63 bytes, PostgreSQL's limit; the index name is cut at byte 50, in
    // the middle of a letter.
    let table = format!("a{}", "é".repeat(31));
    db.exec(&format!(
        "CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE \"{table}\" (id int PRIMARY KEY, \"parent_ü\" int REFERENCES parent (id));"
    ));
    let ws = AdvisorWs::new(&db.url, "");
    let findings = ws.findings(&["--check", "foreign_key_without_index"]);
    let fk = of_check(&findings, "foreign_key_without_index");
    assert_eq!(fk.len(), 1, "{findings:#?}");
    assert_eq!(fk[0]["table"], table.as_str());
    ws.json(&["advisor", "accept", fk[0]["key"].as_str().unwrap()], 0);
    assert_code(&ws.run(&["migrate", "up"]), 0);
    assert!(ws.findings(&["--check", "foreign_key_without_index"]).is_empty());
}

#[test]
fn workspace_queries_give_missing_index_its_columns_without_pg_stat_statements() {
    let db = cluster::database("adv_ws_queries");
    db.exec(
        "DROP EXTENSION pg_stat_statements;
         CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                              customer_id bigint NOT NULL, total int NOT NULL);
         INSERT INTO orders (customer_id, total) SELECT 1 + g % 1000, g FROM generate_series(1, 20000) g;
         ANALYZE;",
    );
    // The application's scans, as the statistics count them.
    db.exec(
        "SELECT total FROM orders WHERE customer_id = 1; SELECT total FROM orders WHERE customer_id = 2;
         SELECT pg_stat_force_next_flush();",
    );
    let ws = AdvisorWs::new(&db.url, "");
    ws.repo.write(
        "queries/orders.sql",
        "-- Orders of a customer.\nSELECT id, total FROM orders WHERE customer_id = $1;\n",
    );
    let findings = ws.findings(&["--check", "missing_index"]);
    let missing = of_check(&findings, "missing_index");
    assert_eq!(missing.len(), 1, "{findings:#?}");
    assert_eq!(
        missing[0]["columns"],
        serde_json::json!(["customer_id"]),
        "{findings:#?}"
    );
    let fix = missing[0]["fix_sql"].as_str().unwrap_or_default();
    assert!(
        fix.contains("CREATE INDEX") && fix.contains("(customer_id)"),
        "{fix}"
    );
}
