//! Requirement rewriting that keeps the user's style: each comparator keeps
//! its operator and its precision (`^1.2.3` → `^1.4.0`, `~1.2` → `~1.4`,
//! `==1.2.3` → `==1.4.0`), an upper bound is widened only when it excludes
//! the target (`>=1,<2` → `>=1,<3`), and a range that already allows the
//! target is left as it is, unless the manifest has no lockfile to move.

use nodejs_semver::{Range, Version as NpmVersion};

use crate::manifest::python::poetry_to_pep440;

/// Whose rules a requirement follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Npm,
    Cargo,
    Pep440,
    /// Poetry's `^`/`~` constraints (read as PEP 440 after translation).
    Poetry,
}

/// Whether `req` allows `version`; `None` when either cannot be read.
pub fn allows(flavor: Flavor, req: &str, version: &str) -> Option<bool> {
    let req = req.trim();
    match flavor {
        Flavor::Npm => {
            let r = if req.is_empty() { "*" } else { req };
            Some(Range::parse(r).ok()?.satisfies(&NpmVersion::parse(version).ok()?))
        }
        Flavor::Cargo => {
            let r = if req.is_empty() { "*" } else { req };
            let v = semver::Version::parse(version).ok()?;
            Some(semver::VersionReq::parse(r).ok()?.matches(&v))
        }
        Flavor::Pep440 | Flavor::Poetry => {
            let r = if flavor == Flavor::Poetry {
                poetry_to_pep440(req)
            } else {
                req.to_string()
            };
            let v: pep440_rs::Version = version.parse().ok()?;
            if r.trim().is_empty() {
                return Some(true);
            }
            let specs: pep440_rs::VersionSpecifiers = r.parse().ok()?;
            Some(specs.contains(&v))
        }
    }
}

/// One comparator found in a requirement: its operator and the byte range
/// of its version.
struct Comparator {
    op: String,
    start: usize,
    end: usize,
}

/// Written by hand: the four requirement grammars share this shape
/// (operator, optional spaces, version; separated by spaces, commas or
/// `||`), and the rewrite must keep every other byte, which none of the
/// parsing crates can give back.
fn comparators(req: &str) -> Vec<Comparator> {
    let b = req.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_op = |c: u8| matches!(c, b'<' | b'>' | b'=' | b'!' | b'~' | b'^');
    let is_ver = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'*' | b'+' | b'-');
    while i < b.len() {
        let token_start = i == 0 || matches!(b[i - 1], b' ' | b',' | b'|' | b'\t');
        if !(is_op(b[i]) || (token_start && (b[i].is_ascii_digit() || matches!(b[i], b'*' | b'x' | b'X')))) {
            i += 1;
            continue;
        }
        let op_start = i;
        while i < b.len() && is_op(b[i]) {
            i += 1;
        }
        let op = req[op_start..i].to_string();
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let start = i;
        while i < b.len() && is_ver(b[i]) {
            i += 1;
        }
        if start < i {
            out.push(Comparator { op, start, end: i });
        } else if i == op_start {
            i += 1;
        }
    }
    out
}

/// `to` written with the precision of `original` (`1.2` → two parts),
/// keeping wildcard parts (`1.x` → `2.x`).
fn with_precision(original: &str, to: &str) -> String {
    let target: Vec<&str> = to.split(['.', '-', '+']).collect();
    let parts: Vec<&str> = original.split('.').collect();
    if parts.len() >= 3 && parts[2].contains(|c: char| !c.is_ascii_digit()) && !is_wild(parts[2]) {
        // A prerelease or build part: write the whole target.
        return to.to_string();
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if is_wild(p) {
                (*p).to_string()
            } else {
                target
                    .get(i)
                    .filter(|t| t.chars().all(|c| c.is_ascii_digit()))
                    .map_or("0", |t| *t)
                    .to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn is_wild(p: &str) -> bool {
    matches!(p, "x" | "X" | "*")
}

/// The next version above `to` at `original`'s precision: the exclusive
/// upper bound that admits `to` (`<2` with 2.3.0 → `<3`, `<1.3` with 1.4.2 → `<1.5`).
fn next_bound(original: &str, to: &str) -> String {
    let n = original.split('.').count().max(1);
    let mut nums: Vec<u64> = to
        .split('.')
        .map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>())
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    nums.resize(n.max(nums.len()), 0);
    nums.truncate(n);
    if let Some(last) = nums.last_mut() {
        *last += 1;
    }
    nums.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// The requirement to write so that it allows `to`. `bump_floor` raises
/// lower bounds even when the range allows `to` (a manifest without a
/// lockfile, where the requirement is all there is to change).
pub fn rewrite(flavor: Flavor, req: &str, to: &str, bump_floor: bool) -> String {
    if !bump_floor && allows(flavor, req, to) == Some(true) {
        return req.to_string();
    }
    let mut out = String::with_capacity(req.len() + 4);
    let mut last = 0;
    for c in comparators(req) {
        let version = &req[c.start..c.end];
        let single = format!("{}{}", c.op, version);
        let keeps = allows(flavor, &single, to) == Some(true);
        let replacement = match c.op.as_str() {
            "!=" => None,
            "<" => (!keeps).then(|| next_bound(version, to)),
            "<=" => (!keeps).then(|| with_precision(version, to)),
            _ if keeps && !bump_floor => None,
            _ => Some(with_precision(version, to)),
        };
        if let Some(r) = replacement {
            out.push_str(&req[last..c.start]);
            out.push_str(&r);
            last = c.end;
        }
    }
    out.push_str(&req[last..]);
    if allows(flavor, &out, to) == Some(true) && !out.trim().is_empty() {
        return out;
    }
    fallback(flavor, req, to)
}

/// The ecosystem's default requirement for `to`, when the original cannot
/// be rewritten in its own style.
fn fallback(flavor: Flavor, req: &str, to: &str) -> String {
    match flavor {
        Flavor::Npm | Flavor::Poetry => format!("^{to}"),
        Flavor::Cargo => to.to_string(),
        Flavor::Pep440 if req.contains("==") => format!("=={to}"),
        Flavor::Pep440 => format!(">={to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_precision_are_kept() {
        use Flavor::*;
        let cases = [
            (Npm, "^1.2.3", "2.0.1", false, "^2.0.1"),
            (Npm, "^1.2.3", "1.4.0", false, "^1.2.3"),
            (Npm, "~1.2", "1.4.0", false, "~1.4"),
            (Npm, "2.6.8", "2.6.9", false, "2.6.9"),
            (Npm, ">=8.0.0 <9", "9.0.1", false, ">=8.0.0 <10"),
            (Npm, "1.x", "2.1.0", false, "2.x"),
            (Npm, "^1.2.3", "1.4.0", true, "^1.4.0"),
            (Cargo, "1.2", "1.4.0", false, "1.2"),
            (Cargo, "1.2", "2.0.0", false, "2.0"),
            (Cargo, "=1.2.3", "1.2.9", false, "=1.2.9"),
            (Cargo, ">=1.2, <2", "2.0.1", false, ">=1.2, <3"),
            (Cargo, "0.5", "0.8.5", false, "0.8"),
            (Pep440, "==1.2.3", "1.4.0", false, "==1.4.0"),
            (Pep440, ">=1.2", "1.4", true, ">=1.4"),
            (Pep440, ">=1,<2", "2.1.0", false, ">=1,<3"),
            (Pep440, "~=1.2", "2.0.0", false, "~=2.0"),
            (Pep440, ">=1.2,<1.3", "1.4.2", false, ">=1.2,<1.5"),
            (Poetry, "^1.2", "2.0.0", false, "^2.0"),
            (Poetry, "^1.2", "1.4.0", false, "^1.2"),
        ];
        for (flavor, req, to, floor, want) in cases {
            assert_eq!(rewrite(flavor, req, to, floor), want, "{flavor:?} {req} -> {to}");
        }
    }

    #[test]
    fn unreadable_requirements_fall_back_to_the_default_style() {
        assert_eq!(rewrite(Flavor::Npm, "latest", "2.0.0", false), "^2.0.0");
        assert_eq!(rewrite(Flavor::Pep440, "", "2.0.0", true), ">=2.0.0");
    }
}
