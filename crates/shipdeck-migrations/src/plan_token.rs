//! The token of a migration run's preview: which database, what is applied
//! there, and exactly which migrations would run (versions, names, SQL).
//! A run given the token plans again and refuses when it differs.

use super::db::AppliedRow;
use super::run::{Direction, RunStep};
use super::target::Target;
use super::MigrationError;
use shipdeck_base::plan_digest::{self, PlanDigest};

/// The database as a place, without credentials: engine, host, port, path
/// and user for a server; the file for SQLite. Passwords and query
/// parameters (which may hold keys) never take part.
fn identity(target: &Target) -> String {
    if let Some(file) = &target.sqlite_file {
        return format!("sqlite:{}", file.display());
    }
    match reqwest::Url::parse(&target.display_url) {
        Ok(mut u) => {
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => target.display_url.clone(),
    }
}

/// `goal` is what the run was asked for (`up to 3`, `down 1 step`): two
/// goals that happen to run the same migrations are still different plans.
pub(crate) fn token(
    target: &Target,
    direction: Direction,
    goal: &str,
    applied: &[AppliedRow],
    steps: &[RunStep],
) -> String {
    let mut d = PlanDigest::new("migrations.run");
    d.field("database", &target.name)
        .field("engine", target.engine.label())
        .field("identity", identity(target))
        .field("folder", &target.folder_label)
        .field(
            "direction",
            match direction {
                Direction::Up => "up",
                Direction::Down => "down",
            },
        )
        .field("goal", goal);
    let mut applied: Vec<&AppliedRow> = applied.iter().collect();
    applied.sort_by_key(|a| a.version);
    for a in applied {
        d.field("applied", a.version.to_le_bytes())
            .field("checksum", &a.checksum)
            .field("success", [u8::from(a.success)]);
    }
    for s in steps {
        d.field("step", s.version.to_le_bytes())
            .field("description", &s.description)
            .field("transaction", [u8::from(s.transaction)])
            .content("sql", &s.sql);
    }
    d.finish()
}

/// Refuses a run whose plan is not the previewed one.
pub(crate) fn check(
    expected: Option<&str>,
    token: &str,
    direction: Direction,
    steps: &[RunStep],
) -> Result<(), MigrationError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    if plan_digest::same(expected, token) {
        return Ok(());
    }
    let verb = match direction {
        Direction::Up => "apply",
        Direction::Down => "roll back",
    };
    let versions: Vec<String> = steps.iter().map(|s| s.version.to_string()).collect();
    let now = match versions.as_slice() {
        [] => format!("it would {verb} nothing now"),
        [first, .., last] if versions.len() > 5 => {
            format!(
                "it would {verb} {} migrations now, {first} to {last}",
                versions.len()
            )
        }
        _ => format!("it would {verb} {} now", versions.join(", ")),
    };
    Err(MigrationError::PlanChanged {
        detail: format!(
            "{now} (plan {}, previewed {})",
            plan_digest::short(token),
            plan_digest::short(expected)
        ),
        direction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use shipdeck_types::Coded;

    fn target(display_url: &str) -> Target {
        Target {
            name: "main".into(),
            engine: Engine::Postgres,
            url: display_url.into(),
            display_url: display_url.into(),
            folder: "db/migrations".into(),
            folder_label: "db/migrations".into(),
            sqlite_file: None,
        }
    }

    fn step(version: i64, sql: &str) -> RunStep {
        RunStep {
            version,
            description: "users".into(),
            transaction: true,
            sql: sql.into(),
            execution_ms: None,
        }
    }

    #[test]
    fn credentials_take_no_part_in_the_token() {
        let steps = [step(1, "CREATE TABLE users ();")];
        let t = |url: &str| token(&target(url), Direction::Up, "up", &[], &steps);
        let plain = t("postgres://app@db.example:5432/prod");
        assert_eq!(
            t("postgres://app:***@db.example:5432/prod?sslpassword=***"),
            plain
        );
        assert_ne!(t("postgres://app@db.example:5432/staging"), plain);
        assert_ne!(t("postgres://app@other.example:5432/prod"), plain);
    }

    #[test]
    fn the_sql_that_runs_and_the_applied_state_are_part_of_the_token() {
        let tgt = target("postgres://db.example/prod");
        let one = [step(1, "CREATE TABLE users ();")];
        let base = token(&tgt, Direction::Up, "up", &[], &one);
        let edited = [step(1, "CREATE TABLE users (id int);")];
        assert_ne!(token(&tgt, Direction::Up, "up", &[], &edited), base);
        assert_ne!(token(&tgt, Direction::Down, "up", &[], &one), base);
        let row = AppliedRow {
            version: 0,
            description: "init".into(),
            installed_on: None,
            success: true,
            checksum: vec![1, 2, 3],
            execution_time: 1,
        };
        assert_ne!(token(&tgt, Direction::Up, "up", &[row], &one), base);
    }

    #[test]
    fn only_a_different_token_is_refused() {
        let steps = [step(3, "SELECT 1;")];
        assert!(check(None, "abc", Direction::Up, &steps).is_ok());
        assert!(check(Some(" ABC "), "abc", Direction::Up, &steps).is_ok());
        let err = check(Some("abd"), "abc", Direction::Down, &steps).unwrap_err();
        assert_eq!(err.code(), "migrations.plan_changed");
        assert!(err.to_string().contains("roll back 3"), "{err}");
        assert!(err.hint().unwrap().contains("migrate down --dry-run"));
        let many: Vec<RunStep> = (1..=7).map(|v| step(v, "SELECT 1;")).collect();
        let long = check(Some("abd"), "abc", Direction::Up, &many).unwrap_err();
        assert!(
            long.to_string().contains("apply 7 migrations now, 1 to 7"),
            "{long}"
        );
    }
}
