//! `migrations`: per database under `[databases]`, what is pending, what
//! the lint finds, and whether the applied history still matches the files.

use crate::gate::count;
use crate::model::{AreaOutcome, CheckStatus};

/// One database's status and lint, reduced to what the gate judges.
#[derive(Debug, Clone, Default)]
pub struct DatabaseFacts {
    pub name: String,
    /// Pending migrations that have a `.down.sql`.
    pub pending_reversible: Vec<i64>,
    /// Pending migrations without a `.down.sql`.
    pub pending_irreversible: Vec<i64>,
    /// Applied, but the file changed since.
    pub changed: Vec<i64>,
    /// Applied, but the file is gone.
    pub missing_file: Vec<i64>,
    /// Failed mid-way.
    pub dirty: Vec<i64>,
    pub lint_errors: usize,
    pub lint_warnings: usize,
    /// Lint findings, `error file:line rule: message`, bounded.
    pub lint_lines: Vec<String>,
}

fn versions(v: &[i64]) -> String {
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// Worst first: drift, dirty, irreversible pending and lint errors fail;
/// reversible pending and lint warnings warn.
pub fn judge(dbs: &[DatabaseFacts]) -> AreaOutcome {
    if dbs.is_empty() {
        return AreaOutcome::skipped("no [databases] and no migrations folder");
    }
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut lines = Vec::new();
    for db in dbs {
        let n = &db.name;
        if !db.changed.is_empty() {
            fails.push(format!(
                "{} changed after applying on {n}",
                count(db.changed.len(), "migration")
            ));
            lines.push(format!("{n}: checksum drift: {}", versions(&db.changed)));
        }
        if !db.missing_file.is_empty() {
            fails.push(format!(
                "{} applied on {n} without a file",
                count(db.missing_file.len(), "migration")
            ));
            lines.push(format!(
                "{n}: applied, file missing: {}",
                versions(&db.missing_file)
            ));
        }
        if !db.dirty.is_empty() {
            fails.push(format!("{} dirty on {n}", count(db.dirty.len(), "migration")));
            lines.push(format!("{n}: dirty: {}", versions(&db.dirty)));
        }
        if !db.pending_irreversible.is_empty() {
            fails.push(format!(
                "{} pending on {n} without a .down.sql",
                count(db.pending_irreversible.len(), "irreversible migration")
            ));
            lines.push(format!(
                "{n}: pending, irreversible: {}",
                versions(&db.pending_irreversible)
            ));
        }
        if !db.pending_reversible.is_empty() {
            warns.push(format!("{} pending on {n}", db.pending_reversible.len()));
            lines.push(format!("{n}: pending: {}", versions(&db.pending_reversible)));
        }
        let (errors, warnings) = (db.lint_errors, db.lint_warnings);
        if errors > 0 {
            fails.push(format!("{} on {n}", count(errors, "lint error")));
        }
        if warnings > 0 {
            warns.push(format!("{} on {n}", count(warnings, "lint warning")));
        }
        lines.extend(db.lint_lines.iter().map(|l| format!("{n}: {l}")));
    }
    let (status, summary) = if !fails.is_empty() {
        (
            CheckStatus::Fail,
            fails.into_iter().chain(warns).collect::<Vec<_>>().join("; "),
        )
    } else if !warns.is_empty() {
        (CheckStatus::Warn, warns.join("; "))
    } else {
        let names = dbs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ");
        (CheckStatus::Pass, format!("up to date, lint clean: {names}"))
    };
    let mut o = AreaOutcome::new(status, summary);
    o.lines = lines;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> DatabaseFacts {
        DatabaseFacts {
            name: "main".into(),
            ..Default::default()
        }
    }

    #[test]
    fn no_databases_is_skipped() {
        assert_eq!(judge(&[]).status, CheckStatus::Skipped);
    }

    #[test]
    fn up_to_date_passes() {
        assert_eq!(judge(&[db()]).status, CheckStatus::Pass);
    }

    #[test]
    fn pending_reversible_warns_with_the_count() {
        let mut d = db();
        d.pending_reversible = vec![3, 4];
        let o = judge(&[d]);
        assert_eq!(o.status, CheckStatus::Warn);
        assert_eq!(o.summary, "2 pending on main");
    }

    #[test]
    fn pending_irreversible_fails() {
        let mut d = db();
        d.pending_reversible = vec![3];
        d.pending_irreversible = vec![4];
        let o = judge(&[d]);
        assert_eq!(o.status, CheckStatus::Fail);
        assert!(o.summary.contains("irreversible"), "{}", o.summary);
    }

    #[test]
    fn drift_dirty_and_missing_files_fail() {
        for set in [0, 1, 2] {
            let mut d = db();
            match set {
                0 => d.changed = vec![1],
                1 => d.dirty = vec![1],
                _ => d.missing_file = vec![1],
            }
            assert_eq!(judge(&[d]).status, CheckStatus::Fail, "case {set}");
        }
    }

    #[test]
    fn lint_errors_fail_and_warnings_warn() {
        let mut d = db();
        d.lint_warnings = 1;
        assert_eq!(judge(&[d.clone()]).status, CheckStatus::Warn);
        d.lint_errors = 1;
        let o = judge(&[d]);
        assert_eq!(o.status, CheckStatus::Fail);
        assert!(o.summary.contains("1 lint error on main"), "{}", o.summary);
    }
}
