//! Which id a workspace goes by: its repository's identity (root commit and
//! `origin`), so that two clones on two machines share one history in a
//! shared store. [`Workspace::open`] keeps the path id (it avoids libgit2);
//! the API sets the identity here and moves history recorded under the path
//! id to it.

use std::path::Path;

use crate::error::Result;
use crate::secrets::Keyring;
use crate::store::Store;
use crate::workspace::{normalize_remote, repository_id, Workspace};

/// The workspace's identity: the path id for a repository without commits.
/// The root commit is cached under `<data_dir>/identity/<path id>` (finding
/// it walks the history); the remote is read every time.
pub(crate) fn identity(ws: &Workspace, data_dir: Option<&Path>) -> String {
    let Ok(repo) = ws.repo() else {
        return ws.id.clone();
    };
    let cache = data_dir.map(|d| RootCache::at(d, ws));
    let root = match cache.as_ref().and_then(RootCache::read) {
        Some(root) => root,
        None => match oldest_root(&repo) {
            Some(root) => {
                if let Some(cache) = &cache {
                    cache.write(&root);
                }
                root
            }
            None => return ws.id.clone(),
        },
    };
    let remote = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url().map(normalize_remote))
        .unwrap_or_default();
    repository_id(&root, &remote)
}

/// The root commit reachable from HEAD, the branches and the remote
/// branches; of several (merged unrelated histories, an orphan branch), the
/// one with the oldest commit time, ties by id.
fn oldest_root(repo: &git2::Repository) -> Option<String> {
    let mut walk = repo.revwalk().ok()?;
    // An unborn HEAD is no error: the branches may still hold commits.
    let _ = walk.push_head();
    walk.push_glob("refs/heads").ok()?;
    walk.push_glob("refs/remotes").ok()?;
    walk.filter_map(|oid| repo.find_commit(oid.ok()?).ok())
        .filter(|c| c.parent_count() == 0)
        .map(|c| (c.time().seconds(), c.id().to_string()))
        .min()
        .map(|(_, id)| id)
}

/// The cached root commit of one workspace, valid while its `.git` is the
/// same file-system object (a re-clone makes a new `.git`).
struct RootCache {
    file: std::path::PathBuf,
    git: std::path::PathBuf,
}

impl RootCache {
    fn at(data_dir: &Path, ws: &Workspace) -> RootCache {
        RootCache {
            file: data_dir.join("identity").join(&ws.id),
            git: ws.root.join(".git"),
        }
    }

    fn stamp(&self) -> Option<String> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(&self.git).ok()?;
            Some(format!("{}:{}", meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    fn read(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.file).ok()?;
        let (root, stamp) = text.trim_end().split_once('\n')?;
        let valid = root.len() == 40 && root.bytes().all(|b| b.is_ascii_hexdigit());
        (valid && Some(stamp) == self.stamp().as_deref()).then(|| root.to_string())
    }

    /// Best effort: without a cache the next open walks again.
    fn write(&self, root: &str) {
        let Some(stamp) = self.stamp() else { return };
        let Some(dir) = self.file.parent() else { return };
        let tmp = self.file.with_extension("tmp");
        let written = std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(&tmp, format!("{root}\n{stamp}\n")))
            .and_then(|_| std::fs::rename(&tmp, &self.file));
        if let Err(e) = written {
            tracing::debug!(error = %e, "workspace identity not cached");
        }
    }
}

/// Moves what the store holds under the workspace's path id to `new_id`
/// (once: afterwards the store has a row for the new id), then its
/// credentials in the keyring.
pub(crate) async fn adopt(store: &Store, keyring: Keyring, path_id: &str, new_id: &str) -> Result<()> {
    if path_id == new_id {
        return Ok(());
    }
    let Some(names) = store.move_workspace(path_id, new_id).await? else {
        return Ok(());
    };
    tracing::info!(
        from = path_id,
        to = new_id,
        "workspace history moved to its repository id"
    );
    if names.is_empty() {
        return Ok(());
    }
    let (old, new) = (path_id.to_string(), new_id.to_string());
    let moved = tokio::task::spawn_blocking(move || {
        for name in &names {
            if let Some(value) = keyring.get(&old, name)? {
                keyring.set(&new, name, &value)?;
                keyring.delete(&old, name)?;
            }
        }
        Ok::<_, crate::Error>(())
    })
    .await?;
    // Without a keyring (none running, locked) the credentials stay under
    // the old id: the store has already moved, so the only cost is that the
    // user sets them again; failing the command would not bring them back.
    if let Err(e) = moved {
        tracing::warn!(code = e.code(), "credentials stay under the workspace's path id");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Repository, Signature, Time};

    fn commit(
        repo: &Repository,
        at: i64,
        file: &str,
        parents: &[&git2::Commit],
        update: Option<&str>,
    ) -> git2::Oid {
        std::fs::write(repo.workdir().unwrap().join(file), file).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new(file)).unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new("T", "t@example.com", &Time::new(at, 0)).unwrap();
        repo.commit(update, &sig, &sig, file, &tree, parents).unwrap()
    }

    fn workspace(dir: &Path) -> Workspace {
        Workspace::open(dir).unwrap()
    }

    #[test]
    fn of_several_roots_the_oldest_is_the_identity() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let newer = commit(&repo, 2_000, "a", &[], Some("HEAD"));
        // An orphan branch whose root is older.
        let older = commit(&repo, 1_000, "b", &[], None);
        repo.branch("orphan", &repo.find_commit(older).unwrap(), false)
            .unwrap();
        assert_eq!(oldest_root(&repo), Some(older.to_string()));
        let ws = workspace(dir.path());
        assert_eq!(identity(&ws, None), repository_id(&older.to_string(), ""));
        assert_ne!(newer, older);
    }

    #[test]
    fn the_cached_root_is_used_while_the_git_folder_is_the_same() {
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let root = commit(&repo, 1_000, "a", &[], Some("HEAD")).to_string();
        let ws = workspace(dir.path());
        assert_eq!(identity(&ws, Some(data.path())), repository_id(&root, ""));
        let file = data.path().join("identity").join(&ws.id);
        let cached = std::fs::read_to_string(&file).unwrap();
        assert!(cached.starts_with(&root), "{cached}");
        // A planted root proves the cache is read rather than the history.
        let planted = "f".repeat(40);
        std::fs::write(&file, cached.replace(&root, &planted)).unwrap();
        assert_eq!(identity(&ws, Some(data.path())), repository_id(&planted, ""));
        // A cache naming something that is no commit id is ignored.
        std::fs::write(&file, cached.replace(&root, "../../etc/passwd")).unwrap();
        assert_eq!(identity(&ws, Some(data.path())), repository_id(&root, ""));
    }

    #[test]
    fn a_new_clone_in_the_same_folder_is_walked_again() {
        let data = tempfile::tempdir().unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let (one, two, ws_dir) = (
            scratch.path().join("one"),
            scratch.path().join("two"),
            scratch.path().join("ws"),
        );
        let first = Repository::init(&one).unwrap();
        let first_root = commit(&first, 1_000, "a", &[], Some("HEAD")).to_string();
        let second = Repository::init(&two).unwrap();
        let second_root = commit(&second, 1_000, "b", &[], Some("HEAD")).to_string();
        Repository::clone(one.to_str().unwrap(), &ws_dir).unwrap();
        let ws = workspace(&ws_dir);
        let remote = normalize_remote(one.to_str().unwrap());
        assert_eq!(
            identity(&ws, Some(data.path())),
            repository_id(&first_root, &remote)
        );
        // Kept elsewhere, so the new `.git` cannot reuse the old inode.
        std::fs::rename(&ws_dir, scratch.path().join("old")).unwrap();
        Repository::clone(two.to_str().unwrap(), &ws_dir).unwrap();
        let ws = workspace(&ws_dir);
        let remote = normalize_remote(two.to_str().unwrap());
        assert_eq!(
            identity(&ws, Some(data.path())),
            repository_id(&second_root, &remote)
        );
    }

    #[test]
    fn a_repository_without_commits_keeps_its_path_id() {
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        Repository::init(dir.path()).unwrap();
        let ws = workspace(dir.path());
        assert_eq!(identity(&ws, Some(data.path())), ws.id);
        assert!(!data.path().join("identity").exists(), "nothing to cache");
    }
}
