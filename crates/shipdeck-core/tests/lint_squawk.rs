//! The PostgreSQL rules against squawk, the linter they follow: squawk
//! (installed by scripts/setup.sh) lints every PostgreSQL fixture, with
//! `--assume-in-transaction` for the files Shipdeck wraps in a transaction,
//! and the rule ids hit per file must match ours except for the differences
//! listed in [`DIFFERENCES`], each with its reason. A new difference, or a
//! listed one that disappears, fails the test; so do different lines for a
//! rule both report.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use shipdeck_core::migrations::files::NO_TRANSACTION_MARKERS;
use shipdeck_core::migrations::lint::lint_sql;
use shipdeck_core::migrations::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    /// Shipdeck reports the rule in the file, squawk does not.
    Shipdeck,
    /// squawk reports the rule in the file, Shipdeck does not.
    Squawk,
}

/// Every difference between the two linters on the fixtures: (file, rule,
/// which side reports it, why). Keep the "Compared with squawk" table of
/// docs/migrations.md in step with this one.
const DIFFERENCES: &[(&str, &str, Side, &str)] = &[
    (
        "adding-field-with-default.good.sql",
        "adding-field-with-default",
        Side::Squawk,
        "squawk treats `DEFAULT -1` (a unary minus) and `DEFAULT current_date` (stable) as volatile; \
         PostgreSQL 11+ stores both once, without a rewrite",
    ),
    (
        "adding-foreign-key-constraint.bad.sql",
        "constraint-missing-not-valid",
        Side::Squawk,
        "squawk reports a FOREIGN KEY without NOT VALID twice (also as constraint-missing-not-valid); \
         Shipdeck reports it once, as adding-foreign-key-constraint",
    ),
    (
        "adding-required-field.good.sql",
        "adding-required-field",
        Side::Squawk,
        "squawk flags ADD COLUMN … NOT NULL on a table created earlier in the same file; it has no rows, \
         so Shipdeck does not",
    ),
    (
        "adding-serial-primary-key-field.bad.sql",
        "constraint-missing-not-valid",
        Side::Squawk,
        "squawk also asks for NOT VALID on ADD PRIMARY KEY, which PostgreSQL does not accept there \
         (only CHECK and FOREIGN KEY can be NOT VALID)",
    ),
    (
        "ban-concurrent-index-creation-in-transaction.bad.sql",
        "ban-concurrent-index-creation-in-transaction",
        Side::Shipdeck,
        "squawk assumes a single-statement file runs outside the tool's transaction; Shipdeck wraps \
         every file without the no-transaction marker, so the statement fails",
    ),
    (
        "ban-drop-table.good.sql",
        "ban-drop-table",
        Side::Squawk,
        "the drop is suppressed with `-- shipdeck:lint-ignore`, which squawk does not know \
         (Shipdeck honours `-- squawk-ignore` too)",
    ),
    (
        "disallowed-unique-constraint.bad.sql",
        "constraint-missing-not-valid",
        Side::Squawk,
        "squawk also asks for NOT VALID on ADD UNIQUE, which PostgreSQL does not accept there \
         (only CHECK and FOREIGN KEY can be NOT VALID)",
    ),
    (
        "syntax-error.bad.sql",
        "ban-drop-table",
        Side::Shipdeck,
        "after a statement it cannot parse, squawk stops linting the file; Shipdeck reports the \
         statement as syntax-error and lints the rest",
    ),
];

/// Rules both report in a file but on different lines: (file, rule, why).
const LINE_DIFFERENCES: &[(&str, &str, &str)] = &[];

fn squawk() -> PathBuf {
    let tools = std::env::var_os("SHIPDECK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is not set");
            Path::new(&home).join(".cache/shipdeck-tools")
        });
    tools.join("venv/bin/squawk")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint/postgres")
}

fn in_transaction(sql: &str) -> bool {
    let first = sql.lines().next().unwrap_or("").trim();
    !NO_TRANSACTION_MARKERS.contains(&first)
}

/// (file, rule) → lines (1-based).
type Hits = BTreeMap<(String, String), BTreeSet<u32>>;

/// Runs squawk on `files` (names in the fixture folder).
fn run_squawk(bin: &Path, files: &[String], in_tx: bool, hits: &mut Hits) {
    if files.is_empty() {
        return;
    }
    let mut cmd = Command::new(bin);
    // An empty config: no .squawk.toml from a parent folder changes the rules.
    cmd.current_dir(fixtures())
        .args(["--config", "/dev/null", "--reporter", "json"]);
    if in_tx {
        cmd.arg("--assume-in-transaction");
    }
    let out = cmd
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "squawk's output is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    for v in report.as_array().expect("squawk reports a JSON array") {
        let file = v["file"].as_str().expect("file").to_string();
        let rule = v["rule_name"].as_str().expect("rule_name").to_string();
        let line = v["line"].as_u64().expect("line") as u32 + 1;
        hits.entry((file, rule)).or_default().insert(line);
    }
}

#[test]
fn postgres_rules_match_squawk_except_the_listed_differences() {
    let bin = squawk();
    assert!(
        bin.is_file(),
        "squawk is not installed at {} (SHIPDECK_TOOLS overrides the folder): run scripts/setup.sh",
        bin.display()
    );

    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    assert!(names.len() >= 50, "{names:?}");

    let mut ours = Hits::new();
    let (mut wrapped, mut unwrapped) = (Vec::new(), Vec::new());
    for name in &names {
        let sql = std::fs::read_to_string(fixtures().join(name)).unwrap();
        let tx = in_transaction(&sql);
        if tx { &mut wrapped } else { &mut unwrapped }.push(name.clone());
        for f in lint_sql(&sql, Engine::Postgres, tx) {
            ours.entry((name.clone(), f.rule)).or_default().insert(f.line);
        }
    }
    let mut theirs = Hits::new();
    run_squawk(&bin, &wrapped, true, &mut theirs);
    run_squawk(&bin, &unwrapped, false, &mut theirs);

    let mut found = BTreeSet::new();
    let mut line_diffs = BTreeSet::new();
    for key in ours.keys().chain(theirs.keys()) {
        match (ours.get(key), theirs.get(key)) {
            (Some(_), None) => {
                found.insert((key.0.clone(), key.1.clone(), Side::Shipdeck));
            }
            (None, Some(_)) => {
                found.insert((key.0.clone(), key.1.clone(), Side::Squawk));
            }
            (Some(a), Some(b)) if a != b => {
                line_diffs.insert((
                    key.0.clone(),
                    key.1.clone(),
                    format!("Shipdeck {a:?}, squawk {b:?}"),
                ));
            }
            _ => {}
        }
    }

    let listed: BTreeSet<(String, String, Side)> = DIFFERENCES
        .iter()
        .map(|(f, r, s, _)| (f.to_string(), r.to_string(), *s))
        .collect();
    assert_eq!(listed.len(), DIFFERENCES.len(), "a difference is listed twice");
    let unexpected: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        unexpected.is_empty() && gone.is_empty(),
        "the linters' differences changed.\nNew (add them to DIFFERENCES with a reason, or fix the rule): \
         {unexpected:#?}\nNo longer found (remove them from DIFFERENCES and the docs): {gone:#?}"
    );

    let listed_lines: BTreeSet<(String, String)> = LINE_DIFFERENCES
        .iter()
        .map(|(f, r, _)| (f.to_string(), r.to_string()))
        .collect();
    let found_lines: BTreeSet<(String, String)> = line_diffs
        .iter()
        .map(|(f, r, _)| (f.clone(), r.clone()))
        .collect();
    assert_eq!(
        found_lines, listed_lines,
        "lines differ for rules both report: {line_diffs:#?}"
    );
}
