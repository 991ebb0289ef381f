//! How commits decide a version. Defaults follow release-please's default
//! strategy: a breaking change bumps major, a feature minor, a fix (and perf,
//! deps, revert, security) patch; other Conventional Commits (docs, chore,
//! refactor, test, build, ci, style) alone make a patch release too, unless
//! `when_no_releasable = "skip"`; non-conventional commits never release.
//! Before 1.0.0 the same rules apply unless `breaking_pre_1_0` /
//! `feature_pre_1_0` say otherwise.

use std::collections::BTreeMap;

use semver::{Prerelease, Version};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::commits::Entry;
use super::error::ReleaseError;
use shipdeck_base::config::ReleaseConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Prerelease,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Prerelease => "prerelease",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRule {
    pub group: String,
    pub bump: Bump,
    pub hidden: bool,
}

#[derive(Debug, Clone)]
pub struct Policy {
    types: BTreeMap<String, TypeRule>,
    /// Non-conventional commits, and types nobody configured.
    other: TypeRule,
    /// `release.types.revert` is set: reverts follow it, not what they revert.
    revert_configured: bool,
    pub breaking_pre_1_0: Bump,
    pub feature_pre_1_0: Bump,
    /// Conventional commits of types that do not bump on their own still
    /// make a patch release (release-please's behaviour; `when_no_releasable`).
    pub always_patch: bool,
    /// Count the `* type: …` lines of a squash body as the commits.
    pub squash_bullets: bool,
    pub prerelease: Option<String>,
    pub initial_version: Version,
}

/// Changelog sections, in order (Keep a Changelog's headings first).
pub const GROUP_ORDER: &[&str] = &[
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Reverted",
    "Security",
    "Dependencies",
    "Documentation",
    "Refactoring",
    "Tests",
    "Build",
    "Continuous integration",
    "Style",
    "Chores",
    "Other",
];

/// A group's place in the changelog: its index in [`GROUP_ORDER`]; groups a
/// config names that the list does not know come after all of them (and
/// among themselves by name).
pub fn group_rank(group: &str) -> u32 {
    let rank = GROUP_ORDER
        .iter()
        .position(|o| *o == group)
        .unwrap_or(GROUP_ORDER.len());
    u32::try_from(rank).unwrap_or(u32::MAX)
}

fn rule(group: &str, bump: Bump, hidden: bool) -> TypeRule {
    TypeRule {
        group: group.into(),
        bump,
        hidden,
    }
}

fn default_types() -> BTreeMap<String, TypeRule> {
    [
        ("feat", rule("Added", Bump::Minor, false)),
        ("feature", rule("Added", Bump::Minor, false)),
        ("fix", rule("Fixed", Bump::Patch, false)),
        ("perf", rule("Changed", Bump::Patch, false)),
        ("deps", rule("Dependencies", Bump::Patch, false)),
        ("revert", rule("Reverted", Bump::Patch, false)),
        ("security", rule("Security", Bump::Patch, false)),
        ("deprecate", rule("Deprecated", Bump::Patch, false)),
        ("refactor", rule("Refactoring", Bump::None, true)),
        ("docs", rule("Documentation", Bump::None, true)),
        ("test", rule("Tests", Bump::None, true)),
        ("build", rule("Build", Bump::None, true)),
        ("ci", rule("Continuous integration", Bump::None, true)),
        ("style", rule("Style", Bump::None, true)),
        ("chore", rule("Chores", Bump::None, true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn parse_choice(
    field: &'static str,
    value: Option<&str>,
    allowed: &[(&str, Bump)],
    default: Bump,
) -> Result<Bump, ReleaseError> {
    match value {
        None => Ok(default),
        Some(v) => allowed
            .iter()
            .find(|(name, _)| *name == v)
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
                ReleaseError::Config(format!(
                    "release.{field} = {v:?}: use one of {}",
                    names.join(", ")
                ))
            }),
    }
}

impl Policy {
    pub fn from_config(c: &ReleaseConfig) -> Result<Policy, ReleaseError> {
        let mut types = default_types();
        for (name, t) in &c.types {
            let name = name.to_ascii_lowercase();
            let base = types
                .get(&name)
                .cloned()
                .unwrap_or_else(|| rule(&title(&name), Bump::None, false));
            let bump = match t.bump.as_deref() {
                None => base.bump,
                Some(b) => parse_choice(
                    "types.*.bump",
                    Some(b),
                    &[
                        ("minor", Bump::Minor),
                        ("patch", Bump::Patch),
                        ("none", Bump::None),
                    ],
                    Bump::None,
                )?,
            };
            types.insert(
                name,
                TypeRule {
                    group: t.group.clone().unwrap_or(base.group),
                    bump,
                    hidden: t.hidden.unwrap_or(base.hidden),
                },
            );
        }
        let revert_configured = c.types.keys().any(|k| k.eq_ignore_ascii_case("revert"));
        let other = types
            .remove("other")
            .unwrap_or_else(|| rule("Other", Bump::None, true));
        let initial_version = match &c.initial_version {
            Some(v) => Version::parse(v.trim_start_matches('v'))
                .map_err(|e| ReleaseError::Config(format!("release.initial_version = {v:?}: {e}")))?,
            None => Version::new(0, 1, 0),
        };
        if let Some(id) = &c.prerelease {
            Prerelease::new(&format!("{id}.1"))
                .map_err(|e| ReleaseError::Config(format!("release.prerelease = {id:?}: {e}")))?;
        }
        Ok(Policy {
            types,
            other,
            revert_configured,
            breaking_pre_1_0: parse_choice(
                "breaking_pre_1_0",
                c.breaking_pre_1_0.as_deref(),
                &[("major", Bump::Major), ("minor", Bump::Minor)],
                Bump::Major,
            )?,
            feature_pre_1_0: parse_choice(
                "feature_pre_1_0",
                c.feature_pre_1_0.as_deref(),
                &[("minor", Bump::Minor), ("patch", Bump::Patch)],
                Bump::Minor,
            )?,
            always_patch: parse_choice(
                "when_no_releasable",
                c.when_no_releasable.as_deref(),
                &[("skip", Bump::None), ("patch", Bump::Patch)],
                Bump::Patch,
            )? == Bump::Patch,
            squash_bullets: c.squash_bullets.unwrap_or(false),
            prerelease: c.prerelease.clone(),
            initial_version,
        })
    }

    /// The rule for a type (`None`: not a Conventional Commit).
    pub fn rule(&self, kind: Option<&str>) -> &TypeRule {
        kind.and_then(|k| self.types.get(k)).unwrap_or(&self.other)
    }

    /// The rule for one change. A revert is filed with what it undoes: a
    /// reverted feature under Removed, a reverted change of a hidden type
    /// (`Revert "chore: …"`) hidden like it and bumping as it did, anything
    /// else under Reverted — unless `release.types.revert` says otherwise.
    pub fn entry_rule(&self, e: &Entry) -> TypeRule {
        let own = self.rule(e.kind.as_deref());
        let reverted = match (e.kind.as_deref(), &e.reverted_kind) {
            (Some("revert"), Some(k)) if !self.revert_configured => self.rule(Some(k)),
            _ => return own.clone(),
        };
        if reverted.hidden {
            reverted.clone()
        } else if reverted.bump == Bump::Minor {
            rule("Removed", own.bump, false)
        } else {
            own.clone()
        }
    }

    /// What one entry asks for, before any pre-1.0 adjustment.
    pub fn entry_bump(&self, kind: Option<&str>, breaking: bool) -> Bump {
        if breaking {
            Bump::Major
        } else {
            self.rule(kind).bump
        }
    }
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The version after `current` for the commits' bump `level`.
///
/// Returns the version (or `None`: nothing to release), the bump as
/// reported, and the policy reasons that shaped it.
pub fn next_version(
    current: &Version,
    level: Bump,
    policy: &Policy,
    prerelease: Option<&str>,
) -> (Option<Version>, Bump, Vec<String>) {
    let mut reasons = Vec::new();
    let mut level = level;
    if current.major == 0 {
        if level == Bump::Major && policy.breaking_pre_1_0 == Bump::Minor {
            level = Bump::Minor;
            reasons.push(
                "before 1.0.0 a breaking change bumps minor (release.breaking_pre_1_0 = \"minor\")".into(),
            );
        } else if level == Bump::Minor && policy.feature_pre_1_0 == Bump::Patch {
            level = Bump::Patch;
            reasons.push("before 1.0.0 a feature bumps patch (release.feature_pre_1_0 = \"patch\")".into());
        }
    }

    if !current.pre.is_empty() {
        let base = Version::new(current.major, current.minor, current.patch);
        match prerelease {
            None => {
                // Leaving the prerelease series: release its base version.
                reasons.push(format!(
                    "{current} graduates to {base} (no prerelease identifier requested)"
                ));
                let kind = if base.minor == 0 && base.patch == 0 {
                    Bump::Major
                } else if base.patch == 0 {
                    Bump::Minor
                } else {
                    Bump::Patch
                };
                return (Some(base), kind, reasons);
            }
            Some(id) => {
                if level == Bump::None {
                    return (None, Bump::None, reasons);
                }
                // A bigger change than the series' base moves the base.
                let moves_base = (level == Bump::Major && (base.minor != 0 || base.patch != 0))
                    || (level == Bump::Minor && base.patch != 0);
                if moves_base {
                    let next = with_pre(increment(&base, level), id, 1);
                    return (Some(next), level, reasons);
                }
                let n = pre_counter(current, id).map_or(1, |n| n + 1);
                return (Some(with_pre(base, id, n)), Bump::Prerelease, reasons);
            }
        }
    }

    if level == Bump::None {
        return (None, Bump::None, reasons);
    }
    let next = increment(current, level);
    match prerelease {
        Some(id) => (Some(with_pre(next, id, 1)), level, reasons),
        None => (Some(next), level, reasons),
    }
}

fn increment(v: &Version, level: Bump) -> Version {
    match level {
        Bump::Major => Version::new(v.major + 1, 0, 0),
        Bump::Minor => Version::new(v.major, v.minor + 1, 0),
        Bump::Patch | Bump::Prerelease => Version::new(v.major, v.minor, v.patch + 1),
        Bump::None => v.clone(),
    }
}

fn with_pre(mut v: Version, id: &str, n: u64) -> Version {
    v.pre = Prerelease::new(&format!("{id}.{n}")).unwrap_or(Prerelease::EMPTY);
    v
}

/// `rc.3` → 3 when the identifier matches.
fn pre_counter(v: &Version, id: &str) -> Option<u64> {
    let (name, n) = v.pre.as_str().rsplit_once('.')?;
    (name == id).then(|| n.parse().ok()).flatten()
}

/// How far apart two versions are, as a bump (for overrides).
pub fn bump_between(from: &Version, to: &Version) -> Bump {
    if to.major != from.major {
        Bump::Major
    } else if to.minor != from.minor {
        Bump::Minor
    } else if to.patch != from.patch {
        Bump::Patch
    } else if to.pre != from.pre {
        Bump::Prerelease
    } else {
        Bump::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_rank_follows_the_changelog_order_and_puts_unknown_groups_last() {
        assert_eq!(group_rank("Added"), 0);
        assert!(group_rank("Fixed") < group_rank("Reverted"));
        assert!(group_rank("Reverted") < group_rank("Security"));
        assert_eq!(group_rank("Performance"), group_rank("Other") + 1);
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn policy(f: impl FnOnce(&mut ReleaseConfig)) -> Policy {
        let mut c = ReleaseConfig::default();
        f(&mut c);
        Policy::from_config(&c).unwrap()
    }

    fn next(cur: &str, level: Bump, p: &Policy, pre: Option<&str>) -> (Option<String>, Bump) {
        let (n, b, _) = next_version(&v(cur), level, p, pre);
        (n.map(|n| n.to_string()), b)
    }

    #[test]
    fn stable_bumps() {
        let p = policy(|_| {});
        assert_eq!(
            next("1.4.2", Bump::Major, &p, None),
            (Some("2.0.0".into()), Bump::Major)
        );
        assert_eq!(
            next("1.4.2", Bump::Minor, &p, None),
            (Some("1.5.0".into()), Bump::Minor)
        );
        assert_eq!(
            next("1.4.2", Bump::Patch, &p, None),
            (Some("1.4.3".into()), Bump::Patch)
        );
        assert_eq!(next("1.4.2", Bump::None, &p, None), (None, Bump::None));
    }

    #[test]
    fn pre_1_0_defaults_match_release_please() {
        let p = policy(|_| {});
        assert_eq!(next("0.3.1", Bump::Major, &p, None).0.as_deref(), Some("1.0.0"));
        assert_eq!(next("0.3.1", Bump::Minor, &p, None).0.as_deref(), Some("0.4.0"));
    }

    #[test]
    fn pre_1_0_policies() {
        let p = policy(|c| {
            c.breaking_pre_1_0 = Some("minor".into());
            c.feature_pre_1_0 = Some("patch".into());
        });
        assert_eq!(
            next("0.3.1", Bump::Major, &p, None),
            (Some("0.4.0".into()), Bump::Minor)
        );
        assert_eq!(
            next("0.3.1", Bump::Minor, &p, None),
            (Some("0.3.2".into()), Bump::Patch)
        );
        // Policies only apply before 1.0.0.
        assert_eq!(next("1.3.1", Bump::Major, &p, None).0.as_deref(), Some("2.0.0"));
    }

    #[test]
    fn prerelease_series() {
        let p = policy(|_| {});
        assert_eq!(
            next("1.3.2", Bump::Minor, &p, Some("rc")),
            (Some("1.4.0-rc.1".into()), Bump::Minor)
        );
        assert_eq!(
            next("1.4.0-rc.1", Bump::Patch, &p, Some("rc")),
            (Some("1.4.0-rc.2".into()), Bump::Prerelease)
        );
        assert_eq!(
            next("1.4.0-rc.2", Bump::Minor, &p, Some("rc")),
            (Some("1.4.0-rc.3".into()), Bump::Prerelease)
        );
        // A breaking change during a minor series moves the base.
        assert_eq!(
            next("1.4.0-rc.2", Bump::Major, &p, Some("rc")),
            (Some("2.0.0-rc.1".into()), Bump::Major)
        );
        // A new identifier restarts the counter.
        assert_eq!(
            next("1.4.0-beta.3", Bump::Patch, &p, Some("rc")).0.as_deref(),
            Some("1.4.0-rc.1")
        );
        // Graduation needs no new commits.
        assert_eq!(
            next("1.4.0-rc.2", Bump::None, &p, None),
            (Some("1.4.0".into()), Bump::Minor)
        );
    }

    #[test]
    fn type_rules_are_configurable() {
        let p = policy(|c| {
            c.types.insert(
                "docs".into(),
                shipdeck_base::config::TypeConfig {
                    bump: Some("patch".into()),
                    hidden: Some(false),
                    group: None,
                },
            );
            c.types.insert(
                "ops".into(),
                shipdeck_base::config::TypeConfig {
                    group: Some("Operations".into()),
                    bump: Some("patch".into()),
                    hidden: None,
                },
            );
        });
        assert_eq!(p.entry_bump(Some("docs"), false), Bump::Patch);
        assert_eq!(p.rule(Some("ops")).group, "Operations");
        assert_eq!(p.entry_bump(Some("chore"), false), Bump::None);
        assert_eq!(p.entry_bump(None, false), Bump::None);
        assert_eq!(p.entry_bump(Some("chore"), true), Bump::Major);
    }

    #[test]
    fn bad_policy_values_are_config_errors() {
        let c = ReleaseConfig {
            breaking_pre_1_0: Some("huge".into()),
            ..Default::default()
        };
        assert!(Policy::from_config(&c).is_err());
    }
}
