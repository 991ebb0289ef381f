//! What the workspace is built with, for templates to choose their files:
//! `ecosystems` (`cargo`, `npm`, `pnpm`, `yarn`, `python`), `frontend`
//! (`svelte`, `react` or empty) and `typescript`.

use std::path::Path;

use serde::Serialize;
use shipdeck_base::workspace::{detect_manifests, ecosystems};

/// package.json files over this size are not read.
const MAX_PACKAGE_JSON: u64 = 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stack {
    pub ecosystems: Vec<String>,
    pub frontend: String,
    pub typescript: bool,
}

/// The workspace's stack, from its manifests.
pub fn detect(root: &Path) -> Stack {
    let manifests = detect_manifests(root);
    let mut deps = std::collections::BTreeSet::new();
    for m in manifests
        .iter()
        .filter(|m| m.ecosystem != "cargo" && m.ecosystem != "python")
    {
        deps.extend(package_deps(&root.join(&m.path)));
    }
    let frontend = if deps.contains("svelte") {
        "svelte"
    } else if deps.contains("react") {
        "react"
    } else {
        ""
    };
    Stack {
        ecosystems: ecosystems(&manifests),
        frontend: frontend.into(),
        typescript: deps.contains("typescript") || root.join("tsconfig.json").is_file(),
    }
}

/// The names in a package.json's dependencies and devDependencies.
fn package_deps(path: &Path) -> Vec<String> {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_PACKAGE_JSON);
    let Some(json) = small
        .then(|| std::fs::read_to_string(path).ok())
        .flatten()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    else {
        return Vec::new();
    };
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .filter_map(|k| json.get(k).and_then(|v| v.as_object()))
        .flat_map(|o| o.keys().cloned())
        .collect()
}
