use shipdeck_core::store::StoreStatus;
use shipdeck_core::{Result, Shipdeck};

pub async fn store_status(core: &Shipdeck) -> Result<StoreStatus> {
    Ok(core.store_status().await)
}

pub async fn store_use_local(core: &Shipdeck) -> Result<()> {
    core.store_use_local()
}
