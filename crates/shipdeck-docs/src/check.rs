//! The check itself: each page parsed, its links resolved, its references
//! dated against the history.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use shipdeck_base::jobs::Progress;

use crate::history::History;
use crate::model::*;
use crate::target::{classify, code_span_path, Target};
use crate::{find, links, parse, slug, CheckOptions, MAX_PAGE_BYTES};

/// At most this many external links are kept (all pages together).
const MAX_EXTERNAL: usize = 50_000;

/// At most this many commits are listed per stale page.
const MAX_STALE_COMMITS: usize = 50;

/// Checks the pages under `root`.
pub fn check(
    root: &Path,
    opts: &CheckOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<DocsReport> {
    let root = root
        .canonicalize()
        .map_err(shipdeck_base::error::Error::io("read", root))?;
    let pages = find::pages(&root, &opts.globs, progress)?;
    let history = History::open(&root, progress)?;
    let mut ctx = Ctx {
        root: &root,
        anchors: HashMap::new(),
        external: Vec::new(),
    };
    let mut docs = Vec::with_capacity(pages.len());
    let mut skipped = Vec::new();
    for (i, path) in pages.iter().enumerate() {
        progress.checkpoint()?;
        progress.report(i as u64, Some(pages.len() as u64), path);
        let Some(text) = read_page(&root.join(path)) else {
            skipped.push(Skipped {
                path: path.clone(),
                reason: format!("unreadable or larger than {MAX_PAGE_BYTES} bytes"),
            });
            continue;
        };
        let page = parse::parse(&text);
        let (refs, broken) = ctx.links(path, &page);
        docs.push(dated(
            path,
            refs,
            broken,
            history.as_ref(),
            opts.reviews.get(path),
        ));
    }
    if let Some(lo) = &opts.links {
        external(&mut docs, std::mem::take(&mut ctx.external), lo, progress)?;
    }
    docs.sort_by(|a, b| b.stale.cmp(&a.stale).then_with(|| a.path.cmp(&b.path)));
    let summary = Summary {
        docs: docs.len(),
        stale: docs.iter().filter(|d| d.stale).count(),
        broken_links: docs.iter().map(|d| d.broken_links.len()).sum(),
    };
    let failed =
        (opts.fail_on.stale && summary.stale > 0) || (opts.fail_on.broken && summary.broken_links > 0);
    let passed = !failed;
    Ok(DocsReport {
        docs,
        summary,
        passed,
        skipped,
    })
}

/// Asks for every distinct external URL and adds the broken ones to their
/// pages, in line order.
fn external(
    docs: &mut [DocResult],
    found: Vec<(String, usize, String)>,
    opts: &links::LinkOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<()> {
    let urls: Vec<String> = found
        .iter()
        .map(|(_, _, u)| u.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let verdicts = links::check(&urls, opts, progress)?;
    let index: HashMap<String, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path.clone(), i))
        .collect();
    for (page, line, url) in found {
        let (Some(Some((reason, detail))), Some(&i)) = (verdicts.get(&url), index.get(&page)) else {
            continue;
        };
        docs[i].broken_links.push(BrokenLink {
            line,
            target: url,
            reason: *reason,
            detail: detail.clone(),
        });
    }
    for d in docs.iter_mut() {
        d.broken_links.sort_by_key(|b| b.line);
    }
    Ok(())
}

/// A page's anchors: its headings' slugs and the anchors set in HTML.
fn anchors_of(page: &parse::Page) -> HashSet<String> {
    let mut set = slug::anchors(page.headings.iter().map(String::as_str));
    set.extend(page.html_anchors.iter().cloned());
    set
}

fn is_git(path: &str) -> bool {
    path == ".git" || path.starts_with(".git/")
}

fn read_page(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_PAGE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

struct Ctx<'a> {
    root: &'a Path,
    /// Anchors of each Markdown page read so far (`None`: unreadable).
    anchors: HashMap<String, Option<HashSet<String>>>,
    /// External links seen: page, line, URL as written.
    external: Vec<(String, usize, String)>,
}

impl Ctx<'_> {
    /// The references of `page` (at `path`) and its broken links.
    fn links(&mut self, path: &str, page: &parse::Page) -> (Vec<(String, RefKind, String)>, Vec<BrokenLink>) {
        self.anchors
            .entry(path.to_string())
            .or_insert_with(|| Some(anchors_of(page)));
        let mut refs = BTreeSet::new();
        let mut broken = Vec::new();
        let images = page.images.iter().map(|(l, d)| (l, d, true));
        for (line, dest, is_image) in page.links.iter().map(|(l, d)| (l, d, false)).chain(images) {
            let bad = |reason, detail: &str| BrokenLink {
                line: *line,
                target: dest.clone(),
                reason,
                detail: detail.to_string(),
            };
            match classify(path, dest) {
                Target::External(url) => {
                    if self.external.len() < MAX_EXTERNAL {
                        self.external.push((path.to_string(), *line, url));
                    }
                }
                Target::Other => {}
                Target::Outside => broken.push(bad(Reason::MissingFile, "leaves the workspace")),
                Target::Local { path: target, anchor } => {
                    if find::existing(self.root, &target).is_none() {
                        broken.push(bad(Reason::MissingFile, "no such file or folder"));
                        continue;
                    }
                    // Images, the page itself, the whole workspace and git's
                    // own files are not code it documents.
                    if !is_image && target != path && !target.is_empty() && !is_git(&target) {
                        refs.insert((dest.clone(), RefKind::Link, target.clone()));
                    }
                    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                        if self.missing_anchor(&target, &a) {
                            broken.push(bad(
                                Reason::MissingAnchor,
                                &format!("no heading of {target} has the anchor #{a}"),
                            ));
                        }
                    }
                }
            }
        }
        for (_, span) in &page.code_spans {
            let named = code_span_path(span)
                .filter(|p| p != path && !is_git(p) && find::existing(self.root, p).is_some());
            if let Some(p) = named {
                refs.insert((span.clone(), RefKind::CodeSpan, p));
            }
        }
        broken.sort_by_key(|b| b.line);
        (refs.into_iter().collect(), broken)
    }

    /// Whether `anchor` matches no heading of the Markdown page `file`;
    /// anchors into other files (`src/x.rs#L3`) are not checked.
    fn missing_anchor(&mut self, file: &str, anchor: &str) -> bool {
        if !find::is_markdown(Path::new(file)) {
            return false;
        }
        let root = self.root;
        let set = self.anchors.entry(file.to_string()).or_insert_with(|| {
            let real = find::existing(root, file)?;
            let text = read_page(&real)?;
            let page = parse::parse(&text);
            Some(anchors_of(&page))
        });
        match set {
            Some(s) => !s.contains(anchor) && !s.contains(&anchor.to_lowercase()),
            None => false,
        }
    }
}

/// A page's references dated against the history: stale when one changed
/// after the page's last commit (or its recorded review, when later).
fn dated(
    path: &str,
    refs: Vec<(String, RefKind, String)>,
    broken_links: Vec<BrokenLink>,
    history: Option<&History>,
    review: Option<&Review>,
) -> DocResult {
    let last = history.and_then(|h| h.last(path));
    let since = match (last, review.and_then(|r| history?.index_of(&r.commit))) {
        (Some(l), Some(r)) => Some(l.min(r)),
        (l, r) => l.or(r),
    };
    let mut newer_all: BTreeSet<usize> = BTreeSet::new();
    let mut changed_paths: BTreeMap<String, ()> = BTreeMap::new();
    let references = refs
        .into_iter()
        .map(|(target, kind, p)| {
            let newer = match (history, since) {
                (Some(h), Some(s)) => h.newer(&p, s),
                _ => BTreeSet::new(),
            };
            if !newer.is_empty() {
                changed_paths.insert(p.clone(), ());
            }
            newer_all.extend(&newer);
            Reference {
                target,
                kind,
                changed_since_doc: newer.len(),
                path: p,
            }
        })
        .collect();
    let stale = !newer_all.is_empty();
    let (stale_commits, suggested_update) = match (history, stale) {
        (Some(h), true) => suggest(h, &newer_all, changed_paths.into_keys().collect()),
        _ => (Vec::new(), None),
    };
    DocResult {
        path: path.to_string(),
        last_changed: last.and_then(|i| history.map(|h| h.commit(i).date.clone())),
        stale,
        references,
        broken_links,
        stale_commits,
        suggested_update,
        reviewed: review.cloned(),
    }
}

/// The commits that made a page stale and their diff stat in `files`.
fn suggest(
    h: &History,
    commits: &BTreeSet<usize>,
    files: Vec<String>,
) -> (Vec<CommitInfo>, Option<SuggestedUpdate>) {
    let listed: Vec<usize> = commits.iter().copied().take(MAX_STALE_COMMITS).collect();
    let mut update = SuggestedUpdate::default();
    for &i in &listed {
        if let Some((f, ins, del)) = h.stat(i, &files) {
            update.files_changed += f;
            update.insertions += ins;
            update.deletions += del;
        }
    }
    update.files = files;
    (
        listed.iter().map(|&i| h.commit(i).clone()).collect(),
        Some(update),
    )
}
