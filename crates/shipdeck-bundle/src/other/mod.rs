//! Vite manifests, webpack stats, esbuild metafiles and Rollup (visualizer
//! raw data): entries as routes, what each loads first, and the chunks all
//! of them load.

mod build;
mod esbuild;
mod rollup;
mod vite;
mod webpack;

use std::path::Path;

use shipdeck_base::jobs::Progress;

pub use build::{closure, Build, ModuleBytes, Modules};

use crate::detect::{Found, Kind};
use crate::error::{bad, AreaResult};
use crate::files::{package_version, Files};
use crate::model::BundleReport;

/// The report of a non-Next.js build, and the modules' bytes per output
/// file when the description states them.
pub fn analyze(root: &Path, found: &Found, progress: &Progress) -> AreaResult<(BundleReport, Modules)> {
    let (mut build, dir) = match found.kind {
        Kind::Vite => {
            let files = Files::new(root, &found.dir);
            (vite::read(found, &files)?, found.dir.clone())
        }
        Kind::Webpack => webpack::read(root, found)?,
        Kind::Esbuild => esbuild::read(root, found)?,
        Kind::Rollup => rollup::read(root, found)?,
        Kind::Next => {
            let shown = shipdeck_base::workspace::relative(root, &found.dir);
            return Err(bad(&shown, "not a bundler output").into());
        }
    };
    progress.checkpoint()?;
    if build.version.is_none() {
        build.version = tool_version(root, &found.project, found.kind);
    }
    let modules = std::mem::take(&mut build.modules);
    let mut files = Files::new(root, &dir);
    let report = build::report(build, &mut files, progress)?;
    Ok((report, modules))
}

/// The version in `node_modules/<tool>/package.json` of the project.
fn tool_version(root: &Path, project: &Path, kind: Kind) -> Option<String> {
    package_version(root, &project.join("node_modules").join(kind.name()))
}
