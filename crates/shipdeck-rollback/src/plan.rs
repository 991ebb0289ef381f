//! The plan, built from what the core found: the deploy action, the
//! migrations to undo, the release to roll back, the health URL.

use crate::destructive::data_loss;
use crate::model::{RollbackPlan, RollbackStep, StepKind};
use crate::platform::DeployAction;

/// The SQL shown per plan, at most.
pub const MAX_SQL: usize = 16 * 1024;

/// A migration the database step undoes, newest first.
#[derive(Debug, Clone)]
pub struct Undo {
    pub version: i64,
    pub description: String,
    /// `None`: there is no `.down.sql`.
    pub down_sql: Option<String>,
}

impl Undo {
    pub fn label(&self) -> String {
        format!("{} {}", self.version, self.description)
    }

    pub fn loss(&self) -> Vec<String> {
        self.down_sql.as_deref().map(data_loss).unwrap_or_default()
    }
}

/// Where the schema version the target release expects came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaSource {
    /// Recorded by Shipdeck when the release was cut or published.
    Recorded,
    /// Read from the migrations folder in the release tag's tree.
    TagTree,
}

/// Everything the plan is made of.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub env: String,
    pub from: Option<String>,
    pub to: String,
    pub deploy: DeployAction,
    pub database: Option<String>,
    /// The highest migration of the target release, and where it came from.
    pub schema: Option<(i64, SchemaSource)>,
    pub undo: Vec<Undo>,
    pub health_url: Option<String>,
    pub verify_timeout_secs: u64,
    /// Releases between `to` and `from`, newest first: the release step
    /// rolls back `from` only, so these stay released.
    pub between: Vec<String>,
}

pub fn build(input: &PlanInput) -> RollbackPlan {
    let mut steps = vec![RollbackStep {
        kind: StepKind::Deploy,
        description: format!("Put {} back on {}", input.env, input.to),
        command: Some(input.deploy.display()),
        sql: None,
        reversible: true,
    }];
    if let Some(step) = database_step(input) {
        steps.push(step);
    }
    if let Some(from) = &input.from {
        let mut description = format!(
            "Roll back release {from} (a revert commit and a patch release, or the tag removed when it was never pushed)"
        );
        if !input.between.is_empty() {
            description.push_str(&format!(
                "; {} stay released (`shipdeck release rollback VERSION` for each, if they must go too)",
                input.between.join(", ")
            ));
        }
        steps.push(RollbackStep {
            kind: StepKind::Release,
            description,
            command: Some(shell_words::join([
                "shipdeck",
                "release",
                "rollback",
                from,
                "--reason",
                &format!("rollback of {} to {}", input.env, input.to),
            ])),
            sql: None,
            reversible: true,
        });
    }
    steps.push(RollbackStep {
        kind: StepKind::Verify,
        description: match &input.health_url {
            Some(_) => format!(
                "Poll {}'s health until it reports {} (up to {}s)",
                input.env, input.to, input.verify_timeout_secs
            ),
            None => format!(
                "{} has no health_url: nothing can confirm it runs {}",
                input.env, input.to
            ),
        },
        command: input
            .health_url
            .as_ref()
            .map(|u| format!("GET {}", shipdeck_base::secrets::redact(u))),
        sql: None,
        reversible: true,
    });
    RollbackPlan {
        env: input.env.clone(),
        from: input.from.clone(),
        to: input.to.clone(),
        steps,
    }
}

fn database_step(input: &PlanInput) -> Option<RollbackStep> {
    let db = input.database.as_deref()?;
    let (target, source) = input.schema.as_ref()?;
    let source = match source {
        SchemaSource::Recorded => "recorded when it was released",
        SchemaSource::TagTree => "read from the migrations in its tag",
    };
    if input.undo.is_empty() {
        return Some(RollbackStep {
            kind: StepKind::Database,
            description: format!(
                "Database {db}: no applied migration above {target}, the schema {} expects ({source}); nothing to undo",
                input.to
            ),
            command: None,
            sql: None,
            reversible: true,
        });
    }
    let names: Vec<String> = input.undo.iter().map(Undo::label).collect();
    let missing: Vec<String> = input
        .undo
        .iter()
        .filter(|u| u.down_sql.is_none())
        .map(Undo::label)
        .collect();
    let lossy: Vec<String> = input
        .undo
        .iter()
        .filter(|u| !u.loss().is_empty())
        .map(|u| format!("{} ({})", u.label(), u.loss().join(", ")))
        .collect();
    let mut description = format!(
        "Database {db}: migrations down to {target}, the schema {} expects ({source}): undo {}",
        input.to,
        names.join(", ")
    );
    if !missing.is_empty() {
        description.push_str(&format!("; IRREVERSIBLE, no down file: {}", missing.join(", ")));
    }
    if !lossy.is_empty() {
        description.push_str(&format!("; DATA LOSS: {}", lossy.join(", ")));
    }
    let mut sql = String::new();
    for u in &input.undo {
        sql.push_str(&format!("-- {}\n", u.label()));
        sql.push_str(u.down_sql.as_deref().unwrap_or("-- (no down file)\n"));
        if !sql.ends_with('\n') {
            sql.push('\n');
        }
    }
    if sql.len() > MAX_SQL {
        let mut cut = MAX_SQL;
        while !sql.is_char_boundary(cut) {
            cut -= 1;
        }
        sql.truncate(cut);
        sql.push_str("\n-- … (cut)\n");
    }
    Some(RollbackStep {
        kind: StepKind::Database,
        description,
        command: Some(format!("shipdeck migrate down --database {db} --to {target}")),
        sql: Some(sql),
        reversible: missing.is_empty() && lossy.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(undo: Vec<Undo>) -> PlanInput {
        PlanInput {
            env: "staging".into(),
            from: Some("1.4.0".into()),
            to: "1.3.0".into(),
            deploy: DeployAction::Command(vec!["./rollback.sh".into(), "1.3.0".into()]),
            database: Some("main".into()),
            schema: Some((20240101000000, SchemaSource::TagTree)),
            undo,
            health_url: Some("http://127.0.0.1:1/health".into()),
            verify_timeout_secs: 120,
            between: Vec::new(),
        }
    }

    #[test]
    fn the_steps_run_deploy_database_release_verify() {
        let plan = build(&input(vec![Undo {
            version: 20240201000000,
            description: "index".into(),
            down_sql: Some("DROP INDEX i;".into()),
        }]));
        let kinds: Vec<StepKind> = plan.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                StepKind::Deploy,
                StepKind::Database,
                StepKind::Release,
                StepKind::Verify
            ]
        );
        assert!(plan.steps[1].reversible);
        assert_eq!(
            plan.steps[1].sql.as_deref(),
            Some("-- 20240201000000 index\nDROP INDEX i;\n")
        );
        assert!(plan.steps[1]
            .description
            .contains("read from the migrations in its tag"));
    }

    #[test]
    fn a_dropping_or_missing_down_file_makes_the_step_irreversible() {
        let plan = build(&input(vec![
            Undo {
                version: 2,
                description: "flags".into(),
                down_sql: Some("DROP TABLE flags;".into()),
            },
            Undo {
                version: 1,
                description: "backfill".into(),
                down_sql: None,
            },
        ]));
        let db = &plan.steps[1];
        assert!(!db.reversible);
        assert!(
            db.description.contains("DATA LOSS: 2 flags (DROP TABLE flags)"),
            "{}",
            db.description
        );
        assert!(
            db.description.contains("IRREVERSIBLE, no down file: 1 backfill"),
            "{}",
            db.description
        );
    }

    #[test]
    fn releases_between_the_two_are_named_as_staying() {
        let mut i = input(Vec::new());
        i.between = vec!["1.3.1".into()];
        let plan = build(&i);
        let release = &plan.steps[2].description;
        assert!(release.contains("; 1.3.1 stay released"), "{release}");
    }
}
