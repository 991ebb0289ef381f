//! The migration linter against its fixtures: for every rule and every
//! engine it applies to, `tests/lint/<engine>/<rule>.bad.sql` must trigger
//! the rule (on the lines marked `-- expect: <rule>`) and
//! `<rule>.good.sql`, the safe rewrite, must not.
//!
//! A fixture runs in a transaction unless its first line is the
//! no-transaction marker, as Shipdeck runs it.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use shipdeck_core::migrations::files::NO_TRANSACTION_MARKERS;
use shipdeck_core::migrations::lint::{lint_files, lint_sql, rules, LintFinding, Severity};
use shipdeck_core::migrations::{read_dir, Engine};

const ENGINES: [(Engine, &str); 3] = [
    (Engine::Postgres, "postgres"),
    (Engine::Sqlite, "sqlite"),
    (Engine::Mysql, "mysql"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint")
}

fn in_transaction(sql: &str) -> bool {
    let first = sql.lines().next().unwrap_or("").trim();
    !NO_TRANSACTION_MARKERS.contains(&first)
}

fn lint_fixture(engine: Engine, dir: &str, name: &str) -> (String, Vec<LintFinding>) {
    let path = fixtures().join(dir).join(name);
    let sql =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()));
    let findings = lint_sql(&sql, engine, in_transaction(&sql));
    (sql, findings)
}

/// Lines marked `-- expect: rule-a, rule-b` for `rule`.
fn expected_lines(sql: &str, rule: &str) -> BTreeSet<u32> {
    sql.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.split_once("-- expect:")
                .is_some_and(|(_, ids)| ids.split(',').any(|id| id.trim() == rule))
        })
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

fn lines_of(findings: &[LintFinding], rule: &str) -> BTreeSet<u32> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.line)
        .collect()
}

#[test]
fn bad_fixtures_trigger_their_rule_on_the_marked_lines() {
    let severities: BTreeMap<&str, Severity> = rules().iter().map(|r| (r.id, r.severity)).collect();
    let mut checked = 0;
    for rule in rules() {
        for (engine, dir) in ENGINES.iter().filter(|(e, _)| rule.engines.contains(e)) {
            let name = format!("{}.bad.sql", rule.id);
            let (sql, findings) = lint_fixture(*engine, dir, &name);
            let expected = expected_lines(&sql, rule.id);
            assert!(
                !expected.is_empty(),
                "{dir}/{name}: mark the offending line with `-- expect: {}`",
                rule.id
            );
            assert_eq!(
                lines_of(&findings, rule.id),
                expected,
                "{dir}/{name}: {findings:#?}"
            );
            for f in &findings {
                assert!(f.line >= 1 && f.column >= 1, "{dir}/{name}: {f:?}");
                assert!(
                    !f.message.is_empty() && !f.why.is_empty() && !f.fix.is_empty(),
                    "{dir}/{name}: {f:?}"
                );
                assert_eq!(
                    Some(&f.severity),
                    severities.get(f.rule.as_str()),
                    "{dir}/{name}: {f:?}"
                );
                assert!((f.file.as_str(), f.version) == ("", 0));
            }
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} bad fixtures");
}

#[test]
fn good_fixtures_do_not_trigger_their_rule() {
    for rule in rules() {
        for (engine, dir) in ENGINES.iter().filter(|(e, _)| rule.engines.contains(e)) {
            let name = format!("{}.good.sql", rule.id);
            let (sql, findings) = lint_fixture(*engine, dir, &name);
            assert!(!sql.contains("-- expect:"), "{dir}/{name} has an expect marker");
            let hits: Vec<_> = findings.iter().filter(|f| f.rule == rule.id).collect();
            assert!(hits.is_empty(), "{dir}/{name}: {hits:#?}");
        }
    }
}

#[test]
fn every_fixture_belongs_to_a_rule_of_its_engine() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, ["mysql", "postgres", "sqlite"]);
    let all = rules();
    for (engine, dir) in ENGINES {
        for entry in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let id = name
                .strip_suffix(".bad.sql")
                .or_else(|| name.strip_suffix(".good.sql"))
                .unwrap_or_else(|| panic!("{dir}/{name}: fixtures are <rule>.bad.sql or <rule>.good.sql"));
            let rule = all
                .iter()
                .find(|r| r.id == id)
                .unwrap_or_else(|| panic!("{dir}/{name}: no rule {id}"));
            assert!(
                rule.engines.contains(&engine),
                "{dir}/{name}: {id} does not apply to {dir}"
            );
        }
    }
}

fn rule_lines(sql: &str, engine: Engine, in_tx: bool) -> Vec<(String, u32)> {
    lint_sql(sql, engine, in_tx)
        .into_iter()
        .map(|f| (f.rule, f.line))
        .collect()
}

#[test]
fn suppression_comments() {
    let sql = "\
SET lock_timeout = '1s';
SET statement_timeout = '1min';
-- shipdeck:lint-ignore ban-drop-column, renaming-column
ALTER TABLE users DROP COLUMN a;
ALTER TABLE users DROP COLUMN b;
-- squawk-ignore ban-drop-table
DROP TABLE sessions;
-- shipdeck:lint-ignore renaming-table
-- shipdeck:lint-ignore ban-drop-column
ALTER TABLE users
  DROP COLUMN c;
DROP TABLE events;
";
    assert_eq!(
        rule_lines(sql, Engine::Postgres, true),
        [
            ("ban-drop-column".to_string(), 5),
            ("ban-drop-table".to_string(), 12)
        ]
    );

    let sql = "DROP TABLE a;\n-- shipdeck:lint-ignore-file ban-drop-table\nDROP TABLE b;\nALTER TABLE c RENAME TO d;";
    assert_eq!(
        rule_lines(sql, Engine::Sqlite, true),
        [("renaming-table".to_string(), 4)]
    );

    // squawk's file form, and its deprecated id for both timeout rules.
    let sql = "-- squawk-ignore-file require-timeout-settings\nALTER TABLE a ADD COLUMN b text;";
    assert!(rule_lines(sql, Engine::Postgres, true).is_empty());

    // A directive without ids silences everything for its statement.
    let sql = "-- shipdeck:lint-ignore\nDROP TABLE a;\nDROP TABLE b;";
    assert_eq!(
        rule_lines(sql, Engine::Mysql, true),
        [("ban-drop-table".to_string(), 3)]
    );

    // Only a directive directly before the statement counts.
    let sql = "-- shipdeck:lint-ignore ban-drop-table\n\nDROP TABLE a;";
    assert_eq!(
        rule_lines(sql, Engine::Sqlite, true),
        [("ban-drop-table".to_string(), 3)]
    );
}

#[test]
fn unparseable_statements_are_reported_and_the_rest_is_linted() {
    let sql = "CREATE TABLE a (id bigint);\nALTER TABLE users ADD COLUMN nick text DEFAULT;\nALTER TABLE users RENAME COLUMN a TO b;\nTHIS IS NOT SQL;\nDROP TABLE sessions;";
    for engine in [Engine::Postgres, Engine::Sqlite, Engine::Mysql] {
        let found: Vec<_> = rule_lines(sql, engine, true)
            .into_iter()
            .filter(|(r, _)| !r.starts_with("require-"))
            .collect();
        assert_eq!(
            found,
            [
                ("syntax-error".to_string(), 2),
                ("renaming-column".to_string(), 3),
                ("syntax-error".to_string(), 4),
                ("ban-drop-table".to_string(), 5)
            ],
            "{engine:?}"
        );
        let f = lint_sql(sql, engine, true);
        let syntax = f.iter().find(|f| f.rule == "syntax-error").unwrap();
        assert_eq!(syntax.severity, Severity::Warning);
        assert!(syntax.message.contains("ALTER TABLE users"), "{}", syntax.message);
    }
}

#[test]
fn plpgsql_functions_with_cost_are_linted_not_reported_as_syntax_errors() {
    // As real projects write trigger functions (atuin's history counters).
    let sql = "create or replace function user_history_count()\nreturns trigger as\n$func$\nbegin\n\tif (TG_OP='INSERT') then\n\t\tupdate total_history_count_user set total = total + 1 where user_id = new.user_id;\n\tend if;\n\treturn NEW;\nend;\n$func$\nlanguage plpgsql volatile -- pldfsql ensures this is all done in a transaction\ncost 100; -- default value\n\ncreate or replace function f() returns int as $$ select 1 $$ language sql immutable leakproof cost 1 parallel safe;\nALTER TABLE users RENAME COLUMN a TO b;\n";
    let found: Vec<_> = rule_lines(sql, Engine::Postgres, true)
        .into_iter()
        .filter(|(r, _)| !r.starts_with("require-"))
        .collect();
    assert_eq!(found, [("renaming-column".to_string(), 15)]);
}

#[test]
fn sqlite_drop_index_inside_alter_table_suggests_drop_index_not_a_rebuild() {
    let f = lint_sql(
        "ALTER TABLE users DROP INDEX users_email;\nALTER TABLE users ALTER COLUMN age TYPE INTEGER;\n",
        Engine::Sqlite,
        true,
    );
    let alter: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "sqlite-unsupported-alter")
        .collect();
    assert_eq!(alter.len(), 2, "{f:#?}");
    assert_eq!(alter[0].line, 1);
    assert!(
        alter[0].fix.contains("`DROP INDEX IF EXISTS users_email;`"),
        "{}",
        alter[0].fix
    );
    assert!(!alter[0].fix.contains("Rebuild"), "{}", alter[0].fix);
    // A real ALTER TABLE gap still needs the rebuild.
    assert!(alter[1].fix.contains("Rebuild users"), "{}", alter[1].fix);
}

#[test]
fn lint_files_labels_versions_and_skips_drops_in_down_files() {
    let d = tempfile::tempdir().unwrap();
    let write = |name: &str, sql: &str| std::fs::write(d.path().join(name), sql).unwrap();
    write(
        "20240102000000_users.up.sql",
        "ALTER TABLE users ADD COLUMN email text NOT NULL;\n",
    );
    write(
        "20240102000000_users.down.sql",
        "ALTER TABLE users DROP COLUMN email;\nDROP TABLE users;\n",
    );
    write(
        "20240101000000_index.sql",
        "-- shipdeck:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n",
    );
    write("20240103000000_tx.up.sql", "BEGIN;\nCOMMIT;\n");
    write(
        "20240103000000_tx.down.sql",
        "-- no-transaction\nBEGIN;\nDROP TABLE x;\nCOMMIT;\n",
    );
    let files = read_dir(d.path()).unwrap();
    let label = |p: &Path| format!("migrations/{}", p.file_name().unwrap().to_string_lossy());
    let found: Vec<_> = lint_files(&files, Engine::Sqlite, &label)
        .into_iter()
        .map(|f| (f.version, f.file, f.line, f.rule))
        .collect();
    assert_eq!(
        found,
        [
            (
                20240102000000,
                "migrations/20240102000000_users.up.sql".to_string(),
                1,
                "adding-required-field".to_string()
            ),
            (
                20240103000000,
                "migrations/20240103000000_tx.up.sql".to_string(),
                1,
                "transaction-nesting".to_string()
            ),
            (
                20240103000000,
                "migrations/20240103000000_tx.up.sql".to_string(),
                2,
                "transaction-nesting".to_string()
            ),
        ]
    );
    let pg: Vec<_> = lint_files(&files, Engine::Postgres, &label)
        .into_iter()
        .map(|f| f.rule)
        .collect();
    assert!(
        !pg.contains(&"ban-concurrent-index-creation-in-transaction".to_string()),
        "{pg:?}"
    );
}

#[test]
fn concurrently_in_a_wrapped_file_and_after_begin() {
    let sql = "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);";
    let wrapped = rule_lines(sql, Engine::Postgres, true);
    assert!(
        wrapped.contains(&("ban-concurrent-index-creation-in-transaction".to_string(), 1)),
        "{wrapped:?}"
    );
    assert!(!rule_lines(sql, Engine::Postgres, false)
        .iter()
        .any(|(r, _)| r.starts_with("ban-concurrent")));
    let sql = "BEGIN;\nDROP INDEX CONCURRENTLY IF EXISTS i;\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);";
    let found = rule_lines(sql, Engine::Postgres, false);
    let hits: Vec<_> = found
        .iter()
        .filter(|(r, _)| r.starts_with("ban-concurrent"))
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(hits, [2], "{found:?}");
}

#[test]
fn volatile_and_stable_defaults() {
    let flagged = |default: &str| {
        let sql = format!("SET lock_timeout = '1s'; SET statement_timeout = '1s';\nALTER TABLE t ADD COLUMN c text DEFAULT {default};");
        lint_sql(&sql, Engine::Postgres, true)
            .iter()
            .any(|f| f.rule == "adding-field-with-default")
    };
    for stable in [
        "'x'",
        "now()",
        "CURRENT_TIMESTAMP",
        "-1",
        "'{}'::jsonb",
        "lower('A')",
        "1 + 2",
        "NULL",
    ] {
        assert!(!flagged(stable), "{stable}");
    }
    for volatile in [
        "random()",
        "gen_random_uuid()",
        "clock_timestamp()",
        "nextval('s')",
        "my_function()",
        "(random() * 10)::int",
    ] {
        assert!(flagged(volatile), "{volatile}");
    }
}

const FRAGMENTS: &[&str] = &[
    "CREATE",
    "TABLE",
    "INDEX",
    "CONCURRENTLY",
    "UNIQUE",
    "ALTER",
    "ADD",
    "COLUMN",
    "DROP",
    "CONSTRAINT",
    "CHECK",
    "FOREIGN KEY",
    "REFERENCES",
    "PRIMARY KEY",
    "NOT VALID",
    "VALIDATE",
    "RENAME",
    "TO",
    "TYPE",
    "SET",
    "NOT NULL",
    "DEFAULT",
    "now()",
    "random()",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "END",
    "CASE",
    "WHEN",
    "THEN",
    "TRIGGER",
    "FUNCTION",
    "DO",
    "$$",
    "$a$",
    "PRAGMA",
    "foreign_keys",
    "=",
    "OFF",
    "TRUNCATE",
    "CASCADE",
    "lock_timeout",
    "IF",
    "EXISTS",
    "MODIFY",
    "CHANGE",
    "INSERT INTO",
    "VALUES",
    "serial",
    "varchar(10)",
    "int",
    "timestamp",
    "t",
    "users",
    "\"Q\"",
    "(",
    ")",
    ",",
    ";",
    "'",
    "'x'",
    "--",
    "-- shipdeck:lint-ignore",
    "-- squawk-ignore-file",
    "/*",
    "*/",
    "\n",
    "1",
    "é",
    "::",
    "[",
    "]",
    ".",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// Any input lints without panicking, and every finding is located.
    #[test]
    fn never_panics_on_sql_like_garbage(parts in proptest::collection::vec(
        prop_oneof![4 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string), 1 => "\\PC{0,6}"], 0..60),
        tx in any::<bool>())
    {
        let sql = parts.join(" ");
        for engine in [Engine::Postgres, Engine::Sqlite, Engine::Mysql] {
            for f in lint_sql(&sql, engine, tx) {
                prop_assert!(f.line >= 1 && f.column >= 1, "{:?}", f);
            }
        }
    }

    #[test]
    fn never_panics_on_random_text(sql in "\\PC{0,300}", tx in any::<bool>()) {
        for engine in [Engine::Postgres, Engine::Sqlite, Engine::Mysql] {
            let _ = lint_sql(&sql, engine, tx);
        }
    }
}

#[test]
fn every_rule_is_in_the_docs_table() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/migrations.md");
    let doc = std::fs::read_to_string(doc).unwrap();
    let missing: Vec<&str> = rules()
        .iter()
        .map(|r| r.id)
        .filter(|id| !doc.contains(&format!("| `{id}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "add these rules to the table in docs/migrations.md (`shipdeck migrate lint --rules`): {missing:?}"
    );
}
