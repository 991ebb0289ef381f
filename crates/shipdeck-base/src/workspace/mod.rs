//! A workspace: the top folder of a git repository, with an optional
//! `shipdeck.toml`. Everything here reads the repository with git2; nothing
//! shells out to git.

mod detect;
mod history;
mod identity;
mod info;
mod paths;
mod tags;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{Error, Result};

pub use detect::{detect_manifests, detect_migration_folders, ecosystems, Manifest, MigrationFolder};
pub use history::{scan_history, AuthorCount, HistoryStats, TypeCount, WeekCount, WEEKS};
pub use identity::{normalize_remote, repository_id};
pub use info::{CommitSummary, WorkspaceInfo};
pub use paths::{inside, inside_relative, relative};
pub use tags::{count_commits, head_commit};
pub use tags::{nearest_version_tag, VersionTag};

#[derive(Debug, Clone)]
pub struct Workspace {
    /// Canonical path of the repository's top folder.
    pub root: PathBuf,
    /// Stable id derived from `root`: keys the store and the keyring.
    pub id: String,
    pub name: String,
    /// `shipdeck.toml` as read when the workspace was opened: `Ok(None)`
    /// without one, the parse error (with line and column) when broken.
    config: Arc<Result<Option<Config>>>,
}

impl Workspace {
    /// Validates `path` as a workspace: it must exist, be a folder and be the
    /// top folder of a (non-bare) git repository.
    pub fn open(path: &Path) -> Result<Workspace> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::WorkspaceNotFound { path: path.into() },
            _ => Error::io("read", path)(e),
        })?;
        if !meta.is_dir() {
            return Err(Error::WorkspaceNotADirectory { path: path.into() });
        }
        let root = path.canonicalize().map_err(Error::io("resolve", path))?;
        if !plain_repository_top(&root) {
            check_repository_top(&root)?;
        }
        // Read once here; a broken file still opens the workspace (the
        // Overview shows the error) and fails the commands that need it.
        let config = Config::load(&root);
        let config_name = config
            .as_ref()
            .ok()
            .and_then(|c| c.as_ref()?.workspace.name.clone());
        let name = config_name.unwrap_or_else(|| folder_name(&root));
        Ok(Workspace {
            id: workspace_id(&root),
            root,
            name,
            config: Arc::new(config),
        })
    }

    /// The workspace's configuration, read when it was opened; `None`
    /// without a `shipdeck.toml`, its error (`config.invalid`) when broken.
    pub fn config(&self) -> Result<Option<&Config>> {
        match self.config.as_ref() {
            Ok(config) => Ok(config.as_ref()),
            Err(e) => Err(e.duplicate()),
        }
    }

    /// The configuration as a value a job can own (`None` without a
    /// `shipdeck.toml`).
    pub fn config_owned(&self) -> Result<Option<Config>> {
        Ok(self.config()?.cloned())
    }

    /// The configuration, or the defaults without a `shipdeck.toml`.
    pub fn config_or_default(&self) -> Result<Config> {
        Ok(self.config()?.cloned().unwrap_or_default())
    }

    pub fn repo(&self) -> Result<git2::Repository> {
        tune_libgit2();
        Ok(git2::Repository::open(&self.root)?)
    }
}

/// Whether `root` is the top of an ordinary repository, told from its
/// `.git` folder alone: opening a workspace then needs no libgit2, whose
/// start initialises OpenSSL (milliseconds in every command). Anything
/// else (a `.git` file, `core.worktree`, a bare repository, no `HEAD`) is
/// left to [`check_repository_top`].
fn plain_repository_top(root: &Path) -> bool {
    let git = root.join(".git");
    let is_dir = std::fs::symlink_metadata(&git).is_ok_and(|m| m.is_dir());
    is_dir
        && git.join("HEAD").is_file()
        && git.join("objects").is_dir()
        && std::fs::read_to_string(git.join("config")).is_ok_and(|config| {
            let config: String = config
                .to_ascii_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            !config.contains("worktree") && !config.contains("bare=true")
        })
}

/// libgit2's verdict: `root` must be the top of a non-bare repository.
fn check_repository_top(root: &Path) -> Result<()> {
    tune_libgit2();
    let repo = match git2::Repository::open(root) {
        Ok(repo) => repo,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            let enclosing = git2::Repository::discover(root)
                .ok()
                .and_then(|r| r.workdir().map(Path::to_path_buf));
            return Err(Error::NotAGitRepo {
                path: root.to_path_buf(),
                enclosing,
            });
        }
        Err(e) => return Err(e.into()),
    };
    if repo.is_bare() {
        return Err(Error::NotAGitRepo {
            path: root.to_path_buf(),
            enclosing: None,
        });
    }
    // Opened through a `.git` file or a path inside: insist on the top.
    if let Some(workdir) = repo.workdir() {
        let workdir = workdir.canonicalize().map_err(Error::io("resolve", workdir))?;
        if workdir != root {
            return Err(Error::NotAGitRepo {
                path: root.to_path_buf(),
                enclosing: Some(workdir),
            });
        }
    }
    Ok(())
}

/// libgit2 re-hashes every object it reads by default; git does not, and
/// on large histories the hashing costs a fifth of the time.
pub(crate) fn tune_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

pub fn folder_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| root.display().to_string())
}

/// 16 hex digits of SHA-256 over the canonical root path.
pub fn workspace_id(root: &Path) -> String {
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_folder_is_not_found() {
        let err = Workspace::open(Path::new("/nonexistent/shipdeck/ws")).unwrap_err();
        assert_eq!(err.code(), "workspace.not_found");
    }

    #[test]
    fn only_an_ordinary_repository_opens_without_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let repo = git2::Repository::init(&root).unwrap();
        assert!(plain_repository_top(&root));
        assert!(Workspace::open(&root).is_ok());

        // A linked worktree has a `.git` file: libgit2 decides.
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        let tree = repo
            .find_tree(repo.index().unwrap().write_tree().unwrap())
            .unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[]).unwrap();
        let linked = root.join("linked");
        repo.worktree("linked", &linked, None).unwrap();
        assert!(!plain_repository_top(&linked));
        assert!(Workspace::open(&linked).is_ok());

        // A work tree elsewhere, or a bare repository: libgit2 decides, and refuses.
        let mut config = repo.config().unwrap();
        config.set_str("core.worktree", "/tmp").unwrap();
        assert!(!plain_repository_top(&root));
        assert_eq!(
            Workspace::open(&root).unwrap_err().code(),
            "workspace.not_a_git_repo"
        );
        config.remove("core.worktree").unwrap();
        config.set_bool("core.bare", true).unwrap();
        assert!(!plain_repository_top(&root));
        assert_eq!(
            Workspace::open(&root).unwrap_err().code(),
            "workspace.not_a_git_repo"
        );
    }

    #[test]
    fn plain_folder_is_not_a_repo() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::open(dir.path()).unwrap_err();
        assert_eq!(err.code(), "workspace.not_a_git_repo");
        assert!(err.hint().unwrap().contains("git init"));
    }

    #[test]
    fn subfolder_points_to_enclosing_repo() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let err = Workspace::open(&sub).unwrap_err();
        assert_eq!(err.code(), "workspace.not_a_git_repo");
        assert!(
            err.hint().unwrap().contains("open that folder instead"),
            "{:?}",
            err.hint()
        );
    }

    #[test]
    fn file_is_not_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(
            Workspace::open(&f).unwrap_err().code(),
            "workspace.not_a_directory"
        );
    }

    #[test]
    fn id_is_stable_and_short() {
        let a = workspace_id(Path::new("/a/b"));
        assert_eq!(a, workspace_id(Path::new("/a/b")));
        assert_ne!(a, workspace_id(Path::new("/a/c")));
        assert_eq!(a.len(), 16);
    }
}
