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

    #[error("the requirement {requirement:?} of {name} cannot be read: {detail}")]
    InvalidRequirement {
        name: String,
        requirement: String,
        detail: String,
    },

    #[error("the working tree has uncommitted changes: {}", files.join(", "))]
    DirtyTree { files: Vec<String> },

    #[error("{tool} is not installed (needed to regenerate {lockfile})")]
    ToolMissing { tool: String, lockfile: String },

    #[error("`{command}` failed ({status}): {tail}")]
    ToolFailed {
        command: String,
        status: String,
        tail: String,
    },

    #[error("the update plan changed since it was shown (expected {expected}, now {actual})")]
    PlanChanged { expected: String, actual: String },

    #[error("the branch {branch} already exists")]
    BranchExists { branch: String },

    #[error("{branch:?} is not a valid branch name")]
    InvalidBranch { branch: String },

    #[error("{path} is not a regular file inside the workspace; it is not edited")]
    UnsafePath { path: String },

    #[error("{branch}: the update changed no file")]
    NoChange { branch: String },

    #[error("git: {detail}")]
    Git { detail: String },
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
            DepsError::DirtyTree { .. } => "dependencies.dirty_tree",
            DepsError::ToolMissing { .. } => "dependencies.tool_missing",
            DepsError::ToolFailed { .. } => "dependencies.tool_failed",
            DepsError::PlanChanged { .. } => "dependencies.plan_changed",
            DepsError::BranchExists { .. } => "dependencies.branch_exists",
            DepsError::InvalidBranch { .. } => "dependencies.invalid_branch",
            DepsError::UnsafePath { .. } => "dependencies.unsafe_path",
            DepsError::NoChange { .. } => "dependencies.no_change",
            DepsError::Git { .. } => "dependencies.git",
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
            DepsError::DirtyTree { .. } => "Commit or stash the changes, then run again.",
            DepsError::ToolMissing { tool, .. } => return Some(install_hint(tool)),
            DepsError::ToolFailed { .. } => {
                "Run the command in the workspace to see the whole output; nothing was changed."
            }
            DepsError::PlanChanged { .. } => "Run the dry run again and confirm the new plan.",
            DepsError::BranchExists { .. } => {
                "Delete the branch (git branch -D NAME) or choose another with --branch."
            }
            DepsError::InvalidBranch { .. } => {
                "Use letters, digits, `-`, `_`, `.` and `/` (no `..`, spaces or a trailing `.lock`)."
            }
            DepsError::UnsafePath { .. } => {
                "Symbolic links and paths outside the workspace are never edited."
            }
            DepsError::NoChange { .. } => {
                "The lockfile may already hold the version; run deps outdated again."
            }
            _ => return None,
        };
        Some(h.into())
    }

    fn is_user_error(&self) -> bool {
        true
    }
}

fn install_hint(tool: &str) -> String {
    let how = match tool {
        "cargo" => "install Rust with rustup (https://rustup.rs)",
        "npm" => "install Node.js, which brings npm",
        "pnpm" => "`npm install -g pnpm`",
        "yarn" => "`npm install -g yarn`",
        "uv" => "`pip install uv`",
        "poetry" => "`pip install poetry`",
        _ => "install it",
    };
    format!("Put {tool} on PATH: {how}.")
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
