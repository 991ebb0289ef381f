//! Reading a build's files: every path a manifest names is resolved inside
//! the build folder (a `../` or a symlink out of it is refused), files and
//! counts are bounded, and each distinct file is measured (raw and gzip)
//! once.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::{BundleError, Result};
use crate::gzip::gzip_len;

/// The largest build description read (webpack stats with every module
/// can be large).
pub const MAX_MANIFEST: u64 = 256 * 1024 * 1024;
/// The largest single output file (or source map) read.
pub const MAX_FILE: u64 = 64 * 1024 * 1024;
/// The most distinct files one build may name.
pub const MAX_FILES: usize = 50_000;

/// An output file's size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    pub bytes: u64,
    pub gzip: u64,
}

/// The files of one build folder, measured on demand.
#[derive(Debug)]
pub struct Files {
    /// Canonical.
    dir: PathBuf,
    /// The workspace root (canonical), for messages.
    root: PathBuf,
    sizes: HashMap<String, Size>,
}

impl Files {
    pub fn new(root: &Path, dir: &Path) -> Files {
        Files {
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
            sizes: HashMap::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `rel` as the workspace shows it.
    pub fn shown(&self, rel: &str) -> String {
        shipdeck_base::workspace::relative(&self.root, &self.dir.join(rel))
    }

    /// `rel` (a path a manifest names) inside the build folder, or
    /// `bundle.bad_path`.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf> {
        contained(&self.dir, rel)
    }

    /// Raw and gzip size of `rel`, measured once.
    pub fn size(&mut self, rel: &str) -> Result<Size> {
        if let Some(s) = self.sizes.get(rel) {
            return Ok(*s);
        }
        if self.sizes.len() >= MAX_FILES {
            return Err(BundleError::TooLarge {
                path: format!("{} ({} files)", self.shown(""), self.sizes.len()),
                limit: MAX_FILES as u64,
            });
        }
        let data = self.read(rel)?;
        let s = Size {
            bytes: data.len() as u64,
            gzip: gzip_len(&data),
        };
        self.sizes.insert(rel.to_string(), s);
        Ok(s)
    }

    /// The bytes of `rel`, bounded by [`MAX_FILE`].
    pub fn read(&self, rel: &str) -> Result<Vec<u8>> {
        let path = self.resolve(rel)?;
        read_bounded(&path, MAX_FILE, &self.shown(rel))
    }
}

/// `rel` joined to `dir`, refused when absolute, when it climbs out with
/// `..`, or when a symlink takes it out of `dir` (canonical).
pub fn contained(dir: &Path, rel: &str) -> Result<PathBuf> {
    let bad = |m: &str| BundleError::BadPath {
        path: rel.to_string(),
        message: m.to_string(),
    };
    let p = Path::new(rel);
    if rel.is_empty() || rel.contains('\0') {
        return Err(bad("not a file name"));
    }
    if p.components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(bad("outside the build folder"));
    }
    let joined = dir.join(p);
    let real = joined
        .canonicalize()
        .map_err(|e| bad(&format!("cannot be read: {e}")))?;
    if !real.starts_with(dir) {
        return Err(bad("outside the build folder"));
    }
    Ok(real)
}

/// Reads `path` whole, or `bundle.too_large` past `limit`.
pub fn read_bounded(path: &Path, limit: u64, shown: &str) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path).map_err(|e| crate::error::bad(shown, e))?;
    let mut data = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| crate::error::bad(shown, e))?;
    if data.len() as u64 > limit {
        return Err(BundleError::TooLarge {
            path: shown.to_string(),
            limit,
        });
    }
    Ok(data)
}

/// A JSON build description at `path`, parsed into `T`.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path, shown: &str) -> Result<T> {
    let data = read_bounded(path, MAX_MANIFEST, shown)?;
    serde_json::from_slice(&data).map_err(|e| crate::error::bad(shown, e))
}

/// `path` with `.` and `..` folded away without touching the disk (source
/// paths of maps and stats name files that may not exist any more).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The version in `dir/package.json`, when `dir` is inside `root`.
pub fn package_version(root: &Path, dir: &Path) -> Option<String> {
    let dir = normalize(dir);
    if !dir.starts_with(root) {
        return None;
    }
    let data = read_bounded(&dir.join("package.json"), 1024 * 1024, "package.json").ok()?;
    let v: serde_json::Value = serde_json::from_slice(&data).ok()?;
    v.get("version")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_climbing_out_of_the_build_folder_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("dist/assets")).unwrap();
        std::fs::write(root.join("secret.txt"), "x").unwrap();
        std::fs::write(root.join("dist/assets/a.js"), "let a=1").unwrap();
        let dist = root.join("dist");
        let mut f = Files::new(&root, &dist);
        assert_eq!(f.size("assets/a.js").unwrap().bytes, 7);
        for hostile in ["../secret.txt", "assets/../../secret.txt", "/etc/passwd", ""] {
            let e = f.size(hostile).unwrap_err();
            assert!(matches!(e, BundleError::BadPath { .. }), "{hostile}: {e}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("secret.txt"), dist.join("link.js")).unwrap();
            assert!(matches!(f.size("link.js"), Err(BundleError::BadPath { .. })));
        }
    }

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(
            normalize(Path::new("/a/dist/assets/../../node_modules/x/./i.js")),
            PathBuf::from("/a/node_modules/x/i.js")
        );
    }
}
