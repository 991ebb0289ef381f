//! `dependencies`: every direct dependency against its registry, as `deps
//! outdated` reads it (`[dependencies] ignore` applied). A pending security
//! update — an outdated dependency whose locked version has an OSV
//! advisory that its update (`latest`, else `wanted`) no longer has, the
//! label `deps outdated` puts on the row — fails. A major version behind
//! warns, as do rows no registry answered for and advisories that could
//! not be asked. Minor and patch updates pass. No dependency skips.

use shipdeck_dependencies::{Class, Outdated, OutdatedReport};

use super::{bounded, count, named};
use crate::{AreaOutcome, CheckStatus};

fn target(d: &Outdated) -> &str {
    d.latest.as_deref().or(d.wanted.as_deref()).unwrap_or("?")
}

fn from_to(d: &Outdated) -> String {
    format!(
        "{} {} → {}",
        d.name,
        d.current.as_deref().unwrap_or("?"),
        target(d)
    )
}

fn security_line(d: &Outdated) -> String {
    format!(
        "{} ({}): fixes {}",
        from_to(d),
        d.manifest,
        d.advisories.join(", ")
    )
}

/// The rows the rules look at.
struct Findings<'a> {
    security: Vec<&'a Outdated>,
    majors: Vec<&'a Outdated>,
    unchecked: Vec<&'a Outdated>,
}

fn lines(f: &Findings, warnings: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = f.security.iter().map(|d| security_line(d)).collect();
    lines.extend(
        f.majors
            .iter()
            .map(|d| format!("{} ({}): major", from_to(d), d.manifest)),
    );
    lines.extend(f.unchecked.iter().map(|d| {
        let why = d.error.as_ref().map(|e| e.message.as_str()).unwrap_or("");
        format!("{} ({}): not checked: {why}", d.name, d.manifest)
    }));
    lines.extend(warnings.iter().cloned());
    lines
}

/// What warns, in words: majors behind, rows not checked, advisories not asked.
fn notes(f: &Findings, warnings: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    if !f.majors.is_empty() {
        notes.push(format!("{} behind", count(f.majors.len(), "major", "majors")));
    }
    if !f.unchecked.is_empty() {
        notes.push(format!(
            "{} not checked",
            count(f.unchecked.len(), "dependency", "dependencies")
        ));
    }
    if !warnings.is_empty() {
        notes.push("advisories not checked".to_string());
    }
    notes
}

/// The command that shows what this check judged.
pub const COMMAND: &str = "shipdeck deps outdated";

/// The check's outcome, every line one line of bounded length, secrets
/// the redactor knows removed.
pub fn judge(report: &OutdatedReport) -> AreaOutcome {
    super::clean(outcome(report))
}

fn outcome(report: &OutdatedReport) -> AreaOutcome {
    let deps = &report.dependencies;
    if deps.is_empty() {
        return AreaOutcome::skipped("no dependency to check");
    }
    let f = Findings {
        security: deps.iter().filter(|d| !d.advisories.is_empty()).collect(),
        majors: deps
            .iter()
            .filter(|d| d.class == Some(Class::Major) && d.advisories.is_empty())
            .collect(),
        unchecked: deps.iter().filter(|d| d.error.is_some()).collect(),
    };
    let behind = deps.iter().filter(|d| d.class.is_some()).count();
    let all = count(deps.len(), "dependency", "dependencies");
    let notes = notes(&f, &report.warnings);
    let (status, summary) = if !f.security.is_empty() {
        let names: Vec<String> = f.security.iter().map(|d| from_to(d)).collect();
        let mut s = format!(
            "{} pending: {}",
            count(f.security.len(), "security update", "security updates"),
            named(&names)
        );
        if !notes.is_empty() {
            s.push_str(&format!("; {}", notes.join(", ")));
        }
        (CheckStatus::Fail, s)
    } else if f.unchecked.len() == deps.len() {
        let why = f.unchecked[0]
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        (
            CheckStatus::Fail,
            format!("no registry answered for any of {all}: {why}"),
        )
    } else if !notes.is_empty() {
        (
            CheckStatus::Warn,
            format!("{behind} of {all} behind: {}", notes.join(", ")),
        )
    } else {
        (
            CheckStatus::Pass,
            format!("{behind} of {all} behind, no major, no pending security update"),
        )
    };
    let mut outcome = AreaOutcome::new(status, summary);
    outcome.lines = bounded(lines(&f, &report.warnings));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_dependencies::Ecosystem;
    use shipdeck_types::ErrorPayload;

    fn dep(name: &str, current: &str, latest: &str, class: Option<Class>) -> Outdated {
        Outdated {
            ecosystem: Ecosystem::Npm,
            name: name.into(),
            manifest: "web/package.json".into(),
            requirement: format!("^{current}"),
            current: Some(current.into()),
            wanted: Some(current.into()),
            latest: Some(latest.into()),
            class,
            kind: "dependencies".into(),
            released: None,
            homepage: None,
            repository: None,
            release_notes: None,
            advisories: vec![],
            group: None,
            error: None,
        }
    }

    fn report(dependencies: Vec<Outdated>) -> OutdatedReport {
        OutdatedReport {
            dependencies,
            schedule: None,
            warnings: vec![],
        }
    }

    #[test]
    fn nothing_to_check_is_skipped() {
        assert_eq!(judge(&report(vec![])).status, CheckStatus::Skipped);
    }

    #[test]
    fn minor_and_patch_updates_pass() {
        let o = judge(&report(vec![
            dep("ms", "2.1.3", "2.1.3", None),
            dep("debug", "4.3.1", "4.4.0", Some(Class::Minor)),
        ]));
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(
            o.summary,
            "1 of 2 dependencies behind, no major, no pending security update"
        );
    }

    #[test]
    fn a_major_behind_warns_and_is_counted() {
        let o = judge(&report(vec![
            dep("semver", "6.3.1", "7.6.0", Some(Class::Major)),
            dep("uuid", "8.3.2", "11.0.0", Some(Class::Major)),
            dep("ms", "2.1.3", "2.1.3", None),
        ]));
        assert_eq!(o.status, CheckStatus::Warn);
        assert_eq!(o.summary, "2 of 3 dependencies behind: 2 majors behind");
        assert_eq!(o.lines[0], "semver 6.3.1 → 7.6.0 (web/package.json): major");
    }

    #[test]
    fn a_pending_security_update_fails_even_as_a_patch() {
        let mut lodash = dep("lodash", "4.17.20", "4.17.21", Some(Class::Patch));
        lodash.advisories = vec!["GHSA-35jh-r3h4-6jhm".into()];
        let o = judge(&report(vec![
            lodash,
            dep("semver", "6.3.1", "7.6.0", Some(Class::Major)),
        ]));
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(
            o.summary,
            "1 security update pending: lodash 4.17.20 → 4.17.21; 1 major behind"
        );
        assert_eq!(
            o.lines[0],
            "lodash 4.17.20 → 4.17.21 (web/package.json): fixes GHSA-35jh-r3h4-6jhm"
        );
    }

    #[test]
    fn unanswered_rows_and_unasked_advisories_warn_and_all_unanswered_fails() {
        let mut down = dep("ms", "2.1.3", "2.1.3", None);
        down.error = Some(ErrorPayload {
            code: "dependencies.registry".into(),
            message: "registry.npmjs.org: connection refused".into(),
            hint: None,
        });
        let o = judge(&report(vec![down.clone(), dep("debug", "4.3.1", "4.3.1", None)]));
        assert_eq!(o.status, CheckStatus::Warn);
        assert!(
            o.lines[0].ends_with("not checked: registry.npmjs.org: connection refused"),
            "{:?}",
            o.lines
        );
        let o = judge(&report(vec![down]));
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(
            o.summary,
            "no registry answered for any of 1 dependency: registry.npmjs.org: connection refused"
        );
        let mut r = report(vec![dep("ms", "2.1.3", "2.1.3", None)]);
        r.warnings.push("security advisories not checked: timeout".into());
        let o = judge(&r);
        assert_eq!(o.status, CheckStatus::Warn);
        assert_eq!(
            o.lines,
            vec!["security advisories not checked: timeout".to_string()]
        );
    }
}
