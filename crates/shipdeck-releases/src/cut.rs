//! Cutting a release, atomically: version bumps and changelog written,
//! committed as `chore(release): …`, tagged with annotated (signed when git
//! config asks) tags — or, on any failure, files, index, branch and tags put
//! back exactly as they were.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository, StatusOptions};
use semver::Version;
use serde::Serialize;
use ts_rs::TS;

use super::changelog;
use super::error::ReleaseError;
use super::files::{bump_package, update_cargo_dependents, CargoBumps, Edits, FileChange};
use super::plan::{plan_with, CommitCache, Context, PlanRequest};
use super::sign::{self, Signer};
use super::ReleasePlan;
use shipdeck_base::config::Config;
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;
use shipdeck_base::plan_digest::{self, PlanDigest};

#[derive(Debug, Clone, Serialize, TS)]
pub struct CutRelease {
    pub package: String,
    pub version: String,
    pub tag: String,
    pub previous_tag: Option<String>,
    pub changelog: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FileDiff {
    pub path: String,
    /// Unified diff of the change.
    pub diff: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CutResult {
    pub dry_run: bool,
    pub branch: String,
    /// The commit the release was planned at (the release commit's parent):
    /// pass it back as `expect_head` to cut exactly what a dry run showed.
    pub head: String,
    /// The release commit (`null` on a dry run).
    pub commit: Option<String>,
    pub message: String,
    pub releases: Vec<CutRelease>,
    pub files: Vec<FileDiff>,
    pub signed_commit: bool,
    pub signed_tags: bool,
    /// The plan's token: a digest of `head`, each package's version and tag
    /// and each file's path and new content. Pass it back as `expect` to
    /// cut exactly what this dry run showed.
    pub expect: String,
}

/// Refuses to release from a state that would surprise: a detached HEAD, a
/// branch other than the release branch, uncommitted changes.
pub(crate) fn preconditions(ctx: &Context<'_>) -> Result<String> {
    let repo = ctx.repo;
    if shipdeck_base::workspace::head_commit(repo)?.is_none() {
        return Err(ReleaseError::NothingToRelease {
            reason: "the repository has no commits yet".into(),
        }
        .into());
    }
    if repo.head_detached()? {
        return Err(ReleaseError::DetachedHead.into());
    }
    repo.signature().map_err(|e| ReleaseError::NoIdentity {
        detail: e.message().to_string(),
    })?;
    let branch = repo.head()?.shorthand().unwrap_or("").to_string();
    if let Some(expected) = &ctx.config.workspace.release_branch {
        if *expected != branch {
            return Err(ReleaseError::WrongBranch {
                expected: expected.clone(),
                actual: branch,
            }
            .into());
        }
    }
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .exclude_submodules(true);
    let statuses = repo.statuses(Some(&mut opts))?;
    let dirty: Vec<String> = statuses
        .iter()
        .filter(|s| !s.status().is_ignored() && s.status() != git2::Status::CURRENT)
        .filter_map(|s| s.path().map(str::to_string))
        .collect();
    if !dirty.is_empty() {
        let mut files = dirty.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        if dirty.len() > 10 {
            files.push_str(&format!(" and {} more", dirty.len() - 10));
        }
        return Err(ReleaseError::DirtyTree { files }.into());
    }
    Ok(branch)
}

fn unified(change: &FileChange) -> String {
    let before = change.before.as_deref().unwrap_or("");
    similar::TextDiff::from_lines(before, &change.after)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{}", change.path), &format!("b/{}", change.path))
        .to_string()
}

/// Everything a cut will do, computed without touching the repository.
struct Prepared {
    plan: ReleasePlan,
    releases: Vec<CutRelease>,
    changes: Vec<FileChange>,
    message: String,
}

fn prepare(
    ctx: &Context<'_>,
    req: &PlanRequest,
    cache: &mut dyn CommitCache,
    progress: Option<&Progress>,
) -> Result<Prepared> {
    let plan = plan_with(ctx, req, cache, progress)?;
    let releasing: Vec<_> = plan
        .packages
        .iter()
        .filter(|p| p.next_version.is_some())
        .collect();
    if releasing.is_empty() {
        let reason = plan
            .packages
            .iter()
            .map(|p| format!("{}: {}", p.name, p.reasons.last().cloned().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ReleaseError::NothingToRelease { reason }.into());
    }
    let mut edits = Edits::default();
    let mut cargo = CargoBumps::new();
    let mut releases = Vec::new();
    for p in &releasing {
        let pkg = ctx
            .packages
            .iter()
            .find(|k| k.name == p.name)
            .expect("planned package exists");
        let version =
            Version::parse(p.next_version.as_deref().expect("releasing")).expect("planned version parses");
        let tag = p.next_tag.clone().expect("releasing");
        if ctx.repo.find_reference(&format!("refs/tags/{tag}")).is_ok() {
            return Err(ReleaseError::TagExists { tag }.into());
        }
        bump_package(ctx.root, pkg, &version, &mut edits, &mut cargo)?;
        let existing = edits.read(ctx.root, &pkg.changelog);
        edits.write(
            ctx.root,
            &pkg.changelog,
            changelog::prepend(existing.as_deref(), &p.changelog),
        );
        releases.push(CutRelease {
            package: p.name.clone(),
            version: version.to_string(),
            tag,
            previous_tag: p.current_tag.clone(),
            changelog: p.changelog.clone(),
        });
    }
    update_cargo_dependents(ctx.root, &cargo, &mut edits)?;
    let title = if releases.len() == 1 && ctx.packages.len() == 1 {
        releases[0].version.clone()
    } else {
        releases
            .iter()
            .map(|r| format!("{} {}", r.package, r.version))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut message = format!("chore(release): {title}\n");
    for p in &releasing {
        if let Some(reason) = &p.override_reason {
            message.push_str(&format!("\nVersion of {} set by hand: {reason}\n", p.name));
        }
    }
    Ok(Prepared {
        plan,
        releases,
        changes: edits.into_changes(),
        message,
    })
}

/// The token of a prepared cut: what it is made on and everything it writes.
fn token(prepared: &Prepared) -> String {
    let mut d = PlanDigest::new("release.cut");
    d.field("head", &prepared.plan.head);
    for r in &prepared.releases {
        d.field("package", &r.package)
            .field("version", &r.version)
            .field("tag", &r.tag);
    }
    for c in &prepared.changes {
        d.field("file", &c.path).content("after", &c.after);
    }
    d.content("message", &prepared.message);
    d.finish()
}

/// Refuses a cut whose plan is not the one the user confirmed: HEAD moved
/// (a commit landed, or another cut ran), the tags differ, or (with a
/// token) anything the dry run showed differs.
fn check_expected(req: &PlanRequest, prepared: &Prepared, token: &str) -> Result<()> {
    if let Some(expected) = req.expect.as_deref() {
        if !plan_digest::same(expected, token) {
            return Err(ReleaseError::PlanChanged {
                detail: format!(
                    "HEAD is {} now and the cut would tag {} (plan {}, previewed {})",
                    &prepared.plan.head[..12.min(prepared.plan.head.len())],
                    prepared
                        .releases
                        .iter()
                        .map(|r| r.tag.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    plan_digest::short(token),
                    plan_digest::short(expected),
                ),
            }
            .into());
        }
    }
    if let Some(expected) = req.expect_head.as_deref().map(str::trim) {
        let head = &prepared.plan.head;
        if expected.is_empty() || !head.starts_with(&expected.to_ascii_lowercase()) {
            return Err(ReleaseError::PlanChanged {
                detail: format!("HEAD is {} now, not {expected}", &head[..12.min(head.len())]),
            }
            .into());
        }
    }
    if let Some(expected) = &req.expect_tags {
        let planned: Vec<&str> = prepared.releases.iter().map(|r| r.tag.as_str()).collect();
        let mut want: Vec<&str> = expected.iter().map(String::as_str).collect();
        let mut have = planned.clone();
        want.sort_unstable();
        have.sort_unstable();
        if want != have {
            return Err(ReleaseError::PlanChanged {
                detail: format!("it releases {}, not {}", planned.join(", "), expected.join(", ")),
            }
            .into());
        }
    }
    Ok(())
}

/// What was there before the cut started writing.
struct Snapshot {
    head: Oid,
    branch_ref: String,
    index: Option<Vec<u8>>,
    files: Vec<(PathBuf, Option<Vec<u8>>)>,
    created_tags: Vec<String>,
}

impl Snapshot {
    fn take(repo: &Repository, root: &Path, changes: &[FileChange]) -> Result<Snapshot> {
        let head = repo.head()?;
        Ok(Snapshot {
            head: head.peel_to_commit()?.id(),
            branch_ref: head.name().unwrap_or("HEAD").to_string(),
            index: std::fs::read(repo.path().join("index")).ok(),
            files: changes
                .iter()
                .map(|c| -> Result<(PathBuf, Option<Vec<u8>>)> {
                    let p = shipdeck_base::workspace::inside(root, "release file", &c.path)?;
                    let bytes = std::fs::read(&p).ok();
                    Ok((p, bytes))
                })
                .collect::<Result<_>>()?,
            created_tags: Vec::new(),
        })
    }

    /// Puts everything back; best effort, reporting what could not be undone.
    fn restore(&self, repo: &Repository) -> Vec<String> {
        let mut problems = Vec::new();
        for tag in &self.created_tags {
            if let Ok(mut r) = repo.find_reference(&format!("refs/tags/{tag}")) {
                if let Err(e) = r.delete() {
                    problems.push(format!("tag {tag}: {e}"));
                }
            }
        }
        if let Err(e) = repo.reference(&self.branch_ref, self.head, true, "release: rolled back") {
            problems.push(format!("{}: {e}", self.branch_ref));
        }
        for (path, bytes) in &self.files {
            let r = match bytes {
                Some(b) => std::fs::write(path, b),
                None => std::fs::remove_file(path).or_else(|e| {
                    if e.kind() == std::io::ErrorKind::NotFound {
                        Ok(())
                    } else {
                        Err(e)
                    }
                }),
            };
            if let Err(e) = r {
                problems.push(format!("{}: {e}", path.display()));
            }
        }
        let index_path = repo.path().join("index");
        let r = match &self.index {
            Some(b) => std::fs::write(&index_path, b),
            None => std::fs::remove_file(&index_path).or(Ok(())),
        };
        if let Err(e) = r {
            problems.push(format!("index: {e}"));
        }
        problems
    }
}

fn apply(ctx: &Context<'_>, prepared: &Prepared, snapshot: &mut Snapshot) -> Result<(Oid, bool, bool)> {
    let repo = ctx.repo;
    for c in &prepared.changes {
        // Checked again at the last moment: a link may have appeared since
        // the plan was made.
        let path = shipdeck_base::workspace::inside(ctx.root, "release file", &c.path)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::write(&path, &c.after).map_err(Error::io("write", &path))?;
    }
    let mut index = repo.index()?;
    for c in &prepared.changes {
        index.add_path(Path::new(&c.path))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = repo.signature().map_err(|e| ReleaseError::NoIdentity {
        detail: e.message().to_string(),
    })?;
    let parent = repo.find_commit(snapshot.head)?;
    let commit_signer = Signer::for_(repo, "commit")?;
    let commit = sign::commit(
        repo,
        commit_signer.as_ref(),
        &sig,
        &prepared.message,
        &tree,
        &[&parent],
    )?;
    repo.reference(
        &snapshot.branch_ref,
        commit,
        true,
        &format!("release: {}", prepared.message.lines().next().unwrap_or("")),
    )?;
    let tag_signer = Signer::for_(repo, "tag")?;
    for r in &prepared.releases {
        let message = format!("Release {} {}\n\n{}", r.package, r.version, r.changelog);
        sign::tag(repo, tag_signer.as_ref(), &r.tag, commit, &sig, &message)?;
        snapshot.created_tags.push(r.tag.clone());
    }
    Ok((commit, commit_signer.is_some(), tag_signer.is_some()))
}

/// Cuts the planned release (or, with `dry_run`, shows what it would do).
pub fn cut(
    repo: &Repository,
    root: &Path,
    config: Option<&Config>,
    req: &PlanRequest,
    dry_run: bool,
    cache: &mut dyn CommitCache,
    progress: Option<&Progress>,
) -> Result<(CutResult, ReleasePlan)> {
    let ctx = Context::new(repo, root, config)?;
    let branch = preconditions(&ctx)?;
    let prepared = prepare(&ctx, req, cache, progress)?;
    let expect = token(&prepared);
    check_expected(req, &prepared, &expect)?;
    let files = prepared
        .changes
        .iter()
        .map(|c| FileDiff {
            path: c.path.clone(),
            diff: unified(c),
        })
        .collect();
    let mut result = CutResult {
        dry_run,
        branch,
        head: prepared.plan.head.clone(),
        commit: None,
        message: prepared.message.clone(),
        releases: prepared.releases.clone(),
        files,
        signed_commit: false,
        signed_tags: false,
        expect,
    };
    if dry_run {
        return Ok((result, prepared.plan));
    }
    if let Some(p) = progress {
        p.checkpoint()?;
    }
    let mut snapshot = Snapshot::take(repo, root, &prepared.changes)?;
    // The release commit goes on top of the commit that was planned, or
    // nowhere.
    if snapshot.head.to_string() != prepared.plan.head {
        return Err(ReleaseError::PlanChanged {
            detail: format!("HEAD moved to {} while planning", snapshot.head),
        }
        .into());
    }
    match apply(&ctx, &prepared, &mut snapshot) {
        Ok((commit, signed_commit, signed_tags)) => {
            result.commit = Some(commit.to_string());
            result.signed_commit = signed_commit;
            result.signed_tags = signed_tags;
            Ok((result, prepared.plan))
        }
        Err(e) => {
            let problems = snapshot.restore(repo);
            let mut cause = e.payload().message;
            if !problems.is_empty() {
                cause.push_str(&format!("; could not undo: {}", problems.join(", ")));
            }
            tracing::warn!(%cause, "release cut failed and was rolled back");
            Err(ReleaseError::RolledBack { cause }.into())
        }
    }
}
