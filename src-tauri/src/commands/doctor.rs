use shipdeck_core::doctor::DoctorReport;
use shipdeck_core::{Result, Shipdeck};
use tauri::State;

use crate::input;

#[tauri::command]
pub async fn doctor_run(core: State<'_, Shipdeck>, path: Option<String>) -> Result<DoctorReport> {
    Ok(core
        .doctor(input::optional_path(path.as_deref())?.as_deref())
        .await)
}
