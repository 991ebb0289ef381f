//! The rollback runbook: per environment (`[environments.NAME.deploy]`), the
//! steps back to a previous release — deploy, database, release, verify —
//! planned, run one at a time, and written out as `docs/rollback-procedures.md`.

mod model;

pub use model::{RollbackPlan, RollbackRunResult, RollbackStep, Runbook, StepKind, StepResult, StepStatus};
