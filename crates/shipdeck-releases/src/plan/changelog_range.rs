//! `release changelog`: changelog sections of past or unreleased ranges,
//! written nowhere.

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository};
use semver::Version;

use super::super::changelog::{self, SectionHead};
use super::super::commits::{parse_all, ParsedCommit, RawCommit};
use super::super::error::ReleaseError;
use super::super::packages::Package;
use super::{changed_paths, load_commits, owner, planned_commits, range, Context, NoCache};
use shipdeck_base::config::Config;
use shipdeck_base::error::Result;
use shipdeck_base::workspace::head_commit;

/// `release changelog`: sections without writing anything. With `all`,
/// one section per release tag (newest first) plus unreleased changes;
/// otherwise the range `from..to` (default: last release..HEAD).
pub fn changelog_range(
    repo: &Repository,
    root: &Path,
    config: Option<&Config>,
    package: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    all: bool,
) -> Result<String> {
    let ctx = Context::new(repo, root, config)?;
    let names: Vec<String> = package.map(|p| vec![p.to_string()]).unwrap_or_default();
    let i = *ctx
        .select(&names)?
        .first()
        .ok_or_else(|| ReleaseError::Config("no packages".into()))?;
    let pkg = &ctx.packages[i];
    let to_oid = match to {
        Some(r) => resolve(repo, r)?,
        None => head_commit(repo)?.ok_or_else(|| ReleaseError::NothingToRelease {
            reason: "no commits".into(),
        })?,
    };
    let re = pkg.tag_regex()?;
    let mut tags: Vec<Tag> = shipdeck_git::version_tags(repo, |name| shipdeck_git::version_in(&re, name))?
        .into_iter()
        .map(|t| (t.version, t.name, t.commit))
        .collect();
    tags.sort_by(|a, b| a.0.cmp(&b.0));
    if all {
        all_sections(&ctx, i, tags, to_oid)
    } else {
        one_section(&ctx, i, tags, from, to_oid)
    }
}

/// A release tag: its version, name and commit.
type Tag = (Version, String, Oid);

/// One section to render: title, tag, previous tag, end commit, commits.
type Job<'a> = (
    String,
    Option<&'a str>,
    Option<&'a str>,
    Oid,
    Vec<&'a ParsedCommit>,
);

/// Every commit behind `to`, parsed, with its parents.
type Nodes = HashMap<Oid, (ParsedCommit, Vec<Oid>)>;

fn resolve(repo: &Repository, r: &str) -> Result<Oid> {
    Ok(repo.revparse_single(r)?.peel_to_commit()?.id())
}

/// Whether package `i` owns a commit (every package does when releases are
/// not split by path).
fn owns(packages: &[Package], by_path: bool, i: usize, c: &ParsedCommit) -> bool {
    !by_path
        || c.paths
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .any(|p| owner(packages, p) == Some(i))
}

fn date_of(repo: &Repository, oid: Oid) -> Result<String> {
    Ok(
        chrono::DateTime::from_timestamp(repo.find_commit(oid)?.time().seconds(), 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    )
}

/// All releases: one pass reads every commit behind `to` once (message and
/// parents together), then gives each release the commits reachable from
/// its tag and not from an earlier release, in memory.
fn all_sections(ctx: &Context<'_>, i: usize, mut tags: Vec<Tag>, to_oid: Oid) -> Result<String> {
    let nodes = read_history(ctx, to_oid)?;
    tags.retain(|t| nodes.contains_key(&t.2));
    let jobs = claim_sections(&nodes, &tags, to_oid);
    let dates: Vec<String> = jobs
        .iter()
        .map(|j| date_of(ctx.repo, j.3))
        .collect::<Result<_>>()?;
    let mut sections = render_parallel(ctx, i, &jobs, &dates);
    sections.reverse();
    let text = sections.join("\n");
    // Freeing a hundred thousand parsed commits takes a while; nobody
    // needs to wait for it.
    drop(jobs);
    std::thread::spawn(move || drop(nodes));
    Ok(text)
}

/// Reads every commit behind `to_oid` with its parents (and changed paths
/// when releases are split by path). Reading needs libgit2 (one thread);
/// parsing the messages does not.
fn read_history(ctx: &Context<'_>, to_oid: Oid) -> Result<Nodes> {
    let (repo, by_path) = (ctx.repo, ctx.by_path());
    let mut order: Vec<Oid> = Vec::new();
    let mut raw = Vec::new();
    let mut parents_of: HashMap<Oid, Vec<Oid>> = HashMap::new();
    let mut paths: Vec<Option<Vec<String>>> = Vec::new();
    let mut stack = vec![to_oid];
    while let Some(oid) = stack.pop() {
        if parents_of.contains_key(&oid) {
            continue;
        }
        let commit = repo.find_commit(oid)?;
        let parents: Vec<Oid> = commit.parent_ids().collect();
        stack.extend(parents.iter().copied());
        paths.push(if by_path && parents.len() <= 1 {
            Some(changed_paths(repo, oid)?)
        } else {
            None
        });
        raw.push(RawCommit::read(&commit));
        parents_of.insert(oid, parents);
        order.push(oid);
    }
    let mut nodes: Nodes = HashMap::with_capacity(order.len());
    for ((oid, mut parsed), p) in order.into_iter().zip(parse_all(raw)).zip(paths) {
        parsed.paths = p;
        let parents = parents_of.remove(&oid).unwrap_or_default();
        nodes.insert(oid, (parsed, parents));
    }
    Ok(nodes)
}

/// Gives each release (oldest first) the commits it claims first, then the
/// unreleased rest. Claims depend on order; rendering the sections does not.
fn claim_sections<'a>(nodes: &'a Nodes, tags: &'a [Tag], to_oid: Oid) -> Vec<Job<'a>> {
    let mut claimed: std::collections::HashSet<Oid> = std::collections::HashSet::with_capacity(nodes.len());
    let mut claim = |start: Oid| -> Vec<&ParsedCommit> {
        let mut out = Vec::new();
        let mut stack = vec![start];
        while let Some(oid) = stack.pop() {
            if !claimed.insert(oid) {
                continue;
            }
            if let Some((c, parents)) = nodes.get(&oid) {
                stack.extend(parents.iter().copied());
                out.push(c);
            }
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.time));
        out
    };
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for (k, (v, name, oid)) in tags.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| tags[p].1.as_str());
        jobs.push((v.to_string(), Some(name.as_str()), prev, *oid, claim(*oid)));
    }
    let unreleased = claim(to_oid);
    if !unreleased.is_empty() {
        jobs.push((
            "Unreleased".into(),
            None,
            tags.last().map(|t| t.1.as_str()),
            to_oid,
            unreleased,
        ));
    }
    jobs
}

/// Renders the sections on up to 8 threads, keeping their order.
fn render_parallel(ctx: &Context<'_>, i: usize, jobs: &[Job<'_>], dates: &[String]) -> Vec<String> {
    let (policy, forge) = (&ctx.policy, ctx.forge.as_ref());
    let (packages, by_path) = (&ctx.packages, ctx.by_path());
    let render_one = |j: &Job<'_>, date: &str| {
        let commits = planned_commits(
            policy,
            j.4.iter().copied().filter(|c| owns(packages, by_path, i, c)),
        );
        changelog::render(
            &SectionHead {
                title: &j.0,
                tag: j.1,
                previous_tag: j.2,
                date,
            },
            &commits,
            forge,
        )
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let per = jobs.len().div_ceil(threads).max(1);
    let pairs: Vec<(&Job<'_>, &String)> = jobs.iter().zip(dates.iter()).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(per)
            .map(|chunk| s.spawn(|| chunk.iter().map(|(j, d)| render_one(j, d)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("render thread"))
            .collect()
    })
}

/// One range: `from..to`, or from the last release in `to`'s history.
fn one_section(
    ctx: &Context<'_>,
    i: usize,
    mut tags: Vec<Tag>,
    from: Option<&str>,
    to_oid: Oid,
) -> Result<String> {
    let repo = ctx.repo;
    // Only tags in `to`'s history: one walk, stopping once all are seen.
    let mut wanted: std::collections::HashSet<Oid> = tags.iter().map(|t| t.2).collect();
    let mut reachable = std::collections::HashSet::new();
    let mut walk = repo.revwalk()?;
    walk.push(to_oid)?;
    for oid in walk {
        let oid = oid?;
        if wanted.remove(&oid) {
            reachable.insert(oid);
            if wanted.is_empty() {
                break;
            }
        }
    }
    tags.retain(|t| reachable.contains(&t.2));
    let from_ref = match from {
        Some(r) => Some((r, resolve(repo, r)?)),
        None => tags
            .iter()
            .rev()
            .find(|t| t.2 != to_oid)
            .map(|t| (t.1.as_str(), t.2)),
    };
    let (title, tag) = match tags.iter().find(|t| t.2 == to_oid) {
        Some((v, name, _)) => (v.to_string(), Some(name.as_str())),
        None => ("Unreleased".to_string(), None),
    };
    let by_path = ctx.by_path();
    let oids = range(repo, to_oid, from_ref.map(|p| p.1))?;
    let parsed = load_commits(ctx, &oids, by_path, &mut NoCache, None)?;
    let commits = planned_commits(
        &ctx.policy,
        parsed.iter().filter(|c| owns(&ctx.packages, by_path, i, c)),
    );
    Ok(changelog::render(
        &SectionHead {
            title: &title,
            tag,
            previous_tag: from_ref.map(|p| p.0),
            date: &date_of(repo, to_oid)?,
        },
        &commits,
        ctx.forge.as_ref(),
    ))
}
