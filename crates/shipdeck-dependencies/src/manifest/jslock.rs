//! pnpm-lock.yaml and yarn.lock: the version each lockfile resolved a
//! package.json entry to.

use std::collections::BTreeMap;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

use super::{read_text, relative};
use crate::error::DepsError;

pub enum JsLock {
    /// `importers.<member>.<kind>.<name>.version` (pnpm 6+).
    Pnpm(BTreeMap<String, String>),
    /// `name@spec` → version, for every spec a key lists.
    Yarn(BTreeMap<String, String>),
}

impl JsLock {
    /// The pnpm or yarn lockfile in `dir` (the lockfile's folder), read for
    /// the package.json in `member_dir`.
    pub fn find(root: &Path, dir: &Path, member_dir: &Path) -> Result<Option<JsLock>, DepsError> {
        let pnpm = dir.join("pnpm-lock.yaml");
        if let Some(text) = read_text(root, &pnpm)? {
            let importer = relative(dir, member_dir);
            let importer = if importer.is_empty() {
                ".".to_string()
            } else {
                importer
            };
            return pnpm_versions(&text, &importer)
                .map(|m| Some(JsLock::Pnpm(m)))
                .map_err(|message| DepsError::InvalidManifest {
                    path: relative(root, &pnpm),
                    message,
                });
        }
        let yarn = dir.join("yarn.lock");
        Ok(read_text(root, &yarn)?.map(|t| JsLock::Yarn(yarn_versions(&t))))
    }

    pub fn version(&self, name: &str, spec: &str) -> Option<String> {
        match self {
            JsLock::Pnpm(m) => m.get(name).cloned(),
            JsLock::Yarn(m) => m
                .get(&format!("{name}@{spec}"))
                .or_else(|| m.get(&format!("{name}@npm:{spec}")))
                .cloned(),
        }
    }
}

fn pnpm_versions(text: &str, importer: &str) -> Result<BTreeMap<String, String>, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    let doc = docs.first().ok_or("empty lockfile")?;
    // pnpm writes the root importer as `.`; a single-project lockfile
    // before v6 kept its dependencies at the top level.
    let importers = &doc["importers"];
    let node = if importers.is_badvalue() {
        doc
    } else {
        &importers[importer]
    };
    let mut out = BTreeMap::new();
    for kind in ["dependencies", "devDependencies", "optionalDependencies"] {
        let Some(deps) = node[kind].as_hash() else {
            continue;
        };
        for (k, v) in deps {
            let Some(name) = k.as_str() else { continue };
            let version = match v {
                Yaml::String(s) => Some(s.as_str()),
                Yaml::Hash(_) => v["version"].as_str(),
                _ => None,
            };
            // `1.2.3(react@18.2.0)`: peer suffixes are not part of the version.
            if let Some(ver) = version.map(|s| s.split('(').next().unwrap_or(s)) {
                if ver.starts_with(|c: char| c.is_ascii_digit()) {
                    out.insert(name.to_string(), ver.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// yarn.lock, classic (`version "1.2.3"`) and Berry (`version: 1.2.3`).
/// Hand-written: classic yarn.lock is yarn's own format, not YAML, and both
/// only need the entry keys and their `version` line.
fn yarn_versions(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut keys: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            keys = line
                .trim_end_matches(':')
                .split(", ")
                .map(|k| k.trim().trim_matches('"').to_string())
                .collect();
            continue;
        }
        let t = line.trim();
        let version = t
            .strip_prefix("version ")
            .or_else(|| t.strip_prefix("version: "))
            .map(|v| v.trim().trim_matches('"'));
        if let Some(v) = version {
            for k in keys.drain(..) {
                out.insert(k, v.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pnpm_importers_and_peer_suffixes() {
        let text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms:\n        specifier: ^2.0.0\n        version: 2.1.3\n\
                    \x20 packages/a:\n    devDependencies:\n      react-dom:\n        specifier: ^18\n        version: 18.2.0(react@18.2.0)\n      loc:\n        specifier: link:../loc\n        version: link:../loc\n";
        assert_eq!(
            pnpm_versions(text, ".").unwrap().get("ms").map(String::as_str),
            Some("2.1.3")
        );
        let a = pnpm_versions(text, "packages/a").unwrap();
        assert_eq!(a.get("react-dom").map(String::as_str), Some("18.2.0"));
        assert!(!a.contains_key("loc"));
        assert!(pnpm_versions("importers: [", ".").is_err());
    }

    #[test]
    fn yarn_classic_and_berry_keys() {
        let classic = "# yarn lockfile v1\n\nms@^2.0.0, ms@^2.1.1:\n  version \"2.1.3\"\n  resolved \"x\"\n\n\"@scope/x@~1.0.0\":\n  version \"1.0.4\"\n";
        let m = yarn_versions(classic);
        assert_eq!(m.get("ms@^2.1.1").map(String::as_str), Some("2.1.3"));
        assert_eq!(m.get("@scope/x@~1.0.0").map(String::as_str), Some("1.0.4"));
        let berry = "__metadata:\n  version: 8\n\n\"ms@npm:^2.0.0\":\n  version: 2.1.3\n  resolution: \"ms@npm:2.1.3\"\n";
        let lock = JsLock::Yarn(yarn_versions(berry));
        assert_eq!(lock.version("ms", "^2.0.0").as_deref(), Some("2.1.3"));
    }
}
