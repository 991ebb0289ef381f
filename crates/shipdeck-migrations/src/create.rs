//! `migrate create`: the next version (a UTC timestamp, or the next number
//! when the folder counts 1, 2, 3…) and files from a template.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::files::{read_dir, uses_timestamps};
use super::{Engine, MigrationError};
use shipdeck_base::error::{Error, Result};

#[derive(Debug, Clone, Serialize, TS)]
pub struct CreatedMigration {
    #[ts(type = "number")]
    pub version: i64,
    /// The new files, relative to the workspace.
    pub files: Vec<String>,
}

/// `Add users' email!` → `add_users_email`.
fn slug(name: &str) -> Result<String, MigrationError> {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if matches!(c, ' ' | '-' | '_' | '.') && !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        } else if !c.is_ascii() || c.is_alphanumeric() {
            return Err(MigrationError::InvalidName {
                detail: format!("{name:?}: use ASCII letters and digits in migration names"),
            });
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        return Err(MigrationError::InvalidName {
            detail: format!("{name:?} is not a usable migration name"),
        });
    }
    Ok(out)
}

fn template(description: &str, engine: Option<Engine>, down: bool) -> String {
    let what = if down {
        format!("Revert: {description}")
    } else {
        description.to_string()
    };
    let on = engine.map(|e| format!(" on {}", e.label())).unwrap_or_default();
    let tx = match engine {
        Some(Engine::Mysql) => "-- MariaDB/MySQL commits DDL at once: keep one DDL statement per migration\n-- where you can, so that a failure is easy to repair.\n",
        _ => "-- Runs in one transaction. To run without one (CREATE INDEX CONCURRENTLY),\n-- make `-- shipdeck:no-transaction` the first line.\n",
    };
    format!("-- {what}{on}\n{tx}\n")
}

/// Writes the new migration into `folder` (created if missing).
pub fn create(
    folder: &Path,
    folder_label: &str,
    name: &str,
    reversible: bool,
    engine: Option<Engine>,
    now: DateTime<Utc>,
) -> Result<CreatedMigration> {
    let slug = slug(name)?;
    let existing = if folder.exists() {
        read_dir(folder)?
    } else {
        Vec::new()
    };
    let last = existing.last().map(|f| f.version);
    let after = |l: i64| {
        l.checked_add(1)
            .ok_or(MigrationError::VersionOverflow { last: l })
    };
    let version = if uses_timestamps(&existing) {
        let stamp: i64 = now
            .format("%Y%m%d%H%M%S")
            .to_string()
            .parse()
            .map_err(|_| Error::Internal("a UTC timestamp is not a number".into()))?;
        // Two creates in one second, or a clock behind the newest file.
        match last {
            Some(l) => stamp.max(after(l)?),
            None => stamp,
        }
    } else {
        after(last.unwrap_or(0))?
    };
    // Sequential folders often pad (`0007_x.sql`): keep their width.
    let width = existing
        .iter()
        .filter_map(|f| f.up.file_name()?.to_str()?.split('_').next().map(str::len))
        .max()
        .unwrap_or(0);
    let stem = format!("{version:0width$}_{slug}");
    std::fs::create_dir_all(folder).map_err(Error::io("create", folder))?;
    let description = slug.replace('_', " ");
    let names: Vec<(String, bool)> = if reversible {
        vec![
            (format!("{stem}.up.sql"), false),
            (format!("{stem}.down.sql"), true),
        ]
    } else {
        vec![(format!("{stem}.sql"), false)]
    };
    let mut files = Vec::new();
    for (file, down) in names {
        let path = folder.join(&file);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(Error::io("create", &path))?;
        std::io::Write::write_all(&mut f, template(&description, engine, down).as_bytes())
            .map_err(Error::io("write", &path))?;
        files.push(if folder_label.is_empty() || folder_label == "." {
            file
        } else {
            format!("{}/{file}", folder_label.trim_end_matches('/'))
        });
    }
    Ok(CreatedMigration { version, files })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 18, 30, 5).unwrap()
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(slug("Add users' email").unwrap(), "add_users_email");
        assert_eq!(slug(" create-orders table ").unwrap(), "create_orders_table");
        assert!(slug("   ").is_err());
        assert!(slug("ajouter l'élément").is_err());
    }

    #[test]
    fn timestamp_versions_in_an_empty_folder() {
        let d = tempfile::tempdir().unwrap();
        let c = create(
            &d.path().join("migrations"),
            "migrations",
            "add users",
            true,
            Some(Engine::Postgres),
            now(),
        )
        .unwrap();
        assert_eq!(c.version, 20261125183005);
        assert_eq!(
            c.files,
            [
                "migrations/20261125183005_add_users.up.sql",
                "migrations/20261125183005_add_users.down.sql"
            ]
        );
        let again = create(
            &d.path().join("migrations"),
            "migrations",
            "add users email",
            false,
            None,
            now(),
        )
        .unwrap();
        assert_eq!(again.version, 20261125183006, "the same second must not collide");
        let up = std::fs::read_to_string(
            d.path()
                .join(&c.files[0])
                .strip_prefix(d.path())
                .map(|p| d.path().join(p))
                .unwrap(),
        )
        .unwrap();
        assert!(up.starts_with("-- add users on PostgreSQL\n"), "{up}");
    }

    #[test]
    fn creating_after_version_i64_max_is_an_error_not_an_overflow() {
        for last in ["9223372036854775807", "0009223372036854775807"] {
            let d = tempfile::tempdir().unwrap();
            std::fs::write(d.path().join(format!("{last}_last.sql")), "").unwrap();
            let e = create(d.path(), ".", "next", false, None, now()).unwrap_err();
            assert_eq!(e.code(), "migrations.version_overflow", "{last}");
            assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1, "no file written");
        }
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("3_small.sql"), "").unwrap();
        std::fs::write(d.path().join("9223372036854775806_big.sql"), "").unwrap();
        let c = create(d.path(), ".", "next", false, None, now()).unwrap();
        assert_eq!(c.version, i64::MAX);
    }

    #[test]
    fn sequential_folders_stay_sequential_and_padded() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("0001_init.sql"), "").unwrap();
        std::fs::write(d.path().join("0002_more.sql"), "").unwrap();
        let c = create(d.path(), ".", "third", false, None, now()).unwrap();
        assert_eq!(c.version, 3);
        assert_eq!(c.files, ["0003_third.sql"]);
    }
}
