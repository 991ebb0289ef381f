//! Errors of the rollback area, each with a stable `rollback.*` code.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    #[error("{name:?} is not a valid environment name")]
    InvalidEnvName { name: String },

    #[error("no environment named {name:?} (environments: {known})")]
    UnknownEnv { name: String, known: String },

    #[error("environment {env} has no [environments.{env}.deploy] table")]
    NoDeploy { env: String },

    #[error("no release {version} (releases: {known})")]
    UnknownVersion { version: String, known: String },

    #[error("{value:?} is not a version a rollback can name")]
    InvalidVersion { value: String },

    #[error("no release before {from} to go back to")]
    NoPrevious { from: String },

    #[error("the {field} template cannot be read: {detail}")]
    Template { field: String, detail: String },

    #[error("going back to {to} drops data: {migrations}")]
    DataLoss { to: String, migrations: String },

    #[error("migrations without a down file cannot be undone: {migrations}")]
    Irreversible { migrations: String },

    #[error("the Render API key is {detail}")]
    RenderKey { detail: String },

    #[error("Render: {detail}")]
    Render { detail: String },

    #[error("the rollback run {job_id} is not waiting at step {step}")]
    NotWaiting { job_id: i64, step: u32 },
}

impl Coded for RollbackError {
    fn code(&self) -> &'static str {
        match self {
            RollbackError::InvalidEnvName { .. } => "rollback.invalid_env",
            RollbackError::UnknownEnv { .. } => "rollback.unknown_env",
            RollbackError::NoDeploy { .. } => "rollback.no_deploy",
            RollbackError::UnknownVersion { .. } => "rollback.unknown_version",
            RollbackError::InvalidVersion { .. } => "rollback.invalid_version",
            RollbackError::NoPrevious { .. } => "rollback.no_previous",
            RollbackError::Template { .. } => "rollback.template",
            RollbackError::DataLoss { .. } => "rollback.data_loss",
            RollbackError::Irreversible { .. } => "rollback.irreversible",
            RollbackError::RenderKey { .. } => "rollback.render_key",
            RollbackError::Render { .. } => "rollback.render",
            RollbackError::NotWaiting { .. } => "rollback.not_waiting",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            RollbackError::InvalidEnvName { .. } => {
                "Environment names are letters, digits, `-` and `_`.".into()
            }
            RollbackError::UnknownEnv { .. } => "Name one of the [environments] in shipdeck.toml.".into(),
            RollbackError::NoDeploy { env } => format!(
                "Add [environments.{env}.deploy] with kind = \"kubernetes\", \"vercel\", \"fly\", \"render\" or \"command\" (docs/rollback.md)."
            ),
            RollbackError::UnknownVersion { known, .. } => format!("Pass --to with one of: {known}."),
            RollbackError::InvalidVersion { .. } => {
                "Versions are MAJOR.MINOR.PATCH with optional -pre/+build (letters, digits, `.`, `-`, `+`).".into()
            }
            RollbackError::NoPrevious { .. } => "Pass --to VERSION.".into(),
            RollbackError::Template { .. } => {
                "Write the command as you would in a shell, with {version}, {previous_version} or {environment} as whole words.".into()
            }
            RollbackError::DataLoss { .. } => {
                "Take a backup, then run again with --allow-data-loss; or ship a forward fix instead.".into()
            }
            RollbackError::Irreversible { .. } => {
                "Restore the backup taken before that migration, or ship a forward fix.".into()
            }
            RollbackError::RenderKey { .. } => {
                "Set api_key = \"env:RENDER_API_KEY\" (or keyring:NAME) under the environment's deploy table.".into()
            }
            RollbackError::Render { .. } => "Check the service id and the key's access in the Render dashboard.".into(),
            RollbackError::NotWaiting { .. } => "The run moved on, finished or was cancelled.".into(),
        })
    }
}
