//! What every bundler reader hands over: its entries with the files each
//! loads first, every output file, and (when the description says) the
//! bytes each source module left in each file. One function turns that into
//! the report, so Vite, webpack, esbuild and Rollup count alike.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use shipdeck_base::jobs::Progress;

use crate::error::{AreaResult, Result};
use crate::files::Files;
use crate::model::{BundleReport, Chunk, RouteSize, Shared, SharedChunk};

/// Bytes per source module (absolute, normalized path) in one output file.
pub type ModuleBytes = Vec<(PathBuf, u64)>;

/// Per output file (relative to the build folder), its modules' bytes.
pub type Modules = HashMap<String, ModuleBytes>;

#[derive(Debug, Default)]
pub struct Build {
    pub framework: &'static str,
    pub version: Option<String>,
    /// Entry name and the files it loads first (its chunk, the chunks it
    /// imports statically, transitively, and their CSS), in load order.
    pub entries: Vec<(String, Vec<String>)>,
    /// Every output file (lazy chunks too), relative to the build folder.
    pub files: BTreeSet<String>,
    pub modules: Modules,
}

/// The files reachable from `start` by `next` (depth first, each once),
/// `start` first. Cycles are fine.
pub fn closure<F>(start: &str, mut next: F) -> Vec<String>
where
    F: FnMut(&str) -> Vec<String>,
{
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut stack = vec![start.to_string()];
    while let Some(k) = stack.pop() {
        if !seen.insert(k.clone()) {
            continue;
        }
        let mut more = next(&k);
        more.reverse();
        stack.extend(more);
        out.push(k);
    }
    out
}

/// The report of `b`: sizes from the files on disk, shared = the files
/// every entry loads (with two entries or more).
pub fn report(b: Build, files: &mut Files, progress: &Progress) -> AreaResult<BundleReport> {
    let mut all: BTreeSet<String> = b.files.clone();
    for (_, fs) in &b.entries {
        all.extend(fs.iter().cloned());
    }
    let total = all.len() as u64;
    for (i, f) in all.iter().enumerate() {
        if i % 64 == 0 {
            progress.checkpoint()?;
            progress.report(i as u64, Some(total), format!("measuring {f}"));
        }
        files.size(f)?;
    }
    let shared = shared_files(&b.entries);
    let mut loaded_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut routes = Vec::new();
    for (name, fs) in &b.entries {
        routes.push(route(name, fs, &shared, files, &mut loaded_by)?);
    }
    let mut sh = Shared::default();
    for f in &shared {
        let s = files.size(f)?;
        sh.bytes += s.bytes;
        sh.gzip_bytes += s.gzip;
        sh.chunks.push(SharedChunk {
            path: f.clone(),
            bytes: s.bytes,
            gzip_bytes: s.gzip,
        });
    }
    let mut chunks = Vec::new();
    for f in &all {
        let s = files.size(f)?;
        chunks.push(Chunk {
            path: f.clone(),
            bytes: s.bytes,
            gzip_bytes: s.gzip,
            routes: loaded_by.remove(f).unwrap_or_default(),
            packages: Vec::new(),
        });
    }
    chunks.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    Ok(BundleReport {
        framework: b.framework.into(),
        version: b.version,
        routes,
        shared: sh,
        dir: files.shown(""),
        chunks,
        packages: Vec::new(),
        duplicates: Vec::new(),
        budgets: Vec::new(),
        passed: true,
        warnings: Vec::new(),
        base: None,
    })
}

/// The files every entry loads, with two entries or more.
fn shared_files(entries: &[(String, Vec<String>)]) -> BTreeSet<String> {
    if entries.len() < 2 {
        return BTreeSet::new();
    }
    let mut it = entries
        .iter()
        .map(|(_, fs)| fs.iter().cloned().collect::<BTreeSet<_>>());
    let first = it.next().unwrap_or_default();
    it.fold(first, |acc, s| acc.intersection(&s).cloned().collect())
}

/// One entry's figures; notes which files it loads in `loaded_by`.
fn route(
    name: &str,
    fs: &[String],
    shared: &BTreeSet<String>,
    files: &mut Files,
    loaded_by: &mut BTreeMap<String, Vec<String>>,
) -> Result<RouteSize> {
    let mut r = RouteSize {
        route: name.to_string(),
        router: "entry".into(),
        first_load_js_bytes: 0,
        first_load_js_gzip_bytes: 0,
        size_bytes: 0,
        size_gzip_bytes: 0,
        chunks: Vec::new(),
        packages: Vec::new(),
        kind: None,
        prerendered: Vec::new(),
    };
    for f in fs {
        let s = files.size(f)?;
        loaded_by.entry(f.clone()).or_default().push(name.to_string());
        r.first_load_js_bytes += s.bytes;
        r.first_load_js_gzip_bytes += s.gzip;
        if !shared.contains(f) {
            r.size_bytes += s.bytes;
            r.size_gzip_bytes += s.gzip;
            r.chunks.push(f.clone());
        }
    }
    Ok(r)
}

/// Whether an output file is one the report counts (JavaScript or CSS).
pub fn counted(file: &str) -> bool {
    [".js", ".mjs", ".cjs", ".css"]
        .iter()
        .any(|ext| file.ends_with(ext))
}
