//! Proposing update branches: push, then open (or update) the pull or merge
//! request on the workspace's forge with the upstream changelog excerpts.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::update::Bump;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ProposeRequest {
    /// The update branch; every local `shipdeck/deps/…` branch ahead of HEAD when absent.
    pub branch: Option<String>,
}

/// One pull/merge request opened or updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Proposal {
    pub branch: String,
    pub title: String,
    pub url: Option<String>,
    pub number: Option<u64>,
    /// False when an open request for the branch existed and was updated.
    pub created: bool,
    pub bumps: Vec<Bump>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProposeOutcome {
    pub remote: String,
    pub proposals: Vec<Proposal>,
}
