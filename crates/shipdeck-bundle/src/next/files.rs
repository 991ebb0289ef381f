//! The sizes of the build's files, raw and gzip, each distinct file read
//! and compressed once.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use shipdeck_base::jobs::Progress;

use crate::gzip::{self, Engine};
use crate::next::read::contained;

/// At most this many files of `static/` are listed.
pub const MAX_FILES: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub bytes: u64,
    pub gzip: u64,
}

/// Sizes by path relative to the build folder (`static/chunks/…`). A file
/// that is missing, unreadable or refused has no entry.
#[derive(Debug, Default)]
pub struct Sizes {
    pub map: HashMap<String, Size>,
    pub engine: Option<Engine>,
}

impl Sizes {
    pub fn get(&self, rel: &str) -> Option<Size> {
        self.map.get(rel).copied()
    }
}

/// Measures `names` (relative to `dir`, canonical). Refusals and missing
/// files become warnings, one per file.
pub fn measure(
    dir: &Path,
    names: &BTreeSet<String>,
    node: Option<&Path>,
    warnings: &mut Vec<String>,
    progress: &Progress,
) -> shipdeck_base::error::Result<Sizes> {
    let mut keep: Vec<(String, u64)> = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    for name in names {
        match contained(dir, name) {
            Ok(p) => match std::fs::metadata(&p) {
                Ok(m) if m.is_file() && m.len() <= gzip::MAX_FILE_BYTES => {
                    keep.push((name.clone(), m.len()));
                    paths.push(p);
                }
                Ok(m) if m.is_file() => warnings.push(format!(
                    "{name}: larger than {} bytes; left out",
                    gzip::MAX_FILE_BYTES
                )),
                _ => warnings.push(format!("{name}: not a file; left out")),
            },
            Err(why) => warnings.push(format!("{}: {why}; left out", shown(name))),
        }
    }
    progress.checkpoint()?;
    let (gz, engine) = gzip::sizes(&paths, node, progress)?;
    let mut map = HashMap::with_capacity(keep.len());
    for ((name, bytes), gz) in keep.into_iter().zip(gz) {
        match gz {
            Some(gzip) => {
                map.insert(name, Size { bytes, gzip });
            }
            None => warnings.push(format!("{name}: unreadable; left out")),
        }
    }
    Ok(Sizes {
        map,
        engine: Some(engine),
    })
}

/// A manifest path as shown in a warning: printable, bounded.
pub fn shown(name: &str) -> String {
    let s: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    if s.len() < name.len() {
        format!("{s}…")
    } else {
        s
    }
}

/// The JavaScript and CSS files under `dir/static`, relative to `dir`,
/// with `/` separators. Links are not followed; names that are not UTF-8
/// are skipped with a warning.
pub fn walk_static(dir: &Path, warnings: &mut Vec<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.join("static")];
    let mut skipped = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && is_asset(&p) {
                let Some(rel) = p.strip_prefix(dir).ok().and_then(Path::to_str) else {
                    skipped += 1;
                    continue;
                };
                if out.len() >= MAX_FILES {
                    skipped += 1;
                    continue;
                }
                out.insert(rel.replace('\\', "/"));
            }
        }
    }
    if skipped > 0 {
        warnings.push(format!(
            "{skipped} files under static/ were not listed (name not UTF-8, or over {MAX_FILES} files)"
        ));
    }
    out
}

pub fn is_js(name: &str) -> bool {
    name.ends_with(".js")
}

fn is_asset(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "css" | "mjs"))
}
