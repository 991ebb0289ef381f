//! `migrate up/down --expect TOKEN`: a run confirms exactly the dry run the
//! user saw, or runs nothing.

use super::{three_migrations, Kind, Ws};
use crate::util::{assert_code, text};

fn token(ws: &Ws, args: &[&str]) -> String {
    let mut full = args.to_vec();
    full.push("--dry-run");
    let v = ws.json(&full, 0);
    assert_eq!(v["dry_run"], true);
    v["expect"].as_str().expect("a dry run has a token").to_string()
}

fn refused(ws: &Ws, args: &[&str]) -> serde_json::Value {
    let v = ws.json(args, 1);
    assert_eq!(v["code"], "migrations.plan_changed", "{v}");
    assert!(v["hint"].as_str().unwrap().contains("--dry-run"), "{v}");
    v
}

#[test]
fn a_dry_run_gives_a_stable_token_and_up_with_it_applies_what_it_showed() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    let expect = token(&ws, &["up"]);
    assert_eq!(expect.len(), 32, "{expect}");
    assert_eq!(token(&ws, &["up"]), expect, "nothing moved, same token");
    assert_ne!(token(&ws, &["up", "--to", "2"]), expect, "another goal");
    let human = ws.run(&["up", "--dry-run"]);
    assert_code(&human, 0);
    assert!(text(&human.stdout).contains(&format!("--expect {expect}")));

    let r = ws.json(&["up", "--expect", &expect], 0);
    assert_eq!(r["steps"].as_array().unwrap().len(), 3);
    assert_eq!(r["expect"], expect.as_str());
    assert_eq!(ws.db.rows(), [(1, true), (2, true), (3, true)]);
}

#[test]
fn up_is_refused_after_a_new_migration_file_and_creates_nothing() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    let expect = token(&ws, &["up"]);
    ws.migration("4_seed.sql", "INSERT INTO users VALUES (2, 'b@example.com');\n");
    let v = refused(&ws, &["up", "--expect", &expect]);
    assert!(v["message"].as_str().unwrap().contains("1, 2, 3, 4"), "{v}");
    assert!(
        !ws.db.sqlite_file().exists(),
        "a refused run does not even create the database"
    );
    let out = ws.run(&["up", "--expect", &expect]);
    assert_code(&out, 1);
    assert!(
        text(&out.stderr).contains("migrations.plan_changed"),
        "{}",
        text(&out.stderr)
    );

    let again = token(&ws, &["up"]);
    ws.json(&["up", "--expect", &again], 0);
    assert_eq!(ws.applied(), [1, 2, 3, 4]);
}

#[test]
fn up_is_refused_when_someone_else_applied_migrations_meanwhile() {
    let ws = Ws::new(Kind::Postgres);
    three_migrations(&ws);
    ws.json(&["up", "--to", "1"], 0);
    let expect = token(&ws, &["up"]);
    // Another engineer applies 2 between the preview and the confirmation.
    ws.json(&["up", "--to", "2"], 0);
    let before = ws.db.rows();
    assert_eq!(before, [(1, true), (2, true)]);
    let v = refused(&ws, &["up", "--expect", &expect]);
    assert!(v["message"].as_str().unwrap().contains("apply 3"), "{v}");
    assert_eq!(ws.db.rows(), before, "nothing applied");
    let index = "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'projects_owner'";
    assert_eq!(ws.db.scalar(index), 0, "3 did not run");

    let again = token(&ws, &["up"]);
    ws.json(&["up", "--expect", &again], 0);
    assert_eq!(ws.applied(), [1, 2, 3]);
}

#[test]
fn down_is_refused_when_the_applied_state_changed() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    ws.json(&["up"], 0);
    let expect = token(&ws, &["down"]);
    ws.migration(
        "4_seed.up.sql",
        "INSERT INTO users VALUES (2, 'b@example.com');\n",
    );
    ws.migration("4_seed.down.sql", "DELETE FROM users WHERE id = 2;\n");
    ws.json(&["up"], 0);
    let before = ws.db.rows();
    let v = refused(&ws, &["down", "--expect", &expect]);
    assert!(v["message"].as_str().unwrap().contains("roll back 4"), "{v}");
    assert_eq!(ws.db.rows(), before, "nothing rolled back");
    assert_eq!(ws.db.scalar("SELECT COUNT(*) FROM users"), 2);

    let again = token(&ws, &["down"]);
    let r = ws.json(&["down", "--expect", &again], 0);
    assert_eq!(r["steps"][0]["version"], 4);
    assert_eq!(ws.applied(), [1, 2, 3]);
}
