//! How one package's commits decide its bump and next version, and the
//! reasons shown for it.

use std::collections::HashMap;

use semver::Version;

use super::super::error::ReleaseError;
use super::super::packages::Package;
use super::super::policy::{bump_between, next_version, Bump};
use super::super::PlannedCommit;
use super::{Context, PlanRequest};

fn describe(c: &PlannedCommit) -> String {
    let scope = c.scope.as_ref().map(|s| format!("({s})")).unwrap_or_default();
    let bang = if c.breaking { "!" } else { "" };
    if c.kind == "other" {
        format!("\"{}\" ({})", c.subject, c.short_sha)
    } else {
        format!("{}{scope}{bang}: {} ({})", c.kind, c.subject, c.short_sha)
    }
}

/// Why one deciding commit bumps `level`, in the words of its own type: a
/// `refactor` configured to bump patch is not called a fix.
fn why(c: &PlannedCommit, level: Bump) -> String {
    let d = describe(c);
    let l = level.as_str();
    match (level, c.kind.as_str()) {
        (Bump::Major, _) => format!("{d} is a breaking change → {l}"),
        (_, "feat" | "feature") => format!("{d} is a feature → {l}"),
        (_, "fix") => format!("{d} is a fix → {l}"),
        (_, "other") => format!("{d} → {l} (non-conventional commits bump {l})"),
        (_, kind) => format!("{d} → {l} ({kind} commits bump {l})"),
    }
}

fn parse_version(v: &str) -> std::result::Result<Version, ReleaseError> {
    Version::parse(v.trim().trim_start_matches('v')).map_err(|e| ReleaseError::InvalidVersion {
        value: v.into(),
        detail: e.to_string(),
    })
}

/// `2 chore, 1 docs`: the live commits by type.
fn kind_counts(commits: &[PlannedCommit]) -> String {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in commits.iter().filter(|c| !c.reverted) {
        *counts.entry(c.kind.as_str()).or_default() += 1;
    }
    let mut counts: Vec<String> = counts.into_iter().map(|(k, n)| format!("{n} {k}")).collect();
    counts.sort();
    counts.join(", ")
}

/// A prerelease number that is tagged already — on another line of
/// history, or before the series switched identifier (`beta.3` back to
/// `alpha`) — is not proposed again: the next free number is.
fn first_untagged(mut v: Version, tagged: &[Version], reasons: &mut Vec<String>) -> Version {
    let Some((id, n)) = v.pre.as_str().rsplit_once('.') else {
        return v;
    };
    let (Ok(mut n), id) = (n.parse::<u64>(), id.to_string()) else {
        return v;
    };
    let proposed = v.clone();
    while tagged.contains(&v) {
        n += 1;
        match semver::Prerelease::new(&format!("{id}.{n}")) {
            Ok(pre) => v.pre = pre,
            Err(_) => return proposed,
        }
    }
    if v != proposed {
        reasons.push(format!(
            "{proposed} is tagged already: the next free number is {v}"
        ));
    }
    v
}

pub(super) struct Decision {
    pub(super) next: Option<Version>,
    pub(super) bump: Bump,
    pub(super) reasons: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    ctx: &Context<'_>,
    pkg: &Package,
    current: Option<&Version>,
    since: &str,
    commits: &mut [PlannedCommit],
    release_as: Option<(&str, &str)>,
    req: &PlanRequest,
    tagged: &[Version],
) -> std::result::Result<Decision, ReleaseError> {
    let policy = &ctx.policy;
    let live: Vec<usize> = (0..commits.len()).filter(|i| !commits[*i].reverted).collect();
    let level = live.iter().map(|i| commits[*i].bump).max().unwrap_or(Bump::None);
    let mut reasons = mark_decisive(commits, &live, level);
    if let Some(decision) = forced_version(current, release_as, req, &mut reasons)? {
        return Ok(decision);
    }

    let prerelease = req.prerelease.identifier(policy.prerelease.as_deref());
    let mut level = level;
    // release-please parses every Conventional Commit and releases a patch
    // for any of them; only non-conventional messages are dropped.
    let conventional = live.iter().filter(|i| commits[**i].kind != "other").count();
    if level == Bump::None && policy.always_patch && conventional > 0 {
        level = Bump::Patch;
        reasons.push(format!(
            "{} conventional commit(s) of types that do not bump on their own ({}): a patch, as release-please does (release.when_no_releasable = \"skip\" to wait)",
            conventional,
            kind_counts(commits)
        ));
    }
    let Some(current) = current else {
        return Ok(first_release(ctx, pkg, commits, level, prerelease, reasons));
    };
    let (next, bump, policy_reasons) = next_version(current, level, policy, prerelease);
    reasons.extend(policy_reasons);
    let next = next.map(|v| first_untagged(v, tagged, &mut reasons));
    if next.is_none() {
        reasons.push(no_release_reason(ctx, since, commits));
    }
    Ok(Decision { next, bump, reasons })
}

/// Flags the commits that set the bump level and explains them; also counts
/// the commits that reverts cancelled.
fn mark_decisive(commits: &mut [PlannedCommit], live: &[usize], level: Bump) -> Vec<String> {
    let mut reasons = Vec::new();
    if level > Bump::None {
        let decisive: Vec<usize> = live
            .iter()
            .copied()
            .filter(|i| commits[*i].bump == level)
            .collect();
        for i in &decisive {
            commits[*i].decisive = true;
        }
        for i in decisive.iter().take(8) {
            reasons.push(why(&commits[*i], level));
        }
        if decisive.len() > 8 {
            reasons.push(format!("…and {} more", decisive.len() - 8));
        }
    }
    let reverted = commits.iter().filter(|c| c.reverted).count();
    if reverted > 0 {
        reasons.push(format!(
            "{reverted} commit(s) cancelled by reverts in the same range"
        ));
    }
    reasons
}

/// A version set by hand (with its reason) or by a `Release-As:` footer wins
/// over what the commits say.
fn forced_version(
    current: Option<&Version>,
    release_as: Option<(&str, &str)>,
    req: &PlanRequest,
    reasons: &mut Vec<String>,
) -> std::result::Result<Option<Decision>, ReleaseError> {
    let (v, reason) = if let Some(v) = &req.version {
        let reason = req
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or(ReleaseError::OverrideNeedsReason)?;
        let v = parse_version(v)?;
        let reason = format!("version {v} set by hand: {reason}");
        (v, reason)
    } else if let Some((v, sha)) = release_as {
        let v = parse_version(v)?;
        let reason = format!("Release-As: {v} in {}", &sha[..7.min(sha.len())]);
        (v, reason)
    } else {
        return Ok(None);
    };
    reasons.insert(0, reason);
    let bump = bump_between(current.unwrap_or(&Version::new(0, 0, 0)), &v);
    Ok(Some(Decision {
        next: Some(v),
        bump,
        reasons: std::mem::take(reasons),
    }))
}

/// A package with no tag and no version file starts at the initial version,
/// if anything in the range releases at all.
fn first_release(
    ctx: &Context<'_>,
    pkg: &Package,
    commits: &[PlannedCommit],
    level: Bump,
    prerelease: Option<&str>,
    mut reasons: Vec<String>,
) -> Decision {
    let policy = &ctx.policy;
    if level == Bump::None {
        reasons.push(format!("no releasable commits in {} commit(s)", commits.len()));
        return Decision {
            next: None,
            bump: Bump::None,
            reasons,
        };
    }
    let first = match prerelease {
        Some(id) => {
            let mut v = policy.initial_version.clone();
            v.pre = semver::Prerelease::new(&format!("{id}.1")).unwrap_or(semver::Prerelease::EMPTY);
            v
        }
        None => policy.initial_version.clone(),
    };
    reasons.push(format!(
        "first release of {}: no tag and no version file, starting at {first}",
        pkg.name
    ));
    Decision {
        next: Some(first),
        bump: level,
        reasons,
    }
}

/// Why nothing is released since `since`.
fn no_release_reason(ctx: &Context<'_>, since: &str, commits: &[PlannedCommit]) -> String {
    if commits.is_empty() {
        format!("no commits since {since}")
    } else if ctx.policy.always_patch {
        format!(
            "no releasable commits since {since} ({}): non-conventional commits do not release",
            kind_counts(commits)
        )
    } else {
        format!(
            "no releasable commits since {since} ({}); release.when_no_releasable = \"skip\"",
            kind_counts(commits)
        )
    }
}
