//! Whether the store can be reached, for the app's first screen, and the
//! way back to the local store when a shared one cannot.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::Store;
use crate::error::{Error, ErrorPayload, Result};

/// Where the history lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// SQLite in the data folder.
    Local,
    /// A PostgreSQL store the team shares (`SHIPDECK_STORE_URL` or
    /// `store_url` in the settings).
    Shared,
}

/// The store Shipdeck uses and whether it answers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StoreStatus {
    pub kind: StoreKind,
    /// The data folder (local) or the store's URL without its password (shared).
    pub location: String,
    pub reachable: bool,
    /// Why it cannot be reached.
    pub error: Option<ErrorPayload>,
}

use super::settings::SETTINGS_FILE;

impl Store {
    /// Opens the store (once) and says whether that worked.
    pub async fn status(&self) -> StoreStatus {
        let opened = self.db().await.map(|_| ());
        StoreStatus {
            kind: if self.location().is_shared() {
                StoreKind::Shared
            } else {
                StoreKind::Local
            },
            location: crate::secrets::redact(&self.location().display()).into_owned(),
            reachable: opened.is_ok(),
            error: opened.err().map(|e| e.payload()),
        }
    }

    /// Goes back to the local store: removes `store_url` from
    /// `<data_dir>/settings.toml`, keeping the rest of the file as written.
    /// Nothing to do when the file or the key is absent.
    pub fn use_local(data_dir: &Path) -> Result<()> {
        let path = data_dir.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("read", &path)(e)),
        };
        let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let (line, column) = e.span().map(|s| line_column(&text, s.start)).unwrap_or((1, 1));
            Error::InvalidConfig {
                path: path.clone(),
                line,
                column,
                message: e.message().to_string(),
                suggestion: None,
            }
        })?;
        if doc.remove("store_url").is_none() {
            return Ok(());
        }
        std::fs::write(&path, doc.to_string()).map_err(Error::io("write", &path))
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_store_that_opens_is_reachable() {
        let dir = tempfile::tempdir().unwrap();
        let status = Store::lazy(dir.path()).status().await;
        assert_eq!(status.kind, StoreKind::Local);
        assert!(status.reachable, "{:?}", status.error);
        assert!(status.error.is_none());
    }

    #[tokio::test]
    async fn a_store_that_cannot_open_is_unreachable_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the data folder should be.
        let blocked = dir.path().join("data");
        std::fs::write(&blocked, "not a folder").unwrap();
        let status = Store::lazy(&blocked).status().await;
        assert!(!status.reachable);
        let error = status.error.expect("the reason");
        assert_eq!(error.code, "io.error");
    }

    #[test]
    fn use_local_removes_only_the_store_url_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(SETTINGS_FILE);
        std::fs::write(
            &file,
            "# my settings\ntheme = \"dark\" # kept\nstore_url = \"postgres://u:pw@db:5432/ship\"\n\n[ui]\nzoom = 1.25\n",
        )
        .unwrap();
        Store::use_local(dir.path()).unwrap();
        let after = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            after,
            "# my settings\ntheme = \"dark\" # kept\n\n[ui]\nzoom = 1.25\n"
        );
        // Again: nothing to remove, nothing changes.
        Store::use_local(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    }

    #[test]
    fn use_local_without_a_settings_file_writes_none() {
        let dir = tempfile::tempdir().unwrap();
        Store::use_local(dir.path()).unwrap();
        assert!(!dir.path().join(SETTINGS_FILE).exists());
    }

    #[test]
    fn use_local_refuses_a_broken_settings_file_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(SETTINGS_FILE);
        std::fs::write(&file, "theme = \"dark\"\nstore_url = \n").unwrap();
        let err = Store::use_local(dir.path()).unwrap_err();
        assert_eq!(err.code(), "config.invalid");
        assert!(err.to_string().contains(":2:"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "theme = \"dark\"\nstore_url = \n"
        );
    }
}
