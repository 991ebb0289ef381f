//! The SQLite advisor against real database files: plans of the workspace's
//! queries, suggestions verified on a scratch copy, foreign keys, duplicate
//! indexes, and the file left untouched.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::path::{Path, PathBuf};

use shipdeck_advisor::{sqlite, Finding, Outcome, RunRequest, Thresholds, Verification, WorkspaceQuery};
use shipdeck_base::config::UrlSource;
use shipdeck_migrations::target::{DatabaseSpec, Target};
use shipdeck_migrations::Engine;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

/// A SQLite file in a temporary workspace.
struct Db {
    dir: tempfile::TempDir,
}

impl Db {
    async fn new(schema: &str) -> Db {
        let dir = tempfile::tempdir().unwrap();
        let db = Db { dir };
        let mut c = db.rw().await;
        sqlx::raw_sql(schema).execute(&mut c).await.unwrap();
        c.close().await.unwrap();
        db
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("app.db")
    }

    async fn rw(&self) -> SqliteConnection {
        SqliteConnectOptions::new()
            .filename(self.file())
            .create_if_missing(true)
            .connect()
            .await
            .unwrap()
    }

    fn target(&self) -> Target {
        target_for(&self.file(), self.dir.path())
    }

    async fn plan(&self, sql: &str) -> String {
        let mut c = self.rw().await;
        let rows = sqlx::raw_sql(&format!("EXPLAIN QUERY PLAN {sql}"))
            .fetch_all(&mut c)
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.get::<String, _>(3))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn target_for(file: &Path, root: &Path) -> Target {
    let url = format!("sqlite://{}", file.display());
    let spec = DatabaseSpec {
        name: "t".into(),
        source: UrlSource::Literal(url.clone()),
        folder: "migrations".into(),
    };
    Target::new(&spec, &url, root).unwrap()
}

fn q(line: u32, sql: &str) -> WorkspaceQuery {
    WorkspaceQuery {
        file: "queries/app.sql".into(),
        line,
        sql: sql.into(),
    }
}

async fn run(db: &Db, queries: Vec<WorkspaceQuery>) -> Outcome {
    let req = RunRequest {
        allow_untrusted_functions: false,
        thresholds: Thresholds::default(),
        only: Vec::new(),
        queries,
    };
    let mut seen = Vec::new();
    let mut step = |id: &str| -> shipdeck_base::error::Result<()> {
        seen.push(id.to_string());
        Ok(())
    };
    let out = sqlite::run(&db.target(), &req, &mut step).await.unwrap();
    for f in &out.findings {
        assert!(seen.contains(&f.check), "{} reported without its step", f.check);
        assert!(!f.key.is_empty(), "{f:?} not keyed");
    }
    out
}

fn of<'a>(out: &'a Outcome, check: &str) -> Vec<&'a Finding> {
    out.findings.iter().filter(|f| f.check == check).collect()
}

const ORDERS: &str = "
    CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT, created_at TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO orders (customer_id, status, created_at)
        SELECT i % 250, CASE i % 3 WHEN 0 THEN 'open' ELSE 'closed' END, datetime(1700000000 + i, 'unixepoch') FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
    INSERT INTO customers (id, email) SELECT i, 'c' || i || '@example.com' FROM n;
";

#[tokio::test]
async fn a_scan_of_a_large_table_gets_an_index_verified_on_a_scratch_copy() {
    let db = Db::new(ORDERS).await;
    let sql = "SELECT o.id, o.status FROM orders o WHERE o.customer_id = :customer";
    let out = run(&db, vec![q(3, sql)]).await;
    let found = of(&out, "missing_index");
    assert_eq!(found.len(), 1, "{:#?}", out.findings);
    let f = found[0];
    assert_eq!(f.table.as_deref(), Some("orders"));
    assert_eq!(f.columns, ["customer_id"]);
    assert_eq!(f.evidence.verification, Some(Verification::ScratchCopy));
    assert_eq!(f.evidence.get("rows"), Some(5000.0));
    assert!(
        f.evidence.plan.as_deref().unwrap().contains("SCAN o"),
        "{:?}",
        f.evidence.plan
    );
    assert!(f.message.starts_with("queries/app.sql:3: "), "{}", f.message);
    assert!(
        f.message.contains("SEARCH o USING INDEX orders_customer_id_idx"),
        "{}",
        f.message
    );
    let fix = f.fix_sql.clone().unwrap();
    assert_eq!(
        fix,
        "CREATE INDEX IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);"
    );
    assert!(f.migration);

    // The fix, applied to the real file, does what the scratch copy said.
    let mut c = db.rw().await;
    sqlx::raw_sql(&fix).execute(&mut c).await.unwrap();
    c.close().await.unwrap();
    let plan = db.plan(sql).await;
    assert!(
        plan.contains("SEARCH o USING INDEX orders_customer_id_idx"),
        "{plan}"
    );
    let again = run(&db, vec![q(3, sql)]).await;
    assert!(of(&again, "missing_index").is_empty(), "{:#?}", again.findings);
}

#[tokio::test]
async fn small_tables_and_queries_without_a_filter_are_not_missing_an_index() {
    let db = Db::new(ORDERS).await;
    // customers has 250 rows (< sqlite_scan_rows); the count reads orders
    // whole by design.
    let out = run(
        &db,
        vec![
            q(1, "SELECT * FROM customers WHERE email = ?"),
            q(2, "SELECT status, created_at FROM orders"),
        ],
    )
    .await;
    assert!(of(&out, "missing_index").is_empty(), "{:#?}", out.findings);
    let orders = out.metrics.tables.iter().find(|t| t.table == "orders").unwrap();
    assert_eq!(orders.rows, 5000.0);
    assert!(orders.bytes > 0.0, "{orders:?}");
    assert_eq!(out.metrics.tables[0].table, "orders");
}

#[tokio::test]
async fn order_by_without_an_index_sorts_in_a_temp_b_tree() {
    let db = Db::new(ORDERS).await;
    let out = run(
        &db,
        vec![q(7, "SELECT id, status FROM orders ORDER BY created_at DESC")],
    )
    .await;
    let found = of(&out, "temp_b_tree");
    assert_eq!(found.len(), 1, "{:#?}", out.findings);
    let f = found[0];
    assert!(f.message.contains("ORDER BY"), "{}", f.message);
    assert_eq!(
        f.evidence.verification,
        Some(Verification::ScratchCopy),
        "{}",
        f.message
    );
    assert_eq!(f.columns, ["created_at"]);
    assert_eq!(
        f.fix_sql.as_deref(),
        Some("CREATE INDEX IF NOT EXISTS orders_created_at_idx ON orders (created_at);")
    );
}

#[tokio::test]
async fn a_join_without_an_index_gets_an_automatic_index() {
    let db = Db::new(&format!(
        "{ORDERS}
        CREATE TABLE items (id INTEGER PRIMARY KEY, order_ref INTEGER, qty INTEGER);
        INSERT INTO items (order_ref, qty) SELECT id, id % 5 FROM orders;"
    ))
    .await;
    let sql = "SELECT o.id, i.qty FROM orders o JOIN items i ON i.order_ref = o.customer_id WHERE o.status = 'open'";
    let out = run(&db, vec![q(1, sql)]).await;
    let found = of(&out, "automatic_index");
    assert_eq!(found.len(), 1, "{:#?}", out.findings);
    let f = found[0];
    assert_eq!(f.table.as_deref(), Some("items"));
    assert_eq!(f.columns, ["order_ref"]);
    assert_eq!(f.evidence.verification, Some(Verification::ScratchCopy));
    assert_eq!(
        f.fix_sql.as_deref(),
        Some("CREATE INDEX IF NOT EXISTS items_order_ref_idx ON items (order_ref);")
    );
}

#[tokio::test]
async fn a_foreign_key_without_an_index_is_found_with_its_fix() {
    let db = Db::new(
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors (id), title TEXT);
         CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts (id), body TEXT);
         CREATE INDEX comments_post ON comments (post_id, id);
         CREATE TABLE pairs (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
         CREATE TABLE links (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER,
                             FOREIGN KEY (pa, pb) REFERENCES pairs (a, b));
         CREATE INDEX links_pb_pa ON links (pb, pa);
         CREATE TABLE tags (post_id INTEGER PRIMARY KEY REFERENCES posts (id), tag TEXT);",
    )
    .await;
    let out = run(&db, Vec::new()).await;
    let found = of(&out, "foreign_key_without_index");
    assert_eq!(found.len(), 1, "{:#?}", found);
    let f = found[0];
    assert_eq!(
        (f.table.as_deref(), f.columns.as_slice()),
        (Some("posts"), &["author_id".to_string()][..])
    );
    assert_eq!(
        f.fix_sql.as_deref(),
        Some("CREATE INDEX IF NOT EXISTS posts_author_id_idx ON posts (author_id);")
    );
    assert!(
        out.notices
            .iter()
            .any(|n| n.message.contains("No workspace queries")),
        "{:?}",
        out.notices
    );
}

#[tokio::test]
async fn duplicate_indexes_are_reported_once_and_constraints_are_kept() {
    let db = Db::new(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c TEXT UNIQUE, d INTEGER);
         CREATE INDEX t_a ON t (a);
         CREATE INDEX t_a_b ON t (a, b);
         CREATE INDEX t_a_b_again ON t (a, b);
         CREATE INDEX t_c ON t (c);
         CREATE UNIQUE INDEX t_d_unique ON t (d);
         CREATE INDEX t_d_b ON t (d, b);
         CREATE INDEX t_b_desc ON t (b DESC);
         CREATE INDEX t_b ON t (b);
         CREATE INDEX t_id ON t (id);",
    )
    .await;
    let out = run(&db, Vec::new()).await;
    let mut dropped: Vec<&str> = of(&out, "duplicate_index")
        .iter()
        .map(|f| f.index.as_deref().unwrap())
        .collect();
    dropped.sort();
    assert_eq!(dropped, ["t_a", "t_a_b_again", "t_c", "t_id"]);
    let f = of(&out, "duplicate_index")
        .into_iter()
        .find(|f| f.index.as_deref() == Some("t_a"))
        .unwrap();
    assert_eq!(f.fix_sql.as_deref(), Some("DROP INDEX IF EXISTS t_a;"));
    assert!(f.message.contains("t_a_b"), "{}", f.message);
}

#[tokio::test]
async fn a_well_indexed_schema_has_no_findings() {
    let db = Db::new(&format!(
        "{ORDERS}
        CREATE TABLE payments (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id), amount INTEGER);
        CREATE INDEX payments_order ON payments (order_id);
        CREATE INDEX orders_customer_created ON orders (customer_id, created_at);
        CREATE VIRTUAL TABLE notes USING fts5(body);
        CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'open';
        CREATE TRIGGER orders_paid AFTER INSERT ON payments BEGIN
            UPDATE orders SET status = 'paid' WHERE id = NEW.order_id;
        END;
        ANALYZE;"
    ))
    .await;
    let queries = vec![
        q(1, "SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at"),
        q(2, "SELECT o.id, p.amount FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.customer_id = ?1"),
        q(3, "UPDATE orders SET status = 'closed' WHERE id = $id"),
        q(4, "DELETE FROM payments WHERE order_id = @order"),
        q(5, "INSERT INTO payments (order_id, amount) VALUES (?, ?)"),
        q(6, "SELECT id FROM open_orders WHERE customer_id = ?"),
        q(7, "SELECT rowid FROM notes WHERE notes MATCH ?"),
    ];
    let out = run(&db, queries).await;
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    assert!(out.notices.is_empty(), "{:#?}", out.notices);
}

#[tokio::test]
async fn a_scan_through_a_view_is_reported_on_the_table_behind_it() {
    let db = Db::new(&format!(
        "{ORDERS}
        CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'open';"
    ))
    .await;
    let out = run(
        &db,
        vec![q(1, "SELECT id FROM open_orders WHERE customer_id = ?")],
    )
    .await;
    let found = of(&out, "missing_index");
    assert_eq!(found.len(), 1, "{:#?}", out.findings);
    assert_eq!(found[0].table.as_deref(), Some("orders"));
    // The view's columns are not traced back to the table's: no candidate,
    // so no fix rather than a guess.
    assert_eq!(
        found[0].evidence.verification,
        Some(Verification::Unverified),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].fix_sql, None);
}

#[tokio::test]
async fn malformed_queries_are_skipped_with_a_notice() {
    let db = Db::new(ORDERS).await;
    let queries = vec![
        q(1, "SELEC oops"),
        q(2, "SELECT * FROM nope WHERE x = 1"),
        q(3, "SELECT 1; SELECT 2"),
        q(4, ""),
        q(5, "SELECT * FROM orders WHERE status = 'open'"),
    ];
    let out = run(&db, queries).await;
    let notice = out
        .notices
        .iter()
        .find(|n| n.check == "missing_index")
        .expect("a notice");
    assert!(
        notice
            .message
            .starts_with("4 workspace queries could not be planned"),
        "{}",
        notice.message
    );
    assert!(notice.message.contains("queries/app.sql:2"), "{}", notice.message);
    // The good query is still planned.
    assert_eq!(of(&out, "missing_index").len(), 1, "{:#?}", out.findings);
}

#[tokio::test]
async fn the_database_file_is_opened_read_only_and_left_as_it_was() {
    let db = Db::new(ORDERS).await;
    let before = std::fs::read(db.file()).unwrap();
    let out = run(&db, vec![q(1, "SELECT * FROM orders WHERE status = ?")]).await;
    assert_eq!(of(&out, "missing_index").len(), 1);
    assert_eq!(std::fs::read(db.file()).unwrap(), before);
    assert!(!db.dir.path().join("app.db-wal").exists());
}

#[tokio::test]
async fn a_missing_file_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nope.db");
    let req = RunRequest {
        allow_untrusted_functions: false,
        thresholds: Thresholds::default(),
        only: Vec::new(),
        queries: Vec::new(),
    };
    let mut step = |_: &str| -> shipdeck_base::error::Result<()> { Ok(()) };
    let err = sqlite::run(&target_for(&file, dir.path()), &req, &mut step)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "database.unreachable");
    assert!(err.to_string().contains("nope.db"), "{err}");
    assert!(!file.exists(), "the advisor created the file");
}

#[tokio::test]
async fn only_the_requested_checks_run_and_cancel_stops_the_run() {
    let db = Db::new(
        "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));
         CREATE INDEX b_x ON b (a_id); CREATE INDEX b_y ON b (a_id);",
    )
    .await;
    let req = RunRequest {
        allow_untrusted_functions: false,
        thresholds: Thresholds::default(),
        only: vec!["duplicate_index".into()],
        queries: Vec::new(),
    };
    let mut seen = Vec::new();
    let mut step = |id: &str| -> shipdeck_base::error::Result<()> {
        seen.push(id.to_string());
        Ok(())
    };
    let out = sqlite::run(&db.target(), &req, &mut step).await.unwrap();
    assert_eq!(seen, ["duplicate_index"]);
    assert_eq!(
        shipdeck_advisor::counts_by_check(&out.findings)
            .into_iter()
            .collect::<Vec<_>>(),
        [("duplicate_index".to_string(), 1)]
    );
    let all = RunRequest {
        allow_untrusted_functions: false,
        only: Vec::new(),
        ..req
    };
    let mut cancel =
        |_: &str| -> shipdeck_base::error::Result<()> { Err(shipdeck_base::error::Error::Cancelled) };
    let err = sqlite::run(&db.target(), &all, &mut cancel).await.unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
}

#[tokio::test]
async fn suggest_verifies_its_index_on_a_scratch_copy() {
    let db = Db::new(ORDERS).await;
    let t = Thresholds::default();
    let s = sqlite::suggest(
        &db.target(),
        "SELECT * FROM orders WHERE status = 'open' AND customer_id = 7",
        &t,
    )
    .await
    .unwrap();
    let ix = s.index.expect("an index");
    assert_eq!(ix.table, "orders");
    assert_eq!(ix.columns, ["status", "customer_id"]);
    assert_eq!(s.verification, Verification::ScratchCopy);
    assert!(s.plan_before.as_deref().unwrap().contains("SCAN orders"));
    assert!(s
        .plan_after
        .as_deref()
        .unwrap()
        .contains("SEARCH orders USING INDEX orders_status_customer_id_idx"));

    let done = sqlite::suggest(&db.target(), "SELECT * FROM orders WHERE id = 3", &t)
        .await
        .unwrap();
    assert!(done.index.is_none());
    assert_eq!(done.verification, Verification::Unverified);

    let bad = sqlite::suggest(&db.target(), "SELEC nothing", &t)
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "advisor.parse");
    let missing = sqlite::suggest(&db.target(), "SELECT * FROM nope", &t)
        .await
        .unwrap_err();
    assert_eq!(missing.code(), "advisor.explain");
    assert_eq!(Engine::Sqlite, db.target().engine);
}
