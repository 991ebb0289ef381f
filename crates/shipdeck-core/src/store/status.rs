//! Whether the store can be reached, for the app's first screen (the way
//! back to the local store is `settings::use_local`).

use serde::Serialize;
use ts_rs::TS;

use super::Store;
use crate::error::ErrorPayload;

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
}
