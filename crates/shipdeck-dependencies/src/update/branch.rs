//! Branches and commit messages of an update plan: one branch per update,
//! per configured group, or one for all; ref-safe names; Conventional
//! Commit messages with the bump trailers.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Bump, UpdateRequest};
use crate::error::DepsError;
use crate::resolve::Class;

/// A ref-safe form of a package name or group (`@babel/core` → `babel-core`).
pub fn ref_part(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        let c = if keep { c } else { '-' };
        let doubled = (c == '-' || c == '.') && out.ends_with(c);
        if !doubled {
            out.push(c);
        }
    }
    let out = out.trim_matches(['-', '.']).to_string();
    let out = out.strip_suffix(".lock").map_or(out.clone(), str::to_string);
    if out.is_empty() {
        "dependency".into()
    } else {
        out
    }
}

pub fn valid_branch(name: &str) -> Result<(), DepsError> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('-')
        && git2::Reference::is_valid_name(&format!("refs/heads/{name}"));
    ok.then_some(())
        .ok_or_else(|| DepsError::InvalidBranch { branch: name.into() })
}

fn short_hash(v: &impl serde::Serialize) -> String {
    let json = serde_json::to_vec(v).unwrap_or_default();
    hex::encode(Sha256::digest(json))[..10].to_string()
}

/// Bumps split into branches: one per update (one package to one
/// version, in every manifest that declares it), one per configured group,
/// or one in all with `--group`/`--branch`. Security updates come first.
pub fn branches(mut bumps: Vec<Bump>, request: &UpdateRequest) -> Vec<(String, Option<String>, Vec<Bump>)> {
    bumps.sort_by(|a, b| {
        (a.advisories.is_empty(), a.ecosystem, &a.name, &a.manifest).cmp(&(
            b.advisories.is_empty(),
            b.ecosystem,
            &b.name,
            &b.manifest,
        ))
    });
    if request.group || request.branch.is_some() {
        let name = request
            .branch
            .clone()
            .unwrap_or_else(|| format!("shipdeck/deps/all-{}", short_hash(&bumps)));
        return if bumps.is_empty() {
            vec![]
        } else {
            vec![(name, None, bumps)]
        };
    }
    let mut out: Vec<(String, Option<String>, Vec<Bump>)> = Vec::new();
    for b in bumps {
        let (name, group) = match &b.group {
            Some(g) => (format!("shipdeck/deps/{}", ref_part(g)), Some(g.clone())),
            None => (
                format!(
                    "shipdeck/deps/{}/{}-{}",
                    b.ecosystem.as_str(),
                    ref_part(&b.name),
                    ref_part(&b.to)
                ),
                None,
            ),
        };
        match out.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, _, list)) => list.push(b),
            None => out.push((name, group, vec![b])),
        }
    }
    out
}

fn class_name(c: Class) -> &'static str {
    match c {
        Class::Patch => "patch",
        Class::Minor => "minor",
        Class::Major => "major",
    }
}

/// The Conventional Commit message: `fix(deps)` when an update fixes an
/// advisory (with a `Security:` line naming them), `chore(deps)` else; a
/// table of the bumps when there are several; the bump trailers last.
pub fn message(group: Option<&str>, bumps: &[Bump]) -> String {
    let security: Vec<&str> = bumps
        .iter()
        .flat_map(|b| b.advisories.iter().map(String::as_str))
        .collect();
    let kind = if security.is_empty() { "chore" } else { "fix" };
    let first = &bumps[0];
    let one_update = bumps
        .iter()
        .all(|b| b.name == first.name && b.to == first.to && b.from == first.from);
    let subject = if one_update {
        let dir = Path::new(&first.manifest)
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let place = if bumps.len() == 1 && !dir.is_empty() {
            format!(" in /{dir}")
        } else {
            String::new()
        };
        format!("bump {} from {} to {}{place}", first.name, first.from, first.to)
    } else if let Some(g) = group {
        format!("bump the {g} group with {} updates", bumps.len())
    } else {
        format!("bump {} dependencies", bumps.len())
    };
    let mut body = String::new();
    if !security.is_empty() {
        let _ = writeln!(body, "Security: fixes {}\n", security.join(", "));
    }
    if !one_update || bumps.len() > 1 {
        body.push_str("| Package | From | To | Class | Manifest |\n| --- | --- | --- | --- | --- |\n");
        for b in bumps {
            let _ = writeln!(
                body,
                "| {} | {} | {} | {} | {} |",
                b.name,
                b.from,
                b.to,
                class_name(b.class),
                b.manifest
            );
        }
        body.push('\n');
    }
    format!("{kind}(deps): {subject}\n\n{body}{}", super::bump_trailers(bumps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ecosystem;

    fn bump(name: &str, manifest: &str, advisories: &[&str]) -> Bump {
        Bump {
            ecosystem: Ecosystem::Npm,
            name: name.into(),
            manifest: manifest.into(),
            from: "1.0.0".into(),
            to: "1.2.0".into(),
            class: Class::Minor,
            requirement_from: "^1.0.0".into(),
            requirement_to: "^1.0.0".into(),
            advisories: advisories.iter().map(|s| (*s).to_string()).collect(),
            group: None,
        }
    }

    #[test]
    fn branch_names_are_refs_and_security_comes_first() {
        let req = UpdateRequest::default();
        let b = branches(
            vec![
                bump("@babel/core", "package.json", &[]),
                bump("ms", "web/package.json", &["GHSA-x"]),
            ],
            &req,
        );
        assert_eq!(b[0].0, "shipdeck/deps/npm/ms-1.2.0");
        assert_eq!(b[1].0, "shipdeck/deps/npm/babel-core-1.2.0");
        for (name, _, _) in &b {
            valid_branch(name).unwrap();
        }
        for bad in ["a..b", "has space", "-x", "x.lock", "", "a/", "refs//x"] {
            assert!(valid_branch(bad).is_err(), "{bad}");
        }
        assert_eq!(ref_part("a..b c"), "a.b-c");
    }

    #[test]
    fn a_configured_group_shares_one_branch() {
        let mut a = bump("@babel/core", "package.json", &[]);
        let mut b = bump("@babel/preset-env", "web/package.json", &[]);
        a.group = Some("babel".into());
        b.group = Some("babel".into());
        let c = bump("ms", "package.json", &[]);
        let out = branches(vec![c, b, a], &UpdateRequest::default());
        let names: Vec<(&str, usize)> = out.iter().map(|(n, _, b)| (n.as_str(), b.len())).collect();
        assert_eq!(
            names,
            vec![("shipdeck/deps/babel", 2), ("shipdeck/deps/npm/ms-1.2.0", 1)]
        );
        let m = message(out[0].1.as_deref(), &out[0].2);
        assert!(
            m.starts_with("chore(deps): bump the babel group with 2 updates\n"),
            "{m}"
        );
        let one = branches(
            out.into_iter().flat_map(|(_, _, b)| b).collect(),
            &UpdateRequest {
                group: true,
                ..UpdateRequest::default()
            },
        );
        assert_eq!(one.len(), 1);
        assert!(one[0].0.starts_with("shipdeck/deps/all-"), "{}", one[0].0);
    }

    #[test]
    fn messages_name_the_place_and_label_security() {
        let m = message(None, &[bump("ms", "web/package.json", &["GHSA-x"])]);
        assert!(
            m.starts_with("fix(deps): bump ms from 1.0.0 to 1.2.0 in /web\n\nSecurity: fixes GHSA-x\n"),
            "{m}"
        );
        assert_eq!(super::super::parse_bump_trailers(&m).len(), 1);
        let m = message(
            None,
            &[
                bump("ms", "package.json", &[]),
                bump("chalk", "package.json", &[]),
            ],
        );
        assert!(
            m.starts_with("chore(deps): bump 2 dependencies\n\n| Package |"),
            "{m}"
        );
        assert!(
            m.contains("| chalk | 1.0.0 | 1.2.0 | minor | package.json |"),
            "{m}"
        );
    }
}
