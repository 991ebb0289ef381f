//! The Blueprints area's actions: list the blueprints (workspace and
//! shipped) with their variables, preview a generation as a diff, and
//! create it — the one change, audited with what it wrote.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::record::AuditAction;
use super::Shipdeck;
use crate::blueprints::{self, Blueprint, Generation};
use crate::error::Result;

/// What the wizard asks for: a blueprint and the values of its variables
/// (a variable left out takes its default).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct BlueprintRequest {
    pub name: String,
    pub values: BTreeMap<String, String>,
}

/// `blueprint list`: every blueprint, by name.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BlueprintList {
    pub blueprints: Vec<Blueprint>,
}

impl Shipdeck {
    /// The workspace's blueprints and the shipped ones they do not replace.
    pub async fn blueprint_list(&self, path: &Path) -> Result<BlueprintList> {
        let ws = self.workspace(path).await?;
        let root = ws.root.clone();
        let blueprints = tokio::task::spawn_blocking(move || blueprints::list(&root)).await??;
        Ok(BlueprintList { blueprints })
    }

    /// What `blueprint_create` would write, as a diff; writes nothing.
    pub async fn blueprint_preview(
        &self,
        path: &Path,
        name: &str,
        values: BTreeMap<String, String>,
    ) -> Result<Generation> {
        let ws = self.workspace(path).await?;
        let (root, name) = (ws.root.clone(), name.to_string());
        Ok(tokio::task::spawn_blocking(move || blueprints::generate(&root, &name, &values, true)).await??)
    }

    /// Renders blueprint `name` into the workspace: every file or none.
    pub async fn blueprint_create(
        &self,
        path: &Path,
        name: &str,
        values: BTreeMap<String, String>,
    ) -> Result<Generation> {
        let ws = self.registered(path).await?;
        let (root, owned) = (ws.root.clone(), name.to_string());
        let generation =
            tokio::task::spawn_blocking(move || blueprints::generate(&root, &owned, &values, false))
                .await??;
        let files: Vec<&str> = generation.files.iter().map(|f| f.path.as_str()).collect();
        self.audit_entry(
            Some(&ws),
            AuditAction::BlueprintCreate,
            serde_json::json!({
                "blueprint": generation.blueprint,
                "values": generation.values,
                "files": files,
            }),
        )
        .await?;
        Ok(generation)
    }
}
