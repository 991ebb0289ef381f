//! Errors of the Dependencies area, each with a stable `dependencies.*` code.
//! A manifest that cannot be read stops the run (the answer would be
//! incomplete without saying so); a registry that fails for one package is
//! an error carried by that dependency's row, so the other rows still come.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    #[error("{path}: {message}")]
    InvalidManifest { path: String, message: String },

    #[error("{path} declares more than {limit} dependencies; only the first {limit} can be checked")]
    TooManyDependencies { path: String, limit: usize },

    #[error("more than {limit} manifests under the workspace")]
    TooManyManifests { limit: usize },

    #[error("{path}: {message}")]
    InvalidConfig { path: String, message: String },

    #[error("{name:?} is not a valid {ecosystem} package name")]
    InvalidName { ecosystem: &'static str, name: String },

    #[error("{origin} answered HTTP {status} for {name}")]
    RegistryStatus {
        origin: String,
        name: String,
        status: u16,
    },

    #[error("{name} is not in the registry at {origin}")]
    NotFound { origin: String, name: String },

    #[error("{origin}: {note}; the redirect was not followed")]
    Redirect { origin: String, note: String },

    #[error("{origin} sent more than {limit} bytes for {name}")]
    TooLarge {
        origin: String,
        name: String,
        limit: u64,
    },

    #[error("{origin} did not answer within {seconds} s")]
    Timeout { origin: String, seconds: u64 },

    #[error("cannot reach {origin}: {detail}")]
    Unreachable { origin: String, detail: String },

    #[error("{origin} sent an unreadable answer for {name}: {detail}")]
    InvalidResponse {
        origin: String,
        name: String,
        detail: String,
    },

    #[error("{index} is not a sparse index; only sparse registries can be read")]
    UnsupportedIndex { index: String },

    #[error("no update branch to propose: {detail}")]
    NoUpdateBranch { detail: String },

    #[error(
        "the remote {remote} is not on a forge Shipdeck can open pull requests on (GitHub, GitLab, Gitea)"
    )]
    ForgeUnsupported { remote: String },

    #[error("the requirement {requirement:?} of {name} cannot be read: {detail}")]
    InvalidRequirement {
        name: String,
        requirement: String,
        detail: String,
    },
}

impl Coded for DepsError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            DepsError::InvalidManifest { .. } => "dependencies.invalid_manifest",
            DepsError::TooManyDependencies { .. } => "dependencies.too_many_dependencies",
            DepsError::TooManyManifests { .. } => "dependencies.too_many_manifests",
            DepsError::InvalidConfig { .. } => "dependencies.invalid_config",
            DepsError::InvalidName { .. } => "dependencies.invalid_name",
            DepsError::RegistryStatus { .. } => "dependencies.registry_status",
            DepsError::NotFound { .. } => "dependencies.not_found",
            DepsError::Redirect { .. } => "dependencies.redirect",
            DepsError::TooLarge { .. } => "dependencies.too_large",
            DepsError::Timeout { .. } => "dependencies.timeout",
            DepsError::Unreachable { .. } => "dependencies.unreachable",
            DepsError::InvalidResponse { .. } => "dependencies.invalid_response",
            DepsError::UnsupportedIndex { .. } => "dependencies.unsupported_index",
            DepsError::InvalidRequirement { .. } => "dependencies.invalid_requirement",
            DepsError::NoUpdateBranch { .. } => "dependencies.no_update_branch",
            DepsError::ForgeUnsupported { .. } => "dependencies.forge_unsupported",
        }
    }

    fn hint(&self) -> Option<String> {
        let h = match self {
            DepsError::InvalidManifest { .. } | DepsError::InvalidConfig { .. } => {
                "Fix the file (its package manager reports the same problem), then run again."
            }
            DepsError::TooManyDependencies { .. } | DepsError::TooManyManifests { .. } => {
                "Split the check: open a sub-folder of the workspace."
            }
            DepsError::RegistryStatus { .. } | DepsError::Timeout { .. } | DepsError::Unreachable { .. } => {
                "Check the registry configured in .npmrc, .cargo/config.toml or pip.conf, and the network."
            }
            DepsError::NotFound { .. } => {
                "A private package needs its registry (and token) in .npmrc, .cargo/config.toml or pip.conf."
            }
            DepsError::Redirect { .. } => {
                "Credentials are never sent to another host; configure the registry's final address."
            }
            DepsError::UnsupportedIndex { .. } => {
                "Configure the registry's sparse index (`sparse+https://…`) in .cargo/config.toml."
            }
            DepsError::NoUpdateBranch { .. } => {
                "Make one with `shipdeck deps update`, or name an existing branch with --branch."
            }
            DepsError::ForgeUnsupported { .. } => {
                "Set release.forge (github, gitlab or gitea) and release.forge_api in shipdeck.toml, or push the branch and open the request by hand."
            }
            _ => return None,
        };
        Some(h.into())
    }

    fn is_user_error(&self) -> bool {
        true
    }
}

impl From<DepsError> for shipdeck_base::error::Error {
    fn from(e: DepsError) -> Self {
        Self::area(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_base::error::Error;

    #[test]
    fn codes_cross_the_core_error() {
        let e: Error = DepsError::InvalidManifest {
            path: "web/package.json".into(),
            message: "expected value at line 1".into(),
        }
        .into();
        let p = e.payload();
        assert_eq!(p.code, "dependencies.invalid_manifest");
        assert!(p.message.starts_with("web/package.json:"));
        assert!(p.hint.is_some());
        let e: Error = DepsError::Timeout {
            origin: "http://127.0.0.1:9".into(),
            seconds: 5,
        }
        .into();
        assert_eq!(e.code(), "dependencies.timeout");
    }
}
