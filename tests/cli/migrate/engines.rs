//! What a failing migration leaves behind on each engine, dirty state and
//! repair on MariaDB, and `CREATE INDEX CONCURRENTLY` on PostgreSQL.

use super::{error_code, Kind, Ws};

fn failing(ws: &Ws) {
    ws.migration("1_users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY);\n");
    ws.migration(
        "2_broken.sql",
        "-- creates a table, then fails\nCREATE TABLE half (id BIGINT);\nINSERT INTO half VALUES (1);\nSELECT no_such_column\n  FROM half;\n",
    );
}

fn failing_leaves_nothing(kind: Kind) {
    let ws = Ws::new(kind);
    failing(&ws);
    let v = ws.json(&["up"], 1);
    assert_eq!(v["code"], "migrations.failed");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("migration 2 failed at line 4"), "{message}");
    assert!(message.contains("no_such_column"), "{message}");
    assert!(v["hint"]
        .as_str()
        .unwrap()
        .contains("Nothing of this migration was kept"));
    assert!(ws.db.has_table("users"), "1 stays applied");
    assert!(!ws.db.has_table("half"), "2 must leave nothing behind");
    assert_eq!(ws.db.rows(), [(1, true)]);
    let audit = ws.audit();
    let entry = audit.iter().find(|e| e["action"] == "migrate.up").unwrap();
    assert!(
        entry["detail"]
            .as_str()
            .unwrap()
            .contains("\"outcome\":\"failed\""),
        "{entry}"
    );
    // Fixed, it runs.
    ws.migration("2_broken.sql", "CREATE TABLE half (id BIGINT);\n");
    ws.json(&["up"], 0);
    assert_eq!(ws.applied(), [1, 2]);
}

#[test]
fn failing_migration_leaves_postgres_as_it_was() {
    failing_leaves_nothing(Kind::Postgres);
}

#[test]
fn failing_migration_leaves_sqlite_as_it_was() {
    failing_leaves_nothing(Kind::Sqlite);
}

#[test]
fn failing_ddl_on_mariadb_is_dirty_until_repaired() {
    let ws = Ws::new(Kind::Mariadb);
    failing(&ws);
    ws.migration("3_more.sql", "CREATE TABLE more_things (id BIGINT);\n");
    let v = ws.json(&["up"], 1);
    assert_eq!(v["code"], "migrations.failed");
    assert!(v["message"].as_str().unwrap().contains("line 4"), "{v}");
    assert!(v["hint"].as_str().unwrap().contains("repair 2"), "{v}");
    // MariaDB committed the CREATE TABLE: the row says dirty.
    assert!(ws.db.has_table("half"));
    let table = ws.table();
    assert_eq!(table[1], (2, false, true, "ok".to_string()));
    assert!(!table[2].1, "3 did not run");
    // Nothing moves while it is dirty.
    assert_eq!(error_code(&ws, &["up"]).0, "migrations.dirty");
    assert_eq!(error_code(&ws, &["down"]).0, "migrations.dirty");
    assert_eq!(error_code(&ws, &["repair", "1"]).0, "migrations.not_dirty");

    // The DBA finishes it by hand and marks it applied.
    ws.db.exec("INSERT INTO half VALUES (1)");
    ws.json(&["repair", "2"], 0);
    assert_eq!(ws.table()[1], (2, true, false, "ok".to_string()));
    ws.json(&["up"], 0);
    assert!(ws.db.has_table("more_things"));
    assert!(ws.audit().iter().any(|e| e["action"] == "migrate.repair"));
}

#[test]
fn mariadb_repair_can_forget_or_rerun_a_dirty_migration() {
    let ws = Ws::new(Kind::Mariadb);
    failing(&ws);
    ws.json(&["up"], 1);
    // Undo by hand, forget it, fix the file, run again.
    ws.db.exec("DROP TABLE half");
    ws.json(&["repair", "2", "--not-applied"], 0);
    assert_eq!(ws.db.rows(), [(1, true)]);
    ws.migration(
        "2_broken.sql",
        "CREATE TABLE half (id BIGINT);\nINSERT INTO half VALUES (1);\n",
    );
    ws.json(&["up"], 0);
    assert_eq!(ws.applied(), [1, 2]);

    // --rerun: a migration that failed on a missing table runs again once
    // the table exists.
    ws.migration(
        "3_copy.sql",
        "CREATE TABLE copy_target (id BIGINT);\nINSERT INTO copy_target SELECT id FROM staging;\n",
    );
    ws.json(&["up"], 1);
    assert_eq!(ws.table()[2], (3, false, true, "ok".to_string()));
    ws.db.exec("DROP TABLE copy_target");
    ws.db.exec("CREATE TABLE staging (id BIGINT)");
    ws.db.exec("INSERT INTO staging VALUES (7)");
    let r = ws.json(&["repair", "3", "--rerun"], 0);
    assert_eq!(r["action"], "rerun");
    assert_eq!(ws.table()[2], (3, true, false, "ok".to_string()));
    assert_eq!(ws.db.scalar("SELECT COUNT(*) FROM copy_target"), 1);
}

#[test]
fn failing_dml_on_mariadb_rolls_back_and_is_not_dirty() {
    let ws = Ws::new(Kind::Mariadb);
    ws.migration("1_users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY);\n");
    ws.migration(
        "2_seed.sql",
        "INSERT INTO users VALUES (1);\nINSERT INTO users VALUES (1);\n",
    );
    let v = ws.json(&["up"], 1);
    assert!(v["message"].as_str().unwrap().contains("line 2"), "{v}");
    assert!(
        v["hint"]
            .as_str()
            .unwrap()
            .contains("Nothing of this migration was kept"),
        "{v}"
    );
    assert_eq!(ws.db.scalar("SELECT COUNT(*) FROM users"), 0);
    assert_eq!(ws.db.rows(), [(1, true)]);
}

#[test]
fn create_index_concurrently_runs_without_a_transaction() {
    let ws = Ws::new(Kind::Postgres);
    ws.migration("1_users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\nINSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 1000) g;\n");
    ws.migration(
        "2_email_index.sql",
        "-- shipdeck:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\nCREATE INDEX CONCURRENTLY users_email_id ON users (email, id);\n",
    );
    ws.json(&["up"], 0);
    let valid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('users_email', 'users_email_id') AND i.indisvalid";
    assert_eq!(ws.db.scalar(valid), 2);
    let row = &ws.status()["migrations"][1];
    assert_eq!(row["no_transaction"], true);
    assert_eq!(row["applied"], true);

    // Without the marker it runs in a transaction, which PostgreSQL refuses:
    // the error is clear and nothing is left.
    ws.migration(
        "3_other_index.sql",
        "CREATE INDEX CONCURRENTLY users_id_email ON users (id, email);\n",
    );
    let v = ws.json(&["up"], 1);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("cannot run inside a transaction block"),
        "{v}"
    );
    assert_eq!(ws.db.rows().len(), 2);
}

#[test]
fn failing_no_transaction_migration_is_dirty_on_postgres() {
    let ws = Ws::new(Kind::Postgres);
    ws.migration(
        "1_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\n",
    );
    ws.migration(
        "2_indexes.sql",
        "-- shipdeck:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\nCREATE INDEX CONCURRENTLY broken ON users (nope);\n",
    );
    let v = ws.json(&["up"], 1);
    assert!(v["message"].as_str().unwrap().contains("line 3"), "{v}");
    assert_eq!(ws.table()[1], (2, false, true, "ok".to_string()));
    // The first index was built: that is why it is dirty, not clean.
    assert_eq!(
        ws.db
            .scalar("SELECT COUNT(*) FROM pg_class WHERE relname = 'users_email'"),
        1
    );
}
