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

pub mod lockfiles;

use std::path::Path;

use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

/// Reads every lockfile of the workspace and matches every locked version
/// against OSV advisories; progress through `progress`, stops at its cancel.
pub fn scan(root: &Path, opts: &VulnsOptions, progress: &Progress) -> Result<VulnsReport> {
    let _ = (root, opts, progress);
    todo!("OSV matching")
}
