//! `bundle analyze`'s answer. The first fields are a public contract
//! (`--json`): `framework`, `version`, `routes[]` with `route`, `router`,
//! `first_load_js_bytes`, `first_load_js_gzip_bytes`, `size_bytes`, and
//! `shared` with `bytes`, `gzip_bytes`, `chunks`. Extend, never rename.

use serde::Serialize;
use ts_rs::TS;

/// One build output, read.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BundleReport {
    /// `next`, `vite`, `webpack`, `rollup` or `esbuild`.
    pub framework: String,
    /// The framework's version when the output (or the project) says it.
    pub version: Option<String>,
    pub routes: Vec<RouteSize>,
    pub shared: Shared,
    /// The build output folder read, relative to the workspace.
    pub dir: String,
    /// Every JavaScript and CSS file of the build, largest first.
    pub chunks: Vec<Chunk>,
    /// npm packages by bytes in the build, largest first.
    pub packages: Vec<PackageSize>,
    /// Packages present in two or more versions in one bundle.
    pub duplicates: Vec<Duplicate>,
    /// Each `[bundle.budgets]` entry against the routes it matches.
    pub budgets: Vec<BudgetResult>,
    /// Every budget holds.
    pub passed: bool,
    /// What could not be read but did not stop the analysis.
    pub warnings: Vec<String>,
    /// The comparison with a stored run (`--base REF`); `null` without one.
    pub base: Option<crate::diff::BaseDiff>,
}

/// What one route (page, or entry of a bundler without routes) loads.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RouteSize {
    pub route: String,
    /// `pages` or `app` (Next.js), `entry` (other bundlers).
    pub router: String,
    pub first_load_js_bytes: u64,
    pub first_load_js_gzip_bytes: u64,
    /// The route's own JavaScript (not the shared chunks), uncompressed.
    pub size_bytes: u64,
    /// The same, gzip.
    pub size_gzip_bytes: u64,
    /// The route's own chunks, relative to the build output folder.
    pub chunks: Vec<String>,
    /// The largest packages in what the route loads.
    pub packages: Vec<PackageShare>,
    /// How the route is served, when the build says: `static`
    /// (prerendered), `ssg` (prerendered from data, or from a dynamic
    /// route's list of paths) or `dynamic` (rendered on request).
    pub kind: Option<String>,
    /// The paths prerendered from this (dynamic) route.
    pub prerendered: Vec<String>,
}

/// The chunks every route loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct Shared {
    pub bytes: u64,
    pub gzip_bytes: u64,
    pub chunks: Vec<SharedChunk>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SharedChunk {
    pub path: String,
    pub bytes: u64,
    pub gzip_bytes: u64,
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Chunk {
    /// Relative to the build output folder.
    pub path: String,
    pub bytes: u64,
    pub gzip_bytes: u64,
    /// Routes that load it.
    pub routes: Vec<String>,
    /// Its bytes by package (`(app)` for the project's own code).
    pub packages: Vec<PackageShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackageShare {
    pub name: String,
    pub bytes: u64,
}

/// One npm package's bytes across the build.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackageSize {
    pub name: String,
    /// Versions found (from `node_modules/NAME/package.json` paths).
    pub versions: Vec<String>,
    pub bytes: u64,
    /// Routes whose JavaScript includes it.
    pub routes: usize,
}

/// A package bundled in two or more versions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Duplicate {
    pub name: String,
    pub versions: Vec<String>,
    /// Bytes of all copies but the largest.
    pub wasted_bytes: u64,
}

/// One budget against one route.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BudgetResult {
    /// The `[bundle.budgets]` key (a route or glob).
    pub budget: String,
    pub route: String,
    /// `first_load_js` or `size`.
    pub metric: String,
    /// `gzip` or `raw`.
    pub compression: String,
    pub limit_bytes: u64,
    pub actual_bytes: u64,
    pub passed: bool,
}
