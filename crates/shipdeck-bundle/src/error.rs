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

    /// `--base REF`: no analysis is stored for that ref's commit.
    #[error("no bundle analysis is stored for {reference} ({commit})")]
    NoBaseRun { reference: String, commit: String },
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
            BundleError::NoBaseRun { .. } => "bundle.no_base_run",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            BundleError::NotFound { .. } => {
                "Build the app first (next build, vite build with build.manifest, webpack --json > stats.json, esbuild --metafile, Rollup with rollup-plugin-visualizer raw data), or name the output folder with --dir.".into()
            }
            BundleError::BadOutput { .. } => "Rebuild the app; the output may be from an interrupted build.".into(),
            BundleError::TooLarge { .. } => "Build outputs over the limit are not read.".into(),
            BundleError::BadPath { .. } => {
                "Name a folder inside the workspace, relative to it; a build description may only name files inside the build folder.".into()
            }
            BundleError::BadConfig { .. } => {
                "Fix [bundle.budgets] in shipdeck.toml (for example \"/blog/**\" = \"150 kB\", or { limit = \"1.2 MB\", compression = \"raw\", metric = \"size\" }).".into()
            }
            BundleError::NoBaseRun { reference, .. } => format!(
                "Every analysis is stored by commit: check out {reference}, build, run shipdeck bundle analyze there, then compare again."
            ),
        })
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

/// For work that is also cancelled (a checkpoint fails it).
pub type AreaResult<T> = shipdeck_base::error::Result<T>;

pub(crate) fn bad(path: &str, message: impl std::fmt::Display) -> BundleError {
    BundleError::BadOutput {
        path: path.to_string(),
        message: message.to_string(),
    }
}
