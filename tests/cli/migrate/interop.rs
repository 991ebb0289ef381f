//! sqlx-cli and Shipdeck read and write the same `_sqlx_migrations`, both
//! ways, on every engine.

use std::path::PathBuf;
use std::process::Command;

use super::{three_migrations, Kind, Ws};
use crate::util::{assert_code, text};

fn sqlx() -> PathBuf {
    shipdeck_testkit::cargo_tool("sqlx-cli", "SQLX_CLI_VERSION", "sqlx")
}

fn sqlx_migrate(ws: &Ws, args: &[&str]) -> String {
    let out = Command::new(sqlx())
        .arg("migrate")
        .args(args)
        .args(["--source", "db/migrations", "--database-url", &ws.db.url])
        .current_dir(ws.root())
        .output()
        .unwrap();
    assert_code(&out, 0);
    text(&out.stdout)
}

fn shipdeck_then_sqlx(kind: Kind) {
    let ws = Ws::new(kind);
    three_migrations(&ws);
    ws.json(&["up"], 0);
    let info = sqlx_migrate(&ws, &["info"]);
    for v in [
        "1/installed users",
        "2/installed projects",
        "3/installed index owner",
    ] {
        assert!(info.contains(v), "{v} missing in sqlx's view:\n{info}");
    }
    assert!(!info.contains("different checksum"), "{info}");
    // sqlx has nothing to do, and checks our checksums doing so.
    sqlx_migrate(&ws, &["run"]);
    assert_eq!(ws.db.rows(), [(1, true), (2, true), (3, true)]);
    // sqlx can roll back what Shipdeck applied.
    sqlx_migrate(&ws, &["revert"]);
    assert_eq!(ws.applied(), [1, 2]);
}

fn sqlx_then_shipdeck(kind: Kind) {
    let ws = Ws::new(kind);
    three_migrations(&ws);
    if kind == Kind::Sqlite {
        let out = Command::new(sqlx())
            .args(["database", "create", "--database-url", &ws.db.url])
            .output()
            .unwrap();
        assert_code(&out, 0);
    }
    sqlx_migrate(&ws, &["run", "--target-version", "2"]);
    let s = ws.status();
    let rows = s["migrations"].as_array().unwrap();
    for (i, row) in rows.iter().take(2).enumerate() {
        assert_eq!(row["applied"], true, "row {i}: {row}");
        assert_eq!(row["checksum"], "ok", "row {i}: {row}");
        assert!(
            row["execution_ms"].as_f64().is_some(),
            "sqlx's nanoseconds read as ms: {row}"
        );
    }
    assert_eq!(rows[2]["applied"], false);
    ws.json(&["up"], 0);
    assert_eq!(ws.applied(), [1, 2, 3]);
    ws.json(&["down", "--to", "1"], 0);
    assert!(sqlx_migrate(&ws, &["info"]).contains("2/pending projects"));
}

#[test]
fn sqlx_cli_agrees_with_shipdeck_on_postgres() {
    shipdeck_then_sqlx(Kind::Postgres);
    sqlx_then_shipdeck(Kind::Postgres);
}

#[test]
fn sqlx_cli_agrees_with_shipdeck_on_mariadb() {
    shipdeck_then_sqlx(Kind::Mariadb);
    sqlx_then_shipdeck(Kind::Mariadb);
}

#[test]
fn sqlx_cli_agrees_with_shipdeck_on_sqlite() {
    shipdeck_then_sqlx(Kind::Sqlite);
    sqlx_then_shipdeck(Kind::Sqlite);
}
