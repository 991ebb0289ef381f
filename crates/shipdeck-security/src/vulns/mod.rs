//! Vulnerable locked dependencies: every lockfile of the workspace read
//! ([`lockfiles`]), every locked version matched against OSV advisories
//! following the OSV schema (an OSV-compatible API or OSV's offline
//! per-ecosystem exports).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An ecosystem, spelled as OSV spells it (`crates.io`, `npm`, `PyPI`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub enum Ecosystem {
    #[serde(rename = "crates.io")]
    CratesIo,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
}

impl Ecosystem {
    /// OSV's name, also the folder name of its offline export.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
        }
    }
}

/// One package at one version, as a lockfile pins it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub struct LockedPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    /// The lockfile, relative to the workspace, `/`-separated.
    pub lockfile: String,
    /// How it is pulled in: the chain of package names from a direct
    /// dependency down to this one (just `[name]` when direct; empty when
    /// the lockfile does not say).
    pub via: Vec<String>,
}

/// What `security vulns` reads advisories from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct VulnsOptions {
    /// `OSV_DIR` laid out as `OSV_DIR/<Ecosystem>/all.zip`.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub offline: Option<PathBuf>,
    /// An OSV-compatible API (default: the public OSV API, or
    /// `[security.vulns] osv_url`).
    #[serde(default)]
    pub osv_url: Option<String>,
}

/// How bad, from the advisory's CVSS vector or its database's rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VulnSeverity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

/// One (package, version, advisory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Vulnerability {
    pub ecosystem: Ecosystem,
    pub package: String,
    pub version: String,
    /// The advisory's id; its aliases (CVE/GHSA/PYSEC/RUSTSEC) merged in.
    pub id: String,
    pub aliases: Vec<String>,
    pub severity: Option<VulnSeverity>,
    /// The CVSS base score, when a vector gave one.
    pub score: Option<f64>,
    /// The CVSS vector the score came from.
    pub cvss: Option<String>,
    /// Versions that fix it (empty when a range is closed by `last_affected`).
    pub fixed: Vec<String>,
    /// The smallest version that fixes every advisory of this package at
    /// this version, when one exists.
    pub upgrade_to: Option<String>,
    pub lockfile: String,
    pub via: Vec<String>,
    pub summary: Option<String>,
    /// A link to the advisory.
    pub url: Option<String>,
}

/// `security vulns --json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct VulnsReport {
    pub vulnerabilities: Vec<Vulnerability>,
    pub packages_scanned: u64,
    /// The lockfiles read, relative to the workspace.
    pub lockfiles: Vec<String>,
}

pub mod api;
pub mod lockfiles;
pub mod matching;
pub mod offline;
pub mod osv;
pub mod report;
pub mod source;
pub mod version;

use std::path::Path;

use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

pub use osv::Advisory;
pub use source::{AdvisorySource, ApiSource, DEFAULT_OSV_URL};

/// Reads every lockfile of the workspace and matches every locked version
/// against OSV advisories; progress through `progress`, stops at its cancel.
pub fn scan(root: &Path, opts: &VulnsOptions, progress: &Progress) -> Result<VulnsReport> {
    let locked = lockfiles::read_all(root)?;
    progress.checkpoint()?;
    let source = AdvisorySource::from_options(opts);
    let mut report = match_packages(&locked.packages, &source, progress)?;
    report.lockfiles = locked.lockfiles;
    Ok(report)
}

/// Matches `packages` against the advisories of `source`: one
/// [`Vulnerability`] per (lockfile, package, version, merged advisory),
/// sorted by lockfile, package, version, id. `lockfiles` of the report are
/// those the packages name.
pub fn match_packages(
    packages: &[LockedPackage],
    source: &AdvisorySource,
    progress: &Progress,
) -> Result<VulnsReport> {
    let found = match source {
        AdvisorySource::Api(api) => {
            let queries: std::collections::BTreeSet<api::Query> = packages
                .iter()
                .map(|p| api::Query {
                    ecosystem: p.ecosystem,
                    name: p.name.clone(),
                    version: p.version.clone(),
                })
                .collect();
            let queries: Vec<api::Query> = queries.into_iter().collect();
            if queries.is_empty() {
                source::Found::default()
            } else {
                api::fetch(api, &queries, progress)?
            }
        }
        AdvisorySource::Offline(dir) => offline::load(dir, &report::wanted(packages), progress)?,
        AdvisorySource::Records(records) => {
            let wanted = report::wanted(packages);
            let mut found = source::Found::default();
            for r in records {
                found.add_by_name(r.clone(), &wanted);
            }
            found
        }
    };
    report::build(packages, &found, progress)
}
