//! Errors of the Blueprints area, each with a stable `blueprints.*` code.
//! Every refusal happens before anything is written: a generation is whole
//! or nothing.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum BlueprintError {
    /// No workspace or shipped blueprint has this name.
    #[error("no blueprint named {name:?}")]
    NotFound { name: String, known: Vec<String> },

    /// A blueprint's `blueprint.toml` or `files/` cannot be used.
    #[error("blueprint {name}: {message}")]
    BadBlueprint { name: String, message: String },

    /// A value outside a variable's `choices` or not matching its `pattern`.
    #[error("{variable} = {value:?}: {reason}")]
    BadValue {
        variable: String,
        value: String,
        reason: String,
        allowed: String,
    },

    /// A variable with no value and no default.
    #[error("{variable} has no value ({prompt})")]
    MissingVariable { variable: String, prompt: String },

    /// `--set` names a variable the blueprint does not declare.
    #[error("blueprint {name} has no variable {variable:?}")]
    UnknownVariable {
        name: String,
        variable: String,
        known: Vec<String>,
    },

    /// A template does not render (syntax, undefined value, too much work).
    #[error("{file}: {message}")]
    Render { file: String, message: String },

    /// A rendered path that would land outside the workspace or in `.git`.
    #[error("{path:?} is not a path inside the workspace")]
    PathOutside { path: String },

    /// Target files that already exist; nothing was written.
    #[error("already exist: {}", paths.join(", "))]
    Exists { paths: Vec<String> },

    /// Over a bound on files, sizes or output.
    #[error("{what} is over the limit of {limit}")]
    TooLarge { what: String, limit: usize },

    /// Reading the blueprint or writing a file failed.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl Coded for BlueprintError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            BlueprintError::NotFound { .. } => "blueprints.not_found",
            BlueprintError::BadBlueprint { .. } => "blueprints.bad_blueprint",
            BlueprintError::BadValue { .. } => "blueprints.bad_value",
            BlueprintError::MissingVariable { .. } => "blueprints.missing_variable",
            BlueprintError::UnknownVariable { .. } => "blueprints.unknown_variable",
            BlueprintError::Render { .. } => "blueprints.render",
            BlueprintError::PathOutside { .. } => "blueprints.path_outside",
            BlueprintError::Exists { .. } => "blueprints.exists",
            BlueprintError::TooLarge { .. } => "blueprints.too_large",
            BlueprintError::Io { .. } => "blueprints.io",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            BlueprintError::NotFound { known, .. } => {
                format!("Known blueprints: {} (see `shipdeck blueprint list`).", known.join(", "))
            }
            BlueprintError::BadBlueprint { .. } => {
                "Fix blueprints/<name>/blueprint.toml (description, [[variables]] with name and prompt) and its files/ folder.".into()
            }
            BlueprintError::BadValue { allowed, .. } => format!("Allowed: {allowed}."),
            BlueprintError::MissingVariable { variable, .. } => {
                format!("Give it with --set {variable}=VALUE.")
            }
            BlueprintError::UnknownVariable { known, .. } => {
                format!("Its variables: {}.", known.join(", "))
            }
            BlueprintError::Render { .. } => "Fix the template in the blueprint's files/ folder.".into(),
            BlueprintError::PathOutside { .. } => {
                "A rendered path must be relative, without `..`, and outside .git.".into()
            }
            BlueprintError::Exists { .. } => {
                "Pick another name, or move the existing files away; nothing was written.".into()
            }
            BlueprintError::TooLarge { .. } => "Split the blueprint, or shorten its templates.".into(),
            BlueprintError::Io { .. } => return None,
        })
    }

    fn is_user_error(&self) -> bool {
        !matches!(self, BlueprintError::Io { .. })
    }
}

impl From<BlueprintError> for shipdeck_base::error::Error {
    fn from(e: BlueprintError) -> Self {
        Self::area(e)
    }
}

pub type Result<T> = std::result::Result<T, BlueprintError>;

pub(crate) fn bad(name: &str, message: impl std::fmt::Display) -> BlueprintError {
    BlueprintError::BadBlueprint {
        name: name.to_string(),
        message: message.to_string(),
    }
}

pub(crate) fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> BlueprintError + '_ {
    move |e| BlueprintError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}
