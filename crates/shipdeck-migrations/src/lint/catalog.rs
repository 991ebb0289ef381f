//! The rule catalogue: every rule's stable id, severity, engines and the
//! texts shown in the docs and the UI. Ids follow squawk's where squawk has
//! the rule, so suppressions and habits carry over.

use super::Severity;
use crate::Engine;

const ALL_ENGINES: &[Engine] = &[Engine::Postgres, Engine::Sqlite, Engine::Mysql];
const PG: &[Engine] = &[Engine::Postgres];
const PG_MYSQL: &[Engine] = &[Engine::Postgres, Engine::Mysql];
const SQLITE: &[Engine] = &[Engine::Sqlite];
const MYSQL: &[Engine] = &[Engine::Mysql];

/// Static description of one rule.
pub(crate) struct Meta {
    pub id: &'static str,
    pub severity: Severity,
    pub engines: &'static [Engine],
    pub summary: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

macro_rules! rules {
    ($($variant:ident => { $($field:ident: $value:expr),* $(,)? }),* $(,)?) => {
        /// Every lint rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Rule { $($variant),* }

        impl Rule {
            /// All rules, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The rule's catalogue entry.
            pub fn meta(self) -> &'static Meta {
                match self {
                    $(Rule::$variant => &Meta { $($field: $value),* }),*
                }
            }
        }
    };
}

rules! {
    AddingRequiredField => {
        id: "adding-required-field",
        severity: Severity::Error,
        engines: ALL_ENGINES,
        summary: "ADD COLUMN … NOT NULL without a DEFAULT on a table that already exists.",
        why: "PostgreSQL fails as soon as the table has a row; SQLite always rejects it; MariaDB/MySQL \
              fills an implicit default, and then every INSERT of the running app that does not set \
              the column fails.",
        fix: "Add the column nullable or with a DEFAULT (`ALTER TABLE t ADD COLUMN c text NOT NULL \
              DEFAULT ''`), or add it nullable, backfill, and enforce NOT NULL in a later migration.",
    },
    AddingNotNullableField => {
        id: "adding-not-nullable-field",
        severity: Severity::Error,
        engines: PG,
        summary: "ALTER COLUMN … SET NOT NULL on an existing table.",
        why: "PostgreSQL scans the whole table to check for NULLs while holding an ACCESS EXCLUSIVE \
              lock: every read and write of the table waits.",
        fix: "`ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT c` in \
              another transaction; `SET NOT NULL` then uses the constraint and skips the scan \
              (PostgreSQL 12+). Drop the CHECK afterwards.",
    },
    RequireConcurrentIndexCreation => {
        id: "require-concurrent-index-creation",
        severity: Severity::Error,
        engines: PG,
        summary: "CREATE INDEX without CONCURRENTLY on a table that already exists.",
        why: "The build holds a SHARE lock on the table: every INSERT, UPDATE and DELETE waits until \
              the index is built.",
        fix: "`CREATE INDEX CONCURRENTLY IF NOT EXISTS …` in a migration whose first line is \
              `-- shipdeck:no-transaction`.",
    },
    RequireConcurrentIndexDeletion => {
        id: "require-concurrent-index-deletion",
        severity: Severity::Error,
        engines: PG,
        summary: "DROP INDEX without CONCURRENTLY.",
        why: "Takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes wait, including \
              behind any long-running query that holds the table.",
        fix: "`DROP INDEX CONCURRENTLY IF EXISTS …` in a migration whose first line is \
              `-- shipdeck:no-transaction`.",
    },
    BanConcurrentIndexCreationInTransaction => {
        id: "ban-concurrent-index-creation-in-transaction",
        severity: Severity::Error,
        engines: PG,
        summary: "CREATE INDEX CONCURRENTLY (or DROP INDEX CONCURRENTLY) inside a transaction.",
        why: "PostgreSQL refuses CONCURRENTLY inside a transaction block, so the migration fails. \
              Shipdeck runs each migration in a transaction unless its first line is \
              `-- shipdeck:no-transaction`.",
        fix: "Put the statement in its own migration whose first line is `-- shipdeck:no-transaction`.",
    },
    ChangingColumnType => {
        id: "changing-column-type",
        severity: Severity::Error,
        engines: PG_MYSQL,
        summary: "Changing a column's type (ALTER COLUMN … TYPE; MODIFY/CHANGE COLUMN on MariaDB/MySQL).",
        why: "Most type changes rewrite the table and its indexes while holding an exclusive lock, \
              and the running app may break on the new type.",
        fix: "Add a column with the new type, backfill it in batches, switch the app to it, and drop \
              the old column in a later release.",
    },
    RenamingColumn => {
        id: "renaming-column",
        severity: Severity::Error,
        engines: ALL_ENGINES,
        summary: "Renaming a column of an existing table.",
        why: "The running app still uses the old name: its queries fail from the moment the migration \
              commits until the new version is deployed.",
        fix: "Expand and contract: add the new column, write both, backfill, switch reads, then drop \
              the old column in a later release.",
    },
    RenamingTable => {
        id: "renaming-table",
        severity: Severity::Error,
        engines: ALL_ENGINES,
        summary: "Renaming an existing table.",
        why: "The running app still uses the old name: its queries fail until the new version is \
              deployed.",
        fix: "Create the new table and move to it in steps (or, on PostgreSQL, rename and leave a \
              view with the old name until no code uses it).",
    },
    AddingForeignKeyConstraint => {
        id: "adding-foreign-key-constraint",
        severity: Severity::Error,
        engines: PG,
        summary: "A FOREIGN KEY added to an existing table without NOT VALID (including ADD COLUMN … REFERENCES).",
        why: "Checking the existing rows scans the table while holding SHARE ROW EXCLUSIVE locks on \
              both tables: writes to both wait.",
        fix: "`ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id) NOT VALID;` \
              then `ALTER TABLE t VALIDATE CONSTRAINT t_u_fk;` in a separate migration.",
    },
    ConstraintMissingNotValid => {
        id: "constraint-missing-not-valid",
        severity: Severity::Error,
        engines: PG,
        summary: "A CHECK constraint added to an existing table without NOT VALID, or validated in \
                  the transaction that added it.",
        why: "Checking the existing rows scans the table under an ACCESS EXCLUSIVE lock: reads and \
              writes wait for the whole scan.",
        fix: "`ADD CONSTRAINT c CHECK (…) NOT VALID`, then `VALIDATE CONSTRAINT c` in another \
              transaction (a later migration, or a no-transaction one), which only takes a SHARE \
              UPDATE EXCLUSIVE lock.",
    },
    DisallowedUniqueConstraint => {
        id: "disallowed-unique-constraint",
        severity: Severity::Error,
        engines: PG,
        summary: "A UNIQUE constraint added to an existing table without USING INDEX.",
        why: "The unique index is built while the table is under an ACCESS EXCLUSIVE lock: reads and \
              writes wait for the whole build.",
        fix: "`CREATE UNIQUE INDEX CONCURRENTLY t_c_key ON t (c);` (no-transaction migration), then \
              `ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_key;`",
    },
    AddingSerialPrimaryKeyField => {
        id: "adding-serial-primary-key-field",
        severity: Severity::Error,
        engines: PG,
        summary: "A PRIMARY KEY added to an existing table without USING INDEX.",
        why: "The index is built (and the columns checked for NULLs) under an ACCESS EXCLUSIVE lock: \
              reads and writes wait for the whole build.",
        fix: "`CREATE UNIQUE INDEX CONCURRENTLY t_pkey ON t (id);` (no-transaction migration), then \
              `ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;`",
    },
    BanDropColumn => {
        id: "ban-drop-column",
        severity: Severity::Error,
        engines: ALL_ENGINES,
        summary: "Dropping a column.",
        why: "The running app may still read or write it, and its queries fail; the data is gone.",
        fix: "Stop using the column in the app and deploy first; drop it in a later migration, \
              marked `-- shipdeck:lint-ignore ban-drop-column` once no code uses it.",
    },
    BanDropTable => {
        id: "ban-drop-table",
        severity: Severity::Error,
        engines: ALL_ENGINES,
        summary: "Dropping a table.",
        why: "The running app may still use it, and its queries fail; the data is gone.",
        fix: "Stop using the table and deploy first; drop it in a later migration, marked \
              `-- shipdeck:lint-ignore ban-drop-table` once no code uses it.",
    },
    BanDropDatabase => {
        id: "ban-drop-database",
        severity: Severity::Error,
        engines: PG_MYSQL,
        summary: "DROP DATABASE (or DROP SCHEMA on MariaDB/MySQL, where it is the same thing).",
        why: "Drops every table in it with its data; a migration is the wrong place for that.",
        fix: "Drop databases by hand, outside migrations.",
    },
    BanDropNotNull => {
        id: "ban-drop-not-null",
        severity: Severity::Warning,
        engines: PG,
        summary: "ALTER COLUMN … DROP NOT NULL.",
        why: "Code that relies on the column never being NULL can break once NULLs appear.",
        fix: "Make sure every reader handles NULL before dropping the constraint.",
    },
    BanTruncateCascade => {
        id: "ban-truncate-cascade",
        severity: Severity::Error,
        engines: PG,
        summary: "TRUNCATE … CASCADE.",
        why: "CASCADE also truncates every table with a foreign key to these, recursively: it can \
              empty far more tables than the ones named.",
        fix: "List every table to truncate explicitly, without CASCADE.",
    },
    RequireLockTimeout => {
        id: "require-lock-timeout",
        severity: Severity::Warning,
        engines: PG,
        summary: "DDL with no `SET lock_timeout` before it in the file.",
        why: "While a DDL statement waits for its lock (behind any long transaction), every query \
              on the table queues behind it: a quick ALTER becomes an outage.",
        fix: "Start the migration with `SET lock_timeout = '2s';` and retry it if it times out.",
    },
    RequireStatementTimeout => {
        id: "require-statement-timeout",
        severity: Severity::Warning,
        engines: PG,
        summary: "DDL with no `SET statement_timeout` before it in the file.",
        why: "A statement that runs longer than expected keeps its locks for as long as it runs.",
        fix: "Start the migration with `SET statement_timeout = '5min';` (a bound that fits the data).",
    },
    PreferBigintOverInt => {
        id: "prefer-bigint-over-int",
        severity: Severity::Warning,
        engines: PG_MYSQL,
        summary: "A 32-bit integer column (int, integer, serial; INT/MEDIUMINT on MariaDB/MySQL).",
        why: "Ids and counters run out at about 2.1 billion, and widening the column later rewrites \
              the table.",
        fix: "Use bigint (bigint GENERATED ALWAYS AS IDENTITY for ids).",
    },
    PreferBigintOverSmallint => {
        id: "prefer-bigint-over-smallint",
        severity: Severity::Warning,
        engines: PG,
        summary: "A 16-bit integer column (smallint, int2, smallserial).",
        why: "It overflows at 32,767, and widening the column later rewrites the table.",
        fix: "Use bigint.",
    },
    PreferTextField => {
        id: "prefer-text-field",
        severity: Severity::Warning,
        engines: PG,
        summary: "A varchar(n) column.",
        why: "Changing the limit later needs an ACCESS EXCLUSIVE lock (and a rewrite when it \
              shrinks); varchar(n) is not faster than text.",
        fix: "Use text, with `CHECK (char_length(c) <= n)` if a limit matters.",
    },
    PreferTimestampTz => {
        id: "prefer-timestamp-tz",
        severity: Severity::Warning,
        engines: PG,
        summary: "A timestamp (without time zone) column.",
        why: "The UTC offset is dropped on write: the same value means different instants depending \
              on the session's time zone.",
        fix: "Use timestamptz.",
    },
    PreferIdentity => {
        id: "prefer-identity",
        severity: Severity::Warning,
        engines: PG,
        summary: "A serial / bigserial / smallserial column.",
        why: "Serial columns own a separate sequence with its own permissions and dependencies, \
              which complicates schema changes and copies.",
        fix: "Use `bigint GENERATED ALWAYS AS IDENTITY`.",
    },
    BanCharField => {
        id: "ban-char-field",
        severity: Severity::Warning,
        engines: PG,
        summary: "A char(n) / character column.",
        why: "Values are blank-padded to n, which surprises comparisons and wastes space; it is \
              almost always a mistake.",
        fix: "Use text (or varchar).",
    },
    AddingFieldWithDefault => {
        id: "adding-field-with-default",
        severity: Severity::Error,
        engines: PG,
        summary: "ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), \
                  nextval(), an unknown function), a serial type, an identity or a stored generated \
                  column, on an existing table.",
        why: "PostgreSQL 11+ adds a column with a constant (or stable, like now()) default without \
              touching rows, but a volatile default is computed per row: the whole table is \
              rewritten under an ACCESS EXCLUSIVE lock.",
        fix: "Add the column without the default, `ALTER COLUMN … SET DEFAULT …` for new rows, and \
              backfill the existing rows in batches.",
    },
    TransactionNesting => {
        id: "transaction-nesting",
        severity: Severity::Error,
        engines: ALL_ENGINES,
        summary: "BEGIN / COMMIT / ROLLBACK in a migration Shipdeck already runs in a transaction, \
                  or unbalanced ones.",
        why: "Shipdeck wraps the file in a transaction: PostgreSQL warns on the BEGIN and the COMMIT \
              ends Shipdeck's transaction early, so the rest runs unprotected; SQLite fails; \
              MariaDB/MySQL commits implicitly.",
        fix: "Remove the transaction statements; for statements that cannot run in a transaction, \
              start the file with `-- shipdeck:no-transaction`.",
    },
    PreferRobustStmts => {
        id: "prefer-robust-stmts",
        severity: Severity::Warning,
        engines: PG,
        summary: "In a migration that runs outside a transaction, a statement that cannot be run \
                  again after a partial failure.",
        why: "Without a transaction, a failure leaves the earlier statements applied, and running \
              the migration again fails on them.",
        fix: "Use IF NOT EXISTS / IF EXISTS, or let the migration run in a transaction (remove \
              `-- shipdeck:no-transaction`).",
    },
    SyntaxError => {
        id: "syntax-error",
        severity: Severity::Warning,
        engines: ALL_ENGINES,
        summary: "A statement the SQL parser cannot read; it is not linted.",
        why: "Shipdeck cannot check what it cannot parse (the database may still accept it).",
        fix: "Check the statement; if it is valid for the database, suppress this with \
              `-- shipdeck:lint-ignore syntax-error`.",
    },
    SqliteUnsupportedAlter => {
        id: "sqlite-unsupported-alter",
        severity: Severity::Error,
        engines: SQLITE,
        summary: "An ALTER TABLE form SQLite does not have (ALTER COLUMN, ADD/DROP CONSTRAINT, …).",
        why: "SQLite's ALTER TABLE only renames tables and columns and adds or drops columns: the \
              migration fails.",
        fix: "Rebuild the table: CREATE TABLE t_new (…); INSERT INTO t_new SELECT … FROM t; \
              DROP TABLE t; ALTER TABLE t_new RENAME TO t; then recreate indexes, triggers and views. \
              An index needs no rebuild: MySQL's `ALTER TABLE t DROP INDEX i` is `DROP INDEX i;` on its own.",
    },
    SqliteUnsupportedAddColumn => {
        id: "sqlite-unsupported-add-column",
        severity: Severity::Error,
        engines: SQLITE,
        summary: "ADD COLUMN with PRIMARY KEY, UNIQUE, a non-constant DEFAULT, a STORED generated \
                  expression, or REFERENCES with a non-NULL default.",
        why: "SQLite rejects these in ALTER TABLE … ADD COLUMN: the migration fails.",
        fix: "Add a plain column (then CREATE UNIQUE INDEX for uniqueness), or rebuild the table \
              with the full definition.",
    },
    SqlitePragmaForeignKeysInTransaction => {
        id: "sqlite-pragma-foreign-keys-in-transaction",
        severity: Severity::Error,
        engines: SQLITE,
        summary: "PRAGMA foreign_keys inside a transaction.",
        why: "SQLite ignores PRAGMA foreign_keys inside a transaction: keys stay enforced, so a table \
              rebuild's DROP TABLE can cascade deletes or fail.",
        fix: "Start the migration with `-- shipdeck:no-transaction`, set the pragma first, and wrap \
              the rest in BEGIN/COMMIT yourself.",
    },
    MysqlDdlNotTransactional => {
        id: "mysql-ddl-not-transactional",
        severity: Severity::Warning,
        engines: MYSQL,
        summary: "A migration that mixes DDL and data changes (INSERT/UPDATE/DELETE) on MariaDB/MySQL.",
        why: "DDL commits implicitly there, so a failure part-way leaves the migration half-applied \
              and running it again fails.",
        fix: "Put the schema change and the data change in separate migrations, and make the data \
              change safe to re-run.",
    },
}

impl Rule {
    pub fn id(self) -> &'static str {
        self.meta().id
    }

    /// The rule with this id (squawk's deprecated `require-timeout-settings`
    /// is handled by the suppression parser, not here).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}
