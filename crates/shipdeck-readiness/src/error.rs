//! Errors of the readiness gate, each with a stable `readiness.*` code. A
//! failing check is a finding, not an error: errors are what stops the gate
//! or its report.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum ReadinessError {
    /// `[readiness.checks]` names an area the gate does not know, or a level.
    #[error("[readiness.checks]: {message}")]
    BadConfig { message: String },

    /// A stored run asked for by id is not this workspace's.
    #[error("no readiness run {id} in this workspace")]
    RunNotFound { id: i64 },

    /// The report's file cannot be written there.
    #[error("{path}: {message}")]
    ReportPath { path: String, message: String },

    /// No browser to print the PDF with.
    #[error("no PDF renderer: {message}")]
    NoPdfRenderer { message: String },

    /// The browser ran but made no PDF.
    #[error("the PDF renderer failed: {message}")]
    PdfFailed { message: String },
}

impl Coded for ReadinessError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            ReadinessError::BadConfig { .. } => "readiness.bad_config",
            ReadinessError::RunNotFound { .. } => "readiness.run_not_found",
            ReadinessError::ReportPath { .. } => "readiness.report_path",
            ReadinessError::NoPdfRenderer { .. } => "readiness.no_pdf_renderer",
            ReadinessError::PdfFailed { .. } => "readiness.pdf_failed",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                ReadinessError::BadConfig { .. } => {
                    "Name areas as `shipdeck ready` lists them, each `required`, `warn` or `off` (docs/readiness.md)."
                }
                ReadinessError::RunNotFound { .. } => "Run `shipdeck ready` first; the Readiness view lists the stored runs.",
                ReadinessError::ReportPath { .. } => {
                    "Write the report to a file ending in .html or .pdf in a folder that exists and is writable."
                }
                ReadinessError::NoPdfRenderer { .. } => {
                    "Install Chromium (`apt install chromium`, or set SHIPDECK_CHROMIUM to a Chromium or Chrome binary), or write the report as .html."
                }
                ReadinessError::PdfFailed { .. } => "Write the report as .html and print it from a browser.",
            }
            .into(),
        )
    }

    fn is_user_error(&self) -> bool {
        !matches!(self, ReadinessError::PdfFailed { .. })
    }
}

impl From<ReadinessError> for shipdeck_base::error::Error {
    fn from(e: ReadinessError) -> Self {
        Self::area(e)
    }
}
