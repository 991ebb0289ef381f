//! Hostile catalog names (newlines, quotes, dots, commas, semicolons,
//! non-ASCII) through `advisor run`, `advisor accept` and `migrate up`: the
//! migration changes the table the finding was about and nothing else.

use super::{of_check, AdvisorWs};
use crate::migrate::{Kind, TestDb};
use crate::util::assert_code;

/// Table names that once ended the migration's `--` comment or split into
/// several identifiers.
const NAMES: &[&str] = &[
    "evil\nDROP TABLE victim; --",
    "evil\rDROP TABLE victim; --",
    "quo'te\"back`tick",
    "dot.ted",
    "com,ma",
    "semi;colon",
    "ünïcødé_表_テーブル",
];

fn pg_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn pg_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn my_ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// Accepts every finding of `check` and applies the migrations.
fn accept_all(ws: &AdvisorWs, check: &str, expected: usize) -> Vec<serde_json::Value> {
    let findings = ws.findings(&["--check", check]);
    let found: Vec<serde_json::Value> = of_check(&findings, check).into_iter().cloned().collect();
    assert_eq!(found.len(), expected, "{findings:#?}");
    for f in &found {
        let key = f["key"].as_str().unwrap();
        ws.json(&["advisor", "accept", key], 0);
    }
    let up = ws.run(&["migrate", "up"]);
    assert_code(&up, 0);
    found
}

#[test]
fn catalog_names_with_newlines_do_not_inject_sql_on_postgres() {
    let db = TestDb::new(Kind::Postgres);
    let mut setup = String::from(
        "CREATE TABLE victim (id int PRIMARY KEY); CREATE TABLE parent (id int PRIMARY KEY);
         CREATE SCHEMA \"odd.schema\";",
    );
    for (i, name) in NAMES.iter().enumerate() {
        setup.push_str(&format!(
            "CREATE TABLE {t} (id int PRIMARY KEY, {c} int REFERENCES parent (id));",
            t = pg_ident(name),
            c = pg_ident(&format!("ref,{i}\"x\n")),
        ));
    }
    // The same name in another schema whose name holds a dot, and a table
    // without a primary key.
    setup.push_str(&format!(
        "CREATE TABLE \"odd.schema\".{t} (id int PRIMARY KEY, parent_id int REFERENCES parent (id));
         CREATE TABLE {nopk} (v int);",
        t = pg_ident(NAMES[0]),
        nopk = pg_ident("nopk\nDROP TABLE victim; --"),
    ));
    db.exec(&setup);
    let ws = AdvisorWs::new(&db.url, "");

    let fks = accept_all(&ws, "foreign_key_without_index", NAMES.len() + 1);
    accept_all(&ws, "no_primary_key", 1);

    assert!(db.has_table("victim"), "victim was dropped");
    assert!(
        fks.iter().any(|f| f["relation"]["schema"] == "odd.schema"
            && f["relation"]["name"] == NAMES[0]
            && f["table"] == format!("odd.schema.{}", NAMES[0])),
        "{fks:#?}"
    );
    for name in NAMES {
        let indexed = db.scalar(&format!(
            "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relname = {} AND NOT i.indisprimary",
            pg_lit(name)
        ));
        assert_eq!(indexed, 1, "no index on {name:?}");
    }
    let other = db.scalar(&format!(
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'odd.schema' AND c.relname = {} AND NOT i.indisprimary",
        pg_lit(NAMES[0])
    ));
    assert_eq!(other, 1, "no index on the table in \"odd.schema\"");
    let pk = db.scalar(
        "SELECT count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         WHERE c.relname = 'nopk' || chr(10) || 'DROP TABLE victim; --' AND k.contype = 'p'",
    );
    assert_eq!(pk, 1, "the primary key went to another table");
    assert!(ws.findings(&["--check", "foreign_key_without_index"]).is_empty());
}

#[test]
fn catalog_names_with_newlines_do_not_inject_sql_on_sqlite() {
    let db = TestDb::new(Kind::Sqlite);
    std::fs::File::create(db.sqlite_file()).unwrap();
    let mut setup = String::from(
        "CREATE TABLE victim (id INTEGER PRIMARY KEY); CREATE TABLE parent (id INTEGER PRIMARY KEY);",
    );
    for (i, name) in NAMES.iter().enumerate() {
        setup.push_str(&format!(
            "CREATE TABLE {t} (id INTEGER PRIMARY KEY, {c} INTEGER REFERENCES parent (id));",
            t = pg_ident(name),
            c = pg_ident(&format!("ref,{i}\"x\n")),
        ));
    }
    db.exec(&setup);
    let ws = AdvisorWs::new(&db.url, "");
    accept_all(&ws, "foreign_key_without_index", NAMES.len());
    assert!(db.has_table("victim"), "victim was dropped");
    for name in NAMES {
        let indexed = db.scalar(&format!(
            "SELECT count(*) FROM pragma_index_list({}) WHERE origin = 'c'",
            pg_lit(name)
        ));
        assert_eq!(indexed, 1, "no index on {name:?}");
    }
}

#[test]
fn catalog_names_with_newlines_do_not_inject_sql_on_mariadb() {
    let db = TestDb::new(Kind::Mariadb);
    db.exec("CREATE TABLE victim (id INT PRIMARY KEY)");
    // MariaDB refuses some of the names in file-system-backed places
    // (a trailing space, a dot in some versions): the ones it accepts.
    let mut names = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let sql = format!(
            "CREATE TABLE {t} (id INT PRIMARY KEY, a INT, b INT, INDEX {i1} (a), INDEX {i2} (a, b))",
            t = my_ident(name),
            i1 = my_ident(&format!("ix{i}\n; DROP TABLE victim; --")),
            i2 = my_ident(&format!("ix{i}_ab")),
        );
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| db.exec(&sql))).is_ok();
        if ok {
            names.push(*name);
        }
    }
    assert!(names.contains(&NAMES[0]), "MariaDB took no name with a newline");
    db.exec(&format!(
        "CREATE TABLE {} (v INT)",
        my_ident("nopk\nDROP TABLE victim; --")
    ));
    let ws = AdvisorWs::new(&db.url, "");
    accept_all(&ws, "duplicate_index", names.len());
    accept_all(&ws, "no_primary_key", 1);
    assert!(db.has_table("victim"), "victim was dropped");
    for (i, name) in NAMES.iter().enumerate().filter(|(_, n)| names.contains(n)) {
        let left = db.scalar(&format!(
            "SELECT count(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND INDEX_NAME <> 'PRIMARY'",
            pg_lit(&name.replace('\\', "\\\\"))
        ));
        assert_eq!(left, 1, "{name:?} (#{i}) should keep only its (a, b) index");
    }
    let pk = db.scalar(
        "SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE()
         AND TABLE_NAME = CONCAT('nopk', CHAR(10), 'DROP TABLE victim; --') AND CONSTRAINT_TYPE = 'PRIMARY KEY'",
    );
    assert_eq!(pk, 1, "the primary key went to another table");
    assert!(ws.findings(&["--check", "no_primary_key"]).is_empty());
}
