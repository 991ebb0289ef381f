//! The commands: status, up, down (with dry runs), repair, baseline. Each
//! works on one [`Target`]; the API layer records runs and audit entries.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::applied::applied_rows;
pub use super::counts::MigrationCounts;
use super::db::{AppliedRow, Db, MAX_LOCK_WAIT};
use super::files::{benign_difference, has_no_transaction_marker, read_dir, ChecksumNote, MigrationFile};
use super::plan_token;
use super::script::script;
use super::split::split;
use super::target::Target;
use super::{Engine, MigrationError};
use shipdeck_base::duration::DurationRules;
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumState {
    /// Same file as applied (or not applied yet).
    Ok,
    /// The file changed after it was applied.
    Changed,
    /// Applied, but the file is gone.
    MissingFile,
}

/// One migration, as the file and the database know it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MigrationRow {
    #[ts(type = "number")]
    pub version: i64,
    pub description: String,
    pub reversible: bool,
    pub applied: bool,
    /// UTC, RFC 3339.
    pub applied_at: Option<String>,
    pub execution_ms: Option<f64>,
    pub checksum: ChecksumState,
    /// Failed mid-way: part of it may be in the database.
    pub dirty: bool,
    /// Set when the file differs from what was applied only in line
    /// endings or a final newline (`checksum` stays `ok`).
    pub checksum_note: Option<ChecksumNote>,
    pub no_transaction: bool,
    /// The up file, relative to the workspace.
    pub file: Option<String>,
    /// Pending, but older than the newest applied migration (a merged
    /// branch): it will run out of order.
    pub out_of_order: bool,
    /// Has a file and no row yet: `migrate up` would apply it.
    pub pending: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MigrationStatus {
    pub database: String,
    pub engine: Engine,
    /// With any password masked.
    pub url: String,
    pub folder: String,
    pub migrations: Vec<MigrationRow>,
    pub counts: MigrationCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

/// One migration a run applied or rolled back (or would, in a dry run).
#[derive(Debug, Clone, Serialize, TS)]
pub struct RunStep {
    #[ts(type = "number")]
    pub version: i64,
    pub description: String,
    /// Runs inside a transaction.
    pub transaction: bool,
    /// The SQL that runs.
    pub sql: String,
    pub execution_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RunReport {
    pub database: String,
    pub direction: Direction,
    pub dry_run: bool,
    /// In order. After a failure, the steps that completed.
    pub steps: Vec<RunStep>,
    /// The dry run's exact SQL, in order, as one script.
    pub script: Option<String>,
    /// The plan's token: a digest of the database (without credentials),
    /// what is applied there and the migrations that run. Pass a dry run's
    /// token back as `expect` to run exactly what it showed.
    pub expect: String,
}

/// A run's report, and the error that stopped it (steps before it stay done).
pub struct Outcome<T> {
    pub report: T,
    pub error: Option<Error>,
}

/// How long a run waits for another run's lock unless told otherwise; the
/// CLI's `--lock-timeout` default and the app's wait.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// What `--lock-timeout` accepts: from 0 (try once) to a day.
pub const LOCK_TIMEOUT: DurationRules = DurationRules {
    max: MAX_LOCK_WAIT,
    zero: true,
    bare_seconds: true,
};

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub dry_run: bool,
    pub lock_timeout: Duration,
    /// Go on when applied migrations have no file.
    pub ignore_missing: bool,
    /// The `expect` token of the dry run the user confirmed: the run
    /// refuses (`migrations.plan_changed`) when its plan differs.
    pub expect: Option<String>,
}

/// How far `down` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DownTarget {
    Steps(usize),
    /// Roll back everything newer than this version; it stays applied
    /// (0: everything).
    To(i64),
}

fn nanos_to_ms(n: i64) -> Option<f64> {
    (n >= 0).then(|| (n as f64 / 1_000.0).round() / 1_000.0)
}

async fn read_files(target: &Target) -> Result<Vec<MigrationFile>> {
    let folder = target.folder.clone();
    Ok(tokio::task::spawn_blocking(move || read_dir(&folder)).await??)
}

/// Reads the folder and the table at the same time.
async fn load(target: &Target) -> Result<(Vec<MigrationFile>, Vec<AppliedRow>)> {
    let (files, applied) = tokio::join!(read_files(target), applied_rows(target));
    Ok((files?, applied?))
}

fn relative(target: &Target, f: &MigrationFile) -> String {
    let name =
        f.up.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    if target.folder_label.is_empty() || target.folder_label == "." {
        name
    } else {
        format!("{}/{name}", target.folder_label.trim_end_matches('/'))
    }
}

/// The status table: every file and every row, by version.
pub fn rows(target: &Target, files: &[MigrationFile], applied: &[AppliedRow]) -> Vec<MigrationRow> {
    let mut by_version: BTreeMap<i64, (Option<&MigrationFile>, Option<&AppliedRow>)> = BTreeMap::new();
    for f in files {
        by_version.entry(f.version).or_default().0 = Some(f);
    }
    for a in applied {
        by_version.entry(a.version).or_default().1 = Some(a);
    }
    let newest_applied = applied.iter().filter(|a| a.success).map(|a| a.version).max();
    by_version
        .into_iter()
        .map(|(version, (file, row))| {
            let (checksum, checksum_note) = match (file, row) {
                (None, _) => (ChecksumState::MissingFile, None),
                (Some(f), Some(a)) if a.checksum != f.checksum => {
                    match benign_difference(f.up_sql.as_bytes(), &a.checksum) {
                        Some(note) => (ChecksumState::Ok, Some(note)),
                        None => (ChecksumState::Changed, None),
                    }
                }
                _ => (ChecksumState::Ok, None),
            };
            MigrationRow {
                version,
                description: file.map_or_else(
                    || row.map(|r| r.description.clone()).unwrap_or_default(),
                    |f| f.description.clone(),
                ),
                reversible: file.is_some_and(MigrationFile::reversible),
                applied: row.is_some_and(|r| r.success),
                applied_at: row.and_then(|r| r.installed_on.clone()),
                execution_ms: row.and_then(|r| nanos_to_ms(r.execution_time)),
                checksum,
                dirty: row.is_some_and(|r| !r.success),
                checksum_note,
                no_transaction: file.is_some_and(|f| f.no_transaction),
                file: file.map(|f| relative(target, f)),
                out_of_order: row.is_none() && newest_applied.is_some_and(|n| n > version),
                pending: row.is_none() && file.is_some(),
            }
        })
        .collect()
}

/// Where the database stands. Read-only: creates nothing, takes no lock.
pub async fn status(target: &Target) -> Result<MigrationStatus> {
    let (files, applied) = load(target).await?;
    let migrations = rows(target, &files, &applied);
    Ok(MigrationStatus {
        database: target.name.clone(),
        engine: target.engine,
        url: target.display_url.clone(),
        folder: target.folder_label.clone(),
        counts: MigrationCounts::of(&migrations),
        migrations,
    })
}

/// Refuses to move a database that is dirty, or whose applied migrations
/// changed or went missing.
fn validate(files: &[MigrationFile], applied: &[AppliedRow], ignore_missing: bool) -> Result<()> {
    if let Some(d) = applied.iter().find(|a| !a.success) {
        return Err(MigrationError::Dirty { version: d.version }.into());
    }
    for a in applied {
        match files.iter().find(|f| f.version == a.version) {
            None if !ignore_missing => return Err(MigrationError::MissingFile { version: a.version }.into()),
            Some(f)
                if f.checksum != a.checksum
                    && benign_difference(f.up_sql.as_bytes(), &a.checksum).is_none() =>
            {
                return Err(MigrationError::ChecksumChanged { version: a.version }.into())
            }
            _ => {}
        }
    }
    Ok(())
}

/// The pending migrations up to `to` (inclusive), in version order.
pub fn plan_up<'a>(
    files: &'a [MigrationFile],
    applied: &[AppliedRow],
    to: Option<i64>,
) -> Result<Vec<&'a MigrationFile>> {
    if let Some(v) = to {
        if !files.iter().any(|f| f.version == v) {
            return Err(MigrationError::UnknownVersion { version: v }.into());
        }
    }
    Ok(files
        .iter()
        .filter(|f| to.is_none_or(|v| f.version <= v))
        .filter(|f| !applied.iter().any(|a| a.version == f.version))
        .collect())
}

/// The applied migrations to roll back, newest first. Refuses (before
/// anything runs) when one of them is irreversible or has no file.
pub fn plan_down<'a>(
    files: &'a [MigrationFile],
    applied: &[AppliedRow],
    target: DownTarget,
) -> Result<Vec<&'a MigrationFile>> {
    let mut newest_first: Vec<&AppliedRow> = applied.iter().filter(|a| a.success).collect();
    newest_first.sort_by_key(|a| std::cmp::Reverse(a.version));
    let chosen: Vec<&AppliedRow> = match target {
        DownTarget::Steps(n) => newest_first.into_iter().take(n).collect(),
        DownTarget::To(v) => {
            if v != 0 && !applied.iter().any(|a| a.version == v && a.success) {
                return Err(if files.iter().any(|f| f.version == v) {
                    MigrationError::NotApplied { version: v }.into()
                } else {
                    MigrationError::UnknownVersion { version: v }.into()
                });
            }
            newest_first.into_iter().filter(|a| a.version > v).collect()
        }
    };
    chosen
        .into_iter()
        .map(|a| {
            let f = files
                .iter()
                .find(|f| f.version == a.version)
                .ok_or(MigrationError::MissingFile { version: a.version })?;
            if !f.reversible() {
                return Err(MigrationError::Irreversible {
                    version: f.version,
                    description: f.description.clone(),
                }
                .into());
            }
            Ok(f)
        })
        .collect()
}

fn down_sql(f: &MigrationFile) -> &str {
    f.down_sql.as_deref().unwrap_or_default()
}

fn in_transaction(engine: Engine, no_transaction: bool) -> bool {
    !no_transaction && engine.transactional_ddl()
}

fn planned(engine: Engine, direction: Direction, f: &MigrationFile) -> RunStep {
    let (sql, no_tx) = match direction {
        Direction::Up => (f.up_sql.as_str(), f.no_transaction),
        Direction::Down => (down_sql(f), has_no_transaction_marker(down_sql(f))),
    };
    RunStep {
        version: f.version,
        description: f.description.clone(),
        transaction: in_transaction(engine, no_tx),
        sql: sql.to_string(),
        execution_ms: None,
    }
}

/// Connects for a change: creates the database file if needed, takes the
/// lock, creates the table. The caller must `close()` on every path.
async fn open_for_change(target: &Target, lock_timeout: Duration) -> Result<Db> {
    let mut db = Db::connect(target, true)
        .await?
        .ok_or_else(|| Error::Internal("database file was not created".into()))?;
    if let Err(e) = async {
        db.lock(target, lock_timeout).await?;
        db.ensure_table().await
    }
    .await
    {
        db.close().await;
        return Err(e);
    }
    Ok(db)
}

/// Applies (or, with `dry_run`, prints) the pending migrations up to `to`.
pub async fn up(
    target: &Target,
    to: Option<i64>,
    opts: RunOptions,
    progress: Option<&Progress>,
) -> Result<Outcome<RunReport>> {
    let goal = format!(
        "up to {}",
        to.map_or_else(|| "the newest".into(), |v| v.to_string())
    );
    run(target, Direction::Up, &goal, opts, progress, |files, applied| {
        plan_up(files, applied, to)
    })
    .await
}

/// Rolls back (or prints) the newest applied migrations.
pub async fn down(
    target: &Target,
    how: DownTarget,
    opts: RunOptions,
    progress: Option<&Progress>,
) -> Result<Outcome<RunReport>> {
    let goal = match how {
        DownTarget::Steps(n) => format!("down {n} step(s)"),
        DownTarget::To(v) => format!("down to {v}"),
    };
    run(
        target,
        Direction::Down,
        &goal,
        opts,
        progress,
        |files, applied| plan_down(files, applied, how),
    )
    .await
}

fn steps_of(engine: Engine, direction: Direction, chosen: &[&MigrationFile]) -> Vec<RunStep> {
    chosen.iter().map(|f| planned(engine, direction, f)).collect()
}

async fn run<P>(
    target: &Target,
    direction: Direction,
    goal: &str,
    opts: RunOptions,
    progress: Option<&Progress>,
    plan: P,
) -> Result<Outcome<RunReport>>
where
    P: for<'a> Fn(&'a [MigrationFile], &[AppliedRow]) -> Result<Vec<&'a MigrationFile>>,
{
    let mut report = RunReport {
        database: target.name.clone(),
        direction,
        dry_run: opts.dry_run,
        steps: Vec::new(),
        script: None,
        expect: String::new(),
    };
    if opts.dry_run || opts.expect.is_some() {
        let (files, applied) = load(target).await?;
        validate(&files, &applied, opts.ignore_missing)?;
        let steps = steps_of(target.engine, direction, &plan(&files, &applied)?);
        let token = plan_token::token(target, direction, goal, &applied, &steps);
        if opts.dry_run {
            report.script = Some(script(target.engine, direction, &steps));
            report.steps = steps;
            report.expect = token;
            return Ok(Outcome { report, error: None });
        }
        // Read-only first: a refused run creates nothing, not even the table.
        plan_token::check(opts.expect.as_deref(), &token, direction, &steps)?;
    }
    let files = read_files(target).await?;
    let mut db = open_for_change(target, opts.lock_timeout).await?;
    let result = async {
        let applied = db.applied().await?;
        validate(&files, &applied, opts.ignore_missing)?;
        let chosen = plan(&files, &applied)?;
        let steps = steps_of(target.engine, direction, &chosen);
        report.expect = plan_token::token(target, direction, goal, &applied, &steps);
        // Again under the lock: another run may have finished meanwhile.
        plan_token::check(opts.expect.as_deref(), &report.expect, direction, &steps)?;
        execute(&mut db, target, direction, chosen, progress, &mut report.steps).await
    }
    .await;
    db.close().await;
    Ok(Outcome {
        report,
        error: result.err(),
    })
}

/// Runs the chosen migrations in order, keeping each completed step.
async fn execute(
    db: &mut Db,
    target: &Target,
    direction: Direction,
    chosen: Vec<&MigrationFile>,
    progress: Option<&Progress>,
    done: &mut Vec<RunStep>,
) -> Result<()> {
    let total = chosen.len() as u64;
    for (i, f) in chosen.into_iter().enumerate() {
        if let Some(p) = progress {
            p.checkpoint()?;
            p.report(i as u64, Some(total), format!("{} {}", f.version, f.description));
        }
        let mut step = planned(target.engine, direction, f);
        let statements = split(&step.sql, target.engine);
        let nanos = match direction {
            Direction::Up => db.apply(f, &statements).await?,
            Direction::Down => {
                db.revert(f, &statements, has_no_transaction_marker(&step.sql))
                    .await?
            }
        };
        step.execution_ms = nanos_to_ms(nanos);
        done.push(step);
    }
    if let Some(p) = progress {
        p.report(total, Some(total), "done");
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RepairAction {
    /// A dirty migration was finished by hand: mark it applied.
    Applied,
    /// Run a dirty migration's SQL again.
    Rerun,
    /// A dirty migration was undone by hand: forget it.
    NotApplied,
    /// Accept the current file of an applied migration (store its checksum).
    Checksum,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RepairReport {
    pub database: String,
    #[ts(type = "number")]
    pub version: i64,
    pub action: RepairAction,
    /// SHA-384 before and after, hex (checksum repairs).
    pub previous_checksum: Option<String>,
    pub checksum: Option<String>,
    pub execution_ms: Option<f64>,
}

/// Resolves a dirty migration, or accepts an edited file.
pub async fn repair(
    target: &Target,
    version: i64,
    action: RepairAction,
    lock_timeout: Duration,
) -> Result<RepairReport> {
    let files = read_files(target).await?;
    let mut db = open_for_change(target, lock_timeout).await?;
    let result = async {
        let applied = db.applied().await?;
        let row = applied.iter().find(|a| a.version == version);
        let file = files.iter().find(|f| f.version == version);
        let mut report = RepairReport {
            database: target.name.clone(),
            version,
            action,
            previous_checksum: None,
            checksum: None,
            execution_ms: None,
        };
        match (action, row) {
            (_, None) if file.is_none() => return Err(MigrationError::UnknownVersion { version }.into()),
            (_, None) => return Err(MigrationError::NotApplied { version }.into()),
            (RepairAction::Checksum, Some(row)) => {
                let f = file.ok_or(MigrationError::MissingFile { version })?;
                report.previous_checksum = Some(hex::encode(&row.checksum));
                report.checksum = Some(hex::encode(&f.checksum));
                db.set_checksum(version, &f.checksum).await?;
            }
            (_, Some(row)) if row.success => return Err(MigrationError::NotDirty { version }.into()),
            (RepairAction::Applied, Some(_)) => db.mark_applied(version).await?,
            (RepairAction::NotApplied, Some(_)) => db.forget(version).await?,
            (RepairAction::Rerun, Some(_)) => {
                let f = file.ok_or(MigrationError::MissingFile { version })?;
                db.forget(version).await?;
                let nanos = db.apply(f, &split(&f.up_sql, target.engine)).await?;
                report.execution_ms = nanos_to_ms(nanos);
            }
        }
        Ok(report)
    }
    .await;
    db.close().await;
    result
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BaselineReport {
    pub database: String,
    /// The versions now recorded as applied (without running them).
    #[ts(type = "number[]")]
    pub versions: Vec<i64>,
}

/// Records every migration up to `version` as applied without running it,
/// for a database that was built before Shipdeck managed it.
pub async fn baseline(target: &Target, version: i64, lock_timeout: Duration) -> Result<BaselineReport> {
    let files = read_files(target).await?;
    if !files.iter().any(|f| f.version <= version) {
        return Err(MigrationError::UnknownVersion { version }.into());
    }
    let mut db = open_for_change(target, lock_timeout).await?;
    let result = async {
        let applied = db.applied().await?;
        if let Some(d) = applied.iter().find(|a| !a.success) {
            return Err(MigrationError::Dirty { version: d.version }.into());
        }
        let mut versions = Vec::new();
        for f in files.iter().filter(|f| f.version <= version) {
            if !applied.iter().any(|a| a.version == f.version) {
                db.record_applied(f).await?;
                versions.push(f.version);
            }
        }
        Ok(BaselineReport {
            database: target.name.clone(),
            versions,
        })
    }
    .await;
    db.close().await;
    result
}
