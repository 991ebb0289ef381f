use std::sync::Arc;
use std::time::Duration;

use shipdeck_core::api::{BenchRunView, CompareReport};
use shipdeck_core::bench::loadgen::{HttpOptions, HttpReport};
use shipdeck_core::bench::scenario::{ScenarioInfo, ScenarioResult};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::{Error, Result, Shipdeck};
use tauri::ipc::Channel;
use tauri::State;

use super::ChannelSink;
use crate::input;

#[tauri::command]
pub async fn bench_scenarios(core: State<'_, Shipdeck>, path: String) -> Result<Vec<ScenarioInfo>> {
    core.bench_scenarios(&input::path(&path)?).await
}

#[tauri::command]
pub async fn bench_run(
    core: State<'_, Shipdeck>,
    path: String,
    names: Vec<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<Vec<ScenarioResult>> {
    core.bench_run(&input::path(&path)?, &names, Arc::new(ChannelSink(on_progress)))
        .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn bench_http(
    core: State<'_, Shipdeck>,
    path: String,
    url: String,
    connections: usize,
    duration_s: f64,
    rate: Option<f64>,
    on_progress: Channel<ProgressEvent>,
) -> Result<HttpReport> {
    if !(duration_s > 0.0 && duration_s <= 600.0) || connections == 0 || connections > 1024 {
        return Err(Error::InvalidInput {
            field: "load test",
            reason: "duration must be 0–600 s and connections 1–1024".into(),
        });
    }
    let opts = HttpOptions {
        url,
        method: "GET".into(),
        headers: Vec::new(),
        body: None,
        connections,
        duration: Some(Duration::from_secs_f64(duration_s)),
        requests: None,
        rate,
        timeout: Duration::from_secs(10),
    };
    core.bench_http(&input::path(&path)?, opts, Arc::new(ChannelSink(on_progress)))
        .await
}

#[tauri::command]
pub async fn bench_history(core: State<'_, Shipdeck>, path: String) -> Result<Vec<BenchRunView>> {
    core.bench_history(&input::path(&path)?, 200).await
}

#[tauri::command]
pub async fn bench_compare(
    core: State<'_, Shipdeck>,
    path: String,
    base: String,
    head: String,
) -> Result<CompareReport> {
    core.bench_compare(&input::path(&path)?, &base, &head).await
}

#[tauri::command]
pub async fn bench_chart(
    core: State<'_, Shipdeck>,
    path: String,
    metric: String,
    theme: Theme,
) -> Result<Chart> {
    core.bench_chart(&input::path(&path)?, &metric, theme).await
}

#[tauri::command]
pub async fn bench_percentile_chart(
    core: State<'_, Shipdeck>,
    path: String,
    metric: String,
    theme: Theme,
) -> Result<Chart> {
    core.bench_percentile_chart(&input::path(&path)?, &metric, theme)
        .await
}

#[tauri::command]
pub async fn bench_sweep_chart(
    core: State<'_, Shipdeck>,
    path: String,
    scenario: String,
    theme: Theme,
) -> Result<Chart> {
    core.bench_sweep_chart(&input::path(&path)?, &scenario, theme)
        .await
}
