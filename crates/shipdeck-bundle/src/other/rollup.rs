//! Rollup builds, read from rollup-plugin-visualizer's raw data
//! (`visualizer({ template: "raw-data", filename: "stats.json" })`), the
//! one description of a Rollup build that names its entries, which modules
//! went into which output file and how the modules import each other
//! (Rollup itself writes only the files). Each module with `isEntry` is an
//! entry; its output file loads first, then every file holding a module
//! that a module of it imports statically (transitively). Module bytes are
//! the rendered lengths. Output file names are relative to the output
//! folder: the data file's folder, or its `dist/`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::build::{closure, counted, Build};
use crate::detect::Found;
use crate::error::{bad, Result};
use crate::files::{normalize, read_json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawData {
    node_parts: HashMap<String, NodePart>,
    node_metas: HashMap<String, NodeMeta>,
    #[serde(default)]
    env: HashMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NodePart {
    #[serde(default)]
    rendered_length: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NodeMeta {
    id: String,
    #[serde(default)]
    module_parts: BTreeMap<String, String>,
    #[serde(default)]
    imported: Vec<Imported>,
    #[serde(default)]
    is_entry: bool,
}

#[derive(Debug, Deserialize)]
struct Imported {
    uid: String,
    #[serde(default)]
    dynamic: bool,
}

pub fn read(root: &Path, found: &Found) -> Result<(Build, PathBuf)> {
    let Some(path) = &found.file else {
        return Err(bad(&found.dir.display().to_string(), "no visualizer data"));
    };
    let shown = shipdeck_base::workspace::relative(root, path);
    let data: RawData = read_json(path, &shown)?;
    let mut b = Build {
        framework: "rollup",
        version: data
            .env
            .get("rollup")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        ..Build::default()
    };
    // Output file → the files it imports statically.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in data.node_metas.values() {
        for (file, part) in &m.module_parts {
            b.files.insert(file.clone());
            let bytes = data.node_parts.get(part).map_or(0, |p| p.rendered_length);
            let source = normalize(&found.project.join(m.id.trim_start_matches('/')));
            b.modules.entry(file.clone()).or_default().push((source, bytes));
            let e = edges.entry(file.clone()).or_default();
            for i in m.imported.iter().filter(|i| !i.dynamic) {
                let Some(t) = data.node_metas.get(&i.uid) else {
                    continue;
                };
                e.extend(t.module_parts.keys().filter(|k| *k != file).cloned());
            }
        }
    }
    let mut entries: BTreeSet<(String, String)> = BTreeSet::new();
    for m in data.node_metas.values().filter(|m| m.is_entry) {
        for file in m.module_parts.keys() {
            entries.insert((m.id.trim_start_matches('/').to_string(), file.clone()));
        }
    }
    for (name, file) in entries {
        let fs = closure(&file, |k| {
            edges
                .get(k)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default()
        });
        b.entries
            .push((name, fs.into_iter().filter(|f| counted(f)).collect()));
    }
    b.files.retain(|f| counted(f));
    let folder = path.parent().unwrap_or(&found.dir).to_path_buf();
    let dir = match b.files.iter().next() {
        Some(f) if !folder.join(f).is_file() && folder.join("dist").join(f).is_file() => folder.join("dist"),
        _ => folder,
    };
    Ok((b, dir))
}
