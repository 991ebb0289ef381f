//! Code-scanning results read from SARIF 2.1.0 files (bandit, semgrep,
//! clippy-sarif, ESLint, CodeQL …) into one list, each result keyed by its
//! `partialFingerprints` so a result seen in two runs is one result.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// SARIF's `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SarifLevel {
    None,
    Note,
    Warning,
    Error,
}

/// One result of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SarifResult {
    /// The run's `tool.driver.name`.
    pub tool: String,
    pub rule_id: String,
    pub level: SarifLevel,
    pub message: String,
    /// Path relative to the workspace, `/`-separated, when the result has a location.
    pub file: Option<String>,
    pub line: Option<u32>,
    pub snippet: Option<String>,
    /// The identity of the result across runs.
    pub fingerprint: String,
}
