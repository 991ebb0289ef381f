//! What a workspace is made of: package manifests (Cargo, npm/pnpm/yarn,
//! Python) and migration folders. The walk honours .gitignore and skips
//! dependency and build folders, and goes four levels deep: enough for
//! `crates/<name>/Cargo.toml` and `packages/<name>/package.json` layouts.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::config::Config;

const MAX_DEPTH: usize = 4;
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    ".git",
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
pub struct Manifest {
    /// `cargo`, `npm`, `pnpm`, `yarn` or `python`.
    pub ecosystem: String,
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MigrationFolder {
    pub path: String,
    /// Number of `.sql` files in it.
    pub files: u32,
    /// `sqlx` when every file is `<VERSION>_<description>[.up|.down].sql`.
    pub layout: String,
    /// Named in `shipdeck.toml` (`databases.<name>.migrations`).
    pub configured: bool,
}

fn walk(root: &Path) -> impl Iterator<Item = ignore::DirEntry> {
    ignore::WalkBuilder::new(root)
        .max_depth(Some(MAX_DEPTH))
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        })
        .build()
        .filter_map(|e| e.ok())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

pub fn detect_manifests(root: &Path) -> Vec<Manifest> {
    let mut out = BTreeSet::new();
    for entry in walk(root) {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let ecosystem = match name.as_ref() {
            "Cargo.toml" => "cargo".to_string(),
            "package.json" => node_package_manager(root, path),
            "pyproject.toml" | "setup.py" | "setup.cfg" | "requirements.txt" | "Pipfile" => {
                "python".to_string()
            }
            _ => continue,
        };
        out.insert(Manifest {
            ecosystem,
            path: relative(root, path),
        });
    }
    out.into_iter().collect()
}

/// The ecosystems in a fixed, readable order.
pub fn ecosystems(manifests: &[Manifest]) -> Vec<String> {
    const ORDER: &[&str] = &["cargo", "npm", "pnpm", "yarn", "python"];
    ORDER
        .iter()
        .filter(|e| manifests.iter().any(|m| m.ecosystem == **e))
        .map(|e| e.to_string())
        .collect()
}

/// npm, pnpm or yarn: the `packageManager` field wins, then the nearest
/// lockfile between the manifest and the workspace root.
fn node_package_manager(root: &Path, manifest: &Path) -> String {
    if let Ok(text) = std::fs::read_to_string(manifest) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(pm) = json.get("packageManager").and_then(|v| v.as_str()) {
                let tool = pm.split('@').next().unwrap_or("");
                if matches!(tool, "npm" | "pnpm" | "yarn") {
                    return tool.to_string();
                }
            }
        }
    }
    let mut dir = manifest.parent();
    while let Some(d) = dir {
        for (lock, tool) in [
            ("pnpm-lock.yaml", "pnpm"),
            ("yarn.lock", "yarn"),
            ("package-lock.json", "npm"),
            ("npm-shrinkwrap.json", "npm"),
        ] {
            if d.join(lock).is_file() {
                return tool.to_string();
            }
        }
        if d == root {
            break;
        }
        dir = d.parent();
    }
    "npm".to_string()
}

pub fn detect_migration_folders(root: &Path, config: Option<&Config>) -> Vec<MigrationFolder> {
    let mut found: Vec<PathBuf> = walk(root)
        .filter(|e| e.file_type().is_some_and(|t| t.is_dir()))
        .filter(|e| matches!(e.file_name().to_str(), Some("migrations" | "migrate")))
        .map(|e| e.into_path())
        .collect();
    let configured: Vec<PathBuf> = config
        .map(|c| {
            c.databases
                .values()
                .filter_map(|d| d.migrations.as_deref())
                .map(|m| root.join(m))
                .collect()
        })
        .unwrap_or_default();
    for c in &configured {
        if !found.contains(c) {
            found.push(c.clone());
        }
    }
    let mut out: Vec<MigrationFolder> = found
        .into_iter()
        .filter_map(|dir| {
            let is_configured = configured.contains(&dir);
            let files: Vec<String> = std::fs::read_dir(&dir)
                .ok()?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            if files.is_empty() && !is_configured {
                return None;
            }
            let sqlx = !files.is_empty() && files.iter().all(|f| is_sqlx_name(f));
            Some(MigrationFolder {
                path: relative(root, &dir),
                files: files.len() as u32,
                layout: if sqlx { "sqlx" } else { "other" }.into(),
                configured: is_configured,
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `<digits>_<description>.sql`, `.up.sql` or `.down.sql`.
fn is_sqlx_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".sql") else {
        return false;
    };
    let Some((version, description)) = stem.split_once('_') else {
        return false;
    };
    !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) && !description.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn detects_each_ecosystem_and_skips_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "Cargo.toml", "[workspace]");
        write(r, "crates/api/Cargo.toml", "[package]");
        write(r, "web/package.json", "{}");
        write(r, "web/pnpm-lock.yaml", "");
        write(r, "tools/package.json", r#"{"packageManager":"yarn@4.1.0"}"#);
        write(r, "py/pyproject.toml", "");
        write(r, "web/node_modules/dep/package.json", "{}");
        write(r, "target/debug/Cargo.toml", "");
        let m = detect_manifests(r);
        let paths: Vec<_> = m.iter().map(|m| format!("{}:{}", m.ecosystem, m.path)).collect();
        assert_eq!(
            paths,
            [
                "cargo:Cargo.toml",
                "cargo:crates/api/Cargo.toml",
                "pnpm:web/package.json",
                "python:py/pyproject.toml",
                "yarn:tools/package.json",
            ]
        );
        assert_eq!(ecosystems(&m), ["cargo", "pnpm", "yarn", "python"]);
    }

    #[test]
    fn root_lockfile_decides_for_nested_packages() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "package-lock.json", "{}");
        write(dir.path(), "packages/a/package.json", "{}");
        assert_eq!(detect_manifests(dir.path())[0].ecosystem, "npm");
    }

    #[test]
    fn migration_folders_with_layout() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "migrations/20240101000000_init.sql", "");
        write(r, "migrations/20240102000000_users.up.sql", "");
        write(r, "db/migrate/001-legacy.sql", "");
        write(r, "docs/migrations/README.md", "");
        let f = detect_migration_folders(r, None);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            (f[0].path.as_str(), f[0].layout.as_str()),
            ("db/migrate", "other")
        );
        assert_eq!(
            (f[1].path.as_str(), f[1].files, f[1].layout.as_str()),
            ("migrations", 2, "sqlx")
        );
    }

    #[test]
    fn configured_folder_is_listed_even_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sql/schema")).unwrap();
        let config = Config::parse(
            "[databases.main]\nurl = \"sqlite://app.db\"\nmigrations = \"sql/schema\"\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap();
        let f = detect_migration_folders(dir.path(), Some(&config));
        assert_eq!(f.len(), 1);
        assert!(f[0].configured);
    }

    #[test]
    fn sqlx_names() {
        assert!(is_sqlx_name("20240101000000_init.sql"));
        assert!(is_sqlx_name("1_a.down.sql"));
        assert!(!is_sqlx_name("V1__init.sql"));
        assert!(!is_sqlx_name("init.sql"));
    }
}
