//! Rolling a release back, never rewriting pushed history:
//!
//! * **not pushed** (the tag is not on the remote): delete the tag; if the
//!   release commit is the branch tip, move the branch back to its parent,
//!   else add a commit reverting the release commit;
//! * **pushed**: add one commit reverting every change released in that
//!   version (`previous tag..tag`, changelog files excepted so history keeps
//!   its entry), then cut the next patch version, whose changelog says what
//!   was rolled back and why. The forge release is marked as rolled back by
//!   the caller when a token is configured.

use std::path::Path;

use git2::{build::CheckoutBuilder, Oid, Repository, ResetType};
use semver::Version;
use serde::Serialize;
use ts_rs::TS;

use super::changelog;
use super::error::ReleaseError;
use super::files::{bump_package, update_cargo_dependents, CargoBumps, Edits};
use super::packages::Package;
use super::plan::Context;
use super::sign::{self, Signer};
use shipdeck_base::config::Config;
use shipdeck_base::error::Result;

/// What to roll back, as the app and the CLI ask for it.
#[derive(Debug, Clone, serde::Deserialize, TS)]
pub struct RollbackRequest {
    /// The package (the only one when None).
    pub package: Option<String>,
    pub version: String,
    /// Why; recorded in the revert commit, the audit log and the forge.
    pub reason: String,
    /// The tag never left this machine: skip asking the remote.
    pub not_pushed: bool,
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RollbackResult {
    pub dry_run: bool,
    pub package: String,
    pub version: String,
    pub tag: String,
    /// Whether the tag was found on the remote.
    pub pushed: bool,
    /// What was (or, on a dry run, would be) done, in order.
    pub steps: Vec<String>,
    /// The revert commit, when one was made.
    pub revert_commit: Option<String>,
    /// The patch release cut after a pushed rollback.
    pub new_version: Option<String>,
    pub new_tag: Option<String>,
}

fn find_package<'c>(ctx: &'c Context<'_>, name: Option<&str>) -> Result<&'c Package> {
    let idx = ctx.select(&name.map(|n| vec![n.to_string()]).unwrap_or_default())?;
    if name.is_none() && ctx.packages.len() > 1 {
        return Err(ReleaseError::UnknownPackage {
            name: "(none given)".into(),
            known: ctx
                .packages
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into());
    }
    Ok(&ctx.packages[idx[0]])
}

/// Whether the remote has `tag`. No remote at all means "not pushed".
pub fn remote_has_tag(repo: &Repository, remote_name: &str, tag: &str) -> Result<bool> {
    if repo.find_remote(remote_name).is_err() {
        return Ok(false);
    }
    let target = super::publish::push_target(repo, remote_name)?;
    // A remote on this machine is read directly: listing an empty remote
    // through a connection trips a precondition in libgit2's bindings.
    let local = target.strip_prefix("file://").unwrap_or(&target);
    if Path::new(local).is_dir() {
        if let Ok(bare) = Repository::open(local) {
            return Ok(bare.find_reference(&format!("refs/tags/{tag}")).is_ok());
        }
    }
    shipdeck_base::tls::ensure_ca_loaded();
    let mut remote = repo.remote_anonymous(&target)?;
    let git_config = repo.config()?;
    let mut callbacks = git2::RemoteCallbacks::new();
    let mut attempts = 0;
    callbacks.credentials(move |url, user, allowed| {
        attempts += 1;
        if attempts > 2 {
            return Err(git2::Error::from_str("authentication failed"));
        }
        if allowed.contains(git2::CredentialType::USER_PASS_PLAINTEXT) {
            return git2::Cred::credential_helper(&git_config, url, user);
        }
        git2::Cred::ssh_key_from_agent(user.unwrap_or("git"))
    });
    let conn = remote
        .connect_auth(git2::Direction::Fetch, Some(callbacks), None)
        .map_err(|e| ReleaseError::RemoteUnreachable {
            remote: remote_name.to_string(),
            tag: tag.to_string(),
            detail: shipdeck_base::secrets::redact(e.message()).into_owned(),
        })?;
    let want = format!("refs/tags/{tag}");
    Ok(conn.list()?.iter().any(|h| h.name() == want))
}

/// Rolls back `version` of a package (the only one when `package` is None).
#[allow(clippy::too_many_arguments)]
pub fn rollback(
    repo: &Repository,
    root: &Path,
    config: Option<&Config>,
    package: Option<&str>,
    version: &str,
    reason: &str,
    pushed: Option<bool>,
    dry_run: bool,
) -> Result<RollbackResult> {
    let ctx = Context::new(repo, root, config)?;
    let pkg = find_package(&ctx, package)?;
    let version =
        Version::parse(version.trim_start_matches('v')).map_err(|e| ReleaseError::InvalidVersion {
            value: version.into(),
            detail: e.to_string(),
        })?;
    if reason.trim().is_empty() {
        return Err(ReleaseError::OverrideNeedsReason.into());
    }
    let tag = pkg.tag(&version);
    let release = repo
        .revparse_single(&format!("refs/tags/{tag}"))
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| ReleaseError::NotFound {
            package: pkg.name.clone(),
            version: version.to_string(),
            tag: tag.clone(),
        })?;
    super::cut::preconditions(&ctx)?;
    let remote = ctx
        .config
        .release
        .remote
        .clone()
        .unwrap_or_else(|| "origin".into());
    let pushed = match pushed {
        Some(p) => p,
        None => remote_has_tag(repo, &remote, &tag)?,
    };
    let head = repo.head()?.peel_to_commit()?;
    let mut result = RollbackResult {
        dry_run,
        package: pkg.name.clone(),
        version: version.to_string(),
        tag: tag.clone(),
        pushed,
        steps: Vec::new(),
        revert_commit: None,
        new_version: None,
        new_tag: None,
    };
    let rb = Rollback {
        repo,
        root,
        pkg,
        version,
        reason,
        tag,
        release,
        head,
    };
    if pushed {
        roll_back_pushed(&rb, &mut result, dry_run)?;
    } else {
        roll_back_local(&rb, &mut result, dry_run)?;
    }
    Ok(result)
}

/// What every rollback step needs to know.
struct Rollback<'r> {
    repo: &'r Repository,
    root: &'r Path,
    pkg: &'r Package,
    version: Version,
    reason: &'r str,
    tag: String,
    release: git2::Commit<'r>,
    head: git2::Commit<'r>,
}

/// The tag never left this machine: delete it, and move the branch back or
/// revert the release commit.
fn roll_back_local(rb: &Rollback<'_>, result: &mut RollbackResult, dry_run: bool) -> Result<()> {
    let Rollback {
        repo,
        reason,
        tag,
        release,
        head,
        ..
    } = rb;
    result.steps.push(format!("delete the local tag {tag}"));
    let at_tip = head.id() == release.id();
    if at_tip {
        result.steps.push(format!(
            "move the branch back to {} (the commit before the release)",
            short(release.parent_id(0)?)
        ));
    } else {
        result.steps.push(format!(
            "commit a revert of the release commit {}",
            short(release.id())
        ));
    }
    if dry_run {
        return Ok(());
    }
    repo.find_reference(&format!("refs/tags/{tag}"))?.delete()?;
    if at_tip {
        let parent = release.parent(0)?;
        repo.reset(parent.as_object(), ResetType::Hard, None)?;
    } else {
        let index = repo.revert_commit(release, head, 0, None)?;
        let oid = commit_index(
            repo,
            index,
            &format!(
                "revert: {}\n\nThis reverts commit {}.\n\nRolled back: {reason}\n",
                release.summary().unwrap_or("release"),
                release.id()
            ),
            tag,
        )?;
        result.revert_commit = Some(oid.to_string());
    }
    Ok(())
}

/// Pushed: revert what the version released, then cut a patch release.
fn roll_back_pushed(rb: &Rollback<'_>, result: &mut RollbackResult, dry_run: bool) -> Result<()> {
    let (repo, pkg, version, tag) = (rb.repo, rb.pkg, &rb.version, &rb.tag);
    let previous = previous_release(repo, pkg, version)?;
    let new_version = Version::new(version.major, version.minor, version.patch + 1);
    let new_tag = pkg.tag(&new_version);
    if repo.find_reference(&format!("refs/tags/{new_tag}")).is_ok() {
        return Err(ReleaseError::TagExists { tag: new_tag }.into());
    }
    result.steps.push(match &previous {
        Some((prev_tag, _)) => format!(
            "commit a revert of every change released in {tag} ({prev_tag}..{tag}), keeping the changelog"
        ),
        None => format!("commit a revert of every change up to {tag}, keeping the changelog"),
    });
    result.steps.push(format!(
        "cut {new_version} (tag {new_tag}) noting the rollback in {}",
        pkg.changelog
    ));
    result.steps.push(format!(
        "mark the forge release {tag} as rolled back (when a forge token is configured)"
    ));
    result
        .steps
        .push("history is not rewritten: publish the new release to push both commits".into());
    result.new_version = Some(new_version.to_string());
    result.new_tag = Some(new_tag.clone());
    if dry_run {
        return Ok(());
    }
    let revert = revert_released(rb, previous.as_ref())?;
    result.revert_commit = Some(revert.to_string());
    cut_rollback_patch(rb, revert, &new_version, &new_tag)
}

/// One commit reverting every change released in the version
/// (`previous..tag`), keeping the changelog as HEAD has it.
fn revert_released(rb: &Rollback<'_>, previous: Option<&(String, Oid)>) -> Result<Oid> {
    let (repo, pkg, version, tag, reason) = (rb.repo, rb.pkg, &rb.version, &rb.tag, rb.reason);
    let from = previous.map(|(_, oid)| *oid);
    let released_tree = rb.release.tree()?;
    let base_tree = match from {
        Some(oid) => Some(repo.find_commit(oid)?.tree()?),
        None => None,
    };
    let diff = repo.diff_tree_to_tree(Some(&released_tree), base_tree.as_ref(), None)?;
    let head_tree = rb.head.tree()?;
    let mut index = repo.apply_to_tree(&head_tree, &diff, None).map_err(|e| {
        let files: Vec<String> = diff
            .deltas()
            .filter_map(|d| d.new_file().path().map(|p| p.display().to_string()))
            .take(10)
            .collect();
        ReleaseError::RollbackConflict {
            version: version.to_string(),
            files: format!("{} ({})", files.join(", "), e.message()),
        }
    })?;
    // Keep the changelog's history: it stays as HEAD has it.
    let changelog_path = Path::new(&pkg.changelog);
    match head_tree.get_path(changelog_path) {
        Ok(entry) => index.add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: entry.filemode() as u32,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: entry.id(),
            flags: 0,
            flags_extended: 0,
            path: pkg.changelog.as_bytes().to_vec(),
        })?,
        Err(_) => {
            let _ = index.remove_path(changelog_path);
        }
    }
    let revert = commit_index(repo, index, &format!(
        "revert: roll back {} {version}\n\nReverts the changes released in {tag}{}.\n\nRolled back: {reason}\n",
        pkg.name,
        previous.map(|(p, _)| format!(" ({p}..{tag})")).unwrap_or_default(),
    ), tag)?;
    Ok(revert)
}

/// The patch release on top of the revert: versions, changelog, commit, tag.
fn cut_rollback_patch(rb: &Rollback<'_>, revert: Oid, new_version: &Version, new_tag: &str) -> Result<()> {
    let (repo, root, pkg, version, reason) = (rb.repo, rb.root, rb.pkg, &rb.version, rb.reason);
    let mut edits = Edits::default();
    let mut cargo = CargoBumps::new();
    bump_package(root, pkg, new_version, &mut edits, &mut cargo)?;
    update_cargo_dependents(root, &cargo, &mut edits)?;
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let section =
        format!("## [{new_version}] - {date}\n\n### Removed\n\n- Rolled back {version}: {reason}\n");
    let existing = edits.read(root, &pkg.changelog);
    edits.write(
        root,
        &pkg.changelog,
        changelog::prepend(existing.as_deref(), &section),
    );
    let mut index = repo.index()?;
    for c in edits.into_changes() {
        let path = shipdeck_base::workspace::inside(root, "release file", &c.path)?;
        std::fs::write(&path, &c.after).map_err(shipdeck_base::error::Error::io("write", &path))?;
        index.add_path(Path::new(&c.path))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = repo.signature().map_err(|e| ReleaseError::NoIdentity {
        detail: e.message().to_string(),
    })?;
    let parent = repo.find_commit(revert)?;
    let message = format!("chore(release): {new_version}\n\nRolls back {version}: {reason}\n");
    let commit = sign::commit(
        repo,
        Signer::for_(repo, "commit")?.as_ref(),
        &sig,
        &message,
        &tree,
        &[&parent],
    )?;
    let branch = repo.head()?.name().unwrap_or("HEAD").to_string();
    repo.reference(&branch, commit, true, "release: rollback patch")?;
    sign::tag(
        repo,
        Signer::for_(repo, "tag")?.as_ref(),
        new_tag,
        commit,
        &sig,
        &format!("Release {} {new_version}\n\n{section}", pkg.name),
    )?;
    Ok(())
}

fn short(oid: Oid) -> String {
    oid.to_string()[..7].to_string()
}

/// Commits a merged index on top of HEAD and updates the working tree.
fn commit_index(repo: &Repository, mut index: git2::Index, message: &str, tag: &str) -> Result<Oid> {
    if index.has_conflicts() {
        let files: Vec<String> = index
            .conflicts()?
            .filter_map(|c| c.ok())
            .filter_map(|c| {
                c.our
                    .or(c.their)
                    .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            })
            .take(10)
            .collect();
        return Err(ReleaseError::RollbackConflict {
            version: tag.to_string(),
            files: files.join(", "),
        }
        .into());
    }
    let tree = repo.find_tree(index.write_tree_to(repo)?)?;
    let head = repo.head()?.peel_to_commit()?;
    let sig = repo.signature().map_err(|e| ReleaseError::NoIdentity {
        detail: e.message().to_string(),
    })?;
    let oid = sign::commit(
        repo,
        Signer::for_(repo, "commit")?.as_ref(),
        &sig,
        message,
        &tree,
        &[&head],
    )?;
    let branch = repo.head()?.name().unwrap_or("HEAD").to_string();
    repo.reference(&branch, oid, true, "release: rollback")?;
    repo.checkout_tree(tree.as_object(), Some(CheckoutBuilder::new().force()))?;
    let mut idx = repo.index()?;
    idx.read_tree(&tree)?;
    idx.write()?;
    Ok(oid)
}

/// The package's release just before `version` (by version order).
fn previous_release(repo: &Repository, pkg: &Package, version: &Version) -> Result<Option<(String, Oid)>> {
    let re = pkg.tag_regex()?;
    Ok(
        shipdeck_git::version_tags(repo, |name| shipdeck_git::version_in(&re, name))?
            .into_iter()
            .find(|t| t.version < *version)
            .map(|t| (t.name, t.commit)),
    )
}
