//! Helpers shared by the coverage tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shipdeck_base::config::CoverageArea;
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_coverage::{report, CoverageReport, ReportOptions};

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn run(root: &Path, files: &[&str]) -> shipdeck_base::error::Result<CoverageReport> {
    run_areas(root, files, BTreeMap::new())
}

pub fn run_areas(
    root: &Path,
    files: &[&str],
    areas: BTreeMap<String, CoverageArea>,
) -> shipdeck_base::error::Result<CoverageReport> {
    let opts = ReportOptions {
        files: files.iter().map(PathBuf::from).collect(),
        areas,
    };
    report(root, &opts, &Progress::detached(CancellationToken::new()))
}

/// The folder scripts/setup.sh installs the peer tools into
/// (`$SHIPDECK_TOOLS`, default `~/.cache/shipdeck-tools`).
pub fn tools() -> PathBuf {
    std::env::var_os("SHIPDECK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/shipdeck-tools")
        })
}

/// cargo-llvm-cov as scripts/setup.sh builds it (the version in
/// scripts/tools.env), with the toolchain's llvm-tools beside it.
pub fn cargo_llvm_cov() -> PathBuf {
    let env = include_str!("../../../../scripts/tools.env");
    let version = env
        .lines()
        .find_map(|l| l.strip_prefix("CARGO_LLVM_COV_VERSION="))
        .and_then(|v| v.split_whitespace().next())
        .expect("CARGO_LLVM_COV_VERSION in scripts/tools.env");
    let bin = tools().join(format!("cargo-llvm-cov-{version}/bin/cargo-llvm-cov"));
    assert!(
        bin.is_file(),
        "cargo-llvm-cov is missing at {}: run scripts/setup.sh",
        bin.display()
    );
    bin
}

/// coverage.py from the tools venv scripts/setup.sh makes (or
/// `$SHIPDECK_TOOLS/venv/bin/coverage`).
pub fn coverage_py() -> PathBuf {
    let bin = tools().join("venv/bin/coverage");
    assert!(
        bin.is_file(),
        "coverage.py is missing at {}: run scripts/setup.sh (it runs \
         `$HOME/.cache/shipdeck-tools/venv/bin/pip install 'coverage==7.*'`)",
        bin.display()
    );
    bin
}
