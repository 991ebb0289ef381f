//! The status line's figures, counted once here so the CLI and the app
//! say the same thing about the same database.

use serde::Serialize;
use ts_rs::TS;

use super::run::{ChecksumState, MigrationRow};

/// How many migrations stand where: `applied, pending, dirty`, and how many
/// applied ones changed since (each blocks `migrate up`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct MigrationCounts {
    pub applied: u32,
    /// What `migrate up` would apply (a file, no row).
    pub pending: u32,
    /// Failed mid-way.
    pub dirty: u32,
    /// Applied, and the file changed since.
    pub changed: u32,
    /// Applied, and the file is gone.
    pub missing_file: u32,
    /// `migrate up` has something to do and nothing dirty or changed stops it.
    pub can_apply: bool,
    /// `migrate down` has something to undo and nothing dirty stops it.
    pub can_roll_back: bool,
}

impl MigrationCounts {
    pub fn of(rows: &[MigrationRow]) -> MigrationCounts {
        let count = |f: &dyn Fn(&MigrationRow) -> bool| rows.iter().filter(|r| f(r)).count() as u32;
        let mut c = MigrationCounts {
            applied: count(&|r| r.applied),
            pending: count(&|r| r.pending),
            dirty: count(&|r| r.dirty),
            changed: count(&|r| r.checksum == ChecksumState::Changed),
            missing_file: count(&|r| r.checksum == ChecksumState::MissingFile),
            can_apply: false,
            can_roll_back: false,
        };
        c.can_apply = c.pending > 0 && c.dirty == 0 && c.changed == 0;
        c.can_roll_back = c.applied > 0 && c.dirty == 0;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: i64, applied: bool, dirty: bool, checksum: ChecksumState) -> MigrationRow {
        MigrationRow {
            version,
            description: String::new(),
            reversible: false,
            applied,
            applied_at: None,
            execution_ms: None,
            checksum,
            dirty,
            checksum_note: None,
            no_transaction: false,
            file: None,
            out_of_order: false,
            pending: !applied && !dirty && checksum != ChecksumState::MissingFile,
        }
    }

    #[test]
    fn counts_what_blocks_up_and_what_it_would_run() {
        let rows = [
            row(1, true, false, ChecksumState::Ok),
            row(2, true, false, ChecksumState::Changed),
            row(3, true, false, ChecksumState::MissingFile),
            row(4, false, true, ChecksumState::Ok),
            row(5, false, false, ChecksumState::Ok),
        ];
        let c = MigrationCounts::of(&rows);
        assert_eq!(
            (c.applied, c.pending, c.dirty, c.changed, c.missing_file),
            (3, 1, 1, 1, 1)
        );
        assert!(!c.can_apply && !c.can_roll_back);
        let only_pending = MigrationCounts::of(&rows[4..]);
        assert!(only_pending.can_apply && !only_pending.can_roll_back);
        let only_applied = MigrationCounts::of(&rows[..1]);
        assert!(!only_applied.can_apply && only_applied.can_roll_back);
    }
}
