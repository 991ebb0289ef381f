//! The release readiness gate: for the release candidate at HEAD, one check
//! per area (`pass`, `warn`, `fail` or `skipped` with the reason) and one
//! verdict over them. The areas' data is gathered by the API layer; this
//! crate turns it into checks, applies `[readiness]` and renders the report.

pub mod areas;
mod error;
mod model;
pub mod report;

pub use error::ReadinessError;

pub use model::{
    Area, AreaDetails, AreaOutcome, AreaStatus, Candidate, Check, CheckStatus, ReadinessHistoryEntry,
    ReadinessReport, ReadinessRun, Verdict,
};
