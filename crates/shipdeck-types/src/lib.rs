//! The types every Shipdeck crate shares, with no dependency on any area:
//! the [`Coded`] trait each area's error enum implements, and the
//! [`ErrorPayload`] that crosses IPC and `--json`, and the small enums more
//! than one crate reads.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error with a stable dotted `code()` (`<area>.<what>`), a human message
/// (its `Display`) and, where the user can do something about it, a hint.
///
/// Each area crate implements it on its own error enum, so the core's
/// error type carries any area's error without knowing its codes.
pub trait Coded: std::error::Error + Send + Sync + 'static {
    /// Stable identifier scripts and the UI match on. Never rename one; add new ones.
    fn code(&self) -> &'static str;

    /// What the user can do next, when we know.
    fn hint(&self) -> Option<String> {
        None
    }

    /// True when the user can fix the cause (CLI exit code 1); false for
    /// failures of Shipdeck or its environment (exit code 2).
    fn is_user_error(&self) -> bool {
        true
    }

    /// The `{code, message, hint}` of this error, each text passed through
    /// `redact` (the caller's redactor; this crate knows no secrets).
    fn payload_with(&self, redact: &dyn Fn(&str) -> String) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: redact(&self.to_string()),
            hint: self.hint().map(|h| redact(&h)),
        }
    }
}

/// An error as the UI and `--json` see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look: style, or a risk that depends on the data.
    Warning,
    /// Locks or rewrites a table, breaks the running app, or fails.
    Error,
}

/// How far an update of a dependency goes from the version in use. A 0.x
/// minor (and a 0.0.x patch) is a major step, as Cargo's and npm's caret
/// ranges treat it. Shared by the Dependencies area and shipdeck.toml's
/// `[dependencies]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(rename = "Class")]
#[serde(rename_all = "snake_case")]
pub enum UpdateClass {
    Patch,
    Minor,
    Major,
}

/// One line of `shipdeck doctor`, and of the checks areas add to it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DoctorCheck {
    /// Stable id, e.g. `toolchain.cargo`, `database.main`, `keyring`.
    pub id: String,
    pub label: String,
    pub ok: bool,
    pub detail: String,
    pub hint: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Sample {
        #[error("token {0} refused")]
        Refused(String),
        #[error("disk on fire")]
        Fire,
    }

    impl Coded for Sample {
        fn code(&self) -> &'static str {
            match self {
                Sample::Refused(_) => "sample.refused",
                Sample::Fire => "sample.fire",
            }
        }
        fn hint(&self) -> Option<String> {
            matches!(self, Sample::Refused(_)).then(|| "check token abc".to_string())
        }
        fn is_user_error(&self) -> bool {
            !matches!(self, Sample::Fire)
        }
    }

    #[test]
    fn the_payload_passes_message_and_hint_through_the_redactor() {
        let p = Sample::Refused("abc".into()).payload_with(&|s| s.replace("abc", "***"));
        assert_eq!(p.code, "sample.refused");
        assert_eq!(p.message, "token *** refused");
        assert_eq!(p.hint.as_deref(), Some("check token ***"));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["code"], "sample.refused");
    }

    #[test]
    fn defaults_leave_no_hint_and_a_user_error() {
        let p = Sample::Fire.payload_with(&|s| s.to_string());
        assert_eq!(p.hint, None);
        assert!(!Sample::Fire.is_user_error());
        assert!(Sample::Refused("x".into()).is_user_error());
    }
}
