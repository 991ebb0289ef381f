//! Why a SARIF file cannot be imported. A result the file cannot place in
//! the workspace is not an error: it is kept without a location and counted.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum SarifError {
    #[error("{path}: cannot read it: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}: {size} bytes, more than the {limit} a SARIF import reads")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: not a SARIF log: {reason}")]
    Invalid { path: String, reason: String },
    #[error("{path}: SARIF version {version}; Shipdeck reads 2.1.0")]
    Version { path: String, version: String },
    #[error("{path}: more than {limit} results")]
    TooManyResults { path: String, limit: usize },
}

impl Coded for SarifError {
    fn code(&self) -> &'static str {
        match self {
            SarifError::Read { .. } => "security.sarif_read",
            SarifError::TooLarge { .. } => "security.sarif_too_large",
            SarifError::Invalid { .. } => "security.sarif_invalid",
            SarifError::Version { .. } => "security.sarif_version",
            SarifError::TooManyResults { .. } => "security.sarif_too_many_results",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            SarifError::Read { .. } => "Check the path: it names the SARIF file a tool wrote.".into(),
            SarifError::TooLarge { .. } | SarifError::TooManyResults { .. } => {
                "Split the scan (one file per tool or per folder) or narrow its rules.".into()
            }
            SarifError::Invalid { .. } => {
                "Import the file the tool wrote with its SARIF output option (e.g. `bandit -f sarif`).".into()
            }
            SarifError::Version { .. } => "Ask the tool for SARIF 2.1.0 output.".into(),
        })
    }
}

impl From<SarifError> for shipdeck_base::error::Error {
    fn from(e: SarifError) -> Self {
        Self::area(e)
    }
}
