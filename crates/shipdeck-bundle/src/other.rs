//! Vite manifests, webpack stats and Rollup/esbuild metafiles: entries as
//! routes, what each loads, and the chunks all of them load.

use std::path::Path;

use shipdeck_base::jobs::Progress;

use crate::detect::Found;
use crate::error::{bad, Result};
use crate::model::BundleReport;

pub fn analyze(root: &Path, found: &Found, _progress: &Progress) -> Result<BundleReport> {
    let shown = shipdeck_base::workspace::relative(root, &found.dir);
    Err(bad(
        &shown,
        format!("{} builds are not read yet", found.kind.name()),
    ))
}
