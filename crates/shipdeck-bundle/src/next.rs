//! Next.js builds: per route Size and First Load JS as `next build` prints
//! them (Next.js ≤ 15), or as `.next/diagnostics/route-bundle-stats.json`
//! states them (Next.js 16).

use std::path::Path;

use shipdeck_base::jobs::Progress;

use crate::detect::Found;
use crate::error::{bad, Result};
use crate::model::BundleReport;

pub fn analyze(root: &Path, found: &Found, _progress: &Progress) -> Result<BundleReport> {
    let shown = shipdeck_base::workspace::relative(root, &found.dir);
    Err(bad(&shown, "Next.js builds are not read yet"))
}
