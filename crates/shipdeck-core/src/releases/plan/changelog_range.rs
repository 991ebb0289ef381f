//! `release changelog`: changelog sections of past or unreleased ranges,
//! written nowhere.

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository};
use semver::Version;

use super::super::changelog::{self, SectionHead};
use super::super::commits::{parse_all, ParsedCommit, RawCommit};
use super::super::error::ReleaseError;
use super::{changed_paths, load_commits, owner, planned_commits, range, Context, NoCache};
use crate::config::Config;
use crate::error::Result;
use crate::workspace::head_commit;

/// `release changelog`: sections without writing anything. With `all`,
/// one section per release tag (newest first) plus unreleased changes;
/// otherwise the range `from..to` (default: last release..HEAD).
#[expect(clippy::too_many_lines, reason = "still to be split by step")]
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
    let resolve = |r: &str| -> Result<Oid> { Ok(repo.revparse_single(r)?.peel_to_commit()?.id()) };
    let to_oid = match to {
        Some(r) => resolve(r)?,
        None => head_commit(repo)?.ok_or_else(|| ReleaseError::NothingToRelease {
            reason: "no commits".into(),
        })?,
    };
    let re = pkg.tag_regex()?;
    let mut tags: Vec<(Version, String, Oid)> =
        shipdeck_git::version_tags(repo, |name| shipdeck_git::version_in(&re, name))?
            .into_iter()
            .map(|t| (t.version, t.name, t.commit))
            .collect();
    tags.sort_by(|a, b| a.0.cmp(&b.0));

    let by_path = ctx.by_path();
    let packages = &ctx.packages;
    let owned = |c: &ParsedCommit| {
        !by_path
            || c.paths
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .any(|p| owner(packages, p) == Some(i))
    };
    let date_of = |oid: Oid| -> Result<String> {
        Ok(
            chrono::DateTime::from_timestamp(repo.find_commit(oid)?.time().seconds(), 0)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        )
    };
    let render = |title: &str,
                  tag: Option<&str>,
                  prev: Option<&str>,
                  end: Oid,
                  parsed: &[&ParsedCommit]|
     -> Result<String> {
        let commits = planned_commits(&ctx.policy, parsed.iter().copied().filter(|c| owned(c)));
        Ok(changelog::render(
            &SectionHead {
                title,
                tag,
                previous_tag: prev,
                date: &date_of(end)?,
            },
            &commits,
            ctx.forge.as_ref(),
        ))
    };

    if all {
        // One pass: read every commit behind `to` once (message and
        // parents together), then give each release the commits reachable
        // from its tag and not from an earlier release, in memory.
        // Reading needs libgit2 (one thread); parsing the messages does not.
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
        let mut nodes: HashMap<Oid, (ParsedCommit, Vec<Oid>)> = HashMap::with_capacity(order.len());
        for ((oid, mut parsed), p) in order.into_iter().zip(parse_all(raw)).zip(paths) {
            parsed.paths = p;
            let parents = parents_of.remove(&oid).unwrap_or_default();
            nodes.insert(oid, (parsed, parents));
        }
        tags.retain(|t| nodes.contains_key(&t.2));
        let mut claimed: std::collections::HashSet<Oid> =
            std::collections::HashSet::with_capacity(nodes.len());
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
        // Claims depend on order; rendering the sections does not.
        type Job<'a> = (
            String,
            Option<&'a str>,
            Option<&'a str>,
            Oid,
            Vec<&'a ParsedCommit>,
        );
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
        let dates: Vec<String> = jobs.iter().map(|j| date_of(j.3)).collect::<Result<_>>()?;
        let (policy, forge) = (&ctx.policy, ctx.forge.as_ref());
        let render_one = |j: &Job<'_>, date: &str| {
            let commits = planned_commits(policy, j.4.iter().copied().filter(|c| owned(c)));
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
        let mut sections: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = pairs
                .chunks(per)
                .map(|chunk| s.spawn(|| chunk.iter().map(|(j, d)| render_one(j, d)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("render thread"))
                .collect()
        });
        sections.reverse();
        let text = sections.join("\n");
        // Freeing a hundred thousand parsed commits takes a while; nobody
        // needs to wait for it.
        drop(jobs);
        std::thread::spawn(move || drop(nodes));
        return Ok(text);
    }

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
    let section = |title: &str, tag: Option<&str>, prev: Option<(&str, Oid)>, end: Oid| -> Result<String> {
        let oids = range(repo, end, prev.map(|p| p.1))?;
        let parsed = load_commits(&ctx, &oids, by_path, &mut NoCache, None)?;
        render(
            title,
            tag,
            prev.map(|p| p.0),
            end,
            &parsed.iter().collect::<Vec<_>>(),
        )
    };
    let from_ref = match from {
        Some(r) => Some((r, resolve(r)?)),
        None => tags
            .iter()
            .rev()
            .find(|t| t.2 != to_oid)
            .map(|t| (t.1.as_str(), t.2)),
    };
    let own_tag = tags.iter().find(|t| t.2 == to_oid);
    match own_tag {
        Some((v, name, _)) => section(&v.to_string(), Some(name), from_ref, to_oid),
        None => section("Unreleased", None, from_ref, to_oid),
    }
}
