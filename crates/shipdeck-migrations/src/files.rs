//! The migrations folder, in sqlx's layout: `<VERSION>_<description>.sql`
//! (irreversible) or `<VERSION>_<description>.up.sql` + `.down.sql`
//! (reversible). Checksums are SHA-384 of the file's bytes, as sqlx computes
//! them, so both tools agree on the same database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha384};
use ts_rs::TS;

use super::error::MigrationError;

/// The markers that run a migration outside a transaction (ours, and
/// sqlx's own), on the migration's first line.
pub const NO_TRANSACTION_MARKERS: &[&str] = &["-- shipdeck:no-transaction", "-- no-transaction"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub version: i64,
    pub description: String,
    /// The `.sql` or `.up.sql` file.
    pub up: PathBuf,
    pub up_sql: String,
    pub down: Option<PathBuf>,
    pub down_sql: Option<String>,
    /// SHA-384 of the up file's bytes.
    pub checksum: Vec<u8>,
    pub no_transaction: bool,
}

impl MigrationFile {
    pub fn reversible(&self) -> bool {
        self.down.is_some()
    }
}

/// How two checksums relate once line endings are taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumNote {
    /// Only CRLF ↔ LF differ.
    LineEndings,
    /// Only a trailing newline was added or removed.
    TrailingNewline,
}

pub fn checksum(bytes: &[u8]) -> Vec<u8> {
    Sha384::digest(bytes).to_vec()
}

/// When `applied` differs from the file's checksum, whether the difference
/// is only line endings or a final newline (editors and git's autocrlf do
/// that): the SQL that ran is the same.
pub fn benign_difference(file_bytes: &[u8], applied: &[u8]) -> Option<ChecksumNote> {
    let text = String::from_utf8_lossy(file_bytes);
    let lf = text.replace("\r\n", "\n");
    let crlf = lf.replace('\n', "\r\n");
    for variant in [&lf, &crlf] {
        if checksum(variant.as_bytes()) == applied {
            return Some(ChecksumNote::LineEndings);
        }
    }
    for base in [text.as_ref(), lf.as_str(), crlf.as_str()] {
        let trimmed = base.trim_end_matches(['\n', '\r']);
        for candidate in [
            trimmed.to_string(),
            format!("{trimmed}\n"),
            format!("{trimmed}\r\n"),
        ] {
            if checksum(candidate.as_bytes()) == applied {
                return Some(if base == text.as_ref() {
                    ChecksumNote::TrailingNewline
                } else {
                    ChecksumNote::LineEndings
                });
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Simple,
    Up,
    Down,
}

/// `20240101120000_add_users.up.sql` → (20240101120000, "add users", Up).
/// `None`: not a migration's name. A version past `i64::MAX` is an error:
/// skipping the file would silently leave a migration out.
fn parse_name(name: &str) -> Option<Result<(i64, String, Kind), MigrationError>> {
    let (stem, kind) = if let Some(s) = name.strip_suffix(".up.sql") {
        (s, Kind::Up)
    } else if let Some(s) = name.strip_suffix(".down.sql") {
        (s, Kind::Down)
    } else {
        (name.strip_suffix(".sql")?, Kind::Simple)
    };
    let (version, description) = stem.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let Ok(version) = version.parse::<i64>() else {
        return Some(Err(MigrationError::VersionTooLarge {
            file: name.to_string(),
        }));
    };
    // As sqlx does: underscores in the description become spaces.
    Some(Ok((version, description.replace('_', " "), kind)))
}

pub fn has_no_transaction_marker(sql: &str) -> bool {
    let first = sql
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    NO_TRANSACTION_MARKERS.contains(&first)
}

/// Every migration in `dir`, by version. Files that are not migrations
/// (README, other extensions) are ignored; a broken set (a `.down.sql`
/// without its `.up.sql`, two files for one version) is an error.
pub fn read_dir(dir: &Path) -> Result<Vec<MigrationFile>, MigrationError> {
    let entries = std::fs::read_dir(dir).map_err(|e| MigrationError::Folder {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut ups: BTreeMap<i64, (String, PathBuf, Kind)> = BTreeMap::new();
    let mut downs: BTreeMap<i64, PathBuf> = BTreeMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(parsed) = parse_name(&name) else {
            continue;
        };
        let (version, description, kind) = parsed?;
        let path = entry.path();
        if kind == Kind::Down {
            if downs.insert(version, path).is_some() {
                return Err(MigrationError::DuplicateVersion {
                    version,
                    detail: "two .down.sql files".into(),
                });
            }
        } else if let Some((_, other, _)) = ups.insert(version, (description, path.clone(), kind)) {
            return Err(MigrationError::DuplicateVersion {
                version,
                detail: format!("{} and {}", file_label(&other), file_label(&path)),
            });
        }
    }
    let mut out = Vec::new();
    for (version, (description, up, kind)) in ups {
        let bytes = std::fs::read(&up).map_err(|e| MigrationError::Folder {
            path: up.display().to_string(),
            detail: e.to_string(),
        })?;
        let checksum = checksum(&bytes);
        let up_sql = utf8(bytes, &up)?;
        let down = downs.remove(&version);
        if kind == Kind::Up && down.is_none() {
            return Err(MigrationError::MissingDown {
                version,
                file: file_label(&up),
            });
        }
        let down_sql = match &down {
            Some(p) => {
                let bytes = std::fs::read(p).map_err(|e| MigrationError::Folder {
                    path: p.display().to_string(),
                    detail: e.to_string(),
                })?;
                Some(utf8(bytes, p)?)
            }
            None => None,
        };
        out.push(MigrationFile {
            version,
            description,
            checksum,
            no_transaction: has_no_transaction_marker(&up_sql),
            up,
            up_sql,
            down,
            down_sql,
        });
    }
    if let Some((version, path)) = downs.into_iter().next() {
        return Err(MigrationError::MissingUp {
            version,
            file: file_label(&path),
        });
    }
    Ok(out)
}

/// A migration's text. Bytes that are not UTF-8 are refused, as sqlx does:
/// a lossy conversion would run SQL that is not what the file says.
fn utf8(bytes: Vec<u8>, path: &Path) -> Result<String, MigrationError> {
    String::from_utf8(bytes).map_err(|e| MigrationError::NotUtf8 {
        file: file_label(path),
        offset: e.utf8_error().valid_up_to(),
    })
}

fn file_label(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Versions look like UTC timestamps (`20240101120000`) rather than a
/// sequence (`1`, `2`, `0003`).
pub fn uses_timestamps(files: &[MigrationFile]) -> bool {
    files.is_empty() || files.iter().all(|f| f.version >= 10_000_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_types::Coded;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn names() {
        let ok = |n: &str| parse_name(n).map(Result::unwrap);
        assert_eq!(
            ok("20240101000000_add_users.sql"),
            Some((20240101000000, "add users".into(), Kind::Simple))
        );
        assert_eq!(ok("2_x.up.sql").map(|p| p.2), Some(Kind::Up));
        assert_eq!(ok("0003_x.down.sql").map(|p| p.0), Some(3));
        assert!(parse_name("V1__flyway.sql").is_none());
        assert!(parse_name("README.md").is_none());
    }

    #[test]
    fn reads_simple_and_reversible_migrations() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "1_init.sql", "CREATE TABLE a (id int);\n");
        write(
            d.path(),
            "2_users.up.sql",
            "-- shipdeck:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n",
        );
        write(d.path(), "2_users.down.sql", "DROP INDEX i;\n");
        write(d.path(), "notes.txt", "");
        let m = read_dir(d.path()).unwrap();
        assert_eq!(m.len(), 2);
        assert!(!m[0].reversible() && !m[0].no_transaction);
        assert!(m[1].reversible() && m[1].no_transaction);
        assert_eq!(m[1].description, "users");
        assert_eq!(m[0].checksum, checksum(b"CREATE TABLE a (id int);\n"));
        assert!(!uses_timestamps(&m));
    }

    #[test]
    fn broken_sets_are_errors() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "1_a.up.sql", "");
        assert_eq!(read_dir(d.path()).unwrap_err().code(), "migrations.missing_down");
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "1_a.down.sql", "");
        assert_eq!(read_dir(d.path()).unwrap_err().code(), "migrations.missing_up");
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "1_a.sql", "");
        write(d.path(), "1_b.sql", "");
        assert_eq!(
            read_dir(d.path()).unwrap_err().code(),
            "migrations.duplicate_version"
        );
    }

    #[test]
    fn migration_files_that_are_not_utf8_are_refused_not_converted() {
        let d = tempfile::tempdir().unwrap();
        // Latin-1 "é" in a literal: a lossy read would store U+FFFD.
        std::fs::write(d.path().join("1_a.sql"), b"INSERT INTO t VALUES ('caf\xe9');\n").unwrap();
        let e = read_dir(d.path()).unwrap_err();
        assert_eq!(e.code(), "migrations.not_utf8");
        assert!(
            e.to_string().contains("1_a.sql") && e.to_string().contains("offset 26"),
            "{e}"
        );
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "1_a.up.sql", "SELECT 1;\n");
        std::fs::write(d.path().join("1_a.down.sql"), b"SELECT '\xff';\n").unwrap();
        let e = read_dir(d.path()).unwrap_err();
        assert_eq!(e.code(), "migrations.not_utf8");
        assert!(e.to_string().contains("1_a.down.sql"), "{e}");
    }

    #[test]
    fn versions_past_i64_max_are_errors_not_skipped() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "9223372036854775807_last.sql", "");
        assert_eq!(read_dir(d.path()).unwrap()[0].version, i64::MAX);
        write(d.path(), "9223372036854775808_past.sql", "");
        let e = read_dir(d.path()).unwrap_err();
        assert_eq!(e.code(), "migrations.version_too_large");
        assert!(e.to_string().contains("9223372036854775808_past.sql"), "{e}");
    }

    #[test]
    fn line_ending_only_changes_are_recognised() {
        let applied = checksum(b"CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n");
        assert_eq!(
            benign_difference(
                b"CREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1);\r\n",
                &applied
            ),
            Some(ChecksumNote::LineEndings)
        );
        assert_eq!(
            benign_difference(b"CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);", &applied),
            Some(ChecksumNote::TrailingNewline)
        );
        assert_eq!(
            benign_difference(
                b"CREATE TABLE a (id bigint);\nINSERT INTO a VALUES (1);\n",
                &applied
            ),
            None
        );
        let crlf_applied = checksum(b"SELECT 1;\r\n");
        assert_eq!(
            benign_difference(b"SELECT 1;\n", &crlf_applied),
            Some(ChecksumNote::LineEndings)
        );
    }
}
