//! Generated documentation: the domain model page of a database, written
//! into the workspace and checked for drift against the live schema.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::advisor::schema::introspect;
use crate::api::DatabaseChoice;
use crate::config::Config;
use crate::docs::domain_model::{self, Drift};
use crate::docs::DEFAULT_DOMAIN_MODEL;
use crate::error::{Error, Result};
use crate::migrations::Engine;

/// A database's domain model page, and how the committed one differs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SchemaDoc {
    pub database: String,
    pub engine: Engine,
    /// The page, relative to the workspace (`docs/domain-model.md`).
    pub path: String,
    /// The page as generated from the live schema.
    pub markdown: String,
    /// Just the Mermaid `erDiagram` source.
    pub mermaid: String,
    /// How many tables the page documents.
    pub tables: usize,
    /// The committed page against `markdown` (a missing page: every table
    /// added), as it was before anything was written.
    pub drift: Drift,
    /// Whether `markdown` was written to `path`.
    pub written: bool,
}

/// `[docs] domain_model` (or the default) with `{database}` filled in; a
/// path inside the workspace, outside `.git`.
/// Where the page goes: `(path relative to the workspace, real file)`. The
/// path must stay inside the workspace, links followed, and out of `.git`.
pub(crate) fn domain_model_path(
    root: &Path,
    config: Option<&Config>,
    database: &str,
) -> Result<(String, PathBuf)> {
    let raw = config
        .and_then(|c| c.docs.domain_model.as_deref())
        .unwrap_or(DEFAULT_DOMAIN_MODEL)
        .replace("{database}", database);
    let file = crate::workspace::inside(root, "docs.domain_model", &raw)?;
    let rel = crate::workspace::inside_relative(root, "docs.domain_model", &raw)?;
    if rel == "." || rel == ".git" || rel.starts_with(".git/") {
        return Err(Error::InvalidInput {
            field: "docs.domain_model",
            reason: format!("{raw:?} is not a page Shipdeck may write (e.g. docs/domain-model.md)"),
        });
    }
    Ok((rel, file))
}

impl Shipdeck {
    /// Reads the database's schema, renders the domain model page and
    /// compares it with the committed one; writes it when `write`.
    pub async fn docs_schema(&self, path: &Path, choice: &DatabaseChoice, write: bool) -> Result<SchemaDoc> {
        let ws = self.registered(path).await?;
        let config = ws.config()?;
        let target = self.target(&ws, choice).await?;
        let (rel, file) = domain_model_path(&ws.root, config, &target.name)?;
        let schema = introspect(&target).await?;
        let markdown = domain_model::render(&schema, &target.name);
        let page = markdown.clone();
        let drift = tokio::task::spawn_blocking(move || -> Result<Drift> {
            let committed = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(Error::io("read", &file)(e)),
            };
            let drift = domain_model::drift(&committed, &page);
            if write {
                write_atomically(&file, &page)?;
            }
            Ok(drift)
        })
        .await??;
        if write {
            tracing::info!(database = %target.name, path = %rel, "domain model written");
        }
        Ok(SchemaDoc {
            database: target.name.clone(),
            engine: schema.engine,
            path: rel,
            mermaid: domain_model::mermaid(&schema),
            tables: schema.tables.len(),
            markdown,
            drift,
            written: write,
        })
    }
}

/// Writes next to the page, then renames: a reader never sees half a page.
fn write_atomically(file: &Path, text: &str) -> Result<()> {
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
    }
    let mut tmp = file.as_os_str().to_owned();
    tmp.push(".shipdeck-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).map_err(Error::io("write", &tmp))?;
    std::fs::rename(&tmp, file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("write", file)(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> Config {
        Config::parse(toml, Path::new("shipdeck.toml")).unwrap()
    }

    #[test]
    fn the_page_path_is_configurable_and_stays_in_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(
            domain_model_path(root, None, "main").unwrap().0,
            "docs/domain-model.md"
        );
        let c = config("[docs]\ndomain_model = \"doc/{database}-model.md\"\n");
        assert_eq!(
            domain_model_path(root, Some(&c), "billing").unwrap().0,
            "doc/billing-model.md"
        );
        for (bad, code) in [
            ("/etc/model.md", "config.path_outside_workspace"),
            ("../model.md", "config.path_outside_workspace"),
            ("docs/../../x.md", "config.path_outside_workspace"),
            ("", "config.path_outside_workspace"),
            (".git/model.md", "input.invalid"),
        ] {
            let c = config(&format!("[docs]\ndomain_model = {bad:?}\n"));
            let e = domain_model_path(root, Some(&c), "main").unwrap_err();
            assert_eq!(e.code(), code, "{bad}");
        }
    }

    #[test]
    fn unknown_docs_keys_are_refused() {
        let e = Config::parse("[docs]\ndomain_modle = \"x.md\"\n", Path::new("shipdeck.toml")).unwrap_err();
        assert!(
            matches!(e, Error::InvalidConfig { ref suggestion, .. } if suggestion.as_deref() == Some("domain_model"))
        );
    }
}
