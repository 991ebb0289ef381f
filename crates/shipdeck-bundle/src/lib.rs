//! Shipdeck's Bundle area: a web app's build output (Next.js, Vite,
//! webpack stats, esbuild metafiles, Rollup) read into what each route
//! loads, raw and gzip, the chunks shared by all routes, the npm packages
//! behind the bytes, duplicated packages, and budgets. See docs/bundle.md.

pub mod budgets;
pub mod detect;
pub mod diff;
pub mod error;
pub mod files;
pub mod gzip;
pub mod model;
pub mod next;
pub mod other;
pub mod packages;

use std::path::{Path, PathBuf};

use shipdeck_base::config::BundleConfig;
use shipdeck_base::jobs::Progress;

pub use detect::{Found, Kind};
pub use diff::{diff, BaseDiff, BaseRun, RouteFigures};
pub use error::BundleError;
pub use model::*;
pub use next::pretty_bytes;

/// What `bundle analyze` reads.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// The build output (or project) folder named by the user, relative to
    /// the workspace; `None`: found.
    pub dir: Option<PathBuf>,
    /// `[bundle]` from shipdeck.toml.
    pub config: BundleConfig,
}

/// Finds the build output under `root` and reads it: the framework's
/// figures, then the packages behind every chunk (source maps, else the
/// modules the description states), then the budgets.
pub fn analyze(
    root: &Path,
    opts: &AnalyzeOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<BundleReport> {
    let root = root
        .canonicalize()
        .map_err(shipdeck_base::error::Error::io("read", root))?;
    // A bad budget fails before any reading.
    let budgets = budgets::parse(&opts.config)?;
    let found = detect::find(&root, opts.dir.as_deref())?;
    progress.checkpoint()?;
    let (mut report, modules) = match found.kind {
        Kind::Next => (next::analyze(&root, &found, progress)?, other::Modules::default()),
        _ => other::analyze(&root, &found, progress)?,
    };
    let dir = root.join(&report.dir);
    let dir = dir.canonicalize().unwrap_or(dir);
    packages::attribute(&root, &dir, &mut report, &modules, progress)?;
    budgets::apply(&mut report, &budgets)?;
    Ok(report)
}
