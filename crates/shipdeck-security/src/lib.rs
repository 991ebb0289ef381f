//! Security: what a team must know before a release.
//!
//! - [`secrets`]: secrets in the working tree and in every commit of the
//!   history, with rules in gitleaks' TOML format, allowlists, a baseline and
//!   `.gitleaksignore` fingerprints; matches are always redacted.
//! - [`vulns`]: every locked dependency of every lockfile matched against
//!   OSV advisories (an OSV-compatible API or OSV's offline exports).
//! - [`sarif`]: code-scanning results from any SARIF 2.1.0 producer, read
//!   into one list keyed by each result's fingerprint.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod error;
pub mod sarif;
pub mod secrets;
pub mod vulns;

pub use error::SecurityError;
