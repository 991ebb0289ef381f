//! Errors of the Releases area, each with a stable `release.*` code.

use shipdeck_types::Coded;
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("invalid release configuration: {0}")]
    Config(String),

    #[error("no package named {name:?} (packages: {known})")]
    UnknownPackage { name: String, known: String },

    #[error("tag format {format:?} has no {{version}} placeholder")]
    TagFormat { format: String },

    #[error("the working tree has uncommitted changes: {files}")]
    DirtyTree { files: String },

    #[error("HEAD is detached; releases are cut from a branch")]
    DetachedHead,

    #[error("releases are cut from {expected}, but HEAD is on {actual}")]
    WrongBranch { expected: String, actual: String },

    #[error("tag {tag} already exists")]
    TagExists { tag: String },

    #[error("nothing to release: {reason}")]
    NothingToRelease { reason: String },

    #[error("{value:?} is not a semantic version: {detail}")]
    InvalidVersion { value: String, detail: String },

    #[error("a manual version needs a reason")]
    OverrideNeedsReason,

    #[error("{path}: {detail}")]
    VersionFile { path: String, detail: String },

    #[error("cannot sign: {detail}")]
    Signing { detail: String },

    #[error("no release {version} of {package} (no tag {tag})")]
    NotFound {
        package: String,
        version: String,
        tag: String,
    },

    #[error("HEAD is not a release commit: no release tag points at it")]
    NotAReleaseCommit,

    #[error("no remote named {name:?}")]
    NoRemote { name: String },

    #[error("cannot reach {remote} to see whether {tag} was pushed: {detail}")]
    RemoteUnreachable {
        remote: String,
        tag: String,
        detail: String,
    },

    #[error("the push was rejected: {detail}")]
    PushRejected { detail: String },

    #[error("no forge token: {detail}")]
    NoToken { detail: String },

    #[error("the forge answered {status}: {detail}")]
    Forge { status: u16, detail: String },

    #[error("cannot reach the forge: {detail}")]
    ForgeUnreachable { detail: String },

    /// The forge API is plain http on another machine: the token would
    /// cross the network in the clear, so it is not sent.
    #[error("the forge API {api} is plain http to another machine; the token was not sent")]
    CleartextToken { api: String },

    /// The forge redirected to another origin; the token is not sent on.
    #[error("the forge answered {note}; the token is not sent to another origin")]
    ForgeRedirected { note: String },

    #[error("rolling back {version} conflicts with later changes in {files}")]
    RollbackConflict { version: String, files: String },

    #[error("git has no identity for the release commit: {detail}")]
    NoIdentity { detail: String },

    #[error("the release failed and everything was put back as it was: {cause}")]
    RolledBack { cause: String },

    #[error("the plan changed since it was shown: {detail}")]
    PlanChanged { detail: String },
}

impl Coded for ReleaseError {
    fn code(&self) -> &'static str {
        match self {
            ReleaseError::Config(_) => "release.config",
            ReleaseError::UnknownPackage { .. } => "release.unknown_package",
            ReleaseError::TagFormat { .. } => "release.tag_format",
            ReleaseError::DirtyTree { .. } => "release.dirty_tree",
            ReleaseError::DetachedHead => "release.detached_head",
            ReleaseError::WrongBranch { .. } => "release.wrong_branch",
            ReleaseError::TagExists { .. } => "release.tag_exists",
            ReleaseError::NothingToRelease { .. } => "release.nothing_to_release",
            ReleaseError::InvalidVersion { .. } => "release.invalid_version",
            ReleaseError::OverrideNeedsReason => "release.override_needs_reason",
            ReleaseError::VersionFile { .. } => "release.version_file",
            ReleaseError::Signing { .. } => "release.signing_failed",
            ReleaseError::NotFound { .. } => "release.not_found",
            ReleaseError::NotAReleaseCommit => "release.not_a_release_commit",
            ReleaseError::NoRemote { .. } => "release.no_remote",
            ReleaseError::RemoteUnreachable { .. } => "release.remote_unreachable",
            ReleaseError::PushRejected { .. } => "release.push_rejected",
            ReleaseError::NoToken { .. } => "release.no_token",
            ReleaseError::Forge { .. } => "release.forge_error",
            ReleaseError::ForgeUnreachable { .. } => "release.forge_unreachable",
            ReleaseError::CleartextToken { .. } => "release.cleartext_token",
            ReleaseError::ForgeRedirected { .. } => "release.forge_redirected",
            ReleaseError::RollbackConflict { .. } => "release.rollback_conflict",
            ReleaseError::NoIdentity { .. } => "release.no_identity",
            ReleaseError::RolledBack { .. } => "release.rolled_back",
            ReleaseError::PlanChanged { .. } => "release.plan_changed",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                ReleaseError::Config(_) => "Fix the [release] table in shipdeck.toml; docs/releases.md lists every key.",
                ReleaseError::UnknownPackage { .. } => "Run `shipdeck release plan` to see the packages.",
                ReleaseError::TagFormat { .. } => "Write the tag format with {version}, e.g. \"v{version}\" or \"{name}-v{version}\".",
                ReleaseError::DirtyTree { .. } => "Commit or stash your changes, then cut the release.",
                ReleaseError::DetachedHead => "Check out the release branch (e.g. `git switch main`).",
                ReleaseError::WrongBranch { .. } => "Switch to the release branch, or change workspace.release_branch in shipdeck.toml.",
                ReleaseError::TagExists { .. } => "This version was released already: plan again, or delete the stray tag if it is a leftover.",
                ReleaseError::NothingToRelease { .. } => "Land a feat or fix, or give a version with a reason (--version X --reason …).",
                ReleaseError::InvalidVersion { .. } => "Use MAJOR.MINOR.PATCH, optionally with -prerelease, e.g. 2.0.0 or 2.0.0-rc.1.",
                ReleaseError::OverrideNeedsReason => "Say why with --reason \"…\"; it is kept in the release record.",
                ReleaseError::VersionFile { .. } => "Check the file, or list the right files in packages.version_files.",
                ReleaseError::Signing { .. } => "Check gpg/ssh signing (user.signingkey, gpg.format) or unset commit.gpgsign / tag.gpgsign.",
                ReleaseError::NotFound { .. } => "See `shipdeck release history` for the released versions.",
                ReleaseError::NotAReleaseCommit => "Cut a release first (`shipdeck release cut`), then publish it.",
                ReleaseError::NoRemote { .. } => "Add the remote (`git remote add origin URL`) or set release.remote.",
                ReleaseError::RemoteUnreachable { .. } => "Connect and retry; if you are sure the tag never left this machine, roll back with --not-pushed.",
                ReleaseError::PushRejected { .. } => "Pull the remote's new commits, then cut again; nothing was released remotely.",
                ReleaseError::NoToken { .. } => "Store a token with `shipdeck secret set NAME` and set release.token = \"keyring:NAME\" (or env:VAR).",
                ReleaseError::Forge { .. } => "Check the token's permissions and the forge URL (release.forge_api).",
                ReleaseError::ForgeUnreachable { .. } => "Check the network and release.forge_api, then run the command again; repeating it is safe (a publish's tag is pushed already).",
                ReleaseError::CleartextToken { .. } => "Use the forge's https:// address in release.forge_api (plain http is accepted only on this machine).",
                ReleaseError::ForgeRedirected { .. } => "Set release.forge_api to the address the forge redirects to, if you trust it.",
                ReleaseError::RollbackConflict { .. } => "Resolve those files by hand (or roll back fewer changes), then retry.",
                ReleaseError::NoIdentity { .. } => "Set it: git config user.name \"Your Name\" && git config user.email you@example.com",
                ReleaseError::RolledBack { .. } => "Fix the cause above and cut again; no file, commit or tag was left behind.",
                ReleaseError::PlanChanged { .. } => "Nothing was cut. Look at the new plan (`shipdeck release cut --dry-run`) and confirm that one.",
            }
            .to_string(),
        )
    }
}

impl From<ReleaseError> for shipdeck_base::error::Error {
    fn from(e: ReleaseError) -> Self {
        Self::area(e)
    }
}
