//! The `[dependencies]` section of shipdeck.toml applied to rows: packages
//! to ignore, the update classes allowed per package, groups of packages
//! under one name. The section itself is read with the rest of the file
//! ([`DependenciesConfig`], in the base crate's configuration).
//!
//! ```toml
//! [dependencies]
//! ignore = ["left-pad", "npm:@types/*"]
//! schedule = "weekly"
//! [dependencies.allow]
//! serde = ["patch", "minor"]
//! [dependencies.groups]
//! "@babel/*" = "babel"
//! ```

pub use shipdeck_base::config::{DependenciesConfig, Schedule};

use crate::{Class, Outdated};

/// `*` matches any run of characters; nothing else is special. Written by
/// hand: package names hold no path separators, so a full glob engine would
/// only add rules (`?`, `[…]`, `**`) that names never need.
pub fn matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn pattern_matches(pattern: &str, row: &Outdated) -> bool {
    match pattern.split_once(':') {
        Some((eco, p)) if matches!(eco, "cargo" | "npm" | "pypi") => {
            eco == row.ecosystem.as_str() && matches(p, &row.name)
        }
        _ => matches(pattern, &row.name),
    }
}

/// The section's rules, as they apply to rows.
pub trait Rules {
    fn is_ignored(&self, row: &Outdated) -> bool;
    /// Whether the row's update is of a class its package allows (every
    /// class when no pattern names it).
    fn is_allowed(&self, row: &Outdated) -> bool;
    /// The update classes a row's package allows (every class when no
    /// pattern names it), in order.
    fn allowed_classes(&self, row: &Outdated) -> Vec<Class>;
    fn group_of(&self, row: &Outdated) -> Option<&str>;
    /// The rows not ignored, with disallowed update classes cleared and
    /// each row's group set.
    fn apply(&self, rows: Vec<Outdated>) -> Vec<Outdated>;
}

impl Rules for DependenciesConfig {
    fn is_ignored(&self, row: &Outdated) -> bool {
        self.ignore.iter().any(|p| pattern_matches(p, row))
    }

    fn is_allowed(&self, row: &Outdated) -> bool {
        let Some(class) = row.class else { return true };
        let mut rules = self
            .allow
            .iter()
            .filter(|(p, _)| pattern_matches(p, row))
            .peekable();
        rules.peek().is_none() || rules.any(|(_, classes)| classes.contains(&class))
    }

    fn allowed_classes(&self, row: &Outdated) -> Vec<Class> {
        let mut rules = self
            .allow
            .iter()
            .filter(|(p, _)| pattern_matches(p, row))
            .peekable();
        if rules.peek().is_none() {
            return vec![Class::Patch, Class::Minor, Class::Major];
        }
        let mut out: Vec<Class> = rules.flat_map(|(_, c)| c.iter().copied()).collect();
        out.sort();
        out.dedup();
        out
    }

    fn group_of(&self, row: &Outdated) -> Option<&str> {
        self.groups
            .iter()
            .find(|(p, _)| pattern_matches(p, row))
            .map(|(_, g)| g.as_str())
    }

    fn apply(&self, rows: Vec<Outdated>) -> Vec<Outdated> {
        rows.into_iter()
            .filter(|r| !self.is_ignored(r))
            .map(|mut r| {
                if !self.is_allowed(&r) {
                    r.class = None;
                }
                r.group = self.group_of(&r).map(String::from);
                r
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ecosystem;

    fn row(eco: Ecosystem, name: &str, class: Option<Class>) -> Outdated {
        Outdated {
            ecosystem: eco,
            name: name.into(),
            manifest: "m".into(),
            requirement: "*".into(),
            current: None,
            wanted: None,
            latest: None,
            class,
            kind: "dependencies".into(),
            released: None,
            homepage: None,
            repository: None,
            release_notes: None,
            advisories: Vec::new(),
            group: None,
            error: None,
        }
    }

    #[test]
    fn globs_match_names_only_where_written() {
        assert!(matches("@types/*", "@types/node"));
        assert!(matches("tokio*", "tokio"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "acb"));
        assert!(!matches("serde", "serde_json"));
        assert!(matches("*", "anything"));
    }

    #[test]
    fn the_section_reads_and_applies() {
        let cfg: DependenciesConfig = toml::from_str(
            "ignore = [\"left-pad\", \"npm:@types/*\"]\nschedule = \"weekly\"\n\
             [allow]\nserde = [\"patch\", \"minor\"]\n[groups]\n\"@babel/*\" = \"babel\"\n",
        )
        .unwrap();
        assert_eq!(cfg.schedule, Some(Schedule::Weekly));
        let rows = vec![
            row(Ecosystem::Npm, "left-pad", Some(Class::Major)),
            row(Ecosystem::Npm, "@types/node", Some(Class::Major)),
            row(Ecosystem::Cargo, "@types/node", Some(Class::Major)),
            row(Ecosystem::Cargo, "serde", Some(Class::Major)),
            row(Ecosystem::Cargo, "serde_json", Some(Class::Major)),
            row(Ecosystem::Npm, "@babel/core", Some(Class::Minor)),
        ];
        assert_eq!(cfg.group_of(&rows[5]), Some("babel"));
        let kept = cfg.apply(rows);
        assert_eq!(kept[3].group.as_deref(), Some("babel"));
        assert_eq!(kept[0].group, None);
        let names: Vec<_> = kept
            .iter()
            .map(|r| (r.ecosystem, r.name.as_str(), r.class))
            .collect();
        assert_eq!(
            names,
            vec![
                (Ecosystem::Cargo, "@types/node", Some(Class::Major)),
                (Ecosystem::Cargo, "serde", None),
                (Ecosystem::Cargo, "serde_json", Some(Class::Major)),
                (Ecosystem::Npm, "@babel/core", Some(Class::Minor)),
            ]
        );
        let err = toml::from_str::<DependenciesConfig>("ignor = []").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        assert!(toml::from_str::<DependenciesConfig>("[allow]\nx = [\"huge\"]").is_err());
    }
}
