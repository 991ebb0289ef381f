//! Finding the build output: `--dir` (or `[bundle] dir`), else the first of
//! the known outputs under the workspace.

use std::path::{Path, PathBuf};

use crate::error::{BundleError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.next/` (Pages and App router).
    Next,
    /// `dist/.vite/manifest.json` (Vite 5+) or `dist/manifest.json`.
    Vite,
    /// webpack's `stats.json` (`webpack --json`).
    Webpack,
    /// esbuild's `--metafile` output.
    Esbuild,
    /// A Rollup bundle description.
    Rollup,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Next => "next",
            Kind::Vite => "vite",
            Kind::Webpack => "webpack",
            Kind::Esbuild => "esbuild",
            Kind::Rollup => "rollup",
        }
    }
}

/// A build output to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub kind: Kind,
    /// The output folder (`.next`, `dist`), canonical, inside the workspace.
    pub dir: PathBuf,
    /// The file that describes the build (manifest, stats, metafile), if
    /// the kind has one.
    pub file: Option<PathBuf>,
    /// The project folder (holding `package.json`), canonical.
    pub project: PathBuf,
}

/// The build output under `root` (canonical), or under `dir` relative to it.
pub fn find(root: &Path, dir: Option<&Path>) -> Result<Found> {
    let base = match dir {
        Some(d) => inside(root, d)?,
        None => root.to_path_buf(),
    };
    probe(&base).ok_or_else(|| BundleError::NotFound {
        dir: shipdeck_base::workspace::relative(root, &base),
    })
}

/// `d` joined to `root`, canonical, refused when it leaves the workspace.
fn inside(root: &Path, d: &Path) -> Result<PathBuf> {
    let bad = |m: &str| BundleError::BadPath {
        path: d.display().to_string(),
        message: m.to_string(),
    };
    let p = root.join(d).canonicalize().map_err(|e| bad(&e.to_string()))?;
    if !p.starts_with(root) {
        return Err(bad("outside the workspace"));
    }
    if !p.is_dir() {
        return Err(bad("not a folder"));
    }
    Ok(p)
}

/// The known output at `base` (a project or an output folder).
fn probe(base: &Path) -> Option<Found> {
    let found = |kind, dir: &Path, file: Option<PathBuf>, project: &Path| Found {
        kind,
        dir: dir.to_path_buf(),
        file,
        project: project.to_path_buf(),
    };
    let parent = base.parent().unwrap_or(base);
    // `base` is the project folder.
    let next = base.join(".next");
    if next.join("build-manifest.json").is_file() {
        return Some(found(Kind::Next, &next, None, base));
    }
    // `base` is `.next` itself.
    if base.join("build-manifest.json").is_file() && base.join("BUILD_ID").is_file() {
        return Some(found(Kind::Next, base, None, parent));
    }
    for (out, project) in [(base.join("dist"), base), (base.to_path_buf(), parent)] {
        for m in [".vite/manifest.json", "manifest.json"] {
            let f = out.join(m);
            if f.is_file() {
                return Some(found(Kind::Vite, &out, Some(f), project));
            }
        }
    }
    for name in ["stats.json", "dist/stats.json", "build/stats.json"] {
        let f = base.join(name);
        if f.is_file() {
            let dir = f.parent().unwrap_or(base).to_path_buf();
            let kind = if is_visualizer_data(&f) {
                Kind::Rollup
            } else {
                Kind::Webpack
            };
            return Some(found(kind, &dir, Some(f), base));
        }
    }
    for name in [
        "meta.json",
        "metafile.json",
        "dist/meta.json",
        "dist/metafile.json",
    ] {
        let f = base.join(name);
        if f.is_file() {
            return Some(found(Kind::Esbuild, base, Some(f), base));
        }
    }
    None
}

/// Whether a `stats.json` is rollup-plugin-visualizer's raw data (it
/// opens with its `version` and `tree`) rather than webpack's stats (which
/// open with `hash`, `version`, `time`… and never have a `tree`).
fn is_visualizer_data(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    if f.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.contains("\"tree\"") && !head.contains("\"entrypoints\"")
}
