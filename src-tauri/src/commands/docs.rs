use shipdeck_core::api::SchemaDoc;
use shipdeck_core::{DatabaseChoice, Result, Shipdeck};

use crate::input;

/// The domain model page of a database (by name: the app never sends
/// URLs), written into the workspace when `write`.
pub async fn docs_schema(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    write: bool,
) -> Result<SchemaDoc> {
    let choice = DatabaseChoice { database, url: None };
    core.docs_schema(&input::path(&path)?, &choice, write).await
}
