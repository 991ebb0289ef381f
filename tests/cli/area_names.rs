//! Each area has one name, the same in the CLI, the app and the docs; the
//! words users already type (`migrate`, `release`, `env`, `bench`, `secret`)
//! stay as visible aliases that run the very same command.

use crate::migrate::{three_migrations, Kind, Ws};
use crate::util::{assert_code, text, Env};

/// (canonical subcommand, alias) for every area whose name changed.
const RENAMED: [(&str, &str); 5] = [
    ("releases", "release"),
    ("migrations", "migrate"),
    ("environments", "env"),
    ("benchmarks", "bench"),
    ("secrets", "secret"),
];

fn status_json(ws: &Ws, word: &str) -> serde_json::Value {
    let out = ws
        .env
        .cmd()
        .args(["-C", ws.root().to_str().unwrap(), word, "status", "--json"])
        .env("APP_DB_URL", &ws.db.url)
        .output()
        .unwrap();
    assert_code(&out, 0);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

#[test]
fn migrations_and_its_alias_migrate_give_the_same_status() {
    let ws = Ws::new(Kind::Sqlite);
    three_migrations(&ws);
    assert_code(&ws.run(&["up", "--to", "2"]), 0);
    let canonical = status_json(&ws, "migrations");
    let alias = status_json(&ws, "migrate");
    assert_eq!(canonical, alias);
    let rows = canonical["migrations"]
        .as_array()
        .expect("status lists migrations");
    assert_eq!(rows.len(), 3, "{canonical}");
}

#[test]
fn help_lists_each_canonical_area_with_its_alias() {
    let out = Env::new().run(&["--help"]);
    assert_code(&out, 0);
    let help = text(&out.stdout);
    for (name, alias) in RENAMED {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("`{name}` missing from --help:\n{help}"));
        assert!(line.contains(&format!("[alias: {alias}]")), "{line}");
    }
}

#[test]
fn each_alias_reaches_the_canonical_subcommand() {
    let env = Env::new();
    for (name, alias) in RENAMED {
        let canonical = env.run(&[name, "--help"]);
        let aliased = env.run(&[alias, "--help"]);
        assert_code(&canonical, 0);
        assert_code(&aliased, 0);
        assert_eq!(
            text(&canonical.stdout),
            text(&aliased.stdout),
            "{alias} vs {name}"
        );
    }
}
