use shipdeck_core::{CredentialInfo, Result, Shipdeck};
use tauri::State;

use crate::input;

#[tauri::command]
pub async fn secret_set(core: State<'_, Shipdeck>, path: String, name: String, value: String) -> Result<()> {
    core.secret_set(&input::path(&path)?, &name, value).await
}

#[tauri::command]
pub async fn secret_list(core: State<'_, Shipdeck>, path: String) -> Result<Vec<CredentialInfo>> {
    core.secret_list(&input::path(&path)?).await
}

#[tauri::command]
pub async fn secret_rm(core: State<'_, Shipdeck>, path: String, name: String) -> Result<()> {
    core.secret_rm(&input::path(&path)?, &name).await
}
