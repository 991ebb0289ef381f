use std::path::PathBuf;

use shipdeck_core::api::AuditExportFormat;
use shipdeck_core::store::{AuditEntry, AuditFacets, AuditFilter};
use shipdeck_core::{Result, Shipdeck};

use crate::input;

pub async fn audit_entries(core: &Shipdeck, filter: AuditFilter) -> Result<Vec<AuditEntry>> {
    core.audit_entries(&filter).await
}

pub async fn audit_facets(core: &Shipdeck) -> Result<AuditFacets> {
    core.audit_facets(None).await
}

/// `path` comes from the save dialog; the core refuses a missing folder.
pub async fn audit_export(
    core: &Shipdeck,
    filter: AuditFilter,
    format: AuditExportFormat,
    path: String,
) -> Result<String> {
    let written: PathBuf = core.audit_export(&filter, format, &input::path(&path)?).await?;
    Ok(written.to_string_lossy().into_owned())
}
