//! webpack's stats (`webpack --json > stats.json`, or the stats plugin):
//! each entrypoint is an entry and loads first the assets webpack lists for
//! it (its chunks, split ones included); module names and sizes say which
//! sources went into each chunk. The output folder is `outputPath` when it
//! lies in the workspace, else the folder of the stats file (or its
//! `dist/`, when the assets are there).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::build::{counted, Build, ModuleBytes};
use crate::detect::Found;
use crate::error::{bad, Result};
use crate::files::{normalize, read_json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    output_path: Option<String>,
    #[serde(default)]
    entrypoints: BTreeMap<String, Entrypoint>,
    #[serde(default)]
    chunks: Vec<StatsChunk>,
    #[serde(default)]
    assets: Vec<Asset>,
}

#[derive(Debug, Deserialize)]
struct Entrypoint {
    #[serde(default)]
    assets: Vec<AssetRef>,
}

/// webpack 5 lists `{name, size}`, webpack 4 plain names.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AssetRef {
    Named { name: String },
    Plain(String),
}

impl AssetRef {
    fn name(&self) -> &str {
        match self {
            AssetRef::Named { name } | AssetRef::Plain(name) => name,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Asset {
    name: String,
}

#[derive(Debug, Deserialize)]
struct StatsChunk {
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    modules: Vec<Module>,
}

#[derive(Debug, Deserialize)]
struct Module {
    #[serde(default)]
    name: String,
    #[serde(default)]
    size: f64,
    /// A concatenated module's parts.
    #[serde(default)]
    modules: Vec<Module>,
}

pub fn read(root: &Path, found: &Found) -> Result<(Build, PathBuf)> {
    let Some(path) = &found.file else {
        return Err(bad(&found.dir.display().to_string(), "no stats file"));
    };
    let shown = shipdeck_base::workspace::relative(root, path);
    let stats: Stats = read_json(path, &shown)?;
    if stats.entrypoints.is_empty() {
        return Err(bad(&shown, "no entrypoints: not webpack stats (webpack --json)"));
    }
    // Stats made elsewhere (CI) name a folder that is not here: the
    // assets are then beside the stats file, or in its `dist/`.
    let first = stats.assets.first().map(|a| a.name.as_str()).unwrap_or_default();
    let dir = stats
        .output_path
        .as_deref()
        .and_then(|p| Path::new(p).canonicalize().ok())
        .filter(|p| p.starts_with(root) && p.is_dir())
        .unwrap_or_else(|| {
            let dist = found.dir.join("dist");
            if !found.dir.join(first).is_file() && dist.join(first).is_file() {
                dist
            } else {
                found.dir.clone()
            }
        });
    let mut b = Build {
        framework: "webpack",
        version: stats.version.clone(),
        ..Build::default()
    };
    b.files
        .extend(stats.assets.iter().map(|a| a.name.clone()).filter(|f| counted(f)));
    for (name, e) in &stats.entrypoints {
        let fs: Vec<String> = e
            .assets
            .iter()
            .map(|a| a.name().to_string())
            .filter(|f| counted(f))
            .collect();
        b.entries.push((name.clone(), fs));
    }
    let mut modules: HashMap<String, ModuleBytes> = HashMap::new();
    for c in &stats.chunks {
        let Some(file) = c.files.iter().find(|f| f.ends_with(".js") || f.ends_with(".mjs")) else {
            continue;
        };
        let out = modules.entry(file.clone()).or_default();
        for m in &c.modules {
            flatten(&found.project, m, out);
        }
    }
    b.modules = modules;
    Ok((b, dir))
}

/// A module's bytes under its source path (the parts of a concatenated one).
fn flatten(project: &Path, m: &Module, out: &mut ModuleBytes) {
    if !m.modules.is_empty() {
        for x in &m.modules {
            flatten(project, x, out);
        }
        return;
    }
    // `./node_modules/x/i.js`, or `../x/i.js` from webpack's context;
    // webpack's runtime modules (`webpack/runtime/...`) are the app's.
    let name = m.name.split(" + ").next().unwrap_or_default();
    if name.is_empty() || m.size <= 0.0 {
        return;
    }
    out.push((normalize(&project.join(name)), m.size as u64));
}
