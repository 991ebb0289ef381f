//! The error every area returns. Its own variants are the failures all areas
//! share (I/O, git, input, configuration, credentials, cancellation); an
//! area's own errors are its own enum, implementing [`Coded`] and carried in
//! [`Error::Area`], so this file knows no area. Every error has a stable
//! `code()` that scripts and the UI can match on, a human message and, where
//! we know what the user can do about it, a hint. Messages pass through the redactor when
//! they leave the core (see [`Error::payload`]).

use std::path::PathBuf;

use serde::Serialize;
pub use shipdeck_types::{Coded, ErrorPayload};

use crate::secrets::redact;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} does not exist", .path.display())]
    WorkspaceNotFound { path: PathBuf },

    #[error("{} is not a folder", .path.display())]
    WorkspaceNotADirectory { path: PathBuf },

    #[error("{} is not a git repository", .path.display())]
    NotAGitRepo {
        path: PathBuf,
        /// The repository that contains `path`, when it is inside one.
        enclosing: Option<PathBuf>,
    },

    #[error("{}:{line}:{column}: {message}", .path.display())]
    InvalidConfig {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        suggestion: Option<String>,
    },

    /// A configured path (`key` in shipdeck.toml, or a file a package
    /// manifest names) that leads out of the workspace, by `..`, an absolute
    /// path or a symbolic link.
    #[error("{key} = {path:?} leads outside the workspace; nothing was read or written there")]
    PathOutsideWorkspace { key: String, path: String },

    /// A desktop command named a folder the user never opened in the app.
    #[error("{} is not a workspace opened in Shipdeck", .path.display())]
    WorkspaceNotOpened { path: PathBuf },

    #[error("git: {0}")]
    Git(#[from] git2::Error),

    #[error("store: {0}")]
    Store(#[from] sqlx::Error),

    #[error("store schema: {0}")]
    StoreMigration(#[from] sqlx::migrate::MigrateError),

    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("no usable credential store ({backend}): {detail}")]
    KeyringUnavailable { backend: String, detail: String },

    #[error("credential store ({backend}) failed: {detail}")]
    Keyring { backend: String, detail: String },

    #[error("no credential named {name:?} in this workspace")]
    CredentialNotFound { name: String },

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },

    #[error("the job was cancelled")]
    Cancelled,

    #[error("no running job with id {id}")]
    JobNotFound { id: i64 },

    #[error("{} already exists and is not empty", .path.display())]
    DemoTargetNotEmpty { path: PathBuf },

    #[error("database unreachable: {detail}")]
    DatabaseUnreachable { detail: String },

    /// The shared store (`SHIPDECK_STORE_URL` or `store_url` in the user
    /// settings) cannot be reached or opened. `location` is the URL without
    /// its password.
    #[error("cannot reach the shared store at {location}: {detail}")]
    StoreUnreachable { location: String, detail: String },

    /// An area's own error: it knows its code, hint and kind (see
    /// [`Coded`]); areas convert into it with `From`, so this file needs
    /// no change when an area adds an error.
    #[error("{0}")]
    Area(Box<dyn Coded>),

    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Stable, dotted identifier: `<area>.<what>`. Never rename one; add new ones.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WorkspaceNotFound { .. } => "workspace.not_found",
            Error::WorkspaceNotADirectory { .. } => "workspace.not_a_directory",
            Error::NotAGitRepo { .. } => "workspace.not_a_git_repo",
            Error::InvalidConfig { .. } => "config.invalid",
            Error::PathOutsideWorkspace { .. } => "config.path_outside_workspace",
            Error::WorkspaceNotOpened { .. } => "workspace.not_opened",
            Error::Git(_) => "git.error",
            Error::Store(_) => "store.error",
            Error::StoreMigration(_) => "store.schema",
            Error::Io { .. } => "io.error",
            Error::KeyringUnavailable { .. } => "secrets.keyring_unavailable",
            Error::Keyring { .. } => "secrets.keyring_error",
            Error::CredentialNotFound { .. } => "secrets.not_found",
            Error::InvalidInput { .. } => "input.invalid",
            Error::Cancelled => "job.cancelled",
            Error::JobNotFound { .. } => "job.not_found",
            Error::DemoTargetNotEmpty { .. } => "demo.target_not_empty",
            Error::DatabaseUnreachable { .. } => "database.unreachable",
            Error::StoreUnreachable { .. } => "store.unreachable",
            Error::Area(e) => e.code(),
            Error::Internal(_) => "internal",
        }
    }

    /// What the user can do next, when we know.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            Error::WorkspaceNotFound { .. } => {
                "Check the path, or pick the folder again with \"Open folder…\".".to_string()
            }
            Error::WorkspaceNotADirectory { .. } => {
                "A workspace is a folder: choose the repository's top folder.".to_string()
            }
            Error::NotAGitRepo {
                enclosing: Some(repo),
                ..
            } => format!(
                "This folder is inside the repository {}; open that folder instead.",
                repo.display()
            ),
            Error::NotAGitRepo { .. } => {
                "Open the top folder of a git repository (the one containing .git), or run `git init` there first."
                    .to_string()
            }
            Error::InvalidConfig {
                suggestion: Some(s),
                ..
            } => format!("Did you mean `{s}`? See docs/configuration.md for every key."),
            Error::InvalidConfig { .. } => {
                "Fix shipdeck.toml at that line; see docs/configuration.md for every key."
                    .to_string()
            }
            Error::PathOutsideWorkspace { key, .. } => format!(
                "Paths in shipdeck.toml must be inside the workspace: relative to its top folder, \
                 without `..` or symbolic links leading out. Fix `{key}`."
            ),
            Error::WorkspaceNotOpened { .. } => {
                "Open the folder with \"Open folder…\" first; the app acts only on workspaces you opened."
                    .to_string()
            }
            Error::StoreMigration(_) => {
                "The store was written by a newer Shipdeck, or is damaged. Set SHIPDECK_DATA_DIR to another folder to start fresh."
                    .to_string()
            }
            Error::Store(_) => {
                "Another Shipdeck may hold the store; close it and retry. `shipdeck doctor` checks the data folder."
                    .to_string()
            }
            Error::Io { .. } => "Check that the path exists and that you may read and write it.".to_string(),
            Error::KeyringUnavailable { .. } => {
                "Start a Secret Service provider (GNOME Keyring or KWallet) and unlock it. \
                 On a headless machine, set SHIPDECK_KEYRING=keyutils to use the kernel keyring \
                 (kept until reboot only)."
                    .to_string()
            }
            Error::Keyring { .. } => {
                "Unlock your keyring (GNOME Keyring, KWallet) and retry; `shipdeck doctor` checks it."
                    .to_string()
            }
            Error::CredentialNotFound { .. } => {
                "List the stored names with `shipdeck secret list`.".to_string()
            }
            Error::DemoTargetNotEmpty { .. } => {
                "Choose a new or empty folder for the demo workspace.".to_string()
            }
            Error::DatabaseUnreachable { .. } => {
                "Check that the server runs and that the URL, user and password are right.".to_string()
            }
            Error::StoreUnreachable { .. } => "Check that the PostgreSQL server runs and that the user and password are right, \
                 then retry; or switch back to the local store with `shipdeck store use-local`."
                .to_string(),
            Error::JobNotFound { .. } => "The job may have finished already; see Activity.".to_string(),
            Error::Internal(_) => {
                "This is a bug in Shipdeck. The log file in the data folder has details.".to_string()
            }
            Error::Area(e) => return e.hint(),
            Error::Git(_) | Error::InvalidInput { .. } | Error::Cancelled => return None,
        };
        Some(hint)
    }

    /// True when the user can fix the cause (CLI exit code 1); false for
    /// failures of Shipdeck or its environment (exit code 2).
    pub fn is_user_error(&self) -> bool {
        match self {
            Error::Internal(_) | Error::Store(_) | Error::StoreMigration(_) => false,
            Error::Area(e) => e.is_user_error(),
            _ => true,
        }
    }

    /// Wraps an area's error.
    pub fn area(e: impl Coded) -> Error {
        Error::Area(Box::new(e))
    }

    /// The area error of type `T` this error carries, or the error itself.
    pub fn downcast<T: Coded>(self) -> std::result::Result<T, Error> {
        match self {
            Error::Area(e) if (&*e as &(dyn std::error::Error + 'static)).is::<T>() => {
                let any: Box<dyn std::error::Error + Send + Sync> = e;
                any.downcast::<T>()
                    .map(|t| *t)
                    .map_err(|_| Error::Internal("area error changed type".into()))
            }
            other => Err(other),
        }
    }

    /// The redacted `{code, message, hint}` that crosses every boundary.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: redact(&self.to_string()).into_owned(),
            hint: self.hint().map(|h| redact(&h).into_owned()),
        }
    }

    /// A copy of a configuration load error, kept by the workspace and
    /// handed to every command that needs the configuration.
    pub fn duplicate(&self) -> Error {
        match self {
            Error::InvalidConfig {
                path,
                line,
                column,
                message,
                suggestion,
            } => Error::InvalidConfig {
                path: path.clone(),
                line: *line,
                column: *column,
                message: message.clone(),
                suggestion: suggestion.clone(),
            },
            Error::Io { action, path, source } => Error::Io {
                action,
                path: path.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            other => Error::Internal(other.to_string()),
        }
    }

    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { action, path, source }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.payload().serialize(serializer)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::Internal(format!("background task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_carries_code_message_and_hint() {
        let e = Error::NotAGitRepo {
            path: "/tmp/x".into(),
            enclosing: None,
        };
        let p = e.payload();
        assert_eq!(p.code, "workspace.not_a_git_repo");
        assert_eq!(p.message, "/tmp/x is not a git repository");
        assert!(p.hint.unwrap().contains("git init"));
    }

    #[test]
    fn payload_is_redacted() {
        let e = Error::Internal("connect postgres://app:hunter2@db/x failed".into());
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        assert!(json.contains("\"code\":\"internal\""));
    }

    #[derive(Debug, thiserror::Error)]
    enum Sample {
        #[error("nothing to fix")]
        NoFix,
    }
    impl Coded for Sample {
        fn code(&self) -> &'static str {
            "sample.no_fix"
        }
        fn hint(&self) -> Option<String> {
            Some("fix it by hand".into())
        }
    }

    #[derive(Debug, thiserror::Error)]
    #[error("other")]
    struct Other;
    impl Coded for Other {
        fn code(&self) -> &'static str {
            "other.error"
        }
        fn is_user_error(&self) -> bool {
            false
        }
    }

    #[test]
    fn an_area_error_keeps_its_code_and_hint_and_comes_back_out() {
        let e = Error::area(Sample::NoFix);
        assert_eq!(e.code(), "sample.no_fix");
        assert!(e.hint().unwrap().contains("by hand"));
        assert_eq!(e.payload().message, "nothing to fix");
        assert!(matches!(e.downcast::<Sample>(), Ok(Sample::NoFix)));
        // Another area's error, or a base variant, comes back unchanged.
        let back = Error::area(Other).downcast::<Sample>().unwrap_err();
        assert_eq!(back.code(), "other.error");
        assert!(!back.is_user_error());
        assert!(matches!(
            Error::Cancelled.downcast::<Sample>(),
            Err(Error::Cancelled)
        ));
    }

    #[test]
    fn store_failures_are_not_user_errors() {
        assert!(!Error::Internal("x".into()).is_user_error());
        assert!(Error::Cancelled.is_user_error());
    }
}
