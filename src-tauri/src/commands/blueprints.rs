use shipdeck_core::api::{BlueprintList, BlueprintRequest};
use shipdeck_core::blueprints::Generation;
use shipdeck_core::{Result, Shipdeck};

use crate::input;

pub async fn blueprints_list(core: &Shipdeck, path: String) -> Result<BlueprintList> {
    core.blueprint_list(&input::path(&path)?).await
}

/// Values are checked by the core (choices, pattern, size); nothing is
/// written.
pub async fn blueprints_preview(
    core: &Shipdeck,
    path: String,
    request: BlueprintRequest,
) -> Result<Generation> {
    core.blueprint_preview(&input::path(&path)?, &request.name, request.values)
        .await
}

pub async fn blueprints_create(
    core: &Shipdeck,
    path: String,
    request: BlueprintRequest,
) -> Result<Generation> {
    core.blueprint_create(&input::path(&path)?, &request.name, request.values)
        .await
}
