//! Vite's `build.manifest` (`dist/.vite/manifest.json`, `dist/manifest.json`
//! before Vite 5): each `isEntry` chunk is an entry; it loads first its own
//! file, the chunks its static `imports` name (transitively) and their
//! `css`. `dynamicImports` are lazy: counted as files, not first load.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::build::{closure, Build};
use crate::detect::Found;
use crate::error::{bad, Result};
use crate::files::{read_json, Files};

#[derive(Debug, Deserialize)]
struct ManifestChunk {
    file: String,
    #[serde(default)]
    src: Option<String>,
    #[serde(default, rename = "isEntry")]
    is_entry: bool,
    #[serde(default)]
    imports: Vec<String>,
    #[serde(default, rename = "dynamicImports")]
    dynamic_imports: Vec<String>,
    #[serde(default)]
    css: Vec<String>,
}

pub fn read(found: &Found, files: &Files) -> Result<Build> {
    let Some(path) = &found.file else {
        return Err(bad(&files.shown(""), "no manifest"));
    };
    let shown = shipdeck_base::workspace::relative(files.root(), path);
    let manifest: BTreeMap<String, ManifestChunk> = read_json(path, &shown)?;
    let mut b = Build {
        framework: "vite",
        ..Build::default()
    };
    for c in manifest.values() {
        b.files.insert(c.file.clone());
        b.files.extend(c.css.iter().cloned());
        for d in &c.dynamic_imports {
            if let Some(x) = manifest.get(d) {
                b.files.insert(x.file.clone());
            }
        }
    }
    for (key, c) in manifest.iter().filter(|(_, c)| c.is_entry) {
        let keys = closure(key, |k| {
            manifest.get(k).map(|c| c.imports.clone()).unwrap_or_default()
        });
        let mut fs: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        for k in &keys {
            let Some(m) = manifest.get(k) else {
                return Err(bad(
                    &shown,
                    format!("{key} imports {k}, which is not in the manifest"),
                ));
            };
            for f in std::iter::once(&m.file).chain(&m.css) {
                if seen.insert(f.clone()) {
                    fs.push(f.clone());
                }
            }
        }
        let name = c.src.clone().unwrap_or_else(|| key.clone());
        b.entries.push((name, fs));
    }
    b.files.retain(|f| super::build::counted(f));
    for (_, fs) in &mut b.entries {
        fs.retain(|f| super::build::counted(f));
    }
    Ok(b)
}
