//! The MariaDB/MySQL advisor against a real server (the test kit's: a
//! private MariaDB, or `SHIPDECK_TEST_MARIADB`): each test works in a
//! database of its own, dropped at the end even when the test fails.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::path::Path;

use shipdeck_advisor::{mysql, Finding, Outcome, RunRequest, Thresholds, Verification};
use shipdeck_base::config::UrlSource;
use shipdeck_migrations::target::{DatabaseSpec, Target};
use sqlx::mysql::MySqlConnection;
use sqlx::{Connection, Row};

fn admin_url() -> String {
    shipdeck_testkit::mariadb::server().url.clone()
}

/// A database of the test's own; dropped on drop.
struct TestDb {
    url: String,
    _db: shipdeck_testkit::Database,
}

impl TestDb {
    async fn new() -> TestDb {
        let db = shipdeck_testkit::mariadb::server().database("advisor");
        TestDb {
            url: db.url.clone(),
            _db: db,
        }
    }

    async fn exec(&self, sql: &str) {
        let mut c = MySqlConnection::connect(&self.url).await.unwrap();
        sqlx::raw_sql(sql)
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        c.close().await.unwrap();
    }

    fn target(&self) -> Target {
        target_for(&self.url)
    }

    async fn run(&self, req: &RunRequest) -> Outcome {
        let mut step = |_: &str| -> shipdeck_base::error::Result<()> { Ok(()) };
        let out = mysql::run(&self.target(), req, &mut step).await.unwrap();
        assert!(out.findings.iter().all(|f| !f.key.is_empty()));
        out
    }
}

fn target_for(url: &str) -> Target {
    let spec = DatabaseSpec {
        name: "t".into(),
        source: UrlSource::Literal(url.into()),
        folder: "migrations".into(),
    };
    Target::new(&spec, url, Path::new("/tmp")).unwrap()
}

fn all() -> RunRequest {
    RunRequest {
        allow_untrusted_functions: false,
        thresholds: Thresholds::default(),
        only: Vec::new(),
        queries: Vec::new(),
    }
}

fn of<'a>(out: &'a Outcome, check: &str) -> Vec<&'a Finding> {
    out.findings.iter().filter(|f| f.check == check).collect()
}

/// `orders` with 5,000 rows and no index but the primary key.
const ORDERS: &str = "
    CREATE TABLE digits (n INT NOT NULL PRIMARY KEY);
    INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
    CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,
                         status VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL);
    INSERT INTO orders (customer_id, status, created_at)
        SELECT a.n * 100 + b.n * 10 + c.n, IF(d.n % 3 = 0, 'open', 'closed'), '2026-01-01' + INTERVAL a.n DAY
        FROM digits a, digits b, digits c, digits d WHERE d.n < 5;
    ANALYZE TABLE orders;
";

async fn performance_schema_on() -> bool {
    let mut c = MySqlConnection::connect(&admin_url()).await.unwrap();
    let on: i64 = sqlx::query("SELECT CAST(@@performance_schema AS SIGNED)")
        .fetch_one(&mut c)
        .await
        .unwrap()
        .get(0);
    on == 1
}

#[tokio::test]
async fn duplicate_indexes_are_found_and_their_fix_drops_them() {
    let db = TestDb::new().await;
    db.exec(
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, c INT, d INT,
                         KEY a (a), KEY ab (a, b), KEY ab2 (a, b), UNIQUE KEY u_c (c), KEY c_plain (c),
                         UNIQUE KEY u_d (d), KEY d_a (d, a), KEY id_idx (id), KEY b_prefix (b));
         CREATE TABLE `order` (id INT PRIMARY KEY, x INT, y INT, KEY x (x), KEY xy (x, y));
         CREATE TABLE names (id INT PRIMARY KEY, s VARCHAR(50), KEY s10 (s(10)), KEY s_full (s));",
    )
    .await;
    let out = db.run(&all()).await;
    let found = of(&out, "duplicate_index");
    let mut dropped: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.table.as_deref().unwrap(), f.index.as_deref().unwrap()))
        .collect();
    dropped.sort();
    assert_eq!(
        dropped,
        [
            ("order", "x"),
            ("t", "a"),
            ("t", "ab2"),
            ("t", "c_plain"),
            ("t", "id_idx")
        ]
    );
    let x = found.iter().find(|f| f.index.as_deref() == Some("x")).unwrap();
    assert_eq!(x.fix_sql.as_deref(), Some("DROP INDEX x ON `order`;"));
    assert!(x.message.contains("covered by xy"), "{}", x.message);
    assert_eq!(x.evidence.get("columns"), Some(1.0));
    assert_eq!(x.columns, ["x"]);

    db.exec(x.fix_sql.as_deref().unwrap()).await;
    let again = db.run(&all()).await;
    assert!(!of(&again, "duplicate_index")
        .iter()
        .any(|f| f.index.as_deref() == Some("x")));
    assert_eq!(of(&again, "duplicate_index").len(), 4);
}

#[tokio::test]
async fn tables_without_a_primary_key_get_an_id_column_unless_they_have_one() {
    let db = TestDb::new().await;
    db.exec(
        "CREATE TABLE events (kind VARCHAR(10), at DATETIME);
         CREATE TABLE legacy (id INT, v INT);
         CREATE TABLE fine (id INT PRIMARY KEY, v INT);
         CREATE VIEW fine_view AS SELECT v FROM fine;",
    )
    .await;
    let out = db.run(&all()).await;
    let found = of(&out, "no_primary_key");
    let tables: Vec<&str> = found.iter().map(|f| f.table.as_deref().unwrap()).collect();
    assert_eq!(tables, ["events", "legacy"]);
    let fix = found[0].fix_sql.clone().unwrap();
    assert_eq!(
        fix,
        "ALTER TABLE events ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST;"
    );
    assert!(found[0].migration);
    assert_eq!(found[1].fix_sql, None);
    assert!(
        found[1].message.contains("column named id"),
        "{}",
        found[1].message
    );

    db.exec(&fix).await;
    let again = db.run(&all()).await;
    let tables: Vec<&str> = of(&again, "no_primary_key")
        .iter()
        .map(|f| f.table.as_deref().unwrap())
        .collect();
    assert_eq!(tables, ["legacy"]);
}

#[tokio::test]
async fn suggest_names_the_filtered_column_and_knows_when_it_is_indexed() {
    let db = TestDb::new().await;
    db.exec(ORDERS).await;
    let t = Thresholds::default();
    let s = mysql::suggest(
        &db.target(),
        "SELECT o.id FROM orders AS o WHERE o.customer_id = ? LIMIT ?",
        &t,
    )
    .await
    .unwrap();
    let ix = s.index.expect("an index");
    assert_eq!(
        (ix.table.as_str(), ix.columns.as_slice()),
        ("orders", &["customer_id".to_string()][..])
    );
    assert_eq!(
        ix.sql,
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id);"
    );
    assert_eq!(s.verification, Verification::Unverified);
    assert!(s.cost_before.unwrap() >= 1000.0, "{:?}", s.cost_before);
    assert_eq!(s.cost_after, None);
    let plan = s.plan_before.unwrap();
    assert!(
        plan.lines().next().unwrap().contains("select_type") && plan.contains("ALL"),
        "{plan}"
    );

    // Equality first, then the range column.
    let s = mysql::suggest(
        &db.target(),
        "SELECT * FROM orders WHERE created_at > '2026-01-05' AND status = 'open'",
        &t,
    )
    .await
    .unwrap();
    assert_eq!(s.index.unwrap().columns, ["status", "created_at"]);

    db.exec(&ix.sql).await;
    let s = mysql::suggest(
        &db.target(),
        "SELECT o.id FROM orders AS o WHERE o.customer_id = 42",
        &t,
    )
    .await
    .unwrap();
    assert!(s.index.is_none(), "{:?}", s.index);
    assert!(s.message.starts_with("Already indexed"), "{}", s.message);

    let e = mysql::suggest(&db.target(), "SELEC nothing", &t)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "advisor.parse");
    let e = mysql::suggest(&db.target(), "SELECT * FROM missing WHERE a = 1", &t)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "advisor.explain");
}

#[tokio::test]
async fn performance_schema_checks_follow_the_server_state() {
    let db = TestDb::new().await;
    db.exec(ORDERS).await;
    db.exec("CREATE INDEX orders_created ON orders (created_at)")
        .await;
    for _ in 0..3 {
        db.exec("SELECT id FROM orders WHERE status = 'open' LIMIT 5")
            .await;
    }
    let mut req = all();
    req.thresholds.slow_query_calls = 1.0;
    req.thresholds.slow_query_ms = 0.0;
    let out = db.run(&req).await;
    let ps_checks = ["unused_index", "full_table_scan", "slow_query"];
    if performance_schema_on().await {
        assert!(out.notices.is_empty(), "{:#?}", out.notices);
        let scan = of(&out, "full_table_scan")
            .into_iter()
            // MariaDB prints keyword-like identifiers bare and upper-case:
            // `SELECT ID FROM `orders` WHERE STATUS = ? LIMIT ?`.
            .find(|f| {
                f.evidence
                    .query
                    .as_deref()
                    .is_some_and(|q| q.to_uppercase().contains("STATUS` = ?") || q.contains("STATUS = ?"))
            })
            .unwrap_or_else(|| panic!("{:#?}", out.findings));
        assert_eq!(scan.columns, ["status"]);
        assert_eq!(
            scan.fix_sql.as_deref(),
            Some("CREATE INDEX orders_status_idx ON orders (status);")
        );
        assert_eq!(scan.evidence.verification, Some(Verification::Unverified));
        assert!(scan.evidence.get("calls").unwrap() >= 3.0);
        let unused = of(&out, "unused_index");
        assert!(
            unused
                .iter()
                .any(|f| f.index.as_deref() == Some("orders_created")),
            "{unused:#?}"
        );
        assert!(!of(&out, "slow_query").is_empty());
        assert!(!out.metrics.queries.is_empty());
    } else {
        // The connection notice (the tests connect as root) aside.
        let ps_notices: Vec<_> = out.notices.iter().filter(|n| n.check != "connection").collect();
        let noticed: Vec<&str> = ps_notices.iter().map(|n| n.check.as_str()).collect();
        assert_eq!(noticed, ps_checks);
        assert!(ps_notices
            .iter()
            .all(|n| n.hint.contains("performance_schema=ON")));
        assert!(out
            .findings
            .iter()
            .all(|f| !ps_checks.contains(&f.check.as_str())));
        assert!(out.metrics.queries.is_empty());
    }
    let orders = out
        .metrics
        .tables
        .iter()
        .find(|t| t.table == "orders")
        .expect("orders in metrics");
    assert!(orders.bytes > 0.0 && orders.rows > 1000.0, "{orders:?}");
    let hit = out.metrics.cache_hit_pct.expect("InnoDB has served reads");
    assert!((0.0..=100.0).contains(&hit), "{hit}");
}

#[tokio::test]
async fn only_the_requested_checks_run() {
    let db = TestDb::new().await;
    db.exec("CREATE TABLE a (v INT, KEY v1 (v), KEY v2 (v))").await;
    let req = RunRequest {
        allow_untrusted_functions: false,
        only: vec!["no_primary_key".into()],
        ..all()
    };
    let mut seen = Vec::new();
    let mut step = |id: &str| -> shipdeck_base::error::Result<()> {
        seen.push(id.to_string());
        Ok(())
    };
    let out = mysql::run(&db.target(), &req, &mut step).await.unwrap();
    assert_eq!(seen, ["no_primary_key"]);
    assert!(
        out.notices.iter().all(|n| n.check == "connection"),
        "{:?}",
        out.notices
    );
    assert_eq!(
        out.findings.iter().map(|f| f.check.as_str()).collect::<Vec<_>>(),
        ["no_primary_key"]
    );
}

#[tokio::test]
async fn an_unreachable_server_is_reported_without_its_password() {
    let url = "mysql://app:s3cr3t-pw@127.0.0.1:1/nope";
    let mut step = |_: &str| -> shipdeck_base::error::Result<()> { Ok(()) };
    let err = mysql::run(&target_for(url), &all(), &mut step).await.unwrap_err();
    assert_eq!(err.code(), "database.unreachable");
    assert!(!err.to_string().contains("s3cr3t-pw"), "{err}");
    let err = mysql::suggest(
        &target_for(url),
        "SELECT 1 FROM t WHERE a = 1",
        &Thresholds::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "database.unreachable");
}
