//! PostgreSQL: every check on a real workload in the private cluster, the
//! HypoPG-verified fix applied through `migrate up`, negatives, and a
//! database without pg_stat_statements.

use std::time::Duration;

use shipdeck_testkit::wait_until;

use super::cluster;
use super::{of_check, AdvisorWs};
use crate::migrate::{Kind, TestDb as SharedDb};
use crate::util::{assert_code, text};

/// 50,000 orders over 1,000 customers; `customer_id` has no index.
const ORDERS: &str = "
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
    INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 1000) g;
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL,
        status text NOT NULL,
        total numeric NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO orders (customer_id, status, total)
        SELECT 1 + g % 1000, CASE WHEN g % 10 = 0 THEN 'open' ELSE 'done' END, g FROM generate_series(1, 50000) g;
    ANALYZE;";

/// The filtered query, `n` times with different constants (one
/// pg_stat_statements entry), then the statistics flushed.
fn workload(n: usize) -> String {
    let mut sql: String = (0..n)
        .map(|i| {
            format!(
                "SELECT id, total FROM orders WHERE customer_id = {};",
                i % 1000 + 1
            )
        })
        .collect();
    sql.push_str("SELECT pg_stat_force_next_flush();");
    sql
}

/// Runs a future on a runtime of its own (raw_sql futures are not Send).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn explain(db: &super::cluster::TestDb, sql: &str) -> String {
    db.texts(&format!("EXPLAIN {sql}")).join("\n")
}

#[test]
fn missing_index_is_found_verified_and_its_migration_makes_the_query_use_an_index() {
    let db = cluster::database("adv_missing");
    db.exec(ORDERS);
    db.exec(&workload(150));
    let ws = AdvisorWs::new(&db.url, "");

    let findings = ws.findings(&["--check", "missing_index"]);
    let missing = of_check(&findings, "missing_index");
    assert_eq!(missing.len(), 1, "{findings:#?}");
    let f = missing[0];
    assert_eq!(f["table"], "orders");
    assert_eq!(f["columns"], serde_json::json!(["customer_id"]));
    assert_eq!(f["severity"], "warning");
    let e = &f["evidence"];
    assert_eq!(e["verification"], "hypopg");
    let (before, after) = (
        e["cost_before"].as_f64().unwrap(),
        e["cost_after"].as_f64().unwrap(),
    );
    assert!(after <= before / 2.0, "cost {before} -> {after}");
    assert!(e["query"].as_str().unwrap().contains("customer_id = $1"), "{e}");
    assert!(e["plan"].as_str().unwrap().contains("Seq Scan on orders"), "{e}");
    let fix = f["fix_sql"].as_str().unwrap();
    assert!(
        fix.contains("CREATE INDEX CONCURRENTLY") && fix.contains("(customer_id)"),
        "{fix}"
    );

    // Accept: a no-transaction migration named like `migrate create`, linted.
    let key = f["key"].as_str().unwrap();
    let accepted = ws.json(&["advisor", "accept", key], 0);
    let file = accepted["file"].as_str().unwrap();
    assert!(
        file.starts_with("db/migrations/") && file.ends_with("_add_orders_customer_id_idx.up.sql"),
        "{file}"
    );
    let sql = std::fs::read_to_string(ws.root().join(file)).unwrap();
    assert!(sql.starts_with("-- shipdeck:no-transaction\n"), "{sql}");
    assert!(sql.contains(fix), "{sql}");
    assert_eq!(
        accepted["lint"],
        serde_json::json!([]),
        "a CONCURRENTLY index outside a transaction is safe"
    );

    // Applying it makes the planner use the index.
    let q = "SELECT id, total FROM orders WHERE customer_id = 42";
    assert!(explain(&db, q).contains("Seq Scan"), "{}", explain(&db, q));
    let up = ws.run(&["migrate", "up"]);
    assert_code(&up, 0);
    let plan = explain(&db, q);
    assert!(plan.contains("orders_customer_id_idx"), "{plan}");
    // The rollback file drops it again.
    assert_code(&ws.run(&["migrate", "down"]), 0);
    assert!(explain(&db, q).contains("Seq Scan"));
}

#[test]
fn catalog_checks_each_find_their_problem() {
    let db = cluster::database("adv_catalog");
    db.exec(
        "CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, region text, kind text);
         CREATE INDEX accounts_region_idx ON accounts (region);
         CREATE INDEX accounts_region_kind_idx ON accounts (region, kind);
         CREATE TABLE invoices (id serial PRIMARY KEY, account_id bigint REFERENCES accounts (id), amount int);
         CREATE TABLE audit_trail (at timestamptz, what text);
         CREATE TABLE tickets (code text);
         INSERT INTO tickets VALUES ('a'), ('a');
         SELECT setval('invoices_id_seq', 2000000000);",
    );
    // A failed concurrent build leaves an invalid index behind.
    let url = db.url.clone();
    let failed = block_on(async move {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql("CREATE UNIQUE INDEX CONCURRENTLY tickets_code_key ON tickets (code)")
            .execute(&mut c)
            .await
            .is_err()
    });
    assert!(failed, "duplicates make the unique build fail");
    let ws = AdvisorWs::new(&db.url, "");
    let findings = ws.findings(&[]);

    let dup = of_check(&findings, "duplicate_index");
    assert_eq!(dup.len(), 1, "{dup:#?}");
    assert_eq!(dup[0]["index"], "accounts_region_idx");
    assert!(dup[0]["message"]
        .as_str()
        .unwrap()
        .contains("accounts_region_kind_idx"));
    assert_eq!(
        dup[0]["fix_sql"],
        "DROP INDEX CONCURRENTLY IF EXISTS accounts_region_idx;"
    );

    let unused: Vec<_> = of_check(&findings, "unused_index")
        .iter()
        .map(|f| f["index"].clone())
        .collect();
    assert!(unused.contains(&"accounts_region_kind_idx".into()), "{unused:?}");
    assert!(
        !unused.iter().any(|i| i.as_str().unwrap().ends_with("_pkey")),
        "primary keys are never unused"
    );

    let fk = of_check(&findings, "foreign_key_without_index");
    assert_eq!(fk.len(), 1);
    assert_eq!(fk[0]["table"], "invoices");
    assert_eq!(fk[0]["columns"], serde_json::json!(["account_id"]));
    assert!(fk[0]["fix_sql"]
        .as_str()
        .unwrap()
        .contains("ON invoices (account_id)"));

    let no_pk: Vec<_> = of_check(&findings, "no_primary_key")
        .iter()
        .map(|f| f["table"].clone())
        .collect();
    assert_eq!(
        no_pk,
        vec![serde_json::json!("audit_trail"), serde_json::json!("tickets")]
    );

    let seq = of_check(&findings, "sequence_exhaustion");
    assert_eq!(seq.len(), 1);
    assert_eq!(seq[0]["severity"], "critical");
    assert_eq!(seq[0]["table"], "invoices");
    assert!(seq[0]["fix_sql"]
        .as_str()
        .unwrap()
        .contains("ALTER COLUMN id TYPE bigint"));

    let invalid = of_check(&findings, "invalid_index");
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0]["index"], "tickets_code_key");
    assert_eq!(
        invalid[0]["fix_sql"],
        "REINDEX INDEX CONCURRENTLY tickets_code_key;"
    );

    // Every finding has the contract's fields.
    for f in &findings {
        for field in [
            "check", "severity", "table", "index", "columns", "evidence", "message", "fix_sql",
        ] {
            assert!(f.get(field).is_some(), "{field} missing in {f}");
        }
    }
}

#[test]
fn a_well_indexed_schema_has_no_findings() {
    let db = cluster::database("adv_clean");
    db.exec(
        "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
         CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                              customer_id bigint NOT NULL REFERENCES customers (id), total int);
         CREATE INDEX orders_customer_id_idx ON orders (customer_id);
         INSERT INTO customers (email) SELECT 'c' || g FROM generate_series(1, 200) g;
         INSERT INTO orders (customer_id, total) SELECT 1 + g % 200, g FROM generate_series(1, 20000) g;
         ANALYZE;",
    );
    let mut uses: String = (1..=120)
        .map(|i| format!("SELECT total FROM orders WHERE customer_id = {i};"))
        .collect();
    uses.push_str("SELECT pg_stat_force_next_flush();");
    db.exec(&uses);
    let ws = AdvisorWs::new(&db.url, "");
    let findings = ws.findings(&[]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn suggest_gives_the_index_with_the_cost_before_and_after() {
    let db = cluster::database("adv_suggest");
    db.exec(ORDERS);
    let ws = AdvisorWs::new(&db.url, "");
    let s = ws.json(
        &[
            "advisor",
            "suggest",
            "--query",
            "SELECT * FROM orders WHERE status = 'open' AND customer_id = 7",
        ],
        0,
    );
    assert_eq!(s["verification"], "hypopg");
    let cols = s["index"]["columns"].as_array().unwrap();
    assert_eq!(cols[0], "customer_id", "the selective column first: {s}");
    assert!(s["cost_after"].as_f64().unwrap() < s["cost_before"].as_f64().unwrap() / 2.0);
    assert!(
        s["plan_after"].as_str().unwrap().contains("hypopg")
            || s["plan_after"].as_str().unwrap().contains("Index")
    );

    // Already indexed (the primary key): nothing to add.
    let s = ws.json(
        &[
            "advisor",
            "suggest",
            "--query",
            "SELECT * FROM orders WHERE id = 7",
        ],
        0,
    );
    assert!(s["index"].is_null(), "{s}");

    // Not SQL, or not a query: a clear error, nothing run.
    let out = ws.run(&["advisor", "suggest", "--query", "DROP TABLE orders", "--json"]);
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("advisor.parse"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(db.scalar("SELECT count(*)::bigint FROM orders"), 50_000);
}

#[test]
fn dismissed_findings_stay_hidden_with_their_reason_until_restored() {
    let db = cluster::database("adv_dismiss");
    db.exec("CREATE TABLE logbook (line text);");
    let ws = AdvisorWs::new(&db.url, "");
    let findings = ws.findings(&["--check", "no_primary_key"]);
    assert_eq!(findings.len(), 1);
    let key = findings[0]["key"].as_str().unwrap().to_string();

    let out = ws.run(&["advisor", "dismiss", &key, "--reason", "  ", "--json"]);
    assert_code(&out, 1);
    assert_code(
        &ws.run(&[
            "advisor",
            "dismiss",
            &key,
            "--reason",
            "append-only log, read by COPY",
        ]),
        0,
    );
    let report = ws.json(&["advisor", "run", "--check", "no_primary_key"], 0);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["dismissed"], 1);

    assert_code(&ws.run(&["advisor", "restore", &key]), 0);
    assert_eq!(ws.findings(&["--check", "no_primary_key"]).len(), 1);
    // Every run was stored.
    let history = ws.json(&["advisor", "history"], 0);
    assert_eq!(history.as_array().unwrap().len(), 3);
}

#[test]
fn literals_of_running_queries_never_reach_the_output_or_the_store() {
    let db = cluster::database("adv_secret");
    let ws = AdvisorWs::new(&db.url, "\n[advisor.thresholds]\nlong_running_seconds = 1\n");
    let url = db.url.clone();
    // Runs until cancelled below: the check sees it whenever the run happens.
    let sleeper = std::thread::spawn(move || {
        block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            let _ = sqlx::raw_sql("SELECT pg_sleep(600), 'hunter2-canary-9f3a' AS token")
                .execute(&mut c)
                .await;
        })
    });
    // Older than the one-second threshold, by the server's own clock.
    let running = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND state = 'active' AND query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()";
    wait_until(
        "the query to run for over a second",
        Duration::from_secs(60),
        || {
            db.scalar(&format!(
                "{running} AND now() - query_start > interval '1.5 seconds'"
            )) == 1
        },
    );
    let out = ws.run(&["advisor", "run", "--check", "long_running_query", "--json"]);
    let cancel = running.replacen("count(*)", "count(pg_cancel_backend(pid))", 1);
    db.scalar(&cancel);
    sleeper.join().unwrap();
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let long = of_check(report["findings"].as_array().unwrap(), "long_running_query");
    assert_eq!(long.len(), 1, "{stdout}");
    assert!(
        long[0]["evidence"]["query"]
            .as_str()
            .unwrap()
            .contains("pg_sleep(?)"),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2-canary") && !text(&out.stderr).contains("hunter2-canary"));
    for entry in walk(ws.env.data.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("hunter2-canary"),
            "{} holds the literal",
            entry.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn without_pg_stat_statements_checks_say_how_to_enable_it_and_the_rest_still_run() {
    let db = SharedDb::new(Kind::Postgres);
    db.exec("CREATE TABLE notes (body text);");
    let ws = AdvisorWs::new(&db.url, "");
    let report = ws.json(&["advisor", "run"], 0);
    let notices = report["notices"].as_array().unwrap();
    let slow = notices
        .iter()
        .find(|n| n["check"] == "slow_query")
        .expect("a notice for slow_query");
    assert!(
        slow["hint"].as_str().unwrap().contains("pg_stat_statements"),
        "{slow}"
    );
    assert!(notices
        .iter()
        .any(|n| n["check"] == "missing_index" && n["message"].as_str().unwrap().contains("HypoPG")));
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(of_check(findings, "no_primary_key").len(), 1, "{findings:#?}");
    assert!(of_check(findings, "slow_query").is_empty());
}

#[test]
fn an_unknown_check_is_a_clear_error() {
    let db = cluster::database("adv_unknown");
    let ws = AdvisorWs::new(&db.url, "");
    let out = ws.run(&["advisor", "run", "--check", "slow_querys", "--json"]);
    assert_code(&out, 1);
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["code"], "advisor.unknown_check");
    assert!(err["message"].as_str().unwrap().contains("slow_query"), "{err}");
}
