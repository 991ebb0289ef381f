use std::sync::Arc;

use shipdeck_core::api::{EnvRunKind, HealthReport, ParityView};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::doctor::DoctorReport;
use shipdeck_core::environments::readiness::ReadinessRow;
use shipdeck_core::environments::{ParityFilter, ParityReport};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::store::EnvRun;
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn environments_parity(core: &Shipdeck, path: String) -> Result<ParityView> {
    core.env_parity(&input::path(&path)?).await
}

pub async fn environments_parity_filter(
    core: &Shipdeck,
    report: ParityReport,
    filter: ParityFilter,
) -> Result<ParityReport> {
    Ok(core.env_parity_filter(report, &filter))
}

pub async fn environments_parity_check(core: &Shipdeck, path: String) -> Result<ParityView> {
    core.env_parity_check(&input::path(&path)?).await
}

pub async fn environments_parity_chart(core: &Shipdeck, path: String, theme: Theme) -> Result<Chart> {
    core.env_parity_chart(&input::path(&path)?, theme).await
}

pub async fn environments_reveal(core: &Shipdeck, path: String, env: String, key: String) -> Result<String> {
    core.env_reveal(&input::path(&path)?, &env, &key).await
}

pub async fn environments_health(
    core: &Shipdeck,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> Result<HealthReport> {
    core.env_health(&input::path(&path)?, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn environments_readiness(
    core: &Shipdeck,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> Result<Vec<ReadinessRow>> {
    core.env_readiness(&input::path(&path)?, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn environments_doctor(core: &Shipdeck, path: String) -> Result<DoctorReport> {
    core.env_doctor(&input::path(&path)?).await
}

pub async fn environments_history(core: &Shipdeck, path: String, kind: EnvRunKind) -> Result<Vec<EnvRun>> {
    core.env_history(&input::path(&path)?, kind, 200).await
}

pub async fn environments_history_chart(core: &Shipdeck, path: String, theme: Theme) -> Result<Chart> {
    core.env_history_chart(&input::path(&path)?, theme).await
}
