use shipdeck_core::jobs::{JobRecord, RunningJob};
use shipdeck_core::{Result, Shipdeck};

use crate::input;

pub async fn activity_list(
    core: &Shipdeck,
    path: Option<String>,
    limit: Option<i64>,
) -> Result<Vec<JobRecord>> {
    core.activity(
        input::optional_path(path.as_deref())?.as_deref(),
        limit.unwrap_or(200),
    )
    .await
}

pub async fn activity_running(core: &Shipdeck) -> Result<Vec<RunningJob>> {
    Ok(core.running_jobs())
}

pub async fn activity_cancel(core: &Shipdeck, id: i64) -> Result<()> {
    core.cancel_job(id)
}
