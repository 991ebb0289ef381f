//! What can go wrong reading another tool's results. Every error names the
//! file and, for a file we recognised, the line or JSON field at fault.

use shipdeck_types::Coded;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}: {detail}", .path.display())]
    Unreadable { path: PathBuf, detail: String },

    #[error("{} is not a result file Shipdeck can import ({detail})", .path.display())]
    UnknownFormat { path: PathBuf, detail: String },

    #[error("{}: {at}: {reason}", .path.display())]
    InvalidFile {
        path: PathBuf,
        /// `line 12`, `results[1].mean`, `parse/100/new/sample.json`.
        at: String,
        reason: String,
    },

    #[error("{} holds no {format} results", .path.display())]
    NoMetrics { path: PathBuf, format: &'static str },
}

impl Coded for ImportError {
    /// Stable, dotted identifier; see [`shipdeck_base::Error::code`].
    fn code(&self) -> &'static str {
        match self {
            ImportError::Unreadable { .. } => "bench.unreadable",
            ImportError::UnknownFormat { .. } => "bench.unknown_format",
            ImportError::InvalidFile { .. } => "bench.invalid_file",
            ImportError::NoMetrics { .. } => "bench.no_metrics",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            ImportError::Unreadable { .. } => {
                "Check that the path exists and that you may read it.".to_string()
            }
            ImportError::UnknownFormat { .. } => format!(
                "Shipdeck imports {}. Pass the format explicitly if detection guessed wrong.",
                super::Format::ALL_DESCRIBED
            ),
            ImportError::InvalidFile { .. } => {
                "The file may be truncated or hand-edited; export it again from the tool.".to_string()
            }
            ImportError::NoMetrics { .. } => {
                "The run may have failed before measuring anything; check the tool's output.".to_string()
            }
        })
    }
}

impl From<ImportError> for shipdeck_base::error::Error {
    fn from(e: ImportError) -> Self {
        Self::area(e)
    }
}
