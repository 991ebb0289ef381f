//! What a commit changed, from its tree and its first parent's: both trees
//! are walked side by side and only subtrees whose id changed are opened.
//! This gives the blob-level result of a tree-to-tree diff (no rename
//! detection, a change of kind split into a deletion and an addition)
//! without building a diff, so without its per-diff setup cost.

use std::cmp::Ordering;
use std::collections::HashSet;

use git2::{FileMode, Oid, Repository, Tree, TreeEntry};
use shipdeck_base::error::Result;

/// A file the commit added or modified: its path, new blob and, when
/// modified, the blob it replaced.
pub(crate) struct Change {
    pub path: String,
    pub new: Oid,
    pub old: Option<Oid>,
}

/// Deeper trees than this are not followed (a hostile repository).
const MAX_DEPTH: usize = 256;

#[derive(Default)]
struct Acc {
    /// (path, new, old) of every added or modified blob.
    changes: Vec<(Vec<u8>, Oid, Option<Oid>)>,
    /// Blobs that disappeared from some path.
    deleted: HashSet<Oid>,
}

/// Added and modified files of `new` against `old` (`None`: an empty
/// tree), in path order. A file that only moved, unchanged, is left out.
pub(crate) fn changes(repo: &Repository, old: Option<Oid>, new: Oid) -> Result<Vec<Change>> {
    let mut acc = Acc::default();
    let new_tree = repo.find_tree(new)?;
    let old_tree = match old {
        Some(o) => Some(repo.find_tree(o)?),
        None => None,
    };
    compare(
        repo,
        old_tree.as_ref(),
        Some(&new_tree),
        &mut Vec::new(),
        &mut acc,
        0,
    )?;
    let Acc { mut changes, deleted } = acc;
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(changes
        .into_iter()
        // A file moved unchanged brings nothing new.
        .filter(|(_, new, old)| old.is_some() || !deleted.contains(new))
        .map(|(path, new, old)| Change {
            path: String::from_utf8_lossy(&path).into_owned(),
            new,
            old,
        })
        .collect())
}

fn is_tree(e: &TreeEntry) -> bool {
    e.filemode() == i32::from(FileMode::Tree)
}

fn is_blob(mode: i32) -> bool {
    mode == i32::from(FileMode::Blob) || mode == i32::from(FileMode::BlobExecutable)
}

/// git's tree order: a subtree sorts as if its name ended with `/`, so a
/// file and a directory of the same name are different entries.
fn order(a: &TreeEntry, b: &TreeEntry) -> Ordering {
    let tail = |e: &TreeEntry| if is_tree(e) { Some(b'/') } else { None };
    let ka = a.name_bytes().iter().copied().chain(tail(a));
    ka.cmp(b.name_bytes().iter().copied().chain(tail(b)))
}

fn compare(
    repo: &Repository,
    old: Option<&Tree>,
    new: Option<&Tree>,
    prefix: &mut Vec<u8>,
    acc: &mut Acc,
    depth: usize,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let olds: Vec<TreeEntry> = old.map(|t| t.iter().collect()).unwrap_or_default();
    let news: Vec<TreeEntry> = new.map(|t| t.iter().collect()).unwrap_or_default();
    let (mut i, mut j) = (0, 0);
    while i < olds.len() || j < news.len() {
        let ord = match (olds.get(i), news.get(j)) {
            (Some(a), Some(b)) => order(a, b),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        let (o, n) = match ord {
            Ordering::Less => (olds.get(i), None),
            Ordering::Greater => (None, news.get(j)),
            Ordering::Equal => (olds.get(i), news.get(j)),
        };
        i += usize::from(ord != Ordering::Greater);
        j += usize::from(ord != Ordering::Less);
        entry(repo, o, n, prefix, acc, depth)?;
    }
    Ok(())
}

/// One name of the merged listing: `o` in the old tree, `n` in the new.
fn entry(
    repo: &Repository,
    o: Option<&TreeEntry>,
    n: Option<&TreeEntry>,
    prefix: &mut Vec<u8>,
    acc: &mut Acc,
    depth: usize,
) -> Result<()> {
    if let (Some(a), Some(b)) = (o, n) {
        if a.id() == b.id() && a.filemode() == b.filemode() {
            return Ok(());
        }
    }
    let name = o.or(n).map(TreeEntry::name_bytes).unwrap_or_default();
    let len = prefix.len();
    prefix.extend_from_slice(name);
    let r = entry_at(repo, o, n, prefix, acc, depth);
    prefix.truncate(len);
    r
}

fn entry_at(
    repo: &Repository,
    o: Option<&TreeEntry>,
    n: Option<&TreeEntry>,
    path: &mut Vec<u8>,
    acc: &mut Acc,
    depth: usize,
) -> Result<()> {
    // Trees on either side (same name, so both are trees when both are).
    let ot = o.filter(|e| is_tree(e));
    let nt = n.filter(|e| is_tree(e));
    if ot.is_some() || nt.is_some() {
        let old_tree = match ot {
            Some(e) => Some(repo.find_tree(e.id())?),
            None => None,
        };
        let new_tree = match nt {
            Some(e) => Some(repo.find_tree(e.id())?),
            None => None,
        };
        path.push(b'/');
        return compare(repo, old_tree.as_ref(), new_tree.as_ref(), path, acc, depth + 1);
    }
    // Both non-trees: same kind (blob, link, submodule) is a modification;
    // a change of kind is a deletion and an addition.
    let same_kind = match (o, n) {
        (Some(a), Some(b)) => {
            is_blob(a.filemode()) == is_blob(b.filemode()) && a.filemode() >> 12 == b.filemode() >> 12
        }
        _ => false,
    };
    if let Some(a) = o {
        if !same_kind {
            acc.deleted.insert(a.id());
        }
    }
    if let Some(b) = n {
        if is_blob(b.filemode()) {
            let old = o.filter(|_| same_kind).map(TreeEntry::id);
            acc.changes.push((path.clone(), b.id(), old));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use git2::{Delta, Oid, Repository};

    use super::changes;

    /// What libgit2's tree-to-tree diff reports for the same commit, read
    /// the way the scanner used to read it.
    fn by_diff(repo: &Repository, old: Option<Oid>, new: Oid) -> Vec<(String, Oid, Option<Oid>)> {
        let old = old.map(|o| repo.find_tree(o).unwrap());
        let new = repo.find_tree(new).unwrap();
        let diff = repo.diff_tree_to_tree(old.as_ref(), Some(&new), None).unwrap();
        let deleted: std::collections::HashSet<Oid> = diff
            .deltas()
            .filter(|d| d.status() == Delta::Deleted)
            .map(|d| d.old_file().id())
            .collect();
        let mut out = Vec::new();
        for d in diff.deltas() {
            let f = d.new_file();
            if !matches!(f.mode(), git2::FileMode::Blob | git2::FileMode::BlobExecutable) {
                continue;
            }
            let old = match d.status() {
                Delta::Added if deleted.contains(&f.id()) => continue,
                Delta::Added => None,
                Delta::Modified | Delta::Typechange => Some(d.old_file().id()),
                _ => continue,
            };
            let path = String::from_utf8_lossy(f.path_bytes().unwrap()).into_owned();
            out.push((path, f.id(), old));
        }
        out
    }

    /// Builds a tree from (path, content, mode) entries.
    fn tree(repo: &Repository, files: &[(&str, &str, i32)]) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for &(path, content, mode) in files {
            let id = repo.blob(content.as_bytes()).unwrap();
            let mut e = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: mode as u32,
                uid: 0,
                gid: 0,
                file_size: 0,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            e.flags = (path.len().min(0xfff)) as u16;
            index.add(&e).unwrap();
        }
        index.write_tree_to(repo).unwrap()
    }

    #[test]
    fn same_changes_as_a_tree_diff() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let (b, x, l) = (0o100_644, 0o100_755, 0o120_000);
        let states: Vec<Vec<(&str, &str, i32)>> = vec![
            vec![
                ("a.txt", "one", b),
                ("d/e/f.txt", "deep", b),
                ("d/g.txt", "g", b),
                ("a-b", "dash", b),
            ],
            // modify deep, add nested, mode change, link added
            vec![
                ("a.txt", "one", x),
                ("d/e/f.txt", "deeper", b),
                ("d/g.txt", "g", b),
                ("d/h/i/j.txt", "new", b),
                ("a-b", "dash", b),
                ("ln", "a.txt", l),
            ],
            // move unchanged, file becomes a directory, link becomes a file
            vec![
                ("a.txt", "one", x),
                ("moved/f.txt", "deeper", b),
                ("d/g.txt/inner", "g", b),
                ("d/h/i/j.txt", "new", b),
                ("a-b/c", "dash2", b),
                ("ln", "now a file", b),
            ],
            // directory becomes a file again, everything else deleted
            vec![("d", "was a dir", b), ("z.txt", "deeper", b)],
            vec![],
            vec![("again.txt", "one", b)],
        ];
        let trees: Vec<Oid> = states.iter().map(|s| tree(&repo, s)).collect();
        let mut pairs = vec![(None, trees[0])];
        for w in trees.windows(2) {
            pairs.push((Some(w[0]), w[1]));
        }
        pairs.push((Some(trees[3]), trees[1]));
        let mut compared = 0;
        for (old, new) in pairs {
            let ours: Vec<_> = changes(&repo, old, new)
                .unwrap()
                .into_iter()
                .map(|c| (c.path, c.new, c.old))
                .collect();
            let theirs = by_diff(&repo, old, new);
            assert_eq!(ours, theirs, "{old:?} -> {new:?}");
            compared += theirs.len();
        }
        assert!(compared > 10, "{compared}");
    }
}
