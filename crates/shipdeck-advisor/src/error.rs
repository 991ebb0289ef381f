//! Errors of the advisor, each with a stable `advisor.*` code.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum AdvisorError {
    #[error("unknown check {id:?} (checks on {engine}: {known})")]
    UnknownCheck {
        id: String,
        engine: String,
        known: String,
    },

    #[error("cannot plan the query: {detail}")]
    Explain { detail: String },

    #[error("the query could not be parsed: {detail}")]
    Parse { detail: String },

    #[error("no finding {key:?} in the latest run of {database}")]
    UnknownFinding { database: String, key: String },

    #[error("this finding has no SQL fix to turn into a migration")]
    NoFix,

    #[error("the query calls functions the advisor does not trust to run: {functions}")]
    UntrustedFunction { functions: String },

    #[error("finding {key:?} was stored by an older version and cannot be accepted")]
    OutdatedFinding { key: String },

    #[error("database error: {detail}")]
    Database { detail: String },
}

impl Coded for AdvisorError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            AdvisorError::UnknownCheck { .. } => "advisor.unknown_check",
            AdvisorError::Explain { .. } => "advisor.explain",
            AdvisorError::Parse { .. } => "advisor.parse",
            AdvisorError::UnknownFinding { .. } => "advisor.unknown_finding",
            AdvisorError::NoFix => "advisor.no_fix",
            AdvisorError::OutdatedFinding { .. } => "advisor.outdated_finding",
            AdvisorError::UntrustedFunction { .. } => "advisor.untrusted_function",
            AdvisorError::Database { .. } => "advisor.database",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                AdvisorError::UnknownCheck { .. } => "List the checks with `shipdeck advisor checks`.",
                AdvisorError::Explain { .. } => {
                    "Check that the query runs against this database (tables and columns exist)."
                }
                AdvisorError::Parse { .. } => "Pass one SELECT, UPDATE or DELETE statement.",
                AdvisorError::UnknownFinding { .. } => "Run the advisor again; the finding may be gone.",
                AdvisorError::NoFix => "Apply the advice by hand; it is not a schema change.",
                AdvisorError::UntrustedFunction { .. } => {
                    "Planning would run them with the advisor's privileges. Review them; to plan the query \
                     anyway (the session stays read-only), pass --allow-untrusted-functions."
                }
                AdvisorError::OutdatedFinding { .. } => {
                    "Run `shipdeck advisor run` again and accept the new finding."
                }
                AdvisorError::Database { .. } => return None,
            }
            .into(),
        )
    }
}

impl From<sqlx::Error> for AdvisorError {
    fn from(e: sqlx::Error) -> Self {
        AdvisorError::Database {
            detail: e.to_string(),
        }
    }
}

impl From<AdvisorError> for shipdeck_base::error::Error {
    fn from(e: AdvisorError) -> Self {
        shipdeck_base::error::Error::area(e)
    }
}
