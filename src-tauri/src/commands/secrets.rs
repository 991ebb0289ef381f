use shipdeck_core::{CredentialInfo, Result, Shipdeck};

use crate::input;

pub async fn secrets_set(core: &Shipdeck, path: String, name: String, value: String) -> Result<()> {
    core.secret_set(&input::path(&path)?, &name, value).await
}

pub async fn secrets_list(core: &Shipdeck, path: String) -> Result<Vec<CredentialInfo>> {
    core.secret_list(&input::path(&path)?).await
}

pub async fn secrets_rm(core: &Shipdeck, path: String, name: String) -> Result<()> {
    core.secret_rm(&input::path(&path)?, &name).await
}
