//! pnpm-lock.yaml and yarn.lock: the version each lockfile resolved a
//! package.json entry to, read by the Security area's lockfile readers (one
//! reader of each format in the tree).

use std::collections::BTreeMap;
use std::path::Path;

use shipdeck_security::vulns::lockfiles::{pnpm_importer_versions, yarn_descriptor_versions};

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
            return pnpm_importer_versions(&text, &importer)
                .map(|m| Some(JsLock::Pnpm(m)))
                .map_err(|message| DepsError::InvalidManifest {
                    path: relative(root, &pnpm),
                    message,
                });
        }
        let yarn = dir.join("yarn.lock");
        let Some(text) = read_text(root, &yarn)? else {
            return Ok(None);
        };
        yarn_descriptor_versions(&text)
            .map(|m| Some(JsLock::Yarn(m)))
            .map_err(|message| DepsError::InvalidManifest {
                path: relative(root, &yarn),
                message,
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pnpm_importers_and_peer_suffixes() {
        let text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms:\n        specifier: ^2.0.0\n        version: 2.1.3\n\
                    \x20 packages/a:\n    devDependencies:\n      react-dom:\n        specifier: ^18\n        version: 18.2.0(react@18.2.0)\n      loc:\n        specifier: link:../loc\n        version: link:../loc\n";
        assert_eq!(
            pnpm_importer_versions(text, ".")
                .unwrap()
                .get("ms")
                .map(String::as_str),
            Some("2.1.3")
        );
        let a = pnpm_importer_versions(text, "packages/a").unwrap();
        assert_eq!(a.get("react-dom").map(String::as_str), Some("18.2.0"));
        assert!(!a.contains_key("loc"));
        assert!(pnpm_importer_versions("importers: [", ".").is_err());
    }

    #[test]
    fn pnpm5_peer_suffixes_are_not_part_of_the_locked_version() {
        let text = "lockfileVersion: 5.4\nspecifiers:\n  react-dom: ^16.0.0\ndependencies:\n  react-dom: 16.14.0_react@16.14.0\n";
        let m = pnpm_importer_versions(text, ".").unwrap();
        assert_eq!(m.get("react-dom").map(String::as_str), Some("16.14.0"));
    }

    #[test]
    fn yarn_classic_and_berry_keys() {
        let classic = "# yarn lockfile v1\n\nms@^2.0.0, ms@^2.1.1:\n  version \"2.1.3\"\n  resolved \"x\"\n\n\"@scope/x@~1.0.0\":\n  version \"1.0.4\"\n";
        let m = yarn_descriptor_versions(classic).unwrap();
        assert_eq!(m.get("ms@^2.1.1").map(String::as_str), Some("2.1.3"));
        assert_eq!(m.get("@scope/x@~1.0.0").map(String::as_str), Some("1.0.4"));
        let berry = "__metadata:\n  version: 8\n\n\"ms@npm:^2.0.0\":\n  version: 2.1.3\n  resolution: \"ms@npm:2.1.3\"\n";
        let lock = JsLock::Yarn(yarn_descriptor_versions(berry).unwrap());
        assert_eq!(lock.version("ms", "^2.0.0").as_deref(), Some("2.1.3"));
    }
}
