//! Every lockfile of the workspace, read into [`LockedPackage`]s.

use std::path::Path;

use shipdeck_base::error::Result;

use super::LockedPackage;

/// What the lockfiles of a workspace pin.
#[derive(Debug, Clone, Default)]
pub struct Locked {
    /// One per (lockfile, ecosystem, name, version): duplicate copies at one
    /// version are one package.
    pub packages: Vec<LockedPackage>,
    /// The lockfiles read, relative to the workspace.
    pub lockfiles: Vec<String>,
}

/// Finds and reads every lockfile under `root` (`Cargo.lock`,
/// `package-lock.json`, `pnpm-lock.yaml`, `yarn.lock`, `poetry.lock`,
/// `uv.lock`, `Pipfile.lock`, top-level `requirements*.txt`).
pub fn read_all(root: &Path) -> Result<Locked> {
    let _ = root;
    todo!("lockfiles")
}
