//! Literals of migration SQL (a role's password, a seeded key) never reach
//! stderr, stdout, the logs or the store: not through sqlx's slow-statement
//! warning, not through a failed statement's error, not through the applied
//! SQL kept for diffs.

use std::path::Path;

use super::{exec_on, Kind, Ws};
use crate::util::{assert_code, text};

/// Drops a cluster-wide role when the test ends, passed or not.
struct Role {
    admin: String,
    name: String,
}

impl Drop for Role {
    fn drop(&mut self) {
        let sql = format!("DROP ROLE IF EXISTS {}", self.name);
        let _ = std::panic::catch_unwind(|| exec_on(&self.admin, &sql));
    }
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

#[test]
fn passwords_in_migration_sql_stay_out_of_logs_errors_and_the_store() {
    let ws = Ws::new(Kind::Postgres);
    let canary = format!(
        "canary-{:08x}{:08x}",
        rand::random::<u32>(),
        rand::random::<u32>()
    );
    let role = Role {
        admin: ws.db.url.clone(),
        name: shipdeck_testkit::unique_name("shipdeck_role"),
    };
    ws.migration(
        "1_role.sql",
        &format!(
            "CREATE ROLE {} LOGIN PASSWORD '{canary}-pw';\nCREATE TABLE tokens (id int, note text);\nINSERT INTO tokens VALUES (1, 'seed');\n",
            role.name
        ),
    );
    // Slower than sqlx's one-second threshold: its warning would print the
    // statement, literal included.
    ws.migration(
        "2_rotate.sql",
        &format!("UPDATE tokens SET note = '{canary}-slow' WHERE pg_sleep(1.2) IS NOT NULL;\n"),
    );
    let up = ws.run(&["up", "-vv"]);
    assert_code(&up, 0);
    let (stdout, stderr) = (text(&up.stdout), text(&up.stderr));
    assert!(stdout.contains("applied 2 rotate"), "{stdout}");
    assert!(!stdout.contains(&canary), "stdout: {stdout}");
    assert!(!stderr.contains(&canary), "stderr: {stderr}");

    // A failing statement is named in the error, and the server quotes the
    // value it rejected: neither may carry the literal.
    ws.migration(
        "3_bad.sql",
        &format!("INSERT INTO tokens VALUES ('{canary}-fail', 'x');\n"),
    );
    let failed = ws.run(&["up", "-vv"]);
    assert_code(&failed, 1);
    let (stdout, stderr) = (text(&failed.stdout), text(&failed.stderr));
    assert!(stderr.contains("failed at line 1"), "{stderr}");
    assert!(!stdout.contains(&canary), "stdout: {stdout}");
    assert!(!stderr.contains(&canary), "stderr: {stderr}");
    let json = ws.json(&["up"], 1);
    assert!(!json.to_string().contains(&canary), "{json}");

    // The store (history, audit, job runs, the applied SQL) and any log file.
    let hits = files_containing(ws.env.data.path(), &canary);
    assert!(hits.is_empty(), "the canary is in {hits:?}");

    // The applied SQL is still kept for diffs, masked.
    ws.migration(
        "2_rotate.sql",
        &format!("UPDATE tokens SET note = '{canary}-slow' WHERE id > 0 AND pg_sleep(1.2) IS NOT NULL;\n"),
    );
    let show = ws.json(&["show", "2"], 0);
    let diff = show["diff"].as_str().expect("a diff against the applied SQL");
    assert!(
        diff.contains("-UPDATE tokens SET note = ? WHERE pg_sleep(?) IS NOT NULL;"),
        "{diff}"
    );
    assert!(
        diff.contains("+UPDATE tokens SET note = ? WHERE id > ? AND pg_sleep(?) IS NOT NULL;"),
        "{diff}"
    );
    assert!(!diff.contains(&canary), "{diff}");
}
