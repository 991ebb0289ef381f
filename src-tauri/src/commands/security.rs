use std::sync::Arc;

use shipdeck_core::api::{SarifFilter, SarifImportSummary, SarifList};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::security::secrets::{SecretsOptions, SecretsReport};
use shipdeck_core::security::vulns::{VulnsOptions, VulnsReport};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn security_secrets_scan(
    core: &Shipdeck,
    path: String,
    mut options: SecretsOptions,
    on_progress: Channel<ProgressEvent>,
) -> Result<SecretsReport> {
    if let Some(b) = &options.baseline {
        options.baseline = Some(input::path(&b.to_string_lossy())?);
    }
    if let Some(r) = &options.rules_path {
        options.rules_path = Some(input::path(&r.to_string_lossy())?);
    }
    core.security_secrets_scan(&input::path(&path)?, options, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn security_secret_dismiss(
    core: &Shipdeck,
    path: String,
    fingerprint: String,
    reason: String,
) -> Result<bool> {
    core.security_secret_dismiss(&input::path(&path)?, &fingerprint, &reason)
        .await
}

pub async fn security_vulns_scan(
    core: &Shipdeck,
    path: String,
    mut options: VulnsOptions,
    on_progress: Channel<ProgressEvent>,
) -> Result<VulnsReport> {
    if let Some(dir) = &options.offline {
        options.offline = Some(input::path(&dir.to_string_lossy())?);
    }
    core.security_vulns_scan(&input::path(&path)?, options, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn security_sarif_import(
    core: &Shipdeck,
    path: String,
    files: Vec<String>,
) -> Result<SarifImportSummary> {
    let files = files.iter().map(|f| input::path(f)).collect::<Result<Vec<_>>>()?;
    core.security_sarif_import(&input::path(&path)?, &files).await
}

pub async fn security_sarif_list(core: &Shipdeck, path: String, filter: SarifFilter) -> Result<SarifList> {
    core.security_sarif_list(&input::path(&path)?, &filter).await
}
