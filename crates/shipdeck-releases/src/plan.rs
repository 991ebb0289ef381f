//! The release plan: for each package, the commits since its last release,
//! the bump they call for (and why), the next version and the changelog
//! section. Read-only; works on any HEAD, detached included.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use git2::{Oid, Repository, Sort};

use super::changelog::{self, SectionHead};
use super::commits::{parse_commit, ParsedCommit, PARSE_FORMAT};
use super::error::ReleaseError;
use super::files::declared_version;
use super::forge::Forge;
use super::packages::{self, release_tags, Package, Released};
use super::policy::{group_rank, Bump, Policy};
use super::{PackagePlan, PlannedCommit, ReleasePlan};
use shipdeck_base::config::Config;
use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;
use shipdeck_base::workspace::head_commit;

mod changelog_range;
mod decide;
pub use changelog_range::changelog_range;
use decide::decide;

/// Parsed commits kept between runs (the store, in the app and the CLI).
pub trait CommitCache {
    fn load(&mut self, shas: &[String]) -> HashMap<String, ParsedCommit>;
    fn save(&mut self, commits: &[ParsedCommit]);
}

/// No cache: every commit is parsed.
pub struct NoCache;
impl CommitCache for NoCache {
    fn load(&mut self, _: &[String]) -> HashMap<String, ParsedCommit> {
        HashMap::new()
    }
    fn save(&mut self, _: &[ParsedCommit]) {}
}

/// Which line a planned version is on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Prerelease {
    /// What `release.prerelease` in shipdeck.toml says (stable when unset).
    #[default]
    Config,
    /// A stable version even when the config asks for prereleases.
    Stable,
    /// A prerelease with this identifier (`rc` → 1.4.0-rc.1).
    Identifier(String),
}

impl Prerelease {
    /// The identifier to use, given the one from the config.
    pub fn identifier<'a>(&'a self, configured: Option<&'a str>) -> Option<&'a str> {
        match self {
            Prerelease::Config => configured,
            Prerelease::Stable => None,
            // An empty identifier has always meant a stable version.
            Prerelease::Identifier(id) => Some(id.as_str()).filter(|id| !id.is_empty()),
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct PlanRequest {
    /// Only these packages (all when empty).
    pub packages: Vec<String>,
    /// Which line the next version is on; overrides `release.prerelease`.
    pub prerelease: Prerelease,
    /// A version chosen by hand; needs `reason`.
    pub version: Option<String>,
    pub reason: Option<String>,
    /// For a cut: the HEAD the confirmed plan was made at. The cut refuses
    /// (`release.plan_changed`) when HEAD has moved since.
    pub expect_head: Option<String>,
    /// For a cut: the tags the confirmed plan showed. The cut refuses when
    /// planning again gives other tags.
    pub expect_tags: Option<Vec<String>>,
    /// For a cut: the `expect` token of the dry run the user confirmed. The
    /// cut refuses (`release.plan_changed`) when planning again gives
    /// another HEAD, other packages, versions or tags, or other file contents.
    pub expect: Option<String>,
    /// Date written in the changelog heading (default: today, UTC).
    #[serde(skip)]
    #[ts(skip)]
    pub date: Option<NaiveDate>,
}

pub(crate) struct Context<'a> {
    pub repo: &'a Repository,
    pub root: &'a Path,
    pub config: Config,
    pub policy: Policy,
    pub packages: Vec<Package>,
    pub forge: Option<Forge>,
    /// Tags whose commit HEAD contains.
    pub reachable: std::collections::HashSet<String>,
}

impl<'a> Context<'a> {
    pub fn new(repo: &'a Repository, root: &'a Path, config: Option<&Config>) -> Result<Context<'a>> {
        let config = config.cloned().unwrap_or_default();
        let policy = Policy::from_config(&config.release)?;
        // Conventions come from the tags HEAD contains: a later release's
        // tag on another line of history must not hide them.
        let tags = reachable_tags(repo)?;
        let packages = packages::discover(root, Some(&config), &tags)?;
        let remote = config.release.remote.clone().unwrap_or_else(|| "origin".into());
        let forge = match repo.find_remote(&remote) {
            Ok(r) => match r.url() {
                Some(url) => Forge::detect(url, &config.release)?,
                None => None,
            },
            Err(_) => None,
        };
        Ok(Context {
            repo,
            root,
            config,
            policy,
            packages,
            forge,
            reachable: tags.into_iter().collect(),
        })
    }

    pub fn select(&self, names: &[String]) -> Result<Vec<usize>> {
        if names.is_empty() {
            return Ok((0..self.packages.len()).collect());
        }
        names
            .iter()
            .map(|n| {
                self.packages.iter().position(|p| &p.name == n).ok_or_else(|| {
                    ReleaseError::UnknownPackage {
                        name: n.clone(),
                        known: self
                            .packages
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                    .into()
                })
            })
            .collect()
    }

    /// Several packages, or one below the root: commits are attributed by path.
    fn by_path(&self) -> bool {
        self.packages.len() > 1 || self.packages.iter().any(|p| p.path != ".")
    }

    /// The package owning a path: the deepest one containing it.
    fn owner(&self, path: &str) -> Option<usize> {
        owner(&self.packages, path)
    }
}

/// The names of the tags whose commit HEAD contains.
fn reachable_tags(repo: &Repository) -> Result<Vec<String>> {
    Ok(shipdeck_git::reachable_tags(repo)?)
}

/// The package owning a path: the deepest one containing it.
fn owner(packages: &[Package], path: &str) -> Option<usize> {
    packages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.contains(path))
        .max_by_key(|(_, p)| if p.path == "." { 0 } else { p.path.len() + 1 })
        .map(|(i, _)| i)
}

/// Commits reachable from `to` and not from `hide`, newest first.
fn range(repo: &Repository, to: Oid, hide: Option<Oid>) -> Result<Vec<Oid>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(to)?;
    if let Some(h) = hide {
        walk.hide(h)?;
    }
    Ok(walk.collect::<std::result::Result<Vec<_>, _>>()?)
}

fn changed_paths(repo: &Repository, oid: Oid) -> Result<Vec<String>> {
    let commit = repo.find_commit(oid)?;
    let tree = commit.tree()?;
    let parent = commit.parents().next().map(|p| p.tree()).transpose()?;
    let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), None)?;
    let mut paths = Vec::new();
    for d in diff.deltas() {
        for f in [d.old_file().path(), d.new_file().path()].into_iter().flatten() {
            let p = f.to_string_lossy().replace('\\', "/");
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    Ok(paths)
}

/// Reads the commits of a range, from the cache where possible.
pub(crate) fn load_commits(
    ctx: &Context<'_>,
    oids: &[Oid],
    with_paths: bool,
    cache: &mut dyn CommitCache,
    progress: Option<&Progress>,
) -> Result<Vec<ParsedCommit>> {
    let shas: Vec<String> = oids.iter().map(Oid::to_string).collect();
    let mut known = cache.load(&shas);
    // Indexes (into `out`) of commits the cache did not have as needed.
    let mut fresh: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(oids.len());
    for (i, oid) in oids.iter().enumerate() {
        let cached = known
            .remove(&shas[i])
            .filter(|p| p.parents.is_some() && p.format == PARSE_FORMAT);
        let (mut parsed, mut is_fresh) = match cached {
            Some(p) => (p, false),
            None => (parse_commit(&ctx.repo.find_commit(*oid)?), true),
        };
        if with_paths && parsed.paths.is_none() && !parsed.merge {
            parsed.paths = Some(changed_paths(ctx.repo, *oid)?);
            is_fresh = true;
        }
        if is_fresh {
            fresh.push(i);
        }
        out.push(parsed);
        if let Some(p) = progress {
            if i % 256 == 0 {
                p.checkpoint()?;
            }
            p.report(
                i as u64 + 1,
                Some(oids.len() as u64),
                format!("{} of {} commits read", i + 1, oids.len()),
            );
        }
    }
    if !fresh.is_empty() {
        let to_save: Vec<ParsedCommit> = fresh.iter().map(|i| out[*i].clone()).collect();
        cache.save(&to_save);
    }
    Ok(out)
}

/// Turns parsed commits into plan entries; cancels revert pairs.
pub(crate) fn planned_commits<'c>(
    policy: &Policy,
    commits: impl IntoIterator<Item = &'c ParsedCommit>,
) -> Vec<PlannedCommit> {
    let mut out = Vec::new();
    let mut reverts: Vec<(usize, String)> = Vec::new();
    for c in commits.into_iter().filter(|c| !c.merge) {
        // The header decides; a squash body's list only when asked for.
        let entries = if policy.squash_bullets && !c.listed.is_empty() {
            &c.listed
        } else {
            &c.entries
        };
        for e in entries {
            let rule = policy.entry_rule(e);
            if let Some(target) = &c.reverts {
                reverts.push((out.len(), target.clone()));
            }
            out.push(PlannedCommit {
                sha: c.sha.clone(),
                short_sha: c.sha[..7.min(c.sha.len())].to_string(),
                kind: e.kind.clone().unwrap_or_else(|| "other".into()),
                scope: e.scope.clone(),
                breaking: e.breaking,
                breaking_note: e.breaking_note.clone(),
                subject: e.subject.clone(),
                author: c.author.clone(),
                time: c.time,
                refs: e.refs.clone(),
                ref_urls: Vec::new(),
                commit_url: None,
                group: rule.group.clone(),
                group_rank: group_rank(&rule.group),
                hidden: rule.hidden,
                bump: if e.breaking { Bump::Major } else { rule.bump },
                decisive: false,
                reverted: false,
            });
        }
    }
    // A revert and the commit it reverts, both in range, cancel out.
    for (i, target) in reverts {
        if let Some(j) = out
            .iter()
            .position(|p| p.sha.starts_with(&target) && p.sha != out[i].sha)
        {
            out[i].reverted = true;
            let sha = out[j].sha.clone();
            for p in out.iter_mut().filter(|p| p.sha == sha) {
                p.reverted = true;
            }
        }
    }
    out
}

/// Plans the release of the selected packages.
pub fn plan(
    repo: &Repository,
    root: &Path,
    config: Option<&Config>,
    req: &PlanRequest,
    cache: &mut dyn CommitCache,
    progress: Option<&Progress>,
) -> Result<ReleasePlan> {
    let ctx = Context::new(repo, root, config)?;
    plan_with(&ctx, req, cache, progress)
}

pub(crate) fn plan_with(
    ctx: &Context<'_>,
    req: &PlanRequest,
    cache: &mut dyn CommitCache,
    progress: Option<&Progress>,
) -> Result<ReleasePlan> {
    let selected = ctx.select(&req.packages)?;
    let head = head_commit(ctx.repo)?.ok_or_else(|| ReleaseError::NothingToRelease {
        reason: "the repository has no commits yet".into(),
    })?;
    let tags = release_tags(ctx.repo, &ctx.packages)?;
    let date = req
        .date
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
        .format("%Y-%m-%d")
        .to_string();
    let run = PlanRun {
        ctx,
        req,
        head,
        tags: &tags,
        date,
        by_path: ctx.by_path(),
    };
    let mut plans = Vec::new();
    for i in selected {
        plans.push(run.package(i, cache, progress)?);
    }
    let branch = if ctx.repo.head_detached()? {
        None
    } else {
        ctx.repo
            .head()
            .ok()
            .and_then(|h| h.shorthand().map(str::to_string))
    };
    Ok(ReleasePlan {
        head: head.to_string(),
        branch,
        packages: plans,
        forge: ctx.forge.clone(),
    })
}

/// What planning each selected package shares.
struct PlanRun<'a> {
    ctx: &'a Context<'a>,
    req: &'a PlanRequest,
    head: Oid,
    tags: &'a [Vec<Released>],
    date: String,
    by_path: bool,
}

impl PlanRun<'_> {
    /// The plan of package `i`: its last release, its commits since, the
    /// decision and the changelog section.
    fn package(
        &self,
        i: usize,
        cache: &mut dyn CommitCache,
        progress: Option<&Progress>,
    ) -> Result<PackagePlan> {
        let (ctx, req) = (self.ctx, self.req);
        let pkg = &ctx.packages[i];
        let (last, parsed) = self.last_release(i, cache, progress)?;
        let owned = self.owned_by(i, parsed);
        let release_as = owned
            .iter()
            .find(|c| !c.merge && c.release_as.is_some())
            .map(|c| (c.release_as.as_deref().unwrap_or(""), c.sha.as_str()));
        let mut commits = planned_commits(&ctx.policy, &owned);
        if let Some(forge) = &ctx.forge {
            for c in &mut commits {
                c.ref_urls = c.refs.iter().map(|r| forge.ref_url(*r)).collect();
                c.commit_url = Some(forge.commit_url(&c.sha));
            }
        }
        let current = last
            .map(|r| r.version.clone())
            .or_else(|| declared_version(ctx.root, pkg));
        let since = last.map_or_else(|| "the first commit".to_string(), |r| r.tag.clone());
        let tagged: Vec<semver::Version> = self.tags[i].iter().map(|r| r.version.clone()).collect();
        let d = decide(
            ctx,
            pkg,
            current.as_ref(),
            &since,
            &mut commits,
            release_as,
            req,
            &tagged,
        )?;
        let next_tag = d.next.as_ref().map(|v| pkg.tag(v));
        let changelog = match (&d.next, &next_tag) {
            (Some(v), Some(tag)) => changelog::render(
                &SectionHead {
                    title: &v.to_string(),
                    tag: Some(tag),
                    previous_tag: last.map(|r| r.tag.as_str()),
                    date: &self.date,
                },
                &commits,
                ctx.forge.as_ref(),
            ),
            _ => String::new(),
        };
        Ok(PackagePlan {
            name: pkg.name.clone(),
            path: pkg.path.clone(),
            current_version: current.map(|v| v.to_string()),
            current_tag: last.map(|r| r.tag.clone()),
            next_version: d.next.map(|v| v.to_string()),
            next_tag,
            bump: d.bump,
            reasons: d.reasons,
            commits,
            changelog,
            changelog_path: pkg.changelog.clone(),
            override_reason: req.version.as_ref().and(req.reason.clone()),
        })
    }

    /// The highest release of package `i` HEAD contains, and the commits
    /// since: one range walk answers both, since a tag is in HEAD's history
    /// exactly when it is HEAD or a parent of a commit in `HEAD..tag`.
    fn last_release(
        &self,
        i: usize,
        cache: &mut dyn CommitCache,
        progress: Option<&Progress>,
    ) -> Result<(Option<&Released>, Vec<ParsedCommit>)> {
        let (ctx, head) = (self.ctx, self.head);
        for candidate in self.tags[i].iter().filter(|t| ctx.reachable.contains(&t.tag)) {
            let oids = range(ctx.repo, head, Some(candidate.commit))?;
            let commits = load_commits(ctx, &oids, self.by_path, cache, progress)?;
            let sha = candidate.commit.to_string();
            let contains = candidate.commit == head
                || commits
                    .iter()
                    .any(|c| c.parents.as_ref().is_some_and(|p| p.contains(&sha)));
            if contains {
                return Ok((Some(candidate), commits));
            }
        }
        let oids = range(ctx.repo, head, None)?;
        Ok((None, load_commits(ctx, &oids, self.by_path, cache, progress)?))
    }

    /// The commits that touch package `i` (all of them when releases are
    /// not split by path).
    fn owned_by(&self, i: usize, parsed: Vec<ParsedCommit>) -> Vec<ParsedCommit> {
        if !self.by_path {
            return parsed;
        }
        parsed
            .into_iter()
            .filter(|c| {
                c.paths
                    .as_deref()
                    .unwrap_or(&[])
                    .iter()
                    .any(|p| self.ctx.owner(p) == Some(i))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Prerelease;

    #[test]
    fn prerelease_choices_pick_the_identifier() {
        assert_eq!(Prerelease::Config.identifier(Some("rc")), Some("rc"));
        assert_eq!(Prerelease::Config.identifier(None), None);
        assert_eq!(Prerelease::Stable.identifier(Some("rc")), None);
        assert_eq!(
            Prerelease::Identifier("beta".into()).identifier(Some("rc")),
            Some("beta")
        );
        assert_eq!(Prerelease::Identifier(String::new()).identifier(Some("rc")), None);
    }

    #[test]
    fn prerelease_crosses_ipc_as_a_tagged_choice() {
        let parse = |json: &str| serde_json::from_str::<Prerelease>(json).unwrap();
        assert_eq!(parse(r#""config""#), Prerelease::Config);
        assert_eq!(parse(r#""stable""#), Prerelease::Stable);
        assert_eq!(
            parse(r#"{"identifier":"rc"}"#),
            Prerelease::Identifier("rc".into())
        );
        assert!(serde_json::from_str::<Prerelease>(r#""""#).is_err());
    }
}
