use shipdeck_core::store::StoreStatus;
use shipdeck_core::{Result, Shipdeck};
use tauri::{AppHandle, Manager};

pub async fn store_status(core: &Shipdeck) -> Result<StoreStatus> {
    Ok(core.store_status().await)
}

/// Drops the shared store from the settings and starts the app again on
/// the local one (the store is chosen once, at start).
pub async fn store_use_local(app: &AppHandle) -> Result<()> {
    app.state::<Shipdeck>().store_use_local()?;
    app.restart()
}
