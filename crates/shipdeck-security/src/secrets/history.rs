//! Every commit of every ref (like `git log --all`): each commit is compared
//! with its first parent, each distinct blob is read once (in parallel), and
//! a secret counts only in the commit whose change brought it in.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use git2::{Oid, Repository, Sort};
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;

use super::detect::{is_binary, Detector, Hit};
use super::treediff::{self, Change};
use crate::error::SecurityError;

/// What reading one blob gave.
#[derive(Debug, Clone)]
pub(crate) enum Blob {
    Scanned { bytes: u64, hits: Vec<Hit> },
    Binary,
    Large,
}

pub(crate) type BlobCache = HashMap<Oid, Arc<Blob>>;

/// Who and when, for a finding's commit fields.
#[derive(Debug, Clone)]
pub(crate) struct CommitMeta {
    pub id: String,
    pub author: String,
    pub email: String,
    pub date: String,
    pub message: String,
}

struct CommitWork {
    meta: CommitMeta,
    changes: Vec<Change>,
}

/// One attributed hit, ready to become a finding.
pub(crate) struct Attributed {
    pub hit: Hit,
    pub path: String,
    pub commit: Arc<CommitMeta>,
}

pub(crate) struct HistoryScan {
    pub attributed: Vec<Attributed>,
    pub ignored: u64,
    pub commits: u64,
    pub blobs: BlobCache,
}

/// Scans the history of the repository at `root`; `None` when `root` is
/// not a git repository.
pub(crate) fn scan(
    root: &Path,
    det: &Detector,
    since: Option<&str>,
    max_size: u64,
    progress: &Progress,
) -> Result<Option<HistoryScan>> {
    let repo = match Repository::open(root) {
        Ok(r) => r,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let commits = walk(&repo, det, since, progress)?;
    let commits = with_changes(repo.path(), commits, progress)?;
    let mut wanted = Vec::new();
    let mut seen = HashSet::new();
    for c in &commits {
        for ch in &c.changes {
            for oid in std::iter::once(ch.new).chain(ch.old) {
                if seen.insert(oid) {
                    wanted.push(oid);
                }
            }
        }
    }
    let blobs = read_blobs(repo.path(), &wanted, det, max_size, progress)?;
    let mut out = HistoryScan {
        attributed: Vec::new(),
        ignored: 0,
        commits: commits.len() as u64,
        blobs,
    };
    for c in commits {
        let meta = Arc::new(c.meta);
        for ch in c.changes {
            let (hits, ignored) = new_hits(det, &out.blobs, &ch, &meta.id);
            out.ignored += ignored;
            out.attributed.extend(hits.into_iter().map(|hit| Attributed {
                hit,
                path: ch.path.clone(),
                commit: meta.clone(),
            }));
        }
    }
    Ok(Some(out))
}

/// Hits of the new version not already in the old one (same rule and
/// secret, counted), after allowlists.
fn new_hits(det: &Detector, blobs: &BlobCache, ch: &Change, commit: &str) -> (Vec<Hit>, u64) {
    let Some(Blob::Scanned { hits, .. }) = blobs.get(&ch.new).map(|b| b.as_ref()) else {
        return (Vec::new(), 0);
    };
    let mut hits = subtract(hits, ch.old.and_then(|o| blobs.get(&o)).map(|b| b.as_ref()));
    if ch.old.is_none() {
        hits.extend(det.path_hits(&ch.path));
    }
    det.finalize(hits, &ch.path, Some(commit))
}

/// `new` minus the (rule, secret) pairs `old` already held.
pub(crate) fn subtract(new: &[Hit], old: Option<&Blob>) -> Vec<Hit> {
    let Some(Blob::Scanned { hits: old, .. }) = old else {
        return new.to_vec();
    };
    let mut present: HashMap<(usize, u64), usize> = HashMap::new();
    for h in old {
        *present.entry((h.rule, h.key)).or_default() += 1;
    }
    new.iter()
        .filter(|h| match present.get_mut(&(h.rule, h.key)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

fn revwalk<'r>(repo: &'r Repository, since: Option<&str>) -> Result<git2::Revwalk<'r>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    for r in repo.references()?.flatten() {
        if let Ok(c) = r.peel_to_commit() {
            walk.push(c.id())?;
        }
    }
    if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
        walk.push(head.id())?;
    }
    if let Some(rev) = since {
        let bad = |e: git2::Error| -> Error {
            SecurityError::BadRevision {
                rev: rev.to_string(),
                reason: e.message().to_string(),
            }
            .into()
        };
        let c = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(bad)?;
        walk.hide(c.id())?;
    }
    Ok(walk)
}

/// A commit to compare: its tree and its first parent's (`None` for a
/// root commit; no tree at all for a commit not compared).
struct Pending {
    meta: CommitMeta,
    trees: Option<(Option<Oid>, Oid)>,
}

fn walk(repo: &Repository, det: &Detector, since: Option<&str>, progress: &Progress) -> Result<Vec<Pending>> {
    let oids: Vec<Oid> = match revwalk(repo, since) {
        Ok(w) => w.collect::<std::result::Result<_, _>>()?,
        // An empty repository: no commits yet.
        Err(Error::Git(e)) if e.code() == git2::ErrorCode::UnbornBranch => Vec::new(),
        Err(e) => return Err(e),
    };
    let total = oids.len() as u64;
    let mut out = Vec::with_capacity(oids.len());
    for (i, oid) in oids.into_iter().enumerate() {
        progress.checkpoint()?;
        if i.is_multiple_of(256) {
            progress.report(i as u64, Some(total), "reading history");
        }
        let commit = repo.find_commit(oid)?;
        let meta = meta_of(&commit);
        // Merges are not compared (as `git log -p` without -m): their
        // changes were attributed to the commits that made them.
        let trees = if commit.parent_count() > 1 || det.commit_skipped(&meta.id) {
            None
        } else {
            let parent = match commit.parent(0) {
                Ok(p) => Some(p.tree_id()),
                Err(_) => None,
            };
            Some((parent, commit.tree_id()))
        };
        out.push(Pending { meta, trees });
    }
    Ok(out)
}

/// Compares every pending commit with its parent, on every core, each
/// thread with its own handle on the repository.
fn with_changes(git_dir: &Path, pending: Vec<Pending>, progress: &Progress) -> Result<Vec<CommitWork>> {
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<Option<Vec<Change>>>> = pending.iter().map(|_| Mutex::new(None)).collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    let repo = Repository::open(git_dir)?;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(p) = pending.get(i) else { return Ok(()) };
                        progress.checkpoint()?;
                        let changes = match p.trees {
                            Some((old, new)) => treediff::changes(&repo, old, new)?,
                            None => Vec::new(),
                        };
                        *done[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(changes);
                    }
                })
            })
            .collect();
        super::join_workers(workers)
    })?;
    Ok(pending
        .into_iter()
        .zip(done)
        .map(|(p, d)| CommitWork {
            meta: p.meta,
            changes: d
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_default(),
        })
        .collect())
}

fn meta_of(c: &git2::Commit) -> CommitMeta {
    let author = c.author();
    let date = chrono::DateTime::from_timestamp(author.when().seconds(), 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    CommitMeta {
        id: c.id().to_string(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        date,
        message: String::from_utf8_lossy(c.message_bytes()).trim_end().to_string(),
    }
}

/// Reads and scans `wanted` on every core, each thread with its own handle
/// on the repository.
fn read_blobs(
    git_dir: &Path,
    wanted: &[Oid],
    det: &Detector,
    max_size: u64,
    progress: &Progress,
) -> Result<BlobCache> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let cache = Mutex::new(BlobCache::with_capacity(wanted.len()));
    let total = wanted.len() as u64;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    let repo = Repository::open(git_dir)?;
                    let odb = repo.odb()?;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&oid) = wanted.get(i) else { return Ok(()) };
                        progress.checkpoint()?;
                        let blob = read_blob(&odb, oid, det, max_size)?;
                        cache
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(oid, Arc::new(blob));
                        let n = done.fetch_add(1, Ordering::Relaxed) as u64 + 1;
                        progress.report(n, Some(total), "scanning history");
                    }
                })
            })
            .collect();
        super::join_workers(workers)
    })?;
    Ok(cache.into_inner().unwrap_or_else(|e| e.into_inner()))
}

fn read_blob(odb: &git2::Odb, oid: Oid, det: &Detector, max_size: u64) -> Result<Blob> {
    let (size, _) = odb.read_header(oid)?;
    if size as u64 > max_size {
        return Ok(Blob::Large);
    }
    let obj = odb.read(oid)?;
    let data = obj.data();
    if is_binary(data) {
        return Ok(Blob::Binary);
    }
    Ok(Blob::Scanned {
        bytes: data.len() as u64,
        hits: det.scan(data),
    })
}
