//! Errors of the Environments area, each with a stable `environments.*` code.
//! Problems inside the files (a bad line, a missing file) are findings, not
//! errors: an error means the request itself cannot be answered.

use shipdeck_types::Coded;
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// Secret values never leave the core, whatever asks for them.
    #[error("{key} in {env} looks like a secret; its value is not shown")]
    Secret { env: String, key: String },

    #[error("{env} has no key {key}")]
    UnknownKey { env: String, key: String },

    #[error("no environment named {name:?} (environments: {known})")]
    UnknownEnvironment { name: String, known: String },

    #[error("shipdeck.toml defines no environment")]
    NoEnvironments,
}

impl Coded for EnvError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            EnvError::Secret { .. } => "environments.secret",
            EnvError::UnknownKey { .. } => "environments.unknown_key",
            EnvError::UnknownEnvironment { .. } => "environments.unknown_environment",
            EnvError::NoEnvironments => "environments.none",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            // Worded so that the redactor, which masks `secret = …`, leaves it whole.
            EnvError::Secret { key, .. } => format!(
                "Compare secrets by their fingerprints in the parity view. If {key} is not a secret, \
                 add `[environments.schema.keys.{key}]` to shipdeck.toml with `secret` set to false."
            ),
            EnvError::UnknownKey { .. } => {
                "The parity view lists every key of every environment; check the spelling.".into()
            }
            EnvError::UnknownEnvironment { .. } => {
                "Use one of the [environments.NAME] tables of shipdeck.toml.".into()
            }
            EnvError::NoEnvironments => {
                "Add an [environments.NAME] table with `files = [\".env.NAME\"]` to shipdeck.toml for each environment."
                    .into()
            }
        })
    }
}

impl From<EnvError> for shipdeck_base::error::Error {
    fn from(e: EnvError) -> Self {
        Self::area(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_base::error::Error;

    #[test]
    fn codes_cross_the_core_error() {
        let e: Error = EnvError::Secret {
            env: "production".into(),
            key: "SESSION_SECRET".into(),
        }
        .into();
        let p = e.payload();
        assert_eq!(p.code, "environments.secret");
        assert!(p.hint.unwrap().contains("with `secret` set to false"));
        let e: Error = EnvError::UnknownKey {
            env: "staging".into(),
            key: "NOPE".into(),
        }
        .into();
        assert_eq!(e.code(), "environments.unknown_key");
        assert!(e.is_user_error());
        let e: Error = EnvError::NoEnvironments.into();
        assert_eq!(e.code(), "environments.none");
        assert!(e.hint().unwrap().contains("[environments.NAME]"));
    }
}
