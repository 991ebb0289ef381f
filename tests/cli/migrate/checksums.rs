//! Checksums: line-ending-only edits are named as such, real edits are
//! shown as a diff and block `up` until accepted, missing files are named.

use super::{error_code, three_migrations, Kind, Ws};

#[test]
fn crlf_and_trailing_newline_are_not_reported_as_changes() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.json(&["up"], 0);
    let lf = std::fs::read_to_string(ws.root().join("db/migrations/1_users.up.sql")).unwrap();
    ws.migration("1_users.up.sql", &lf.replace('\n', "\r\n"));
    ws.migration(
        "2_projects.up.sql",
        "CREATE TABLE projects (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL);",
    );
    let s = ws.status();
    let rows = s["migrations"].as_array().unwrap();
    assert_eq!(rows[0]["checksum"], "ok");
    assert_eq!(rows[0]["checksum_note"], "line_endings");
    assert_eq!(rows[1]["checksum"], "ok");
    assert_eq!(rows[1]["checksum_note"], "trailing_newline");
    assert!(rows[2]["checksum_note"].is_null());
    // And they do not block anything.
    ws.migration("4_tags.sql", "CREATE TABLE tags (id INTEGER);\n");
    ws.json(&["up"], 0);
    assert_eq!(ws.applied(), [1, 2, 3, 4]);
}

#[test]
fn a_real_change_shows_a_diff_blocks_up_and_can_be_accepted() {
    let ws = Ws::new(Kind::Postgres);
    three_migrations(&ws);
    ws.json(&["up"], 0);
    ws.migration(
        "2_projects.up.sql",
        "CREATE TABLE projects (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL, name TEXT);\n",
    );
    ws.migration("4_tags.sql", "CREATE TABLE tags (id BIGINT);\n");
    assert_eq!(ws.table()[1].3, "changed");
    let (code, message) = error_code(&ws, &["up"]);
    assert_eq!(code, "migrations.checksum_changed");
    assert!(message.contains("migration 2"), "{message}");
    assert!(!ws.db.has_table("tags"));

    let show = ws.json(&["show", "2"], 0);
    let diff = show["diff"].as_str().expect("a diff against the applied SQL");
    assert!(
        diff.contains("-CREATE TABLE projects (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL);"),
        "{diff}"
    );
    assert!(
        diff.contains("+CREATE TABLE projects (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL, name TEXT);"),
        "{diff}"
    );

    let r = ws.json(&["repair", "--checksum", "2"], 0);
    assert_ne!(r["previous_checksum"], r["checksum"]);
    assert_eq!(ws.table()[1].3, "ok");
    ws.json(&["up"], 0);
    assert!(ws.db.has_table("tags"));
}

#[test]
fn an_applied_migration_without_its_file_is_named() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.json(&["up", "--to", "2"], 0);
    std::fs::remove_file(ws.root().join("db/migrations/1_users.up.sql")).unwrap();
    std::fs::remove_file(ws.root().join("db/migrations/1_users.down.sql")).unwrap();
    let s = ws.status();
    assert_eq!(s["migrations"][0]["checksum"], "missing_file");
    assert_eq!(s["migrations"][0]["description"], "users", "from the table");
    assert_eq!(error_code(&ws, &["up"]).0, "migrations.missing_file");
    ws.json(&["up", "--ignore-missing"], 0);
    assert_eq!(ws.applied(), [1, 2, 3]);
}
