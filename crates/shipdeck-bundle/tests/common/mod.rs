//! Helpers of the Bundle tests: the vanilla app and its bundlers
//! (`app.rs`, shared with the CLI tests), and the analysis.
#![allow(dead_code)] // each test binary uses some of these

pub mod app;

use std::path::{Path, PathBuf};

use shipdeck_base::config::BundleConfig;
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_bundle::{analyze, AnalyzeOptions, BundleReport};

pub use app::*;

pub fn analyze_dir(
    root: &Path,
    dir: Option<&str>,
    config: BundleConfig,
) -> shipdeck_base::error::Result<BundleReport> {
    let opts = AnalyzeOptions {
        dir: dir.map(PathBuf::from),
        config,
    };
    analyze(root, &opts, &Progress::detached(CancellationToken::new()))
}
