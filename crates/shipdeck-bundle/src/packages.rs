//! The npm packages behind a build's bytes, for every framework: each
//! output file's source map (`<file>.map`, or the file's
//! `//# sourceMappingURL=` reference, inline `data:` maps included) is read
//! the way source-map-explorer reads it — every byte of generated code
//! belongs to the source of the mapping it falls in — else the modules'
//! bytes the build description states. A source under
//! `node_modules/NAME` (or `node_modules/@scope/NAME`) is that package;
//! any other source, and bytes no mapping covers, are `(app)`. A package
//! installed at two paths in two versions is a duplicate.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use shipdeck_base::jobs::Progress;
use sourcemap::{DecodedMap, SourceMap};

use crate::error::{AreaResult, Result};
use crate::files::{normalize, package_version, Files};
use crate::model::{BundleReport, Duplicate, PackageShare, PackageSize};
use crate::other::Modules;

/// The project's own code.
pub const APP: &str = "(app)";
/// Packages listed per route.
const TOP_PER_ROUTE: usize = 10;

/// One installed copy of a package: its install path from the first
/// `node_modules/` (`node_modules/a/node_modules/lodash`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Copy {
    name: String,
    install: String,
}

/// Fills the report's packages, each chunk's and route's packages and the
/// duplicates. `dir` is the build folder (canonical).
pub fn attribute(
    root: &Path,
    dir: &Path,
    report: &mut BundleReport,
    modules: &Modules,
    progress: &Progress,
) -> AreaResult<()> {
    let files = Files::new(root, dir);
    let mut versions = Versions::new(root, dir);
    // Bytes per copy (and `(app)`) in each chunk.
    let mut per_chunk: HashMap<String, BTreeMap<Option<Copy>, u64>> = HashMap::new();
    let total = report.chunks.len() as u64;
    for (i, chunk) in report.chunks.iter().enumerate() {
        progress.checkpoint()?;
        progress.report(i as u64, Some(total), format!("packages in {}", chunk.path));
        let sources = match map_of(&files, &chunk.path) {
            Ok(Some((code, map, map_dir))) => Some(from_map(&code, &map, &map_dir)),
            Ok(None) => None,
            Err(e) => {
                report
                    .warnings
                    .push(format!("{}: source map not read: {e}", chunk.path));
                None
            }
        };
        let sources = sources.or_else(|| {
            modules.get(&chunk.path).map(|m| {
                m.iter()
                    .map(|(p, b)| (Some(p.to_string_lossy().into_owned()), *b))
                    .collect()
            })
        });
        let Some(sources) = sources else { continue };
        let mut by: BTreeMap<Option<Copy>, u64> = BTreeMap::new();
        for (source, bytes) in sources {
            *by.entry(source.as_deref().and_then(copy_of)).or_default() += bytes;
        }
        per_chunk.insert(chunk.path.clone(), by);
    }
    fill(report, &per_chunk, &mut versions);
    Ok(())
}

/// The chunk's code, its decoded source map and the folder the map's
/// sources are relative to.
fn map_of(files: &Files, chunk: &str) -> Result<Option<(Vec<u8>, SourceMap, PathBuf)>> {
    let Ok(path) = files.resolve(chunk) else {
        return Ok(None);
    };
    let folder = path.parent().unwrap_or(files.dir()).to_path_buf();
    let code = files.read(chunk)?;
    let reference = sourcemap::locate_sourcemap_reference_slice(&code).ok().flatten();
    let decoded = match &reference {
        Some(r) if r.get_url().starts_with("data:") => r
            .get_embedded_sourcemap()
            .map_err(|e| crate::error::bad(chunk, e))?,
        Some(r) => {
            // Relative to the chunk; a `..` in it is refused (the map
            // must lie in the build folder).
            let rel = Path::new(chunk)
                .parent()
                .unwrap_or(Path::new(""))
                .join(r.get_url());
            Some(decode(files, &rel.to_string_lossy())?)
        }
        None if files.resolve(&format!("{chunk}.map")).is_ok() => {
            Some(decode(files, &format!("{chunk}.map"))?)
        }
        None => None,
    };
    let map = match decoded {
        Some(DecodedMap::Regular(m)) => m,
        Some(DecodedMap::Index(i)) => i.flatten().map_err(|e| crate::error::bad(chunk, e))?,
        _ => return Ok(None),
    };
    Ok(Some((code, map, folder)))
}

fn decode(files: &Files, rel: &str) -> Result<DecodedMap> {
    let data = files.read(rel)?;
    sourcemap::decode_slice(&data).map_err(|e| crate::error::bad(&files.shown(rel), e))
}

/// Bytes of the chunk per source (`None`: no mapping covers them).
fn from_map(code: &[u8], map: &SourceMap, folder: &Path) -> Vec<(Option<String>, u64)> {
    let lines: Vec<&[u8]> = code.split(|b| *b == b'\n').collect();
    let mut out: HashMap<Option<u32>, u64> = HashMap::new();
    let tokens: Vec<(u32, u32, Option<u32>)> = map
        .tokens()
        .map(|t| {
            let src = (t.get_src_id() != u32::MAX).then(|| t.get_src_id());
            (t.get_dst_line(), t.get_dst_col(), src)
        })
        .collect();
    let mut mapped = 0u64;
    for (i, t) in tokens.iter().enumerate() {
        let Some(line) = lines.get(t.0 as usize) else {
            continue;
        };
        let start = byte_at(line, t.1);
        let end = match tokens.get(i + 1) {
            Some(n) if n.0 == t.0 => byte_at(line, n.1),
            _ => line.len(),
        };
        let len = end.saturating_sub(start) as u64;
        mapped += len;
        *out.entry(t.2).or_default() += len;
    }
    let unmapped = (code.len() as u64).saturating_sub(mapped);
    *out.entry(None).or_default() += unmapped;
    out.into_iter()
        .map(|(id, bytes)| {
            let source = id
                .and_then(|id| map.get_source(id))
                .map(|s| source_path(folder, s));
            (source, bytes)
        })
        .collect()
}

/// The byte offset of UTF-16 column `col` in `line`.
fn byte_at(line: &[u8], col: u32) -> usize {
    let col = col as usize;
    if line.is_ascii() {
        return col.min(line.len());
    }
    let text = String::from_utf8_lossy(line);
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= col {
            return i.min(line.len());
        }
        units += c.len_utf16();
    }
    line.len()
}

/// A map's source as a path: relative ones against the map's folder;
/// `webpack://app/./x` and other URLs keep their path part.
fn source_path(folder: &Path, s: &str) -> String {
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    if s.contains("node_modules/") {
        return s.to_string();
    }
    normalize(&folder.join(s)).to_string_lossy().into_owned()
}

/// The package copy a source path belongs to: from its first
/// `node_modules/` to the innermost package name.
fn copy_of(path: &str) -> Option<Copy> {
    let path = path.replace('\\', "/");
    let first = path.find("node_modules/")?;
    let last = path.rfind("node_modules/")?;
    let rest = &path[last + "node_modules/".len()..];
    let mut parts = rest.split('/');
    let a = parts.next().filter(|a| !a.is_empty())?;
    let name = if a.starts_with('@') {
        format!("{a}/{}", parts.next()?)
    } else {
        a.to_string()
    };
    let end = last + "node_modules/".len() + name.len();
    Some(Copy {
        name,
        install: path[first..end].to_string(),
    })
}

/// Versions from `node_modules/…/package.json`, looked up from the build
/// folder up to the workspace root (where installs live), once each.
struct Versions {
    root: PathBuf,
    dir: PathBuf,
    seen: HashMap<String, Option<String>>,
}

impl Versions {
    fn new(root: &Path, dir: &Path) -> Versions {
        Versions {
            root: root.to_path_buf(),
            dir: dir.to_path_buf(),
            seen: HashMap::new(),
        }
    }

    fn of(&mut self, install: &str) -> Option<String> {
        if let Some(v) = self.seen.get(install) {
            return v.clone();
        }
        let v = self
            .dir
            .ancestors()
            .take_while(|a| a.starts_with(&self.root))
            .find_map(|a| package_version(&self.root, &a.join(install)));
        self.seen.insert(install.to_string(), v.clone());
        v
    }
}

fn top(by: &BTreeMap<String, u64>, n: usize) -> Vec<PackageShare> {
    let mut v: Vec<PackageShare> = by
        .iter()
        .map(|(name, bytes)| PackageShare {
            name: name.clone(),
            bytes: *bytes,
        })
        .collect();
    v.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    v.truncate(n);
    v
}

fn fill(
    report: &mut BundleReport,
    per_chunk: &HashMap<String, BTreeMap<Option<Copy>, u64>>,
    versions: &mut Versions,
) {
    let mut copies: BTreeMap<Copy, u64> = BTreeMap::new();
    for chunk in &mut report.chunks {
        let Some(by) = per_chunk.get(&chunk.path) else {
            continue;
        };
        let mut names: BTreeMap<String, u64> = BTreeMap::new();
        for (c, bytes) in by {
            let name = c.as_ref().map_or(APP.to_string(), |c| c.name.clone());
            *names.entry(name).or_default() += bytes;
            if let Some(c) = c {
                *copies.entry(c.clone()).or_default() += bytes;
            }
        }
        chunk.packages = top(&names, usize::MAX);
    }
    let shared: Vec<String> = report.shared.chunks.iter().map(|c| c.path.clone()).collect();
    let mut routes_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &mut report.routes {
        let mut names: BTreeMap<String, u64> = BTreeMap::new();
        for f in r.chunks.iter().chain(&shared).collect::<BTreeSet<_>>() {
            let Some(by) = per_chunk.get(f) else { continue };
            for (c, bytes) in by {
                if let Some(c) = c {
                    *names.entry(c.name.clone()).or_default() += bytes;
                    routes_of
                        .entry(c.name.clone())
                        .or_default()
                        .insert(r.route.clone());
                }
            }
        }
        r.packages = top(&names, TOP_PER_ROUTE);
    }
    let mut by_name: BTreeMap<String, Vec<(String, Option<String>, u64)>> = BTreeMap::new();
    for (c, bytes) in copies {
        let v = versions.of(&c.install);
        by_name.entry(c.name).or_default().push((c.install, v, bytes));
    }
    report.packages = by_name
        .iter()
        .map(|(name, cs)| PackageSize {
            name: name.clone(),
            versions: cs
                .iter()
                .filter_map(|c| c.1.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            bytes: cs.iter().map(|c| c.2).sum(),
            routes: routes_of.get(name).map_or(0, BTreeSet::len),
        })
        .collect();
    report
        .packages
        .sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    report.duplicates = by_name
        .into_iter()
        .filter_map(|(name, cs)| {
            let versions: BTreeSet<String> = cs
                .iter()
                .map(|c| c.1.clone().unwrap_or_else(|| c.0.clone()))
                .collect();
            (versions.len() >= 2).then(|| {
                let total: u64 = cs.iter().map(|c| c.2).sum();
                let max = cs.iter().map(|c| c.2).max().unwrap_or(0);
                Duplicate {
                    name,
                    versions: versions.into_iter().collect(),
                    wasted_bytes: total - max,
                }
            })
        })
        .collect();
    report.duplicates.sort_by(|a, b| {
        b.wasted_bytes
            .cmp(&a.wasted_bytes)
            .then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_named_by_their_innermost_package() {
        let c = copy_of("../../node_modules/a/node_modules/lodash/fp/map.js").unwrap();
        assert_eq!(c.name, "lodash");
        assert_eq!(c.install, "node_modules/a/node_modules/lodash");
        let c = copy_of("webpack://app/./node_modules/@scope/pkg/index.js").unwrap();
        assert_eq!(
            (c.name.as_str(), c.install.as_str()),
            ("@scope/pkg", "node_modules/@scope/pkg")
        );
        assert_eq!(copy_of("/w/src/main.js"), None);
        assert_eq!(copy_of("node_modules/"), None);
    }

    #[test]
    fn utf16_columns_become_byte_offsets() {
        let line = "a='é';b=1".as_bytes();
        assert_eq!(byte_at(line, 5), 6);
        assert_eq!(byte_at(b"abc", 10), 3);
    }
}
