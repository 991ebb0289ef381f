//! Credentials live only in the OS keyring, under service `shipdeck` and
//! account `<workspace-id>/<name>`. The store keeps the *names* (so they can
//! be listed: keyrings cannot enumerate portably), never the values.
//!
//! Backends on Linux: the Secret Service (GNOME Keyring, KWallet), which
//! persists across reboots, is the default. The kernel keyutils keyring is a
//! documented fallback for headless machines (`SHIPDECK_KEYRING=keyutils`);
//! it forgets everything at reboot. There is deliberately no file fallback.

use std::fmt;

use keyring::credential::CredentialApi;

use crate::error::{Error, Result};
use crate::secrets::register_secret;

pub const SERVICE: &str = "shipdeck";
/// Selects the backend: `secret-service` (default) or `keyutils`.
pub const BACKEND_ENV: &str = "SHIPDECK_KEYRING";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    SecretService,
    Keyutils,
}

impl Backend {
    pub fn from_env() -> Result<Self> {
        match std::env::var(BACKEND_ENV).ok().as_deref().map(str::trim) {
            None | Some("") | Some("secret-service") => Ok(Backend::SecretService),
            Some("keyutils") => Ok(Backend::Keyutils),
            Some(other) => Err(Error::InvalidInput {
                field: "SHIPDECK_KEYRING",
                reason: format!("{other:?} is not a backend; use secret-service or keyutils"),
            }),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::SecretService => "secret-service",
            Backend::Keyutils => "keyutils",
        })
    }
}

/// A credential name as used in config (`keyring:NAME`).
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput {
            field: "credential name",
            reason: format!("{name:?}: use 1 to 64 letters, digits, '.', '_' or '-'"),
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Keyring {
    backend: Backend,
}

impl Keyring {
    pub fn new(backend: Backend) -> Self {
        Self { backend }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn entry(&self, workspace_id: &str, name: &str) -> Result<keyring::Entry> {
        let account = format!("{workspace_id}/{name}");
        let credential: Box<dyn CredentialApi + Send + Sync> = match self.backend {
            Backend::SecretService => Box::new(
                keyring::secret_service::SsCredential::new_with_target(None, SERVICE, &account)
                    .map_err(|e| self.map_err(e))?,
            ),
            Backend::Keyutils => Box::new(
                keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, &account)
                    .map_err(|e| self.map_err(e))?,
            ),
        };
        Ok(keyring::Entry::new_with_credential(credential))
    }

    /// Blocking: call from a blocking thread.
    pub fn set(&self, workspace_id: &str, name: &str, value: &str) -> Result<()> {
        validate_name(name)?;
        if value.is_empty() {
            return Err(Error::InvalidInput {
                field: "credential value",
                reason: "the value is empty".into(),
            });
        }
        register_secret(value);
        self.entry(workspace_id, name)?
            .set_password(value)
            .map_err(|e| self.map_err(e))
    }

    /// Blocking. `Ok(None)` when no such credential exists.
    pub fn get(&self, workspace_id: &str, name: &str) -> Result<Option<String>> {
        validate_name(name)?;
        match self.entry(workspace_id, name)?.get_password() {
            Ok(v) => {
                register_secret(&v);
                Ok(Some(v))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.map_err(e)),
        }
    }

    /// Blocking. Deleting a missing credential is not an error.
    pub fn delete(&self, workspace_id: &str, name: &str) -> Result<()> {
        validate_name(name)?;
        match self.entry(workspace_id, name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.map_err(e)),
        }
    }

    /// Blocking. Reaches the backend without storing anything: reading a
    /// name that cannot exist answers "no entry" from a working backend.
    pub fn probe(&self) -> Result<()> {
        self.get("probe", "shipdeck-probe").map(|_| ())
    }

    fn map_err(&self, e: keyring::Error) -> Error {
        let backend = self.backend.to_string();
        match e {
            keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
                Error::KeyringUnavailable {
                    backend,
                    detail: inner.to_string(),
                }
            }
            other => Error::Keyring {
                backend,
                detail: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        assert!(validate_name("github-token").is_ok());
        assert!(validate_name("db.prod_2").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("a/b").is_err());
        assert!(validate_name(&"x".repeat(65)).is_err());
    }
}
