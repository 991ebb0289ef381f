//! Secrets: the redactor that keeps them out of every output, and the OS
//! keyring that is the only place they are stored.

pub mod classify;
mod keyring;
mod redact;

pub use self::classify::looks_secret;
pub use self::keyring::{validate_name, Backend, Keyring, BACKEND_ENV, SERVICE};
pub use self::redact::{is_secret_name, redact, register_secret, MASK};
