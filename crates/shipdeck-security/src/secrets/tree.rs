//! The working tree: every file `.gitignore` does not exclude, read on every
//! core. Symbolic links are not followed (one may point out of the
//! workspace). When the history is scanned too, a file identical to its
//! committed version is left to the history, and a modified one reports
//! only what its committed version did not hold.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use git2::{ObjectType, Oid, Repository};
use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

use super::detect::{is_binary, Detector, Hit};
use super::history::{subtract, Blob, BlobCache};

struct Entry {
    abs: PathBuf,
    rel: String,
    len: u64,
}

/// What the tree gave: hits per path, and the counters.
#[derive(Default)]
pub(crate) struct TreeScan {
    pub hits: Vec<(String, Hit)>,
    pub files: u64,
    pub bytes: u64,
    pub binary: u64,
    pub large: u64,
    pub ignored: u64,
}

/// HEAD's blobs, to compare working files with.
pub(crate) struct Committed<'a> {
    pub git_dir: PathBuf,
    pub head: HashMap<String, Oid>,
    pub blobs: &'a BlobCache,
}

impl Committed<'_> {
    pub fn of<'a>(root: &Path, blobs: &'a BlobCache) -> Option<Committed<'a>> {
        let repo = Repository::open(root).ok()?;
        let tree = repo.head().ok()?.peel_to_tree().ok()?;
        let mut head = HashMap::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(ObjectType::Blob) {
                head.insert(format!("{dir}{}", e.name().unwrap_or_default()), e.id());
            }
            git2::TreeWalkResult::Ok
        })
        .ok()?;
        Some(Committed {
            git_dir: repo.path().to_path_buf(),
            head,
            blobs,
        })
    }
}

fn list(root: &Path) -> Vec<Entry> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut out = Vec::new();
    for e in walker.flatten() {
        if !e.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let len = e.metadata().map(|m| m.len()).unwrap_or(0);
        out.push(Entry {
            abs: e.path().to_path_buf(),
            rel,
            len,
        });
    }
    out
}

pub(crate) fn scan(
    root: &Path,
    det: &Detector,
    committed: Option<&Committed>,
    max_size: u64,
    progress: &Progress,
) -> Result<TreeScan> {
    progress.report(0, None, "listing files");
    let entries = list(root);
    let total = entries.len() as u64;
    let next = AtomicUsize::new(0);
    let out = Mutex::new(TreeScan::default());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    let repo = committed.and_then(|c| Repository::open(&c.git_dir).ok());
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(e) = entries.get(i) else { return Ok(()) };
                        progress.checkpoint()?;
                        let one = scan_file(e, det, committed, repo.as_ref(), max_size);
                        let mut o = out.lock().unwrap_or_else(|p| p.into_inner());
                        o.add(one, &e.rel);
                        progress.report(i as u64 + 1, Some(total), "scanning files");
                    }
                })
            })
            .collect();
        super::join_workers(workers)
    })?;
    let mut out = out.into_inner().unwrap_or_else(|p| p.into_inner());
    out.hits.sort_by(|a, b| {
        (&a.0, a.1.start_line, a.1.start_column).cmp(&(&b.0, b.1.start_line, b.1.start_column))
    });
    Ok(out)
}

enum FileResult {
    Unread,
    Binary,
    Large,
    Scanned {
        bytes: u64,
        hits: Vec<Hit>,
        ignored: u64,
    },
}

impl TreeScan {
    fn add(&mut self, r: FileResult, rel: &str) {
        match r {
            FileResult::Unread => {}
            FileResult::Binary => self.binary += 1,
            FileResult::Large => self.large += 1,
            FileResult::Scanned { bytes, hits, ignored } => {
                self.files += 1;
                self.bytes += bytes;
                self.ignored += ignored;
                self.hits.extend(hits.into_iter().map(|h| (rel.to_string(), h)));
            }
        }
    }
}

fn scan_file(
    e: &Entry,
    det: &Detector,
    committed: Option<&Committed>,
    repo: Option<&Repository>,
    max_size: u64,
) -> FileResult {
    if det.path_skipped(&e.rel) {
        return FileResult::Unread;
    }
    if e.len > max_size {
        return FileResult::Large;
    }
    // A file that vanished or cannot be read is not the user's secret.
    let Ok(data) = std::fs::read(&e.abs) else {
        return FileResult::Unread;
    };
    if data.len() as u64 > max_size {
        return FileResult::Large;
    }
    if is_binary(&data) {
        return FileResult::Binary;
    }
    let head = committed.and_then(|c| c.head.get(&e.rel).map(|oid| (c, *oid)));
    if let Some((_, oid)) = head {
        if Oid::hash_object(ObjectType::Blob, &data).is_ok_and(|o| o == oid) {
            return FileResult::Unread;
        }
    }
    let mut hits = det.scan(&data);
    match head {
        Some((c, oid)) => {
            let old = c.blobs.get(&oid).map(|b| b.as_ref().clone()).or_else(|| {
                let blob = repo?.find_blob(oid).ok()?;
                Some(Blob::Scanned {
                    bytes: 0,
                    hits: det.scan(blob.content()),
                })
            });
            hits = subtract(&hits, old.as_ref());
        }
        None => hits.extend(det.path_hits(&e.rel)),
    }
    let (hits, ignored) = det.finalize(hits, &e.rel, None);
    FileResult::Scanned {
        bytes: data.len() as u64,
        hits,
        ignored,
    }
}
