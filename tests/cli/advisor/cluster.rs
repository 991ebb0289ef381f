//! The private PostgreSQL 15 cluster of this test process (the test kit's,
//! `shipdeck_testkit::postgres::private`: pg_stat_statements and pg_qualstats
//! preloaded, HypoPG available), used whatever `SHIPDECK_TEST_POSTGRES` says
//! because the advisor's checks need those extensions.
//!
//! Each test takes a database of its own with [`database`].
//! pg_stat_statements and pg_qualstats are cluster-wide (every query is
//! sampled): tests should only look at the rows of their own database.

pub use shipdeck_testkit::block_on;
pub use shipdeck_testkit::Database as TestDb;

use sqlx::{Connection, PgConnection};

/// The cluster's administrator URL (`postgres` superuser, trust auth).
pub fn admin_url() -> &'static str {
    &shipdeck_testkit::postgres::private().url
}

/// A new database with pg_stat_statements, hypopg and pg_qualstats created
/// in it, dropped when the value is dropped.
pub fn database(prefix: &str) -> TestDb {
    let db = shipdeck_testkit::postgres::private().database(prefix);
    db.exec("CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg; CREATE EXTENSION pg_qualstats;");
    db
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

#[test]
fn private_cluster_has_the_extensions() {
    let db = database("advisor_cluster");
    db.exec(
        "CREATE TABLE t (id bigserial PRIMARY KEY, a int NOT NULL, b text);
         INSERT INTO t (a, b) SELECT g % 100, 'row ' || g FROM generate_series(1, 2000) g;
         ANALYZE t;",
    );
    for _ in 0..3 {
        db.exec("SELECT count(*) FROM t WHERE a = 42");
    }

    // pg_stat_statements: the statements above, normalised.
    let statements = db.scalar(
        "SELECT count(*) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = current_database() AND s.query LIKE '%FROM t WHERE a = $1%'",
    );
    assert_eq!(statements, 1, "pg_stat_statements has no row for the query");
    let calls = db.scalar(
        "SELECT sum(calls)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = current_database() AND s.query LIKE '%FROM t WHERE a = $1%'",
    );
    assert_eq!(calls, 3);

    // pg_qualstats (every query sampled): the predicate on t.a.
    let quals = db.scalar(
        "SELECT count(*) FROM pg_qualstats_all a JOIN pg_attribute att
           ON att.attrelid = a.relid AND att.attnum = ANY (a.attnums)
         WHERE a.relid = 't'::regclass AND att.attname = 'a'",
    );
    assert!(quals > 0, "pg_qualstats saw no predicate on t.a");

    // hypopg: a hypothetical index the planner uses, in one session.
    let url = db.url.clone();
    let plan = block_on(move || async move {
        let mut c = connect(&url).await;
        let created: i64 =
            sqlx::query_scalar("SELECT count(*) FROM hypopg_create_index('CREATE INDEX ON t (a)')")
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(created, 1);
        let lines: Vec<String> = sqlx::query_scalar("EXPLAIN SELECT * FROM t WHERE a = 42")
            .fetch_all(&mut c)
            .await
            .unwrap();
        lines.join("\n")
    });
    assert!(
        plan.contains("btree_t_a"),
        "the plan does not use the hypothetical index:\n{plan}"
    );
}
