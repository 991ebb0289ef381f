//! The rollback runbook: per environment (`[environments.NAME.deploy]`), the
//! steps back to a previous release — deploy, database, release, verify —
//! planned, run one at a time, and written out as `docs/rollback-procedures.md`.

mod destructive;
mod error;
mod exec;
mod model;
pub mod plan;
pub mod platform;
pub mod render;
pub mod runbook;

pub use destructive::data_loss;
pub use error::RollbackError;
pub use exec::{run_command, CommandOutcome};
pub use model::{RollbackPlan, RollbackRunResult, RollbackStep, Runbook, StepKind, StepResult, StepStatus};
