//! Errors of the Migrations area, each with a stable `migrations.*` code.

use super::literals::{mask_literals, mask_values_in};
use super::split::Statement;
use super::Engine;
use shipdeck_base::error::Error;
use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("cannot read the migrations folder {path}: {detail}")]
    Folder { path: String, detail: String },

    #[error("two migrations have version {version}: {detail}")]
    DuplicateVersion { version: i64, detail: String },

    #[error("{file} is reversible but has no .down.sql file")]
    MissingDown { version: i64, file: String },

    #[error("{file} has no matching .up.sql file")]
    MissingUp { version: i64, file: String },

    #[error("no database named {name:?} (databases: {known})")]
    UnknownDatabase { name: String, known: String },

    #[error("no database is configured")]
    NoDatabase,

    #[error("the URL of database {database:?} is not available: {detail}")]
    UrlUnavailable {
        database: String,
        detail: String,
        hint: String,
    },

    #[error("unsupported database URL scheme {scheme:?}")]
    UnsupportedUrl { scheme: String },

    #[error("another migration run holds the lock on {database}; gave up after {seconds}s")]
    Locked { database: String, seconds: u64 },

    #[error("migration {version} failed mid-way earlier and is marked dirty")]
    Dirty { version: i64 },

    #[error("migration {version} was changed after it was applied")]
    ChecksumChanged { version: i64 },

    #[error("migration {version} is applied but its file is missing")]
    MissingFile { version: i64 },

    #[error("migration {version} ({description}) is irreversible: it has no .down.sql file")]
    Irreversible { version: i64, description: String },

    #[error(
        "{} {version} failed at line {line}: {detail}\n  in: {statement}",
        if *down { "the rollback of migration" } else { "migration" }
    )]
    Failed {
        version: i64,
        /// Its `.down.sql` failed (a rollback), not its up SQL.
        down: bool,
        line: u32,
        statement: String,
        detail: String,
        /// The database may hold part of the migration (no transactional
        /// DDL, or a no-transaction migration).
        dirty: bool,
    },

    #[error("no migration with version {version}")]
    UnknownVersion { version: i64 },

    #[error("migration {version} is not dirty: nothing to repair")]
    NotDirty { version: i64 },

    #[error("migration {version} is not applied")]
    NotApplied { version: i64 },

    #[error("{detail}")]
    InvalidName { detail: String },

    #[error("{file} is not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { file: String, offset: usize },

    #[error("{file}: the version is larger than the largest version ({max})", max = i64::MAX)]
    VersionTooLarge { file: String },

    #[error("no version follows {last}, the newest migration's version")]
    VersionOverflow { last: i64 },

    #[error("database error: {detail}")]
    Database { detail: String },

    #[error("the database is busy: {detail}")]
    Busy { detail: String },

    #[error("the migration plan changed since it was previewed: {detail}")]
    PlanChanged {
        detail: String,
        direction: super::run::Direction,
    },
}

impl Coded for MigrationError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            MigrationError::Folder { .. } => "migrations.folder",
            MigrationError::DuplicateVersion { .. } => "migrations.duplicate_version",
            MigrationError::MissingDown { .. } => "migrations.missing_down",
            MigrationError::MissingUp { .. } => "migrations.missing_up",
            MigrationError::UnknownDatabase { .. } => "migrations.unknown_database",
            MigrationError::NoDatabase => "migrations.no_database",
            MigrationError::UrlUnavailable { .. } => "migrations.url_unavailable",
            MigrationError::UnsupportedUrl { .. } => "migrations.unsupported_url",
            MigrationError::Locked { .. } => "migrations.locked",
            MigrationError::Dirty { .. } => "migrations.dirty",
            MigrationError::ChecksumChanged { .. } => "migrations.checksum_changed",
            MigrationError::MissingFile { .. } => "migrations.missing_file",
            MigrationError::Irreversible { .. } => "migrations.irreversible",
            MigrationError::Failed { .. } => "migrations.failed",
            MigrationError::UnknownVersion { .. } => "migrations.unknown_version",
            MigrationError::NotDirty { .. } => "migrations.not_dirty",
            MigrationError::NotApplied { .. } => "migrations.not_applied",
            MigrationError::InvalidName { .. } => "migrations.invalid_name",
            MigrationError::NotUtf8 { .. } => "migrations.not_utf8",
            MigrationError::VersionTooLarge { .. } => "migrations.version_too_large",
            MigrationError::VersionOverflow { .. } => "migrations.version_overflow",
            MigrationError::Database { .. } => "migrations.database",
            MigrationError::Busy { .. } => "migrations.busy",
            MigrationError::PlanChanged { .. } => "migrations.plan_changed",
        }
    }

    fn hint(&self) -> Option<String> {
        use MigrationError as E;
        match self {
            E::Folder { .. }
            | E::DuplicateVersion { .. }
            | E::MissingDown { .. }
            | E::MissingUp { .. }
            | E::InvalidName { .. }
            | E::NotUtf8 { .. }
            | E::VersionTooLarge { .. }
            | E::VersionOverflow { .. } => self.files_hint(),
            E::UnknownDatabase { .. }
            | E::NoDatabase
            | E::UrlUnavailable { .. }
            | E::UnsupportedUrl { .. }
            | E::Locked { .. }
            | E::Database { .. }
            | E::Busy { .. } => self.setup_hint(),
            E::Dirty { .. }
            | E::ChecksumChanged { .. }
            | E::MissingFile { .. }
            | E::Irreversible { .. }
            | E::UnknownVersion { .. }
            | E::NotDirty { .. }
            | E::NotApplied { .. }
            | E::PlanChanged { .. } => self.state_hint(),
            E::Failed { .. } => self.failed_hint(),
        }
    }
}

impl MigrationError {
    /// The hint for a problem with the migration files themselves.
    fn files_hint(&self) -> Option<String> {
        Some(match self {
            MigrationError::Folder { .. } => {
                "Create the folder, or set `migrations = \"…\"` for the database in shipdeck.toml.".into()
            }
            MigrationError::DuplicateVersion { .. } => {
                "Give one of the files a new version: `shipdeck migrate create` picks the next free one.".into()
            }
            MigrationError::MissingDown { .. } => {
                "Add the .down.sql file, or rename the .up.sql file to .sql to make it irreversible.".into()
            }
            MigrationError::MissingUp { .. } => "Add the .up.sql file, or delete the stray .down.sql file.".into(),
            MigrationError::InvalidName { .. } => {
                "Use letters, digits, spaces, `-` or `_`, e.g. `shipdeck migrate create add users email`.".into()
            }
            MigrationError::NotUtf8 { .. } => {
                "Save the file as UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`): its text would otherwise be guessed at."
                    .into()
            }
            MigrationError::VersionTooLarge { .. } | MigrationError::VersionOverflow { .. } => {
                "Versions are 64-bit integers: renumber the migration with a smaller version (a UTC \
                 timestamp like 20240101120000, or 1, 2, 3…)."
                    .into()
            }
            _ => return None,
        })
    }

    /// The hint for a problem reaching the database: configuration, connection, lock.
    fn setup_hint(&self) -> Option<String> {
        Some(match self {
            MigrationError::UnknownDatabase { .. } => "Use one of the names under [databases] in shipdeck.toml.".into(),
            MigrationError::NoDatabase => {
                "Add a [databases.NAME] table to shipdeck.toml, set DATABASE_URL, or pass --database-url.".into()
            }
            MigrationError::UrlUnavailable { hint, .. } => hint.clone(),
            MigrationError::UnsupportedUrl { .. } => {
                "Use a sqlite:, postgres:// or mysql:// (MariaDB) URL.".into()
            }
            MigrationError::Locked { .. } => {
                "Wait for the other run to finish, or raise --lock-timeout. A crashed run releases the lock by itself."
                    .into()
            }
            MigrationError::Database { .. } => {
                "Check that the server runs and that this user may create tables.".into()
            }
            MigrationError::Busy { .. } => {
                "Another connection is writing to this SQLite database (a migration running?). Retry when it is done."
                    .into()
            }
            _ => return None,
        })
    }

    /// The hint for a conflict between the files and what the database recorded.
    fn state_hint(&self) -> Option<String> {
        Some(match self {
            MigrationError::Dirty { version } => format!(
                "Check what the migration left behind, then `shipdeck migrate repair {version}` \
                 (mark it applied), `--rerun` (run it again) or `--not-applied` (forget it)."
            ),
            MigrationError::ChecksumChanged { version } => format!(
                "Applied migrations must not change: put the change in a new migration. If the edit is intended, \
                 review the diff in `shipdeck migrate status` and accept it with `shipdeck migrate repair --checksum {version}`."
            ),
            MigrationError::MissingFile { .. } => {
                "Restore the file from git, or pass --ignore-missing to go on without it.".into()
            }
            MigrationError::Irreversible { .. } => {
                "Write a .down.sql for it (and rename the file to .up.sql), or roll back by hand.".into()
            }
            MigrationError::UnknownVersion { .. } => "`shipdeck migrate status` lists every version.".into(),
            MigrationError::NotDirty { version } => {
                format!("To accept an edited file use `shipdeck migrate repair --checksum {version}`.")
            }
            MigrationError::NotApplied { .. } => "`shipdeck migrate status` shows what is applied.".into(),
            MigrationError::PlanChanged { direction, .. } => {
                let command = match direction {
                    super::run::Direction::Up => "up",
                    super::run::Direction::Down => "down",
                };
                format!(
                    "Nothing was run: the migration files or the database changed since the preview. Preview \
                     again (`shipdeck migrate {command} --dry-run`) and confirm the new plan with its `expect` token."
                )
            }
            _ => return None,
        })
    }

    /// The hint for a failed statement: what the database kept of it.
    fn failed_hint(&self) -> Option<String> {
        Some(match self {
            MigrationError::Failed {
                dirty: true,
                down: false,
                version,
                ..
            } => format!(
                "This database cannot roll back DDL, so part of the migration may have run. Fix the database by \
                 hand, then `shipdeck migrate repair {version}` (or `--rerun`)."
            ),
            MigrationError::Failed {
                dirty: true,
                down: true,
                version,
                ..
            } => format!(
                "This database cannot roll back DDL, so part of the rollback may have run. Finish it by hand and \
                 `shipdeck migrate repair {version} --not-applied`, or undo it and `shipdeck migrate repair {version}`."
            ),
            MigrationError::Failed { down: false, .. } => {
                "Nothing of this migration was kept. Fix the SQL at that line and run `shipdeck migrate up` again.".into()
            }
            MigrationError::Failed { down: true, .. } => {
                "Nothing of this rollback was kept: the migration is still applied. Fix its .down.sql at that line \
                 and run `shipdeck migrate down` again."
                    .into()
            }
            _ => return None,
        })
    }
}

/// The error for a failed statement, with the line the database points at
/// when it says (PostgreSQL reports a position).
pub(super) fn statement_failed(
    engine: Engine,
    down: bool,
    version: i64,
    statement: &Statement,
    e: sqlx::Error,
    dirty: bool,
) -> Error {
    let mut line = statement.line;
    if let Some(pos) = e
        .as_database_error()
        .and_then(|d| d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
        .and_then(|d| match d.position() {
            Some(sqlx::postgres::PgErrorPosition::Original(p)) => Some(p),
            _ => None,
        })
    {
        line += statement
            .sql
            .chars()
            .take(pos.saturating_sub(1))
            .filter(|c| *c == '\n')
            .count() as u32;
    }
    let detail = match e.as_database_error() {
        Some(d) => d.message().to_string(),
        None => e.to_string(),
    };
    let detail = mask_values_in(&detail, &statement.sql, engine);
    // The statement is shown and recorded (runs, audit): its literals may
    // be passwords, so they are masked.
    let masked = mask_literals(&statement.sql, engine);
    let mut text: String = masked.chars().take(300).collect();
    if text.len() < masked.len() {
        text.push('…');
    }
    MigrationError::Failed {
        version,
        down,
        line,
        statement: text,
        detail,
        dirty,
    }
    .into()
}

impl From<MigrationError> for shipdeck_base::error::Error {
    fn from(e: MigrationError) -> Self {
        Self::area(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_hints_have_no_stray_spaces() {
        for e in [
            MigrationError::VersionTooLarge { file: "x.sql".into() },
            MigrationError::VersionOverflow { last: i64::MAX },
        ] {
            let hint = e.hint().expect("a hint");
            assert!(!hint.contains("  "), "{hint:?}");
            assert!(hint.contains("smaller version (a UTC timestamp"), "{hint:?}");
        }
    }
}
