use shipdeck_core::jobs::{JobRecord, RunningJob};
use shipdeck_core::{Result, Shipdeck};
use tauri::State;

use crate::input;

#[tauri::command]
pub async fn activity_list(
    core: State<'_, Shipdeck>,
    path: Option<String>,
    limit: Option<i64>,
) -> Result<Vec<JobRecord>> {
    core.activity(
        input::optional_path(path.as_deref())?.as_deref(),
        limit.unwrap_or(200),
    )
    .await
}

#[tauri::command]
pub fn jobs_running(core: State<'_, Shipdeck>) -> Vec<RunningJob> {
    core.running_jobs()
}

#[tauri::command]
pub fn job_cancel(core: State<'_, Shipdeck>, id: i64) -> Result<()> {
    core.cancel_job(id)
}
