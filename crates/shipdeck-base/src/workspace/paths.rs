//! Paths taken from configuration, kept inside the workspace.
//!
//! Every path a user or a repository configures (changelogs, version files,
//! migration folders, generated docs, environment files) is resolved here
//! before anything reads or writes it: symbolic links are followed, and a
//! file that does not exist yet is judged by its nearest existing folder,
//! so `docs -> /elsewhere` cannot smuggle a write out of the workspace.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// `path` as output shows it: relative to `root` (itself when not under
/// it), with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The canonical location of `configured` (relative to `root`, or absolute)
/// when it lies inside the workspace; `key` names the setting in errors.
pub fn inside(root: &Path, key: &str, configured: &str) -> Result<PathBuf> {
    let outside = || Error::PathOutsideWorkspace {
        key: key.to_string(),
        path: configured.to_string(),
    };
    if configured.trim().is_empty() || configured.contains('\0') {
        return Err(outside());
    }
    let real_root = root.canonicalize().map_err(Error::io("resolve", root))?;
    let joined = real_root.join(configured);
    // The nearest ancestor that exists (a dangling link counts: it exists
    // as a link, and canonicalising it below fails, which refuses it).
    let mut existing = joined.as_path();
    let mut tail = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_owned());
                existing = parent;
            }
            // `..` or the root itself: nothing left to resolve safely.
            _ => return Err(outside()),
        }
    }
    let mut real = existing.canonicalize().map_err(|_| outside())?;
    // `file_name` skips `.` and stops at `..`, so the tail is plain names.
    for name in tail.into_iter().rev() {
        real.push(name);
    }
    if !real.starts_with(&real_root) || escapes_lexically(configured) {
        return Err(outside());
    }
    Ok(real)
}

/// Like [`inside`], as a `/`-separated path relative to the workspace
/// (`.` for the top folder): the form git and the store use.
pub fn inside_relative(root: &Path, key: &str, configured: &str) -> Result<String> {
    let real = inside(root, key, configured)?;
    let real_root = root.canonicalize().map_err(Error::io("resolve", root))?;
    let rel = real.strip_prefix(&real_root).unwrap_or(&real);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// `a/../../x` may land back inside once `a` is resolved, but a path that
/// climbs out on paper is refused anyway: it is almost always a mistake,
/// and it would break when the folders move.
fn escapes_lexically(configured: &str) -> bool {
    let path = Path::new(configured);
    if path.is_absolute() {
        return false;
    }
    let mut depth = 0usize;
    for c in path.components() {
        match c {
            Component::ParentDir if depth == 0 => return true,
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<PathBuf>) -> String {
        r.map(|p| p.display().to_string())
            .unwrap_or_else(|e| e.code().to_string())
    }

    #[test]
    fn plain_relative_paths_resolve_under_the_root_even_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            inside(dir.path(), "k", "CHANGELOG.md").unwrap(),
            real.join("CHANGELOG.md")
        );
        assert_eq!(
            inside(dir.path(), "k", "./docs/new/page.md").unwrap(),
            real.join("docs/new/page.md")
        );
        assert_eq!(inside_relative(dir.path(), "k", "./a/./b").unwrap(), "a/b");
        assert_eq!(inside_relative(dir.path(), "k", ".").unwrap(), ".");
    }

    #[test]
    fn parent_escapes_absolute_paths_and_links_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("docs")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("gone"), dir.path().join("dangling")).unwrap();
        for bad in [
            "../outside/CHANGELOG.md",
            "/etc/passwd",
            "docs/domain-model.md",
            "dangling",
            "dangling/x",
            "a/../../x",
            "",
        ] {
            assert_eq!(
                code(inside(dir.path(), "k", bad)),
                "config.path_outside_workspace",
                "{bad}"
            );
        }
    }

    #[test]
    fn absolute_paths_inside_the_workspace_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("VERSION"), "1.0.0").unwrap();
        let abs = dir.path().join("VERSION").display().to_string();
        assert_eq!(inside_relative(dir.path(), "k", &abs).unwrap(), "VERSION");
    }
}
