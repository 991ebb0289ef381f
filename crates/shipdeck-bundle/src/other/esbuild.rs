//! esbuild's metafile (`--metafile=meta.json`): each output with an
//! `entryPoint` is an entry; it loads first its file, the outputs its
//! `import-statement` imports name (transitively; `dynamic-import` ones are
//! lazy, and not entries though esbuild gives them an `entryPoint`) and its
//! `cssBundle`. `inputs[].bytesInOutput` says which sources
//! went into each output. Paths are relative to esbuild's working folder
//! (the project); the build folder is the outputs' common folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use super::build::{closure, counted, Build, ModuleBytes};
use crate::detect::Found;
use crate::error::{bad, Result};
use crate::files::{contained, normalize, read_json};

#[derive(Debug, Deserialize)]
struct Metafile {
    outputs: BTreeMap<String, Output>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Output {
    #[serde(default)]
    imports: Vec<Import>,
    #[serde(default)]
    entry_point: Option<String>,
    #[serde(default)]
    css_bundle: Option<String>,
    #[serde(default)]
    inputs: BTreeMap<String, Input>,
}

#[derive(Debug, Deserialize)]
struct Import {
    path: String,
    kind: String,
    #[serde(default)]
    external: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    bytes_in_output: u64,
}

pub fn read(root: &Path, found: &Found) -> Result<(Build, PathBuf)> {
    let Some(path) = &found.file else {
        return Err(bad(&found.dir.display().to_string(), "no metafile"));
    };
    let shown = shipdeck_base::workspace::relative(root, path);
    let meta: Metafile = read_json(path, &shown)?;
    let counted_outputs: Vec<&String> = meta.outputs.keys().filter(|k| counted(k)).collect();
    let prefix = common_folder(&counted_outputs);
    let dir = if prefix.as_os_str().is_empty() {
        found.project.clone()
    } else {
        contained(&found.project, &prefix.to_string_lossy())?
    };
    let rel = |k: &str| -> String {
        Path::new(k)
            .strip_prefix(&prefix)
            .map_or_else(|_| k.to_string(), |p| p.to_string_lossy().into_owned())
    };
    let mut b = Build {
        framework: "esbuild",
        ..Build::default()
    };
    b.files.extend(counted_outputs.iter().map(|k| rel(k)));
    // A dynamically imported module is an entry point to esbuild, not a
    // page: lazy.
    let lazy: BTreeSet<&str> = meta
        .outputs
        .values()
        .flat_map(|o| &o.imports)
        .filter(|i| i.kind == "dynamic-import")
        .map(|i| i.path.as_str())
        .collect();
    for (key, o) in meta
        .outputs
        .iter()
        .filter(|(k, o)| o.entry_point.is_some() && counted(k) && !lazy.contains(k.as_str()))
    {
        let keys = closure(key, |k| {
            meta.outputs
                .get(k)
                .map(|o| {
                    o.imports
                        .iter()
                        .filter(|i| i.kind == "import-statement" && !i.external)
                        .map(|i| i.path.clone())
                        .collect()
                })
                .unwrap_or_default()
        });
        let mut fs = Vec::new();
        let mut seen = BTreeSet::new();
        for k in &keys {
            let css = meta.outputs.get(k).and_then(|o| o.css_bundle.clone());
            for f in std::iter::once(k.clone()).chain(css) {
                if counted(&f) && seen.insert(f.clone()) {
                    fs.push(rel(&f));
                }
            }
        }
        let name = o.entry_point.clone().unwrap_or_else(|| key.clone());
        b.entries.push((name, fs));
    }
    for (key, o) in &meta.outputs {
        let mods: ModuleBytes = o
            .inputs
            .iter()
            .filter(|(_, i)| i.bytes_in_output > 0)
            .map(|(p, i)| (normalize(&found.project.join(p)), i.bytes_in_output))
            .collect();
        b.modules.insert(rel(key), mods);
    }
    Ok((b, dir))
}

/// The deepest folder holding every path (lexically; `..` stops it).
fn common_folder(paths: &[&String]) -> PathBuf {
    let mut common: Option<Vec<Component>> = None;
    for p in paths {
        let parent: Vec<Component> = Path::new(p.as_str())
            .parent()
            .map(|x| {
                x.components()
                    .take_while(|c| matches!(c, Component::Normal(_)))
                    .collect()
            })
            .unwrap_or_default();
        common = Some(match common {
            None => parent,
            Some(c) => c
                .into_iter()
                .zip(parent)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default().iter().collect()
}
