//! Errors of the Bundle area, each with a stable `bundle.*` code.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// No build output the area knows was found.
    #[error("no build output found under {dir}")]
    NotFound { dir: String },

    /// A build output file is malformed or not what its name says.
    #[error("{path}: {message}")]
    BadOutput { path: String, message: String },

    /// A build output file (or the build as a whole) is over the size limit.
    #[error("{path} is larger than {limit} bytes")]
    TooLarge { path: String, limit: u64 },

    /// `--dir` (or a path inside a manifest) is missing or leaves the workspace.
    #[error("{path}: {message}")]
    BadPath { path: String, message: String },

    /// `[bundle]` in shipdeck.toml does not parse (a glob, a size).
    #[error("[bundle]: {message}")]
    BadConfig { message: String },
}

impl Coded for BundleError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            BundleError::NotFound { .. } => "bundle.not_found",
            BundleError::BadOutput { .. } => "bundle.bad_output",
            BundleError::TooLarge { .. } => "bundle.too_large",
            BundleError::BadPath { .. } => "bundle.bad_path",
            BundleError::BadConfig { .. } => "bundle.bad_config",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                BundleError::NotFound { .. } => {
                    "Build the app first (next build, vite build with build.manifest, webpack --json > stats.json, esbuild --metafile), or name the output folder with --dir."
                }
                BundleError::BadOutput { .. } => "Rebuild the app; the output may be from an interrupted build.",
                BundleError::TooLarge { .. } => "Build outputs over the limit are not read.",
                BundleError::BadPath { .. } => "Name a folder inside the workspace, relative to it.",
                BundleError::BadConfig { .. } => {
                    "Fix [bundle.budgets] in shipdeck.toml (for example \"/blog/**\" = \"150 kB\")."
                }
            }
            .into(),
        )
    }

    fn is_user_error(&self) -> bool {
        true
    }
}

impl From<BundleError> for shipdeck_base::error::Error {
    fn from(e: BundleError) -> Self {
        Self::area(e)
    }
}

pub type Result<T> = std::result::Result<T, BundleError>;

pub(crate) fn bad(path: &str, message: impl std::fmt::Display) -> BundleError {
    BundleError::BadOutput {
        path: path.to_string(),
        message: message.to_string(),
    }
}
