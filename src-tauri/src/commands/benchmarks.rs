use std::sync::Arc;

use shipdeck_core::api::{BenchRunView, CompareReport, HttpLoad};
use shipdeck_core::benchmarks::loadgen::{HttpLoadRules, HttpReport};
use shipdeck_core::benchmarks::scenario::{ScenarioInfo, ScenarioResult};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn benchmarks_scenarios(core: &Shipdeck, path: String) -> Result<Vec<ScenarioInfo>> {
    core.bench_scenarios(&input::path(&path)?).await
}

pub async fn benchmarks_run(
    core: &Shipdeck,
    path: String,
    names: Vec<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<Vec<ScenarioResult>> {
    core.bench_run(&input::path(&path)?, &names, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn benchmarks_http(
    core: &Shipdeck,
    path: String,
    load: HttpLoad,
    on_progress: Channel<ProgressEvent>,
) -> Result<HttpReport> {
    let opts = load.into_options()?;
    core.bench_http(&input::path(&path)?, opts, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn benchmarks_http_rules(core: &Shipdeck) -> Result<HttpLoadRules> {
    Ok(core.bench_http_rules())
}

pub async fn benchmarks_history(core: &Shipdeck, path: String) -> Result<Vec<BenchRunView>> {
    core.bench_history(&input::path(&path)?, 200).await
}

pub async fn benchmarks_compare(
    core: &Shipdeck,
    path: String,
    base: String,
    head: String,
) -> Result<CompareReport> {
    core.bench_compare(&input::path(&path)?, &base, &head).await
}

pub async fn benchmarks_chart(core: &Shipdeck, path: String, metric: String, theme: Theme) -> Result<Chart> {
    core.bench_chart(&input::path(&path)?, &metric, theme).await
}

pub async fn benchmarks_percentile_chart(
    core: &Shipdeck,
    path: String,
    metric: String,
    theme: Theme,
) -> Result<Chart> {
    core.bench_percentile_chart(&input::path(&path)?, &metric, theme)
        .await
}

pub async fn benchmarks_sweep_chart(
    core: &Shipdeck,
    path: String,
    scenario: String,
    theme: Theme,
) -> Result<Chart> {
    core.bench_sweep_chart(&input::path(&path)?, &scenario, theme)
        .await
}
