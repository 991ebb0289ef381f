//! Dependencies: which direct dependencies of a workspace's manifests
//! (Cargo, npm, Python) are behind, read from the registries' own protocols.
//!
//! [`outdated`] finds every manifest ([`manifest`]), reads the user's
//! registry configuration ([`config`]), asks each registry once per package
//! ([`registry`], through the cached and bounded [`fetch`]), then computes
//! `wanted`, `latest` and the update class with each ecosystem's rules
//! ([`resolve`]). A registry that fails marks its rows with an error; it
//! does not fail the run.
#![cfg_attr(test, allow(clippy::too_many_lines))]

pub mod config;
pub mod error;
pub mod fetch;
pub mod manifest;
pub mod propose;
pub mod registry;
pub mod resolve;
mod run;
pub mod settings;
mod simple_html;
pub mod update;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shipdeck_types::ErrorPayload;
use ts_rs::TS;

pub use config::UserEnv;
pub use error::DepsError;
pub use propose::{Proposal, ProposeOutcome, ProposeRequest};
pub use resolve::Class;
pub use run::{outdated, repositories};
pub use settings::{DependenciesConfig, Rules, Schedule};
pub use update::{update, Bump, UpdateBranch, UpdateOptions, UpdateOutcome, UpdateRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "DepsEcosystem")] // `Ecosystem` is the Security area's (OSV spelling)
pub enum Ecosystem {
    Cargo,
    Npm,
    Pypi,
}

impl Ecosystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
        }
    }
}

/// One direct dependency of one manifest and how far behind it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Outdated {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The manifest, relative to the workspace (`web/package.json`).
    pub manifest: String,
    pub requirement: String,
    /// The locked version; `None` without a lockfile.
    pub current: Option<String>,
    /// The highest version the requirement allows.
    pub wanted: Option<String>,
    /// npm's `latest` tag; the highest non-prerelease, non-yanked version elsewhere.
    pub latest: Option<String>,
    /// `None` when up to date (or when it cannot be told).
    pub class: Option<Class>,
    /// The manifest's table: `dependencies`, `dev-dependencies`, `optional:GROUP`, …
    pub kind: String,
    /// When `latest` was published, where the registry says (RFC 3339).
    pub released: Option<String>,
    pub homepage: Option<String>,
    pub repository: Option<String>,
    /// Where the release notes are, when the repository is on a known forge.
    pub release_notes: Option<String>,
    /// Advisories (Security area) of the locked version that updating to
    /// `latest` fixes; empty when none are known.
    #[serde(default)]
    pub advisories: Vec<String>,
    /// The `[dependencies.groups]` group the package is in.
    #[serde(default)]
    pub group: Option<String>,
    /// Why this row could not be checked (the others still were).
    pub error: Option<ErrorPayload>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OutdatedReport {
    pub dependencies: Vec<Outdated>,
    /// `[dependencies] schedule`, when set.
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// What could not be told without failing the run (advisories that
    /// did not arrive in time, …).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// How [`outdated`] reaches the registries.
#[derive(Debug, Clone)]
pub struct OutdatedOptions {
    /// Where registry answers are kept and revalidated; `None`: no cache.
    pub cache_dir: Option<PathBuf>,
    /// The home folder and environment the package managers would see.
    pub env: UserEnv,
    pub timeout: Duration,
    /// The largest registry answer read.
    pub max_body_bytes: u64,
    /// Requests at once to one registry host.
    pub per_host: usize,
    /// Keep connections open between requests to one host. `false` opens
    /// one per request, for servers and proxies that mishandle keep-alive.
    pub reuse_connections: bool,
    /// The Node.js version npm would run under (`v20.1.0`), for its
    /// preference of versions whose `engines.node` allows it.
    pub node_version: Option<String>,
}

impl Default for OutdatedOptions {
    fn default() -> Self {
        Self {
            cache_dir: None,
            env: UserEnv::default(),
            timeout: Duration::from_secs(30),
            max_body_bytes: 64 << 20,
            per_host: 16,
            reuse_connections: true,
            node_version: None,
        }
    }
}
